import type { Patient, PatientStatus } from '#domain/patient.ts';
import type { PendingAudit } from './audit.ts';

export class ConflictError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** Thrown when a write lost an optimistic-concurrency race: read again and retry. */
export class StaleWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleWriteError';
  }
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PatientRepository {
  /** `audit`: the write's pending audit entry, stored in the same item by the same conditional request (see ports/audit.ts AuditOutbox). */
  /** Enrolls a patient: phone and study ID are unique; exactly one of two racing enrollments wins (ConflictError for the other). */
  create(patient: Patient, audit?: PendingAudit): Promise<void>;
  get(id: string): Promise<Patient | null>;
  findByPhone(phone: string): Promise<Patient | null>;
  findByStudyId(studyId: string): Promise<Patient | null>;
  /** Patients with a status, through the status index (never a Scan). */
  listByStatus(status: PatientStatus, cursor?: string, limit?: number): Promise<Page<Patient>>;
  listAll(): Promise<Patient[]>;
  /** Optimistic update: succeeds only if the stored version equals `expectedVersion`; moves the phone claim if the phone changed. */
  update(next: Patient, expectedVersion: number, audit?: PendingAudit): Promise<Patient>;
  /**
   * The daily cap, kept on the patient: takes one of the patient's reminder SMS of a local day,
   * atomically (two dispatchers never both take the last one), and returns the patient as stored
   * in the same request. `granted: false` when `cap` were already taken that day (`count` = taken),
   * `patient: null` when there is no such patient (nothing taken).
   */
  reserveDailySms(patientId: string, localDate: string, cap: number): Promise<DailySmsReservation>;
  /** Gives back a slot taken by reserveDailySms for an SMS that was not sent (never below zero). */
  releaseDailySms(patientId: string, localDate: string): Promise<void>;
}

export interface DailySmsReservation {
  patient: Patient | null;
  granted: boolean;
  /** Slots taken that local day, this one included when granted. */
  count: number;
}
