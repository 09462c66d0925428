import type { PendingAudit } from '#ports/audit.ts';
import { StaleWriteError } from '#ports/patients.ts';
import type { VisitRecord, VisitRepository } from '#ports/visits.ts';
import type { MemoryAuditCarriers } from './audit-log.ts';
import { copy } from './support.ts';

/** Visit records in memory, per patient and visit key, with optimistic versioning. */
export class MemoryVisitRepository implements VisitRepository {
  private readonly visits = new Map<string, Map<string, VisitRecord>>();

  constructor(private readonly carriers: MemoryAuditCarriers) {}

  async get(patientId: string, visitKey: string): Promise<VisitRecord | null> {
    const record = this.visits.get(patientId)?.get(visitKey);
    return record ? copy(record) : null;
  }

  async put(record: VisitRecord, expectedVersion: number | null, audit?: PendingAudit): Promise<VisitRecord> {
    let visits = this.visits.get(record.patientId);
    if (!visits) this.visits.set(record.patientId, (visits = new Map()));
    const current = visits.get(record.visitKey);
    if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) throw new StaleWriteError(`visit ${record.visitKey} changed meanwhile`);
    const stored: VisitRecord = { ...copy(record), version: expectedVersion === null ? 1 : expectedVersion + 1 };
    visits.set(record.visitKey, stored);
    this.carriers.carry(audit);
    return copy(stored);
  }

  async listForPatient(patientId: string): Promise<VisitRecord[]> {
    return [...(this.visits.get(patientId)?.values() ?? [])].map(copy).sort((a, b) => a.date.localeCompare(b.date) || a.visitKey.localeCompare(b.visitKey));
  }
}
