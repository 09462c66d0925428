import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import type { DispatchDeps } from '#app/dispatch-reminders.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertRepository } from '#ports/alerts.ts';
import type { Clock } from '#ports/clock.ts';
import type { SmsSender } from '#ports/sms.ts';

/** A real SmsSender that keeps what it sends (integration tests and the bench): no SNS involved. */
export class RecordingSmsSender implements SmsSender {
  readonly sent: { to: string; body: string; messageId: string }[] = [];
  readonly optedOut = new Set<string>();
  optOutChecks = 0;
  /** Errors thrown by the next sends, in order (then sends succeed again). */
  readonly failures: Error[] = [];
  private counter = 0;

  async send(message: { to: string; body: string }): Promise<{ messageId: string }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const messageId = `local-${++this.counter}`;
    this.sent.push({ ...message, messageId });
    return { messageId };
  }

  async isOptedOut(phone: string): Promise<boolean> {
    this.optOutChecks++;
    return this.optedOut.has(phone);
  }

  countTo(phone: string): number {
    return this.sent.filter((s) => s.to === phone).length;
  }
}

export class RecordingAlertPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  async publish(alert: Alert): Promise<void> {
    this.published.push(alert);
  }
  async publishText(): Promise<void> {}
}

/**
 * Every alert raised so far (open, grouped under a worklist item, or acknowledged), oldest first:
 * routine alerts are filed in the worklist, not pushed, so tests read what was raised here.
 */
export async function raisedAlerts(alerts: AlertRepository): Promise<Alert[]> {
  const lists = await Promise.all((['open', 'grouped', 'acknowledged'] as const).map((status) => alerts.listByStatus(status, undefined, 500)));
  return lists.flatMap((page) => page.items).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The dynalite-backed repositories and in-memory edges a dispatcher needs. */
export function dispatchWorld(doc: DynamoDBDocumentClient, table: string, protocol: Protocol, clock: Clock) {
  const tz = protocol.studyTimeZone;
  const reminders = new DynamoReminderRepository(doc, table, tz);
  const patients = new DynamoPatientRepository(doc, table);
  const messages = new DynamoMessageLog(doc, table, tz);
  const alerts = new DynamoAlertRepository(doc, table, tz);
  const publisher = new RecordingAlertPublisher();
  const sms = new RecordingSmsSender();
  const deps: DispatchDeps = {
    reminders,
    patients,
    messages,
    sms,
    protocol,
    clock,
    alerting: { alerts, publisher, audit: new DynamoAuditLog(doc, table), protocol },
  };
  return { deps, reminders, patients, messages, alerts, publisher, sms };
}
