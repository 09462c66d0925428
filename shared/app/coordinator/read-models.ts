import { computeAdherence, type AdherenceSummary, type DoseOutcome } from '#domain/adherence.ts';
import type { Patient } from '#domain/patient.ts';
import { localToUtc, visitDates } from '#domain/schedule.ts';
import type { Alert } from '#ports/alerts.ts';
import type { Report } from '#ports/reports.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import type { VisitRecord } from '#ports/visits.ts';
import type { CoordinatorDeps } from './deps.ts';
import { getPatientOrThrow } from './patients.ts';

const DAY_MS = 86_400_000;
const plusDays = (instant: string, days: number) => new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** A sent dose check-in as the adherence rules see it (the arm only applies in maintenance). */
export function doseOutcomeOf(reminder: StoredReminder, patient: Pick<Patient, 'arm'>): DoseOutcome | null {
  if (reminder.kind !== 'dose' || reminder.state !== 'sent' || !reminder.doses?.length) return null;
  return {
    checkInId: reminder.id,
    patientId: reminder.patientId,
    studyId: reminder.studyId,
    arm: reminder.phase === 'maintenance' ? patient.arm : null,
    phase: reminder.phase,
    localDate: reminder.localDate,
    localTime: reminder.localTime,
    dueAt: reminder.dueAt,
    windowEnd: reminder.answerWindowEnd ?? reminder.expiresAt,
    drugs: reminder.doses.map((d) => d.drug),
    status: reminder.outcome ?? 'pending',
    ...(reminder.missedDrugs ? { missedDrugs: reminder.missedDrugs } : {}),
    ...(reminder.answeredAt ? { answeredAt: reminder.answeredAt } : {}),
  };
}

/** Every reminder of a patient from the day before enrollment up to `to`. */
export async function remindersSinceEnrollment(deps: Pick<CoordinatorDeps, 'reminders'>, patient: Patient, to: string): Promise<StoredReminder[]> {
  const from = plusDays(localToUtc(patient.enrolledOn, '00:00', patient.timeZone), -1);
  return deps.reminders.listForPatient(patient.id, from, to);
}

export interface PatientDetail {
  patient: Patient;
  upcomingReminders: Pick<StoredReminder, 'id' | 'kind' | 'dueAt' | 'localDate' | 'localTime' | 'slot' | 'doses' | 'visitKey' | 'visitDate' | 'state'>[];
  adherence: { sinceEnrollment: AdherenceSummary; last28Days: AdherenceSummary };
  visits: { key: string; date: string; scheduled: boolean; record: VisitRecord | null }[];
  openReports: Report[];
  openAlerts: Alert[];
}

/** The patient page: profile, status, arm, the next 14 days of reminders, adherence, visits, open reports and alerts. */
export async function patientDetail(deps: CoordinatorDeps, id: string, now: string): Promise<PatientDetail> {
  const patient = await getPatientOrThrow(deps, id);
  const [past, upcoming, records, reports, openAlerts] = await Promise.all([
    remindersSinceEnrollment(deps, patient, now),
    deps.reminders.listForPatient(id, now, plusDays(now, 14)),
    deps.visits.listForPatient(id),
    deps.reports.listForPatient(id),
    allOpenAlerts(deps),
  ]);
  const outcomes = past.map((r) => doseOutcomeOf(r, patient)).filter((o): o is DoseOutcome => o !== null);
  const byKey = new Map(records.map((r) => [r.visitKey, r]));
  return {
    patient,
    upcomingReminders: upcoming
      .filter((r) => r.state === 'due')
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        dueAt: r.dueAt,
        localDate: r.localDate,
        localTime: r.localTime,
        state: r.state,
        ...(r.slot ? { slot: r.slot } : {}),
        ...(r.doses ? { doses: r.doses } : {}),
        ...(r.visitKey ? { visitKey: r.visitKey } : {}),
        ...(r.visitDate ? { visitDate: r.visitDate } : {}),
      })),
    adherence: {
      sinceEnrollment: computeAdherence(outcomes, { from: '0000-01-01T00:00:00.000Z', to: now }),
      last28Days: computeAdherence(outcomes, { from: plusDays(now, -28), to: now }),
    },
    visits: visitDates(deps.protocol, patient)
      .map((v) => ({ key: v.key, date: byKey.get(v.key)?.date ?? v.date, scheduled: v.scheduled, record: byKey.get(v.key) ?? null }))
      .sort((a, b) => a.date.localeCompare(b.date)),
    openReports: reports.filter((r) => r.status === 'open'),
    openAlerts: openAlerts.filter((a) => a.patientId === id),
  };
}

/** Open alerts are few (they are acknowledged within hours): read them all through the status index. */
export async function allOpenAlerts(deps: Pick<CoordinatorDeps, 'alerts'>): Promise<Alert[]> {
  const all: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.alerts.listByStatus('open', cursor, 100);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
