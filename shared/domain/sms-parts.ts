/**
 * SMS part counting: what a message costs is its number of parts, not its length.
 *
 * GSM 03.38: the basic table costs one septet per character; the extension table costs two
 * (ESC + character). One part holds 160 septets, or 153 per part once the message is split
 * (the concatenation header takes the rest). Any character outside both tables switches the
 * whole message to UCS-2: 70 UTF-16 code units in one part, 67 per part when split. An emoji
 * outside the BMP is a surrogate pair: two code units.
 *
 * Splitting never cuts an escape sequence or a surrogate pair in two (handsets and gateways
 * keep them whole), so a two-unit character that does not fit at the end of a part moves to
 * the next one. This can cost one part more than a plain division would; it is what is billed.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsPartCount {
  encoding: SmsEncoding;
  /** Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2. */
  characters: number;
  parts: number;
  /** Capacity of each part in those units: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perPart: number;
}

// The GSM 03.38 default alphabet (ESC at 0x1B excluded: it is not a character you can send).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// The extension table: each costs two septets.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

/** Septets a character costs in GSM-7, or null when it is not in the GSM-7 tables. */
function gsm7Septets(char: string): 1 | 2 | null {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return null;
}

/** Counts how many parts `text` is sent as, and in which encoding. */
export function countSmsParts(text: string): SmsPartCount {
  // Iterating a string yields code points, so a surrogate pair stays one element.
  const chars = Array.from(text);
  const septets = chars.map(gsm7Septets);
  const isGsm7 = septets.every((s) => s !== null);
  const encoding: SmsEncoding = isGsm7 ? 'GSM-7' : 'UCS-2';
  const units: number[] = isGsm7 ? (septets as (1 | 2)[]) : chars.map((c) => c.length);
  const characters = units.reduce((sum, u) => sum + u, 0);
  const limits = LIMITS[encoding];

  if (characters === 0) return { encoding, characters: 0, parts: 0, perPart: limits.single };
  if (characters <= limits.single) return { encoding, characters, parts: 1, perPart: limits.single };

  let parts = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > limits.multi) {
      parts += 1;
      used = 0;
    }
    used += u;
  }
  return { encoding, characters, parts, perPart: limits.multi };
}

const SIGNATURE_PATTERN = /^【[^【】]{2,}】$/u;

/**
 * Prepends the registered China signature, e.g. `【协和医院】`. Mainland China requires it at the
 * start of every message and it counts toward the part size, so count parts on the result.
 * `signature` may be given with or without its brackets; without one the text is unchanged.
 * A text that already starts with the signature is not signed twice.
 */
export function withSignature(text: string, signature?: string): string {
  const trimmed = signature?.trim() ?? '';
  if (trimmed === '') return text;
  const bracketed = trimmed.startsWith('【') ? trimmed : `【${trimmed}】`;
  if (!SIGNATURE_PATTERN.test(bracketed)) {
    throw new RangeError('SMS signature must be at least 2 characters inside 【】');
  }
  return text.startsWith(bracketed) ? text : `${bracketed}${text}`;
}
