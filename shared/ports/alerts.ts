import type { PendingAudit } from './audit.ts';
import type { Page } from './patients.ts';

import type { AlertKind } from '#domain/alert-kinds.ts';

export { ALERT_KINDS, type AlertKind } from '#domain/alert-kinds.ts';
/**
 * open: on the worklist (an urgent alert, or a routine worklist item); acknowledged: handled;
 * grouped: a routine episode filed under its patient's open worklist item (`itemId`), which
 * stands for it until the item is acknowledged (then it is acknowledged with it).
 */
export const ALERT_STATUSES = ['open', 'acknowledged', 'grouped'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What the coordinator did about an item (Today view). */
export const ACK_OUTCOMES = ['called', 'no_answer', 'visit_scheduled', 'no_action_needed'] as const;
export type AckOutcome = (typeof ACK_OUTCOMES)[number];

/**
 * A coordinator alert. `title` and `details` never carry phone numbers or message bodies: study
 * IDs, drugs, dates, counts and ids to open in the console only.
 */
export interface Alert {
  id: string;
  kind: AlertKind;
  urgent: boolean;
  status: AlertStatus;
  patientId: string | null;
  studyId: string | null;
  title: string;
  details: Record<string, unknown>;
  /** Deterministic key of the episode/event that raised it: one alert per episode. */
  episodeKey: string;
  sourceId?: string;
  createdAt: string;
  updatedAt: string;
  /** When an unacknowledged alert is next re-sent to the escalation topic. */
  escalateAt?: string;
  escalationCount: number;
  notifiedAt?: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  ackNote?: string;
  ackOutcome?: AckOutcome;
  /** Routine episodes filed under another alert (the patient's worklist item): its id. */
  itemId?: string;
  /** A worklist item put aside until this study-local date (YYYY-MM-DD): hidden from Today and the summary until then. */
  snoozedUntil?: string;
  resolvedReason?: string;
  version: number;
}

/** What a daily summary said, kept with its marker (study IDs and kinds only). */
export interface DailySummaryRecord {
  subject: string;
  newItems: number;
  openItems: number;
  overdueItems: number;
}

export interface UnresolvedAlertRef {
  alertId: string;
  patientId: string;
  episodeKey: string;
  createdAt: string;
}

export interface AlertRepository {
  /** Conditional put on the alert id (derived from episodeKey): a second raise of the same episode returns the stored one. */
  createIfAbsent(alert: Alert, audit?: PendingAudit): Promise<{ created: boolean; alert: Alert }>;
  get(id: string): Promise<Alert | null>;
  /** Oldest first, paginated, through the status index. */
  listByStatus(status: AlertStatus, cursor?: string, limit?: number): Promise<Page<Alert>>;
  /** open or grouped → acknowledged, once (with the coordinator's outcome when given); null when it was already acknowledged or is missing. */
  acknowledge(id: string, by: string, note: string, now: string, audit?: PendingAudit, outcome?: AckOutcome): Promise<Alert | null>;
  /** open → grouped under the worklist item `itemId` (no escalation); null when it was not open. */
  group(id: string, itemId: string, now: string, audit?: PendingAudit): Promise<Alert | null>;
  /** Sets (a date) or clears (null) the snooze of an open alert; null when it is not open. */
  snooze(id: string, until: string | null, now: string, audit?: PendingAudit): Promise<Alert | null>;
  /**
   * The daily worklist summary of a study-local date: takes the right to send it for a short
   * lease. 'claimed': go ahead; 'sent': an earlier run sent it; 'busy': another run holds the lease.
   */
  claimDailySummary(localDate: string, now: string, leaseUntil: string): Promise<'claimed' | 'sent' | 'busy'>;
  /** Records that the summary of that date was sent (the idempotency marker). */
  markDailySummarySent(localDate: string, now: string, record: DailySummaryRecord): Promise<void>;
  /** Revises details/title of an open alert (e.g. a late reply changed the episode). */
  revise(id: string, changes: Pick<Alert, 'title' | 'details'> & { resolvedReason?: string }, now: string): Promise<Alert | null>;
  markNotified(id: string, now: string, audit?: PendingAudit): Promise<void>;
  /** Open alerts whose escalation time has come, via the sparse escalation queue. */
  listDueEscalations(now: string, limit?: number): Promise<Alert[]>;
  /** Records an escalation and schedules the next one (or none). Conditional on the alert still being open. */
  markEscalated(id: string, now: string, nextEscalateAt: string | null): Promise<boolean>;
  listWeek(isoWeek: string): Promise<Alert[]>;
  /** Every alert of one patient (any status), oldest first, via pointer items in the patient's partition. */
  listForPatient(patientId: string): Promise<Alert[]>;
  /** Alerts of a kind whose episode has no recorded resolution (open or acknowledged), optionally of one patient, via a sparse index. */
  listUnresolved(kind: AlertKind, patientId?: string): Promise<UnresolvedAlertRef[]>;
  /** listUnresolved of one patient for several kinds at once (one read of the patient's alert pointers, strongly consistent), in the same order. */
  listUnresolvedForPatient(patientId: string, kinds: readonly AlertKind[]): Promise<UnresolvedAlertRef[]>;
  /** Takes an open alert out of the escalation queue without escalating it (its episode resolved). false when not open. */
  cancelEscalation(id: string, now: string): Promise<boolean>;
}
