import { createHash } from 'node:crypto';
import type { Protocol } from '#domain/protocol.ts';
import { escalationDeadline } from '#domain/working-time.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertKind, AlertRepository } from '#ports/alerts.ts';
import type { AuditTrail } from '#ports/audit.ts';
import { alertCarrier } from './audit/audited-write.ts';

export interface RaiseAlertDeps {
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  protocol: Protocol;
  /** When an unacknowledged alert is first re-sent to the escalation topic; default: the protocol's ack times, working hours for routine alerts. */
  escalationTime?: (input: { urgent: boolean; createdAt: string }) => string;
}

export interface RaiseAlertInput {
  kind: AlertKind;
  urgent: boolean;
  episodeKey: string;
  patientId: string | null;
  studyId: string | null;
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
 * Raises an alert once per episode and delivers it to the coordinators at once.
 * Steps: derive the id from the episode key → conditional create → (first time only) audit →
 * publish to the coordinator topic → record the notification (a retry re-publishes only if that
 * record is missing).
 */
export async function raiseAlert(deps: RaiseAlertDeps, input: RaiseAlertInput): Promise<{ created: boolean; alert: Alert }> {
  const defaultEscalation = () => escalationDeadline(deps.protocol.alerts, input.urgent, input.now, deps.protocol.studyTimeZone);
  const alert: Alert = {
    id: alertIdFor(input.episodeKey),
    kind: input.kind,
    urgent: input.urgent,
    status: 'open',
    patientId: input.patientId,
    studyId: input.studyId,
    title: input.title,
    details: input.details,
    episodeKey: input.episodeKey,
    ...(input.sourceId ? { sourceId: input.sourceId } : {}),
    createdAt: input.now,
    updatedAt: input.now,
    escalateAt: deps.escalationTime ? deps.escalationTime({ urgent: input.urgent, createdAt: input.now }) : defaultEscalation(),
    escalationCount: 0,
    version: 1,
  };
  const carrier = alertCarrier(alert.id);
  const raised = await deps.audit.prepare(
    { at: input.now, actor: input.actor, action: 'alert.raise', kind: 'write', entityType: 'alert', entityId: alert.id, before: null, after: { kind: alert.kind, urgent: alert.urgent, studyId: alert.studyId, title: alert.title, escalateAt: alert.escalateAt } },
    { carrier, version: 1 },
  );
  const result = await deps.alerts.createIfAbsent(alert, raised);
  // The raise entry travels with the alert: appended now, or (a crash or a retry of the same episode) completed here by settle.
  if (result.created) await deps.audit.complete(raised);
  else await deps.audit.settle(carrier);
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
