import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { AuditChainStore } from '#adapters/dynamo/audit/chain-store.ts';
import { recordDoseAnswer } from '#app/inbound/dose-answers.ts';
import type { Run } from '#app/inbound/run.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { chainContentFrom } from '#domain/audit/chain.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import { renderTemplate } from '#domain/templates.ts';
import { fixedClock } from '#ports/clock.ts';
import type { AuditCarrier } from '#ports/audit.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { chainBreak, pendingCarriers, silentPublisher } from '../support/audit-faults.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';
import { snsTextEvent } from '../support/sns-text.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-request-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');

/**
 * Issue 15 (inbound requests ≤ 1.3× the floor): the reads cut from a reply, each with the
 * guarantee it must not weaken, through the DynamoDB adapters on dynalite.
 *  - a dose answer reads nothing of its check-in before its UpdateItem: an entry a crashed answer
 *    left pending comes back from that update and is completed, once, before the new one;
 *  - the sender's previous text is read only for a reply a repeat could withhold;
 *  - STOP reads no recent items, only the conversation.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const PHONE = '+8613800138001';

/** Every request as `Command pk-prefix/sk-prefix` (no values), like `BENCH_INBOUND_TRACE=1`. */
function tracing(doc: DynamoDBDocumentClient): { doc: DynamoDBDocumentClient; log: string[] } {
  const log: string[] = [];
  const text = (value: unknown) => String(value ?? '').split('#')[0];
  const proxy = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const input = command.input as { Key?: Record<string, unknown>; Item?: Record<string, unknown>; IndexName?: string; ExpressionAttributeValues?: Record<string, unknown> };
      const key = input.Key ?? input.Item;
      const values = input.ExpressionAttributeValues ?? {};
      // A Query of a patient's partition says which range: ITEM (recent items), ALERTREF (alert pointers), ALERTREF..CONVERSATION (both with the conversation).
      const range = values[':refs'] ? `/${text(values[':refs'])}..${text(values[':conversation'])}` : values[':from'] ? `/${text(values[':from'])}` : values[':prefix'] ? `/${text(values[':prefix'])}` : '';
      const where = key ? `${text(key.pk)}/${text(key.sk)}` : `${input.IndexName ? `index ${input.IndexName} ` : ''}${text(values[':pk'])}${input.IndexName ? '' : range}`;
      log.push(`${command.constructor.name.replace('Command', '')} ${where}`);
      return doc.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc: proxy, log };
}

async function setup() {
  const table = await local.freshTable();
  const { doc, log } = tracing(local.db.doc);
  const clock = fixedClock('2027-01-04T01:00:00.000Z');
  const sms = new RecordingSmsSender();
  const deps = dynamoInboundDeps(doc, table, protocol, { publisher: new RecordingAlertPublisher(), sms, clock });
  const patient = makePatient(protocol, { id: 'pat-0001', studyId: 'IGG4-001', phone: PHONE, enrolledOn: '2027-01-04' });
  await deps.patients.create(patient);
  await planPatient({ reminders: deps.reminders, protocol }, patient, '2027-01-04T00:00:00.000Z');
  const dose = (await deps.reminders.listForPatient(patient.id, '2027-01-04T00:00:00.000Z', '2027-01-05T00:00:00.000Z')).find((r) => r.kind === 'dose');
  if (!dose) throw new Error('no dose check-in planned');
  await deps.reminders.claim(dose, 'test-owner', dose.dueAt, 120);
  await deps.reminders.markSent(dose, 'test-owner', { messageId: 'sns-1', parts: 1, sentAt: dose.dueAt });
  const checkIn = (await deps.reminders.get(patient.id, dose.id, dose.dueAt))!;
  const carrier: AuditCarrier = { kind: 'reminder', id: `${patient.id}/${checkIn.dueAt}/${checkIn.id}` };
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createInboundHandler(deps, { logger: quiet, metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined } as never });
  let n = 0;
  /** One SNS delivery, `minutes` after the check-in was sent; returns the requests it made. */
  const text = async (body: string, minutes: number): Promise<string[]> => {
    const at = new Date(Date.parse(checkIn.dueAt) + minutes * 60_000).toISOString();
    clock.set(at);
    const id = `in-${++n}`;
    log.length = 0;
    await handler(snsTextEvent({ from: PHONE, body, inboundMessageId: id, at }), lambdaContext('inbound-sms', 30_000));
    return [...log];
  };
  /** A Run for the dose-answer step alone (message id and arrival), as the fault tests build it. */
  const runOf = (inboundMessageId: string, minutes: number): Run => {
    const receivedAt = new Date(Date.parse(checkIn.dueAt) + minutes * 60_000).toISOString();
    return { deps: { ...deps, publisher: silentPublisher }, message: { inboundMessageId, receivedAt }, now: receivedAt } as unknown as Run;
  };
  /** What a delivery of `inboundMessageId` that died right after the answer's UpdateItem leaves: the outcome set, its entry pending on the check-in. */
  const crashAfterWrite = async (inboundMessageId: string, minutes: number, outcome: 'taken' | 'missed_reported' = 'taken') => {
    const receivedAt = new Date(Date.parse(checkIn.dueAt) + minutes * 60_000).toISOString();
    const pending = await deps.audit.prepare(
      { id: `checkin.answer:${inboundMessageId}`, at: receivedAt, actor: 'patient-sms', action: 'checkin.answer', kind: 'write', entityType: 'reminder', entityId: checkIn.id, before: { outcome: checkIn.outcome ?? null }, after: { outcome, inboundMessageId } },
      { carrier, version: 0 },
    );
    const { applied } = await deps.reminders.recordDoseAnswer(checkIn, { outcome, answeredAt: receivedAt, answerMessageId: inboundMessageId }, receivedAt, pending);
    expect(applied).toBe(true);
    return pending;
  };
  const answers = async () => (await deps.audit.listForEntity('reminder', checkIn.id)).map((e) => e.id);
  const clean = async () => {
    expect(await pendingCarriers(local.db.doc, table), 'nothing left pending').toEqual([]);
    expect(await chainBreak(local.db.doc, table, 'reminder', checkIn.id), 'the chain verifies').toBeNull();
  };
  return { table, deps, sms, log, patient, checkIn, carrier, text, runOf, crashAfterWrite, answers, clean };
}

const taken = { doseAnswer: 'taken' } as unknown as Interpretation;
const missed = { doseAnswer: 'missed' } as unknown as Interpretation;

describe('a dose answer without the settle read of its check-in', () => {
  it('reads nothing of the check-in before its UpdateItem', async () => {
    const s = await setup();
    s.log.length = 0;
    await recordDoseAnswer(s.runOf('in-a', 10), s.checkIn, taken);
    const onItem = s.log.filter((r) => r.includes('PATIENT/ITEM'));
    expect(onItem[0]).toBe('Update PATIENT/ITEM');
    expect(s.log.filter((r) => r.startsWith('Get PATIENT/ITEM'))).toEqual([]);
    expect(await s.answers()).toEqual(['checkin.answer:in-a']);
    await s.clean();
  });

  it('the first answer to a pending check-in reads no audit head; a pending read gone stale (the sweep wrote missed_no_reply meanwhile) still links after it', async () => {
    const s = await setup();
    s.log.length = 0;
    await recordDoseAnswer(s.runOf('in-a', 10), s.checkIn, taken);
    expect(s.log.filter((r) => r.startsWith('Query AUDIT'))).toEqual([]);
    expect(await s.answers()).toEqual(['checkin.answer:in-a']);
    await s.clean();

    const t = await setup();
    expect(await t.deps.reminders.recordSweepMissed(t.checkIn, t.checkIn.answerWindowEnd!)).toBe('missed');
    await t.deps.audit.append({ at: t.checkIn.answerWindowEnd!, actor: 'system:sweep-adherence', action: 'dose.missed_no_reply', entityType: 'reminder', entityId: t.checkIn.id, before: { outcome: 'pending' }, after: { outcome: 'missed_no_reply' } });
    // The answer arrives late, processed with the check-in as read before the sweep (outcome pending).
    await recordDoseAnswer(t.runOf('in-late', 24 * 60), t.checkIn, taken);
    expect((await t.deps.audit.listForEntity('reminder', t.checkIn.id)).map((e) => [e.seq, e.action])).toEqual([
      [1, 'dose.missed_no_reply'],
      [2, 'checkin.answer'],
    ]);
    await t.clean();
  });

  it("another text's answer completes the entry a crashed answer left, first, and then its own", async () => {
    const s = await setup();
    await s.crashAfterWrite('in-1', 10);
    const current = (await s.deps.reminders.get(s.patient.id, s.checkIn.id, s.checkIn.dueAt))!;
    await recordDoseAnswer(s.runOf('in-2', 20), current, missed);
    expect(await s.answers()).toEqual(['checkin.answer:in-1', 'checkin.answer:in-2']);
    expect((await s.deps.reminders.get(s.patient.id, s.checkIn.id, s.checkIn.dueAt))?.outcome).toBe('missed_reported');
    await s.clean();
  });

  it('an older answer that is refused (the later one wins) still completes the entry the crashed one left', async () => {
    const s = await setup();
    await s.crashAfterWrite('in-2', 20);
    await recordDoseAnswer(s.runOf('in-1', 10), s.checkIn, missed);
    expect(await s.answers()).toEqual(['checkin.answer:in-2']);
    expect((await s.deps.reminders.get(s.patient.id, s.checkIn.id, s.checkIn.dueAt))?.outcome).toBe('taken');
    await s.clean();
  });

  it('the retry of the crashed text, reading the outcome already set, completes its entry once', async () => {
    const s = await setup();
    await s.crashAfterWrite('in-1', 10);
    const current = (await s.deps.reminders.get(s.patient.id, s.checkIn.id, s.checkIn.dueAt))!;
    await recordDoseAnswer(s.runOf('in-1', 10), current, taken);
    await recordDoseAnswer(s.runOf('in-1', 10), current, taken);
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
    await s.clean();
  });

  it('the retry of the crashed text on a stale read (it prepares the same entry again): still once', async () => {
    const s = await setup();
    await s.crashAfterWrite('in-1', 10);
    await recordDoseAnswer(s.runOf('in-1', 10), s.checkIn, taken);
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
    await s.clean();
  });

  it('a crashed answer that was appended but not cleared, retried on a stale read: once, not twice', async () => {
    const s = await setup();
    const pending = await s.crashAfterWrite('in-1', 10);
    // The crashed delivery got as far as the chain: the entry is there, the check-in still carries it.
    const { fromSeq, ...content } = pending;
    await new AuditChainStore(local.db.doc, s.table).append(chainContentFrom(content, pending.id), fromSeq);
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
    await recordDoseAnswer(s.runOf('in-1', 10), s.checkIn, taken);
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
    await s.clean();
  });
});

describe('an answer that changes nothing the rules read is not evaluated again', () => {
  /** The patient's morning (prednisone) check-ins of the first two days, sent. */
  async function mornings(s: Awaited<ReturnType<typeof setup>>) {
    const items = (await s.deps.reminders.listForPatient(s.patient.id, '2027-01-03T00:00:00.000Z', '2027-01-06T00:00:00.000Z'))
      .filter((r) => r.kind === 'dose' && r.slot === 'morning' && (r.doses ?? []).some((d) => d.drug === 'prednisone'))
      .sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1))
      .slice(0, 2);
    expect(items).toHaveLength(2);
    const sent = [];
    for (const item of items) {
      if (item.state !== 'sent') {
        await s.deps.reminders.claim(item, 'test-owner', item.dueAt, 120);
        await s.deps.reminders.markSent(item, 'test-owner', { messageId: `sns-${item.id}`, parts: 1, sentAt: item.dueAt });
      }
      sent.push((await s.deps.reminders.get(s.patient.id, item.id, item.dueAt))!);
    }
    return sent;
  }
  const runAt = (s: Awaited<ReturnType<typeof setup>>, id: string, checkIn: { dueAt: string }, resumed: boolean): Run => {
    const receivedAt = new Date(Date.parse(checkIn.dueAt) + 10 * 60_000).toISOString();
    return { deps: { ...s.deps, publisher: silentPublisher }, message: { inboundMessageId: id, receivedAt }, now: receivedAt, resumed } as unknown as Run;
  };
  const withdrawals = async (s: Awaited<ReturnType<typeof setup>>) => (await s.deps.alerts.listForPatient(s.patient.id)).filter((a) => a.kind === 'steroid_withdrawal');

  it('"missed" twice on the second morning: the second text reads no history; the alert came with the first', async () => {
    const s = await setup();
    const [first, second] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'in-1', first!, false), first!, missed);
    expect(await withdrawals(s)).toEqual([]);
    await recordDoseAnswer(runAt(s, 'in-2', second!, false), second!, missed);
    expect(await withdrawals(s)).toHaveLength(1);
    const current = (await s.deps.reminders.get(s.patient.id, second!.id, second!.dueAt))!;
    s.log.length = 0;
    await recordDoseAnswer(runAt(s, 'in-3', second!, false), current, missed);
    expect(s.log.filter((r) => r.startsWith('Query PATIENT'))).toEqual([]);
    expect(await withdrawals(s)).toHaveLength(1);
  });

  it('the text that set the outcome died before evaluating: a second text with the same answer skips, the retry of the first raises the alert', async () => {
    const s = await setup();
    const [first, second] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'in-1', first!, false), first!, missed);
    // in-2 recorded "missed" on the second morning and died before the evaluation (its entry was completed).
    const fresh = (await s.deps.reminders.get(s.patient.id, second!.id, second!.dueAt))!;
    const { applied } = await s.deps.reminders.recordDoseAnswer(fresh, { outcome: 'missed_reported', answeredAt: runAt(s, 'in-2', second!, false).message.receivedAt, answerMessageId: 'in-2' }, fresh.dueAt);
    expect(applied).toBe(true);
    const current = (await s.deps.reminders.get(s.patient.id, second!.id, second!.dueAt))!;
    await recordDoseAnswer(runAt(s, 'in-3', second!, false), current, missed);
    expect(await withdrawals(s), 'no history read for in-3: nothing it changed').toEqual([]);
    // in-2 is not processed: Lambda's retry or the sweep's runs it again, resumed, and it evaluates.
    await recordDoseAnswer(runAt(s, 'in-2', second!, true), current, missed);
    expect(await withdrawals(s)).toHaveLength(1);
  });

  it('a different answer than the stored one is evaluated (a late "taken" after "missed")', async () => {
    const s = await setup();
    const [first] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'in-1', first!, false), first!, missed);
    const current = (await s.deps.reminders.get(s.patient.id, first!.id, first!.dueAt))!;
    s.log.length = 0;
    await recordDoseAnswer(runAt(s, 'in-2', first!, false), current, taken);
    expect(s.log.filter((r) => r.startsWith('Query PATIENT')).length).toBeGreaterThan(0);
  });

  it('a "taken" with no adherence episode open reads the open episodes only; with one open, the history too, and the episode is revised', async () => {
    const s = await setup();
    const [first, second] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'in-1', first!, false), first!, missed);
    expect(await withdrawals(s), 'one miss during the taper opens nothing').toEqual([]);
    s.log.length = 0;
    await recordDoseAnswer(runAt(s, 'in-2', second!, false), second!, taken);
    expect(s.log.filter((r) => r.startsWith('Query PATIENT')), 'the open episodes only, not the 16-day history').toHaveLength(1);

    // Two misses in a row open the steroid-withdrawal episode; a late "taken" for one of them ends it.
    const again = await setup();
    const [a, b] = await mornings(again);
    await recordDoseAnswer(runAt(again, 'in-1', a!, false), a!, missed);
    await recordDoseAnswer(runAt(again, 'in-2', b!, false), b!, missed);
    const [episode] = await withdrawals(again);
    expect(episode?.resolvedReason).toBeUndefined();
    again.log.length = 0;
    const current = (await again.deps.reminders.get(again.patient.id, b!.id, b!.dueAt))!;
    await recordDoseAnswer(runAt(again, 'in-3', b!, false), current, taken);
    expect(again.log.filter((r) => r.startsWith('Query PATIENT')).length, 'the open episodes, then the history').toBeGreaterThanOrEqual(2);
    expect((await again.deps.alerts.get(episode!.id))?.resolvedReason).toBe('late_taken_reply');
  });

  it('through the handler, a late "taken" finds the open episode in the read it makes with the conversation: no second read of the episodes', async () => {
    const s = await setup();
    const [a, b] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'miss-1', a!, false), a!, missed);
    await recordDoseAnswer(runAt(s, 'miss-2', b!, false), b!, missed);
    const [episode] = await withdrawals(s);
    expect(episode?.resolvedReason).toBeUndefined();
    // "1" (taken) 15 minutes after the second morning's check-in, inside its answer window.
    const requests = await s.text('1', (Date.parse(b!.dueAt) - Date.parse(s.checkIn.dueAt)) / 60_000 + 15);
    expect((await s.deps.reminders.get(s.patient.id, b!.id, b!.dueAt))?.outcome).toBe('taken');
    expect((await s.deps.alerts.get(episode!.id))?.resolvedReason).toBe('late_taken_reply');
    expect(requests.filter((r) => r === 'Query PATIENT/ALERTREF..CONVERSATION'), 'the episodes, read once with the conversation').toHaveLength(1);
    expect(requests.filter((r) => r === 'Query PATIENT/ALERTREF'), 'no separate read of the episodes').toEqual([]);
    expect(requests.filter((r) => r === 'Get PATIENT/CONVERSATION')).toEqual([]);
    expect(requests.filter((r) => r === 'Query PATIENT/ITEM'), 'the recent items, then the 16-day history').toHaveLength(2);
  });

  it('through the handler, a "missed" that opens an episode reads the episodes only with the conversation', async () => {
    const s = await setup();
    const [a, b] = await mornings(s);
    await recordDoseAnswer(runAt(s, 'miss-1', a!, false), a!, missed);
    expect(await withdrawals(s)).toEqual([]);
    const requests = await s.text('没吃', (Date.parse(b!.dueAt) - Date.parse(s.checkIn.dueAt)) / 60_000 + 15);
    expect((await s.deps.reminders.get(s.patient.id, b!.id, b!.dueAt))?.outcome).toBe('missed_reported');
    expect(await withdrawals(s)).toHaveLength(1);
    // Up to the first alert raised: the episodes were read once, with the conversation (what follows
    // the raise, a read of the patient's alerts, is the lanes' grouping, not the episodes).
    const beforeRaise = requests.slice(0, requests.indexOf('Put PATIENT/ALERTREF'));
    expect(beforeRaise.filter((r) => r.startsWith('Query PATIENT/ALERTREF'))).toEqual(['Query PATIENT/ALERTREF..CONVERSATION']);
    expect(beforeRaise.filter((r) => r === 'Query PATIENT/ITEM'), 'the recent items, then the 16-day history').toHaveLength(2);
  });
});

describe('requests of a reply through the real handler', () => {
  it('a "taken" answer: no read of the sender\'s previous text, none of the check-in before its update', async () => {
    const s = await setup();
    const requests = await s.text('1', 10);
    // Sender lookup 2, store, context 2 (the recent items; the conversation with the open adherence
    // episodes in the same Query), the answer with its entry riding on it, the entry appended (the
    // chain's first: it registers the chain, no separate item), the entry cleared from the check-in,
    // mark processed. No episode open: neither the episodes again nor the 16-day history is read.
    expect(requests).toEqual([
      'Get PHONE/CLAIM',
      'Get PATIENT/PROFILE',
      'Put INBOUND/MSG',
      'Query PATIENT/ITEM',
      'Query PATIENT/ALERTREF..CONVERSATION',
      'Update PATIENT/ITEM',
      'Put AUDIT/E',
      'Update PATIENT/ITEM',
      'Update INBOUND/MSG',
    ]);
    expect(await s.deps.audit.listChains()).toContainEqual({ entityType: 'reminder', entityId: s.checkIn.id });
    expect(requests.filter((r) => r.includes('index gsi1 MSGS'))).toEqual([]);
    expect(requests.filter((r) => r.startsWith('Get PATIENT/ITEM'))).toEqual([]);
    expect((await s.deps.reminders.get(s.patient.id, s.checkIn.id, s.checkIn.dueAt))?.outcome).toBe('taken');
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
    await s.clean();
    // The same answer again: the floor (sender lookup 2, store, context 2, the answer, mark processed), nothing more.
    const again = await s.text('1', 12);
    expect(again).toEqual(['Get PHONE/CLAIM', 'Get PATIENT/PROFILE', 'Put INBOUND/MSG', 'Query PATIENT/ITEM', 'Query PATIENT/ALERTREF..CONVERSATION', 'Update PATIENT/ITEM', 'Update INBOUND/MSG']);
    expect(await s.answers()).toEqual(['checkin.answer:in-1']);
  });

  it('a red flag sent twice gets the urgent-contact text twice, without reading the previous text; a repeated unclear one is still withheld', async () => {
    const s = await setup();
    const first = await s.text('发烧39.5度', 30);
    const second = await s.text('发烧39.5度', 31);
    for (const requests of [first, second]) expect(requests.filter((r) => r.includes('index gsi1 MSGS'))).toEqual([]);
    const urgent = renderTemplate(protocol, 'zh-CN', 'reply.urgent', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
    expect(s.sms.sent.filter((m) => m.body === urgent)).toHaveLength(2);

    const unclear = await s.text('这是什么', 40);
    expect(unclear.filter((r) => r.includes('index gsi1 MSGS'))).toHaveLength(1);
    await s.text('这是什么', 41);
    expect((await s.deps.messages.getInbound('in-4'))?.withheldReplies).toEqual([{ purpose: 'unclear', reason: 'repeat' }]);
  });

  it('STOP reads the conversation, not the recent items; a report created now links its first entry without reading the head', async () => {
    const s = await setup();
    const requests = await s.text('STOP', 30);
    expect(requests).toContain('Get PATIENT/CONVERSATION');
    const beforeUpdate = requests.slice(0, requests.indexOf('Put PATIENT/PROFILE'));
    expect(beforeUpdate.filter((r) => r.startsWith('Query PATIENT')), 'no recent-items Query before the opt-out').toEqual([]);
    expect(beforeUpdate.filter((r) => r === 'Get PATIENT/PROFILE'), 'the patient is read by the sender lookup and by the update\'s own version check only').toHaveLength(2);
    expect((await s.deps.patients.get(s.patient.id))?.smsOptOut).toBe(true);
    expect((await s.deps.audit.listForEntity('patient', s.patient.id)).map((e) => e.action)).toContain('patient.sms_opt_out');
    const reportStart = requests.indexOf('Put REPORT/REPORT');
    // The chain's first entry registers the chain itself (the registry index), and a creation entry
    // needs no receipt (a retry finds it from the chain's start): two writes, nothing read.
    expect(requests.slice(reportStart, reportStart + 3), 'no pointer item, no head Query, no receipt, no registry item').toEqual(['Put REPORT/REPORT', 'Put AUDIT/E', 'Put PATIENT/ALERTREF']);
    expect(await s.deps.audit.listChains()).toContainEqual({ entityType: 'report', entityId: expect.stringContaining('') });
  });

  it('STOP from a patient whose read is stale (opted out meanwhile): no second opt-out, no second confirmation', async () => {
    const s = await setup();
    await s.text('STOP', 30);
    const confirmations = s.sms.sent.length;
    // The sender lookup hands out the patient as it was before the first STOP.
    const stale = s.patient;
    const lookup = s.deps.patients.findByPhone.bind(s.deps.patients);
    s.deps.patients.findByPhone = async (phone) => ((await lookup(phone)) ? stale : null);
    await s.text('STOP', 31);
    expect(s.sms.sent.length).toBe(confirmations);
    expect((await s.deps.audit.listForEntity('patient', s.patient.id)).filter((e) => e.action === 'patient.sms_opt_out')).toHaveLength(1);
    expect((await s.deps.patients.get(s.patient.id))?.version).toBe(2);
  });
});
