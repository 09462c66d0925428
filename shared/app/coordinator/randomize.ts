import type { Patient } from '#domain/patient.ts';
import type { Arm } from '#domain/protocol.ts';
import { generateAllocationList } from '#domain/randomization.ts';
import { studyDayOf, utcToLocal, addDays } from '#domain/schedule.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { defaultSecretSeed, replan, StateConflictError, type CoordinatorDeps } from './deps.ts';
import { auditedWrite, patientCarrier } from '../audit/audited-write.ts';
import { getPatientForWrite, type PatientWriteResult } from './patients.ts';

export type RandomizeInput = { method: 'draw'; reason?: string } | { method: 'external'; arm: Arm; reason?: string };

const DEFAULT_LIST_LENGTH = 200;

/** The month-6 window as local dates, from the protocol. */
export function randomizationWindow(deps: Pick<CoordinatorDeps, 'protocol'>, patient: Patient): { from: string; to: string } {
  const r = deps.protocol.randomization;
  return {
    from: addDays(patient.enrolledOn, r.targetDay - r.windowDaysBefore),
    to: addDays(patient.enrolledOn, r.targetDay + r.windowDaysAfter),
  };
}

/**
 * Generates and stores the concealed list once, with a secret seed from the CSPRNG that no
 * route ever returns. Safe to call from racing first draws: the first setup wins and every
 * caller writes that list (the same slots, idempotently).
 */
export async function ensureAllocationList(deps: CoordinatorDeps, now: string): Promise<void> {
  if (await deps.allocations.isReady()) return;
  const r = deps.protocol.randomization;
  const setup = await deps.allocations.setupOnce({
    seed: (deps.newSecretSeed ?? defaultSecretSeed)(),
    length: deps.allocationListLength ?? DEFAULT_LIST_LENGTH,
    arms: r.arms,
    blockSizes: r.blockSizes,
    createdAt: now,
  });
  await deps.allocations.storeList(generateAllocationList(setup), now);
}

/**
 * Randomizes a patient at month 6: draws the next slot of the concealed permuted-block list, or
 * records an arm allocated elsewhere. Steps: read → checks (not withdrawn, not randomized, inside
 * the window) → draw/record (once per patient, conditional) → set arm and date on the patient
 * (retried on a concurrent change: the draw itself is never repeated) → audit → re-plan
 * (maintenance reminders follow the arm).
 */
export async function randomizePatient(deps: CoordinatorDeps, id: string, input: RandomizeInput, actor: string, now: string): Promise<PatientWriteResult> {
  let patient = await getPatientForWrite(deps, id);
  if (patient.status === 'withdrawn' || patient.status === 'completed') throw new StateConflictError(`cannot randomize a patient who is ${patient.status}`);
  if (patient.arm) throw new StateConflictError('the patient is already randomized');
  const today = utcToLocal(now, patient.timeZone).localDate;
  const window = randomizationWindow(deps, patient);
  if (today < window.from || today > window.to) {
    throw new StateConflictError(
      `randomization is allowed only from ${window.from} to ${window.to} (study day ${studyDayOf(patient.enrolledOn, today)} today)`,
    );
  }
  let allocation;
  if (input.method === 'draw') {
    await ensureAllocationList(deps, now);
    allocation = await deps.allocations.draw(id, now);
    if (!allocation) throw new StateConflictError('the allocation list is used up');
  } else {
    allocation = await deps.allocations.recordExternal(id, input.arm, now);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const next: Patient = { ...patient, arm: allocation.arm, randomizedOn: today, updatedAt: now };
      const expected = patient.version;
      const stored = await auditedWrite(
        deps.audit,
        {
          at: now,
          actor,
          action: 'patient.randomize',
          entityType: 'patient',
          entityId: id,
          before: { arm: null },
          after: { arm: next.arm, randomizedOn: next.randomizedOn, method: allocation.method, ...(allocation.sequence ? { sequence: allocation.sequence } : {}) },
          ...(input.reason ? { reason: input.reason } : {}),
        },
        { carrier: patientCarrier(id), version: expected + 1 },
        (pending) => deps.patients.update(next, expected, pending),
      );
      return { patient: stored, planned: await replan(deps, stored, now) };
    } catch (error) {
      if (!(error instanceof StaleWriteError) || attempt >= 4) throw error;
      patient = await getPatientForWrite(deps, id);
      // A concurrent request for the same patient finished first (it got the same slot): one write, one audit entry.
      if (patient.arm) throw new StateConflictError('the patient is already randomized');
    }
  }
}
