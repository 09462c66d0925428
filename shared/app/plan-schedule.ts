import { canReceiveSms, type Patient } from '#domain/patient.ts';
import { auditedWrite, patientCarrier } from './audit/audited-write.ts';
import type { Protocol } from '#domain/protocol.ts';
import { computeSchedule, studyDayOf, utcToLocal } from '#domain/schedule.ts';
import type { AuditTrail } from '#ports/audit.ts';
import { StaleWriteError, type PatientRepository } from '#ports/patients.ts';
import type { MaterializeResult, ReminderRepository } from '#ports/schedule.ts';

export const DEFAULT_PLAN_DAYS = 3;
/** Beyond the window: stale `due` items of an earlier, longer window are cancelled too (they come back when they apply again). */
const FAR_FUTURE = '9999';

export interface PlanPatientDeps {
  reminders: ReminderRepository;
  protocol: Protocol;
}

export type PlanPatientResult = MaterializeResult & { cancelledFuture: number };

function addHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * 3_600_000).toISOString();
}

/** Why a patient gets no SMS (stored as the cancel reason). */
function noSmsReason(patient: Patient): string {
  return patient.status !== 'active' ? `patient_${patient.status}` : 'sms_opt_out';
}

/**
 * Plans one patient: called daily by plan-schedule and right after every change that alters the
 * schedule (enrollment, PATCH of dose times/appointments/parameters, randomization, pause/resume,
 * withdrawal, STOP/START). Idempotent.
 * Steps: a patient who may not get SMS (paused, withdrawn, completed, opted out) → cancel every
 * future `due` item; else compute the next `days` days → conditional put of each item (content
 * hashed ids: unchanged items write nothing) → cancel stored future `due` items the engine no
 * longer produces (changed arm, time, appointment), from now on.
 */
export async function planPatient(deps: PlanPatientDeps, patient: Patient, now: string, days: number = DEFAULT_PLAN_DAYS): Promise<PlanPatientResult> {
  if (!canReceiveSms(patient)) {
    const cancelledFuture = await deps.reminders.cancelFuture(patient.id, now, noSmsReason(patient), now);
    return { created: 0, unchanged: 0, cancelled: 0, cancelledFuture };
  }
  const window = { from: now, to: addHours(now, days * 24) };
  const items = computeSchedule(patient, deps.protocol, window);
  const result = await deps.reminders.materialize(patient.id, patient.studyId, items, { from: now, to: FAR_FUTURE }, now);
  return { ...result, cancelledFuture: 0 };
}

export interface PlanAllDeps extends PlanPatientDeps {
  patients: PatientRepository;
  /** Where the end-of-study completion is recorded. */
  audit: AuditTrail;
}

export const COMPLETION_ACTOR = 'system:plan-schedule';

/** The patient's study day today, in the patient's time zone (day 0 = enrollment). */
export function studyDayAt(patient: Pick<Patient, 'enrolledOn' | 'timeZone'>, now: string): number {
  return studyDayOf(patient.enrolledOn, utcToLocal(now, patient.timeZone).localDate);
}

/**
 * An active patient past the protocol's last study day becomes `completed` (optimistic update,
 * retried once on a concurrent change; audited). Returns the patient as stored afterwards: the
 * same object when nothing was due, a fresh one when a concurrent change already moved the
 * patient out of `active` (then nothing is written).
 */
export async function completeIfStudyEnded(deps: Pick<PlanAllDeps, 'patients' | 'audit' | 'protocol'>, patient: Patient, now: string): Promise<{ patient: Patient; completed: boolean }> {
  const studyDay = studyDayAt(patient, now);
  if (studyDay <= deps.protocol.endOfStudyDay) return { patient, completed: false };
  // Read (the listing), then complete an entry a crashed write of this patient left (see
  // getPatientForWrite) — also when that write was this very completion.
  await deps.audit.settle(patientCarrier(patient.id));
  if (patient.status !== 'active') return { patient, completed: false };
  let current = patient;
  for (let attempt = 1; ; attempt++) {
    const { pausedFrom: _p, statusReason: _r, ...rest } = current;
    const next: Patient = { ...rest, status: 'completed', statusReason: 'end of study', updatedAt: now };
    const expected = current.version;
    let stored: Patient;
    try {
      stored = await auditedWrite(
        deps.audit,
        {
          at: now,
          actor: COMPLETION_ACTOR,
          action: 'patient.complete',
          entityType: 'patient',
          entityId: patient.id,
          before: { status: current.status, statusReason: current.statusReason ?? null },
          after: { status: next.status, statusReason: next.statusReason ?? null },
          reason: `study day ${studyDayAt(next, now)} is past the end of study (day ${deps.protocol.endOfStudyDay})`,
        },
        { carrier: patientCarrier(patient.id), version: expected + 1 },
        (pending) => deps.patients.update(next, expected, pending),
      );
    } catch (error) {
      if (!(error instanceof StaleWriteError) || attempt > 1) throw error;
      const fresh = await deps.patients.get(patient.id);
      if (!fresh) throw error;
      await deps.audit.settle(patientCarrier(patient.id));
      if (fresh.status !== 'active') return { patient: fresh, completed: false };
      current = fresh;
      continue;
    }
    return { patient: stored, completed: true };
  }
}

export interface PlanAllResult {
  patients: number;
  /** Active patients moved to `completed` by this run (study day past protocol.endOfStudyDay). */
  completed: number;
  created: number;
  unchanged: number;
  cancelled: number;
  /** Study IDs whose planning failed (the run goes on; the handler reports them and fails). */
  failedStudyIds: string[];
}

/**
 * The daily run: every ACTIVE patient, page by page through the status index (never a Scan).
 * An active patient whose study has ended (study day > protocol.endOfStudyDay in the patient's
 * time zone) is first moved to `completed` (audited), then planned as such (future items cancelled).
 * Paused, withdrawn and completed patients are not visited: their future items were cancelled by
 * `planPatient` at the moment of the change (the coordinator action or STOP calls it), and an
 * active patient who opted out is listed here and cancelled again (idempotent).
 */
export async function planAll(deps: PlanAllDeps, now: string, days: number = DEFAULT_PLAN_DAYS, options: { concurrency?: number; pageSize?: number; onError?: (studyId: string, error: unknown) => void } = {}): Promise<PlanAllResult> {
  const total: PlanAllResult = { patients: 0, completed: 0, created: 0, unchanged: 0, cancelled: 0, failedStudyIds: [] };
  let cursor: string | undefined;
  do {
    const page = await deps.patients.listByStatus('active', cursor, options.pageSize ?? 100);
    await forEachLimited(page.items, options.concurrency ?? 4, async (patient) => {
      try {
        const current = await completeIfStudyEnded(deps, patient, now);
        if (current.completed) total.completed++;
        const result = await planPatient(deps, current.patient, now, days);
        total.created += result.created;
        total.unchanged += result.unchanged;
        total.cancelled += result.cancelled + result.cancelledFuture;
      } catch (error) {
        total.failedStudyIds.push(patient.studyId);
        options.onError?.(patient.studyId, error);
      }
      total.patients++;
    });
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

/** Runs `work` over `items` with at most `limit` in flight (a small hand-written pool). */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
