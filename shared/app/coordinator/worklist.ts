import { computeAdherence, type DoseOutcome } from '#domain/adherence.ts';
import type { AlertKind } from '#domain/alert-kinds.ts';
import { localDateOf } from '#domain/working-time.ts';
import { workingDaysBetween } from '#domain/working-time.ts';
import type { Alert } from '#ports/alerts.ts';
import { openWorklistItems } from '../daily-summary.ts';
import { toDoseOutcome } from '../sweep-adherence.ts';
import type { CoordinatorDeps } from './deps.ts';

/** One problem filed in a row (the item's own, then the episodes grouped under it). */
export interface WorklistEvent {
  alertId: string;
  kind: AlertKind;
  title: string;
  at: string;
  resolvedReason?: string;
}

/** One row of the Today view: one urgent alert, or one patient's routine worklist item. */
export interface WorklistRow {
  id: string;
  urgent: boolean;
  kind: AlertKind;
  kinds: AlertKind[];
  studyId: string | null;
  patientId: string | null;
  /** Since when (the first problem). */
  since: string;
  /** The latest problem. */
  latestAt: string;
  events: WorklistEvent[];
  workingDaysOpen: number;
  overdue: boolean;
  escalationCount: number;
  snoozedUntil?: string;
  /** Doses confirmed, reported missed and unanswered over the last 14 days (kept apart). */
  adherence14d: { due: number; confirmed: number; reportedMissed: number; unanswered: number; pending: number; rate: number | null } | null;
  lastReplyAt: string | null;
}

const event = (a: Alert): WorklistEvent => ({ alertId: a.id, kind: a.kind, title: a.title, at: a.createdAt, ...(a.resolvedReason ? { resolvedReason: a.resolvedReason } : {}) });

/**
 * The Today view: urgent alerts first (oldest first), then one row per patient's routine item
 * by age, each with what happened (its problems) and since when, the patient's recent adherence
 * and last reply. Snoozed items are left out unless asked for (they return on their date).
 * Reads: the open and grouped status lists, then per row one patient query and one message query.
 */
export async function buildWorklist(deps: Pick<CoordinatorDeps, 'alerts' | 'reminders' | 'messages' | 'patients' | 'protocol'>, now: string, options: { includeSnoozed?: boolean } = {}): Promise<WorklistRow[]> {
  const zone = deps.protocol.studyTimeZone;
  const today = localDateOf(now, zone);
  const { weekdays } = deps.protocol.alerts.workingHours;
  const { calendar } = deps.protocol.alerts;
  const items = (await openWorklistItems(deps.alerts)).filter(({ item }) => options.includeSnoozed || !item.snoozedUntil || item.snoozedUntil <= today);
  const rows = await Promise.all(
    items.map(async ({ item, members }): Promise<WorklistRow> => {
      const all = [item, ...members];
      const workingDaysOpen = workingDaysBetween(localDateOf(item.createdAt, zone), today, weekdays, calendar);
      const context = item.patientId ? await patientContext(deps, item.patientId, now) : { adherence14d: null, lastReplyAt: null };
      return {
        id: item.id,
        urgent: item.urgent,
        kind: item.kind,
        kinds: [...new Set(all.map((a) => a.kind))],
        studyId: item.studyId,
        patientId: item.patientId,
        since: item.createdAt,
        latestAt: all.map((a) => a.createdAt).sort().at(-1)!,
        events: all.map(event),
        workingDaysOpen,
        overdue: !item.urgent && workingDaysOpen >= deps.protocol.alerts.worklist.overdueAfterWorkingDays,
        escalationCount: item.escalationCount,
        ...(item.snoozedUntil ? { snoozedUntil: item.snoozedUntil } : {}),
        ...context,
      };
    }),
  );
  return rows.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.since.localeCompare(b.since) || a.id.localeCompare(b.id));
}

async function patientContext(deps: Pick<CoordinatorDeps, 'reminders' | 'messages' | 'patients'>, patientId: string, now: string): Promise<Pick<WorklistRow, 'adherence14d' | 'lastReplyAt'>> {
  const from = new Date(Date.parse(now) - 14 * 86_400_000).toISOString();
  const [patient, reminders, messages] = await Promise.all([deps.patients.get(patientId), deps.reminders.listForPatient(patientId, from, now), deps.messages.listForPatient(patientId, 50)]);
  const outcomes = reminders.map((r) => toDoseOutcome(r, patient?.arm ?? null)).filter((o): o is DoseOutcome => o !== null);
  const a = computeAdherence(outcomes, { from, to: now });
  const lastIn = messages.find((m) => m.direction === 'in');
  return {
    adherence14d: { due: a.due, confirmed: a.confirmed, reportedMissed: a.reportedMissed, unanswered: a.unanswered, pending: a.pending, rate: a.rate },
    lastReplyAt: lastIn && lastIn.direction === 'in' ? lastIn.receivedAt : null,
  };
}
