import type { Patient } from '#domain/patient.ts';
import { checkWorksheet, relapseCriterion, type RelapseCriterion, type RiVisit, type RiWorksheet } from '#domain/responder-index.ts';
import { visitDates } from '#domain/schedule.ts';
import type { VisitRecord, VisitResponse } from '#ports/visits.ts';
import { InvalidInputError, replan, StateConflictError, type CoordinatorDeps } from './deps.ts';
import { auditedWrite, patientCarrier, visitCarrier } from '../audit/audited-write.ts';
import { getPatientForWrite, getPatientOrThrow } from './patients.ts';

export type VisitInput =
  | { kind: 'appointment'; visitKey: string; date: string; reason?: string }
  | { kind: 'unscheduled'; date: string; reason: string }
  | {
      kind: 'completed';
      visitKey: string;
      date: string;
      /** The RI worksheet; the total is computed from it. Absent: RI not assessed at this visit. */
      worksheet?: RiWorksheet | null;
      response?: VisitResponse | null;
      /** The physician's decision; `reason` is required when it differs from the computed criterion. */
      relapse: { decision: boolean; organs?: string[]; reason?: string };
      note?: string;
    };

export interface VisitWriteResult {
  patient: Patient;
  visitKey: string;
  record: VisitRecord | null;
  planned: boolean;
}

function knownVisitKeys(deps: Pick<CoordinatorDeps, 'protocol'>, patient: Patient): Set<string> {
  return new Set(visitDates(deps.protocol, patient).map((v) => v.key));
}

function unscheduledKey(patient: Patient, date: string): string {
  const base = `unscheduled_${date.replaceAll('-', '')}`;
  if (!(base in patient.appointments)) return base;
  for (let n = 2; ; n++) if (!(`${base}_${n}` in patient.appointments)) return `${base}_${n}`;
}

/**
 * Visits: set an appointment date (its reminders follow it), add an unscheduled visit (e.g. after
 * a possible-relapse report), or record a completed visit with RI, response and the physician's
 * relapse decision. A completed visit's date also becomes its appointment date, so no reminder
 * for it goes out afterwards. Every change is audited on the patient and re-plans the reminders.
 */
export async function recordVisit(deps: CoordinatorDeps, patientId: string, input: VisitInput, actor: string, now: string): Promise<VisitWriteResult> {
  const patient = await getPatientForWrite(deps, patientId);
  if (patient.status === 'withdrawn' && input.kind !== 'completed') throw new StateConflictError('the patient has withdrawn: no visits can be scheduled');
  const visitKey = input.kind === 'unscheduled' ? unscheduledKey(patient, input.date) : input.visitKey;
  if (input.kind !== 'unscheduled' && !knownVisitKeys(deps, patient).has(visitKey)) {
    throw new InvalidInputError([{ path: 'visitKey', message: `unknown visit "${visitKey}" (a protocol visit key or an unscheduled visit of this patient)` }]);
  }

  let record: VisitRecord | null = null;
  if (input.kind === 'completed') {
    const existing = await deps.visits.get(patientId, visitKey);
    await deps.audit.settle(visitCarrier(patientId, visitKey));
    const protocolKeys = new Set(deps.protocol.visits.map((v) => v.key));
    const criterion = input.worksheet ? await criterionFor(deps, patientId, { visitKey, date: input.date, worksheet: input.worksheet, response: input.response ?? null }) : null;
    const reason = input.relapse.reason?.trim();
    if (criterion && input.relapse.decision !== criterion.met && !reason) {
      throw new InvalidInputError([{ path: 'relapse.reason', message: `the computed ${criterion.text.en}; a decision of ${input.relapse.decision ? 'relapse' : 'no relapse'} overrules it and needs a reason` }]);
    }
    const candidate: VisitRecord = {
      patientId,
      visitKey,
      scheduled: protocolKeys.has(visitKey),
      date: input.date,
      riTotal: criterion ? criterion.total : null,
      ...(input.worksheet && criterion ? { worksheet: input.worksheet, riInstrument: deps.protocol.responderIndex.instrument, criterion } : {}),
      response: input.response ?? null,
      relapse: input.relapse.decision,
      relapseOrgans: input.relapse.organs ?? [],
      ...(criterion && input.relapse.decision !== criterion.met && reason ? { overruleReason: reason } : {}),
      ...(input.note ? { note: input.note } : {}),
      recordedBy: actor,
      recordedAt: now,
      version: existing?.version ?? 0,
    };
    if (existing && JSON.stringify(visitSnapshot(existing)) === JSON.stringify(visitSnapshot(candidate))) {
      // The same record again (a retried request): nothing changes, so nothing is written or audited.
      record = existing;
    } else {
      record = await auditedWrite(
        deps.audit,
        {
          at: now,
          actor,
          action: existing ? 'visit.correct' : 'visit.record',
          entityType: 'patient',
          entityId: patientId,
          before: existing ? visitSnapshot(existing) : null,
          after: visitSnapshot(candidate),
          ...(candidate.overruleReason ? { reason: `relapse criterion overruled: ${candidate.overruleReason}` } : {}),
        },
        { carrier: visitCarrier(patientId, visitKey), version: (existing?.version ?? 0) + 1 },
        (pending) => deps.visits.put(candidate, existing ? existing.version : null, pending),
      );
    }
  }

  let stored = patient;
  if (patient.appointments[visitKey] !== input.date) {
    const next: Patient = { ...patient, appointments: { ...patient.appointments, [visitKey]: input.date }, updatedAt: now };
    stored = await auditedWrite(
      deps.audit,
      {
        at: now,
        actor,
        action: input.kind === 'unscheduled' ? 'visit.add_unscheduled' : 'visit.appointment',
        entityType: 'patient',
        entityId: patientId,
        before: { visitKey, appointment: patient.appointments[visitKey] ?? null },
        after: { visitKey, appointment: input.date },
        ...(input.kind !== 'completed' && input.reason ? { reason: input.reason } : {}),
      },
      { carrier: patientCarrier(patientId), version: patient.version + 1 },
      (pending) => deps.patients.update(next, patient.version, pending),
    );
  }
  const planned = stored === patient ? true : await replan(deps, stored, now);
  return { patient: stored, visitKey, record, planned };
}

function visitSnapshot(r: VisitRecord): Record<string, unknown> {
  return {
    visitKey: r.visitKey,
    date: r.date,
    riTotal: r.riTotal,
    worksheet: r.worksheet ?? null,
    criterionMet: r.criterion?.met ?? null,
    criterion: r.criterion?.text.en ?? null,
    response: r.response,
    relapse: r.relapse,
    relapseOrgans: r.relapseOrgans,
    overruleReason: r.overruleReason ?? null,
    note: r.note ?? null,
  };
}

/** The patient's other scored visits, as the criterion reads them. */
async function riHistory(deps: Pick<CoordinatorDeps, 'visits'>, patientId: string): Promise<RiVisit[]> {
  const records = await deps.visits.listForPatient(patientId);
  return records.flatMap((r) => (r.worksheet ? [{ visitKey: r.visitKey, date: r.date, worksheet: r.worksheet, response: r.response }] : []));
}

async function criterionFor(deps: Pick<CoordinatorDeps, 'visits' | 'protocol'>, patientId: string, current: RiVisit): Promise<RelapseCriterion> {
  const issues = checkWorksheet(current.worksheet, deps.protocol.responderIndex);
  if (issues.length > 0) throw new InvalidInputError(issues);
  return relapseCriterion(current, await riHistory(deps, patientId), deps.protocol);
}

/**
 * The criterion a worksheet would give at this visit, before it is recorded: the console shows it
 * live so the physician decides with it in view. Nothing is stored.
 */
export async function previewCriterion(
  deps: CoordinatorDeps,
  patientId: string,
  input: { visitKey: string; date: string; worksheet: RiWorksheet; response?: VisitResponse | null },
): Promise<RelapseCriterion> {
  const patient = await getPatientOrThrow(deps, patientId);
  if (!knownVisitKeys(deps, patient).has(input.visitKey)) throw new InvalidInputError([{ path: 'visitKey', message: `unknown visit "${input.visitKey}"` }]);
  return criterionFor(deps, patientId, { visitKey: input.visitKey, date: input.date, worksheet: input.worksheet, response: input.response ?? null });
}
