/**
 * The one JSON shape of an interpreted SMS reply: stored with the inbound message, returned by
 * the API and flattened into the CSV export. `interpretationSchema` is the single source of
 * truth; the TypeScript types below are checked against it at compile time.
 */
import * as z from '../zod.ts';

export const INTENTS = [
  'dose_taken',
  'dose_missed',
  /** Out of a medicine, cannot refill it, no appointment, pharmacy had none: never a dose answer of its own. */
  'supply',
  'side_effect',
  'symptom',
  'opt_out',
  'opt_in',
  'help',
  'answer',
  'unclear',
] as const;
export type Intent = (typeof INTENTS)[number];

export const DRUG_KEYS = ['prednisone', 'mmf', 'lef'] as const;
export type DrugKey = (typeof DRUG_KEYS)[number];

export const LANGUAGES = ['zh', 'en', 'mixed', 'unknown'] as const;
export type ReplyLanguage = (typeof LANGUAGES)[number];

/** Why a reply raised a same-day coordinator alert (trial-protocol.md, "Side effects and red flags"). */
export const RED_FLAG_REASONS = [
  'fever',
  'chills',
  'respiratory',
  'lung_infection',
  'jaundice',
  'gi_bleeding',
  'diarrhea',
  'skin_mucosa',
  'hyperglycemia',
  'pregnancy',
  'bleeding',
  'neuropsychiatric',
  'grade_3_or_more',
  'severity_answer',
] as const;
export type RedFlagReason = (typeof RED_FLAG_REASONS)[number];

/** Which IgG4-RD relapse sign a reply mentions (trial-protocol.md, "Symptoms that may signal relapse"). */
export const RELAPSE_SIGNALS = [
  'gland_swelling',
  'eye',
  'jaundice',
  'pruritus',
  'abdominal_back_pain',
  'weight_loss',
  'diabetes',
  'edema_oliguria',
  'respiratory',
  'headache',
  'lymph_nodes',
  'kidney',
  'aorta',
] as const;
export type RelapseSignal = (typeof RELAPSE_SIGNALS)[number];

export interface InterpretedItem {
  /** CTCAE v5.0 term, spelled exactly as in CTCAE v5.0. */
  term: string;
  /** CTCAE grade 1–4 when the reply lets us infer one, else null. */
  grade: number | null;
}

export type SeverityValue = 0 | 1 | 2 | 3 | 4;

export type ConversationAnswer =
  | { kind: 'yes_no'; value: boolean }
  | { kind: 'items'; keys: string[] }
  | { kind: 'severity'; value: SeverityValue };

export interface Interpretation {
  intent: Intent;
  items: InterpretedItem[];
  redFlag: boolean;
  relapseSignal: boolean;
  /** checkInId of the open question this reply answers. */
  answers?: string;
  /** Drug keys the patient named as missed (absent = none named; the check-in's drugs apply). */
  missedDrugs?: DrugKey[];
  /** Body temperature in °C when the reply states one (°F converted). */
  temperatureC?: number;
  language: ReplyLanguage;
  /** The dose answer carried by the reply, kept even when a side effect wins the intent. */
  doseAnswer?: 'taken' | 'missed';
  /** The dose time the reply names ("早上的药吃了", "missed my evening pills"), when it names exactly one. */
  doseSlot?: 'morning' | 'evening';
  /** The answer to an open conversation question (weekly side-effect check-in). */
  answer?: ConversationAnswer;
  /** Why redFlag is true (empty/absent when false). */
  redFlagReasons?: RedFlagReason[];
  /** Which relapse signs were mentioned (absent when relapseSignal is false). */
  relapseSignals?: RelapseSignal[];
  /** intent 'supply': the drugs the patient named as out / not refilled (absent = none named). */
  supplyDrugs?: DrugKey[];
  /** CTCAE terms the patient says are gone ("烧退了", "rash is gone"): recorded, neither present nor a red flag. */
  resolved?: string[];
}

export const interpretedItemSchema = z.strictObject({
  term: z.string().check(z.minLength(1)),
  grade: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(5))),
});

export const severityValueSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const conversationAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('yes_no'), value: z.boolean() }),
  z.strictObject({ kind: z.literal('items'), keys: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('severity'), value: severityValueSchema }),
]);

export const interpretationSchema = z.strictObject({
  intent: z.enum(INTENTS),
  items: z.array(interpretedItemSchema),
  redFlag: z.boolean(),
  relapseSignal: z.boolean(),
  answers: z.optional(z.string().check(z.minLength(1))),
  missedDrugs: z.optional(z.array(z.enum(DRUG_KEYS))),
  temperatureC: z.optional(z.number().check(z.minimum(25), z.maximum(45))),
  language: z.enum(LANGUAGES),
  doseAnswer: z.optional(z.enum(['taken', 'missed'])),
  doseSlot: z.optional(z.enum(['morning', 'evening'])),
  answer: z.optional(conversationAnswerSchema),
  redFlagReasons: z.optional(z.array(z.enum(RED_FLAG_REASONS))),
  relapseSignals: z.optional(z.array(z.enum(RELAPSE_SIGNALS))),
  supplyDrugs: z.optional(z.array(z.enum(DRUG_KEYS))),
  resolved: z.optional(z.array(z.string().check(z.minLength(1)))),
});

// Compile-time proof that the hand-written types and the schema describe the same shape.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesType: Exact<z.infer<typeof interpretationSchema>, Interpretation> = true;
const _itemMatchesType: Exact<z.infer<typeof interpretedItemSchema>, InterpretedItem> = true;
void _schemaMatchesType;
void _itemMatchesType;
