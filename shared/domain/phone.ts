import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/**
 * Can this number receive the study's SMS? Checked with libphonenumber-js and its full ("max")
 * metadata: the number must be valid for its country and of a type that receives SMS. A
 * landline, toll-free, premium, shared-cost, VoIP, pager or personal number cannot be trusted
 * to; a number the metadata cannot type is refused too (no one can tell). In the US and Canada
 * mobile and fixed lines share number ranges, so the library answers FIXED_LINE_OR_MOBILE there:
 * those are accepted (a landline among them fails at the first reminder and raises the usual
 * send-failure alert). Pure: no IO, no clock.
 * Why `max` and not the smaller `mobile` metadata: `mobile` knows only mobile ranges, so a landline
 * would be "not a valid phone number" instead of "a landline" (docs/performance.md, "Lean functions").
 * Only the coordinator API imports this (through `#lazy/phone`: in its Lambda, this module and
 * libphonenumber-js are a side module loaded on the first number checked, shared/lazy/README.md);
 * the reply paths use no phone library (inbound-guards.ts).
 */
export type PhoneCheck = { ok: true; e164: string; country: string | undefined; type: NumberType } | { ok: false; message: string };

const SMS_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

const TYPE_WORDS: Partial<Record<NonNullable<NumberType>, string>> = {
  FIXED_LINE: 'a landline',
  TOLL_FREE: 'a toll-free number',
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  VOIP: 'an internet (VoIP) number',
  PERSONAL_NUMBER: 'a personal (forwarding) number',
  PAGER: 'a pager number',
  UAN: 'a company number (UAN)',
  VOICEMAIL: 'a voicemail number',
};

/** Separators people type inside a number: spaces (also no-break), dashes, dots, parentheses. */
const SEPARATORS = /[\s\-().\u00a0]/gu;

export function checkMobileNumber(input: string): PhoneCheck {
  const typed = input.trim();
  const compact = typed.replace(SEPARATORS, '');
  if (!/^\+[1-9]\d{1,16}$/.test(compact)) {
    return { ok: false, message: 'must be a mobile number in international (E.164) form: + and the country code, e.g. +86 138 0013 8000' };
  }
  const parsed = parsePhoneNumberFromString(compact);
  if (!parsed || !parsed.isValid()) {
    return { ok: false, message: `${typed} is not a valid phone number${parsed?.country ? ` in ${parsed.country}` : ''}: check the country code and the digits` };
  }
  const type = parsed.getType();
  if (!SMS_TYPES.has(type)) {
    const what = type ? (TYPE_WORDS[type] ?? 'not a mobile number') : 'a number whose kind cannot be told';
    return { ok: false, message: `${typed} is ${what}: it cannot receive SMS; give the patient's mobile number` };
  }
  return { ok: true, e164: parsed.number, country: parsed.country, type };
}
