// The inbound entry points at their edges (in-memory repositories, fixed clock): a redelivery of a
// processed text, the scheduled retry finding it processed, busy or gone, a retry after a crash
// that had already sent the reply, how late a text counts as late, what a failure records, and
// the provider's metadata kept on the stored message (bounded).
import { describe, expect, it, vi } from 'vitest';
import { handleInboundSms, processStoredInbound } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { memoryInbound, PATIENT_PHONE, replyText, STUDY_NUMBER } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// Saturday 2027-01-16, 10:00 Asia/Shanghai.
const AT = '2027-01-16T02:00:00.000Z';
const later = (minutes: number, seconds = 0) => new Date(Date.parse(AT) + minutes * 60_000 + seconds * 1000).toISOString();

async function world() {
  const w = memoryInbound(protocol, AT);
  const patient = await w.enroll();
  return { ...w, patient };
}

describe('a redelivery of a processed text', () => {
  it('is a duplicate, answered from the stored message alone (no lease taken, nothing filed or sent again)', async () => {
    const w = await world();
    const record = w.text('我头痛', AT, { id: 'in-1' });
    await w.deliver(record);
    const claims = vi.spyOn(w.repos.messages, 'claimInboundProcessing');
    const again = await w.deliver(record, later(1));
    expect(again).toMatchObject({ status: 'duplicate', inboundMessageId: 'in-1', studyId: 'IGG4-001', reportIds: [], replyIds: [] });
    expect(claims).not.toHaveBeenCalled();
    expect(w.sms.sent).toHaveLength(1);
  });
});

describe('the scheduled retry (processStoredInbound)', () => {
  it('a text a delivery finished meanwhile: a duplicate, nothing filed or sent again', async () => {
    const w = await world();
    await w.deliver(w.text('我头痛', AT, { id: 'in-1' }));
    const stored = (await w.repos.messages.getInbound('in-1'))!;
    const retried = await processStoredInbound(w.deps, { ...stored, processedAt: undefined } as never);
    expect(retried).toMatchObject({ status: 'duplicate', reportIds: [], replyIds: [] });
    expect(w.sms.sent).toHaveLength(1);
  });

  it('a text whose record is gone: fails, naming the message', async () => {
    const w = await world();
    await w.deliver(w.text('我头痛', AT, { id: 'in-1' }));
    const stored = (await w.repos.messages.getInbound('in-1'))!;
    await expect(processStoredInbound(w.deps, { ...stored, inboundMessageId: 'in-gone' })).rejects.toThrow('inbound message in-gone vanished after it was stored');
  });

  it('after a crash that had sent the reply but not marked the text processed: the reply is not sent again', async () => {
    const w = await world();
    vi.spyOn(w.repos.messages, 'markInboundProcessed').mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(w.deliver(w.text('我头痛', AT, { id: 'in-1' }))).rejects.toThrow('Rate exceeded');
    expect(w.sms.sent.map((m) => m.body)).toEqual([replyText(protocol, 'zh-CN', 'checkin.thanks')]);
    const stored = (await w.repos.messages.getInbound('in-1'))!;
    expect(stored).toMatchObject({ lastFailure: 'ProvisionedThroughputExceededException', lastFailureAt: AT });
    w.clock.set(later(5));
    const retried = await processStoredInbound(w.deps, stored);
    expect(retried.status).toBe('processed');
    expect(w.sms.sent).toHaveLength(1);
    expect((await w.repos.messages.getInbound('in-1'))?.processedAt).toBe(later(5));
  });

  it('a failure that is not an Error is recorded as "Error"', async () => {
    const w = await world();
    vi.spyOn(w.repos.messages, 'markInboundProcessed').mockRejectedValueOnce('connection reset');
    await expect(w.deliver(w.text('我头痛', AT, { id: 'in-1' }))).rejects.toBe('connection reset');
    expect(await w.repos.messages.getInbound('in-1')).toMatchObject({ lastFailure: 'Error' });
  });
});

describe('how late a text counts as late', () => {
  it.each([
    [0, 0, undefined],
    [1, 59, undefined],
    [2, 0, 2],
    [2, 59, 2],
    [45, 0, 45],
  ])('processed %i min %i s after it was texted: lateMinutes %s', async (minutes, seconds, expected) => {
    const w = await world();
    const result = await w.deliver(w.text('我头痛', AT), later(minutes, seconds));
    expect(result.lateMinutes).toBe(expected);
  });
});

describe("the provider's metadata kept on the stored message", () => {
  it('the reference to our earlier message and the SNS envelope are kept; no extra fields, no extra', async () => {
    const w = await world();
    await handleInboundSms(w.deps, {
      snsMessageId: 'sns-1',
      receivedAt: AT,
      snsTopicArn: 'arn:aws:sns:cn-north-1:000000000000:inbound',
      snsTimestamp: AT,
      payload: { originationNumber: PATIENT_PHONE, destinationNumber: STUDY_NUMBER, messageBody: '好', inboundMessageId: 'in-1', previousPublishedMessageId: 'prov-9' },
    });
    expect((await w.repos.messages.getInbound('in-1'))?.origination).toStrictEqual({
      originationNumber: PATIENT_PHONE,
      destinationNumber: STUDY_NUMBER,
      inboundMessageId: 'in-1',
      previousPublishedMessageId: 'prov-9',
      snsMessageId: 'sns-1',
      snsTopicArn: 'arn:aws:sns:cn-north-1:000000000000:inbound',
      snsTimestamp: AT,
    });
  });

  it('further scalar fields are kept (strings cut to 200 characters), other values and over-long names are not, and never more than 20', async () => {
    const w = await world();
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`field${String(i).padStart(2, '0')}`, `v${i}`]));
    await handleInboundSms(w.deps, {
      snsMessageId: 'sns-1',
      receivedAt: AT,
      payload: {
        originationNumber: PATIENT_PHONE,
        destinationNumber: STUDY_NUMBER,
        messageBody: '好',
        inboundMessageId: 'in-1',
        carrier: 'x'.repeat(300),
        parts: 2,
        unicode: true,
        nested: { a: 1 },
        [`k${'e'.repeat(63)}`]: 'name of 64 characters',
        [`k${'e'.repeat(64)}`]: 'name of 65 characters',
        ...many,
      },
    });
    const extra = (await w.repos.messages.getInbound('in-1'))?.origination?.extra ?? {};
    expect(Object.keys(extra)).toHaveLength(20);
    expect(extra).toMatchObject({ carrier: 'x'.repeat(200), parts: 2, unicode: true, [`k${'e'.repeat(63)}`]: 'name of 64 characters' });
    expect(extra).not.toHaveProperty('nested');
    expect(extra).not.toHaveProperty(`k${'e'.repeat(64)}`);
    expect(Object.values(extra)).not.toContain('好');
  });
});
