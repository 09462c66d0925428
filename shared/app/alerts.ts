import { createHash } from 'node:crypto';
import { laneOf } from '#domain/alert-kinds.ts';
import type { Protocol } from '#domain/protocol.ts';
import { escalationDeadline } from '#domain/working-time.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertKind, AlertRepository } from '#ports/alerts.ts';
import type { AuditTrail, PendingAudit } from '#ports/audit.ts';
import { alertCarrier, auditedWrite } from './audit/audited-write.ts';

export interface RaiseAlertDeps {
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  protocol: Protocol;
  /** When an unacknowledged urgent alert is first re-sent to the escalation topic; default: the protocol's urgentAckMinutes. */
  escalationTime?: (input: { urgent: boolean; createdAt: string }) => string;
}

export interface RaiseAlertInput {
  kind: AlertKind;
  /**
   * The raiser's view of the urgency. The protocol decides the lane (`alerts.lanes.urgent`):
   * this flag is kept in the details as `raisedUrgent` when it disagrees, and changes nothing.
   */
  urgent?: boolean;
  episodeKey: string;
  patientId: string | null;
  studyId: string | null;
  /** Shown in the console only; notifications carry the kind, the study ID and a link, never the title. */
  title: string;
  details: Record<string, unknown>;
  sourceId?: string;
  now: string;
  actor: string;
}

export function alertIdFor(episodeKey: string): string {
  return createHash('sha256').update(episodeKey).digest('hex').slice(0, 24);
}

/**
 * The single entry point for every alert. One alert per episode (the id derives from the episode
 * key: a second raise of the same episode returns the stored one). The protocol puts the kind in
 * a lane:
 * - urgent: create → audit → publish to the coordinators at once → record the notification (a
 *   retry re-publishes only if that record is missing); escalated while unacknowledged;
 * - routine: create → audit → file it in the patient's worklist item (one open item per patient:
 *   the patient's oldest open routine alert; a later episode is grouped under it). Never pushed
 *   on its own: the daily summary lists it.
 */
export async function raiseAlert(deps: RaiseAlertDeps, input: RaiseAlertInput): Promise<{ created: boolean; alert: Alert }> {
  const urgent = laneOf(deps.protocol.alerts.lanes, input.kind) === 'urgent';
  const details = input.urgent !== undefined && input.urgent !== urgent ? { ...input.details, raisedUrgent: input.urgent } : input.details;
  const escalateAt = !urgent
    ? undefined
    : deps.escalationTime
      ? deps.escalationTime({ urgent, createdAt: input.now })
      : escalationDeadline(deps.protocol.alerts, input.now, deps.protocol.studyTimeZone);
  const alert: Alert = {
    id: alertIdFor(input.episodeKey),
    kind: input.kind,
    urgent,
    status: 'open',
    patientId: input.patientId,
    studyId: input.studyId,
    title: input.title,
    details,
    episodeKey: input.episodeKey,
    ...(input.sourceId ? { sourceId: input.sourceId } : {}),
    createdAt: input.now,
    updatedAt: input.now,
    ...(escalateAt && deps.protocol.alerts.maxEscalations > 0 ? { escalateAt } : {}),
    escalationCount: 0,
    version: 1,
  };
  const carrier = alertCarrier(alert.id);
  const raised = await deps.audit.prepare(
    {
      at: input.now,
      actor: input.actor,
      action: 'alert.raise',
      kind: 'write',
      entityType: 'alert',
      entityId: alert.id,
      before: null,
      after: { kind: alert.kind, urgent: alert.urgent, lane: urgent ? 'urgent' : 'routine', studyId: alert.studyId, title: alert.title, escalateAt: alert.escalateAt ?? null },
    },
    { carrier, version: 1 },
    // The raise entry is used only when this call creates the alert: its chain is empty then, the head is not read.
    { newEntity: true },
  );
  const result = await deps.alerts.createIfAbsent(alert, raised);
  // The raise entry travels with the alert: appended now, or (a crash or a retry of the same episode) completed here by settle.
  if (result.created) await deps.audit.complete(raised);
  else await deps.audit.settle(carrier);
  if (!result.alert.urgent) {
    // A retry after a crash between create and filing files it now (grouped alerts carry itemId).
    if (result.alert.status === 'open' && !result.alert.itemId) return { created: result.created, alert: await fileInWorklist(deps, result.alert, input.now, input.actor) };
    return result;
  }
  // A retry after a crash between create and publish still delivers it (notifiedAt is the marker).
  if (!result.created && result.alert.notifiedAt) return result;
  await deps.publisher.publish(result.alert, 'coordinators');
  const notified = await deps.audit.prepare(
    { id: `alert:${result.alert.id}:notify`, at: input.now, actor: input.actor, action: 'alert.notify', kind: 'write', entityType: 'alert', entityId: result.alert.id, before: null, after: { channel: 'coordinators' } },
    { carrier, version: result.alert.version },
  );
  await deps.alerts.markNotified(result.alert.id, input.now, notified);
  await deps.audit.complete(notified);
  return result;
}

/** An audited conditional write: null (and no audit entry) when the condition failed. */
export async function conditionalAuditedWrite<T>(
  audit: AuditTrail,
  entry: Parameters<typeof auditedWrite>[1],
  ref: Parameters<typeof auditedWrite>[2],
  write: (pending: PendingAudit) => Promise<T | null>,
): Promise<T | null> {
  const skipped = Symbol('condition failed');
  return auditedWrite(audit, entry, ref, async (pending) => {
    const result = await write(pending);
    // Nothing was written: throw so no entry is appended.
    if (result === null) throw skipped;
    return result;
  }).catch((error: unknown) => {
    if (error === skipped) return null;
    throw error;
  });
}

/** The patient's open routine alerts, oldest first: the first is the patient's worklist item. */
export async function openRoutineItems(alerts: AlertRepository, patientId: string): Promise<Alert[]> {
  return (await alerts.listForPatient(patientId)).filter((a) => a.status === 'open' && !a.urgent);
}

/**
 * One open routine item per patient: the patient's oldest open routine alert is the item; a
 * newer one is grouped under it (it stays a record of its own, for the episode's resolution, the
 * digest and the exports, and is acknowledged with the item). A new problem also takes the item
 * out of a snooze: the coordinator should see it. Alerts without a patient (unknown senders) are
 * items of their own.
 */
async function fileInWorklist(deps: RaiseAlertDeps, alert: Alert, now: string, actor: string): Promise<Alert> {
  if (!alert.patientId) return alert;
  const item = (await openRoutineItems(deps.alerts, alert.patientId))[0];
  if (!item || item.id === alert.id) return alert;
  const grouped = await conditionalAuditedWrite(
    deps.audit,
    { at: now, actor, action: 'alert.group', entityType: 'alert', entityId: alert.id, before: { status: 'open' }, after: { status: 'grouped', itemId: item.id } },
    { carrier: alertCarrier(alert.id), version: alert.version + 1 },
    (pending) => deps.alerts.group(alert.id, item.id, now, pending),
  );
  if (!grouped) return (await deps.alerts.get(alert.id)) ?? alert;
  if (item.snoozedUntil) {
    await conditionalAuditedWrite(
      deps.audit,
      { at: now, actor, action: 'alert.unsnooze', entityType: 'alert', entityId: item.id, before: { snoozedUntil: item.snoozedUntil }, after: { snoozedUntil: null }, reason: `new ${alert.kind} problem` },
      { carrier: alertCarrier(item.id), version: item.version + 1 },
      (pending) => deps.alerts.snooze(item.id, null, now, pending),
    );
  }
  return grouped;
}
