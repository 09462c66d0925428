import { acknowledgeAlert, snoozeAlert } from '#app/acknowledge-alert.ts';
import { recordAccess, recordPatientRead } from '#app/audit/record-read.ts';
import { InvalidInputError, StateConflictError } from '#app/coordinator/deps.ts';
import { buildWorklist } from '#app/coordinator/worklist.ts';
import { localDateOf } from '#domain/working-time.ts';
import { reviewReport } from '#app/coordinator/review-report.ts';
import { NotFoundError } from '#ports/patients.ts';
import type { Report } from '#ports/reports.ts';
import type { Role } from '../auth.ts';
import { acknowledgeBody, alertPage, alertResponse, alertsQuery, snoozeBody, worklistQuery, worklistResponse, idParams, reportPage, reportResponse, reportsQuery, reviewBody } from '../schemas.ts';
import { ANY_ROLE, COORDINATOR, defineRoute, type AnyRoute } from './types.ts';

/** Monitors see interpretations, terms and grades, not the patient's own words (message bodies are coordinators' only). */
function forRole(report: Report, role: Role): Omit<Report, 'text'> & { text?: string } {
  if (role === 'coordinator') return report;
  const { text: _text, ...rest } = report;
  return rest;
}

/** The review queue (reports) and the alerts. */
export const queueRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/reports',
    operationId: 'listReports',
    summary: 'The review queue: reports by status, oldest first, paginated.',
    roles: ANY_ROLE,
    query: reportsQuery,
    responses: { 200: { description: 'One page', schema: reportPage } },
    async handle({ deps, query, principal, now, requestId }) {
      const page = await deps.reports.listByStatus(query.status, query.cursor, query.limit ?? 50);
      await recordAccess(deps.audit, { actor: principal.subject, at: now, requestId }, 'reports.queue', {
        reportIds: page.items.map((r) => r.id),
        patientIds: [...new Set(page.items.flatMap((r) => (r.patientId ? [r.patientId] : [])))],
        withText: principal.role === 'coordinator',
      });
      return { status: 200, json: { ...page, items: page.items.map((r) => forRole(r, principal.role)) } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/reports/{id}',
    operationId: 'getReport',
    summary: 'One report with its interpretation and review.',
    roles: ANY_ROLE,
    params: idParams,
    responses: { 200: { description: 'The report', schema: reportResponse } },
    async handle({ deps, params, principal, now, requestId }) {
      const report = await deps.reports.get(params.id);
      if (!report) throw new NotFoundError('no such report');
      const ctx = { actor: principal.subject, at: now, requestId };
      const details = { reportId: report.id, withText: principal.role === 'coordinator' };
      if (report.patientId) await recordPatientRead(deps.audit, ctx, 'report.text', report.patientId, details);
      else await recordAccess(deps.audit, ctx, 'report.text', { reportIds: [report.id], ...details });
      return { status: 200, json: forRole(report, principal.role) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/reports/{id}/review',
    operationId: 'reviewReport',
    summary: 'Mark a report reviewed: outcome, note, CTCAE terms and grades confirmed or corrected. Once.',
    roles: COORDINATOR,
    params: idParams,
    body: reviewBody,
    responses: { 200: { description: 'Reviewed', schema: reportResponse } },
    async handle({ deps, params, body, principal, now }) {
      return { status: 200, json: await reviewReport(deps, params.id, body, principal.subject, now) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/alerts',
    operationId: 'listAlerts',
    summary: 'Alerts by status, oldest first, paginated.',
    roles: ANY_ROLE,
    query: alertsQuery,
    responses: { 200: { description: 'One page', schema: alertPage } },
    async handle({ deps, query }) {
      return { status: 200, json: await deps.alerts.listByStatus(query.status, query.cursor, query.limit ?? 50) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/alerts/{id}/acknowledge',
    operationId: 'acknowledgeAlert',
    summary: 'Acknowledge an open alert or worklist item with a note and an optional outcome (stops its escalation; the episodes grouped under an item are acknowledged with it). Once.',
    roles: COORDINATOR,
    params: idParams,
    body: acknowledgeBody,
    responses: { 200: { description: 'Acknowledged', schema: alertResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await acknowledgeAlert(deps, params.id, principal.subject, body.note, now, body.outcome);
      if (result === 'not_found') throw new NotFoundError('no such alert');
      if (result === 'not_open') throw new StateConflictError('the alert was already acknowledged');
      return { status: 200, json: result };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/alerts/{id}/snooze',
    operationId: 'snoozeAlert',
    summary: 'Put an open routine worklist item aside until a study-local date (null: back now). Urgent alerts cannot be snoozed.',
    roles: COORDINATOR,
    params: idParams,
    body: snoozeBody,
    responses: { 200: { description: 'Snoozed', schema: alertResponse } },
    async handle({ deps, params, body, principal, now }) {
      const result = await snoozeAlert(deps, params.id, principal.subject, body.until, now, localDateOf(now, deps.protocol.studyTimeZone));
      if (result === 'not_found') throw new NotFoundError('no such alert');
      if (result === 'past_date') throw new InvalidInputError([{ path: 'until', message: 'must be after today (study time)' }]);
      if (result === 'urgent') throw new StateConflictError('an urgent alert is acknowledged, not snoozed');
      if (result === 'not_open') throw new StateConflictError('the alert is not open');
      return { status: 200, json: result };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/worklist',
    operationId: 'getWorklist',
    summary: 'Today: open urgent alerts first, then one routine item per patient by age, with what happened, since when, 14-day adherence and the last reply.',
    roles: ANY_ROLE,
    query: worklistQuery,
    responses: { 200: { description: 'The worklist', schema: worklistResponse } },
    async handle({ deps, query, now }) {
      return { status: 200, json: { items: await buildWorklist(deps, now, { includeSnoozed: query.includeSnoozed ?? false }) } };
    },
  }),
];
