import type { Patient } from '#domain/patient.ts';
import { visitDates } from '#domain/schedule.ts';
import type { VisitRecord, VisitResponse } from '#ports/visits.ts';
import { InvalidInputError, replan, StateConflictError, type CoordinatorDeps } from './deps.ts';
import { auditedWrite, patientCarrier, visitCarrier } from '../audit/audited-write.ts';
import { getPatientForWrite } from './patients.ts';

export type VisitInput =
  | { kind: 'appointment'; visitKey: string; date: string; reason?: string }
  | { kind: 'unscheduled'; date: string; reason: string }
  | {
      kind: 'completed';
      visitKey: string;
      date: string;
      riTotal?: number | null;
      response?: VisitResponse | null;
      relapse: { decision: boolean; organs?: string[] };
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
    const candidate: VisitRecord = {
      patientId,
      visitKey,
      scheduled: protocolKeys.has(visitKey),
      date: input.date,
      riTotal: input.riTotal ?? null,
      response: input.response ?? null,
      relapse: input.relapse.decision,
      relapseOrgans: input.relapse.organs ?? [],
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
  return { visitKey: r.visitKey, date: r.date, riTotal: r.riTotal, response: r.response, relapse: r.relapse, relapseOrgans: r.relapseOrgans, note: r.note ?? null };
}
