import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { ALERT_KIND_LABELS } from '#domain/alert-kinds.ts';
import type { Alert } from '#ports/alerts.ts';

export interface AlertTopics {
  coordinators: string;
  /** Absent for functions that never escalate (the weekly digest). */
  escalation?: string;
}

/** SNS limits: Subject ≤ 100 printable ASCII characters, no line breaks; Message ≤ 256 KB (UTF-8 bytes). */
export const SNS_SUBJECT_MAX = 100;
export const SNS_MESSAGE_MAX_BYTES = 256 * 1024;

/**
 * Delivers alerts and the digest to coordinator/investigator SNS topics (e-mail and SMS
 * subscriptions). An alert message says what and who (study ID), never how to reach the
 * patient: no phone numbers, no message bodies — the console link opens the details.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topics: AlertTopics,
    private readonly consoleUrl: string,
  ) {}

  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    const { subject, message } = renderAlertMessage(alert, channel, this.consoleUrl);
    await this.send(channel, subject, message);
  }

  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    await this.send(channel, snsSubject(subject), truncateUtf8(scrubPhones(text), SNS_MESSAGE_MAX_BYTES));
  }

  private async send(channel: 'coordinators' | 'escalation', subject: string, message: string): Promise<void> {
    const topicArn = this.topics[channel];
    if (!topicArn) throw new Error(`no SNS topic configured for the ${channel} channel`);
    await this.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
  }
}

/**
 * The alert as e-mail/SMS text: urgency, kind, study ID and the console link — nothing else. The
 * alert's title stays in the console: it may name a symptom, a drug or a condition, which must
 * not travel next to a study ID in an e-mail or SMS. Pure, exported for tests and the local inbox.
 */
export function renderAlertMessage(alert: Alert, channel: 'coordinators' | 'escalation', consoleUrl: string): { subject: string; message: string } {
  const urgency = alert.urgent ? 'URGENT' : 'routine';
  const who = alert.studyId ?? 'no study ID';
  const escalated = channel === 'escalation' ? `ESCALATED (not acknowledged${alert.escalationCount > 0 ? `, reminder ${alert.escalationCount + 1}` : ''}) ` : '';
  const link = `${consoleUrl.replace(/#.*$/, '')}#/alerts/${encodeURIComponent(alert.id)}`;
  const subject = snsSubject(`${escalated}[${urgency}] ${kindLabel(alert.kind)}: ${who}`);
  const message = [
    `${escalated}${urgency.toUpperCase()}: ${kindLabel(alert.kind)}`,
    `Study ID: ${who}`,
    `Raised: ${alert.createdAt}`,
    `Open it in the study console (details there; acknowledge with a note): ${link}`,
  ].join('\n');
  return { subject, message: truncateUtf8(message, SNS_MESSAGE_MAX_BYTES) };
}

/** The kind's English label (SNS subjects are ASCII): "red flag", "missed doses reported" … */
export function kindLabel(kind: Alert['kind']): string {
  return ALERT_KIND_LABELS.en[kind];
}

/** ASCII-only, one line, ≤ 100 characters (SNS rejects anything else). Non-ASCII (e.g. Chinese) is dropped, not mangled. */
export function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const subject = ascii.length > SNS_SUBJECT_MAX ? `${ascii.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...` : ascii;
  return subject.length > 0 ? subject : 'Study alert';
}

/** Cuts a text to at most `maxBytes` UTF-8 bytes on a character boundary, saying that it was cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = '\n\n[truncated: the full text is in the study console]';
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end) + note;
}

/**
 * Defence in depth for text that should already be free of phone numbers: masks E.164 numbers
 * and mainland mobile numbers. Narrower than observability's redactPhones on purpose, so that
 * dates (2027-01-05) and study IDs in alerts and the digest survive.
 */
export function scrubPhones(text: string): string {
  return text.replace(/\+\d(?:[ -]?\d){5,}/g, '[phone removed]').replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, '[phone removed]');
}
