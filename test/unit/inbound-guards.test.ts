import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import minMetadata from 'libphonenumber-js/metadata.min.json' with { type: 'json' };
import { callingCodeOf, isAutoReply, knownCallingCodes, isRepeat, replyClassOf, replyVerdict, retainUntil, sameText, senderRef } from '#domain/inbound-guards.ts';

describe('isAutoReply: canned texts of phones and apps, zh-CN and en', () => {
  it.each([
    "I'm driving, I'll call you later",
    'I’m driving - sent from my car',
    'Auto-reply: I am out of the office until Monday',
    'AUTOMATIC REPLY: I am in a meeting',
    'Do not disturb while driving is on. I will get back to you when I arrive.',
    "I'll text you back later",
    "Can't talk right now",
    '[自动回复] 您好，我正在开车，稍后联系您',
    '【自動回覆】我在開車',
    '我在开车，稍后回复',
    '您好，机主现在不方便接听，请稍后再联系',
    '正在开会，晚点回你',
    '勿扰模式已开启',
  ])('"%s" is an auto-reply', (text) => expect(isAutoReply(text)).toBe(true));

  it.each(['1', '吃了', '忘了吃', '发烧39.5度', '有点恶心，拉肚子两次', 'what is this?', 'I forgot my evening pills', 'STOP', 'HELP', '', '开车的时候头晕'])(
    '"%s" is a patient\'s own words',
    (text) => expect(isAutoReply(text)).toBe(false),
  );
});

describe('repeats', () => {
  it('same words after normalization repeat; other words, or 12 hours apart, do not', () => {
    expect(sameText('这是什么', '这是什么？')).toBe(true);
    expect(sameText('WHAT  is this', 'what is this!')).toBe(true);
    expect(sameText('what is this', 'what was this')).toBe(false);
    expect(sameText('', '  ')).toBe(true);
    const at = (h: number) => new Date(Date.UTC(2027, 0, 16, h)).toISOString();
    expect(isRepeat({ body: 'ok?', receivedAt: at(0) }, { body: 'OK?', receivedAt: at(11) })).toBe(true);
    expect(isRepeat({ body: 'ok?', receivedAt: at(0) }, { body: 'ok?', receivedAt: at(13) })).toBe(false);
    expect(isRepeat(null, { body: 'ok?', receivedAt: at(0) })).toBe(false);
  });
});

describe('reply classes and verdicts', () => {
  it('urgent, confirmations and a conversation question after an answer are never withheld; the rest are budgeted', () => {
    expect(replyClassOf('urgent')).toBe('urgent');
    expect(replyClassOf('stop_confirm')).toBe('required');
    expect(replyClassOf('start_confirm')).toBe('required');
    expect(replyClassOf('conversation', { answersQuestion: true })).toBe('required');
    for (const purpose of ['conversation', 'unclear', 'thanks', 'dose_missed', 'help']) expect(replyClassOf(purpose)).toBe('budgeted');
    for (const replyClass of ['urgent', 'required'] as const) expect(replyVerdict({ replyClass, repeat: true, autoReply: true })).toBe('send');
    expect(replyVerdict({ replyClass: 'budgeted', repeat: true, autoReply: true })).toBe('repeat');
    expect(replyVerdict({ replyClass: 'budgeted', repeat: false, autoReply: true })).toBe('auto_reply');
    expect(replyVerdict({ replyClass: 'budgeted', repeat: false, autoReply: false })).toBe('ask_budget');
  });
});

describe('senders', () => {
  it('a stable hash without digits of the number; calling codes; retention deadline', () => {
    expect(senderRef('+8613900139999')).toMatch(/^#[0-9a-f]{8}$/);
    expect(senderRef('+8613900139999')).toBe(senderRef('+8613900139999'));
    expect(senderRef('+8613900139999')).not.toBe(senderRef('+8613900139998'));
    expect(callingCodeOf('+8613800138000')).toBe('86');
    expect(callingCodeOf('+15555550101')).toBe('1');
    expect(callingCodeOf('+447700900123')).toBe('44');
    expect(callingCodeOf('10690000')).toBeNull();
    expect(retainUntil('2027-01-16T00:30:00.000Z', 90)).toBe('2027-04-16T00:30:00.000Z');
  });
});

describe('callingCodeOf without libphonenumber-js (its list of codes instead of the library in every bundle that answers texts)', () => {
  const libraryCode = (phone: string) => parsePhoneNumberFromString(phone)?.countryCallingCode ?? null;

  it('knows exactly the calling codes of the library metadata', () => {
    expect(knownCallingCodes().sort()).toEqual([...Object.keys(minMetadata.country_calling_codes), ...Object.keys(minMetadata.nonGeographic)].sort());
  });

  it('answers what the library answers for every E.164 number (random, and every code followed by national prefixes)', () => {
    const e164 = fc.stringMatching(/^\+[1-9]\d{6,14}$/);
    const codeThenDigits = fc
      .tuple(fc.constantFrom(...knownCallingCodes()), fc.constantFrom('', '0', '00', '1', '8', '9', '010', '0800'), fc.stringMatching(/^\d{0,12}$/))
      .map(([code, prefix, rest]) => `+${code}${prefix}${rest}`)
      .filter((phone) => /^\+[1-9]\d{6,14}$/.test(phone));
    fc.assert(
      fc.property(fc.oneof(e164, codeThenDigits), (phone) => {
        expect(callingCodeOf(phone)).toBe(libraryCode(phone));
      }),
      { numRuns: 20_000 },
    );
    for (const code of knownCallingCodes()) expect(callingCodeOf(`+${code}1234567`)).toBe(libraryCode(`+${code}1234567`));
  });

  it('null for what is not E.164', () => {
    for (const text of ['', '+', '+0123456789', '8613800138000', '+86 138 0013 8000', '+2591234567', '+1234567890123456']) expect(callingCodeOf(text)).toBeNull();
  });
});

describe('edges found by the domain mutation run (docs/testing.md)', () => {
  it('texts that normalize to nothing (emoji only) repeat only when they are the same characters', () => {
    expect(sameText('😊', '😢')).toBe(false);
    expect(sameText('😊 ', ' 😊')).toBe(true);
    expect(sameText('😊', '😊')).toBe(true);
    const at = (h: number) => new Date(Date.UTC(2027, 0, 16, h)).toISOString();
    expect(isRepeat({ body: '😊', receivedAt: at(0) }, { body: '😢', receivedAt: at(0) })).toBe(false);
  });

  it('a text exactly 12 hours after the previous one still repeats it; a millisecond later it does not', () => {
    const t0 = Date.UTC(2027, 0, 16, 0);
    const previous = { body: 'ok?', receivedAt: new Date(t0).toISOString() };
    expect(isRepeat(previous, { body: 'ok?', receivedAt: new Date(t0 + 12 * 3_600_000).toISOString() })).toBe(true);
    expect(isRepeat(previous, { body: 'ok?', receivedAt: new Date(t0 + 12 * 3_600_000 + 1).toISOString() })).toBe(false);
  });

  it('a conversation question after an answer and the missed-dose guidance after a new "missed" are required; other replies stay budgeted', () => {
    for (const purpose of ['unclear', 'thanks', 'help', 'unknown_number']) {
      expect(replyClassOf(purpose, { answersQuestion: true })).toBe('budgeted');
    }
    expect(replyClassOf('conversation', { answersQuestion: true })).toBe('required');
    expect(replyClassOf('dose_missed', { answersQuestion: true })).toBe('required');
    expect(replyClassOf('conversation', { answersQuestion: false })).toBe('budgeted');
    expect(replyClassOf('dose_missed', { answersQuestion: false })).toBe('budgeted');
  });
});
