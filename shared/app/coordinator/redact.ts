/** Field names that carry a phone number somewhere in the system's records. */
const PHONE_FIELDS = new Set(['phone', 'from', 'to', 'originationNumber', 'destinationNumber']);
const E164 = /\+[1-9]\d{6,14}/g;

/**
 * Field names that carry free text somebody typed: a patient's SMS (`body`, `text`), a
 * coordinator's notes and reasons (withdrawal and change reasons, review notes, acknowledgement
 * notes, visit notes). Free text can name a person, a place, a diagnosis: monitors never see it.
 */
const FREE_TEXT_FIELDS = new Set(['statusReason', 'reason', 'resolvedReason', 'note', 'notes', 'ackNote', 'body', 'text', 'comment', 'overruleReason']);
/** A `reason` that is a code the system wrote (`paused`, `end_of_study`) is not free text. */
const CODE = /^[a-z][a-z0-9_.:-]{0,63}$/;

export const REDACTED = '[redacted]';

/**
 * A phone number written without + (as people write them in notes and texts): 7–15 digits in a
 * run that may hold spaces, dashes, dots or parentheses, not part of a word, an id or a date.
 */
const LOOSE_PHONE = /(?<![\w+:.=/&?#%-])\(?\d[\d\s().-]{5,22}\d(?![\w:%])/g;
/** A link the system made (an export's download URL) carries numbers that are not phones. */
const URL_TEXT = /^https?:\/\/\S+$/;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

function maskLoosePhones(text: string): string {
  if (URL_TEXT.test(text)) return text;
  return text.replace(LOOSE_PHONE, (run) => {
    const digits = run.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15 || DATE_LIKE.test(run)) return run;
    return '[redacted]';
  });
}

/**
 * A deep copy without identifiers: phone-number fields are dropped and anything left that looks
 * like an E.164 number is masked. Study IDs stay: they are the study's pseudonyms.
 */
export function withoutIdentifiers<T>(value: T): T {
  return strip(value, { freeText: false, keep: new Set() }) as T;
}

/**
 * What a monitor may see of anything: no identifiers (as `withoutIdentifiers`), no free text
 * (each free-text field's value becomes "[redacted]", so a monitor still sees that a reason was
 * given), and phone numbers written without + masked in whatever text is left. `keep` names
 * fields that hold text the system generated (a digest's text), which stay as they are.
 */
export function forMonitor<T>(value: T, options: { keep?: readonly string[] } = {}): T {
  return strip(value, { freeText: true, keep: new Set(options.keep ?? []) }) as T;
}

interface StripOptions {
  freeText: boolean;
  keep: ReadonlySet<string>;
}

function strip(value: unknown, options: StripOptions): unknown {
  if (typeof value === 'string') {
    const masked = value.replace(E164, '[redacted]');
    return options.freeText ? maskLoosePhones(masked) : masked;
  }
  if (Array.isArray(value)) return value.map((v) => strip(v, options));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (PHONE_FIELDS.has(key)) continue;
      if (options.freeText && FREE_TEXT_FIELDS.has(key) && !options.keep.has(key) && isFreeText(key, inner)) out[key] = REDACTED;
      else out[key] = strip(inner, options);
    }
    return out;
  }
  return value;
}

function isFreeText(key: string, value: unknown): boolean {
  if (typeof value !== 'string') return value !== null && value !== undefined && typeof value === 'object';
  if (value === '') return false;
  return key !== 'reason' || !CODE.test(value);
}
