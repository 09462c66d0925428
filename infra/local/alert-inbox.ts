import { join } from 'node:path';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';
import type { Clock } from '#ports/clock.ts';
import { JsonlStore } from './jsonl-store.ts';

/** What the coordinators' (or the investigator's) topic would have delivered. */
export interface InboxEntry {
  id: string;
  at: string;
  channel: 'coordinators' | 'escalation';
  kind: 'alert' | 'text';
  subject: string;
  text: string;
  alertId?: string;
  urgent?: boolean;
  studyId?: string | null;
}

/**
 * The local AlertPublisher: instead of an SNS topic with e-mail/SMS subscribers, an inbox
 * persisted under the data dir and shown in the console (`GET /local/alerts`).
 */
export class LocalAlertInbox implements AlertPublisher {
  private readonly inbox: JsonlStore<InboxEntry>;

  constructor(
    private readonly clock: Clock,
    dataDir: string | null,
  ) {
    this.inbox = new JsonlStore<InboxEntry>(dataDir ? join(dataDir, 'alert-inbox.jsonl') : null);
  }

  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.inbox.append({
      id: this.nextId(),
      at: this.clock.now(),
      channel,
      kind: 'alert',
      subject: `${alert.urgent ? '[URGENT] ' : ''}${alert.title}`,
      text: `${alert.kind} · ${alert.studyId ?? 'unknown sender'} · alert ${alert.id}`,
      alertId: alert.id,
      urgent: alert.urgent,
      studyId: alert.studyId,
    });
  }

  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.inbox.append({ id: this.nextId(), at: this.clock.now(), channel, kind: 'text', subject, text });
  }

  /** Newest first. */
  list(): InboxEntry[] {
    return [...this.inbox.all()].reverse();
  }

  private nextId(): string {
    return `inbox-${String(this.inbox.size + 1).padStart(6, '0')}`;
  }
}
