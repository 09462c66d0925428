import { recordAccess, recordPatientRead } from '#app/audit/record-read.ts';
import { changePatientStatus, enrollPatient, updatePatient, type PatientWriteResult } from '#app/coordinator/patients.ts';
import { randomizePatient } from '#app/coordinator/randomize.ts';
import { DEFAULT_THREAD_LIMIT, patientDetail, patientMessages } from '#app/coordinator/read-models.ts';
import { recordVisit } from '#app/coordinator/visits.ts';
import {
  enrollBody,
  idParams,
  listPatientsQuery,
  patchPatientBody,
  patientDetailResponse,
  patientList,
  patientMessagesQuery,
  patientMessagesResponse,
  patientResponse,
  randomizationBody,
  statusBody,
  statusResponse,
  visitBody,
  visitResponse,
} from '../schemas.ts';
import { COORDINATOR, defineRoute, type ApiDeps, type AnyRoute } from './types.ts';

function warnIfNotPlanned(deps: ApiDeps, result: Pick<PatientWriteResult, 'planned' | 'patient'>): void {
  if (!result.planned) deps.log?.('warn', 'schedule re-plan failed; the daily planning run will catch up', { patientId: result.patient.id });
}

export const patientRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/patients',
    operationId: 'enrollPatient',
    summary: 'Enroll a patient (unique study ID and phone; regimen within protocol bounds).',
    roles: COORDINATOR,
    body: enrollBody,
    responses: { 201: { description: 'Enrolled', schema: patientResponse } },
    async handle({ deps, body, principal, now }) {
      const result = await enrollPatient(deps, body, principal.subject, now);
      warnIfNotPlanned(deps, result);
      return { status: 201, json: result.patient };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/patients',
    operationId: 'listPatients',
    summary: 'Patients, by study ID; with ?status= one page of that status.',
    roles: COORDINATOR,
    query: listPatientsQuery,
    responses: { 200: { description: 'Patients', schema: patientList } },
    async handle({ deps, query, principal, now, requestId }) {
      const page = query.status ? await deps.patients.listByStatus(query.status, query.cursor, query.limit ?? 50) : { items: await deps.patients.listAll() };
      await recordAccess(deps.audit, { actor: principal.subject, at: now, requestId }, 'patients.list', { patientIds: page.items.map((p) => p.id) });
      return { status: 200, json: page };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/patients/{id}',
    operationId: 'getPatient',
    summary: 'Profile, status, arm, upcoming reminders, adherence (totals and a 90-day daily series), visits, open reports and alerts.',
    roles: COORDINATOR,
    params: idParams,
    responses: { 200: { description: 'The patient', schema: patientDetailResponse } },
    async handle({ deps, params, now, principal, requestId }) {
      const detail = await patientDetail(deps, params.id, now);
      await recordPatientRead(deps.audit, { actor: principal.subject, at: now, requestId }, 'patient.profile', params.id);
      return { status: 200, json: detail };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/patients/{id}/messages',
    operationId: 'listPatientMessages',
    summary: "The patient's SMS, both directions, newest first (bodies: coordinators only; no phone numbers).",
    roles: COORDINATOR,
    params: idParams,
    query: patientMessagesQuery,
    responses: { 200: { description: 'The thread, newest first', schema: patientMessagesResponse } },
    async handle({ deps, params, query, principal, now, requestId }) {
      const thread = await patientMessages(deps, params.id, query.limit ?? DEFAULT_THREAD_LIMIT);
      await recordPatientRead(deps.audit, { actor: principal.subject, at: now, requestId }, 'patient.messages', params.id, { limit: query.limit ?? DEFAULT_THREAD_LIMIT });
      return { status: 200, json: thread };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/patients/{id}',
    operationId: 'updatePatient',
    summary: 'Change phone, time zone, language, dose times, discreet mode or regimen parameters (re-plans).',
    roles: COORDINATOR,
    params: idParams,
    body: patchPatientBody,
    responses: { 200: { description: 'Updated', schema: patientResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await updatePatient(deps, params.id, body, principal.subject, now);
      warnIfNotPlanned(deps, result);
      return { status: 200, json: result.patient };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/patients/{id}/status',
    operationId: 'changePatientStatus',
    summary: 'Pause, resume or withdraw (with a reason); pause and withdrawal cancel future reminders.',
    roles: COORDINATOR,
    params: idParams,
    body: statusBody,
    responses: { 200: { description: 'Status changed', schema: statusResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await changePatientStatus(deps, params.id, body, principal.subject, now);
      warnIfNotPlanned(deps, result);
      return { status: 200, json: { patient: result.patient, cancelledReminders: result.cancelledReminders } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/patients/{id}/randomization',
    operationId: 'randomizePatient',
    summary: 'Month-6 randomization: draw from the concealed permuted-block list, or record an arm allocated elsewhere. Once per patient.',
    roles: COORDINATOR,
    params: idParams,
    body: randomizationBody,
    responses: { 200: { description: 'Randomized: the patient with arm and randomizedOn', schema: patientResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await randomizePatient(deps, params.id, body, principal.subject, now);
      warnIfNotPlanned(deps, result);
      return { status: 200, json: result.patient };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/patients/{id}/visits',
    operationId: 'recordVisit',
    summary: 'Set an appointment date, add an unscheduled visit, or record a completed visit (RI, response, relapse decision).',
    roles: COORDINATOR,
    params: idParams,
    body: visitBody,
    responses: { 200: { description: 'Recorded', schema: visitResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await recordVisit(deps, params.id, body, principal.subject, now);
      warnIfNotPlanned(deps, result);
      return { status: 200, json: { patient: result.patient, visitKey: result.visitKey, record: result.record } };
    },
  }),
];
