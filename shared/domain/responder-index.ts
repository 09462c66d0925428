/**
 * The IgG4-RD Responder Index (RI) as it is scored (Carruthers et al., Int J Rheumatol 2012;
 * revised and validated by Wallace et al., Arthritis Care Res 2018): every organ/site of the
 * protocol's list gets an activity score 0–3 (0 unaffected or resolved, 1 improved, 2 persistent
 * (unchanged), 3 new, recurrent or worse), an "urgent" site counts double, and the serum IgG4
 * item (0–3, on the same scale) is added when the protocol includes it. The total is computed
 * here, never typed.
 *
 * The relapse criterion (the trial's primary endpoint, judged by the physician): RI up by at
 * least `minRise` against the protocol's reference, or a new organ, or an old one recurring.
 * Pure: no clock, no I/O.
 */
import type { Protocol } from './protocol.ts';
import * as z from './zod.ts';

export const RI_SCORES = [0, 1, 2, 3] as const;
export type RiScore = (typeof RI_SCORES)[number];

const riScoreSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);

export const riSiteScoreSchema = z.strictObject({
  site: z.string().check(z.regex(/^[a-z0-9_]{1,40}$/, 'a site key of the protocol, such as submandibular_glands')),
  score: riScoreSchema,
  urgent: z._default(z.boolean(), false),
});

/** One visit's RI worksheet: the sites scored above 0 (every other site is 0) and the serum IgG4 item. */
export const riWorksheetSchema = z.strictObject({
  sites: z.array(riSiteScoreSchema).check(z.maxLength(60)),
  serumIgG4: z._default(z.nullable(riScoreSchema), null),
});
export type RiSiteScore = z.output<typeof riSiteScoreSchema>;
export type RiWorksheet = z.output<typeof riWorksheetSchema>;
export type RiConfig = Protocol['responderIndex'];

export interface WorksheetIssue {
  path: string;
  message: string;
}

/** Problems a schema cannot see: unknown or repeated sites, "urgent" on a site scored 0, a serum item the protocol does not use. */
export function checkWorksheet(ws: RiWorksheet, config: RiConfig, basePath = 'worksheet'): WorksheetIssue[] {
  const issues: WorksheetIssue[] = [];
  const known = new Set(config.sites.map((s) => s.key));
  const seen = new Set<string>();
  ws.sites.forEach((s, i) => {
    if (!known.has(s.site)) issues.push({ path: `${basePath}.sites.${i}.site`, message: `unknown RI site "${s.site}" (the protocol lists ${[...known].join(', ')})` });
    if (seen.has(s.site)) issues.push({ path: `${basePath}.sites.${i}.site`, message: `site "${s.site}" is scored twice` });
    seen.add(s.site);
    if (s.urgent && s.score === 0) issues.push({ path: `${basePath}.sites.${i}.urgent`, message: 'only an active site (score 1–3) can be urgent' });
  });
  if (!config.serumIgG4 && ws.serumIgG4 !== null) issues.push({ path: `${basePath}.serumIgG4`, message: 'this protocol does not score serum IgG4 in the RI' });
  return issues;
}

/** The RI total: Σ site score × (urgent ? urgentMultiplier : 1) + the serum IgG4 item. */
export function riTotal(ws: RiWorksheet, config: RiConfig): number {
  const sites = ws.sites.reduce((sum, s) => sum + s.score * (s.urgent ? config.urgentMultiplier : 1), 0);
  return sites + (config.serumIgG4 ? (ws.serumIgG4 ?? 0) : 0);
}

/** Sites (organs, not the constitutional domain) with activity above 0. */
export function activeOrgans(ws: RiWorksheet, config: RiConfig): string[] {
  const organ = new Set(config.sites.filter((s) => s.organ).map((s) => s.key));
  return ws.sites.filter((s) => s.score > 0 && organ.has(s.site)).map((s) => s.site);
}

/** A visit as the criterion needs it. */
export interface RiVisit {
  visitKey: string;
  date: string;
  worksheet: RiWorksheet;
  response?: 'complete' | 'partial' | 'none' | null;
}

export interface RelapseCriterion {
  met: boolean;
  total: number;
  /** How the reference was chosen (the protocol's rule). */
  referenceRule: RiConfig['relapse']['reference'];
  /** The visit whose RI is the reference (null at the first scored visit). */
  reference: { visitKey: string; date: string; total: number } | null;
  /** total − reference total (null without a reference). */
  rise: number | null;
  minRise: number;
  /** Organs active now that were never involved before (baseline included). */
  newOrgans: string[];
  /** Organs involved before, resolved (0) at the previous visit, scored 3 now. */
  recurrentOrgans: string[];
  /** Organs the patient had at baseline (the first scored visit). */
  baselineOrgans: string[];
  text: { en: string; 'zh-CN': string };
}

const byDate = (a: RiVisit, b: RiVisit): number => a.date.localeCompare(b.date) || a.visitKey.localeCompare(b.visitKey);

/**
 * The criterion at `current` against the visits before it (by date). Reference per protocol:
 * - `lowest_since_remission`: the lowest RI from the first visit in remission (response
 *   "complete", or RI ≤ remissionMaxTotal) on; before any remission, the lowest RI so far;
 * - `previous_visit`: the previous scored visit.
 * Ties for the lowest go to the latest visit.
 */
export function relapseCriterion(current: RiVisit, history: readonly RiVisit[], protocol: Pick<Protocol, 'responderIndex' | 'visits'>): RelapseCriterion {
  const config = protocol.responderIndex;
  const total = riTotal(current.worksheet, config);
  const before = history.filter((v) => v.visitKey !== current.visitKey && byDate(v, current) < 0).sort(byDate);
  const baselineOrgans = before[0] ? activeOrgans(before[0].worksheet, config) : activeOrgans(current.worksheet, config);
  const totals = before.map((v) => ({ v, total: riTotal(v.worksheet, config) }));

  let reference: { visitKey: string; date: string; total: number } | null = null;
  if (totals.length > 0) {
    let window = totals;
    if (config.relapse.reference === 'previous_visit') window = totals.slice(-1);
    else {
      const firstRemission = totals.findIndex(({ v, total: t }) => v.response === 'complete' || t <= config.relapse.remissionMaxTotal);
      if (firstRemission >= 0) window = totals.slice(firstRemission);
    }
    const lowest = window.reduce((a, b) => (b.total <= a.total ? b : a));
    reference = { visitKey: lowest.v.visitKey, date: lowest.v.date, total: lowest.total };
  }

  const previous = before.at(-1);
  const everInvolved = new Set(before.flatMap((v) => activeOrgans(v.worksheet, config)));
  const now = activeOrgans(current.worksheet, config);
  const newOrgans = before.length === 0 ? [] : now.filter((s) => !everInvolved.has(s));
  const prevScore = (site: string): number => previous?.worksheet.sites.find((s) => s.site === site)?.score ?? 0;
  const recurrentOrgans = current.worksheet.sites.filter((s) => s.score === 3 && everInvolved.has(s.site) && prevScore(s.site) === 0 && now.includes(s.site)).map((s) => s.site);

  const rise = reference ? total - reference.total : null;
  const met = (rise !== null && rise >= config.relapse.minRise) || newOrgans.length > 0 || recurrentOrgans.length > 0;
  const base = { met, total, referenceRule: config.relapse.reference, reference, rise, minRise: config.relapse.minRise, newOrgans, recurrentOrgans, baselineOrgans };
  return { ...base, text: criterionText(base, protocol) };
}

function criterionText(c: Omit<RelapseCriterion, 'text'>, protocol: Pick<Protocol, 'responderIndex' | 'visits'>): RelapseCriterion['text'] {
  const siteLabel = (key: string, lang: 'en' | 'zh-CN'): string => protocol.responderIndex.sites.find((s) => s.key === key)?.label[lang] ?? key;
  const visitLabel = (key: string, lang: 'en' | 'zh-CN'): string => protocol.visits.find((v) => v.key === key)?.label[lang] ?? key;
  const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));
  const en: string[] = [];
  const zh: string[] = [];
  if (c.reference === null) {
    en.push(`first scored visit (RI ${c.total}): no reference yet`);
    zh.push(`首次评分（RI ${c.total}），尚无参照`);
  } else {
    en.push(`RI ${signed(c.rise!)} since ${visitLabel(c.reference.visitKey, 'en')} (${c.reference.total} → ${c.total}${c.rise! < c.minRise ? `; needs +${c.minRise}` : ''})`);
    zh.push(`RI 较${visitLabel(c.reference.visitKey, 'zh-CN')} ${signed(c.rise!)}（${c.reference.total} → ${c.total}${c.rise! < c.minRise ? `；需 +${c.minRise}` : ''}）`);
  }
  if (c.newOrgans.length > 0) {
    en.push(`new organ: ${c.newOrgans.map((s) => siteLabel(s, 'en')).join(', ')}`);
    zh.push(`新受累器官：${c.newOrgans.map((s) => siteLabel(s, 'zh-CN')).join('、')}`);
  }
  if (c.recurrentOrgans.length > 0) {
    en.push(`recurrence: ${c.recurrentOrgans.map((s) => siteLabel(s, 'en')).join(', ')}`);
    zh.push(`复发器官：${c.recurrentOrgans.map((s) => siteLabel(s, 'zh-CN')).join('、')}`);
  }
  return {
    en: `criterion ${c.met ? 'met' : 'not met'}: ${en.join('; ')}`,
    'zh-CN': `${c.met ? '符合' : '不符合'}复发标准：${zh.join('；')}`,
  };
}
