import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CheckIfPhoneNumberIsOptedOutCommand, InvalidParameterException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { fixedClock } from '#ports/clock.ts';
import { dispatchWorld } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

// The handler module parses its environment when it loads (as on a Lambda cold start).
const ENV = {
  TABLE_NAME: 'trial-handler-test',
  DISPATCH_LEASE_SECONDS: '120',
  DISPATCH_CATCH_UP_MINUTES: '60',
  ALERT_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:coordinator-alerts',
  CONSOLE_URL: 'https://console.example.org/',
  AWS_REGION: 'cn-north-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
Object.assign(process.env, ENV);
const { createDispatchHandler } = await import('#functions/dispatch-reminders/handler.ts');

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const sns = mockClient(SNSClient);
const PHONE = '+8613800138000';
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 50_000 } as unknown as Context;

async function setup() {
  const table = await local.freshTable();
  const clock = fixedClock('2027-01-31T16:00:00.000Z');
  const world = dispatchWorld(local.db.doc, table, protocol, clock);
  const patient = makePatient(protocol, { phone: PHONE });
  await world.patients.create(patient);
  await planPatient({ reminders: world.reminders, protocol }, patient, clock.now(), 1);
  const sms = new SnsSmsSender(new SNSClient({ region: 'cn-north-1', maxAttempts: 1 }), { senderId: 'PUMCH', signature: '协和医院', sleep: async () => {}, random: () => 0.5 });
  const publisher = new SnsAlertPublisher(new SNSClient({ region: 'cn-north-1' }), { coordinators: ENV.ALERT_TOPIC_ARN }, ENV.CONSOLE_URL);
  const handler = createDispatchHandler(
    { ...world.deps, sms, alerting: { ...world.deps.alerting, publisher } },
    { leaseSeconds: 120, catchUpMinutes: 60, signature: '协和医院' },
  );
  clock.set('2027-02-01T00:00:20.000Z'); // the 08:00 (Beijing) dose reminder is due
  const morning = async () => (await world.reminders.listForPatient(patient.id, '2027', '2028')).find((i) => i.slot === 'morning')!;
  return { handler, morning, world };
}

const toPhone = () => sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.PhoneNumber === PHONE);
const toTopic = () => sns.commandCalls(PublishCommand).filter((c) => c.args[0].input.TopicArn === ENV.ALERT_TOPIC_ARN);

beforeEach(() => {
  sns.reset();
  sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
  sns.on(PublishCommand, { TopicArn: ENV.ALERT_TOPIC_ARN }).resolves({ MessageId: 'alert-1' });
});

describe('dispatch-reminders handler (SNS mocked, dynalite)', () => {
  it('success: one Publish, Transactional, signed, and the item is sent with the SNS MessageId and its parts', async () => {
    sns.on(PublishCommand, { PhoneNumber: PHONE }).resolves({ MessageId: 'sns-mid-1' });
    const { handler, morning } = await setup();
    const result = await handler({}, context);
    expect(result).toMatchObject({ sent: 1, parts: 1, failed: 0 });
    expect(toPhone()).toHaveLength(1);
    expect(toPhone()[0]!.args[0].input).toEqual({
      PhoneNumber: PHONE,
      Message: '【协和医院】早上服药：泼尼松 35mg、吗替麦考酚酯 0.75g。已服回复1，漏服回复2',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'PUMCH' },
      },
    });
    expect(await morning()).toMatchObject({ state: 'sent', messageId: 'sns-mid-1', parts: 1 });
  });

  it('throttling then success: retried inside the run, exactly one SMS', async () => {
    sns
      .on(PublishCommand, { PhoneNumber: PHONE })
      .rejectsOnce(new ThrottledException({ $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }))
      .resolves({ MessageId: 'sns-mid-2' });
    const { handler, morning } = await setup();
    expect(await handler({}, context)).toMatchObject({ sent: 1, released: 0 });
    expect(toPhone()).toHaveLength(2);
    expect(await morning()).toMatchObject({ state: 'sent', messageId: 'sns-mid-2' });
  });

  it('throttled beyond the retry budget: released, still due for the next minute', async () => {
    sns.on(PublishCommand, { PhoneNumber: PHONE }).rejects(new ThrottledException({ $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }));
    const { handler, morning } = await setup();
    expect(await handler({}, context)).toMatchObject({ sent: 0, released: 1 });
    expect((await morning()).state).toBe('due');
  });

  it('permanent failure (invalid number): failed with the reason, a routine worklist item by study ID (not pushed on its own), no phone in it', async () => {
    sns.on(PublishCommand, { PhoneNumber: PHONE }).rejects(new InvalidParameterException({ $metadata: { httpStatusCode: 400 }, message: 'Invalid parameter: PhoneNumber Reason: +8613800138000 is not valid' }));
    const { handler, morning, world } = await setup();
    expect(await handler({}, context)).toMatchObject({ sent: 0, failed: 1 });
    expect(await morning()).toMatchObject({ state: 'failed', reason: 'invalid_number' });
    expect(toTopic()).toHaveLength(0);
    const items = (await world.alerts.listByStatus('open')).items;
    expect(items).toEqual([expect.objectContaining({ kind: 'sms_failure', urgent: false, studyId: 'IGG4-001' })]);
    expect(JSON.stringify(items)).not.toContain('13800138000');
  });

  it('opted out at the provider: no Publish to the phone, the reminder is cancelled, coordinators alerted', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: PHONE }).resolves({ isOptedOut: true });
    const { handler, morning, world } = await setup();
    expect(await handler({}, context)).toMatchObject({ sent: 0, optedOut: 1 });
    expect(toPhone()).toHaveLength(0);
    expect(await morning()).toMatchObject({ state: 'cancelled', reason: 'provider_opted_out' });
    expect(toTopic()).toHaveLength(0);
    expect((await world.alerts.listByStatus('open')).items).toEqual([expect.objectContaining({ urgent: false, studyId: 'IGG4-001' })]);
  });

  it('opted out reported by Publish itself: failed as opted_out, never retried', async () => {
    sns.on(PublishCommand, { PhoneNumber: PHONE }).rejects(Object.assign(new Error('opted out'), { name: 'OptedOutException', $metadata: { httpStatusCode: 400 } }));
    const { handler, morning } = await setup();
    expect(await handler({}, context)).toMatchObject({ sent: 0, failed: 1 });
    expect(toPhone()).toHaveLength(1);
    expect(await morning()).toMatchObject({ state: 'failed', reason: 'opted_out' });
  });

  it('accepts the scheduled-event envelope; rejects an event that is not an object', async () => {
    sns.on(PublishCommand, { PhoneNumber: PHONE }).resolves({ MessageId: 'sns-mid-3' });
    const { handler } = await setup();
    await expect(handler({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} }, context)).resolves.toMatchObject({ sent: 1 });
    await expect(handler('run now', context)).rejects.toThrow(/unexpected event/);
  });
});

describe('dispatch-reminders cold start', () => {
  it('a missing variable fails the module load, naming it', async () => {
    vi.resetModules();
    const saved = process.env.ALERT_TOPIC_ARN;
    delete process.env.ALERT_TOPIC_ARN;
    try {
      await expect(import('#functions/dispatch-reminders/handler.ts')).rejects.toThrow(/ALERT_TOPIC_ARN/);
    } finally {
      process.env.ALERT_TOPIC_ARN = saved;
    }
  });
});
