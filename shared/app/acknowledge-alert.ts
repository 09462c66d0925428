import type { AckOutcome, Alert, AlertRepository } from '#ports/alerts.ts';
import type { AuditLog } from '#ports/audit.ts';

export interface AcknowledgeAlertDeps {
  alerts: AlertRepository;
  audit: AuditLog;
}

/**
 * A coordinator acknowledges an open alert (a worklist item or an urgent alert) with a note and,
 * from the Today view, an outcome: it leaves the worklist and the escalation queue. Steps: read
 * (to tell "no such alert" from "already acknowledged") → conditional open → acknowledged → audit
 * before → after → the episodes grouped under the item are acknowledged with it (same note and
 * outcome). Two coordinators acknowledging at once: the conditional write lets exactly one win,
 * the other gets 'not_open'.
 */
export async function acknowledgeAlert(
  deps: AcknowledgeAlertDeps,
  id: string,
  actor: string,
  note: string,
  now: string,
  outcome?: AckOutcome,
): Promise<Alert | 'not_found' | 'not_open'> {
  const trimmed = note.trim();
  if (trimmed.length === 0) throw new RangeError('an acknowledgement needs a note');
  const before = await deps.alerts.get(id);
  if (!before) return 'not_found';
  if (before.status === 'acknowledged') return 'not_open';
  const after = await deps.alerts.acknowledge(id, actor, trimmed, now, outcome);
  if (!after) return 'not_open';
  await deps.audit.append({
    at: now,
    actor,
    action: 'alert.acknowledge',
    entityType: 'alert',
    entityId: id,
    before: { status: before.status, escalateAt: before.escalateAt ?? null, escalationCount: before.escalationCount },
    after: { status: after.status, acknowledgedBy: after.acknowledgedBy, acknowledgedAt: after.acknowledgedAt, note: after.ackNote, outcome: after.ackOutcome ?? null },
    reason: trimmed,
  });
  if (before.status === 'open' && !before.urgent && before.patientId) {
    for (const member of await membersOf(deps.alerts, before)) {
      const acked = await deps.alerts.acknowledge(member.id, actor, trimmed, now, outcome);
      if (!acked) continue;
      await deps.audit.append({
        at: now,
        actor,
        action: 'alert.acknowledge',
        entityType: 'alert',
        entityId: member.id,
        before: { status: member.status, itemId: member.itemId ?? null },
        after: { status: acked.status, acknowledgedBy: acked.acknowledgedBy, acknowledgedAt: acked.acknowledgedAt, outcome: acked.ackOutcome ?? null },
        reason: `acknowledged with worklist item ${id}`,
      });
    }
  }
  return after;
}

/** The episodes grouped under a worklist item (same patient, `itemId`), oldest first. */
export async function membersOf(alerts: AlertRepository, item: Alert): Promise<Alert[]> {
  if (!item.patientId) return [];
  return (await alerts.listForPatient(item.patientId)).filter((a) => a.itemId === item.id && a.status === 'grouped');
}

/**
 * Puts an open item aside until a study-local date (inclusive: it returns on that date), or
 * brings it back (`until` null). It stays open: it leaves the Today list and the daily summary
 * until then, and a new problem of the same patient brings it back at once.
 */
export async function snoozeAlert(
  deps: AcknowledgeAlertDeps,
  id: string,
  actor: string,
  until: string | null,
  now: string,
  today: string,
): Promise<Alert | 'not_found' | 'not_open' | 'past_date' | 'urgent'> {
  if (until !== null && until <= today) return 'past_date';
  const before = await deps.alerts.get(id);
  if (!before) return 'not_found';
  if (before.status !== 'open') return 'not_open';
  // An urgent alert is acknowledged, not put aside: it keeps escalating until someone acts.
  if (before.urgent) return 'urgent';
  const after = await deps.alerts.snooze(id, until, now);
  if (!after) return 'not_open';
  await deps.audit.append({
    at: now,
    actor,
    action: until ? 'alert.snooze' : 'alert.unsnooze',
    entityType: 'alert',
    entityId: id,
    before: { snoozedUntil: before.snoozedUntil ?? null },
    after: { snoozedUntil: after.snoozedUntil ?? null },
  });
  return after;
}
