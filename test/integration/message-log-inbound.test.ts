import { describe, expect, it } from 'vitest';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import type { InboundMessage } from '#ports/messages.ts';
import { useLocalDynamo } from '../support/dynamo.ts';

/** The message log's inbound guards and retry queue against dynalite (the real DynamoDB API). */
const local = useLocalDynamo();
const T0 = '2027-01-16T00:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

async function log() {
  return new DynamoMessageLog(local.db.doc, await local.freshTable(), 'Asia/Shanghai');
}

function message(id: string, minutes: number, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return { inboundMessageId: id, from: '+8613900139999', to: '+8610690000', body: 'hi', receivedAt: at(minutes), patientId: null, studyId: null, retryAt: at(minutes + 5), ...overrides };
}

describe('reply budget', () => {
  it('grants up to the limit per scope and day, again for the same reply id (a retry), never past it', async () => {
    const messages = await log();
    const claim = (id: string, day = '2027-01-16', scope = 'SENDER#a') => messages.claimReplyBudget(scope, day, id, 2, at(2880));
    expect(await claim('r1')).toBe(true);
    expect(await claim('r1')).toBe(true);
    expect(await claim('r2')).toBe(true);
    expect(await claim('r3')).toBe(false);
    expect(await claim('r2')).toBe(true);
    expect(await claim('r3', '2027-01-17')).toBe(true);
    expect(await claim('r3', '2027-01-16', 'SENDER#b')).toBe(true);
    expect(await messages.claimReplyBudget('UNKNOWN', '2027-01-16', 'r9', 0, at(2880))).toBe(false);
  });
});

describe('unknown sender tally', () => {
  it('counts each text once, keeps first and last time whatever the order, and red flags', async () => {
    const messages = await log();
    const phone = '+8613900139999';
    const tally = (id: string, minutes: number, redFlag = false) => messages.tallyUnknownSender(phone, '2027-01-16', { inboundMessageId: id, receivedAt: at(minutes), redFlag }, at(90 * 1440));
    await tally('a', 10, true);
    await tally('b', 5);
    await tally('a', 10, true);
    const last = await tally('c', 20, true);
    expect(last).toEqual({ count: 3, redFlags: 2, firstAt: at(5), lastAt: at(20), recentMessageIds: ['a', 'b', 'c'] });
  });
});

describe('retry queue and lease', () => {
  it('lists stored, unprocessed texts whose retry time has come, oldest first; a failure releases the lease (owner only) and counts; processed ones leave', async () => {
    const messages = await log();
    await messages.storeInbound(message('m1', 0));
    await messages.storeInbound(message('m2', 1));
    await messages.storeInbound(message('m3', 30));
    expect((await messages.listUnprocessedInbound(at(4))).map((m) => m.inboundMessageId)).toEqual([]);
    expect((await messages.listUnprocessedInbound(at(6))).map((m) => m.inboundMessageId)).toEqual(['m1', 'm2']);

    expect(await messages.claimInboundProcessing('m1', 'w1', at(6), 35)).toBe('claimed');
    expect(await messages.claimInboundProcessing('m1', 'w2', at(6), 35)).toBe('busy');
    expect(await messages.releaseInboundProcessing('m1', 'w2', { at: at(6), reason: 'Error', retryAt: at(11) })).toEqual({ attempts: 1 });
    expect(await messages.claimInboundProcessing('m1', 'w2', at(6), 35)).toBe('busy'); // not released by a stranger
    expect(await messages.releaseInboundProcessing('m1', 'w1', { at: at(6), reason: 'TypeError', retryAt: at(11) })).toEqual({ attempts: 1 });
    expect(await messages.getInbound('m1')).toMatchObject({ attempts: 1, lastFailure: 'TypeError', lastFailureAt: at(6), retryAt: at(11) });
    expect((await messages.listUnprocessedInbound(at(7))).map((m) => m.inboundMessageId)).toEqual(['m2']);
    expect(await messages.claimInboundProcessing('m1', 'w2', at(7), 35)).toBe('claimed');
    await messages.markInboundProcessed('m1', { processedAt: at(7) });
    expect((await messages.getInbound('m1'))?.attempts).toBe(2);
    expect((await messages.listUnprocessedInbound(at(60))).map((m) => m.inboundMessageId)).toEqual(['m2', 'm3']);
  });

  it('the previous text of the same sender (an unknown number\'s own history, a patient\'s across numbers kept apart)', async () => {
    const messages = await log();
    await messages.storeInbound(message('s1', 0, { body: 'one' }));
    await messages.storeInbound(message('other', 1, { from: '+8613900130000', body: 'two' }));
    await messages.recordOutbound({ id: 'o1', providerMessageId: 'p1', to: '+8613900139999', body: 'reply', parts: 1, sentAt: at(2), patientId: null, studyId: null, purpose: 'reply' });
    const s2 = message('s2', 3, { body: 'three' });
    await messages.storeInbound(s2);
    expect((await messages.previousInbound(s2))?.inboundMessageId).toBe('s1');
    expect(await messages.previousInbound(message('s1', 0))).toBeNull();
  });
});
