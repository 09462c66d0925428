/**
 * The calibrated behaviour model of `npm run simulate` (docs/simulation-model.md gives each
 * figure its source). Every number a patient or a coordinator does is drawn here, from the
 * patient's own seeded stream, so a run is reproducible per seed.
 */

export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const MONTH_DAYS = 30.4375;

export const MODEL = {
  /** Share of dose check-ins answered: population mean at enrollment and at month 18 (linear in between). */
  answerRate: { start: 0.85, month18: 0.65, patientSpread: 0.08, min: 0.25, max: 0.99 },
  /** True missed doses per dose, per patient, uniform in this range. */
  missedDose: { min: 0.05, max: 0.1 },
  /** A patient who missed a dose and answers says so (the rest say "taken": social desirability). */
  honestWhenMissed: 0.85,
  /** Silent spells (travel, illness, a lost phone): per patient-month chance of starting one, and its length in days. */
  silentSpell: { perMonth: 0.06, minDays: 2, maxDays: 8 },
  /** Supply problems (ran out, no refill appointment, pharmacy out of stock): per patient-month; doses missed until solved. */
  supply: { perMonth: 0.03, minDays: 1, maxDays: 4 },
  /** Red flags texted spontaneously, per patient-day. */
  redFlagPerDay: { induction: 0.0015, maintenance: 0.0011 },
  /** Relapse signs texted spontaneously, per patient-day. */
  relapseSignPerDay: 0.0004,
  /** Physician-recorded relapse at a visit (the system never decides relapse). */
  relapsePerMaintenanceVisit: { MMF: 0.06, LEF: 0.045, induction: 0.01 },
  /** Weekly side-effect check-in: chance of reporting something, and the likely menu items. */
  sideEffects: {
    induction: { weekly: 0.12, items: [9, 2, 5, 1] },
    MMF: { weekly: 0.1, items: [1, 2, 9, 3, 10] },
    LEF: { weekly: 0.14, items: [1, 6, 2, 9, 4] },
  },
  /** Reply delay: most within 30 min, some within 3 h, a few after the answer window. */
  replyDelay: { fast: 0.8, slow: 0.94 },
  optOutRate: 0.04,
  withdrawRate: 0.05,
  /** One patient's phone answers every SMS with an automatic text (issue 13: reply budgets). */
  autoResponders: 1,
  autoReplyEveryMinutes: 30,
  /** One unknown number floods the study number for a few days (issue 13: strangers' budget). */
  flood: { numbers: 1, perDay: 25, days: 5, startDay: 40 },
  /** Coordinators work the worklist on working days: always mid-morning (after the daily summary), often again mid-afternoon. */
  coordinatorRounds: [
    { time: '09:45', chance: 1 },
    { time: '16:00', chance: 0.6 },
  ],
} as const;

/** The answer rate a patient with this personal offset has at study month `month`. */
export function answerRateAt(offset: number, month: number): number {
  const { start, month18, min, max } = MODEL.answerRate;
  const mean = start + ((month18 - start) * Math.min(Math.max(month, 0), 18)) / 18;
  return Math.min(max, Math.max(min, mean + offset));
}

/** A draw from a roughly normal spread (sum of uniforms), mean 0, standard deviation `sd`. */
export function spread(rng: () => number, sd: number): number {
  return (rng() + rng() + rng() + rng() - 2) * sd * Math.sqrt(3);
}

export const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Texts the simulated patients send, in both languages. */
export const TEXTS = {
  taken: { 'zh-CN': ['1', '１', '已服', '吃了', '1 已吃', '已吃药'], en: ['1', 'took it', 'taken', 'yes 1'] },
  missed: { 'zh-CN': ['2', '忘了吃', '漏服了', '2 没吃'], en: ['2', 'forgot', 'missed it'] },
  supply: {
    'zh-CN': ['药吃完了，还没去医院拿药', '药没有了', '药房没有这个药了', '激素吃完了，预约不上'],
    en: ['ran out of pills', 'out of my medicine, pharmacy had none', "can't get a refill until next week"],
  },
  redFlag: {
    induction: ['发烧38.5度', '发烧39度，咳嗽', 'fever 38.8'],
    MMF: ['发烧39度', '大便发黑', 'fever 39, chills'],
    LEF: ['咳嗽气短好几天了', '喘不上气', '皮疹很严重，全身都是'],
  },
  relapse: ['下颌下面又肿了', '眼睛周围又肿起来了', 'my neck glands are swollen again'],
  autoReply: { 'zh-CN': '【自动回复】您好，我现在不方便，稍后联系您。', en: 'Auto-reply: I am driving and will get back to you.' },
  flood: ['你好', '在吗', '贷款需要吗', '您好，请问是哪位', '?'],
} as const;
