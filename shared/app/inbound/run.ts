import { createHash } from 'node:crypto';
import type { Protocol } from '#domain/protocol.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { AlertRepository } from '#ports/alerts.ts';
import type { AppendHint, AuditEntry, AuditTrail } from '#ports/audit.ts';
import type { Clock } from '#ports/clock.ts';
import type { ConversationRepository } from '#ports/conversations.ts';
import type { InboundMessage, MessageLog } from '#ports/messages.ts';
import type { PatientRepository } from '#ports/patients.ts';
import type { ReportRepository } from '#ports/reports.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import type { SmsSender } from '#ports/sms.ts';

/** What every step of the inbound use case shares: its ports, the run of one message, deterministic ids. */

export interface InboundSmsDeps {
  patients: PatientRepository;
  reminders: ReminderRepository;
  reports: ReportRepository;
  messages: MessageLog;
  conversations: ConversationRepository;
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditTrail;
  sms: SmsSender;
  clock: Clock;
  protocol: Protocol;
  /** China signature the sender prepends; used here only to count billed parts. */
  smsSignature?: string;
  /**
   * Processing lease when the caller does not say (the handler passes the invocation's remaining
   * time). It must outlast the invocation (30 s) and end before Lambda's first retry (about a
   * minute later), so a retry of a timed-out delivery finds it free. Default 40 s.
   */
  leaseSeconds?: number;
}

export type InboundStatus = 'processed' | 'duplicate' | 'busy';

export interface InboundResult {
  status: InboundStatus;
  inboundMessageId: string;
  /** Study ID of the sender, null for an unknown number. Never the phone number. */
  studyId: string | null;
  intent?: Interpretation['intent'];
  redFlag?: boolean;
  reportIds: string[];
  alertIds: string[];
  replyIds: string[];
  /** Replies the provider refused for good (reason only): logged by the handler, not retried. */
  replyFailures: { purpose: string; reason: string }[];
  /** Replies decided but not sent, and why (budget spent, a repeated text, an auto-responder, a stranger's limits). */
  withheldReplies: { purpose: string; reason: string }[];
  /** The dose check-in the reply was recorded on (id), when it was one. */
  doseCheckInId?: string;
  /** Minutes between receipt and this (successful) processing, when it needed a retry. */
  lateMinutes?: number;
}

export const PATIENT_ACTOR = 'patient-sms';
export const SYSTEM_ACTOR = 'system:inbound-sms';
export const DEFAULT_LEASE_SECONDS = 40;
/** How far back the patient's items are read for the open questions (dose windows are hours long). */
export const DOSE_LOOKBACK_HOURS = 24;
export const SAVE_ATTEMPTS = 5;

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

export const reportIdFor = (inboundMessageId: string) => `rpt-${hash(`sms:${inboundMessageId}`)}`;
export const conversationReportIdFor = (patientId: string, checkInId: string) => `rpt-${hash(`checkin:${patientId}:${checkInId}`)}`;
export const replyIdFor = (inboundMessageId: string, purpose: string) => `reply:${hash(`${inboundMessageId}:${purpose}`)}`;

export interface Run {
  deps: InboundSmsDeps;
  message: InboundMessage;
  /** Processing time (updatedAt of what we write). Domain times use the message's receivedAt. */
  now: string;
  /** The message was stored by an earlier delivery whose processing did not finish. */
  resumed: boolean;
  result: InboundResult;
  /**
   * What the reply guards know about the text (docs/replies.md, "Reply budgets"). `repeat` costs a
   * read of the sender's previous text: asked only for a reply it could withhold.
   */
  sender: { repeat: () => Promise<boolean>; autoReply: boolean };
}

/** A fresh result for one message. */
export function emptyResult(inboundMessageId: string, studyId: string | null): InboundResult {
  return { status: 'processed', inboundMessageId, studyId, reportIds: [], alertIds: [], replyIds: [], replyFailures: [], withheldReplies: [] };
}


/** The ports raiseAlert needs. */
export function alerting(deps: InboundSmsDeps) {
  return { alerts: deps.alerts, publisher: deps.publisher, audit: deps.audit, protocol: deps.protocol };
}

/**
 * Audit entries with a deterministic id are written once, also when a crashed run is resumed:
 * AuditTrail.append with an id is idempotent itself (its receipt), so nothing is read first.
 */
export async function appendAuditOnce(audit: AuditTrail, entry: AuditEntry, hint?: AppendHint): Promise<void> {
  await audit.append(entry, hint);
}
