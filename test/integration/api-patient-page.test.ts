import { describe, expect, it } from 'vitest';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countRequests } from '../../bench/support/counting-client.ts';
import { MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

/** What the console's patient page reads: the patient's SMS thread and the daily adherence series. */
const api = useApi();

describe('GET /api/patients/{id}/messages', () => {
  async function seeded() {
    const ctx = await api.setup();
    const a = await ctx.enroll();
    const b = await ctx.enroll({ studyId: 'IGG4-002', phone: '+8613800138002' });
    const { messages } = ctx.deps;
    // Patient a: out, in, out, in, five minutes apart; patient b: one message that must not show.
    await messages.recordOutbound({ id: 'out-1', providerMessageId: 'sns-1', to: a.phone, body: '请服药 MMF 0.75g', parts: 1, sentAt: '2027-01-04T12:00:00.000Z', patientId: a.id, studyId: a.studyId, purpose: 'reminder' });
    await messages.storeInbound({ inboundMessageId: 'in-1', from: a.phone, to: '+12125550101', body: '吃了', receivedAt: '2027-01-04T12:05:00.000Z', patientId: a.id, studyId: a.studyId });
    await messages.markInboundProcessed('in-1', { processedAt: '2027-01-04T12:05:01.000Z', interpretation: { intent: 'dose_taken', items: [], redFlag: false, relapseSignal: false } });
    await messages.recordOutbound({ id: 'out-2', providerMessageId: 'sns-2', to: a.phone, body: '收到，谢谢', parts: 2, sentAt: '2027-01-04T12:10:00.000Z', patientId: a.id, studyId: a.studyId, purpose: 'reply', inReplyTo: 'in-1' });
    await messages.storeInbound({ inboundMessageId: 'in-2', from: a.phone, to: '+12125550101', body: '<img src=x onerror=alert(1)> 头痛', receivedAt: '2027-01-04T12:15:00.000Z', patientId: a.id, studyId: a.studyId });
    await messages.recordOutbound({ id: 'out-b', providerMessageId: 'sns-b', to: b.phone, body: 'other patient', parts: 1, sentAt: '2027-01-04T12:20:00.000Z', patientId: b.id, studyId: b.studyId, purpose: 'reminder' });
    return { ...ctx, a, b };
  }

  it('both directions, newest first, without phone numbers; interpretation on processed replies', async () => {
    const { call, a } = await seeded();
    const res = await call('GET', `/api/patients/${a.id}/messages`);
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([
      { id: 'in-2', direction: 'in', at: '2027-01-04T12:15:00.000Z', body: '<img src=x onerror=alert(1)> 头痛' },
      { id: 'out-2', direction: 'out', at: '2027-01-04T12:10:00.000Z', body: '收到，谢谢', parts: 2, purpose: 'reply' },
      {
        id: 'in-1',
        direction: 'in',
        at: '2027-01-04T12:05:00.000Z',
        body: '吃了',
        interpretation: { intent: 'dose_taken', items: [], redFlag: false, relapseSignal: false },
      },
      { id: 'out-1', direction: 'out', at: '2027-01-04T12:00:00.000Z', body: '请服药 MMF 0.75g', parts: 1, purpose: 'reminder' },
    ]);
    expect(res.text).not.toContain('+86');
    expect(res.text).not.toContain('+1212');
  });

  it('an inbound text shows the provider\'s origination metadata (no phone numbers), withheld replies and retried attempts', async () => {
    const { call, a, deps } = await seeded();
    await deps.messages.storeInbound({
      inboundMessageId: 'in-3',
      from: a.phone,
      to: '+12125550101',
      body: 'STOP',
      receivedAt: '2027-01-04T12:30:00.000Z',
      patientId: a.id,
      studyId: a.studyId,
      origination: {
        originationNumber: a.phone,
        destinationNumber: '+12125550101',
        messageKeyword: 'KEYWORD_1',
        inboundMessageId: 'in-3',
        snsMessageId: 'sns-in-3',
        snsTimestamp: '2027-01-04T12:30:00.000Z',
        extra: { carrierName: 'China Mobile', forwardedFrom: '+8613800138099' },
      },
    });
    await deps.messages.claimInboundProcessing('in-3', 'w1', '2027-01-04T12:30:01.000Z', 30);
    await deps.messages.claimInboundProcessing('in-3', 'w2', '2027-01-04T12:31:01.000Z', 30);
    await deps.messages.markInboundProcessed('in-3', { processedAt: '2027-01-04T12:31:02.000Z', withheldReplies: [{ purpose: 'unclear', reason: 'auto_reply' }] });
    const res = await call('GET', `/api/patients/${a.id}/messages`, { query: { limit: '1' } });
    expect(res.json.items[0]).toMatchObject({
      id: 'in-3',
      provider: { messageKeyword: 'KEYWORD_1', snsMessageId: 'sns-in-3', snsTimestamp: '2027-01-04T12:30:00.000Z', extra: { carrierName: 'China Mobile' } },
      withheldReplies: [{ purpose: 'unclear', reason: 'auto_reply' }],
      attempts: 2,
    });
    expect(res.text).not.toContain('+86');
    expect(res.text).not.toContain('+1212');
  });

  it('?limit= returns the newest N; a bad limit is a 400 naming it', async () => {
    const { call, a } = await seeded();
    const two = await call('GET', `/api/patients/${a.id}/messages`, { query: { limit: '2' } });
    expect(two.json.items.map((m: { id: string }) => m.id)).toEqual(['in-2', 'out-2']);
    for (const limit of ['0', '501', 'ten']) {
      const bad = await call('GET', `/api/patients/${a.id}/messages`, { query: { limit } });
      expect(bad.status).toBe(400);
      expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['query.limit']);
    }
    expect((await call('GET', `/api/patients/${a.id}/messages`, { query: { since: 'x' } })).json.errors).toEqual([{ path: 'query.since', message: 'unknown field' }]);
  });

  it('monitors get 403 (bodies are PHI); an unknown patient is 404', async () => {
    const { call, a } = await seeded();
    const monitor = await call('GET', `/api/patients/${a.id}/messages`, { token: MONITOR_TOKEN });
    expect(monitor.status).toBe(403);
    expect(monitor.text).not.toContain('吃了');
    expect((await call('GET', '/api/patients/pat-nobody/messages')).status).toBe(404);
  });

  it('the message log reads only as many pages as the limit needs (not the whole history)', async () => {
    const { table, a } = await seeded();
    const { doc, counter } = countRequests(
      new DynamoDBClient({ endpoint: api.db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    );
    const log = new DynamoMessageLog(doc, table, api.protocol.studyTimeZone);
    for (let i = 0; i < 30; i++) {
      const sentAt = new Date(Date.parse('2027-01-05T00:00:00.000Z') + i * 60_000).toISOString();
      await log.recordOutbound({ id: `bulk-${i}`, providerMessageId: `sns-bulk-${i}`, to: a.phone, body: `m${i}`, parts: 1, sentAt, patientId: a.id, studyId: a.studyId, purpose: 'reminder' });
    }
    counter.reset();
    const newest = await log.listForPatient(a.id, 3);
    expect(newest.map((m) => m.body)).toEqual(['m29', 'm28', 'm27']);
    expect(counter.byCommand.QueryCommand?.requests).toBe(1);
    expect(counter.byCommand.ScanCommand).toBeUndefined();
    // Every one of the 34 when asked for more than there are.
    expect(await log.listForPatient(a.id, 1000)).toHaveLength(34);
  });
});

describe('GET /api/patients/{id}: adherence series', () => {
  /**
   * Enrolled 2027-01-04 10:00 Beijing (doses 08:00 and 20:00). Sent check-ins:
   *   01-04 20:00 taken · 01-05 08:00 reported missed · 01-05 20:00 no reply (swept) · 01-06 08:00 still open.
   * The 01-06 20:00 check-in is never sent: it does not count.
   */
  async function seeded() {
    const ctx = await api.setup({ now: '2027-01-04T02:00:00Z' });
    const { deps } = ctx;
    const a = await ctx.enroll();
    const doses = (await deps.reminders.listForPatient(a.id, '2027-01-04T00:00:00Z', '2027-01-07T00:00:00Z')).filter((r) => r.kind === 'dose');
    const at = (dueAt: string) => doses.find((r) => r.dueAt === dueAt)!;
    const send = async (item: StoredReminder): Promise<StoredReminder> => {
      expect(await deps.reminders.claim(item, 'test', item.dueAt, 60)).toBe(true);
      await deps.reminders.markSent(item, 'test', { messageId: `sns-${item.id}`, parts: 1, sentAt: item.dueAt });
      return (await deps.reminders.get(a.id, item.id, item.dueAt))!;
    };
    const taken = await send(at('2027-01-04T12:00:00.000Z'));
    await deps.reminders.recordDoseAnswer(taken, { outcome: 'taken', answeredAt: '2027-01-04T12:10:00.000Z', answerMessageId: 'in-1' }, '2027-01-04T12:10:00.000Z');
    const missed = await send(at('2027-01-05T00:00:00.000Z'));
    await deps.reminders.recordDoseAnswer(missed, { outcome: 'missed_reported', answeredAt: '2027-01-05T00:30:00.000Z', answerMessageId: 'in-2' }, '2027-01-05T00:30:00.000Z');
    const silent = await send(at('2027-01-05T12:00:00.000Z'));
    expect(await deps.reminders.recordSweepMissed(silent, '2027-01-05T16:00:00.000Z')).toBe('missed');
    await send(at('2027-01-06T00:00:00.000Z'));
    return { ...ctx, a };
  }

  it('daily points in the patient time zone, checked by hand, and 14/90-day totals', async () => {
    const { call, clock, a } = await seeded();
    clock.set('2027-01-06T02:00:00Z');
    const detail = (await call('GET', `/api/patients/${a.id}`)).json;
    expect(detail.adherenceSeries).toEqual([
      { localDate: '2027-01-04', due: 1, confirmed: 1, reportedMissed: 0, unanswered: 0, pending: 0, rate: 1 },
      { localDate: '2027-01-05', due: 2, confirmed: 0, reportedMissed: 1, unanswered: 1, pending: 0, rate: 0 },
      { localDate: '2027-01-06', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 1, rate: null },
    ]);
    const totals = { due: 4, confirmed: 1, reportedMissed: 1, unanswered: 1, pending: 1, rate: 1 / 3 };
    expect(detail.adherence.last14Days).toMatchObject(totals);
    expect(detail.adherence.last90Days).toMatchObject(totals);
    expect(detail.adherence.sinceEnrollment).toMatchObject(totals);
  });

  it('the series and last90Days cover [now − 90 days, now): older check-ins drop out of both', async () => {
    const { call, clock, a } = await seeded();
    // 90 days before 2027-04-05T02:00Z is 2027-01-05T02:00Z: the 01-04 20:00 and 01-05 08:00 check-ins are out.
    clock.set('2027-04-05T02:00:00Z');
    const detail = (await call('GET', `/api/patients/${a.id}`)).json;
    expect(detail.adherenceSeries).toEqual([
      { localDate: '2027-01-05', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 1, pending: 0, rate: 0 },
      { localDate: '2027-01-06', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 1, rate: null },
    ]);
    expect(detail.adherence.last90Days).toMatchObject({ due: 2, confirmed: 0, unanswered: 1, pending: 1, rate: 0 });
    expect(detail.adherence.last14Days).toMatchObject({ due: 0, rate: null });
    expect(detail.adherence.sinceEnrollment).toMatchObject({ due: 4, confirmed: 1 });
  });

  it('a patient in another time zone gets points on their own local dates', async () => {
    const ctx = await api.setup({ now: '2027-01-04T02:00:00Z' });
    const p = await ctx.enroll({ timeZone: 'America/New_York', enrolledOn: '2027-01-03' });
    // The 20:00 New York dose of 01-04 is due 2027-01-05T01:00Z (09:00 on 01-05 in Beijing): its point is 01-04.
    const evening = (await ctx.deps.reminders.listForPatient(p.id, '2027-01-05T01:00:00.000Z', '2027-01-05T01:00:01.000Z')).find((r) => r.kind === 'dose');
    expect(evening).toMatchObject({ localDate: '2027-01-04', localTime: '20:00' });
    expect(await ctx.deps.reminders.claim(evening!, 'test', evening!.dueAt, 60)).toBe(true);
    await ctx.deps.reminders.markSent(evening!, 'test', { messageId: 'sns-ny', parts: 1, sentAt: evening!.dueAt });
    ctx.clock.set('2027-01-06T02:00:00Z');
    const series = (await ctx.call('GET', `/api/patients/${p.id}`)).json.adherenceSeries;
    expect(series).toEqual([{ localDate: '2027-01-04', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 1, rate: null }]);
  });
});
