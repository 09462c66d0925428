import { join } from 'node:path';
import { renderAlertMessage } from '#adapters/sns/sns-alert-publisher.ts';
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
    /** The console address in the pushed texts' links; the stack sets it once its server listens. */
    public consoleUrl = 'http://localhost:3000/',
  ) {
    this.inbox = new JsonlStore<InboxEntry>(dataDir ? join(dataDir, 'alert-inbox.jsonl') : null);
  }

  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    const rendered = renderAlertMessage(alert, channel, this.consoleUrl);
    this.inbox.append({
      id: this.nextId(),
      at: this.clock.now(),
      channel,
      kind: 'alert',
      // What SNS would send: urgency, kind, study ID and the console link, never the title.
      subject: rendered.subject,
      text: rendered.message,
      alertId: alert.id,
      urgent: alert.urgent,
      studyId: alert.studyId,
    });
  }

  /** A routine push (the daily worklist summary, the weekly digest): urgent false, no study ID. */
  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.inbox.append({ id: this.nextId(), at: this.clock.now(), channel, kind: 'text', subject, text, urgent: false, studyId: null });
  }

  /** Newest first. */
  list(): InboxEntry[] {
    return [...this.inbox.all()].reverse();
  }

  private nextId(): string {
    return `inbox-${String(this.inbox.size + 1).padStart(6, '0')}`;
  }
}
