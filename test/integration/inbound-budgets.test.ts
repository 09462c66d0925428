import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { renderTemplate } from '#domain/templates.ts';
import { fixedClock } from '#ports/clock.ts';
import { SmsSendError } from '#ports/sms.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';
import { snsTextEvent } from '../support/sns-text.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-budget-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');

/**
 * Issue 13 parts 1–2 through the real inbound handler on dynalite: a patient's auto-responder
 * must not ping-pong with the system, and an unknown number must not page anyone more than once a
 * day nor be answered more than once a day, nor outside the allowed countries.
 */
const bundled = loadProtocolFile();
const local = useLocalDynamo();
const START = '2027-01-16T00:30:00.000Z'; // Saturday 08:30 Beijing
const PATIENT_PHONE = '+8613800138001';
const STRANGER = '+8613900139999';

async function setup(protocol: Protocol = bundled) {
  const table = await local.freshTable();
  const doc = local.db.doc;
  const clock = fixedClock(START);
  const sms = new RecordingSmsSender();
  const publisher = new RecordingAlertPublisher();
  const deps = dynamoInboundDeps(doc, table, protocol, { publisher, sms, clock });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createInboundHandler(deps, { logger: quiet, metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined } as never });
  const patient = makePatient(protocol, { id: 'pat-0001', studyId: 'IGG4-001', phone: PATIENT_PHONE });
  await deps.patients.create(patient);
  let n = 0;
  /** One SNS delivery of a text received `minutesAfterStart` after START (the clock follows it). */
  const text = async (from: string, body: string, minutesAfterStart: number, extra: Record<string, unknown> = {}) => {
    const at = new Date(Date.parse(START) + minutesAfterStart * 60_000).toISOString();
    clock.set(at);
    const id = `in-${++n}`;
    await handler(snsTextEvent({ from, body, inboundMessageId: id, at, extra }), lambdaContext('inbound-sms', 30_000));
    return id;
  };
  const item = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item;
  return { deps, clock, sms, publisher, patient, text, item };
}

const render = (protocol: Protocol, key: Parameters<typeof renderTemplate>[2]) =>
  renderTemplate(protocol, 'zh-CN', key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });

describe('part 1: reply loops with auto-responders', () => {
  it('40 canned "I\'m driving" texts in a morning get no reply at all (each is stored and filed for review)', async () => {
    const s = await setup();
    for (let i = 0; i < 40; i++) await s.text(PATIENT_PHONE, i % 2 === 0 ? "I'm driving, I'll call you later" : '[自动回复] 您好，我正在开车，稍后联系您', i * 3);
    expect(s.sms.countTo(PATIENT_PHONE)).toBe(0);
    expect(await s.deps.reports.listForPatient(s.patient.id)).toHaveLength(40);
    const stored = await s.deps.messages.getInbound('in-40');
    expect(stored?.processedAt).toBeTruthy();
    expect(stored?.withheldReplies).toEqual([{ purpose: 'unclear', reason: 'auto_reply' }]);
  });

  it('varied unreadable texts: 3 replies a local day, then stored and queued unanswered, one routine reply_budget item; the next day the budget is back', async () => {
    const s = await setup();
    const bodies = ['嗯嗯', '什么', '好的呀', '收到了吗', '？？', '谁', '喂', '在吗', '啊', '行'];
    for (const [i, body] of bodies.entries()) await s.text(PATIENT_PHONE, body, i * 5);
    const replies = s.sms.sent.filter((m) => m.to === PATIENT_PHONE);
    expect(replies).toHaveLength(bundled.inbound.autoReplyBudgetPerNumberPerDay);
    expect(await s.deps.reports.listForPatient(s.patient.id)).toHaveLength(bodies.length);
    const budgetItems = (await s.deps.alerts.listForPatient(s.patient.id)).filter((a) => a.kind === 'reply_budget');
    expect(budgetItems).toEqual([expect.objectContaining({ urgent: false, studyId: 'IGG4-001' })]);
    // Routine lane (issue 12): on the worklist, not pushed on its own.
    expect(s.publisher.published.filter((a) => a.kind === 'reply_budget')).toHaveLength(0);
    expect(JSON.stringify(budgetItems)).not.toContain('13800138001');

    // A red flag once the budget is spent still gets the urgent-contact text.
    await s.text(PATIENT_PHONE, '发烧39.5度', 60);
    expect(s.sms.sent.at(-1)?.body).toBe(render(bundled, 'reply.urgent'));

    // Next local day (Beijing): a fresh budget.
    await s.text(PATIENT_PHONE, '你好', 24 * 60);
    expect(s.sms.sent.at(-1)?.body).toBe(render(bundled, 'reply.unclear'));
  });

  it('a text that repeats the previous one is not answered', async () => {
    const s = await setup();
    await s.text(PATIENT_PHONE, '这是什么', 0);
    await s.text(PATIENT_PHONE, '这是什么？', 1);
    await s.text(PATIENT_PHONE, '这是什么', 2);
    expect(s.sms.countTo(PATIENT_PHONE)).toBe(1);
    expect((await s.deps.messages.getInbound('in-2'))?.withheldReplies).toEqual([{ purpose: 'unclear', reason: 'repeat' }]);
  });
});

describe('part 2: strangers and floods', () => {
  it('25 red-flag texts from one unknown number: one routine item (count, first and last time, no number), no urgent push, one reply', async () => {
    const s = await setup();
    for (let i = 0; i < 25; i++) await s.text(STRANGER, '发烧39.5度', i * 2);
    // Routine lane (issue 12): no push at all; one worklist item.
    expect(s.publisher.published).toHaveLength(0);
    const open = (await s.deps.alerts.listByStatus('open')).items;
    expect(open).toHaveLength(1);
    expect(open[0]!.details).toMatchObject({ count: 25, redFlags: 25, firstAt: START, lastAt: new Date(Date.parse(START) + 48 * 60_000).toISOString() });
    expect(JSON.stringify(open[0])).not.toMatch(/139001|9999/);
    expect(s.sms.countTo(STRANGER)).toBe(1);
    expect((await s.deps.reports.listByStatus('open')).items).toHaveLength(25);
  });

  it('replies to unknown numbers: at most the daily cap across all of them, and none outside the allowed calling codes', async () => {
    const capped = { ...bundled, inbound: { ...bundled.inbound, unknownSenders: { ...bundled.inbound.unknownSenders, maxRepliesPerDay: 2 } } };
    const s = await setup(capped);
    for (let i = 0; i < 4; i++) await s.text(`+861390013900${i}`, '你好', i);
    await s.text('+447700900123', 'hello', 10); // the enrolled patients are all +86
    expect(s.sms.sent.map((m) => m.to)).toEqual(['+8613900139000', '+8613900139001']);
    expect((await s.deps.messages.getInbound('in-3'))?.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'unknown_daily_cap' }]);
    expect((await s.deps.messages.getInbound('in-5'))?.withheldReplies).toEqual([{ purpose: 'unknown_number', reason: 'country_not_allowed' }]);
  });

  it('the provider\'s origination metadata is kept on the stored message', async () => {
    const s = await setup();
    const id = await s.text(STRANGER, 'STOP', 0, { carrierName: 'China Mobile', originationNumberType: 'MOBILE' });
    expect((await s.deps.messages.getInbound(id))?.origination).toEqual({
      originationNumber: STRANGER,
      destinationNumber: '+8610690000',
      messageKeyword: 'KEYWORD_1',
      inboundMessageId: id,
      snsMessageId: `sns-${id}`,
      snsTopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound',
      snsTimestamp: START,
      extra: { carrierName: 'China Mobile', originationNumberType: 'MOBILE' },
    });
  });

  it('texts from unknown numbers and their reports carry the TTL (90 days); a patient\'s do not', async () => {
    const s = await setup();
    const stranger = await s.text(STRANGER, '你好', 0);
    const own = await s.text(PATIENT_PHONE, '有点恶心', 1);
    const ttl = Math.floor(Date.parse(START) / 1000) + 90 * 86_400;
    expect((await s.item(`INBOUND#${stranger}`, 'MSG'))?.ttl).toBe(ttl);
    const report = (await s.deps.reports.listByStatus('open')).items.find((r) => r.inboundMessageId === stranger)!;
    expect((await s.item(`REPORT#${report.id}`, 'REPORT'))?.ttl).toBe(ttl);
    expect((await s.item(`INBOUND#${own}`, 'MSG'))?.ttl).toBeUndefined();
    const ownReport = (await s.deps.reports.listForPatient(s.patient.id))[0]!;
    expect((await s.item(`REPORT#${ownReport.id}`, 'REPORT'))?.ttl).toBeUndefined();
  });
});

describe('part 3: an urgent-contact reply the provider refused', () => {
  it('is a worklist item next to the red flag, not a log line', async () => {
    const s = await setup();
    s.sms.failures.push(new SmsSendError('permanent', 'provider_rejected', 'InvalidParameter'));
    await s.text(PATIENT_PHONE, '发烧39.5度', 0);
    const alerts = await s.deps.alerts.listForPatient(s.patient.id);
    expect(alerts.map((a) => [a.kind, a.urgent]).sort()).toEqual([
      ['red_flag', true],
      ['sms_failure', false],
    ]);
    expect(alerts.find((a) => a.kind === 'sms_failure')!.details).toMatchObject({ inboundMessageId: 'in-1', reason: 'provider_rejected' });
  });
});
