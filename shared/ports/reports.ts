import type { PendingAudit } from './audit.ts';
import type { Page } from './patients.ts';

export const REVIEW_OUTCOMES = ['no_action', 'contacted_patient', 'adverse_event_recorded', 'possible_relapse_visit_scheduled'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface InterpretedItemRecord {
  term: string;
  grade: number | null;
}

/** A patient report waiting for (or done with) coordinator review. */
export interface Report {
  id: string;
  patientId: string | null;
  studyId: string | null;
  inboundMessageId: string;
  receivedAt: string;
  createdAt: string;
  updatedAt: string;
  /** Raw text as the patient sent it (shown as text, never as HTML). */
  text: string;
  /** The interpretation, in the one shape used everywhere (shared/domain/replies). */
  interpretation: Record<string, unknown> & { intent: string; items: InterpretedItemRecord[]; redFlag: boolean; relapseSignal: boolean; answers?: string };
  answersCheckInId?: string;
  source: 'sms' | 'checkin_conversation' | 'unknown_sender';
  status: 'open' | 'reviewed';
  /** Deleted after this instant (reports of texts from unknown numbers; DynamoDB TTL). Absent: kept. */
  retainUntil?: string;
  review?: {
    outcome: ReviewOutcome;
    note: string;
    confirmedItems: InterpretedItemRecord[];
    reviewedBy: string;
    reviewedAt: string;
  };
  version: number;
}

export interface ReportRepository {
  createIfAbsent(report: Report): Promise<{ created: boolean; report: Report }>;
  get(id: string): Promise<Report | null>;
  /** Oldest first, paginated, through the status index (the review queue). */
  listByStatus(status: 'open' | 'reviewed', cursor?: string, limit?: number): Promise<Page<Report>>;
  /** open → reviewed, once; null when it was no longer open. */
  review(id: string, review: NonNullable<Report['review']>, now: string, audit?: PendingAudit): Promise<Report | null>;
  listWeek(isoWeek: string): Promise<Report[]>;
  listForPatient(patientId: string): Promise<Report[]>;
}
