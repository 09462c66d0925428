// The scheduled retry of texts no delivery finished (in-memory repositories, fixed clock): the
// routine inbound_unprocessed item once a text has failed attemptsBeforeAlert times (not for one
// that finally went through), the batch limit and time reserve, and a retry of a text whose
// reply went out before the crash (not sent twice, not recorded as withheld).
import { describe, expect, it, vi } from 'vitest';
import { replyIdFor, retryUnprocessedInbound } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { memoryInbound, replyText } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
const START = '2027-01-16T02:00:00.000Z'; // 10:00 Asia/Shanghai
const STRANGER = '+8613900139000';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
const RETRY = protocol.inbound.retryAfterMinutes;

async function world() {
  const w = memoryInbound(protocol, START);
  await w.enroll();
  /** The retry as the scheduler runs it, `minutes` after START. */
  const retry = (minutes: number, options: Parameters<typeof retryUnprocessedInbound>[2] = {}) => {
    w.clock.set(at(minutes));
    return retryUnprocessedInbound(w.deps, at(minutes), options);
  };
  const unprocessedItems = async () => (await w.repos.alerts.listByStatus('open')).items.filter((a) => a.kind === 'inbound_unprocessed');
  return { ...w, retry, unprocessedItems };
}

/** A text whose processing fails at its end (the store refuses to mark it processed) `failures` times in a row. */
async function failingText(w: Awaited<ReturnType<typeof world>>, failures: number, id = 'in-x') {
  const spy = vi.spyOn(w.repos.messages, 'markInboundProcessed');
  for (let i = 0; i < failures; i++) spy.mockRejectedValueOnce(new Error('table unavailable'));
  await expect(w.deliver(w.text(`你好 ${id}`, START, { from: STRANGER, id }))).rejects.toThrow('table unavailable');
}

describe('a text that keeps failing', () => {
  it(`after ${protocol.inbound.attemptsBeforeAlert} failed attempts is one routine inbound_unprocessed item naming it; a further failure adds none`, async () => {
    expect(protocol.inbound.attemptsBeforeAlert).toBe(3);
    const w = await world();
    await failingText(w, 4);
    expect(await w.retry(RETRY)).toEqual({ due: 1, processed: 0, busy: 0, failed: 1, alerted: 0 });
    expect((await w.unprocessedItems())).toEqual([]);
    expect(await w.retry(2 * RETRY)).toEqual({ due: 1, processed: 0, busy: 0, failed: 1, alerted: 1 });
    const items = (await w.unprocessedItems());
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'inbound_unprocessed',
      urgent: false,
      patientId: null,
      title: 'An inbound text could not be processed after 3 attempts (message in-x); read it in the console',
    });
    // Routine, and not flagged as raised urgent by the raiser either.
    expect(items[0]!.details).toEqual({ inboundMessageId: 'in-x', attempts: 3, receivedAt: START, lastFailure: 'Error' });
    expect(w.publisher.published).toEqual([]);
    expect(await w.retry(3 * RETRY)).toEqual({ due: 1, processed: 0, busy: 0, failed: 1, alerted: 0 });
    expect((await w.unprocessedItems())).toHaveLength(1);
  });

  it('two texts that keep failing are two items, one naming each', async () => {
    const w = await world();
    await failingText(w, 3, 'in-a');
    await failingText(w, 3, 'in-b');
    await w.retry(RETRY);
    expect(await w.retry(2 * RETRY)).toMatchObject({ due: 2, failed: 2, alerted: 2 });
    expect((await w.unprocessedItems()).map((a) => a.details.inboundMessageId).sort()).toEqual(['in-a', 'in-b']);
  });

  it('that goes through on its third attempt raises no item', async () => {
    const w = await world();
    await failingText(w, 2);
    expect(await w.retry(RETRY)).toMatchObject({ failed: 1, alerted: 0 });
    expect(await w.retry(2 * RETRY)).toEqual({ due: 1, processed: 1, busy: 0, failed: 0, alerted: 0 });
    expect((await w.repos.messages.getInbound('in-x'))!.processedAt).toBe(at(2 * RETRY));
    expect((await w.unprocessedItems())).toEqual([]);
  });
});

describe('the batch', () => {
  it('takes at most `limit` texts', async () => {
    const w = await world();
    await failingText(w, 1, 'in-a');
    await failingText(w, 1, 'in-b');
    expect(await w.retry(RETRY, { limit: 1 })).toMatchObject({ due: 1, processed: 1 });
  });

  it('starts a text while exactly the reserve is left, not with less', async () => {
    const w = await world();
    await failingText(w, 1, 'in-a');
    expect(await w.retry(RETRY, { remainingMs: () => 10_000 })).toMatchObject({ due: 1, processed: 1 });
    const v = await world();
    await failingText(v, 1, 'in-a');
    expect(await v.retry(RETRY, { remainingMs: () => 9_999 })).toMatchObject({ due: 1, processed: 0, failed: 0 });
  });
});

describe('a text whose reply went out before its processing crashed', () => {
  it('is finished by the retry without sending the reply again or recording it as withheld', async () => {
    const w = await world();
    vi.spyOn(w.repos.messages, 'markInboundProcessed').mockRejectedValueOnce(new Error('table unavailable'));
    await expect(w.deliver(w.text('你好，请问这是哪里', START, { from: STRANGER, id: 'in-x' }))).rejects.toThrow('table unavailable');
    expect(await w.retry(RETRY)).toEqual({ due: 1, processed: 1, busy: 0, failed: 0, alerted: 0 });
    expect(w.sms.sent.map((s) => [s.to, s.body])).toEqual([[STRANGER, replyText(protocol, 'zh-CN', 'reply.unknown_number')]]);
    const stored = (await w.repos.messages.getInbound('in-x'))!;
    expect(stored.withheldReplies).toEqual([]);
    expect(stored.replyIds).toEqual([replyIdFor('in-x', 'unknown_number')]);
  });
});
