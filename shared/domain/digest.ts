/**
 * The weekly safety digest: one message on Monday morning that says what matters this week,
 * per arm (MMF, LEF, not yet randomized) and overall.
 *
 * Counts of events (alerts raised, reports, side effects, adherence) cover the ISO week
 * [Monday 00:00, next Monday 00:00) in the study's time zone. Lists of open items (open
 * alerts, red flags, unreviewed reports) are as of `generatedAt`, whatever week they date
 * from: an item still open must not vanish from the digest because it is old.
 *
 * PHI: the digest carries study IDs, CTCAE terms and grades only. The input schema drops any
 * other field (zod strips unknown keys) and refuses a study ID that looks like a phone number.
 */
import { ctcaeTermLabel } from './ctcae-terms.ts';
import { ALERT_KINDS, ALERT_KIND_LABELS } from './alert-kinds.ts';
import { isoWeekBounds } from './week.ts';
import { formatIsoWeek, formatPlainDate, isValidTimeZone, isoWeekOfEpochDay, parseInstant, parsePlainDate, utcToZoned } from './zoned-time.ts';
import * as z from './zod.ts';
import { ARM_KEYS, adherenceByArm, doseOutcomeSchema, type AdherenceCounts, type AdherenceSummary, type ArmKey } from './adherence.ts';

const isoInstant = z.iso.datetime({ offset: true });
const localDate = z.iso.date();
const nonEmpty = z.string().check(z.minLength(1));
const timeZoneSchema = z.string().check(z.refine(isValidTimeZone, 'an IANA time zone'));
const studyId = z.string().check(
  z.minLength(1),
  z.maxLength(64),
  z.refine((s) => !/^\+?[\d\s-]{7,}$/.test(s), 'a study ID, not a phone number'),
);
const armSchema = z.nullable(z.enum(['MMF', 'LEF']));
const itemSchema = z.object({ term: nonEmpty, grade: z.nullable(z.number().check(z.int(), z.minimum(0), z.maximum(5))) });
const visitSchema = z.object({ studyId, visit: nonEmpty, targetDate: localDate });
const count = z.number().check(z.int(), z.minimum(0));

export const ISO_WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

export const digestInputSchema = z.object({
  week: z.string().check(z.regex(ISO_WEEK_PATTERN, 'an ISO week such as 2027-W02')),
  timeZone: timeZoneSchema,
  generatedAt: isoInstant,
  patients: z.array(
    z.object({
      studyId,
      arm: armSchema,
      status: z.enum(['active', 'paused', 'withdrawn', 'completed']),
      smsOptOut: z.boolean(),
    }),
  ),
  /** This week's dose check-ins (others are ignored). */
  doseOutcomes: z.array(doseOutcomeSchema),
  /** This week's alerts and every alert still open. */
  alerts: z.array(
    z.object({
      id: nonEmpty,
      studyId,
      kind: z.enum(ALERT_KINDS),
      urgent: z.boolean(),
      status: z.enum(['open', 'acknowledged']),
      createdAt: isoInstant,
      acknowledgedAt: z.optional(isoInstant),
    }),
  ),
  /** This week's reports and every report still open. */
  reports: z.array(
    z.object({
      id: nonEmpty,
      studyId,
      createdAt: isoInstant,
      status: z.enum(['open', 'reviewed']),
      intent: z.string(),
      items: z.array(itemSchema),
      redFlag: z.boolean(),
      relapseSignal: z.boolean(),
      /** Terms and grades as confirmed by the reviewer; they replace `items` when present. */
      confirmedItems: z.optional(z.array(itemSchema)),
    }),
  ),
  visitsDueNextWeek: z.array(visitSchema),
  visitsMissed: z.array(visitSchema),
  /** Visits recorded this week whose relapse decision differs from the computed RI criterion (issue 17). */
  relapseOverrules: z._default(
    z.array(z.object({ studyId, visit: nonEmpty, date: localDate, criterionMet: z.boolean(), decision: z.boolean(), reason: z.nullable(z.string()), criterion: z.nullable(z.string()) })),
    [],
  ),
  sms: z.object({
    sent: count,
    parts: count,
    failed: count,
    costPerPartUsd: z.number().check(z.minimum(0)),
  }),
});
export type DigestInput = z.input<typeof digestInputSchema>;
type ParsedInput = z.output<typeof digestInputSchema>;
export type AlertKind = ParsedInput['alerts'][number]['kind'];

export interface DigestPatientCounts {
  enrolled: number;
  active: number;
  paused: number;
  withdrawn: number;
  completed: number;
  optedOut: number;
}
export interface DigestOpenAlert {
  id: string;
  studyId: string;
  /** null: the study ID is not in the patient list (see unmatchedStudyIds). */
  arm: ArmKey | null;
  createdAt: string;
}
export interface DigestSideEffect {
  term: string;
  grade: number | null;
  /** Reports mentioning this term at this grade. */
  reports: number;
  /** Distinct patients among them. */
  patients: number;
}
export interface DigestSevereItem {
  reportId: string;
  studyId: string;
  /** null: the study ID is not in the patient list (see unmatchedStudyIds). */
  arm: ArmKey | null;
  term: string;
  grade: number;
  createdAt: string;
  reviewed: boolean;
}
export interface DigestReportRef {
  reportId: string;
  studyId: string;
  /** null: the study ID is not in the patient list (see unmatchedStudyIds). */
  arm: ArmKey | null;
  createdAt: string;
  reviewed: boolean;
  /** Whole hours between createdAt and generatedAt. */
  ageHours: number;
}
export interface DigestVisit {
  studyId: string;
  /** null: the study ID is not in the patient list (see unmatchedStudyIds). */
  arm: ArmKey | null;
  visit: string;
  targetDate: string;
}
export interface DigestSection {
  patients: DigestPatientCounts;
  adherence: AdherenceSummary;
  missedDoseAlerts: {
    /** Created this week. */
    raised: number;
    /** Acknowledged this week (whenever raised). */
    acknowledged: number;
    /** Open as of generatedAt, oldest first. */
    stillOpen: DigestOpenAlert[];
  };
  /** Open alerts of other kinds as of generatedAt, by kind (only kinds with at least one). */
  otherOpenAlerts: Partial<Record<Exclude<AlertKind, 'missed_dose'>, number>>;
  /** This week's reports, by CTCAE term then grade (ungraded last). */
  sideEffects: DigestSideEffect[];
  /** Grade ≥ 3 items in this week's reports. */
  newGrade3Plus: DigestSevereItem[];
  /** Red-flag reports created this week or still open, oldest first. */
  redFlags: DigestReportRef[];
  /** Possible-relapse reports created this week or still open, oldest first. */
  relapseSignals: DigestReportRef[];
  /** Open reports created more than 48 h before generatedAt, oldest first. */
  unreviewedOver48h: DigestReportRef[];
  visitsDueNextWeek: DigestVisit[];
  visitsMissed: DigestVisit[];
  /** This week's visits where the physician's relapse decision differs from the computed RI criterion. */
  relapseOverrules: DigestRelapseOverrule[];
}
export interface DigestRelapseOverrule {
  studyId: string;
  arm: ArmKey | null;
  visit: string;
  date: string;
  criterionMet: boolean;
  decision: boolean;
  reason: string | null;
  criterion: string | null;
}
export interface WeeklyDigest {
  week: string;
  timeZone: string;
  generatedAt: string;
  fromUtc: string;
  toUtc: string;
  /** Local dates of the week's Monday and Sunday. */
  firstDay: string;
  lastDay: string;
  byArm: Record<ArmKey, DigestSection>;
  overall: DigestSection;
  sms: { sent: number; parts: number; failed: number; estimatedCostUsd: number };
  /** Study IDs in alerts, reports or visits that match no listed patient: counted in `overall` only. */
  unmatchedStudyIds: string[];
}

/** The ISO week of a local date, e.g. '2027-01-11' → '2027-W02' (the week-year may differ from the calendar year). */
export function isoWeekOf(date: string): string {
  const day = parsePlainDate(date);
  if (day === null) throw new RangeError(`not a local date: ${date}`);
  return formatIsoWeek(isoWeekOfEpochDay(day));
}

/** [Monday 00:00 local, next Monday 00:00 local) as UTC instants (shared/domain/week.ts). */
export function weekBounds(isoWeek: string, timeZone: string): { fromUtc: string; toUtc: string } {
  const { from, to } = isoWeekBounds(isoWeek, timeZone);
  return { fromUtc: from, toUtc: to };
}

const ms = (iso: string): number => Date.parse(iso);
const byCreatedAt = <T extends { createdAt: string; studyId: string }>(a: T, b: T): number =>
  ms(a.createdAt) - ms(b.createdAt) || a.studyId.localeCompare(b.studyId);

function countPatients(patients: ParsedInput['patients']): DigestPatientCounts {
  return {
    enrolled: patients.length,
    active: patients.filter((p) => p.status === 'active').length,
    paused: patients.filter((p) => p.status === 'paused').length,
    withdrawn: patients.filter((p) => p.status === 'withdrawn').length,
    completed: patients.filter((p) => p.status === 'completed').length,
    optedOut: patients.filter((p) => p.smsOptOut).length,
  };
}

/** Builds the digest. Validates the input (throws a ZodError) and keeps only the fields it needs. */
export function buildWeeklyDigest(rawInput: DigestInput): WeeklyDigest {
  const input = digestInputSchema.parse(rawInput);
  const { fromUtc, toUtc } = weekBounds(input.week, input.timeZone);
  const from = ms(fromUtc);
  const to = ms(toUtc);
  const generatedAt = ms(input.generatedAt);
  const inWeek = (iso: string) => ms(iso) >= from && ms(iso) < to;
  const openAsOfGeneration = (item: { status: string; createdAt: string }) => item.status === 'open' && ms(item.createdAt) <= generatedAt;

  const armOf = new Map(input.patients.map((p) => [p.studyId, p.arm ?? 'unrandomized'] as const));
  const unmatched = new Set<string>();
  const arm = (id: string): ArmKey | null => {
    const found = armOf.get(id);
    if (found === undefined) unmatched.add(id);
    return found ?? null;
  };

  const reportRef = (r: ParsedInput['reports'][number]) => ({
    reportId: r.id,
    studyId: r.studyId,
    arm: arm(r.studyId),
    createdAt: r.createdAt,
    reviewed: r.status === 'reviewed',
    ageHours: Math.floor((generatedAt - ms(r.createdAt)) / 3_600_000),
  });
  const weekReports = input.reports.filter((r) => inWeek(r.createdAt));
  const missedDose = input.alerts.filter((a) => a.kind === 'missed_dose');
  const visit = (v: ParsedInput['visitsMissed'][number]) => ({ studyId: v.studyId, arm: arm(v.studyId), visit: v.visit, targetDate: v.targetDate });
  const byTarget = (a: { targetDate: string; studyId: string }, b: { targetDate: string; studyId: string }) =>
    a.targetDate.localeCompare(b.targetDate) || a.studyId.localeCompare(b.studyId);

  // Everything tagged with its arm (null = unmatched study ID), then filtered per section.
  const all = {
    raised: missedDose.filter((a) => inWeek(a.createdAt)).map((a) => ({ arm: arm(a.studyId) })),
    acknowledged: missedDose
      .filter((a) => a.status === 'acknowledged' && a.acknowledgedAt !== undefined && inWeek(a.acknowledgedAt))
      .map((a) => ({ arm: arm(a.studyId) })),
    stillOpen: missedDose
      .filter(openAsOfGeneration)
      .sort(byCreatedAt)
      .map((a) => ({ id: a.id, studyId: a.studyId, arm: arm(a.studyId), createdAt: a.createdAt })),
    otherOpen: input.alerts
      .filter((a) => a.kind !== 'missed_dose' && openAsOfGeneration(a))
      .map((a) => ({ kind: a.kind as Exclude<AlertKind, 'missed_dose'>, arm: arm(a.studyId) })),
    items: weekReports.flatMap((r) => {
      const items = r.confirmedItems ?? r.items;
      const unique = new Map(items.map((i) => [`${i.term}\u0000${i.grade}`, i]));
      return [...unique.values()].map((i) => ({ ...i, report: r, arm: arm(r.studyId) }));
    }),
    redFlags: input.reports.filter((r) => r.redFlag && (inWeek(r.createdAt) || openAsOfGeneration(r))).sort(byCreatedAt).map(reportRef),
    relapse: input.reports.filter((r) => r.relapseSignal && (inWeek(r.createdAt) || openAsOfGeneration(r))).sort(byCreatedAt).map(reportRef),
    unreviewed: input.reports
      .filter((r) => openAsOfGeneration(r) && generatedAt - ms(r.createdAt) > 48 * 3_600_000)
      .sort(byCreatedAt)
      .map(reportRef),
    visitsDue: input.visitsDueNextWeek.map(visit).sort(byTarget),
    visitsMissed: input.visitsMissed.map(visit).sort(byTarget),
    overrules: input.relapseOverrules.map((v) => ({ ...v, arm: arm(v.studyId) })).sort((a, b) => a.date.localeCompare(b.date) || a.studyId.localeCompare(b.studyId)),
  };

  const adherence = adherenceByArm(input.doseOutcomes, { from: fromUtc, to: toUtc });

  const section = (key: ArmKey | 'overall'): DigestSection => {
    const mine = <T extends { arm: ArmKey | null }>(list: T[]): T[] => (key === 'overall' ? list : list.filter((x) => x.arm === key));

    const effects = new Map<string, { term: string; grade: number | null; reports: Set<string>; patients: Set<string> }>();
    for (const item of mine(all.items)) {
      const k = `${item.term}\u0000${item.grade}`;
      const entry = effects.get(k) ?? { term: item.term, grade: item.grade, reports: new Set(), patients: new Set() };
      entry.reports.add(item.report.id);
      entry.patients.add(item.report.studyId);
      effects.set(k, entry);
    }
    const sideEffects = [...effects.values()]
      .map((e) => ({ term: e.term, grade: e.grade, reports: e.reports.size, patients: e.patients.size }))
      .sort((a, b) => a.term.localeCompare(b.term) || (a.grade ?? 99) - (b.grade ?? 99));

    const otherOpenAlerts: DigestSection['otherOpenAlerts'] = {};
    for (const a of mine(all.otherOpen)) otherOpenAlerts[a.kind] = (otherOpenAlerts[a.kind] ?? 0) + 1;

    return {
      patients: countPatients(key === 'overall' ? input.patients : input.patients.filter((p) => (p.arm ?? 'unrandomized') === key)),
      adherence: adherence[key],
      missedDoseAlerts: {
        raised: mine(all.raised).length,
        acknowledged: mine(all.acknowledged).length,
        stillOpen: mine(all.stillOpen),
      },
      otherOpenAlerts,
      sideEffects,
      newGrade3Plus: mine(all.items)
        .filter((i): i is typeof i & { grade: number } => i.grade !== null && i.grade >= 3)
        .map((i) => ({
          reportId: i.report.id,
          studyId: i.report.studyId,
          arm: i.arm,
          term: i.term,
          grade: i.grade,
          createdAt: i.report.createdAt,
          reviewed: i.report.status === 'reviewed',
        }))
        .sort(byCreatedAt),
      redFlags: mine(all.redFlags),
      relapseSignals: mine(all.relapse),
      unreviewedOver48h: mine(all.unreviewed),
      visitsDueNextWeek: mine(all.visitsDue),
      visitsMissed: mine(all.visitsMissed),
      relapseOverrules: mine(all.overrules),
    };
  };

  const monday = utcToZoned(Date.parse(fromUtc), input.timeZone).epochDay;
  const byArm = Object.fromEntries(ARM_KEYS.map((k) => [k, section(k)])) as Record<ArmKey, DigestSection>;
  return {
    week: input.week,
    timeZone: input.timeZone,
    generatedAt: input.generatedAt,
    fromUtc,
    toUtc,
    firstDay: formatPlainDate(monday),
    lastDay: formatPlainDate(monday + 6),
    byArm,
    overall: section('overall'),
    sms: {
      sent: input.sms.sent,
      parts: input.sms.parts,
      failed: input.sms.failed,
      estimatedCostUsd: Math.round(input.sms.parts * input.sms.costPerPartUsd * 100) / 100,
    },
    unmatchedStudyIds: [...unmatched].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering: plain text for an email, short sections, study IDs only.

export type DigestLanguage = 'zh-CN' | 'en';

interface Words {
  title: (week: string) => string;
  period: (first: string, last: string, zone: string, generated: string) => string;
  note: string;
  groups: Record<ArmKey | 'overall', string>;
  armTag: Record<ArmKey, string>;
  unknownArm: string;
  who: (studyId: string, arm: string) => string;
  patients: string;
  patientLine: (c: DigestPatientCounts) => string;
  adherence: string;
  adherenceLine: (a: AdherenceCounts) => string;
  drug: (id: string) => string;
  missedAlerts: string;
  missedSummary: (raised: number, acknowledged: number, open: number) => string;
  stillOpen: string;
  openSince: (when: string) => string;
  otherOpen: string;
  kind: Record<Exclude<AlertKind, 'missed_dose'>, string>;
  sideEffects: string;
  grade: (g: number | null) => string;
  times: (n: number) => string;
  grade3: string;
  redFlags: string;
  relapse: string;
  overrules: string;
  overrule: (o: DigestRelapseOverrule) => string;
  unreviewed: string;
  reviewed: (r: boolean) => string;
  hours: (h: number) => string;
  visits: string;
  dueNextWeek: string;
  missedVisits: string;
  sms: string;
  smsLine: (s: WeeklyDigest['sms']) => string;
  none: string;
  notAvailable: string;
  unmatched: (ids: string) => string;
  sep: string;
  listSep: string;
  colon: string;
}

const EN: Words = {
  title: (week) => `IgG4-RD trial: weekly safety digest, ${week}`,
  period: (first, last, zone, generated) => `Week ${first} to ${last} (${zone}). Generated ${generated}.`,
  note: 'Study IDs only. Open items are listed as of the time generated.',
  groups: { overall: 'All', MMF: 'MMF', LEF: 'LEF', unrandomized: 'Not yet randomized' },
  armTag: { MMF: 'MMF', LEF: 'LEF', unrandomized: 'not randomized' },
  unknownArm: 'not in patient list',
  who: (id, arm) => `${id} (${arm})`,
  patients: 'PATIENTS',
  patientLine: (c) =>
    `${c.enrolled} enrolled: ${c.active} active, ${c.paused} paused, ${c.withdrawn} withdrawn, ${c.completed} completed; ${c.optedOut} opted out of SMS`,
  adherence: 'ADHERENCE (doses confirmed / doses with a known outcome)',
  adherenceLine: (a) =>
    `${pct(a.rate, 'n/a')} (${a.confirmed}/${a.due - a.pending}); of the answered ${pct(answeredRate(a), 'n/a')}; ${a.reportedMissed} reported missed, ${a.unanswered} unanswered, ${a.pending} pending`,
  drug: (id) => ({ prednisone: 'prednisone', mmf: 'MMF', lef: 'LEF' })[id] ?? id,
  missedAlerts: 'MISSED-DOSE ALERTS',
  missedSummary: (r, a, o) => `Raised this week ${r}, acknowledged ${a}, still open ${o}`,
  stillOpen: 'Still open, oldest first:',
  openSince: (when) => `open since ${when}`,
  otherOpen: 'Other open alerts: ',
  kind: ALERT_KIND_LABELS.en,
  sideEffects: 'SIDE EFFECTS REPORTED THIS WEEK (CTCAE term, grade × reports)',
  grade: (g) => (g === null ? 'ungraded' : `G${g}`),
  times: (n) => `×${n}`,
  grade3: 'New grade 3 or higher:',
  redFlags: 'RED FLAGS',
  relapse: 'POSSIBLE RELAPSE',
  overrules: 'RELAPSE DECISIONS THAT DIFFER FROM THE RI CRITERION',
  overrule: (o) => `criterion ${o.criterionMet ? 'met' : 'not met'}, physician decided ${o.decision ? 'relapse' : 'no relapse'}; reason: ${o.reason ?? 'none given'}`,
  unreviewed: 'REPORTS UNREVIEWED FOR MORE THAN 48 H',
  reviewed: (r) => (r ? 'reviewed' : 'NOT REVIEWED'),
  hours: (h) => `${h} h`,
  visits: 'VISITS',
  dueNextWeek: 'Due next week:',
  missedVisits: 'Missed:',
  sms: 'SMS',
  smsLine: (s) => `Sent ${s.sent}, parts ${s.parts}, failed ${s.failed}; estimated cost USD ${s.estimatedCostUsd.toFixed(2)}`,
  none: 'none',
  notAvailable: 'n/a',
  unmatched: (ids) => `Study IDs not in the patient list (counted under All only): ${ids}`,
  sep: ', ',
  listSep: '; ',
  colon: ': ',
};

const ZH: Words = {
  title: (week) => `IgG4相关性疾病试验 每周安全摘要 ${week}`,
  period: (first, last, zone, generated) => `周期：${first} 至 ${last}（${zone}），生成于 ${generated}。`,
  note: '仅显示研究编号。未处理事项以生成时为准。',
  groups: { overall: '全部', MMF: 'MMF组', LEF: 'LEF组', unrandomized: '未随机' },
  armTag: { MMF: 'MMF组', LEF: 'LEF组', unrandomized: '未随机' },
  unknownArm: '不在患者名单中',
  who: (id, arm) => `${id}（${arm}）`,
  patients: '【患者】',
  patientLine: (c) => `入组 ${c.enrolled}：在组 ${c.active}，暂停 ${c.paused}，退出 ${c.withdrawn}，完成 ${c.completed}；退订短信 ${c.optedOut}`,
  adherence: '【服药依从性】（确认服药 / 结果已知的剂量）',
  adherenceLine: (a) =>
    `${pct(a.rate, '无数据')}（${a.confirmed}/${a.due - a.pending}）；已回复中确认服药 ${pct(answeredRate(a), '无数据')}；报告漏服 ${a.reportedMissed}，未回复 ${a.unanswered}，待回复 ${a.pending}`,
  drug: (id) => ({ prednisone: '泼尼松', mmf: 'MMF', lef: 'LEF' })[id] ?? id,
  missedAlerts: '【漏服提醒】',
  missedSummary: (r, a, o) => `本周新增 ${r}，已确认 ${a}，仍未处理 ${o}`,
  stillOpen: '仍未处理（最早在前）：',
  openSince: (when) => `自 ${when} 起`,
  otherOpen: '其他未处理提醒：',
  kind: ALERT_KIND_LABELS['zh-CN'],
  sideEffects: '【本周报告的不良反应】（CTCAE 术语，分级 × 报告数）',
  grade: (g) => (g === null ? '未分级' : `${g}级`),
  times: (n) => `×${n}`,
  grade3: '新出现 3 级及以上：',
  redFlags: '【红旗症状】',
  relapse: '【疑似复发】',
  overrules: '【复发判断与 RI 标准不一致】',
  overrule: (o) => `${o.criterionMet ? '符合' : '不符合'}复发标准，医生判断为${o.decision ? '复发' : '未复发'}；理由：${o.reason ?? '未填写'}`,
  unreviewed: '【超过 48 小时未审核的报告】',
  reviewed: (r) => (r ? '已审核' : '未审核'),
  hours: (h) => `${h} 小时`,
  visits: '【访视】',
  dueNextWeek: '下周应访视：',
  missedVisits: '已错过：',
  sms: '【短信】',
  smsLine: (s) => `发送 ${s.sent} 条，计费 ${s.parts} 段，失败 ${s.failed} 条；估计费用 ${s.estimatedCostUsd.toFixed(2)} 美元`,
  none: '无',
  notAvailable: '无数据',
  unmatched: (ids) => `不在患者名单中的研究编号（仅计入“全部”）：${ids}`,
  sep: '，',
  listSep: '；',
  colon: '：',
};

/** Confirmed among the answered check-ins (taken ÷ taken + reported missed): no reply is not a missed dose, so the digest shows this beside the confirmed rate. */
function answeredRate(a: AdherenceCounts): number | null {
  const answered = a.confirmed + a.reportedMissed;
  return answered === 0 ? null : a.confirmed / answered;
}

function pct(rate: number | null, na: string): string {
  return rate === null ? na : `${Math.round(rate * 100)}%`;
}

const GROUP_ORDER: readonly (ArmKey | 'overall')[] = ['overall', 'MMF', 'LEF', 'unrandomized'];

/** Renders the digest as plain text (two-space indents, one blank line between sections). */
export function renderDigestText(digest: WeeklyDigest, language: DigestLanguage): string {
  const w = language === 'zh-CN' ? ZH : EN;
  const local = (iso: string) => {
    const ms = parseInstant(iso, digest.timeZone);
    if (ms === null) return iso;
    const wall = utcToZoned(ms, digest.timeZone);
    return `${wall.date} ${wall.time}`;
  };
  const sections = (key: ArmKey | 'overall') => (key === 'overall' ? digest.overall : digest.byArm[key]);
  const who = (x: { studyId: string; arm: ArmKey | null }) => w.who(x.studyId, x.arm === null ? w.unknownArm : w.armTag[x.arm]);
  const list = (items: string[]) => (items.length === 0 ? [`  - ${w.none}`] : items.map((i) => `  - ${i}`));
  const o = digest.overall;
  const term = (t: string) => ctcaeTermLabel(t, language);

  const lines: string[] = [w.title(digest.week), w.period(digest.firstDay, digest.lastDay, digest.timeZone, local(digest.generatedAt)), w.note, ''];

  lines.push(w.patients);
  for (const g of GROUP_ORDER) lines.push(`  ${w.groups[g]}${w.colon}${w.patientLine(sections(g).patients)}`);
  lines.push('');

  lines.push(w.adherence);
  for (const g of GROUP_ORDER) {
    const a = sections(g).adherence;
    const drugs = Object.keys(a.byDrug)
      .sort()
      .map((d) => `${w.drug(d)} ${pct(a.byDrug[d]!.rate, w.notAvailable)}`);
    lines.push(`  ${w.groups[g]}${w.colon}${w.adherenceLine(a)}${drugs.length > 0 ? w.listSep + drugs.join(w.sep) : ''}`);
  }
  lines.push('');

  lines.push(w.missedAlerts);
  lines.push(`  ${w.missedSummary(o.missedDoseAlerts.raised, o.missedDoseAlerts.acknowledged, o.missedDoseAlerts.stillOpen.length)}`);
  if (o.missedDoseAlerts.stillOpen.length > 0) {
    lines.push(`  ${w.stillOpen}`);
    lines.push(...o.missedDoseAlerts.stillOpen.map((a) => `    - ${who(a)}${w.sep}${w.openSince(local(a.createdAt))}`));
  }
  const other = Object.entries(o.otherOpenAlerts) as [Exclude<AlertKind, 'missed_dose'>, number][];
  if (other.length > 0) lines.push(`  ${w.otherOpen}${other.map(([k, n]) => `${w.kind[k]} ${n}`).join(w.sep)}`);
  lines.push('');

  lines.push(w.sideEffects);
  for (const g of GROUP_ORDER) {
    const effects = sections(g).sideEffects.map((e) => `${term(e.term)} ${w.grade(e.grade)} ${w.times(e.reports)}`);
    lines.push(`  ${w.groups[g]}${w.colon}${effects.length === 0 ? w.none : effects.join(w.listSep)}`);
  }
  lines.push(`  ${w.grade3}`);
  lines.push(
    ...list(o.newGrade3Plus.map((s) => `${who(s)}${w.colon}${term(s.term)} ${w.grade(s.grade)}${w.sep}${local(s.createdAt)}${w.sep}${w.reviewed(s.reviewed)}`)).map(
      (l) => `  ${l}`,
    ),
  );
  lines.push('');

  const reportList = (title: string, refs: DigestReportRef[], showAge: boolean) => {
    lines.push(title);
    lines.push(
      ...list(
        refs.map((r) => `${who(r)} ${local(r.createdAt)}${w.sep}${showAge ? w.hours(r.ageHours) : w.reviewed(r.reviewed)}`),
      ),
    );
    lines.push('');
  };
  reportList(w.redFlags, o.redFlags, false);
  reportList(w.relapse, o.relapseSignals, false);
  lines.push(w.overrules);
  lines.push(...list(o.relapseOverrules.map((v) => `${who(v)} ${v.visit}${w.sep}${v.date}${w.sep}${w.overrule(v)}`)));
  lines.push('');
  reportList(w.unreviewed, o.unreviewedOver48h, true);

  lines.push(w.visits);
  lines.push(`  ${w.dueNextWeek}`);
  lines.push(...list(o.visitsDueNextWeek.map((v) => `${who(v)} ${v.visit}${w.sep}${v.targetDate}`)).map((l) => `  ${l}`));
  lines.push(`  ${w.missedVisits}`);
  lines.push(...list(o.visitsMissed.map((v) => `${who(v)} ${v.visit}${w.sep}${v.targetDate}`)).map((l) => `  ${l}`));
  lines.push('');

  lines.push(w.sms);
  lines.push(`  ${w.smsLine(digest.sms)}`);
  if (digest.unmatchedStudyIds.length > 0) {
    lines.push('');
    lines.push(w.unmatched(digest.unmatchedStudyIds.join(w.sep)));
  }
  return `${lines.join('\n')}\n`;
}
