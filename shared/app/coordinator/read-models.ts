import { computeAdherence, dailyAdherenceSeries, type AdherenceCounts, type AdherenceSummary, type DoseOutcome } from '#domain/adherence.ts';
import type { Patient } from '#domain/patient.ts';
import { localToUtc, visitDates } from '#domain/schedule.ts';
import type { Alert } from '#ports/alerts.ts';
import type { InboundOrigination, OutboundMessage } from '#ports/messages.ts';
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

/** One local day of the adherence chart (patient time zone). `pending` = due − the three answers. */
export type AdherencePoint = { localDate: string } & AdherenceCounts;

/** How many days back the patient page's adherence series reaches. */
export const ADHERENCE_SERIES_DAYS = 90;

export interface PatientDetail {
  patient: Patient;
  upcomingReminders: Pick<StoredReminder, 'id' | 'kind' | 'dueAt' | 'localDate' | 'localTime' | 'slot' | 'doses' | 'visitKey' | 'visitDate' | 'state'>[];
  adherence: { sinceEnrollment: AdherenceSummary; last14Days: AdherenceSummary; last28Days: AdherenceSummary; last90Days: AdherenceSummary };
  /**
   * Daily points (patient time zone) over the sent dose check-ins due in the last 90 days, from
   * the first to the last day with a dose; days between without one have due 0 and rate null.
   */
  adherenceSeries: AdherencePoint[];
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
      last14Days: computeAdherence(outcomes, { from: plusDays(now, -14), to: now }),
      last28Days: computeAdherence(outcomes, { from: plusDays(now, -28), to: now }),
      last90Days: computeAdherence(outcomes, { from: plusDays(now, -ADHERENCE_SERIES_DAYS), to: now }),
    },
    adherenceSeries: adherenceSeriesOf(outcomes, patient.timeZone, now),
    visits: visitDates(deps.protocol, patient)
      .map((v) => ({ key: v.key, date: byKey.get(v.key)?.date ?? v.date, scheduled: v.scheduled, record: byKey.get(v.key) ?? null }))
      .sort((a, b) => a.date.localeCompare(b.date)),
    openReports: reports.filter((r) => r.status === 'open'),
    openAlerts: openAlerts.filter((a) => a.patientId === id),
  };
}

/**
 * `last90Days` split by local day: the sent dose check-ins due in [now − 90 days, now), one point
 * per local date of `dueAt` in `timeZone` (so the points add up to `adherence.last90Days`).
 */
export function adherenceSeriesOf(outcomes: readonly DoseOutcome[], timeZone: string, now: string): AdherencePoint[] {
  const from = Date.parse(plusDays(now, -ADHERENCE_SERIES_DAYS));
  const to = Date.parse(now);
  const recent = outcomes.filter((o) => {
    const due = Date.parse(o.dueAt);
    return due >= from && due < to;
  });
  return dailyAdherenceSeries(recent, timeZone).map(({ date, ...counts }) => ({ localDate: date, ...counts }));
}

/** One SMS of a patient's thread, as the coordinator sees it: no phone numbers. */
export interface ThreadMessage {
  id: string;
  direction: 'in' | 'out';
  /** Received (in) or sent (out), ISO UTC. */
  at: string;
  body: string;
  /** Billed SMS parts (out). */
  parts?: number;
  /** reminder, reply or conversation (out). */
  purpose?: OutboundMessage['purpose'];
  /** How the system read the reply (in, once processed). */
  interpretation?: Record<string, unknown>;
  /**
   * What the provider said about where the text came from (in): a spoofed sender cannot be stopped
   * by SMS, so the coordinator judges by these. No phone number: the sender is the patient's own.
   */
  provider?: {
    messageKeyword?: string;
    /** The outbound message it answers, as the provider linked it (a spoofer cannot know it). */
    previousPublishedMessageId?: string;
    snsMessageId?: string;
    snsTimestamp?: string;
    extra?: Record<string, string | number | boolean>;
  };
  /** Replies decided but not sent, and why (in). */
  withheldReplies?: { purpose: string; reason: string }[];
  /** Processing attempts, when more than one was needed (in). */
  attempts?: number;
}

export const DEFAULT_THREAD_LIMIT = 100;

/** A patient's SMS, both directions, newest first, at most `limit` (a query on the patient's message index). */
export async function patientMessages(deps: Pick<CoordinatorDeps, 'patients' | 'messages'>, id: string, limit: number = DEFAULT_THREAD_LIMIT): Promise<{ items: ThreadMessage[] }> {
  await getPatientOrThrow(deps, id);
  const messages = await deps.messages.listForPatient(id, limit);
  return {
    items: messages.map((m): ThreadMessage =>
      m.direction === 'in'
        ? {
            id: m.inboundMessageId,
            direction: 'in',
            at: m.receivedAt,
            body: m.body,
            ...(m.interpretation ? { interpretation: m.interpretation } : {}),
            ...(m.origination ? { provider: providerOf(m.origination) } : {}),
            ...(m.withheldReplies?.length ? { withheldReplies: m.withheldReplies } : {}),
            ...((m.attempts ?? 0) > 1 ? { attempts: m.attempts } : {}),
          }
        : { id: m.id, direction: 'out', at: m.sentAt, body: m.body, parts: m.parts, purpose: m.purpose },
    ),
  };
}

function providerOf(o: InboundOrigination): NonNullable<ThreadMessage['provider']> {
  // Provider fields that hold a phone number (ours or the sender's) stay out of the thread.
  const extra = Object.fromEntries(Object.entries(o.extra ?? {}).filter(([, v]) => typeof v !== 'string' || !/\+?\d[\d\s-]{6,}\d/.test(v)));
  return {
    ...(o.messageKeyword ? { messageKeyword: o.messageKeyword } : {}),
    ...(o.previousPublishedMessageId ? { previousPublishedMessageId: o.previousPublishedMessageId } : {}),
    ...(o.snsMessageId ? { snsMessageId: o.snsMessageId } : {}),
    ...(o.snsTimestamp ? { snsTimestamp: o.snsTimestamp } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
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
