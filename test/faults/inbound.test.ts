import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';
import { deadWhenKilled, faultyDynamo, killAfter, type FaultyDynamo } from './support.ts';

// The handler module parses its environment at load (cold start), as on AWS.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-fault-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler, InboundBatchError } = await import('#functions/inbound-sms/handler.ts');

/**
 * Inbound SMS under faults, through the real handler on dynalite: every message delivered three
 * times, out of order and at once (SNS is at-least-once and unordered), with and without DynamoDB
 * throttling; and a batch holding malformed records. Whatever happens, once Lambda's retries are
 * done each message is stored and processed exactly once: one report, one alert per red flag, one
 * recorded reply, the dose answer recorded once.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const MORNING = '2027-01-16T00:00:00.000Z'; // Saturday 08:00 Beijing: morning dose check-in
const RECEIVED = '2027-01-16T00:20:00.000Z';

interface LogLine {
  level: string;
  message: string;
  fields: unknown;
}

function depsOn(doc: DynamoDBDocumentClient, table: string, clock: ReturnType<typeof fixedClock>, sms: RecordingSmsSender, publisher: RecordingAlertPublisher): InboundSmsDeps {
  return dynamoInboundDeps(doc, table, protocol, { publisher, sms, clock });
}

async function setup() {
  const table = await local.freshTable();
  const clock = fixedClock(RECEIVED);
  const sms = new RecordingSmsSender();
  const publisher = new RecordingAlertPublisher();
  const deps = depsOn(local.db.doc, table, clock, sms, publisher);
  const logs: LogLine[] = [];
  const logger = {
    info: (message: string, fields?: unknown) => void logs.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: unknown) => void logs.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: unknown) => void logs.push({ level: 'error', message, fields }),
  };
  const metrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };
  const handlerOn = (d: InboundSmsDeps) => createInboundHandler(d, { logger: logger as never, metrics: metrics as never });
  const patients: Patient[] = [1, 2, 3].map((n) => makePatient(protocol, { id: `pat-000${n}`, studyId: `IGG4-00${n}`, phone: `+1555555010${n}` }));
  for (const patient of patients) {
    await deps.patients.create(patient);
    const window = { from: MORNING, to: '2027-01-17T00:00:00.000Z' };
    await deps.reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, '2027-01-15T15:00:00.000Z');
    const checkIn = (await deps.reminders.listForPatient(patient.id, MORNING, `${MORNING}~`)).find((r) => r.kind === 'dose')!;
    await deps.reminders.claim(checkIn, 'dispatch', MORNING, 60);
    await deps.reminders.markSent(checkIn, 'dispatch', { messageId: `prov-${checkIn.id}`, parts: 1, sentAt: MORNING });
  }
  const items = async () => (await local.db.doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
  return { table, clock, sms, publisher, deps, logs, handlerOn, patients, items };
}

const MESSAGES = [
  { id: 'in-taken', from: '+15555550101', body: '1' },
  { id: 'in-side-effect', from: '+15555550101', body: '有点恶心，拉肚子两次' },
  { id: 'in-red-flag', from: '+15555550103', body: '发烧39度' },
  { id: 'in-stop', from: '+15555550102', body: 'TD' },
  { id: 'in-unknown', from: '+15555550999', body: 'hello?' },
  { id: 'in-missed', from: '+15555550103', body: '忘了吃' },
];

function snsRecord(message: { id: string; from: string; body: string }, minute: number) {
  return {
    EventSource: 'aws:sns',
    Sns: {
      MessageId: `sns-${message.id}`,
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound',
      Timestamp: new Date(Date.parse(RECEIVED) + minute * 60_000).toISOString(),
      Message: JSON.stringify({ originationNumber: message.from, destinationNumber: '+15555550100', messageKeyword: 'KEYWORD_1', messageBody: message.body, inboundMessageId: message.id }),
    },
  };
}

/** Each message three times, in a scrambled order (deterministic). */
function tripleDeliveries() {
  const events = MESSAGES.flatMap((m, i) => [0, 1, 2].map((copy) => ({ key: (i * 7 + copy * 5) % 17, event: { Records: [snsRecord(m, i)] } })));
  return events.sort((a, b) => a.key - b.key || 0).map((e) => e.event);
}

/** Lambda's asynchronous invocation (SNS → Lambda): the first try, a retry about 1 minute later, a last one about 2 minutes after that, then the DLQ. */
const LAMBDA_RETRY_DELAYS_MINUTES = [1, 2];
/** The inbound function's timeout (infra/stacks/stateless-stack.ts): what the context's remaining time counts down from. */
const FUNCTION_TIMEOUT_MS = 30_000;
/** inbound-sms's scheduled retry runs every `inbound.retryAfterMinutes` (infra/stacks/stateless-stack.ts). */
const RETRY_EVERY_MINUTES = protocol.inbound.retryAfterMinutes;
/** The schedule's constant input (test/infra/stateless.test.ts holds the stack to it). */
const RETRY_TASK = { source: 'trial-sms.scheduler', job: 'inbound-sms', task: 'retry-unprocessed-inbound' };

/**
 * Runs events as Lambda would, at the real timing: all at once, the failed ones again after 1
 * minute and after 2 more, then what still fails goes to the DLQ. No clock jump beyond Lambda's own.
 */
async function deliverWithRetries(handlers: ((event: unknown) => Promise<unknown>)[], events: unknown[], clock: ReturnType<typeof fixedClock>): Promise<{ rounds: number; failures: number; deadLettered: number }> {
  let pending = events;
  let failures = 0;
  let round = 0;
  for (; pending.length > 0 && round <= LAMBDA_RETRY_DELAYS_MINUTES.length; round++) {
    if (round > 0) clock.advanceMinutes(LAMBDA_RETRY_DELAYS_MINUTES[round - 1]!);
    const handler = handlers[Math.min(round, handlers.length - 1)]!;
    const settled = await Promise.allSettled(pending.map((event) => handler(event)));
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(InboundBatchError);
    pending = pending.filter((_, i) => settled[i]!.status === 'rejected');
    failures += pending.length;
  }
  return { rounds: round, failures, deadLettered: pending.length };
}

/** inbound-sms's scheduled retry, through the handler with the function's timeout, at its next runs until the retry queue is empty (at most `runs` runs). */
async function retryUntilEmpty(handler: ReturnType<Awaited<ReturnType<typeof setup>>['handlerOn']>, deps: InboundSmsDeps, clock: ReturnType<typeof fixedClock>, runs = 4): Promise<number> {
  let ran = 0;
  for (; ran < runs; ran++) {
    clock.advanceMinutes(RETRY_EVERY_MINUTES);
    await handler({ ...RETRY_TASK, scheduledTime: clock.now() }, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS));
    if ((await deps.messages.listUnprocessedInbound('9999')).length === 0) return ran + 1;
  }
  return ran;
}

async function expectEachMessageOnce(s: Awaited<ReturnType<typeof setup>>, options: { exactSends: boolean }) {
  const items = await s.items();
  if (process.env.FAULTS_VERBOSE) {
    console.log(JSON.stringify(s.sms.sent, null, 1));
    console.log(JSON.stringify(items.filter((i) => ['outbound', 'alert'].includes(String(i.entity))).map((i) => ({ e: i.entity, id: i.id, inReplyTo: i.inReplyTo, kind: i.kind, body: i.body, title: i.title })), null, 1));
  }
  for (const m of MESSAGES) {
    const stored = items.filter((i) => i.entity === 'inbound' && i.inboundMessageId === m.id);
    expect(stored, `${m.id} stored once`).toHaveLength(1);
    expect(stored[0]!.processedAt, `${m.id} processed`).toBeTruthy();
    expect(items.filter((i) => i.entity === 'report' && i.inboundMessageId === m.id).length, `${m.id}: at most one report`).toBeLessThanOrEqual(1);
    const replies = items.filter((i) => i.entity === 'outbound' && i.inReplyTo === m.id);
    expect(new Set(replies.map((r) => r.id)).size, `${m.id}: each reply recorded once`).toBe(replies.length);
    const expected = m.id === 'in-taken' ? 0 : 1; // a plain "taken" gets no answer
    expect(replies.length, `${m.id}: ${expected} reply`).toBe(expected);
    const sends = s.sms.sent.filter((x) => x.to === m.from && replies.some((r) => r.body === x.body)).length;
    if (options.exactSends) expect(sends, `${m.id}: the reply sent once`).toBe(expected);
    else expect(sends, `${m.id}: the reply sent (at least once)`).toBeGreaterThanOrEqual(expected);
  }
  const reportsBy = (id: string) => items.filter((i) => i.entity === 'report' && i.inboundMessageId === id).length;
  expect(reportsBy('in-taken')).toBe(0); // a plain confirmation is no report
  for (const id of ['in-side-effect', 'in-red-flag', 'in-stop', 'in-unknown', 'in-missed']) expect(reportsBy(id), id).toBe(1);
  const alerts = items.filter((i) => i.entity === 'alert');
  expect(alerts.filter((a) => a.kind === 'red_flag')).toHaveLength(1);
  expect(alerts.filter((a) => a.kind === 'opt_out')).toHaveLength(1);
  // The coordinators' notification is at least once: a write lost after the publish repeats it on retry, never drops it.
  const notified = s.publisher.published.filter((a) => a.kind === 'red_flag').length;
  if (options.exactSends) expect(notified).toBe(1);
  else expect(notified).toBeGreaterThanOrEqual(1);
  const outcome = async (patient: Patient) => (await s.deps.reminders.listForPatient(patient.id, MORNING, `${MORNING}~`)).find((r) => r.kind === 'dose')!.outcome;
  expect(await outcome(s.patients[0]!)).toBe('taken');
  expect(await outcome(s.patients[2]!)).toBe('missed_reported');
  expect((await s.deps.patients.get('pat-0002'))!.smsOptOut).toBe(true);
  // The patient's number and words never reach a log line.
  const logged = JSON.stringify(s.logs);
  expect(logged).not.toMatch(/\+1555555/);
  expect(logged).not.toContain('发烧');
}

describe('the same SNS event delivered three times, out of order, concurrently', () => {
  it('each message is stored and processed once: one report, one alert, one reply, one dose answer', async () => {
    const s = await setup();
    const handler = s.handlerOn(s.deps);
    const { rounds, deadLettered } = await deliverWithRetries([(e) => handler(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))], tripleDeliveries(), s.clock);
    // Copies that found a message leased by another copy are done by Lambda's first retry (as duplicates).
    expect(rounds).toBeLessThanOrEqual(2);
    expect(deadLettered).toBe(0);
    await expectEachMessageOnce(s, { exactSends: true });
  });

  it('with DynamoDB throttling every 6th call (and a lost answer every 13th write): after retries, still once each; a reply is never lost', async () => {
    const s = await setup();
    const plan: FaultyDynamo['plan'] = (n, command) => (n % 6 === 5 ? 'throttle' : command !== 'GetItemCommand' && command !== 'QueryCommand' && n % 13 === 7 ? 'lost_answer' : null);
    const faulty = faultyDynamo(local.db.endpoint, plan);
    const flaky = s.handlerOn(depsOn(faulty.doc, s.table, s.clock, s.sms, s.publisher));
    const clean = s.handlerOn(s.deps);
    // Two rounds on the throttled table, then it recovers.
    const { failures } = await deliverWithRetries([(e) => flaky(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS)), (e) => flaky(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS)), (e) => clean(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))], tripleDeliveries(), s.clock);
    expect(faulty.injected.throttle).toBeGreaterThan(5);
    expect(failures).toBeGreaterThan(0);
    // Whatever Lambda gave up on (DLQ), the scheduled retry finishes from the stored message.
    await retryUntilEmpty(clean, s.deps, s.clock);
    // Replies are check-then-send: a write lost after the provider accepted one may send it again on retry (never none).
    await expectEachMessageOnce(s, { exactSends: false });
    // The bound on duplicates: an attempt sends a given reply at most once, and only an attempt that
    // failed after the provider accepted it (the outbound record lost) leads to another send. So each
    // reply goes out at most once per processing attempt of its message, and the extra sends in all are
    // at most the failed attempts (each counted on the stored message).
    const items = await s.items();
    let extraSends = 0;
    let failedAttempts = 0;
    for (const m of MESSAGES) {
      const stored = items.find((i) => i.entity === 'inbound' && i.inboundMessageId === m.id)!;
      const replies = items.filter((i) => i.entity === 'outbound' && i.inReplyTo === m.id);
      const sends = s.sms.sent.filter((x) => x.to === m.from && replies.some((r) => r.body === x.body)).length;
      expect(sends, `${m.id}: sends ≤ attempts`).toBeLessThanOrEqual(Number(stored.attempts));
      extraSends += Math.max(0, sends - replies.length);
      failedAttempts += Number(stored.attempts) - 1;
    }
    expect(extraSends).toBeLessThanOrEqual(failedAttempts);
    faulty.destroy();
  });
});

describe('a malformed record in a batch', () => {
  it('the good records are processed once, the bad ones fail the batch (for the DLQ) named by SNS MessageId; retries change nothing', async () => {
    const s = await setup();
    const handler = s.handlerOn(s.deps);
    const good = [snsRecord(MESSAGES[0]!, 0), snsRecord(MESSAGES[2]!, 1)];
    const badJson = { EventSource: 'aws:sns', Sns: { MessageId: 'sns-bad-json', Timestamp: RECEIVED, Message: '{"originationNumber": "+15555550101", "messageBody": "发烧' } };
    const badPayload = { EventSource: 'aws:sns', Sns: { MessageId: 'sns-bad-payload', Timestamp: RECEIVED, Message: JSON.stringify({ originationNumber: '+15555550101', messageBody: '发烧39度' }) } };
    const event = { Records: [good[0], badJson, badPayload, good[1]] };

    // Lambda's async invocation: the first try and two retries, then the on-failure destination.
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await handler(event, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InboundBatchError);
      expect(error).toMatchObject({ failed: 2, total: 4 });
      s.clock.advanceMinutes(1);
    }
    const items = await s.items();
    for (const id of ['in-taken', 'in-red-flag']) expect(items.filter((i) => i.entity === 'inbound' && i.inboundMessageId === id && i.processedAt)).toHaveLength(1);
    expect(items.filter((i) => i.entity === 'inbound')).toHaveLength(2);
    expect(s.sms.sent).toHaveLength(1); // the urgent-contact reply, once
    expect(items.filter((i) => i.entity === 'alert' && i.kind === 'red_flag')).toHaveLength(1);
    const malformed = s.logs.filter((l) => l.message === 'malformed inbound SMS record');
    expect(malformed.map((l) => (l.fields as { snsMessageId: string }).snsMessageId).sort()).toEqual(['sns-bad-json', 'sns-bad-json', 'sns-bad-json', 'sns-bad-payload', 'sns-bad-payload', 'sns-bad-payload']);
    const payloadIssues = malformed.find((l) => (l.fields as { snsMessageId: string }).snsMessageId === 'sns-bad-payload')!.fields as { issues: { path: string }[] };
    expect(payloadIssues.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['Sns.Message.destinationNumber', 'Sns.Message.inboundMessageId']));
    expect(JSON.stringify(s.logs)).not.toMatch(/\+1555555|发烧/);
  });
});

describe('an inbound message is never lost (real retry timing)', () => {
  const redFlag = { id: 'in-red-flag', from: '+15555550103', body: '发烧39度' };
  const eventOf = (m: { id: string; from: string; body: string }) => ({ Records: [snsRecord(m, 0)] });

  it('a delivery killed by the 30 s timeout is processed by Lambda\'s retry a minute later, not refused as "busy"', async () => {
    const s = await setup();
    let killed = false;
    const dying = { ...s.deps, reports: killAfter(s.deps.reports, 'createIfAbsent', () => (killed = true)) };
    const dead = Object.fromEntries(Object.entries(dying).map(([k, v]) => [k, typeof v === 'object' && v !== null && k !== 'protocol' && k !== 'clock' ? deadWhenKilled(v, () => killed) : v])) as unknown as InboundSmsDeps;
    await expect(s.handlerOn(dead)(eventOf(redFlag), lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))).rejects.toBeInstanceOf(InboundBatchError);
    expect(s.publisher.published).toHaveLength(0);

    s.clock.advanceMinutes(LAMBDA_RETRY_DELAYS_MINUTES[0]!);
    await expect(s.handlerOn(s.deps)(eventOf(redFlag), lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))).resolves.toEqual({ processed: 1, duplicates: 0 });
    expect(s.publisher.published.map((a) => a.kind)).toEqual(['red_flag']);
    // A minute late is not "delayed": the push does not say so.
    expect(s.publisher.published[0]!.details.lateMinutes).toBeUndefined();
    expect(s.publisher.published[0]!.title).not.toContain('delayed');
    expect(s.sms.countTo(redFlag.from)).toBe(1);
    expect((await s.deps.messages.getInbound(redFlag.id))?.attempts).toBe(2);
  });

  it('a red flag processed exactly 2 minutes after it was texted is pushed saying how late (the threshold is inclusive)', async () => {
    const s = await setup();
    s.clock.advanceMinutes(2);
    await expect(s.handlerOn(s.deps)(eventOf(redFlag), lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))).resolves.toEqual({ processed: 1, duplicates: 0 });
    const pushed = s.publisher.published.filter((a) => a.kind === 'red_flag');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.details).toMatchObject({ lateMinutes: 2, receivedAt: RECEIVED });
    expect(pushed[0]!.title).toContain('texted 2 min ago; processing was delayed');
  });

  it('every Lambda attempt fails: the DLQ gets it, the next scheduled retry processes the stored message; its red flag is pushed late, saying how late', async () => {
    const s = await setup();
    let broken = true;
    const failing = {
      ...s.deps,
      reports: new Proxy(s.deps.reports, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop === 'createIfAbsent' && broken) return () => Promise.reject(Object.assign(new Error('throttled (injected)'), { name: 'ProvisionedThroughputExceededException' }));
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }),
    };
    const handler = s.handlerOn(failing);
    const { deadLettered } = await deliverWithRetries([(e) => handler(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))], [eventOf(redFlag)], s.clock);
    expect(deadLettered).toBe(1);
    const stored = await s.deps.messages.getInbound(redFlag.id);
    expect(stored).toMatchObject({ attempts: 3, lastFailure: 'ProvisionedThroughputExceededException' });
    expect(stored?.processedAt).toBeUndefined();
    expect(s.publisher.published).toHaveLength(0);

    broken = false;
    expect(await retryUntilEmpty(s.handlerOn(s.deps), s.deps, s.clock)).toBe(1);
    const processed = await s.deps.messages.getInbound(redFlag.id);
    expect(processed?.processedAt).toBeTruthy();
    const pushed = s.publisher.published.filter((a) => a.kind === 'red_flag');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.urgent).toBe(true);
    const late = Math.floor((Date.parse(s.clock.now()) - Date.parse(RECEIVED)) / 60_000);
    // The last attempt at minute 3 put the retry time 5 minutes later; the run every 5 minutes takes it then.
    expect(late).toBe(1 + 2 + RETRY_EVERY_MINUTES);
    expect(pushed[0]!.details).toMatchObject({ lateMinutes: late, receivedAt: RECEIVED });
    expect(pushed[0]!.title).toContain(`texted ${late} min ago`);
    expect(s.sms.countTo(redFlag.from)).toBe(1);
  });

  it('after the protocol\'s attempts one routine inbound_unprocessed item names the message; retries go on and finish once the cause is gone', async () => {
    const s = await setup();
    let broken = true;
    const poisoned = {
      ...s.deps,
      reports: new Proxy(s.deps.reports, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop === 'createIfAbsent' && broken) return () => Promise.reject(new TypeError('cannot read the interpretation (injected)'));
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }),
    };
    await deliverWithRetries([(e) => s.handlerOn(poisoned)(e, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS))], [eventOf(redFlag)], s.clock);
    for (let run = 0; run < 3; run++) {
      s.clock.advanceMinutes(RETRY_EVERY_MINUTES);
      await s.handlerOn(poisoned)({ ...RETRY_TASK, scheduledTime: s.clock.now() }, lambdaContext('inbound-sms', FUNCTION_TIMEOUT_MS));
    }
    // Routine lane (issue 12): a worklist item, not a push.
    expect(s.publisher.published.filter((a) => a.kind === 'inbound_unprocessed')).toHaveLength(0);
    const items = (await s.deps.alerts.listByStatus('open')).items.filter((a) => a.kind === 'inbound_unprocessed');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ urgent: false, details: expect.objectContaining({ inboundMessageId: redFlag.id, lastFailure: 'TypeError' }) });
    expect(items[0]!.title).toContain(redFlag.id);
    expect((await s.deps.messages.getInbound(redFlag.id))?.attempts).toBeGreaterThanOrEqual(protocol.inbound.attemptsBeforeAlert);

    broken = false;
    await retryUntilEmpty(s.handlerOn(s.deps), s.deps, s.clock);
    expect((await s.deps.messages.getInbound(redFlag.id))?.processedAt).toBeTruthy();
    expect(s.publisher.published.filter((a) => a.kind === 'red_flag')).toHaveLength(1);
  });
});
