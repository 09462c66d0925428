import type { Allocation, Arm } from '#domain/randomization.ts';
import type { AllocationListSetup, AllocationRepository, PatientRandomization } from '#ports/allocations.ts';
import { ConflictError } from '#ports/patients.ts';
import { copy } from './support.ts';

/**
 * The concealed allocation list in memory: set up once, slots written once, a counter that hands
 * each draw the next number, one randomization per patient (drawn or external). Nothing lists
 * the slots. A draw is one synchronous step here, so the adapter's crash-resume states cannot occur.
 */
export class MemoryAllocationRepository implements AllocationRepository {
  private setup: AllocationListSetup | null = null;
  private readonly slots = new Map<number, Allocation & { patientId?: string; drawnAt?: string }>();
  private counter: { nextSeq: number; listLength: number } | null = null;
  private readonly patients = new Map<string, PatientRandomization>();

  async setupOnce(setup: AllocationListSetup): Promise<AllocationListSetup> {
    this.setup ??= copy(setup);
    return copy(this.setup);
  }

  async storeList(list: Allocation[], _now: string): Promise<void> {
    for (const slot of list) if (!this.slots.has(slot.sequence)) this.slots.set(slot.sequence, copy(slot));
    this.counter ??= { nextSeq: 1, listLength: list.length };
  }

  async isReady(): Promise<boolean> {
    return this.counter !== null;
  }

  async getForPatient(patientId: string): Promise<PatientRandomization | null> {
    const record = this.patients.get(patientId);
    return record ? copy(record) : null;
  }

  async draw(patientId: string, now: string): Promise<PatientRandomization | null> {
    const existing = this.patients.get(patientId);
    if (existing) {
      if (existing.method !== 'drawn') throw new ConflictError('arm', 'the patient is already randomized');
      return copy(existing);
    }
    if (!this.counter || this.counter.nextSeq > this.counter.listLength) return null;
    const sequence = this.counter.nextSeq++;
    const slot = this.slots.get(sequence);
    if (!slot || (slot.patientId !== undefined && slot.patientId !== patientId)) throw new Error(`allocation slot ${sequence} is missing or bound to another patient`);
    slot.patientId = patientId;
    slot.drawnAt = now;
    const record: PatientRandomization = { patientId, method: 'drawn', arm: slot.arm, sequence, at: now };
    this.patients.set(patientId, record);
    return copy(record);
  }

  async recordExternal(patientId: string, arm: Arm, now: string): Promise<PatientRandomization> {
    if (this.patients.has(patientId)) throw new ConflictError('arm', 'the patient is already randomized');
    const record: PatientRandomization = { patientId, method: 'external', arm, at: now };
    this.patients.set(patientId, record);
    return copy(record);
  }

  async drawnCount(): Promise<number> {
    return this.counter ? this.counter.nextSeq - 1 : 0;
  }
}
