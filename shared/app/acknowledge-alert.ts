import type { Alert, AlertRepository } from '#ports/alerts.ts';
import type { AuditLog } from '#ports/audit.ts';

export interface AcknowledgeAlertDeps {
  alerts: AlertRepository;
  audit: AuditLog;
}

/**
 * A coordinator acknowledges an open alert with a note: it leaves the open list and the
 * escalation queue. Steps: read (to tell "no such alert" from "already acknowledged") →
 * conditional open → acknowledged → audit before → after. Two coordinators acknowledging at
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
  if (before.status !== 'open') return 'not_open';
  const after = await deps.alerts.acknowledge(id, actor, trimmed, now);
  if (!after) return 'not_open';
  await deps.audit.append({
    at: now,
    actor,
    action: 'alert.acknowledge',
    entityType: 'alert',
    entityId: id,
    before: { status: before.status, escalateAt: before.escalateAt ?? null, escalationCount: before.escalationCount },
    after: { status: after.status, acknowledgedBy: after.acknowledgedBy, acknowledgedAt: after.acknowledgedAt, note: after.ackNote },
    reason: trimmed,
  });
  return after;
}
