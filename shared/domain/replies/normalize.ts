/**
 * Text normalization for patient SMS replies (pure).
 *
 * normalize(): NFKC (full-width digits/letters/punctuation → ASCII), a few emoji → words,
 * lower-case, traditional → simplified (OpenCC, Taiwan variants → mainland, phrase-aware:
 * 睡不著 → 睡不着, 下麵 → 下面), punctuation and emoji → spaces (digits, decimal points between
 * digits and the degree sign kept, so "38.5度" and "101°F" survive), whitespace collapsed, then
 * common English typos fixed (an explicit map, plus Damerau distance 1 for keywords of ≥ 5 letters).
 */
// The converter and its dictionaries: a side module (shared/lazy/README.md), built into its own
// file beside the Lambda's index.mjs and loaded on first use; imported directly everywhere else.
import { createTraditionalToSimplified } from '#lazy/opencc';

/** Replies are SMS: anything past this many UTF-16 units is ignored (bounded work, never throws). */
export const MAX_INPUT_CHARS = 2000;

/**
 * The traditional → simplified converter (shared/domain/replies/opencc.ts: OpenCC tw → cn).
 * Built on first use (~0.3 s, once per process), and only for text that has a Han character.
 */
let t2s: ((text: string) => string) | null = null;
const HAN = /\p{Script=Han}/u;

/** Emoji (and a few symbols) that carry meaning in replies, mapped to words before stripping. */
const EMOJI_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u{1F44D}\u{1F44C}\u2705\u2714\u2611\u{1F197}]/gu, ' ok '], // 👍 👌 ✅ ✔ ☑ 🆗
  [/[\u274C\u274E\u2716\u{1F44E}]/gu, ' no '], // ❌ ❎ ✖ 👎
  [/\u{1F912}/gu, ' 发烧 '], // 🤒
  [/\u{1F92E}/gu, ' 呕吐 '], // 🤮
  [/\u{1F922}/gu, ' 恶心 '], // 🤢
  [/\u{1F915}/gu, ' 头痛 '], // 🤕
  [/\u{1F927}/gu, ' 感冒 '], // 🤧
  [/\u2103/gu, '°c'], // ℃
  [/\u2109/gu, '°f'], // ℉
];

/** Misspellings seen in real texting that edit distance 1 does not reach (or that are too short for it). */
const TYPO_MAP: Readonly<Record<string, string>> = {
  tooken: 'taken', tookn: 'taken', takn: 'taken', tkn: 'taken', takin: 'taken', tken: 'taken',
  fevr: 'fever', fver: 'fever', feaver: 'fever', feever: 'fever', fevar: 'fever', fiever: 'fever',
  diarhea: 'diarrhea', diarrea: 'diarrhea', diarreah: 'diarrhea', diarrhoea: 'diarrhea', diarhoea: 'diarrhea',
  diahrea: 'diarrhea', diahrrea: 'diarrhea', dirrhea: 'diarrhea', diarea: 'diarrhea', diareah: 'diarrhea', diarhhea: 'diarrhea',
  nausia: 'nausea', nasea: 'nausea', nausious: 'nauseous', nautious: 'nauseous', nauseus: 'nauseous',
  vomitting: 'vomiting', vommiting: 'vomiting', vomitted: 'vomited', vommited: 'vomited', vommit: 'vomit', puking: 'vomiting', puked: 'vomited',
  headach: 'headache', hedache: 'headache', headake: 'headache', hedake: 'headache',
  coff: 'cough', cofing: 'coughing', coughin: 'coughing', caugh: 'cough',
  tierd: 'tired', tird: 'tired', tyred: 'tired', exausted: 'exhausted',
  missd: 'missed', mised: 'missed', misssed: 'missed', fogot: 'forgot', frogot: 'forgot', forgott: 'forgot', forgor: 'forgot', forogt: 'forgot',
  itchey: 'itchy', ichy: 'itchy', rashes: 'rash', blisterd: 'blistered',
  pregant: 'pregnant', pregnat: 'pregnant', preggo: 'pregnant',
  breth: 'breath', brethe: 'breathe', breathles: 'breathless',
  jaundis: 'jaundice', jandice: 'jaundice',
  thx: 'thanks', thanx: 'thanks', tks: 'thanks', pls: 'please', plz: 'please', u: 'you', im: 'i am', ive: 'i have', cant: 'cannot', dont: 'dont',
  predisone: 'prednisone', prednisolone: 'prednisone', prednison: 'prednisone',
};

/**
 * English keywords that a one-edit typo is corrected to. Opt-out/opt-in words are deliberately
 * absent: a guess must never unsubscribe a patient.
 */
const FUZZY_TARGETS: readonly string[] = [
  'taken', 'missed', 'forgot', 'forgotten', 'skipped', 'fever', 'feverish', 'temperature', 'chills', 'shivering',
  'diarrhea', 'nausea', 'nauseous', 'nauseated', 'vomiting', 'vomited', 'vomit', 'cough', 'coughing',
  'breath', 'breathless', 'breathing', 'jaundice', 'yellow', 'bleeding', 'blood', 'bloody', 'stool', 'stools',
  'swelling', 'swollen', 'headache', 'tired', 'fatigue', 'exhausted', 'insomnia', 'sleep', 'itchy', 'itching',
  'blister', 'blisters', 'pregnant', 'period', 'positive', 'severe', 'unbearable', 'moderate', 'slight', 'slightly',
  'suicidal', 'confused', 'confusion', 'depressed', 'tingling', 'numbness', 'appetite', 'weight', 'stomach',
  'abdominal', 'thirsty', 'urine', 'urinating', 'eyelid', 'eyelids', 'mouth', 'ulcers', 'sores', 'dizzy',
  'dizziness', 'prednisone', 'mycophenolate', 'leflunomide', 'cellcept', 'constipated', 'hallucinations',
  'pneumonia', 'shortness', 'painful', 'bruising', 'bruises', 'vision', 'double', 'bulging', 'anxious',
];
const FUZZY_SET: ReadonlySet<string> = new Set(FUZZY_TARGETS);

/** Real words one edit away from a target: never "corrected". */
const PROTECTED_WORDS: ReadonlySet<string> = new Set([
  'token', 'taker', 'takes', 'misses', 'misted', 'mister', 'forgo', 'fewer', 'fiver', 'couch', 'blond', 'bloom',
  'stood', 'stoop', 'smelling', 'spelling', 'selling', 'tried', 'tires', 'tiled', 'timed', 'sheep', 'steep',
  'sleek', 'sleet', 'tinkling', 'breadth', 'breeding', 'bleeping', 'cancer', 'thirty', 'sorts', 'soles', 'sorer',
  'month', 'mouths', 'bluster', 'weigh', 'period', 'severs', 'slighty', 'doubly', 'vomits', 'thirst', 'about',
  'other', 'never', 'river', 'lever', 'cover', 'stole', 'stools', 'yellows', 'fellow', 'bellow', 'sleeps',
  'double', 'doubles', 'tired', 'piled', 'mossed', 'massed', 'messed', 'kissed', 'hissed', 'tooled',
]);

/** Optimal-string-alignment distance (Damerau: adjacent transposition counts 1), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prevPrev: number[] = new Array<number>(m + 1).fill(0);
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur: number[] = new Array<number>(m + 1).fill(0);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = cur;
  }
  return Math.min(prev[m]!, max + 1);
}

/** Correct one lower-case ASCII word: explicit map first, then a unique keyword at distance 1. */
export function correctTypo(word: string): string {
  const mapped = TYPO_MAP[word];
  if (mapped !== undefined) return mapped;
  if (word.length < 5 || word.length > 20 || FUZZY_SET.has(word) || PROTECTED_WORDS.has(word)) return word;
  if (!/^[a-z]+$/.test(word)) return word;
  let best: string | null = null;
  for (const target of FUZZY_TARGETS) {
    if (target.length < 5 || target[0] !== word[0]) continue;
    if (editDistance(word, target, 1) <= 1) {
      if (best !== null && best !== target) return word; // ambiguous: leave alone
      best = target;
    }
  }
  return best ?? word;
}

/** Traditional → simplified (OpenCC tw → cn); text without Han characters is returned as is. */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  const convert = (t2s ??= createTraditionalToSimplified());
  return convert(text);
}

/** NFKC, emoji words, lower-case, traditional → simplified, apostrophes dropped. No punctuation stripping. */
export function foldText(input: unknown): string {
  let s = typeof input === 'string' ? input : '';
  if (s.length > MAX_INPUT_CHARS) s = s.slice(0, MAX_INPUT_CHARS);
  s = s.normalize('NFKC');
  for (const [re, word] of EMOJI_WORDS) s = s.replace(re, word);
  s = s.toLowerCase();
  s = toSimplified(s);
  s = s.replace(/['‘’`´]/g, '');
  for (const [re, word] of HOMOPHONE_SLIPS) s = s.replace(re, word);
  return s;
}

/**
 * Homophone slips of typed and voice-input Chinese that change a reading: 以 (yǐ) for 已 (already)
 * in "以经好了", "药以吃". Only the pairs whose wrong form means nothing else here.
 */
const HOMOPHONE_SLIPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/以经/gu, '已经'],
  // 以吃 / 以服 after anything but the words where 以 belongs (可以, 所以, 难以, 用以, 得以, 足以, 加以, 予以, 给以, 借以, 赖以)
  [/(?<=\p{Script=Han})(?<![可所难用得足加予给借赖])以(?=吃|服)/gu, '已'],
];

/** Strip punctuation/symbols (keeps letters, digits, combining marks, `°`, and `.` between digits), collapse spaces, fix typos. */
export function cleanFolded(folded: string): string {
  let s = folded.replace(/[^\p{L}\p{N}\p{M}°.\s]/gu, ' ');
  s = s.replace(/(?<!\d)\.|\.(?!\d)/g, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  if (s === '') return s;
  return s
    .split(' ')
    .map((w) => (/^[a-z]+$/.test(w) ? correctTypo(w) : w))
    .join(' ');
}

/** Full normalization of a reply (see module comment). Never throws. */
export function normalize(input: unknown): string {
  return cleanFolded(foldText(input));
}

/** Clause boundaries: sentence punctuation (not a decimal point) and "but"-type conjunctions. */
const CLAUSE_SPLIT = /[,，。!！?？;；、:：\n\r…~～]+|(?<!\d)\.|\.(?!\d)|\s+but\s+|但是|可是|不过|但/u;

/** The reply split into normalized clauses (empty clauses dropped). */
export function normalizeClauses(input: unknown): string[] {
  // "一天6、7次" / "六、七次" is one range, not two clauses
  const folded = foldText(input)
    .replace(/(\d)\s*、\s*(?=\d+\s*(次|回|趟))/gu, '$1-')
    .replace(/([一二两三四五六七八九十])、(?=[一二两三四五六七八九十]+(次|回|趟))/gu, '$1');
  const out: string[] = [];
  for (const part of folded.split(CLAUSE_SPLIT)) {
    const c = cleanFolded(part);
    if (c !== '') out.push(c);
  }
  return out;
}
