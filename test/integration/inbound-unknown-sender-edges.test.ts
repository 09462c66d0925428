// Texts from numbers that are not a patient's, at their edges (in-memory repositories, fixed
// clock): which neutral reply goes (HELP, STOP, anything else), why one is withheld (a short code,
// a canned auto-reply, a repeat, the daily cap), the enrolled patients' calling codes read at most
// every CALLING_CODES_TTL_MINUTES, and the day's routine item for the number.
import { describe, expect, it } from 'vitest';
import { replyIdFor } from '#app/inbound/index.ts';
import { CALLING_CODES_TTL_MINUTES } from '#app/inbound/unknown-sender.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { senderRef } from '#domain/inbound-guards.ts';
import type { Protocol } from '#domain/protocol.ts';
import { memoryInbound, replyText } from '../support/inbound-memory.ts';

const bundled = loadProtocolFile();
const START = '2027-01-16T02:00:00.000Z'; // 10:00 Asia/Shanghai, 2027-01-16
const STRANGER = '+8613900139000';
const FOREIGN = '+447700900123';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

async function world(protocol: Protocol = bundled) {
  const w = memoryInbound(protocol, START);
  await w.enroll();
  return w;
}

describe('the neutral reply to an unknown number', () => {
  it('HELP gets the help text in English, recorded as the unknown-number reply', async () => {
    const w = await world();
    const result = await w.deliver(w.text('HELP', START, { from: STRANGER, id: 'in-help' }));
    expect(result.withheldReplies).toEqual([]);
    expect(w.sms.sent.map((s) => [s.to, s.body])).toEqual([[STRANGER, replyText(bundled, 'en', 'reply.help')]]);
    expect(await w.repos.messages.getOutbound(replyIdFor('in-help', 'unknown_number'))).toMatchObject({ purpose: 'reply', to: STRANGER });
  });

  it('STOP gets the stop confirmation, anything else the unknown-number text', async () => {
    const w = await world();
    await w.deliver(w.text('STOP', START, { from: STRANGER }));
    await w.deliver(w.text('你好，请问这是哪里', START, { from: '+8613900139001' }));
    expect(w.sms.sent.map((s) => s.body)).toEqual([replyText(bundled, 'en', 'reply.stop_confirm'), replyText(bundled, 'zh-CN', 'reply.unknown_number')]);
  });
});

describe('why the neutral reply is withheld', () => {
  it('a short code cannot be answered: withheld as short_code', async () => {
    const w = await world();
    const result = await w.deliver(w.text('你好', START, { from: '10086' }));
    expect(result.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'short_code' }]);
    expect(w.sms.sent).toEqual([]);
  });

  it('a canned auto-reply as the first text of the day: withheld as auto_reply', async () => {
    const w = await world();
    const result = await w.deliver(w.text("I'm driving, I'll text you later", START, { from: STRANGER }));
    expect(result.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'auto_reply' }]);
    expect(w.sms.sent).toEqual([]);
  });

  it('the same text again: withheld as a repeat, not as "answered today"', async () => {
    const w = await world();
    await w.deliver(w.text('你好，请问这是哪里', START, { from: STRANGER }));
    const again = await w.deliver(w.text('你好，请问这是哪里', at(1), { from: STRANGER }));
    expect(again.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'repeat' }]);
    const other = await w.deliver(w.text('请回复', at(2), { from: STRANGER }));
    expect(other.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'unknown_answered_today' }]);
    expect(w.sms.sent).toHaveLength(1);
  });

  it('with a daily cap of 2, the third unknown number of the day gets no reply (unknown_daily_cap)', async () => {
    const capped = { ...bundled, inbound: { ...bundled.inbound, unknownSenders: { ...bundled.inbound.unknownSenders, maxRepliesPerDay: 2 } } };
    const w = await world(capped);
    const reasons = [];
    for (const [i, from] of ['+8613900139001', '+8613900139002', '+8613900139003'].entries()) {
      reasons.push((await w.deliver(w.text('你好', at(i), { from }))).withheldReplies);
    }
    expect(reasons).toEqual([[], [], [{ purpose: 'unknown_number', reason: 'unknown_daily_cap' }]]);
    expect(w.sms.sent.map((s) => s.to)).toEqual(['+8613900139001', '+8613900139002']);
  });
});

describe('the enrolled patients\' calling codes (no list in the protocol)', () => {
  it('are read again only after CALLING_CODES_TTL_MINUTES: a UK patient enrolled meanwhile makes a UK number answered from then on', async () => {
    const w = await world();
    expect(bundled.inbound.unknownSenders.allowedCallingCodes).toBeUndefined();
    const first = await w.deliver(w.text('hello', START, { from: FOREIGN }));
    expect(first.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'country_not_allowed' }]);
    await w.enroll({ id: 'pat-uk', studyId: 'IGG4-UK', phone: '+447700900999' });
    const cached = await w.deliver(w.text('hello there', at(CALLING_CODES_TTL_MINUTES - 1), { from: FOREIGN }));
    expect(cached.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'country_not_allowed' }]);
    const reread = await w.deliver(w.text('who is this', at(CALLING_CODES_TTL_MINUTES), { from: FOREIGN }));
    expect(reread.withheldReplies).toEqual([]);
    expect(w.sms.sent.map((s) => [s.to, s.body])).toEqual([[FOREIGN, replyText(bundled, 'en', 'reply.unknown_number')]]);
  });
});

describe('the day\'s routine item for an unknown number', () => {
  it('counts the texts and the red flags in its title, and keeps the last red flag\'s terms', async () => {
    const w = await world();
    await w.deliver(w.text('你好', START, { from: STRANGER }));
    let [item] = (await w.repos.alerts.listByStatus('open')).items;
    expect(item!.title).toBe(`Texts from unknown number ${senderRef(STRANGER)} on 2027-01-16: 1 (review; not a patient)`);
    expect(item!.details).not.toHaveProperty('lastRedFlagTerms');
    await w.deliver(w.text('发烧39.5度', at(5), { from: STRANGER }));
    [item] = (await w.repos.alerts.listByStatus('open')).items;
    expect(item!.title).toBe(`Texts from unknown number ${senderRef(STRANGER)} on 2027-01-16: 2, 1 read as red flags (review; not a patient)`);
    expect(item!.details).toMatchObject({ count: 2, redFlags: 1, lastRedFlagTerms: ['Fever'] });
  });
});
