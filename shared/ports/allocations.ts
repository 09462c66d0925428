import type { Allocation, Arm } from '#domain/randomization.ts';

/** How a patient's arm was decided. */
export type RandomizationMethod = 'drawn' | 'external';

/** The per-patient randomization record (once per patient). Never holds anything about other slots. */
export interface PatientRandomization {
  patientId: string;
  method: RandomizationMethod;
  arm: Arm;
  /** The list slot used (drawn only). */
  sequence?: number;
  at: string;
}

export interface AllocationListSetup {
  /** Secret: stored for the auditor who regenerates the list, never returned by any route. */
  seed: string;
  length: number;
  arms: readonly [Arm, Arm];
  blockSizes: readonly number[];
  createdAt: string;
}

/**
 * The concealed allocation list. Nothing here lists slots that are not yet drawn: the only way
 * to learn an arm is to draw it for a patient, one slot at a time.
 */
export interface AllocationRepository {
  /**
   * Stores the list once. Returns the setup actually in force: if another setup won the race, its
   * seed and parameters (the caller then writes that list, idempotently, not its own).
   */
  setupOnce(setup: AllocationListSetup): Promise<AllocationListSetup>;
  /** Writes the slots (idempotent: the same slot is never overwritten) and opens the counter at 1 if absent. */
  storeList(list: Allocation[], now: string): Promise<void>;
  /** Whether the list is ready to draw from (counter present). */
  isReady(): Promise<boolean>;
  /** The patient's record, if randomized (or a draw for them is in flight and already has a slot). */
  getForPatient(patientId: string): Promise<PatientRandomization | null>;
  /**
   * Draws the next slot for a patient: claims the patient (once), claims the next sequence
   * number with a conditional counter update, binds the slot to the patient. Two concurrent draws
   * never share a slot. Resumes an interrupted draw for the same patient. Returns null when the
   * list is exhausted; throws ConflictError when the patient was randomized otherwise.
   */
  draw(patientId: string, now: string): Promise<PatientRandomization | null>;
  /** Records an arm allocated elsewhere; ConflictError when the patient already has a randomization. */
  recordExternal(patientId: string, arm: Arm, now: string): Promise<PatientRandomization>;
  /** How many slots have been drawn (for monitoring; reveals no arm). */
  drawnCount(): Promise<number>;
}
