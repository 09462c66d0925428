import type { AuditCarrier, AuditOutbox, NewAuditEntry, PendingAudit } from '#ports/audit.ts';

/**
 * One audited write through the outbox: prepare the entry → the write stores it in its own item
 * (same conditional request) → append it to the chain (idempotent) and clear it. A crash after
 * the write leaves the entry on the record: the next use case touching the record (`settle`) or
 * the sweep (`completeStale`) appends it. A write that fails stores nothing, so no entry either.
 */
export async function auditedWrite<T>(
  audit: AuditOutbox,
  entry: Omit<NewAuditEntry, 'ref' | 'kind'>,
  ref: { carrier: AuditCarrier; version: number },
  write: (pending: PendingAudit) => Promise<T>,
): Promise<T> {
  const pending = await audit.prepare({ ...entry, kind: 'write' }, ref);
  const result = await write(pending);
  await audit.complete(pending);
  return result;
}

export const patientCarrier = (id: string): AuditCarrier => ({ kind: 'patient', id });
export const visitCarrier = (patientId: string, visitKey: string): AuditCarrier => ({ kind: 'visit', id: `${patientId}/${visitKey}` });
export const reportCarrier = (id: string): AuditCarrier => ({ kind: 'report', id });
export const alertCarrier = (id: string): AuditCarrier => ({ kind: 'alert', id });
