import { MainlandTemplateError, providerRequest } from '#domain/mainland-sms.ts';
import type { MainlandSms } from '#domain/protocol.ts';
import * as z from '#domain/zod.ts';
import { SmsSendError, type OutboundSms, type SmsSender } from '#ports/sms.ts';
import { AliyunCallError, type AliyunRpcClient } from './client.ts';

export interface AliyunSmsSenderOptions {
  retry?: Partial<{ maxAttempts: number; baseDelayMs: number; maxDelayMs: number; budgetMs: number }>;
  /** Deadline of one SendSms attempt (connection, request and answer). Default 5 s. */
  timeoutMs?: number;
  /** Injected for tests: the backoff sleep and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

type Verdict = { retry: true; reason: string } | { retry: false; error: SmsSendError };

/**
 * Business answers of SendSms (HTTP 200, Code ≠ OK; help.aliyun.com "API错误码"). None of them
 * sent anything, and none gets better by retrying within the minute: each is final for this
 * message, with a reason the coordinators can act on.
 */
const PERMANENT_CODES: Record<string, string> = {
  'isv.MOBILE_NUMBER_ILLEGAL': 'invalid_number',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'invalid_number',
  'isv.SMS_TEMPLATE_ILLEGAL': 'template_not_approved',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'template_parameters',
  'isv.INVALID_PARAMETERS': 'template_parameters',
  'isv.PARAM_LENGTH_LIMIT': 'variable_too_long',
  'isv.INVALID_JSON_PARAM': 'template_parameters',
  'isv.SMS_SIGNATURE_ILLEGAL': 'signature_not_approved',
  'isv.SIGN_STATE_ILLEGAL': 'signature_not_approved',
  'isv.SMS_SIGN_ILLEGAL': 'signature_not_approved',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': 'signature_not_approved',
  'isv.SMS_CONTENT_ILLEGAL': 'content_rejected',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'content_rejected',
  // The provider's per-number limit (50 a day per signature and template, 24 h rolling).
  'isv.BUSINESS_LIMIT_CONTROL': 'provider_number_limit',
  'isv.DAY_LIMIT_CONTROL': 'provider_account_limit',
  'isv.MONTH_LIMIT_CONTROL': 'provider_account_limit',
  'isv.AMOUNT_NOT_ENOUGH': 'provider_account',
  'isv.OUT_OF_SERVICE': 'provider_account',
  'isv.ACCOUNT_ABNORMAL': 'provider_account',
  'isv.ACCOUNT_NOT_EXISTS': 'provider_account',
  'isv.PRODUCT_UN_SUBSCRIPT': 'provider_account',
  'isp.RAM_PERMISSION_DENY': 'provider_account',
  'isv.DENY_IP_RANGE': 'provider_account',
};

const THROTTLING = /^Throttling/;
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Classifies a failed call (client.ts AliyunCallError: HTTP ≥ 400, or no answer). Throttling and
 * 5xx are retried: the provider answered and took nothing. A connection that was never made is
 * retried. A timeout or a broken connection after the request left is ambiguous — the SMS may
 * have gone — so a send is never retried then: 'delivery_unknown' keeps "at most once".
 */
export function classifyAliyunError(error: unknown): Verdict {
  if (!(error instanceof AliyunCallError)) return { retry: false, error: new SmsSendError('permanent', 'delivery_unknown', (error as { name?: string } | null)?.name ?? 'Error') };
  const { code, statusCode } = error;
  if (error.failure === 'http') {
    if (THROTTLING.test(code) || statusCode === 429) return { retry: true, reason: 'throttled' };
    if (statusCode !== undefined && statusCode >= 500) return { retry: true, reason: 'provider_error' };
    if (code.startsWith('InvalidAccessKeyId') || code.startsWith('SignatureDoesNotMatch') || code === 'Forbidden.RAM') {
      return { retry: false, error: new SmsSendError('permanent', 'provider_account', code) };
    }
    return { retry: false, error: new SmsSendError('permanent', 'provider_rejected', code || String(statusCode)) };
  }
  if (error.failure === 'network' && NEVER_CONNECTED.has(code)) return { retry: true, reason: 'network' };
  return { retry: false, error: new SmsSendError('permanent', 'delivery_unknown', error.failure === 'network' ? code || 'connection lost' : error.failure) };
}

/** The answer of SendSms (HTTP 200): Code OK with the BizId of the accepted message, or a business error Code. */
const sendSmsAnswer = z.looseObject({ Code: z.string(), BizId: z.optional(z.string()), RequestId: z.optional(z.string()) });

/** E.164 → the 11-digit mainland number SendSms takes. Other countries need international templates: refused. */
export function mainlandNumber(e164: string): string | null {
  const match = /^\+861([3-9]\d{9})$/.exec(e164);
  return match ? `1${match[1]}` : null;
}

/**
 * SmsSender over Alibaba Cloud SMS `SendSms` (client.ts, signed ACS3-HMAC-SHA256): the approved template
 * code and its variables (from the protocol's mainlandSms mapping) under the registered
 * signature. The text in `body` is what the provider will print, kept for the message log.
 */
export class AliyunSmsSender implements SmsSender {
  private readonly retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; budgetMs: number };
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: AliyunRpcClient,
    private readonly section: MainlandSms,
    options: AliyunSmsSenderOptions = {},
  ) {
    this.retry = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2_000, budgetMs: 5_000, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 5_000;
    if (!(this.timeoutMs > 0)) throw new Error('AliyunSmsSender timeoutMs must be a positive number of milliseconds');
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async send(message: OutboundSms): Promise<{ messageId: string }> {
    if (!message.template) throw new SmsSendError('permanent', 'template_not_mapped', 'Alibaba Cloud SMS sends approved templates only');
    const phone = mainlandNumber(message.to);
    if (!phone) throw new SmsSendError('permanent', 'invalid_number', 'not a mainland China mobile number');
    let request;
    try {
      request = providerRequest(this.section, message.template);
    } catch (error) {
      if (error instanceof MainlandTemplateError) throw new SmsSendError('permanent', error.reason, error.message);
      throw error;
    }
    const parameters = {
      PhoneNumbers: phone,
      SignName: this.section.signName,
      TemplateCode: request.templateCode,
      ...(Object.keys(request.templateParam).length > 0 ? { TemplateParam: JSON.stringify(request.templateParam) } : {}),
    };
    const answer = await this.withRetries(() => this.client.call('SendSms', parameters, { timeoutMs: this.timeoutMs }));
    const parsed = sendSmsAnswer.safeParse(answer);
    // HTTP 200 the provider does not explain: it may have sent. Never retried, never guessed.
    if (!parsed.success) throw new SmsSendError('permanent', 'delivery_unknown', 'SendSms answered HTTP 200 without a Code');
    const body = parsed.data;
    if (body.Code === 'OK' && body.BizId) return { messageId: body.BizId };
    const code = body.Code;
    if (THROTTLING.test(code)) throw new SmsSendError('transient', 'throttled', code);
    throw new SmsSendError('permanent', PERMANENT_CODES[code] ?? 'provider_rejected', code);
  }

  /** Alibaba Cloud has no opt-out lookup: STOP/TD replies reach us and are honoured by the inbound use case. */
  async isOptedOut(): Promise<boolean> {
    return false;
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    let slept = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const verdict = classifyAliyunError(error);
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
