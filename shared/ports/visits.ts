import type { RelapseCriterion, RiWorksheet } from '#domain/responder-index.ts';
import type { PendingAudit } from './audit.ts';

export const VISIT_RESPONSES = ['complete', 'partial', 'none'] as const;
export type VisitResponse = (typeof VISIT_RESPONSES)[number];

/** A visit as the physician recorded it: RI, response and the relapse decision. The system never decides relapse itself. */
export interface VisitRecord {
  patientId: string;
  /** A protocol visit key (m6) or an unscheduled visit's key (unscheduled_20270301). */
  visitKey: string;
  scheduled: boolean;
  /** The local date the visit took place. */
  date: string;
  /** IgG4-RD Responder Index total: computed from `worksheet` (never typed); null when the RI was not assessed. */
  riTotal: number | null;
  /** The RI worksheet as scored at this visit (absent: RI not assessed, or a record from before the worksheet). */
  worksheet?: RiWorksheet;
  /** protocol.responderIndex.instrument the worksheet was scored with. */
  riInstrument?: string;
  /** The relapse criterion computed when this version was recorded (what the physician saw). */
  criterion?: RelapseCriterion;
  response: VisitResponse | null;
  /** The physician's relapse decision (the system never decides). */
  relapse: boolean;
  relapseOrgans: string[];
  /** Why the decision differs from the computed criterion (required then). */
  overruleReason?: string;
  note?: string;
  recordedBy: string;
  recordedAt: string;
  version: number;
}

export interface VisitRepository {
  get(patientId: string, visitKey: string): Promise<VisitRecord | null>;
  /** Creates (expectedVersion null) or replaces a record at `expectedVersion` (StaleWriteError otherwise). */
  put(record: VisitRecord, expectedVersion: number | null, audit?: PendingAudit): Promise<VisitRecord>;
  /** A patient's visit records, by visit date. */
  listForPatient(patientId: string): Promise<VisitRecord[]>;
}
