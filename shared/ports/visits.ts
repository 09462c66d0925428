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
  /** IgG4-RD Responder Index total, when assessed. */
  riTotal: number | null;
  response: VisitResponse | null;
  relapse: boolean;
  relapseOrgans: string[];
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
