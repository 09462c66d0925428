import {
  defaultParameters,
  validatePatientAgainstProtocol,
  type DoseTimes,
  type Patient,
  type RegimenParameters,
} from '#domain/patient.ts';
import type { Language } from '#domain/protocol.ts';
import { ConflictError, NotFoundError } from '#ports/patients.ts';
import { auditedWrite, patientCarrier } from '../audit/audited-write.ts';
import { defaultNewId, InvalidInputError, replan, StateConflictError, type CoordinatorDeps } from './deps.ts';

export interface EnrollInput {
  studyId: string;
  phone: string;
  timeZone?: string;
  language?: Language;
  enrolledOn: string;
  doseTimes?: DoseTimes;
  discreet?: boolean;
  prednisoneStartMg?: number;
  mmfInductionDoseG?: number;
  mmfMaintenanceDoseG?: number;
  lefDoseMg?: number;
}

export interface PatientWriteResult {
  patient: Patient;
  /** False when re-planning failed (the write stands; the daily planning run catches up). */
  planned: boolean;
}

function parametersFrom(base: RegimenParameters, input: Partial<RegimenParameters>): RegimenParameters {
  return {
    prednisoneStartMg: input.prednisoneStartMg ?? base.prednisoneStartMg,
    mmfInductionDoseG: input.mmfInductionDoseG ?? base.mmfInductionDoseG,
    mmfMaintenanceDoseG: input.mmfMaintenanceDoseG ?? base.mmfMaintenanceDoseG,
    lefDoseMg: input.lefDoseMg ?? base.lefDoseMg,
  };
}

/**
 * Enrolls a patient. Steps: fill protocol defaults → check the protocol's bounds (400 naming
 * each field) → create, carrying its audit entry (phone and study ID claimed uniquely:
 * ConflictError, nothing written) → append the entry → plan the first days of reminders. A retry
 * after a crash gets ConflictError, but only after the first attempt's entry is appended.
 */
export async function enrollPatient(deps: CoordinatorDeps, input: EnrollInput, actor: string, now: string): Promise<PatientWriteResult> {
  const parameters = parametersFrom(defaultParameters(deps.protocol), input);
  const doseTimes = input.doseTimes ?? { ...deps.protocol.defaultDoseTimes };
  const problems = validatePatientAgainstProtocol({ parameters, doseTimes }, deps.protocol);
  if (problems.length > 0) throw new InvalidInputError(problems);
  const patient: Patient = {
    id: (deps.newId ?? defaultNewId)(),
    studyId: input.studyId,
    phone: input.phone,
    timeZone: input.timeZone ?? deps.protocol.studyTimeZone,
    language: input.language ?? 'zh-CN',
    enrolledOn: input.enrolledOn,
    doseTimes,
    parameters,
    discreet: input.discreet ?? false,
    status: 'active',
    smsOptOut: false,
    arm: null,
    appointments: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const entry = { at: now, actor, action: 'patient.enroll', entityType: 'patient', entityId: patient.id, before: null, after: patient };
  try {
    await auditedWrite(deps.audit, entry, { carrier: patientCarrier(patient.id), version: 1 }, (pending) => deps.patients.create(patient, pending));
  } catch (error) {
    if (error instanceof ConflictError) await settleHolder(deps, input);
    throw error;
  }
  return { patient, planned: await replan(deps, patient, now) };
}

/** A retried enrollment meets its own first attempt: finish that attempt's audit entry before answering 409. */
async function settleHolder(deps: CoordinatorDeps, input: EnrollInput): Promise<void> {
  const holder = (await deps.patients.findByPhone(input.phone)) ?? (await deps.patients.findByStudyId(input.studyId));
  if (holder) await deps.audit.settle(patientCarrier(holder.id));
}

/**
 * Reads a patient for a write: read, then complete any audit entry the record still carries (a
 * crashed write's). In that order, whatever the read saw has its entry before this write replaces
 * it; a write after the read fails the version check.
 */
export async function getPatientForWrite(deps: Pick<CoordinatorDeps, 'patients' | 'audit'>, id: string): Promise<Patient> {
  const patient = await getPatientOrThrow(deps, id);
  await deps.audit.settle(patientCarrier(id));
  return patient;
}

export async function getPatientOrThrow(deps: Pick<CoordinatorDeps, 'patients'>, id: string): Promise<Patient> {
  const patient = await deps.patients.get(id);
  if (!patient) throw new NotFoundError('no such patient');
  return patient;
}

export interface PatientPatch {
  phone?: string;
  timeZone?: string;
  language?: Language;
  doseTimes?: DoseTimes;
  discreet?: boolean;
  prednisoneStartMg?: number;
  mmfInductionDoseG?: number;
  mmfMaintenanceDoseG?: number;
  lefDoseMg?: number;
  reason?: string;
}

const PATCHABLE = ['phone', 'timeZone', 'language', 'doseTimes', 'discreet', 'parameters'] as const;

/**
 * Changes contact and regimen settings. Steps: read → apply → check protocol bounds → optimistic
 * update (a new phone is claimed uniquely; a concurrent change is a conflict) → audit the changed
 * fields before → after → re-plan (times, zone, language and discreet mode all change reminders).
 */
export async function updatePatient(deps: CoordinatorDeps, id: string, patch: PatientPatch, actor: string, now: string): Promise<PatientWriteResult> {
  const current = await getPatientForWrite(deps, id);
  if (current.status === 'withdrawn') throw new StateConflictError('the patient has withdrawn: nothing can be changed');
  const next: Patient = {
    ...current,
    phone: patch.phone ?? current.phone,
    timeZone: patch.timeZone ?? current.timeZone,
    language: patch.language ?? current.language,
    doseTimes: patch.doseTimes ?? current.doseTimes,
    discreet: patch.discreet ?? current.discreet,
    parameters: parametersFrom(current.parameters, patch),
    updatedAt: now,
  };
  const problems = validatePatientAgainstProtocol({ parameters: next.parameters, doseTimes: next.doseTimes }, deps.protocol);
  if (problems.length > 0) throw new InvalidInputError(problems);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const field of PATCHABLE) {
    if (JSON.stringify(current[field]) !== JSON.stringify(next[field])) {
      before[field] = current[field];
      after[field] = next[field];
    }
  }
  if (Object.keys(after).length === 0) return { patient: current, planned: true };
  const stored = await auditedWrite(
    deps.audit,
    { at: now, actor, action: 'patient.update', entityType: 'patient', entityId: id, before, after, ...(patch.reason ? { reason: patch.reason } : {}) },
    { carrier: patientCarrier(id), version: current.version + 1 },
    (pending) => deps.patients.update(next, current.version, pending),
  );
  return { patient: stored, planned: await replan(deps, stored, now) };
}

export type StatusAction = 'pause' | 'resume' | 'withdraw';

/**
 * Pause (e.g. a hospital stay), resume, or withdraw, always with a reason. Pause and withdrawal
 * cancel every future reminder at once; resume re-plans. Withdrawal is final.
 */
export async function changePatientStatus(
  deps: CoordinatorDeps,
  id: string,
  input: { action: StatusAction; reason: string },
  actor: string,
  now: string,
): Promise<PatientWriteResult & { cancelledReminders: number }> {
  const current = await getPatientForWrite(deps, id);
  const allowedFrom: Record<StatusAction, Patient['status'][]> = { pause: ['active'], resume: ['paused'], withdraw: ['active', 'paused'] };
  if (!allowedFrom[input.action].includes(current.status)) {
    throw new StateConflictError(`cannot ${input.action} a patient who is ${current.status}`);
  }
  const { pausedFrom: _p, statusReason: _r, ...rest } = current;
  const next: Patient =
    input.action === 'pause'
      ? { ...rest, status: 'paused', statusReason: input.reason, pausedFrom: now, updatedAt: now }
      : input.action === 'resume'
        ? { ...rest, status: 'active', statusReason: input.reason, updatedAt: now }
        : { ...rest, status: 'withdrawn', statusReason: input.reason, withdrawnAt: now, updatedAt: now };
  const stored = await auditedWrite(
    deps.audit,
    {
      at: now,
      actor,
      action: `patient.${input.action}`,
      entityType: 'patient',
      entityId: id,
      before: { status: current.status, statusReason: current.statusReason ?? null },
      after: { status: next.status, statusReason: next.statusReason ?? null },
      reason: input.reason,
    },
    { carrier: patientCarrier(id), version: current.version + 1 },
    (pending) => deps.patients.update(next, current.version, pending),
  );
  if (input.action === 'resume') return { patient: stored, planned: await replan(deps, stored, now), cancelledReminders: 0 };
  const cancelledReminders = await deps.reminders.cancelFuture(id, now, input.action === 'withdraw' ? 'withdrawn' : 'paused', now);
  return { patient: stored, planned: true, cancelledReminders };
}
