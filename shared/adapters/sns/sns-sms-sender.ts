import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { withSignature } from '#domain/sms-parts.ts';
import { SmsSendError, type SmsSender } from '#ports/sms.ts';

export interface SnsSmsSenderOptions {
  /** `AWS.SNS.SMS.SenderID` (3–11 alphanumerics; not supported in every country). */
  senderId?: string;
  /** `AWS.MM.SMS.OriginationNumber` (E.164). */
  originationNumber?: string;
  /** `AWS.SNS.SMS.MaxPrice` in USD, e.g. "0.50". */
  maxPriceUsd?: string;
  /** Mainland China: the registered signature, prepended as 【…】 unless the body already carries it. */
  signature?: string;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests: the backoff sleep and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The sum of backoff sleeps never exceeds this: the function's time budget decides, not the retry count alone. */
  budgetMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000, budgetMs: 6_000 };

type Verdict = { retry: true; reason: string } | { retry: false; error: SmsSendError };

const THROTTLING = new Set(['ThrottledException', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'KMSThrottlingException', 'RequestLimitExceeded']);
/** Network errors raised before the request reached SNS: safe to retry. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Classifies an SNS error. Throttling (429) and 5xx answers are retried: SNS answered and did
 * not accept the message. A timeout or reset after the request left (no answer) is ambiguous —
 * the SMS may have gone — so it is never retried: `delivery_unknown` keeps "at most once".
 */
export function classifySnsError(error: unknown, operation: 'publish' | 'read'): Verdict {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLING.has(name) || status === 429) return { retry: true, reason: 'throttled' };
  if (name === 'InternalErrorException' || (status !== undefined && status >= 500)) return { retry: true, reason: 'provider_error' };
  if (name === 'OptedOutException') return { retry: false, error: new SmsSendError('permanent', 'opted_out') };
  if (name === 'InvalidParameterException' || name === 'InvalidParameterValueException' || name === 'ValidationException') {
    const reason = /phone ?number/i.test(e.message ?? '') ? 'invalid_number' : 'invalid_parameter';
    return { retry: false, error: new SmsSendError('permanent', reason) };
  }
  if (name === 'EndpointDisabledException') return { retry: false, error: new SmsSendError('permanent', 'endpoint_disabled') };
  if (status !== undefined) return { retry: false, error: new SmsSendError('permanent', 'provider_rejected', name) };
  // No HTTP answer at all.
  if (NEVER_CONNECTED.has(e.code ?? '') || operation === 'read') return { retry: true, reason: 'network' };
  return { retry: false, error: new SmsSendError('permanent', 'delivery_unknown', name) };
}

/**
 * SmsSender over SNS `Publish` to a phone number. Build the SNSClient with `maxAttempts: 1`: the
 * retries live here, where throttling and ambiguous timeouts are told apart.
 */
export class SnsSmsSender implements SmsSender {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly attributes: Record<string, MessageAttributeValue>;

  constructor(
    private readonly sns: SNSClient,
    private readonly options: SnsSmsSenderOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.attributes = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      ...(options.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } } : {}),
      ...(options.originationNumber ? { 'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: options.originationNumber } } : {}),
      ...(options.maxPriceUsd ? { 'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: options.maxPriceUsd } } : {}),
    };
  }

  async send(message: { to: string; body: string }): Promise<{ messageId: string }> {
    const body = withSignature(message.body, this.options.signature);
    const out = await this.withRetries('publish', () =>
      this.sns.send(new PublishCommand({ PhoneNumber: message.to, Message: body, MessageAttributes: this.attributes })),
    );
    if (!out.MessageId) throw new SmsSendError('permanent', 'delivery_unknown', 'Publish returned no MessageId');
    return { messageId: out.MessageId };
  }

  async isOptedOut(phone: string): Promise<boolean> {
    const out = await this.withRetries('read', () => this.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone })));
    return out.isOptedOut === true;
  }

  /** Exponential backoff with full jitter (sleep = random × min(max, base × 2^n)) within the budget. */
  private async withRetries<T>(operation: 'publish' | 'read', call: () => Promise<T>): Promise<T> {
    let slept = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const verdict = classifySnsError(error, operation);
        if (!verdict.retry) throw verdict.error;
        const delay = Math.floor(this.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt));
        if (attempt + 1 >= this.retry.maxAttempts || slept + delay > this.retry.budgetMs) {
          throw new SmsSendError('transient', verdict.reason, `gave up after ${attempt + 1} attempts`);
        }
        slept += delay;
        await this.sleep(delay);
      }
    }
  }
}
