/**
 * Dose outcomes and adherence: doses confirmed ÷ doses whose answer is known.
 *
 * One DoseOutcome per dose check-in (one SMS asking about one or more drugs due together).
 * Pending check-ins (window still open) are left out of the rate's denominator: they are
 * neither adherence nor non-adherence yet. Unanswered check-ins count against adherence:
 * silence is itself a signal, and counting it as "unknown" would reward not replying.
 */
import { formatPlainDate, isValidTimeZone, parseInstant, parsePlainDate, utcToZoned } from './zoned-time.ts';
import * as z from './zod.ts';

export const DOSE_STATUSES = ['pending', 'taken', 'missed_reported', 'missed_no_reply'] as const;
export type DoseStatus = (typeof DOSE_STATUSES)[number];

/** Drug identifiers as the protocol names them; any protocol drug id is accepted. */
export type DrugId = 'prednisone' | 'mmf' | 'lef' | (string & {});
import type { Arm } from './protocol.ts';
export type { Arm };
/** An arm, or the patients not yet randomized (induction). */
export type ArmKey = Arm | 'unrandomized';
export const ARM_KEYS: readonly ArmKey[] = ['MMF', 'LEF', 'unrandomized'];

const isoUtc = z.iso.datetime({ offset: true });
const nonEmpty = z.string().check(z.minLength(1));
export const doseOutcomeSchema = z.object({
  checkInId: nonEmpty,
  patientId: nonEmpty,
  studyId: nonEmpty,
  arm: z.nullable(z.enum(['MMF', 'LEF'])),
  phase: z.enum(['induction', 'maintenance']),
  localDate: z.iso.date(),
  localTime: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm')),
  dueAt: isoUtc,
  windowEnd: isoUtc,
  drugs: z.array(nonEmpty).check(z.minLength(1)),
  status: z.enum(DOSE_STATUSES),
  missedDrugs: z.optional(z.array(nonEmpty)),
  answeredAt: z.optional(isoUtc),
});

export interface DoseOutcome {
  checkInId: string;
  patientId: string;
  studyId: string;
  /** The arm at the time of the dose; null before randomization. */
  arm: Arm | null;
  phase: 'induction' | 'maintenance';
  /** The patient's local date and time the dose was scheduled for (not when it was answered). */
  localDate: string;
  localTime: string;
  /** ISO 8601 UTC instants. */
  dueAt: string;
  windowEnd: string;
  drugs: DrugId[];
  status: DoseStatus;
  /** For missed_reported: the drugs the patient said were missed; absent = all of `drugs`. */
  missedDrugs?: DrugId[];
  /** When the answer that set the current status was received (the latest answer). */
  answeredAt?: string;
}

export interface AdherenceCounts {
  due: number;
  confirmed: number;
  reportedMissed: number;
  unanswered: number;
  pending: number;
  /** confirmed ÷ (due − pending); null when nothing is known yet. */
  rate: number | null;
}

export interface AdherenceSummary extends AdherenceCounts {
  /** Per drug, counted per drug-dose: a check-in where the patient took prednisone but missed MMF is confirmed for prednisone and missed for MMF. */
  byDrug: Record<string, AdherenceCounts>;
}

/** Half-open interval [from, to) of ISO UTC instants, matched against `dueAt`. */
export interface UtcWindow {
  from: string;
  to: string;
}

function emptyCounts(): AdherenceCounts {
  return { due: 0, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 0, rate: null };
}

function withRate(c: AdherenceCounts): AdherenceCounts {
  const known = c.due - c.pending;
  return { ...c, rate: known === 0 ? null : c.confirmed / known };
}

const toMillis = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${iso}`);
  return ms;
};

/** The status of one drug within a check-in. */
export function drugStatus(outcome: DoseOutcome, drug: DrugId): DoseStatus {
  if (outcome.status !== 'missed_reported') return outcome.status;
  const missed = outcome.missedDrugs ?? outcome.drugs;
  return missed.includes(drug) ? 'missed_reported' : 'taken';
}

function tally(counts: AdherenceCounts, status: DoseStatus): void {
  counts.due += 1;
  if (status === 'taken') counts.confirmed += 1;
  else if (status === 'missed_reported') counts.reportedMissed += 1;
  else if (status === 'missed_no_reply') counts.unanswered += 1;
  else counts.pending += 1;
}

function inWindow(outcome: DoseOutcome, window: UtcWindow): boolean {
  const due = toMillis(outcome.dueAt);
  return due >= toMillis(window.from) && due < toMillis(window.to);
}

/** Adherence over the check-ins due in [from, to). A check-in counts once, whatever its drugs. */
export function computeAdherence(outcomes: readonly DoseOutcome[], window: UtcWindow): AdherenceSummary {
  const total = emptyCounts();
  const byDrug: Record<string, AdherenceCounts> = {};
  for (const outcome of outcomes) {
    if (!inWindow(outcome, window)) continue;
    tally(total, outcome.status);
    for (const drug of new Set(outcome.drugs)) {
      tally((byDrug[drug] ??= emptyCounts()), drugStatus(outcome, drug));
    }
  }
  for (const drug of Object.keys(byDrug)) byDrug[drug] = withRate(byDrug[drug]!);
  return { ...withRate(total), byDrug };
}

export const armKeyOf = (arm: Arm | null): ArmKey => arm ?? 'unrandomized';

/** Adherence per arm (by the arm at the time of each dose) and overall. */
export function adherenceByArm(
  outcomes: readonly DoseOutcome[],
  window: UtcWindow,
): Record<ArmKey | 'overall', AdherenceSummary> {
  const groups: Record<ArmKey, DoseOutcome[]> = { MMF: [], LEF: [], unrandomized: [] };
  for (const outcome of outcomes) groups[armKeyOf(outcome.arm)].push(outcome);
  return {
    MMF: computeAdherence(groups.MMF, window),
    LEF: computeAdherence(groups.LEF, window),
    unrandomized: computeAdherence(groups.unrandomized, window),
    overall: computeAdherence(outcomes, window),
  };
}

export interface DailyAdherencePoint extends AdherenceCounts {
  /** Local date (YYYY-MM-DD) in the series' time zone. */
  date: string;
}

/**
 * One point per local day (in `timeZone`, by `dueAt`) from the first to the last day with a
 * due dose, days without doses included (due 0, rate null) so a chart's x axis is even.
 */
export function dailyAdherenceSeries(outcomes: readonly DoseOutcome[], timeZone: string): DailyAdherencePoint[] {
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`unknown time zone: ${timeZone}`);
  }
  const byDate = new Map<string, AdherenceCounts>();
  for (const outcome of outcomes) {
    const dueAt = parseInstant(outcome.dueAt, timeZone);
    if (dueAt === null) throw new RangeError(`not an ISO instant: ${outcome.dueAt}`);
    const date = utcToZoned(dueAt, timeZone).date;
    let counts = byDate.get(date);
    if (counts === undefined) byDate.set(date, (counts = emptyCounts()));
    tally(counts, outcome.status);
  }
  const dates = [...byDate.keys()].sort();
  if (dates.length === 0) return [];
  const series: DailyAdherencePoint[] = [];
  const last = parsePlainDate(dates.at(-1)!)!;
  for (let day = parsePlainDate(dates[0]!)!; day <= last; day++) {
    const date = formatPlainDate(day);
    series.push({ date, ...withRate(byDate.get(date) ?? emptyCounts()) });
  }
  return series;
}

/** What can happen to a dose check-in. `at` is when the reply arrived / the sweep ran (ISO UTC). */
export type DoseEvent =
  | { kind: 'reply'; answer: 'taken'; at: string }
  | { kind: 'reply'; answer: 'missed'; missedDrugs?: DrugId[]; at: string }
  | { kind: 'no_reply_sweep'; at: string };

export type DoseResolutionReason =
  | 'answered'
  | 'late_taken_after_no_reply'
  | 'late_missed_after_no_reply'
  | 'answer_revised'
  | 'same_answer_repeated'
  | 'older_answer_ignored'
  | 'window_closed_without_reply'
  | 'window_still_open'
  | 'already_answered';

export interface DoseResolution {
  outcome: DoseOutcome;
  changed: boolean;
  previousStatus: DoseStatus;
  /** Why the status did or did not change; record it in the audit trail when `changed`. */
  reason: DoseResolutionReason;
}

/**
 * Applies a reply or a sweep to a check-in.
 * - The sweep turns a pending check-in into missed_no_reply only once its window has closed,
 *   and never overrides an answer.
 * - Any reply after missed_no_reply wins: a late "taken" makes the dose taken (the patient did
 *   take it; the missed-dose rules then resolve the episode), a late "missed" makes it reported.
 * - Between answers, the latest answer (by arrival time) wins; an answer older than the one
 *   recorded (SMS are not delivered in order) is ignored. So a reported miss stays reported
 *   unless a later "taken" arrives for the same check-in.
 */
export function resolveDoseStatus(current: DoseOutcome, event: DoseEvent): DoseResolution {
  const previousStatus = current.status;
  const unchanged = (reason: DoseResolutionReason): DoseResolution => ({ outcome: current, changed: false, previousStatus, reason });

  if (event.kind === 'no_reply_sweep') {
    if (current.status !== 'pending') return unchanged('already_answered');
    if (toMillis(event.at) < toMillis(current.windowEnd)) return unchanged('window_still_open');
    return { outcome: { ...current, status: 'missed_no_reply' }, changed: true, previousStatus, reason: 'window_closed_without_reply' };
  }

  const answered = current.status === 'taken' || current.status === 'missed_reported';
  if (answered && current.answeredAt !== undefined && toMillis(event.at) < toMillis(current.answeredAt)) {
    return unchanged('older_answer_ignored');
  }

  const next: DoseOutcome = { ...current, answeredAt: event.at };
  delete next.missedDrugs;
  if (event.answer === 'taken') {
    next.status = 'taken';
  } else {
    next.status = 'missed_reported';
    const missed = event.missedDrugs?.filter((d) => current.drugs.includes(d));
    if (missed !== undefined && missed.length > 0 && missed.length < current.drugs.length) next.missedDrugs = missed;
  }

  if (answered) {
    const sameAnswer = next.status === current.status && sameDrugs(next.missedDrugs, current.missedDrugs);
    if (sameAnswer) return unchanged('same_answer_repeated');
    return { outcome: next, changed: true, previousStatus, reason: 'answer_revised' };
  }
  const reason: DoseResolutionReason =
    current.status === 'missed_no_reply'
      ? event.answer === 'taken'
        ? 'late_taken_after_no_reply'
        : 'late_missed_after_no_reply'
      : 'answered';
  return { outcome: next, changed: true, previousStatus, reason };
}

function sameDrugs(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
