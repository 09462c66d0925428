import { describe, expect, it } from 'vitest';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { InboundMessage, OutboundMessage } from '#ports/messages.ts';
import { ZONE, type Store } from './stores.ts';

const inbound = (n: number, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
  inboundMessageId: `in-${n}`,
  from: '+15555550101',
  to: '+15555550000',
  body: `reply ${n}`,
  receivedAt: `2027-02-0${n}T02:00:00.000Z`,
  patientId: 'pat-1',
  studyId: 'IGG4-001',
  ...overrides,
});
const outbound = (n: number, overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  id: `out-${n}`,
  providerMessageId: `provider-${n}`,
  to: '+15555550101',
  body: `reminder ${n}`,
  parts: 1,
  sentAt: `2027-02-0${n}T01:00:00.000Z`,
  patientId: 'pat-1',
  studyId: 'IGG4-001',
  purpose: 'reminder',
  ...overrides,
});

export function messageContract(store: Store): void {
  describe('message log', () => {
    it('stores an inbound message once; a redelivery gets the stored one back', async () => {
      const { messages } = await store.fresh();
      expect(await messages.storeInbound(inbound(1))).toEqual({ created: true, message: inbound(1) });
      expect(await messages.storeInbound({ ...inbound(1), body: 'other' })).toEqual({ created: false, message: inbound(1) });
      expect(await messages.getInbound('in-1')).toEqual(inbound(1));
      expect(await messages.getInbound('in-none')).toBeNull();
    });

    it('processing lease: claimed, busy for another owner, re-taken after expiry, processed once marked', async () => {
      const { messages } = await store.fresh();
      expect(await messages.claimInboundProcessing('in-1', 'a', '2027-02-01T02:00:00.000Z', 60)).toBe('missing');
      await messages.storeInbound(inbound(1));
      expect(await messages.claimInboundProcessing('in-1', 'a', '2027-02-01T02:00:00.000Z', 60)).toBe('claimed');
      expect(await messages.claimInboundProcessing('in-1', 'b', '2027-02-01T02:00:30.000Z', 60)).toBe('busy');
      expect(await messages.claimInboundProcessing('in-1', 'a', '2027-02-01T02:00:30.000Z', 60)).toBe('claimed');
      expect(await messages.claimInboundProcessing('in-1', 'b', '2027-02-01T02:02:00.000Z', 60)).toBe('claimed');
      await messages.markInboundProcessed('in-1', { processedAt: '2027-02-01T02:02:01.000Z', interpretation: { intent: 'dose_taken' }, replyIds: ['out-9'] });
      expect(await messages.claimInboundProcessing('in-1', 'c', '2027-02-01T03:00:00.000Z', 60)).toBe('processed');
      expect(await messages.getInbound('in-1')).toMatchObject({ processedAt: '2027-02-01T02:02:01.000Z', interpretation: { intent: 'dose_taken' }, replyIds: ['out-9'] });
      await expect(messages.markInboundProcessed('in-none', { processedAt: '2027-02-01T02:02:01.000Z' })).rejects.toThrow();
    });

    it('a text stored with a lease is leased to its storer in that write: busy for others, one attempt, a redelivery stores nothing and takes no lease', async () => {
      const { messages } = await store.fresh();
      const lease = { owner: 'a', until: '2027-02-01T02:01:00.000Z' };
      expect((await messages.storeInbound(inbound(1), lease)).created).toBe(true);
      expect(await messages.claimInboundProcessing('in-1', 'b', '2027-02-01T02:00:30.000Z', 60)).toBe('busy');
      expect((await messages.storeInbound(inbound(1), { owner: 'b', until: '2027-02-01T02:05:00.000Z' })).created).toBe(false);
      expect(await messages.claimInboundProcessing('in-1', 'b', '2027-02-01T02:00:40.000Z', 60)).toBe('busy');
      expect((await messages.getInbound('in-1'))?.attempts).toBe(1);
      const released = await messages.releaseInboundProcessing('in-1', 'a', { at: '2027-02-01T02:00:45.000Z', reason: 'Error', retryAt: '2027-02-01T02:10:00.000Z' });
      expect(released.attempts).toBe(1);
      expect(await messages.claimInboundProcessing('in-1', 'b', '2027-02-01T02:00:50.000Z', 60)).toBe('claimed');
      expect((await messages.getInbound('in-1'))?.attempts).toBe(2);
    });

    it('outbound records are idempotent and found by the provider message id', async () => {
      const { messages } = await store.fresh();
      await messages.recordOutbound(outbound(1, { reminderId: 'r-1', reminderDueAt: '2027-02-01T01:00:00Z' }));
      await messages.recordOutbound(outbound(1, { reminderId: 'r-1', reminderDueAt: '2027-02-01T01:00:00Z', body: 'changed' }));
      expect(await messages.getOutbound('out-1')).toEqual(outbound(1, { reminderId: 'r-1', reminderDueAt: '2027-02-01T01:00:00Z' }));
      expect((await messages.findOutboundByProviderId('provider-1'))?.id).toBe('out-1');
      expect(await messages.findOutboundByProviderId('provider-none')).toBeNull();
      expect(await messages.getOutbound('out-none')).toBeNull();
    });

    it("a patient's messages, both directions, newest first, at most `limit`; unknown senders apart", async () => {
      const { messages } = await store.fresh();
      await messages.recordOutbound(outbound(1));
      await messages.storeInbound(inbound(3));
      await messages.storeInbound(inbound(1));
      await messages.recordOutbound(outbound(2));
      await messages.storeInbound(inbound(4, { patientId: null, studyId: null, from: '+15555550999' }));
      const listed = await messages.listForPatient('pat-1');
      expect(listed.map((m) => `${m.direction}:${m.direction === 'in' ? m.inboundMessageId : m.id}`)).toEqual(['in:in-3', 'out:out-2', 'in:in-1', 'out:out-1']);
      expect((await messages.listForPatient('pat-1', 2)).map((m) => m.direction)).toEqual(['in', 'out']);
      expect(await messages.listForPatient('pat-1', 0)).toEqual([]);
      expect(await messages.listForPatient('pat-2')).toEqual([]);
    });

    it('lists a week of messages (study time zone) in time order', async () => {
      const { messages } = await store.fresh();
      for (const n of [2, 1, 8]) {
        await messages.storeInbound(inbound(n));
        await messages.recordOutbound(outbound(n));
      }
      const week = isoWeekOfInstant('2027-02-02T02:00:00.000Z', ZONE);
      const inWeek = [1, 2, 8].filter((n) => isoWeekOfInstant(`2027-02-0${n}T02:00:00.000Z`, ZONE) === week);
      const listed = await messages.listWeek(week);
      expect(listed.inbound.map((m) => m.inboundMessageId)).toEqual(inWeek.map((n) => `in-${n}`));
      expect(listed.outbound.map((m) => m.id)).toEqual(inWeek.map((n) => `out-${n}`));
    });

    it('one reply per unknown number per local day', async () => {
      const { messages } = await store.fresh();
      expect(await messages.claimUnknownSenderReply('+15555550999', '2027-02-01')).toBe(true);
      expect(await messages.claimUnknownSenderReply('+15555550999', '2027-02-01')).toBe(false);
      expect(await messages.claimUnknownSenderReply('+15555550999', '2027-02-02')).toBe(true);
      expect(await messages.claimUnknownSenderReply('+15555550998', '2027-02-01')).toBe(true);
    });
  });
}
