import { randomBytes, randomUUID } from 'node:crypto';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertRepository } from '#ports/alerts.ts';
import type { AllocationRepository } from '#ports/allocations.ts';
import type { AuditTrail } from '#ports/audit.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { PatientRepository } from '#ports/patients.ts';
import type { ReportRepository } from '#ports/reports.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import type { VisitRepository } from '#ports/visits.ts';

/** Re-plans one patient's reminders after a change (plan-schedule's planPatient behind a seam). */
export interface SchedulePlanner {
  planPatient(patient: Patient, now: string): Promise<unknown>;
}

/** What the coordinator use cases need. Every write is audited through `audit`'s outbox (shared/app/audit/audited-write.ts). */
export interface CoordinatorDeps {
  patients: PatientRepository;
  reminders: ReminderRepository;
  reports: ReportRepository;
  alerts: AlertRepository;
  messages: MessageLog;
  audit: AuditTrail;
  visits: VisitRepository;
  allocations: AllocationRepository;
  protocol: Protocol;
  planner: SchedulePlanner;
  /** New patient ids (default: random UUID). */
  newId?: () => string;
  /** The allocation list's secret seed (default: 32 bytes from the CSPRNG, hex). */
  newSecretSeed?: () => string;
  /** Slots in the allocation list, generated once (default 200: well over the 60 patients, so the last block is never cut). */
  allocationListLength?: number;
}

export const defaultNewId = (): string => randomUUID();
export const defaultSecretSeed = (): string => randomBytes(32).toString('hex');

/** A bad request the schemas could not see (protocol bounds, unknown visit key …): 400 naming each field. */
export class InvalidInputError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'InvalidInputError';
  }
}

/** The request is valid but the entity's state forbids it (already randomized, not open …): 409. */
export class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}

/** Re-plans, but never fails the write that preceded it: the daily plan-schedule run catches up. */
export async function replan(deps: Pick<CoordinatorDeps, 'planner'>, patient: Patient, now: string): Promise<boolean> {
  try {
    await deps.planner.planPatient(patient, now);
    return true;
  } catch {
    return false;
  }
}
