import type { Alert, AlertRepository } from '#ports/alerts.ts';
import type { AuditTrail } from '#ports/audit.ts';
import { alertCarrier, auditedWrite } from './audit/audited-write.ts';

export interface AcknowledgeAlertDeps {
  alerts: AlertRepository;
  audit: AuditTrail;
}

/**
 * A coordinator acknowledges an open alert with a note: it leaves the open list and the
 * escalation queue. Steps: read (to tell "no such alert" from "already acknowledged") → complete
 * an entry a crashed acknowledgement left → conditional open → acknowledged, carrying its audit
 * entry (before → after) → append it and clear it. Two coordinators acknowledging at
 * once: the conditional write lets exactly one win, the other gets 'not_open'.
 */
export async function acknowledgeAlert(
  deps: AcknowledgeAlertDeps,
  id: string,
  actor: string,
  note: string,
  now: string,
): Promise<Alert | 'not_found' | 'not_open'> {
  const trimmed = note.trim();
  if (trimmed.length === 0) throw new RangeError('an acknowledgement needs a note');
  const before = await deps.alerts.get(id);
  if (!before) return 'not_found';
  await deps.audit.settle(alertCarrier(id));
  if (before.status !== 'open') return 'not_open';
  const notOpen = Symbol('not open');
  const after = await auditedWrite(
    deps.audit,
    {
      at: now,
      actor,
      action: 'alert.acknowledge',
      entityType: 'alert',
      entityId: id,
      before: { status: before.status, escalateAt: before.escalateAt ?? null, escalationCount: before.escalationCount },
      after: { status: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: now, note: trimmed },
      reason: trimmed,
    },
    { carrier: alertCarrier(id), version: before.version + 1 },
    async (pending) => {
      const acknowledged = await deps.alerts.acknowledge(id, actor, trimmed, now, pending);
      // Nothing was written (someone else acknowledged first): throw so no entry is appended.
      if (!acknowledged) throw notOpen;
      return acknowledged;
    },
  ).catch((error: unknown) => {
    if (error === notOpen) return null;
    throw error;
  });
  return after ?? 'not_open';
}
