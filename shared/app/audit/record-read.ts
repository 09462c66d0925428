import type { AuditLog } from '#ports/audit.ts';

/**
 * Reads of patient data are audited (HIPAA 164.312(b)): one entry per request, never one per row,
 * and never the data itself — who, when, which route, which ids or which export.
 *
 * A read of one patient (profile, messages, one report, the patient's history) goes to that
 * patient's chain, beside the writes, so the history shows who viewed the record. A read across
 * patients (the patient list, the review queue, an export) goes to the day's access chain
 * `access:<UTC date>` and names the ids it returned.
 */
export interface ReadContext {
  actor: string;
  at: string;
  requestId: string;
}

export type ReadWhat = 'patient.profile' | 'patient.messages' | 'patient.history' | 'report.text' | 'patients.list' | 'reports.queue' | 'export';

export async function recordPatientRead(audit: AuditLog, ctx: ReadContext, what: ReadWhat, patientId: string, details: Record<string, unknown> = {}): Promise<void> {
  await audit.append({
    at: ctx.at,
    actor: ctx.actor,
    action: `read.${what}`,
    kind: 'read',
    entityType: 'patient',
    entityId: patientId,
    before: null,
    after: { requestId: ctx.requestId, ...details },
  });
}

export async function recordAccess(audit: AuditLog, ctx: ReadContext, what: ReadWhat, details: { patientIds?: string[]; reportIds?: string[]; [key: string]: unknown }): Promise<void> {
  await audit.append({
    at: ctx.at,
    actor: ctx.actor,
    action: `read.${what}`,
    kind: 'read',
    entityType: 'access',
    entityId: ctx.at.slice(0, 10),
    before: null,
    after: { requestId: ctx.requestId, ...details },
  });
}
