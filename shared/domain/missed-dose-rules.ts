/**
 * Adherence rules: when REPORTED missed doses, or sustained SILENCE, deserve a coordinator's
 * attention. The two are kept apart (issue 12): a missed-dose episode needs misses the patient
 * reported ("I missed it"); an unanswered check-in is not a missed dose but silence, and silence
 * becomes its own item (no_reply, low_response) only when it is sustained.
 *
 * One alert per EPISODE, not per dose. An episode starts when a rule's condition becomes true
 * and lasts while it holds; re-evaluating on every sweep raises nothing new for an episode
 * already open (matched by rule and drug, not by key, so a window that slides past the first
 * miss cannot start a duplicate). When the condition stops holding — a dose of that drug is
 * taken, a late "taken" reply revises a miss, misses age out of the window — the open
 * episode's key is returned in `resolve`. A later run of misses is a new episode with a new key.
 *
 * Days are the patient's local calendar days (`localDate` of each dose, the day it was
 * scheduled for, even when its reply window runs past midnight), so DST changes nothing.
 */
import { formatInstant, formatPlainDate, isValidTimeZone, parsePlainDate, utcToZoned, wallClockToUtc } from './zoned-time.ts';
import * as z from './zod.ts';
import type { AlertKind } from './alert-kinds.ts';
import { computeAdherence, drugStatus, type AdherenceSummary, type DoseOutcome, type DoseStatus, type DrugId } from './adherence.ts';

const atLeastOne = z.number().check(z.int(), z.minimum(1));

/** Protocol-configured thresholds; `null` switches a rule off. */
export const missedDoseRulesSchema = z.object({
  /** A missed-dose episode when this many REPORTED misses of the same drug follow each other (unanswered check-ins in between are unknown: skipped). */
  consecutiveSameDrug: z.nullable(atLeastOne),
  /** A missed-dose episode when `count` check-ins with a REPORTED miss fall within the last `days` local days (today included). */
  missedInDays: z.nullable(z.object({ count: atLeastOne, days: atLeastOne })),
  /** Switches the steroid-withdrawal rule on: REPORTED missed prednisone doses in a row on days the taper is active (abrupt stops are dangerous). */
  anyPrednisoneDuringTaper: z.boolean(),
  /** How many reported missed prednisone doses in a row, during the taper, make a steroid-withdrawal episode (default 2: a stop, not one slip). */
  taperConsecutiveMisses: z.optional(atLeastOne),
  /** Silence: a no-reply episode when the patient has not answered any check-in on this many days with doses due. */
  noReplyDays: z.nullable(atLeastOne),
  /** Silence: a low-response episode when under `share` of the known check-ins of the last `days` local days were answered (at least `minCheckIns` known). */
  lowResponse: z.nullable(
    z
      .object({
        share: z.number().check(z.gt(0), z.maximum(1)),
        days: atLeastOne,
        minCheckIns: atLeastOne,
        /** Hysteresis: an open low-response episode ends only once at least this share is answered again (≥ share; default share: no hysteresis). */
        resolveShare: z.optional(z.number().check(z.gt(0), z.maximum(1))),
      })
      .check(z.refine((r) => r.resolveShare === undefined || r.resolveShare >= r.share, { message: 'lowResponse.resolveShare must be at least lowResponse.share' })),
  ),
});
export type MissedDoseRules = z.infer<typeof missedDoseRulesSchema>;

export const DEFAULT_MISSED_DOSE_RULES: MissedDoseRules = {
  consecutiveSameDrug: 2,
  missedInDays: { count: 3, days: 7 },
  anyPrednisoneDuringTaper: true,
  taperConsecutiveMisses: 2,
  noReplyDays: 3,
  lowResponse: { share: 0.5, days: 14, minCheckIns: 8, resolveShare: 0.7 },
};

/** The rules of a protocol file (its missedDoseRules and silenceRules sections). */
export function adherenceRulesOf(protocol: {
  missedDoseRules: { consecutiveSameDrug: number; missedInDays: { count: number; days: number }; anyPrednisoneDuringTaper: boolean; taperConsecutiveMisses?: number | undefined };
  silenceRules: { noReplyDays: number; lowResponse: { share: number; days: number; minCheckIns: number; resolveShare?: number | undefined } };
}): MissedDoseRules {
  return { ...protocol.missedDoseRules, noReplyDays: protocol.silenceRules.noReplyDays, lowResponse: protocol.silenceRules.lowResponse };
}

export const MISSED_DOSE_RULE_IDS = ['consecutive_same_drug', 'missed_in_days', 'prednisone_during_taper', 'no_reply_days', 'low_response'] as const;
export type MissedDoseRuleId = (typeof MISSED_DOSE_RULE_IDS)[number];

/** The alert kind each rule raises: reported misses, steroid withdrawal, and the two kinds of silence. */
export const RULE_KIND = {
  consecutive_same_drug: 'missed_dose',
  missed_in_days: 'missed_dose',
  prednisone_during_taper: 'steroid_withdrawal',
  no_reply_days: 'no_reply',
  low_response: 'low_response',
} as const satisfies Record<MissedDoseRuleId, AlertKind>;
export const ADHERENCE_ALERT_KINDS = [...new Set(Object.values(RULE_KIND))];

export interface OpenMissedDoseEpisode {
  rule: string;
  drug: string | null;
  episodeKey: string;
}

export interface MissedDoseContext {
  /** The evaluation instant (ISO UTC); doses due after it are ignored. */
  now: string;
  /** The patient's IANA time zone: "today" and "the last N days" are local calendar days. */
  timeZone: string;
  /** Whether the prednisone taper is active on this local date (YYYY-MM-DD). */
  taperActive: (localDate: string) => boolean;
  /** This patient's episodes not yet resolved (acknowledged alerts included: an acknowledged episode still lasts). */
  openEpisodes: readonly OpenMissedDoseEpisode[];
}

export interface MissedDose {
  checkInId: string;
  localDate: string;
  localTime: string;
  status: Extract<DoseStatus, 'missed_reported' | 'missed_no_reply'>;
}

export interface MissedDoseEpisode {
  /**
   * `${patientId}:${rule}:${drug ?? 'any'}:${localDate}T${localTime}` of the anchor dose: the first
   * miss of the run (consecutive, taper, no-reply rules) or the latest miss (missed_in_days, so an
   * episode after a resolved one gets a new key). Local time is included because two runs can
   * start on the same local date. A key recurs only when a revised answer revives the same misses:
   * reopen the stored episode then, rather than alerting again.
   */
  episodeKey: string;
  patientId: string;
  studyId: string;
  rule: MissedDoseRuleId;
  /** The alert kind the rule raises (RULE_KIND). */
  kind: (typeof RULE_KIND)[MissedDoseRuleId];
  /** The drug concerned; null for rules about check-ins as a whole. */
  drug: DrugId | null;
  firstMissedLocalDate: string;
  /** Local dates of the missed doses (or silent days), ascending, without repeats. */
  missedLocalDates: string[];
  missedDoses: MissedDose[];
  /** Adherence over the last 14 local days (today included) up to `now`. */
  adherence14d: AdherenceSummary;
  detectedAt: string;
}

export interface MissedDoseEvaluation {
  raise: MissedDoseEpisode[];
  /** episodeKeys of open episodes whose condition no longer holds. */
  resolve: string[];
}

/** A rule's condition as it holds now. */
interface Finding {
  rule: MissedDoseRuleId;
  drug: DrugId | null;
  missed: DoseOutcome[];
  /** The dose that names the episode. */
  anchor: DoseOutcome;
}

/** The two silence rules. */
const SILENCE_RULES: readonly string[] = ['no_reply_days', 'low_response'];

/**
 * Whether a silent run starting on `runStart` is a new run after the open episode `episodeKey`: the
 * patient answered a check-in on a day after that episode's first silent day and before this run,
 * and the run starts at least `noReplyDays` days after it. The run's start alone is not enough: the
 * history the rules see is a sliding window, so the start of one long silence moves every day. A
 * late answer that only trims the start of the same run does not make a new one either.
 */
function isLaterRun(episodeKey: string, runStart: string, sorted: readonly DoseOutcome[], noReplyDays: number): boolean {
  const anchor = /(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}$/.exec(episodeKey)?.[1];
  if (anchor === undefined) return false;
  const answeredBetween = sorted.some((o) => o.localDate > anchor && o.localDate < runStart && isAnswered(o.status));
  return answeredBetween && daysFrom(anchor, runStart) >= noReplyDays;
}

/** Days from one plain date to another (NaN when either is not a date). */
function daysFrom(from: string, to: string): number {
  const a = parsePlainDate(from);
  const b = parsePlainDate(to);
  return a !== null && b !== null ? b - a : Number.NaN;
}

/** A miss the patient reported: the only kind the missed-dose rules count. */
const isReportedMiss = (s: DoseStatus): s is 'missed_reported' => s === 'missed_reported';
const isAnswered = (s: DoseStatus) => s === 'taken' || s === 'missed_reported';

function byDueAt(a: DoseOutcome, b: DoseOutcome): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.checkInId.localeCompare(b.checkInId);
}

/**
 * The trailing run of REPORTED misses of `drug`, oldest first. Pending and unanswered check-ins
 * are unknown, not misses: skipped (they neither extend nor break the run); a taken dose ends it.
 */
function trailingMissRun(sorted: readonly DoseOutcome[], drug: DrugId): DoseOutcome[] {
  const run: DoseOutcome[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const outcome = sorted[i]!;
    if (!outcome.drugs.includes(drug)) continue;
    const status = drugStatus(outcome, drug);
    if (status === 'pending' || status === 'missed_no_reply') continue;
    if (!isReportedMiss(status)) break;
    run.unshift(outcome);
  }
  return run;
}

function consecutiveSameDrug(sorted: readonly DoseOutcome[], threshold: number): Finding[] {
  const drugs = [...new Set(sorted.flatMap((o) => o.drugs))].sort();
  const findings: Finding[] = [];
  for (const drug of drugs) {
    const run = trailingMissRun(sorted, drug);
    if (run.length >= threshold) findings.push({ rule: 'consecutive_same_drug', drug, missed: run, anchor: run[0]! });
  }
  return findings;
}

/** A stop, not a slip: at least `minRun` reported prednisone misses in a row on taper days. */
function prednisoneDuringTaper(sorted: readonly DoseOutcome[], taperActive: (localDate: string) => boolean, minRun: number): Finding[] {
  const missed = trailingMissRun(sorted, 'prednisone').filter((o) => taperActive(o.localDate));
  return missed.length < minRun || missed.length === 0 ? [] : [{ rule: 'prednisone_during_taper', drug: 'prednisone', missed, anchor: missed[0]! }];
}

function missedInDays(sorted: readonly DoseOutcome[], count: number, days: number, today: number): Finding[] {
  const firstDay = formatPlainDate(today - Math.floor(days - 1));
  const missed = sorted.filter((o) => o.localDate >= firstDay && isReportedMiss(o.status));
  // Anchored on the latest miss: the one that (re)made the condition true, so a later episode gets a new key.
  return missed.length >= count ? [{ rule: 'missed_in_days', drug: null, missed, anchor: missed.at(-1)! }] : [];
}

function noReplyDays(sorted: readonly DoseOutcome[], threshold: number): Finding[] {
  const days = new Map<string, DoseOutcome[]>();
  for (const o of sorted) days.set(o.localDate, [...(days.get(o.localDate) ?? []), o]);
  const silent: DoseOutcome[] = [];
  for (const date of [...days.keys()].sort().reverse()) {
    const doses = days.get(date)!;
    if (doses.some((o) => o.status === 'taken' || o.status === 'missed_reported')) break;
    // A day counts once a check-in of it has gone unanswered; days with only pending check-ins are not known yet.
    const unanswered = doses.filter((o) => o.status === 'missed_no_reply');
    if (unanswered.length > 0) silent.unshift(...unanswered);
  }
  const silentDays = new Set(silent.map((o) => o.localDate)).size;
  return silentDays >= threshold ? [{ rule: 'no_reply_days', drug: null, missed: silent, anchor: silent[0]! }] : [];
}

/** The known (not pending) check-ins of the last `days` local days, and how they were answered. */
function responseOver(sorted: readonly DoseOutcome[], days: number, today: number) {
  const firstDay = formatPlainDate(today - Math.floor(days - 1));
  const known = sorted.filter((o) => o.localDate >= firstDay && o.status !== 'pending');
  return { known, answered: known.filter((o) => isAnswered(o.status)).length, unanswered: known.filter((o) => o.status === 'missed_no_reply') };
}

type Response = ReturnType<typeof responseOver>;

/** Back to answering: at least `resolveShare` (default `share`) of at least `minCheckIns` known check-ins answered. */
function recovered({ known, answered }: Response, rule: NonNullable<MissedDoseRules['lowResponse']>): boolean {
  return known.length >= rule.minCheckIns && answered / known.length >= (rule.resolveShare ?? rule.share);
}

/**
 * Sustained low response: under `share` of the known check-ins of the last `days` local days
 * answered. With hysteresis: an episode already open lasts until `resolveShare` is answered again
 * (with at least `minCheckIns` known), so a patient hovering around the threshold is one episode,
 * not a new one every time a good day tips the share over it.
 */
function lowResponse(response: Response, rule: NonNullable<MissedDoseRules['lowResponse']>, open: boolean): Finding[] {
  const { known, answered, unanswered } = response;
  if (open) {
    // Too few check-ins known to judge (a paused schedule, the end of follow-up) is not a recovery either, but with nothing unanswered left there is nothing to hold.
    const anchor = unanswered.at(-1);
    return recovered(response, rule) || anchor === undefined ? [] : [{ rule: 'low_response', drug: null, missed: unanswered, anchor }];
  }
  if (known.length < rule.minCheckIns) return [];
  // No answer at all is total silence: the no-reply rule's business (after its N days), not this one's.
  if (answered === 0 || answered / known.length >= rule.share) return [];
  // Anchored on the latest unanswered check-in, like missed_in_days: a later episode gets a new key.
  return [{ rule: 'low_response', drug: null, missed: unanswered, anchor: unanswered.at(-1)! }];
}

/**
 * Evaluates the rules for ONE patient's recent dose outcomes (any order). Pass at least the
 * last 14 days so episodes and the adherence figure see enough history.
 */
export function evaluateMissedDoseRules(
  outcomes: readonly DoseOutcome[],
  rules: MissedDoseRules,
  context: MissedDoseContext,
): MissedDoseEvaluation {
  const nowMs = Date.parse(context.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`not an ISO instant: ${context.now}`);
  if (!isValidTimeZone(context.timeZone)) throw new RangeError(`unknown time zone: ${context.timeZone}`);
  const patientIds = new Set(outcomes.map((o) => o.patientId));
  if (patientIds.size > 1) throw new RangeError('evaluateMissedDoseRules takes one patient at a time');

  const sorted = outcomes.filter((o) => Date.parse(o.dueAt) <= nowMs).sort(byDueAt);
  /** Today's local date in the zone, as an epoch day. */
  const today = utcToZoned(nowMs, context.timeZone).epochDay;

  const findings: Finding[] = [];
  const taperFindings = rules.anyPrednisoneDuringTaper ? prednisoneDuringTaper(sorted, context.taperActive, rules.taperConsecutiveMisses ?? 2) : [];
  findings.push(...taperFindings);
  if (rules.consecutiveSameDrug !== null) {
    // The taper rule already alerts on these prednisone misses: one alert for them, not two.
    const covered = new Set(taperFindings.map((f) => f.drug));
    findings.push(...consecutiveSameDrug(sorted, rules.consecutiveSameDrug).filter((f) => !covered.has(f.drug)));
  }
  if (rules.missedInDays !== null) findings.push(...missedInDays(sorted, rules.missedInDays.count, rules.missedInDays.days, today));
  // Silence has two ways in (days of nothing; some answers but too few) and, with hysteresis
  // (`lowResponse.resolveShare`), one way out: answering again. So a no-reply episode is not over at
  // the first answer after its silent days, and low response never starts while a silence episode
  // lasts. But a NEW run of silent days, after the patient answered again, is a new no-reply episode
  // even while the old one is held: a patient who goes quiet again deserves a new look.
  const silenceOpen = context.openEpisodes.filter((e) => SILENCE_RULES.includes(e.rule));
  const noReplyOpen = context.openEpisodes.filter((e) => e.rule === 'no_reply_days');
  const silence = rules.noReplyDays !== null ? noReplyDays(sorted, rules.noReplyDays) : [];
  const newRun = silence.length > 0 && noReplyOpen.length > 0 && noReplyOpen.every((e) => isLaterRun(e.episodeKey, silence[0]!.anchor.localDate, sorted, rules.noReplyDays!));
  findings.push(...silence);
  const lr = rules.lowResponse;
  const response = lr !== null ? responseOver(sorted, lr.days, today) : null;
  if (lr !== null && response !== null) findings.push(...lowResponse(response, lr, silenceOpen.some((e) => e.rule === 'low_response')));
  const held: Finding[] = [];
  if (silence.length === 0 && lr !== null && response !== null && lr.resolveShare !== undefined && noReplyOpen.length > 0 && !recovered(response, lr)) {
    const { unanswered } = response;
    if (unanswered.length > 0) held.push({ rule: 'no_reply_days', drug: null, missed: unanswered, anchor: unanswered[0]! });
  }
  findings.push(...held);

  const sameCondition = (e: { rule: string; drug: string | null }, f: Finding) => e.rule === f.rule && e.drug === f.drug;
  const resolve = context.openEpisodes
    .filter((e) => (MISSED_DOSE_RULE_IDS as readonly string[]).includes(e.rule))
    // A new silent run ends the held no-reply episode (the patient had answered in between) and starts its own.
    .filter((e) => !findings.some((f) => sameCondition(e, f)) || (newRun && e.rule === 'no_reply_days'))
    .map((e) => e.episodeKey);

  const fresh = findings
    .filter((f) => !context.openEpisodes.some((e) => sameCondition(e, f)) || (newRun && silence.includes(f)))
    // Days of total silence already make a no-reply episode: low response starts one only when the patient answers some,
    .filter((f) => f.rule !== 'low_response' || silence.length === 0)
    // and never while a silence episode lasts.
    .filter((f) => f.rule !== 'low_response' || silenceOpen.length === 0);
  if (fresh.length === 0) return { raise: [], resolve };

  const latest = sorted.at(-1)!;
  const adherence14d = computeAdherence(sorted, {
    // From the start of the local day 13 days before today (its midnight, or when the clocks start where it has none).
    from: formatInstant(wallClockToUtc((today - 13) * 86_400_000, context.timeZone)),
    to: formatInstant(nowMs),
  });
  const raise = fresh.map((f): MissedDoseEpisode => {
    const missedDates = [...new Set(f.missed.map((o) => o.localDate))].sort();
    return {
      episodeKey: `${latest.patientId}:${f.rule}:${f.drug ?? 'any'}:${f.anchor.localDate}T${f.anchor.localTime}`,
      patientId: latest.patientId,
      studyId: latest.studyId,
      rule: f.rule,
      kind: RULE_KIND[f.rule],
      drug: f.drug,
      firstMissedLocalDate: missedDates[0]!,
      missedLocalDates: missedDates,
      missedDoses: f.missed.map((o) => ({
        checkInId: o.checkInId,
        localDate: o.localDate,
        localTime: o.localTime,
        status: (f.drug === null ? o.status : drugStatus(o, f.drug)) as MissedDose['status'],
      })),
      adherence14d,
      detectedAt: formatInstant(nowMs),
    };
  });
  return { raise, resolve };
}
