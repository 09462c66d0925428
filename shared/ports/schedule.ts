import type { PendingAudit } from './audit.ts';
import type { ScheduledItem } from '#domain/schedule.ts';

export const REMINDER_STATES = ['due', 'sending', 'sent', 'expired', 'failed', 'cancelled'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

export const DOSE_OUTCOMES = ['pending', 'taken', 'missed_reported', 'missed_no_reply'] as const;
export type DoseOutcomeStatus = (typeof DOSE_OUTCOMES)[number];

/** A scheduled reminder/check-in as stored, with its delivery state and (for doses) the answer. */
export interface StoredReminder extends ScheduledItem {
  state: ReminderState;
  studyId: string;
  createdAt: string;
  updatedAt: string;
  leaseOwner?: string;
  leaseUntil?: string;
  attempts: number;
  messageId?: string;
  sentAt?: string;
  parts?: number;
  reason?: string;
  outcome?: DoseOutcomeStatus;
  missedDrugs?: string[];
  answeredAt?: string;
  answerMessageId?: string;
  /** When the adherence sweep recorded the check-in as missed_no_reply. */
  sweptAt?: string;
}

export interface MaterializeResult {
  created: number;
  unchanged: number;
  cancelled: number;
}

export interface ReminderRepository {
  /**
   * Writes the items of a window idempotently (conditional put per item) and cancels stored
   * future `due` items in [from, to) of this patient that the engine no longer produces.
   */
  materialize(patientId: string, studyId: string, items: ScheduledItem[], window: { from: string; to: string }, now: string): Promise<MaterializeResult>;
  /** Cancels every `due` item of a patient from `from` on (withdrawal, pause, opt-out). */
  cancelFuture(patientId: string, from: string, reason: string, now: string): Promise<number>;
  get(patientId: string, id: string, dueAt: string): Promise<StoredReminder | null>;
  /** Items of one patient with dueAt in [from, to), oldest first. */
  listForPatient(patientId: string, from: string, to: string): Promise<StoredReminder[]>;
  /** Queue entries (due or sending) with dueAt ≤ until, from every shard: the dispatcher's only read. */
  listDue(until: string, limit?: number): Promise<StoredReminder[]>;
  /** due → sending (or an expired lease re-taken); false when someone else holds or finished it. */
  claim(item: StoredReminder, owner: string, now: string, leaseSeconds: number): Promise<boolean>;
  /** sending → sent, only by the lease owner; records the provider message id. */
  markSent(item: StoredReminder, owner: string, result: { messageId: string; parts: number; sentAt: string }): Promise<void>;
  /** sending → due again (transient failure: retry on the next run). */
  release(item: StoredReminder, owner: string, now: string): Promise<void>;
  /** due|sending → expired/failed/cancelled with the reason; leaves the queue. */
  finish(item: StoredReminder, state: 'expired' | 'failed' | 'cancelled', reason: string, now: string, owner?: string): Promise<boolean>;
  /** Sent dose check-ins whose answer window ended at or before `until`, from every shard of the answer queue (the sweep's only read). */
  listAwaitingUntil(until: string, limit?: number): Promise<StoredReminder[]>;
  /**
   * pending → missed_no_reply (the caller has checked that the window closed); leaves the answer
   * queue. Conditional on the outcome still being pending: 'answered' when a reply won the race
   * (its queue entry is removed too if still there).
   */
  recordSweepMissed(item: StoredReminder, now: string): Promise<'missed' | 'answered' | 'not_due'>;
  /** Every reminder due in one ISO week (study time zone), via the week index. */
  listWeek(isoWeek: string): Promise<StoredReminder[]>;
  /**
   * Records a patient's answer on a sent dose check-in and takes it off the answer queue.
   * Conditional: the latest answer (by `answeredAt`, the message's arrival) wins, an older one is
   * ignored (`applied: false`); an answer after the sweep's missed_no_reply wins over it.
   * `previous` is the item before the write (null when it does not exist). `displacedAudit`: the
   * pending audit entry the item carried before this call (one a crashed answer left; an applied
   * write replaced it or, carrying none, kept it): the caller completes it, so the outbox does not
   * lose it and no read is needed before the write. A store whose reminders carry no pending entries
   * never returns one.
   */
  recordDoseAnswer(
    item: StoredReminder,
    answer: { outcome: 'taken' | 'missed_reported'; answeredAt: string; answerMessageId: string; missedDrugs?: string[] },
    now: string,
    /** The answer's audit entry, stored on the check-in by the same conditional update (ports/audit.ts AuditOutbox). */
    audit?: PendingAudit,
  ): Promise<{ applied: boolean; previous: StoredReminder | null; displacedAudit?: PendingAudit }>;
}
