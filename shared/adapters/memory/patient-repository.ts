import { patientSchema, PATIENT_STATUSES, type Patient, type PatientStatus } from '#domain/patient.ts';
import type { PendingAudit } from '#ports/audit.ts';
import { ConflictError, StaleWriteError, type DailySmsReservation, type Page, type PatientRepository } from '#ports/patients.ts';
import type { MemoryAuditCarriers } from './audit-log.ts';
import { conditionalFailure, copy, page, sortedBy } from './support.ts';

/** Patients in memory: unique phone and study ID (case-insensitive), optimistic versioning, lists by status in study-ID order. */
export class MemoryPatientRepository implements PatientRepository {
  private readonly patients = new Map<string, Patient>();
  private readonly phones = new Map<string, string>();
  private readonly studyIds = new Map<string, string>();
  /** `<patientId>#<localDate>` → reminder SMS taken that day (the daily cap). */
  private readonly smsTaken = new Map<string, number>();

  constructor(private readonly carriers: MemoryAuditCarriers) {}

  async create(patient: Patient, audit?: PendingAudit): Promise<void> {
    const stored = patientSchema.parse(copy(patient));
    const phoneOwner = this.phones.get(stored.phone);
    if (phoneOwner !== undefined && phoneOwner !== stored.id) throw new ConflictError('phone', 'a patient with this phone number is already enrolled');
    const studyOwner = this.studyIds.get(stored.studyId.toUpperCase());
    if (studyOwner !== undefined && studyOwner !== stored.id) throw new ConflictError('studyId', `study ID ${stored.studyId} is already enrolled`);
    if (this.patients.has(stored.id)) throw conditionalFailure();
    this.phones.set(stored.phone, stored.id);
    this.studyIds.set(stored.studyId.toUpperCase(), stored.id);
    this.patients.set(stored.id, stored);
    this.carriers.carry(audit);
  }

  async get(id: string): Promise<Patient | null> {
    const patient = this.patients.get(id);
    return patient ? copy(patient) : null;
  }

  async findByPhone(phone: string): Promise<Patient | null> {
    const id = this.phones.get(phone);
    return id === undefined ? null : this.get(id);
  }

  async findByStudyId(studyId: string): Promise<Patient | null> {
    const id = this.studyIds.get(studyId.toUpperCase());
    return id === undefined ? null : this.get(id);
  }

  async listByStatus(status: PatientStatus, cursor?: string, limit = 100): Promise<Page<Patient>> {
    const rows = sortedBy(
      [...this.patients.values()].filter((p) => p.status === status),
      (p) => p.studyId,
    );
    const result = page(rows, cursor, limit);
    return { items: result.items.map(copy), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }

  async listAll(): Promise<Patient[]> {
    const all = PATIENT_STATUSES.flatMap((status) => [...this.patients.values()].filter((p) => p.status === status));
    return all.map(copy).sort((a, b) => a.studyId.localeCompare(b.studyId));
  }

  async update(next: Patient, expectedVersion: number, audit?: PendingAudit): Promise<Patient> {
    const current = this.patients.get(next.id);
    if (!current || current.version !== expectedVersion) throw new StaleWriteError(`patient ${next.id} changed meanwhile`);
    if (current.phone !== next.phone) {
      const owner = this.phones.get(next.phone);
      if (owner !== undefined && owner !== next.id) throw new ConflictError('phone', 'a patient with this phone number is already enrolled');
    }
    const stored = patientSchema.parse({ ...copy(next), version: expectedVersion + 1 });
    if (current.phone !== stored.phone) {
      this.phones.delete(current.phone);
      this.phones.set(stored.phone, stored.id);
    }
    this.patients.set(stored.id, stored);
    this.carriers.carry(audit);
    return copy(stored);
  }

  async reserveDailySms(patientId: string, localDate: string, cap: number): Promise<DailySmsReservation> {
    const patient = this.patients.get(patientId);
    if (!patient) return { patient: null, granted: false, count: 0 };
    const key = `${patientId}#${localDate}`;
    const taken = this.smsTaken.get(key) ?? 0;
    if (taken >= cap) return { patient: copy(patient), granted: false, count: taken };
    this.smsTaken.set(key, taken + 1);
    return { patient: copy(patient), granted: true, count: taken + 1 };
  }

  async releaseDailySms(patientId: string, localDate: string): Promise<void> {
    const key = `${patientId}#${localDate}`;
    const taken = this.smsTaken.get(key) ?? 0;
    if (taken > 0) this.smsTaken.set(key, taken - 1);
  }
}
