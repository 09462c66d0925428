import type { AckOutcome, Alert, AlertRepository } from '#ports/alerts.ts';
import type { AuditTrail } from '#ports/audit.ts';
import { conditionalAuditedWrite } from './alerts.ts';
import { alertCarrier } from './audit/audited-write.ts';

export interface AcknowledgeAlertDeps {
  alerts: AlertRepository;
  audit: AuditTrail;
}

/**
 * A coordinator acknowledges an open alert (a worklist item or an urgent alert) with a note and,
 * from the Today view, an outcome: it leaves the worklist and the escalation queue. Steps: read
 * (to tell "no such alert" from "already acknowledged") → complete an entry a crashed
 * acknowledgement left → conditional open → acknowledged, carrying its audit entry (before →
 * after) → append it and clear it → the episodes grouped under the item are acknowledged with it
 * (same note and outcome, each with its own entry). Two coordinators acknowledging at once: the
 * conditional write lets exactly one win, the other gets 'not_open'.
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
  await deps.audit.settle(alertCarrier(id));
  if (before.status === 'acknowledged') return 'not_open';
  const after = await acknowledgeOne(deps, before, actor, trimmed, now, outcome, trimmed);
  if (!after) return 'not_open';
  if (before.status === 'open' && !before.urgent) {
    for (const member of await membersOf(deps.alerts, before)) {
      await deps.audit.settle(alertCarrier(member.id));
      await acknowledgeOne(deps, member, actor, trimmed, now, outcome, `acknowledged with worklist item ${id}`);
    }
  }
  return after;
}

function acknowledgeOne(deps: AcknowledgeAlertDeps, before: Alert, actor: string, note: string, now: string, outcome: AckOutcome | undefined, reason: string): Promise<Alert | null> {
  return conditionalAuditedWrite(
    deps.audit,
    {
      at: now,
      actor,
      action: 'alert.acknowledge',
      entityType: 'alert',
      entityId: before.id,
      before: { status: before.status, escalateAt: before.escalateAt ?? null, escalationCount: before.escalationCount, ...(before.itemId ? { itemId: before.itemId } : {}) },
      after: { status: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: now, note, ...(outcome ? { outcome } : {}) },
      reason,
    },
    { carrier: alertCarrier(before.id), version: before.version + 1 },
    (pending) => deps.alerts.acknowledge(before.id, actor, note, now, pending, outcome),
  );
}

/** The episodes grouped under a worklist item (same patient, `itemId`), oldest first. */
export async function membersOf(alerts: AlertRepository, item: Alert): Promise<Alert[]> {
  if (!item.patientId) return [];
  return (await alerts.listForPatient(item.patientId)).filter((a) => a.itemId === item.id && a.status === 'grouped');
}

/**
 * Puts an open routine item aside until a study-local date (it returns on that date), or brings
 * it back (`until` null). It stays open: it leaves the Today list and the daily summary until
 * then, and a new problem of the same patient brings it back at once. An urgent alert is
 * acknowledged, not put aside: it keeps escalating until someone acts.
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
  await deps.audit.settle(alertCarrier(id));
  if (before.status !== 'open') return 'not_open';
  if (before.urgent) return 'urgent';
  const after = await conditionalAuditedWrite(
    deps.audit,
    { at: now, actor, action: until ? 'alert.snooze' : 'alert.unsnooze', entityType: 'alert', entityId: id, before: { snoozedUntil: before.snoozedUntil ?? null }, after: { snoozedUntil: until } },
    { carrier: alertCarrier(id), version: before.version + 1 },
    (pending) => deps.alerts.snooze(id, until, now, pending),
  );
  return after ?? 'not_open';
}
