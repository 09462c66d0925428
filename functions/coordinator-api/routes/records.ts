import { recordAccess, recordPatientRead } from '#app/audit/record-read.ts';
import { verifyAuditTrail } from '#app/audit/verify-audit-trail.ts';
// The CSV export (and csv-stringify) is a side module in the Lambda (shared/lazy/): loaded on the first export request.
import { exportDataset } from '#lazy/export-dataset';
import { NotFoundError } from '#ports/patients.ts';
import { auditList, auditQuery, auditVerificationResponse, datasetParams, digestPage, digestResponse, digestsQuery, exportLink, exportQuery, weekParams } from '../schemas.ts';
import { ANY_ROLE, COORDINATOR, defineRoute, type AnyRoute } from './types.ts';
import { ForbiddenError, RequestValidationError } from './errors.ts';

/** Which stored file an export link names (its key or name, never the signed URL). */
function exportFileOf(link: unknown): string | null {
  const l = (link ?? {}) as Record<string, unknown>;
  const value = l.key ?? l.fileName ?? l.filename ?? l.name ?? l.id;
  return typeof value === 'string' ? value : null;
}

/** Digests, exports and the audit trail: read-only. */
export const recordRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/digests',
    operationId: 'listDigests',
    summary: 'Weekly safety digests, newest week first, paginated.',
    roles: ANY_ROLE,
    monitorKeeps: ['text', 'texts'],
    query: digestsQuery,
    responses: { 200: { description: 'One page', schema: digestPage } },
    async handle({ deps, query }) {
      return { status: 200, json: await deps.digests.list(query.cursor, query.limit ?? 50) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/digests/{week}',
    operationId: 'getDigest',
    summary: 'The digest of one ISO week (study time zone).',
    roles: ANY_ROLE,
    monitorKeeps: ['text', 'texts'],
    params: weekParams,
    responses: { 200: { description: 'The digest', schema: digestResponse } },
    async handle({ deps, params }) {
      const digest = await deps.digests.get(params.week);
      if (!digest) throw new NotFoundError('no digest for this week');
      return { status: 200, json: digest };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/exports/{dataset}.csv',
    operationId: 'exportDataset',
    summary:
      'CSV export: patients (never phones), doses, side-effects, visits (with time to first relapse), messages, audit. The file is written to the export store and the answer is a link to it, valid 5 minutes: exports of any size.',
    roles: ANY_ROLE,
    params: datasetParams,
    query: exportQuery,
    responses: { 200: { description: 'A short-lived link to the CSV file', schema: exportLink } },
    async handle({ deps, params, query, principal, now, requestId }) {
      if (query.includeBodies && principal.role !== 'coordinator') throw new ForbiddenError();
      if (query.includeBodies && params.dataset !== 'messages') {
        throw new RequestValidationError([{ path: 'query.includeBodies', message: 'applies to the messages export only' }]);
      }
      const link = await exportDataset({ ...deps, exportStore: deps.exports }, params.dataset, {
        role: principal.role,
        includeBodies: query.includeBodies ?? false,
        ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
        ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
        now,
      });
      await recordAccess(deps.audit, { actor: principal.subject, at: now, requestId }, 'export', {
        dataset: params.dataset,
        includeBodies: query.includeBodies ?? false,
        from: query.from ?? null,
        to: query.to ?? null,
        file: exportFileOf(link),
      });
      return { status: 200, json: link };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/audit',
    operationId: 'getAuditTrail',
    summary: 'The audit trail of one entity (?entity=patient:<id>, report:<id>, alert:<id>), oldest first. Append-only: no route edits it.',
    roles: COORDINATOR,
    query: auditQuery,
    responses: { 200: { description: 'Entries', schema: auditList } },
    async handle({ deps, query, principal, now, requestId }) {
      const items = await deps.audit.listForEntity(query.entity.type, query.entity.id);
      // The history holds identifiers (an enrollment's after): reading a patient's history is itself a read of that patient.
      if (query.entity.type === 'patient') await recordPatientRead(deps.audit, { actor: principal.subject, at: now, requestId }, 'patient.history', query.entity.id);
      return { status: 200, json: { items } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/audit/verify',
    operationId: 'verifyAuditTrail',
    summary: 'Walks every hash chain of the audit trail and checks the daily anchors (npm run audit:verify -- --api). Reads only; reveals no entry content.',
    roles: ANY_ROLE,
    responses: { 200: { description: 'What was checked and the breaks found (none: intact)', schema: auditVerificationResponse } },
    async handle({ deps }) {
      return { status: 200, json: await verifyAuditTrail(deps) };
    },
  }),
];
