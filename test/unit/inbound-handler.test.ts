import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import type { Language, TemplateKey } from '#domain/protocol.ts';
import { renderTemplate } from '#domain/templates.ts';
import { fixedClock } from '#ports/clock.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';

// The handler module parses its environment at load (cold start), as on AWS.
vi.hoisted(() => {
  process.env.TABLE_NAME = 'trial-unit-tests';
  process.env.ALERT_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL = 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler, InboundBatchError, RETRY_RESERVE_MS } = await import('#functions/inbound-sms/handler.ts');

const bundled = loadProtocolFile();
// Unknown numbers are answered only in allowed countries (default: the enrolled patients'); these tests' numbers are +1.
const protocol = { ...bundled, inbound: { ...bundled.inbound, unknownSenders: { ...bundled.inbound.unknownSenders, allowedCallingCodes: ['1'] } } };
const local = useLocalDynamo();
const snsMock = mockClient(SNSClient);
const ALERT_TOPIC = 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
const PHONE = '+15555550101';
const STRANGER = '+15555550999';

beforeEach(() => {
  snsMock.reset();
  let n = 0;
  snsMock.on(PublishCommand).callsFake(() => ({ MessageId: `sns-out-${++n}` }));
});
afterEach(() => snsMock.reset());

interface LogLine {
  level: string;
  message: string;
  fields: unknown;
}

async function setup(now = '2027-01-16T02:00:00.000Z') {
  const table = await local.freshTable();
  const doc = local.db.doc;
  const clock = fixedClock(now);
  const sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const deps = dynamoInboundDeps(doc, table, protocol, {
    publisher: new SnsAlertPublisher(sns, { coordinators: ALERT_TOPIC }, 'https://console.example.org/'),
    sms: new SnsSmsSender(sns, { sleep: async () => {}, random: () => 0 }),
    clock,
  });
  const logs: LogLine[] = [];
  const logger = {
    info: (message: string, fields?: unknown) => void logs.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: unknown) => void logs.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: unknown) => void logs.push({ level: 'error', message, fields }),
  } as never;
  const metrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined } as never;
  const handler = createInboundHandler(deps, { logger, metrics });
  const invoke = (event: unknown) => handler(event, lambdaContext('inbound-sms'));
  return { deps, clock, logs, invoke, handler };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function enroll(s: Setup, overrides: Partial<Patient> = {}): Promise<Patient> {
  const patient = makePatient(protocol, overrides);
  await s.deps.patients.create(patient);
  return patient;
}

let snsCounter = 0;
function record(payload: Record<string, unknown> | string, timestamp = '2027-01-16T02:00:00.000Z') {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:inbound:sub',
    Sns: {
      Type: 'Notification',
      MessageId: `sns-msg-${++snsCounter}`,
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound',
      Subject: null,
      Message: typeof payload === 'string' ? payload : JSON.stringify(payload),
      Timestamp: timestamp,
      SignatureVersion: '1',
      Signature: 'sig',
      SigningCertUrl: 'https://sns.example/cert.pem',
      UnsubscribeUrl: 'https://sns.example/unsub',
      MessageAttributes: {},
    },
  };
}

function payload(body: string, inboundMessageId: string, from = PHONE): Record<string, unknown> {
  return { originationNumber: from, destinationNumber: '+15555550100', messageKeyword: 'KEYWORD_1', messageBody: body, inboundMessageId };
}

const event = (...records: unknown[]) => ({ Records: records });

/** SMS sent to phones (Publish with PhoneNumber), as opposed to alerts (Publish to a topic). */
function smsSent(): { to: string; body: string }[] {
  return snsMock
    .commandCalls(PublishCommand)
    .filter((c) => c.args[0].input.PhoneNumber)
    .map((c) => ({ to: c.args[0].input.PhoneNumber!, body: c.args[0].input.Message! }));
}

function alertsPublished(): number {
  return snsMock.commandCalls(PublishCommand).filter((c) => c.args[0].input.TopicArn === ALERT_TOPIC).length;
}

const text = (lang: Language, key: TemplateKey) => renderTemplate(protocol, lang, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });

function expectNoPhi(s: Setup, ...secrets: string[]) {
  const all = JSON.stringify(s.logs);
  for (const secret of secrets) expect(all).not.toContain(secret);
}

describe('inbound-sms handler: redelivery', () => {
  it('the same inboundMessageId delivered three times: one stored message, one reply, one report, one alert', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await s.invoke(event(record(payload('发烧39度', 'in-redeliver')))));
    expect(results).toEqual([
      { processed: 1, duplicates: 0 },
      { processed: 0, duplicates: 1 },
      { processed: 0, duplicates: 1 },
    ]);
    const messages = await s.deps.messages.listForPatient(patient.id);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(smsSent()).toEqual([{ to: PHONE, body: text('zh-CN', 'reply.urgent') }]);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(1);
    expect(alertsPublished()).toBe(1);
    expectNoPhi(s, PHONE, '发烧');
  });
});

describe('inbound-sms handler: unknown numbers', () => {
  it('kept for review, no patient created, one neutral reply per local day', async () => {
    const s = await setup();
    await s.invoke(event(record(payload('你好', 'in-u1', STRANGER))));
    await s.invoke(event(record(payload('你好？', 'in-u2', STRANGER), '2027-01-16T05:00:00.000Z')));
    expect(smsSent()).toEqual([{ to: STRANGER, body: text('zh-CN', 'reply.unknown_number') }]);
    const reports = (await s.deps.reports.listByStatus('open')).items;
    expect(reports.map((r) => [r.source, r.patientId])).toEqual([
      ['unknown_sender', null],
      ['unknown_sender', null],
    ]);
    expect(await s.deps.patients.listAll()).toHaveLength(0);
    expectNoPhi(s, STRANGER, '你好');
  });
});

describe('inbound-sms handler: malformed input', () => {
  const cases: [string, unknown, string][] = [
    ['Message is not JSON', record('originationNumber=+15555550101&body=secret words'), 'Sns.Message'],
    ['inboundMessageId missing', record({ originationNumber: PHONE, destinationNumber: '+15555550100', messageBody: 'secret words' }), 'Sns.Message.inboundMessageId'],
    ['originationNumber not a number', record(payload('secret words', 'in-bad-1', 'not-a-phone')), 'Sns.Message.originationNumber'],
    ['messageBody not a string', record({ ...payload('x', 'in-bad-2'), messageBody: 42 }), 'Sns.Message.messageBody'],
    ['no Sns envelope', { EventSource: 'aws:sns', Other: 'secret words' }, 'Sns'],
    ['Timestamp not a date', { ...record(payload('secret words', 'in-bad-3')), Sns: { ...record(payload('secret words', 'in-bad-3')).Sns, Timestamp: 'yesterday' } }, 'Sns.Timestamp'],
  ];

  it.each(cases)('%s: logged by SNS MessageId and issue path only, then thrown for the DLQ', async (_name, bad, path) => {
    const s = await setup();
    await expect(s.invoke(event(bad))).rejects.toBeInstanceOf(InboundBatchError);
    const error = s.logs.find((l) => l.level === 'error' && l.message === 'malformed inbound SMS record');
    expect(error).toBeDefined();
    expect(JSON.stringify(error!.fields)).toContain(`"path":"${path}`);
    expectNoPhi(s, PHONE, 'secret words', 'not-a-phone');
    expect(smsSent()).toHaveLength(0);
  });

  it('an event that is not an SNS event is refused', async () => {
    const s = await setup();
    await expect(s.invoke({ hello: 'world' })).rejects.toBeInstanceOf(InboundBatchError);
  });

  it('a batch with one bad record: the good ones are stored and answered, the handler throws at the end; the retry does not redo them', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const batch = event(record(payload('帮助', 'in-b1')), record('{"truncated'), record(payload('HELP', 'in-b2')), record(payload('hello', 'in-b3', STRANGER)));
    await expect(s.invoke(batch)).rejects.toThrow(/1 of 4 inbound SMS record/);
    for (const id of ['in-b1', 'in-b2', 'in-b3']) expect((await s.deps.messages.getInbound(id))?.processedAt).toBeDefined();
    expect(smsSent()).toHaveLength(3);
    expect((await s.deps.messages.listForPatient(patient.id)).filter((m) => m.direction === 'in')).toHaveLength(2);

    // Lambda retries the whole event: the good records are duplicates now, nothing is sent twice.
    await expect(s.invoke(batch)).rejects.toBeInstanceOf(InboundBatchError);
    expect(smsSent()).toHaveLength(3);
    expect((await s.deps.messages.listForPatient(patient.id)).filter((m) => m.direction === 'in')).toHaveLength(2);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(2);
  });
});

describe('inbound-sms handler: STOP / START / HELP in both languages', () => {
  const keywords: [string, TemplateKey][] = [
    ['STOP', 'reply.stop_confirm'],
    ['stop', 'reply.stop_confirm'],
    ['退订', 'reply.stop_confirm'],
    ['TD', 'reply.stop_confirm'],
    ['取消', 'reply.stop_confirm'],
    ['START', 'reply.start_confirm'],
    ['订阅', 'reply.start_confirm'],
    ['HELP', 'reply.help'],
    ['帮助', 'reply.help'],
  ];

  for (const language of ['zh-CN', 'en'] as const) {
    it.each(keywords)(`"%s" from a ${language} patient → %s`, async (keyword, expected) => {
      const s = await setup();
      const patient = await enroll(s, { language, smsOptOut: expected === 'reply.start_confirm' });
      await s.invoke(event(record(payload(keyword, `in-${keyword}`))));
      expect(smsSent()).toEqual([{ to: PHONE, body: text(language, expected) }]);
      const stored = await s.deps.patients.get(patient.id);
      if (expected === 'reply.stop_confirm') {
        expect(stored?.smsOptOut).toBe(true);
        // The coordinator learns of it on the worklist (routine lane: not pushed); the patient stays in the trial.
        expect(alertsPublished()).toBe(0);
        expect((await s.deps.alerts.listByStatus('open')).items.map((a) => [a.kind, a.urgent])).toEqual([['opt_out', false]]);
        expect(stored?.status).toBe('active');
      }
      if (expected === 'reply.start_confirm') expect(stored?.smsOptOut).toBe(false);
    });
  }

  it('STOP from a withdrawn patient is honoured and confirmed; other texts are stored and queued without a reply', async () => {
    const s = await setup();
    const patient = await enroll(s, { status: 'withdrawn', withdrawnAt: '2027-01-10T00:00:00.000Z' });
    await s.invoke(event(record(payload('我今天好多了', 'in-w1'))));
    expect(smsSent()).toHaveLength(0);
    await s.invoke(event(record(payload('TD', 'in-w2'))));
    expect((await s.deps.patients.get(patient.id))?.smsOptOut).toBe(true);
    expect(smsSent()).toEqual([{ to: PHONE, body: text('zh-CN', 'reply.stop_confirm') }]);
    // START for a withdrawn patient: nothing resumes, so the answer is the study contact.
    await s.invoke(event(record(payload('START', 'in-w3'))));
    expect(smsSent().at(-1)?.body).toBe(text('zh-CN', 'reply.help'));
    expect((await s.deps.reports.listForPatient(patient.id)).map((r) => r.text).sort()).toEqual(['START', 'TD', '我今天好多了'].sort());
  });

  it('STOP and HELP from an unknown number: answered once (no patient to update)', async () => {
    const s = await setup();
    await s.invoke(event(record(payload('STOP', 'in-us1', STRANGER))));
    await s.invoke(event(record(payload('HELP', 'in-us2', STRANGER))));
    expect(smsSent()).toEqual([{ to: STRANGER, body: text('en', 'reply.stop_confirm') }]);
    expect(await s.deps.patients.listAll()).toHaveLength(0);
  });
});

describe('inbound-sms handler: provider failures', () => {
  it('a refused reply (opted out at the provider) is logged by reason; the message still counts as processed', async () => {
    const s = await setup();
    await enroll(s);
    snsMock.on(PublishCommand, { PhoneNumber: PHONE }).rejects(Object.assign(new Error('opted out'), { name: 'OptedOutException', $metadata: { httpStatusCode: 400 } }));
    expect(await s.invoke(event(record(payload('HELP', 'in-p1'))))).toEqual({ processed: 1, duplicates: 0 });
    expect(s.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'reply not sent', fields: expect.objectContaining({ purpose: 'help', reason: 'opted_out' }) }));
  });

  it('a throttled reply fails the record (retried later); the redelivery sends it once', async () => {
    const s = await setup();
    const patient = await enroll(s);
    snsMock.on(PublishCommand, { PhoneNumber: PHONE }).rejects(Object.assign(new Error('slow down'), { name: 'ThrottledException', $metadata: { httpStatusCode: 429 } }));
    const retryEvent = event(record(payload('HELP', 'in-t1')));
    await expect(s.invoke(retryEvent)).rejects.toBeInstanceOf(InboundBatchError);
    expect(s.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'inbound SMS record failed' }));
    snsMock.on(PublishCommand, { PhoneNumber: PHONE }).resolves({ MessageId: 'sns-out-late' });
    s.clock.advanceMinutes(5); // the crashed run's processing lease has run out
    expect(await s.invoke(retryEvent)).toEqual({ processed: 1, duplicates: 0 });
    expect((await s.deps.messages.listForPatient(patient.id)).filter((m) => m.direction === 'out')).toHaveLength(1);
  });
});

describe('inbound-sms handler: the scheduled retry of texts no delivery finished', () => {
  /** The function's timeout (infra/stacks/stateless-stack.ts): the retry's time budget counts down from it. */
  const TIMEOUT_MS = 30_000;
  /** The schedule's constant input, as the stack sets it (test/infra/stateless.test.ts holds the stack to it). */
  const retryTask = { source: 'trial-sms.scheduler', job: 'inbound-sms', task: 'retry-unprocessed-inbound', scheduledTime: '2027-01-16T02:05:00Z' };
  const nothing = { task: 'retry-unprocessed-inbound', due: 0, processed: 0, busy: 0, failed: 0, alerted: 0 };
  const throttled = Object.assign(new Error('slow down'), { name: 'ThrottledException', $metadata: { httpStatusCode: 429 } });

  it('a red flag whose delivery failed is processed by the first run after its retry time, within the 30 s timeout: the urgent reply once; the next run finds nothing', async () => {
    const s = await setup();
    const patient = await enroll(s);
    snsMock.on(PublishCommand, { PhoneNumber: PHONE }).rejects(throttled);
    await expect(s.invoke(event(record(payload('发烧39度', 'in-lost'))))).rejects.toBeInstanceOf(InboundBatchError);
    expect((await s.deps.messages.getInbound('in-lost'))?.processedAt).toBeUndefined();
    snsMock.on(PublishCommand, { PhoneNumber: PHONE }).resolves({ MessageId: 'sns-out-late' });
    const failedSends = smsSent().length;

    // Before its retry time (inbound.retryAfterMinutes after the failed attempt) it is not due.
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', TIMEOUT_MS))).toEqual(nothing);
    s.clock.advanceMinutes(protocol.inbound.retryAfterMinutes);
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', TIMEOUT_MS))).toEqual({ ...nothing, due: 1, processed: 1 });

    expect((await s.deps.messages.getInbound('in-lost'))?.processedAt).toBeDefined();
    expect(smsSent().slice(failedSends)).toEqual([{ to: PHONE, body: text('zh-CN', 'reply.urgent') }]);
    expect((await s.deps.alerts.listByStatus('open')).items.filter((a) => a.kind === 'red_flag' && a.patientId === patient.id)).toHaveLength(1);
    expect(alertsPublished()).toBe(1);
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', TIMEOUT_MS))).toEqual(nothing);
    expect(s.logs).toContainEqual(expect.objectContaining({ level: 'info', message: 'unprocessed inbound texts retried', fields: expect.objectContaining({ due: 1, processed: 1 }) }));
    expectNoPhi(s, PHONE, '发烧');
  });

  it(`starts no text with less than ${RETRY_RESERVE_MS / 1000} s of the invocation left; the text waits for the next run`, async () => {
    const s = await setup();
    await enroll(s);
    await s.deps.messages.storeInbound({ inboundMessageId: 'in-late', from: PHONE, to: '+15555550100', body: 'HELP', receivedAt: '2027-01-16T01:50:00.000Z', patientId: null, studyId: null, retryAt: '2027-01-16T01:55:00.000Z' });
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', RETRY_RESERVE_MS - 2_000))).toEqual({ ...nothing, due: 1 });
    expect((await s.deps.messages.getInbound('in-late'))?.processedAt).toBeUndefined();
    expect(smsSent()).toHaveLength(0);
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', TIMEOUT_MS))).toEqual({ ...nothing, due: 1, processed: 1 });
    expect(smsSent()).toHaveLength(1);
  });

  it('leaves a text a delivery is processing right now (its lease): safe beside deliveries', async () => {
    const s = await setup();
    await enroll(s);
    const until = new Date(Date.parse(s.clock.now()) + 30_000).toISOString();
    await s.deps.messages.storeInbound(
      { inboundMessageId: 'in-busy', from: PHONE, to: '+15555550100', body: 'HELP', receivedAt: '2027-01-16T01:50:00.000Z', patientId: null, studyId: null, retryAt: '2027-01-16T01:55:00.000Z' },
      { owner: 'delivery-1#0', until },
    );
    expect(await s.handler(retryTask, lambdaContext('inbound-sms', TIMEOUT_MS))).toEqual({ ...nothing, due: 1, busy: 1 });
    expect(smsSent()).toHaveLength(0);
    expect((await s.deps.messages.getInbound('in-busy'))?.processedAt).toBeUndefined();
  });

  it.each([
    ['another task', { ...retryTask, task: 'retry-everything' }],
    ['the schedule input without its task', { source: 'trial-sms.scheduler', job: 'inbound-sms', scheduledTime: '2027-01-16T02:05:00Z' }],
    ['a task that is not a string', { task: 1 }],
  ])('refuses %s (neither an SNS event nor the retry task)', async (_name, bad) => {
    const s = await setup();
    await expect(s.handler(bad, lambdaContext('inbound-sms', TIMEOUT_MS))).rejects.toBeInstanceOf(InboundBatchError);
    expect(s.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'event is neither an SNS event nor the scheduled retry task' }));
  });
});
