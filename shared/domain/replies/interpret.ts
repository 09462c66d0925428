/**
 * interpretReply: SMS reply text + the question it may answer → Interpretation (pure, total).
 *
 * Intent precedence (most safety-relevant first; the other readings are kept in their fields):
 *   1. opt_out / opt_in / help — only when the whole message (after polite filler) is the command:
 *      "STOP", "退订", "TD", "stop please" opt out; "stop taking pills?" does not.
 *   2. side_effect / symptom — any non-negated symptom in free text (or a temperature ≥ 38 °C).
 *      'symptom' when every item is a relapse-only sign (gland swelling, eye signs, back pain,
 *      less urine); else 'side_effect'. A dose answer in the same reply is kept in `doseAnswer`
 *      (and `answers`), e.g. "吃了，但是有点恶心" → side_effect, doseAnswer 'taken', Nausea 1.
 *   3. answer — a conversation answer (screen yes/no, item numbers, severity 0–4).
 *   4. dose_missed, then dose_taken — a missed phrase beats a taken phrase ("早上吃了 晚上忘了").
 *   5. unclear.
 * Bare numbers and yes/no words are read only against an open question; without one they are
 * 'unclear'. Strong dose phrases ("吃了", "took it", "忘了吃") are read without a question too.
 */
import {
  COMPILED_DRUGS,
  COMPILED_LEXICON,
  COMPILED_MISSED,
  COMPILED_TAKEN,
  FILLERS_EN,
  FILLERS_ZH,
  HELP,
  INTENSITY_LEVEL,
  INTENSITY_RE,
  NONE_WORDS,
  OTHER_MEDICINE_AFTER,
  OPT_IN,
  OPT_OUT,
  TERMS,
  WEAK_MISSED_RE,
  WEAK_NO,
  WEAK_TAKEN_RE,
  WEAK_YES,
  ACKNOWLEDGEMENTS,
  type LexiconEntry,
} from './lexicon.ts';
import type {
  ConversationAnswer,
  DrugKey,
  Interpretation,
  InterpretedItem,
  Intent,
  RedFlagReason,
  RelapseSignal,
  ReplyLanguage,
  SeverityValue,
} from './interpretation.ts';
import { cleanFolded, foldText, normalizeClauses } from './normalize.ts';
import { findSupply } from './supply.ts';

export type OpenQuestion =
  | { kind: 'dose'; checkInId: string; drugs: string[] }
  | { kind: 'side_effect_screen'; checkInId: string }
  | { kind: 'side_effect_items'; checkInId: string; items: { key: string; term: string }[] }
  | { kind: 'side_effect_severity'; checkInId: string; itemKey: string; term: string };

export interface ReplyContext {
  openQuestion: OpenQuestion | null;
  /**
   * Whether an acknowledgement ("收到", "好的", "ok", 👍) answering a dose question counts as taken
   * (the protocol's `inbound.acknowledgementIsTaken`; default true). When false it is `unclear` and
   * the patient is asked again; an affirmative ("yes", "是的") or an explicit answer still counts.
   */
  acknowledgementIsTaken?: boolean;
}

/** PRO-CTCAE severity-only item → CTCAE grade (Basch et al. 2021): 0,1,2,3,3. */
export function compositeGradeFromSeverity(severity: SeverityValue): 0 | 1 | 2 | 3 {
  return severity === 4 ? 3 : severity;
}

// ── measures: temperature, stool count ─────────────────────────────────────────────────

const ZH_DIGIT: Readonly<Record<string, number>> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 半: 5 };

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function toCelsius(value: number, unit: 'c' | 'f' | '?'): number | null {
  if (!Number.isFinite(value)) return null;
  if (unit === 'f' || (unit === '?' && value >= 93 && value <= 113)) {
    const c = ((value - 32) * 5) / 9;
    return c >= 34 && c <= 44 ? round1(c) : null;
  }
  if (unit === 'c' || unit === '?') return value >= 34 && value <= 44 ? round1(value) : null;
  return null;
}

/** Highest body temperature stated in the (folded, cleaned) text, in °C, or null. */
export function parseTemperatureC(text: string): number | null {
  const found: number[] = [];
  const push = (v: number | null): void => {
    if (v !== null) found.push(v);
  };
  // 39度2 = 39.2 (spoken style)
  for (const m of text.matchAll(/(\d{2})\s*度\s*(\d)(?![\d.])/gu)) push(toCelsius(Number(`${m[1]}.${m[2]}`), 'c'));
  // 38.5°c, 38度, 38.5c, 摄氏38
  for (const m of text.matchAll(/(\d{2,3}(?:\.\d{1,2})?)\s*(°\s*c|°|度|摄氏度|c(?![a-z]))/gu)) {
    const v = Number(m[1]);
    push(toCelsius(v, v >= 93 ? 'f' : 'c'));
  }
  // 101f, 101°f, 华氏101
  for (const m of text.matchAll(/(\d{2,3}(?:\.\d{1,2})?)\s*(°\s*f|f(?![a-z])|华氏度?)/gu)) push(toCelsius(Number(m[1]), 'f'));
  for (const m of text.matchAll(/华氏\s*(\d{2,3}(?:\.\d{1,2})?)/gu)) push(toCelsius(Number(m[1]), 'f'));
  // a temperature word followed closely by a number: 发烧39, fever 38.5, 体温 37.8, temp 101
  for (const m of text.matchAll(/(发烧|发热|体温|烧到|烧了|高烧|低烧|温度|量了|fever|temperature|temp|feverish)[^\d]{0,8}?(\d{2,3}(?:\.\d{1,2})?)(?!\s*(mg|kg|g|斤|公斤|毫克|次|天|片|粒|岁|%))/gu)) {
    push(toCelsius(Number(m[2]), '?'));
  }
  // a bare decimal in body-temperature range: "39.2"
  // (not a dose, a weight, a size or a volume: "40.5mm" is a lymph node, not a fever)
  for (const m of text.matchAll(/(?<![\d.])(3[5-9]|4[0-2])\.\d(?![\d.])(?!\s*(mg|kg|g|斤|公斤|毫克|%|片|cm|mm|ml|厘米|公分|毫米|毫升))/gu)) push(toCelsius(Number(m[0]), 'c'));
  // 三十九度, 三十八度五
  for (const m of text.matchAll(/(三十[五六七八九]|四十[一二]?)度([一二三四五六七八九半])?/gu)) {
    const whole = m[1]!;
    let v = whole.startsWith('三十') ? 30 : 40;
    const unit = whole.length === 3 ? whole[2]! : '';
    v += unit ? (ZH_DIGIT[unit] ?? 0) : 0;
    if (m[2]) v += (ZH_DIGIT[m[2]] ?? 0) / 10;
    push(toCelsius(v, 'c'));
  }
  return found.length === 0 ? null : Math.max(...found);
}

function zhNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '十几' || s === '十多') return 11;
  if (s === '十来') return 10;
  if (s.startsWith('十')) return 10 + (s.length > 1 ? (ZH_DIGIT[s[1]!] ?? 0) : 0);
  if (s.length === 2 && s[1] === '十') return (ZH_DIGIT[s[0]!] ?? 0) * 10;
  if (s.length === 3 && s[1] === '十') return (ZH_DIGIT[s[0]!] ?? 0) * 10 + (ZH_DIGIT[s[2]!] ?? 0);
  if (s.length === 2 && ZH_DIGIT[s[0]!] !== undefined && ZH_DIGIT[s[1]!] !== undefined) return Math.max(ZH_DIGIT[s[0]!]!, ZH_DIGIT[s[1]!]!); // 五六次
  if (s.length === 3 && [...s].every((ch) => ch !== '十' && ZH_DIGIT[ch] !== undefined)) return Math.max(...[...s].map((ch) => ZH_DIGIT[ch]!)); // 三四五次: the upper end
  if (s.length === 1) return ZH_DIGIT[s] ?? null;
  return null;
}

const EN_NUMBER: Readonly<Record<string, number>> = { once: 1, twice: 2, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

/** Episodes per day stated in a clause ("拉肚子5次", "diarrhea 6 times", "五六次", "x8"), or null. */
export function parseEpisodeCount(clause: string): number | null {
  let best: number | null = null;
  const take = (n: number | null): void => {
    if (n !== null && n > 0 && n < 100) best = best === null ? n : Math.max(best, n);
  };
  for (const m of clause.matchAll(/(\d{1,2}|十几|十来|十多|[一二两三四五六七八九十]{1,3})\s*(次|回|趟|遍)(?!药)/gu)) take(zhNumber(m[1]!));
  for (const m of clause.matchAll(/(?<![a-z\d.])(\d{1,2})\s*(x|times?|bowel movements?|stools?|(loose|watery|runny) (stools?|poops?|poos?))(?![a-z])/gu)) take(Number(m[1]));
  for (const m of clause.matchAll(/(?<![a-z])x\s*(\d{1,2})(?![\d.])/gu)) take(Number(m[1]));
  // "…, 6 today" / "今天6": a number alone beside a day word, in a clause of its own
  const dayCount = /^(?:(?:today|yesterday|今天|昨天|前天)\s*(\d{1,2})|(\d{1,2})\s*(?:today|yesterday|今天|昨天|前天))$/u.exec(clause.trim());
  if (dayCount) take(Number(dayCount[1] ?? dayCount[2]));
  for (const m of clause.matchAll(/(?<![a-z])(once|twice|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)( times?)?(?![a-z])/gu)) {
    if (m[1] === 'once' || m[1] === 'twice' || m[2]) take(EN_NUMBER[m[1]!] ?? null);
  }
  return best;
}

// ── symptom finding ─────────────────────────────────────────────────────────────────────

interface Hit {
  start: number;
  end: number;
  entry: LexiconEntry;
  /** Matched a RegExp pattern, which may carry intensity words inside ("眼睛有点黄"). */
  flexible: boolean;
}

interface Finding {
  entry: LexiconEntry;
  clause: number;
  /** Where in its clause (the order of two mentions of one symptom). */
  start: number;
  grade: number | null;
}

// "别" (don't) is not the 别 of 特别 (especially, very), 分别 or 区别.
const NEG_BEFORE_ZH = /(没有|没|不太会|不怎么会|不|无|未|(?<![特分区级])别|并无|从没|从未|不再|没再|也没有|也没|都没有|都没|不会|不用)(再|有|怎么|是|觉得|感觉|出现|发生|什么|任何|再有|发现)?\s?$/u;
const NEG_BEFORE_EN = /(?<![a-z])(no|not|without|never|dont|didnt|doesnt|havent|hasnt|isnt|arent|wasnt|nor|none|zero|denies|no more|any more)(?![a-z])(\s+[a-z]+){0,3}\s*$/u;
/** Time and degree words that may sit between a symptom and "gone": "发烧今天好了", "烧也退了". */
const RESOLVED_LEAD_ZH = '(今天|现在|已经|都|也|早就|基本|基本上|就|昨天|今早|后来|目前|完全|这两天|这几天|最近|这阵子|这会儿)*';
const RESOLVED_AFTER = new RegExp(
  `^\\s*${RESOLVED_LEAD_ZH}(好了|退了|退下去了|没了|消了|消下去了|下去了|消失了|停了|止住了|不见了|好啦|退啦|痊愈|阴性|不痛了|不疼了|愈合了|长好了|好利索了)` +
    // "the rash from last week has cleared up", "the nausea i had before has stopped": a few words of when, then gone
    '|^\\s*((from|since|that|which|i had|i have had|i got)( [a-z]+){0,3} )?(is |has |have |are |was |test |test was |test is |it )?(all |finally |completely |totally |now |mostly )?(gone|went away|went down|came down|broke|has broken|resolved|stopped|cleared( up)?|better now|negative|disappeared|healed|has healed|is healed|healed up)(?![a-z])',
  'u',
);
/** A clause that only says "it is gone": it resolves what the clause before it named ("前两天拉肚子，现在好了"). */
const RESOLUTION_CLAUSE = new RegExp(
  `^${RESOLVED_LEAD_ZH}(好了|没事了|退了|消了|消下去了|下去了|不见了|停了|痊愈了?|基本不痛了|不痛了|不疼了|没有了|都好了)$` +
    '|^(but )?(it |that |they |this |which )?(has |have |is |are |was )?(all )?(gone|went away|went down|cleared( up)?|resolved|stopped|better now|fine now|disappeared)( now)?$',
  'u',
);
/** A day named in a clause: counts given day by day. */
const DAY_WORD = /今天|昨天|前天|今日|昨日|(?<![a-z])(today|yesterday)(?![a-z])/u;
/** What may be left of a clause besides its intensity words for it to be "only an intensity" ("还有一点", "it's mild"). */
const ONLY_INTENSITY_REST = /^(\s|[的了吧啊呢嘛哈是还就只也但]|(?<![a-z])(it|its|is|but|just|only|still|and)(?![a-z]))*$/u;
/** What may sit between two symptoms of one negated list: "没有恶心呕吐", "没有恶心、呕吐或腹泻". */
const LIST_JOIN = /^\s*(和|或|或者|跟|与|及|也|、|and|or|nor)?\s*$/u;

type Presence = 'present' | 'denied' | 'resolved';

/**
 * Whether the patient says a symptom is there, denies it ("没有发烧", "no fever", "从没发烧过"),
 * or says it is gone ("烧退了", "不拉了", "no more nausea", "not coughing anymore", "rash is gone").
 */
function presence(clause: string, hit: Hit): Presence {
  const before = clause.slice(Math.max(0, hit.start - 24), hit.start);
  const beforeZh = clause.slice(Math.max(0, hit.start - 6), hit.start);
  const after = clause.slice(hit.end, hit.end + 16);
  if (/不太\s?$/u.test(beforeZh)) return 'present'; // 不太恶心 = a little, handled as intensity 1
  // A negation inside a site pattern, right before its swelling ("眼皮不肿了", "eyelids arent swollen anymore").
  const inner = clause.slice(hit.start, hit.end);
  const innerZh = /(不再|不|没有再|没再|没有|没)(肿|大了|肿大|鼓|胀|痛|疼|作痛|晕)$/u.exec(inner);
  if (innerZh) return /再/u.test(innerZh[1]!) || /^\s*了/u.test(after) ? 'resolved' : 'denied';
  const innerEn = /(?<![a-z])(isnt|arent|is not|are not|not|no longer)( [a-z]+)? (swollen|puffy)$/u.exec(inner);
  if (innerEn) return innerEn[1] === 'no longer' || /^\s*(any ?more|now)(?![a-z])/u.test(after) ? 'resolved' : 'denied';
  const zh = NEG_BEFORE_ZH.exec(beforeZh);
  if (zh) return /再/u.test(zh[0]) || /^\s*了/u.test(after) ? 'resolved' : 'denied';
  // an English "no" right before a Chinese symptom denies it too ("no 恶心")
  const en = /[a-z]/.test(clause.slice(hit.start, hit.end)) ? NEG_BEFORE_EN.exec(before) : /(?<![a-z])(no|not|never|without|zero)\s*$/u.exec(before);
  if (en) return /no more|any more/u.test(en[0]) || /^\s*(any ?more|now)(?![a-z])/u.test(after) ? 'resolved' : 'denied';
  if (/^\s*(test |test was |test is |is |was )?(阴性|negative)/u.test(after)) return 'denied'; // a negative test: never there
  // A longer look for "gone": a few English words of when may come first ("… from last week has cleared up").
  return RESOLVED_AFTER.test(clause.slice(hit.end, hit.end + 48)) ? 'resolved' : 'present';
}

const PLAIN_PATTERNS = new WeakSet<RegExp>();
for (const { entry, patterns } of COMPILED_LEXICON) {
  const sources = [...entry.zh, ...entry.en];
  patterns.forEach((re, i) => {
    if (typeof sources[i] === 'string') PLAIN_PATTERNS.add(re);
  });
}
function isPlainPattern(re: RegExp): boolean {
  return PLAIN_PATTERNS.has(re);
}

function findHits(clause: string): Hit[] {
  const raw: Hit[] = [];
  for (const { entry, patterns } of COMPILED_LEXICON) {
    for (const re of patterns) {
      re.lastIndex = 0;
      for (const m of clause.matchAll(re)) {
        if (m[0].length === 0) continue;
        raw.push({ start: m.index, end: m.index + m[0].length, entry, flexible: !isPlainPattern(re) });
      }
    }
  }
  // Longest first; a hit contained in an accepted longer hit is dropped ("想吐" hides "吐").
  raw.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const accepted: Hit[] = [];
  for (const h of raw) {
    if (accepted.some((a) => a.start <= h.start && h.end <= a.end)) continue;
    accepted.push(h);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

interface Mod {
  start: number;
  end: number;
  level: 1 | 2 | 3 | 4;
  /** Index of the flexible hit this modifier sits inside, if any. */
  inside?: number;
}

function findModifiers(clause: string, hits: readonly Hit[]): Mod[] {
  const mods: Mod[] = [];
  INTENSITY_RE.lastIndex = 0;
  for (const m of clause.matchAll(INTENSITY_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    const level = INTENSITY_LEVEL.get(m[0]);
    if (level === undefined) continue;
    const host = hits.findIndex((h) => start < h.end && h.start < end);
    if (host < 0) mods.push({ start, end, level });
    else if (hits[host]!.flexible && start >= hits[host]!.start && end <= hits[host]!.end) mods.push({ start, end, level, inside: host });
    // else: part of a fixed symptom phrase ("轻生"), not an intensity word
  }
  return mods;
}

/** Intensity level for each hit: a modifier just before binds to the next symptom, else one just after, else the clause's only one. */
function assignIntensity(hits: readonly Hit[], mods: readonly Mod[]): (number | null)[] {
  const out: (number | null)[] = hits.map(() => null);
  const used = new Set<Mod>(mods.filter((m) => m.inside !== undefined));
  const MAX_GAP = 6;
  for (const m of mods) {
    if (m.inside !== undefined) out[m.inside] = Math.max(out[m.inside] ?? 0, m.level);
  }
  hits.forEach((h, i) => {
    if (out[i] !== null) return;
    const prevEnd = i > 0 ? hits[i - 1]!.end : 0;
    const before = mods.filter((m) => !used.has(m) && m.end <= h.start && m.start >= prevEnd && h.start - m.end <= MAX_GAP);
    if (before.length > 0) {
      const best = before.reduce((a, b) => (b.level > a.level ? b : a));
      out[i] = best.level;
      before.forEach((m) => used.add(m));
    }
  });
  hits.forEach((h, i) => {
    if (out[i] !== null) return;
    const nextStart = i + 1 < hits.length ? hits[i + 1]!.start : Number.POSITIVE_INFINITY;
    const after = mods.filter((m) => !used.has(m) && m.start >= h.end && m.end <= nextStart && m.start - h.end <= MAX_GAP + 4);
    if (after.length > 0) out[i] = after.reduce((a, b) => (b.level > a.level ? b : a)).level;
  });
  const free = mods.filter((m) => m.inside === undefined);
  if (hits.length === 1 && out[0] === null && free.length > 0) out[0] = free.reduce((a, b) => (b.level > a.level ? b : a)).level;
  return out;
}

// ── commands, dose, answers ─────────────────────────────────────────────────────────────

function stripFillers(text: string): string {
  let s = text;
  for (const f of FILLERS_ZH) s = s.split(f).join(' ');
  const words = s
    .split(/\s+/)
    .filter((w) => w !== '' && !FILLERS_EN.has(w));
  // "stop stop" / "退订退订" → one
  const dedup = words.filter((w, i) => i === 0 || w !== words[i - 1]);
  return dedup.join(' ').replace(/^(.+?)\1+$/u, '$1').trim();
}

function detectCommand(whole: string, folded: string): 'opt_out' | 'opt_in' | 'help' | null {
  if (/^[\s?？¿]+$/u.test(folded) && /[?？]/u.test(folded)) return 'help';
  const core = stripFillers(whole).replace(/(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu, '');
  if (core === '') return null;
  if (OPT_OUT.test(core)) return 'opt_out';
  if (OPT_IN.test(core)) return 'opt_in';
  if (HELP.test(core)) return 'help';
  return null;
}

function anyMatch(res: readonly RegExp[], text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const re of res) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

interface DoseReading {
  answer: 'taken' | 'missed' | null;
  missedDrugs: DrugKey[];
}

/** `clauses`: the same clauses before symptoms were blanked out of them (same positions): "吃了感冒药" names a medicine through a symptom word. */
function readDose(residualClauses: readonly string[], clauses: readonly string[] = residualClauses): DoseReading {
  let anyMissed = false;
  let anyTaken = false;
  const missedDrugs = new Set<DrugKey>();
  const unboundDrugs = new Set<DrugKey>();
  for (const [ci, c] of residualClauses.entries()) {
    const original = clauses[ci] ?? c;
    const missed = anyMatch(COMPILED_MISSED, c);
    const takenRaw = anyMatch(COMPILED_TAKEN, c);
    const taken = takenRaw.filter((t) => !missed.some((m) => t.start < m.end && m.start < t.end) && !OTHER_MEDICINE_AFTER.test(original.slice(t.end, t.end + 24)));
    if (missed.length > 0) anyMissed = true;
    if (taken.length > 0) anyTaken = true;
    const phrases = [...missed.map((m) => ({ ...m, kind: 'missed' as const })), ...taken.map((t) => ({ ...t, kind: 'taken' as const }))];
    for (const { key, re } of COMPILED_DRUGS) {
      re.lastIndex = 0;
      for (const m of c.matchAll(re)) {
        const ds = m.index;
        const de = ds + m[0].length;
        if (phrases.length === 0) {
          unboundDrugs.add(key);
          continue;
        }
        const dist = (p: { start: number; end: number }): number => (p.end <= ds ? ds - p.end : p.start >= de ? p.start - de : 0);
        const nearest = phrases.reduce((a, b) => (dist(b) < dist(a) ? b : a));
        if (nearest.kind === 'missed') missedDrugs.add(key);
      }
    }
  }
  if (anyMissed && missedDrugs.size === 0 && !anyTaken) unboundDrugs.forEach((d) => missedDrugs.add(d));
  return { answer: anyMissed ? 'missed' : anyTaken ? 'taken' : null, missedDrugs: [...missedDrugs] };
}

/** Numbers with a unit are measurements, not menu choices or scale answers. */
function stripMeasurements(text: string): string {
  return text
    .replace(/\d+(\.\d+)?\s*(次|回|趟|遍|天|日|周|星期|斤|公斤|kg|mg|g|毫克|片|粒|times?|days?|weeks?|x|度|°\s*[cf]?|c(?![a-z])|f(?![a-z])|小时|hours?|点|岁|个|%|号)/gu, ' ')
    .replace(/\d+\.\d+/gu, ' ');
}

function parseSeverityAnswer(residual: string): SeverityValue | null {
  const core = stripFillers(stripMeasurements(residual).replace(/\s+/g, ' ').trim());
  const digits = core.match(/\d+/gu) ?? [];
  if (digits.length === 1) {
    const n = Number(digits[0]);
    return n >= 0 && n <= 4 ? (n as SeverityValue) : null;
  }
  if (digits.length > 1) return null;
  // "not at all" before the fillers are dropped ("all" is one)
  const plain = stripMeasurements(residual).replace(/\s+/g, ' ').trim();
  if (NONE_WORDS.has(core) || /^(无|没有|none|no|not at all|一点也没有|完全没有|没有了)$/u.test(core) || /^(not at all|none at all)$/u.test(plain)) return 0;
  // "not really", "barely": the patient picked this symptom a moment ago, so mild, not none (docs/replies.md)
  if (/^(not really|not much|barely|hardly|hardly at all|only a little|just a little|a tiny bit)$/u.test(plain)) return 1;
  if (/^(中|一般|medium|中等程度)$/u.test(core)) return 2;
  if (/^(重|重的)$/u.test(core)) return 3;
  INTENSITY_RE.lastIndex = 0;
  let best: number | null = null;
  for (const m of core.matchAll(INTENSITY_RE)) {
    const l = INTENSITY_LEVEL.get(m[0]);
    if (l !== undefined) best = best === null ? l : Math.max(best, l);
  }
  return best === null ? null : (best as SeverityValue);
}

/** Words that may stand beside a "none" word without changing it: time and thanks ("nope, all good this week", "0 没什么"). */
const NONE_COMPANIONS: ReadonlySet<string> = new Set(['this', 'week', 'today', 'so', 'far', 'lately', 'thanks', 'thank', 'you', 'really', '本周', '这周', '这礼拜', '这个礼拜', '最近', '目前', '谢谢']);

/** "0 没什么", "no all fine this week thanks", "都挺好的 没有": several words, each a "none" word or a companion. */
function allNone(core: string): boolean {
  const words = core.split(/\s+/u).filter((w) => w !== '').map((w) => w.replace(/[的了啊呀哈嘛呢吧]+$/u, ''));
  return words.length > 1 && words.some((w) => NONE_WORDS.has(w)) && words.every((w) => w === '' || NONE_WORDS.has(w) || WEAK_NO.has(w) || NONE_COMPANIONS.has(w));
}

function parseYesNo(residual: string): boolean | null {
  const core = stripFillers(stripMeasurements(residual).replace(/\s+/g, ' ').trim());
  if (core === '1' || WEAK_YES.has(core)) return true;
  if (core === '2' || NONE_WORDS.has(core) || WEAK_NO.has(core) || allNone(core)) return false;
  if (/^(有|yes|y)\s/u.test(core)) return true;
  if (/^(没有|无|no|n|否)\s/u.test(core)) return false;
  return null;
}

/** "第2个", "第二项", "2号" on a numbered menu: the number alone (before "个"/"号" are stripped as counts). */
function ordinalsToNumbers(text: string): string {
  return text
    .replace(/第\s*(\d+|[一二两三四五六七八九十]+)\s*(个|项|种|条|号)?/gu, (_m, n: string) => ` ${zhNumber(n) ?? n} `)
    .replace(/(\d+)\s*(号|项)/gu, ' $1 ');
}

function parseItemKeys(residual: string, items: readonly { key: string; term: string }[]): string[] | null {
  const cleaned = stripMeasurements(ordinalsToNumbers(residual));
  const core = stripFillers(cleaned.replace(/\s+/g, ' ').trim());
  if (core !== '' && (NONE_WORDS.has(core) || allNone(core))) return [];
  const nums = cleaned.match(/\d+/gu) ?? [];
  if (nums.length === 0) return null;
  const keys: string[] = [];
  const add = (n: number): boolean => {
    const it = items[n - 1];
    if (n >= 1 && it !== undefined) {
      if (!keys.includes(it.key)) keys.push(it.key);
      return true;
    }
    return false;
  };
  for (const s of nums) {
    const n = Number(s);
    if (add(n)) continue;
    if (items.length <= 9 && s.length > 1) for (const d of s) add(Number(d)); // "25" → 2 and 5 on a short menu
  }
  return keys.length > 0 ? keys : null;
}

// ── language ────────────────────────────────────────────────────────────────────────────

const NEUTRAL_LATIN: ReadonlySet<string> = new Set(['mmf', 'lef', 'ok', 'okay', 'okk', 'td', 't', 'c', 'f', 'pred', 'cellcept', 'arava', 'x', 'kg', 'mg', 'g', 'covid', 'ct', 'bp', 'y', 'n']);

export function detectLanguage(whole: string): ReplyLanguage {
  const han = (whole.match(/\p{Script=Han}/gu) ?? []).length;
  const words = whole.match(/[a-z]+/g) ?? [];
  const meaningful = words.filter((w) => !NEUTRAL_LATIN.has(w)).length;
  if (han > 0) return meaningful > 0 ? 'mixed' : 'zh';
  if (meaningful > 0) return 'en';
  return 'unknown';
}

// ── main ───────────────────────────────────────────────────────────────────────────────

function blank(text: string, spans: readonly { start: number; end: number }[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

function mergeItem(items: InterpretedItem[], term: string, grade: number | null): void {
  const existing = items.find((i) => i.term === term);
  if (!existing) {
    items.push({ term, grade });
    return;
  }
  if (grade !== null && (existing.grade === null || grade > existing.grade)) existing.grade = grade;
}

function feverGrade(t: number): number | null {
  if (t < 38) return null;
  if (t <= 39) return 1;
  if (t <= 40) return 2;
  return 3; // > 40 °C; grade 4 needs > 24 h, which a single reply does not tell
}

/** CTCAE v5.0 Diarrhea by stools a day (over baseline, which a reply does not give): < 4 → 1, 4–6 → 2, ≥ 7 → 3. */
function diarrheaGrade(count: number): number {
  return count >= 7 ? 3 : count >= 4 ? 2 : 1;
}

/** CTCAE v5.0 Vomiting by episodes in 24 h: 1–2 → 1, 3–5 → 2, ≥ 6 → 3. */
function vomitingGrade(count: number): number {
  return count >= 6 ? 3 : count >= 3 ? 2 : 1;
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function interpretUnsafe(text: string, context: ReplyContext): Interpretation {
  const folded = foldText(text);
  const whole = cleanFolded(folded);
  const language = detectLanguage(whole);
  const q = context?.openQuestion ?? null;
  const base = { items: [] as InterpretedItem[], redFlag: false, relapseSignal: false, language };

  const clauses = normalizeClauses(text);
  const command = detectCommand(whole, folded);
  // A message that names a symptom is never a command, however few its other words: "i just want
  // it all to end" is all fillers but "end" (STOP), and must be read as what it is, not unsubscribe.
  if (command && !clauses.some((clause) => findHits(clause).length > 0)) return { intent: command, ...base };

  const findings: Finding[] = [];
  const resolvedFindings: Finding[] = [];
  const residualClauses: string[] = [];
  const supplyDrugs = new Set<DrugKey>();
  let supply = false;
  clauses.forEach((clause, ci) => {
    const sup = findSupply(clause);
    if (sup.spans.length > 0) {
      supply = true;
      sup.drugs.forEach((d) => supplyDrugs.add(d));
    }
    // a supply phrase is not a symptom ("药没了" has no symptom, "断药" neither)
    const hits = findHits(clause).filter((h) => !sup.spans.some((sp) => h.start < sp.end && sp.start < h.end));
    const mods = findModifiers(clause, hits);
    const levels = assignIntensity(hits, mods);
    let prev: Presence = 'present';
    const latin = (h: Hit) => /[a-z]/.test(clause.slice(h.start, h.end));
    const joined = (i: number) => i > 0 && LIST_JOIN.test(clause.slice(hits[i - 1]!.end, hits[i]!.start)) && latin(hits[i - 1]!) === latin(hits[i]!);
    const presences = hits.map((h, i) => {
      const p = prev !== 'present' && joined(i) ? prev : presence(clause, h);
      prev = p;
      return p;
    });
    // "头痛和恶心都好了", "头痛恶心都没了": "gone" after the last of a list joined by a conjunction, or
    // said of "both" (都, all, both), is said of the whole list; "头痛 恶心好了" leaves the headache.
    for (let i = hits.length - 2; i >= 0; i--) {
      const after = clause.slice(hits[i + 1]!.end, hits[i + 1]!.end + 16);
      const conjunction = /\S/u.test(clause.slice(hits[i]!.end, hits[i + 1]!.start));
      const both = /^\s*(都|全|全都|(all|both)(?![a-z]))/u.test(after);
      if (presences[i] === 'present' && presences[i + 1] === 'resolved' && joined(i + 1) && (conjunction || both) && RESOLVED_AFTER.test(after)) presences[i] = 'resolved';
    }
    hits.forEach((h, i) => {
      let p = presences[i]!;
      // a bleed, a pregnancy or thoughts of self-harm that "stopped" still need a call today
      if (p === 'resolved' && h.entry.resolvable === false) p = 'present';
      if (p === 'denied') return;
      const level = levels[i] ?? null;
      const f: Finding = { entry: h.entry, clause: ci, start: h.start, grade: level === null ? null : Math.min(level, h.entry.maxGrade) };
      (p === 'resolved' ? resolvedFindings : findings).push(f);
    });
    // "头痛，有一点" / "nausea, a bit": a clause that is only an intensity grades the clause before it
    if (hits.length === 0 && ci > 0 && mods.length > 0 && ONLY_INTENSITY_REST.test(blank(clause, mods))) {
      const level = Math.max(...mods.map((m) => m.level));
      for (const f of findings) if (f.clause === ci - 1 && f.grade === null) f.grade = Math.min(level, f.entry.maxGrade);
    }
    // "前两天拉肚子，现在好了": a clause that only says "gone" resolves the clause before it
    if (hits.length === 0 && ci > 0 && RESOLUTION_CLAUSE.test(blank(clause, sup.spans).replace(/\s+/g, ' ').trim())) {
      for (let k = findings.length - 1; k >= 0; k--) {
        const f = findings[k]!;
        if (f.clause === ci - 1 && f.entry.resolvable !== false) {
          findings.splice(k, 1);
          resolvedFindings.push(f);
        }
      }
    }
    residualClauses.push(blank(clause, [...hits, ...sup.spans]));
  });

  // "前两天有点恶心，现在不恶心了": a symptom said present, then said gone in a later clause, is gone
  // (the patient's latest word on it wins). Not for what cannot go away (a bleed, a pregnancy).
  for (const r of resolvedFindings) {
    if (r.entry.resolvable === false) continue;
    for (let k = findings.length - 1; k >= 0; k--) {
      const f = findings[k]!;
      if (f.entry.id === r.entry.id && (f.clause < r.clause || (f.clause === r.clause && f.start < r.start))) findings.splice(k, 1);
    }
  }

  // Episode counts: the clause's own, else one said in a clause of its own ("拉肚子，一天两回").
  const clauseCounts = clauses.map((c) => parseEpisodeCount(c));
  const countGradedClauses = new Set(findings.filter((f) => f.entry.gradedBy === 'count').map((f) => f.clause));
  // Counts given day by day ("拉肚子，昨天2次，今天6次", "2 times yesterday, 6 today"): the highest, as for a range.
  const dayMarked = clauses.map((c) => DAY_WORD.test(c));
  const countFor = (ci: number): number | undefined => {
    const own = clauseCounts[ci];
    const loose = clauseCounts
      .map((n, i) => ({ n, i }))
      .filter(({ n, i }) => n !== null && i !== ci && !countGradedClauses.has(i))
      .sort((a, b) => Math.abs(a.i - ci) - Math.abs(b.i - ci) || b.i - a.i);
    if (own !== null && own !== undefined) {
      if (!dayMarked[ci]) return own;
      return Math.max(own, ...loose.filter(({ i }) => dayMarked[i]).map(({ n }) => n!));
    }
    const byDay = loose.filter(({ i }) => dayMarked[i]);
    if (byDay.length > 1) return Math.max(...byDay.map(({ n }) => n!));
    return loose[0]?.n ?? undefined;
  };

  const temperatureC = parseTemperatureC(whole);
  const items: InterpretedItem[] = [];
  const reasons: RedFlagReason[] = [];
  const relapse: RelapseSignal[] = [];
  const has = (id: string): boolean => findings.some((f) => f.entry.id === id);
  const feverMentioned = has('fever');
  const feverPresent = (temperatureC !== null && temperatureC >= 38) || (feverMentioned && (temperatureC === null || temperatureC >= 38));
  const skinMucosa = ['rash', 'blisters', 'mucositis', 'conjunctivitis', 'eye_pain', 'urticaria'].filter(has);
  const bloody = has('lgi_bleed');

  for (const f of findings) {
    const en = f.entry;
    let grade = f.grade;
    if (en.gradedBy === 'temperature') grade = temperatureC === null ? null : feverGrade(temperatureC);
    if (en.gradedBy === 'none') grade = null;
    const count = en.gradedBy === 'count' ? countFor(f.clause) : undefined;
    if (count !== undefined) grade = Math.min(en.id === 'vomiting' ? vomitingGrade(count) : diarrheaGrade(count), en.maxGrade);
    mergeItem(items, en.term, grade);
    if (en.relapse) relapse.push(en.relapse);
    let red = en.redFlag === 'always';
    if (en.redFlag === 'conditional') {
      if (en.id === 'fever') red = feverPresent;
      else if (en.id === 'diarrhea') red = (count !== undefined && count >= 4) || bloody || feverPresent;
      else if (en.id === 'rash') red = skinMucosa.some((id) => id !== 'rash' && id !== 'urticaria');
      else red = skinMucosa.some((id) => id !== en.id && !(en.id === 'conjunctivitis' && id === 'eye_pain') && !(en.id === 'eye_pain' && id === 'conjunctivitis') && id !== 'urticaria');
    }
    if (red && en.reason) reasons.push(en.reason);
    if (grade !== null && grade >= 3) reasons.push('grade_3_or_more');
  }
  if (temperatureC !== null && temperatureC >= 38) {
    mergeItem(items, TERMS.fever, feverGrade(temperatureC));
    reasons.push('fever');
    if ((feverGrade(temperatureC) ?? 0) >= 3) reasons.push('grade_3_or_more');
  }

  const hasFreeTextItems = items.length > 0;
  const relapseOnly = findings.length > 0 && findings.every((f) => !f.entry.adverseEvent) && !(temperatureC !== null && temperatureC >= 38);

  // Dose and conversation answers read what is left after symptom phrases are blanked out.
  const residual = residualClauses.join(' ').replace(/\s+/g, ' ').trim();
  const dose = readDose(residualClauses, clauses);
  let doseAnswer: 'taken' | 'missed' | undefined = dose.answer ?? undefined;
  let answer: ConversationAnswer | undefined;
  let answers: string | undefined;

  if (q?.kind === 'dose') {
    if (!doseAnswer) {
      const core = stripFillers(stripMeasurements(residual).replace(/\s+/g, ' ').trim());
      // The menu's 1 and 2 written as Chinese numerals, alone ("一", "贰"): the same answers.
      const tokens = core.split(' ').filter((t) => t !== '').map((t) => (/^(一|壹|幺)$/u.test(t) ? '1' : /^(二|两|贰)$/u.test(t) ? '2' : t));
      // A digit answers only a short reply ("1", "1 ok", "１。"): inside longer text ("alert(1)", "took 1 of 2") it is not the menu choice.
      const shortReply = tokens.length <= 3 && tokens.every((t) => t === '1' || t === '2' || !/[a-z]{3,}/u.test(t));
      if (shortReply && tokens.includes('1') && !tokens.includes('2')) doseAnswer = 'taken';
      else if (shortReply && tokens.includes('2') && !tokens.includes('1')) doseAnswer = 'missed';
      else if ((WEAK_YES.has(core) && (context.acknowledgementIsTaken !== false || !ACKNOWLEDGEMENTS.has(core))) || WEAK_TAKEN_RE.test(core)) doseAnswer = 'taken';
      else if (WEAK_NO.has(core) || WEAK_MISSED_RE.test(core)) doseAnswer = 'missed';
    }
    if (doseAnswer) answers = q.checkInId;
  } else if (q?.kind === 'side_effect_screen') {
    const yn = parseYesNo(residual);
    if (yn !== null) answer = { kind: 'yes_no', value: hasFreeTextItems ? true : yn };
    else if (hasFreeTextItems) answer = { kind: 'yes_no', value: true };
    // "0, the nausea i had before has stopped": a "none" first, then only what is gone, is a "no".
    else if (resolvedFindings.length > 0 && /^(0|零|no|nope|none|没有|没|无)(\s|$)/u.test(stripFillers(residual))) answer = { kind: 'yes_no', value: false };
  } else if (q?.kind === 'side_effect_items') {
    const keys = parseItemKeys(residual, q.items) ?? (hasFreeTextItems ? [] : null);
    if (keys !== null) {
      for (const it of items) {
        const match = q.items.find((qi) => qi.term === it.term);
        if (match && !keys.includes(match.key)) keys.push(match.key);
      }
      // free text that names nothing on the menu is a side_effect, not an items answer
      if (keys.length > 0 || !hasFreeTextItems) answer = { kind: 'items', keys };
    }
  } else if (q?.kind === 'side_effect_severity') {
    let v = hasFreeTextItems && !items.some((i) => i.term === q.term) ? null : parseSeverityAnswer(residual);
    if (v === null && items.length === 1 && items[0]!.term === q.term) {
      const f = findings.find((x) => x.entry.term === q.term);
      if (f && f.grade !== null) v = Math.min(f.grade, 4) as SeverityValue;
    }
    if (v !== null) {
      answer = { kind: 'severity', value: v };
      // the item comes from the answer: drop the free-text copy so the intent stays 'answer'
      const idx = items.findIndex((i) => i.term === q.term);
      if (idx >= 0) items.splice(idx, 1);
    }
  }
  if (answer && q) answers = q.checkInId;

  let intent: Intent;
  if (supply) intent = 'supply';
  else if (items.length > 0) intent = relapseOnly ? 'symptom' : 'side_effect';
  else if (answer) intent = 'answer';
  else if (doseAnswer === 'missed') intent = 'dose_missed';
  else if (doseAnswer === 'taken') intent = 'dose_taken';
  else intent = 'unclear';

  if (answer?.kind === 'severity' && q?.kind === 'side_effect_severity') {
    const g = compositeGradeFromSeverity(answer.value);
    if (g > 0) mergeItem(items, q.term, g);
    if (answer.value >= 3) reasons.push('severity_answer');
  }

  const redFlagReasons = uniq(reasons);
  const relapseSignals = uniq(relapse);
  const out: Interpretation = {
    intent,
    items,
    redFlag: redFlagReasons.length > 0,
    relapseSignal: relapseSignals.length > 0,
    language,
  };
  if (answers !== undefined) out.answers = answers;
  if (doseAnswer === 'missed' && dose.missedDrugs.length > 0) out.missedDrugs = dose.missedDrugs;
  if (temperatureC !== null) out.temperatureC = temperatureC;
  if (doseAnswer !== undefined) out.doseAnswer = doseAnswer;
  const doseSlot = doseAnswer !== undefined ? slotNamed(whole) : null;
  if (doseSlot) out.doseSlot = doseSlot;
  if (answer !== undefined) out.answer = answer;
  if (redFlagReasons.length > 0) out.redFlagReasons = redFlagReasons;
  if (relapseSignals.length > 0) out.relapseSignals = relapseSignals;
  if (supply && supplyDrugs.size > 0) out.supplyDrugs = [...supplyDrugs];
  const present = new Set(items.map((i) => i.term));
  const resolved = uniq(resolvedFindings.map((f) => f.entry.term).filter((t) => !present.has(t)));
  if (resolved.length > 0) out.resolved = resolved;
  return out;
}

const MORNING_RE = /早上|早晨|早饭|早餐|上午|清晨|morning|breakfast|\bam\b/u;
const EVENING_RE = /晚上|晚间|傍晚|晚饭|晚餐|睡前|今晚|evening|night|tonight|dinner|bedtime|\bpm\b/u;

/** Which dose time a reply names, when it names exactly one (the reply may answer another check-in than the latest). */
function slotNamed(whole: string): 'morning' | 'evening' | null {
  const morning = MORNING_RE.test(whole);
  const evening = EVENING_RE.test(whole);
  return morning === evening ? null : morning ? 'morning' : 'evening';
}

/** Interpret one SMS reply. Total: never throws, always returns a schema-valid Interpretation. */
export function interpretReply(text: string, context: ReplyContext): Interpretation {
  try {
    return interpretUnsafe(typeof text === 'string' ? text : '', context ?? { openQuestion: null });
  } catch {
    return { intent: 'unclear', items: [], redFlag: false, relapseSignal: false, language: 'unknown' };
  }
}
