import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  InternalErrorException,
  InvalidParameterException,
  OptedOutException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { SmsSendError } from '#ports/sms.ts';

const sns = mockClient(SNSClient);
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode }, message: 'x' });

function sender(options: ConstructorParameters<typeof SnsSmsSender>[1] = {}) {
  const sleeps: number[] = [];
  const instance = new SnsSmsSender(new SNSClient({ region: 'cn-north-1', maxAttempts: 1 }), {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { instance, sleeps };
}

async function sendError(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SmsSendError);
  return error as SmsSendError;
}

beforeEach(() => {
  sns.reset();
});

describe('SnsSmsSender.send', () => {
  it('publishes to the number as Transactional, with sender ID, origination number, max price and the China signature', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'mid-1' });
    const { instance } = sender({ senderId: 'PUMCH', originationNumber: '+8610690000', maxPriceUsd: '0.50', signature: '协和医院' });
    await expect(instance.send({ to: '+8613800138000', body: '早上服药：吗替麦考酚酯 0.75g' })).resolves.toEqual({ messageId: 'mid-1' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      PhoneNumber: '+8613800138000',
      Message: '【协和医院】早上服药：吗替麦考酚酯 0.75g',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'PUMCH' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+8610690000' },
        'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.50' },
      },
    });
  });

  it('without optional config sends only the SMS type, and never signs a body twice', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'mid-2' });
    await sender().instance.send({ to: '+15555550101', body: 'Morning medicines due.' });
    await sender({ signature: '【协和医院】' }).instance.send({ to: '+15555550101', body: '【协和医院】已签名' });
    const [plain, signed] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(plain!.MessageAttributes).toEqual({ 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } });
    expect(plain!.Message).toBe('Morning medicines due.');
    expect(signed!.Message).toBe('【协和医院】已签名');
  });

  it('throttling then success: retried with jittered exponential backoff, one SMS', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(new ThrottledException(meta(400)))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(new InternalErrorException(meta(500)))
      .resolves({ MessageId: 'mid-3' });
    const { instance, sleeps } = sender();
    await expect(instance.send({ to: '+15555550101', body: 'hi' })).resolves.toEqual({ messageId: 'mid-3' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(4);
    // full jitter with random() = 0.5: 0.5 × 100, 0.5 × 200, 0.5 × 400
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('an HTTP 429 without a known error name is throttling too', async () => {
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('slow down'), { name: 'Unknown', $metadata: { httpStatusCode: 429 } })).resolves({ MessageId: 'mid-4' });
    await expect(sender().instance.send({ to: '+15555550101', body: 'hi' })).resolves.toEqual({ messageId: 'mid-4' });
  });

  it('throttled past the retry budget: a transient error (the item stays due for the next run)', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException(meta(400)));
    const { instance, sleeps } = sender({ retry: { maxAttempts: 10, budgetMs: 500 } });
    const error = await sendError(instance.send({ to: '+15555550101', body: 'hi' }));
    expect(error.kind).toBe('transient');
    expect(error.reason).toBe('throttled');
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(500);
  });

  it('an invalid number is permanent, reported without the number, and not retried', async () => {
    sns.on(PublishCommand).rejects(new InvalidParameterException({ $metadata: { httpStatusCode: 400 }, message: 'Invalid parameter: PhoneNumber Reason: +1555 is not valid to publish to' }));
    const error = await sendError(sender().instance.send({ to: '+15555550101', body: 'hi' }));
    expect(error.kind).toBe('permanent');
    expect(error.reason).toBe('invalid_number');
    expect(error.message).not.toContain('+1555');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('an opted-out number is permanent: opted_out', async () => {
    sns.on(PublishCommand).rejects(new OptedOutException(meta(400)));
    const error = await sendError(sender().instance.send({ to: '+15555550101', body: 'hi' }));
    expect([error.kind, error.reason]).toEqual(['permanent', 'opted_out']);
  });

  it('a timeout after the request left is never retried (the SMS may have gone): delivery_unknown', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('socket timeout'), { name: 'TimeoutError' }));
    const error = await sendError(sender().instance.send({ to: '+15555550101', body: 'hi' }));
    expect([error.kind, error.reason]).toEqual(['permanent', 'delivery_unknown']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('a connection refused before anything was sent is retried', async () => {
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).resolves({ MessageId: 'mid-5' });
    await expect(sender().instance.send({ to: '+15555550101', body: 'hi' })).resolves.toEqual({ messageId: 'mid-5' });
  });
});

describe('SnsSmsSender.isOptedOut', () => {
  it('asks SNS CheckIfPhoneNumberIsOptedOut for the number', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: '+8613800138000' }).resolves({ isOptedOut: true });
    sns.on(CheckIfPhoneNumberIsOptedOutCommand, { phoneNumber: '+8613800138001' }).resolves({ isOptedOut: false });
    const { instance } = sender();
    expect(await instance.isOptedOut('+8613800138000')).toBe(true);
    expect(await instance.isOptedOut('+8613800138001')).toBe(false);
  });

  it('retries a throttled check, then gives a transient error', async () => {
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).rejects(new ThrottledException(meta(400)));
    const error = await sendError(sender({ retry: { maxAttempts: 3 } }).instance.isOptedOut('+8613800138000'));
    expect(error.kind).toBe('transient');
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toHaveLength(3);
  });
});
