import { describe, expect, it } from 'vitest';
import { AliyunSmsSender, classifyAliyunError } from '#adapters/aliyun/aliyun-sms-sender.ts';
import { AliyunCallError, AliyunRpcClient, dybaseapiClient, dysmsapiClient } from '#adapters/aliyun/client.ts';
import { MnsUpstream, UpstreamUnavailableError } from '#adapters/aliyun/mns-upstream.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { renderMessage } from '#domain/templates.ts';
import { failure } from '../support/sms-failure.ts';

const CREDENTIALS = { accessKeyId: 'LTAI-unit', accessKeySecret: 'unit-secret' };
const protocol = loadProtocolFile();
const section = protocol.mainlandSms as NonNullable<Protocol['mainlandSms']>;
const PHONE = '+8613912345678';

function dose() {
  const rendered = renderMessage(protocol, 'zh-CN', 'dose.reminder', { slot: '早上', drugs: '泼尼松 30mg' });
  return { to: PHONE, body: `【${section.signName}】${rendered.text}`, template: rendered.template };
}

/** A fetch answering from a list, recording each call. */
function scripted(...answers: (Response | Error | 'hang')[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const impl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const answer = answers.shift() ?? new Error('no answer scripted');
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  return { impl, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });

function sender(fetchImpl: typeof fetch, options: ConstructorParameters<typeof AliyunSmsSender>[2] = {}) {
  return new AliyunSmsSender(dysmsapiClient(CREDENTIALS, { fetch: fetchImpl }), section, { sleep: async () => {}, random: () => 0.5, ...options });
}

describe('AliyunRpcClient', () => {
  it('POSTs to https://<endpoint>/ with the parameters percent-encoded in the query, an empty body and the signed x-acs-* headers', async () => {
    const { impl, calls } = scripted(json(200, { Code: 'OK', BizId: '1^0' }));
    const client = dysmsapiClient(CREDENTIALS, { fetch: impl, now: () => Date.UTC(2026, 11, 5, 13, 0, 0), nonce: () => 'nonce-1' });
    await client.call('SendSms', { SignName: '北京 协和', PhoneNumbers: '13912345678' }, { timeoutMs: 1_000 });
    const [call] = calls;
    expect(call?.url).toBe('https://dysmsapi.aliyuncs.com/?PhoneNumbers=13912345678&SignName=%E5%8C%97%E4%BA%AC%20%E5%8D%8F%E5%92%8C');
    expect(call?.init?.method).toBe('POST');
    expect(call?.init?.body).toBeUndefined();
    expect(call?.init?.headers).toMatchObject({
      'x-acs-action': 'SendSms',
      'x-acs-version': '2017-05-25',
      'x-acs-date': '2026-12-05T13:00:00Z',
      'x-acs-signature-nonce': 'nonce-1',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      accept: 'application/json',
    });
    expect((call?.init?.headers as Record<string, string>)['authorization']).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI-unit,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/);
    expect(call?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses bad configuration with a clear error', () => {
    expect(() => dysmsapiClient({ accessKeyId: '', accessKeySecret: 'x' })).toThrow(/accessKeyId and an accessKeySecret/);
    expect(() => dysmsapiClient(CREDENTIALS, { endpoint: 'https://dysmsapi.aliyuncs.com/' })).toThrow(/host name with an optional port/);
    expect(() => dysmsapiClient(CREDENTIALS, { endpoint: 'dysmsapi.aliyuncs.com', protocol: 'http' })).toThrow(/plain HTTP is for the local fake/);
    expect(() => new AliyunRpcClient(CREDENTIALS, '2017-05-25', { endpoint: '127.0.0.1:8080', protocol: 'http' })).not.toThrow();
  });

  it('HTTP ≥ 400: the Code and RequestId of a JSON or XML answer, never the parameters', async () => {
    const { impl } = scripted(json(400, { Code: 'Throttling.User', Message: 'flow control 13912345678', RequestId: 'req-1' }), new Response('<Error><Code>Forbidden.RAM</Code></Error>', { status: 403 }), new Response('gateway', { status: 502 }));
    const client = dysmsapiClient(CREDENTIALS, { fetch: impl });
    const parameters = { PhoneNumbers: '13912345678', TemplateParam: '{"drugs":"泼尼松"}' };
    const first = await client.call('SendSms', parameters, { timeoutMs: 1_000 }).catch((e: unknown) => e as AliyunCallError);
    expect(first).toMatchObject({ failure: 'http', statusCode: 400, code: 'Throttling.User', requestId: 'req-1' });
    expect((first as Error).message).toBe('SendSms answered HTTP 400 Throttling.User (request req-1)');
    await expect(client.call('SendSms', parameters, { timeoutMs: 1_000 })).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden.RAM' });
    const third = await client.call('SendSms', parameters, { timeoutMs: 1_000 }).catch((e: unknown) => e as AliyunCallError);
    expect(third).toMatchObject({ statusCode: 502, code: '' });
    for (const e of [first, third]) expect(JSON.stringify({ m: (e as Error).message, ...(e as object) })).not.toMatch(/1391234|泼尼松/);
  });

  it('a hang ends at the deadline as a timeout; a refused connection is a network failure with its code', async () => {
    const { impl } = scripted('hang', refused(), Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ENETUNREACH' })]), {}) }));
    const client = dybaseapiClient(CREDENTIALS, { fetch: impl });
    const started = Date.now();
    await expect(client.call('QueryTokenForMnsQueue', {}, { timeoutMs: 50 })).rejects.toMatchObject({ failure: 'timeout', message: 'QueryTokenForMnsQueue timed out' });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(client.call('QueryTokenForMnsQueue', {}, { timeoutMs: 50 })).rejects.toMatchObject({ failure: 'network', code: 'ECONNREFUSED' });
    await expect(client.call('QueryTokenForMnsQueue', {}, { timeoutMs: 50 })).rejects.toMatchObject({ failure: 'network', code: 'ENETUNREACH' });
  });

  it('HTTP 200 that is not JSON is a response failure', async () => {
    const { impl } = scripted(new Response('<html>', { status: 200 }));
    await expect(dysmsapiClient(CREDENTIALS, { fetch: impl }).call('SendSms', {}, { timeoutMs: 50 })).rejects.toMatchObject({ failure: 'response', statusCode: 200 });
  });
});

describe('AliyunSmsSender over the client: retry policy and provider error codes', () => {
  it('classification: throttling and 5xx retried, never-connected retried, ambiguous failures delivery_unknown', () => {
    const http = (status: number, code = '') => new AliyunCallError('SendSms', 'http', code, status);
    expect(classifyAliyunError(http(400, 'Throttling.User'))).toEqual({ retry: true, reason: 'throttled' });
    expect(classifyAliyunError(http(429))).toEqual({ retry: true, reason: 'throttled' });
    expect(classifyAliyunError(http(503, 'ServiceUnavailable'))).toEqual({ retry: true, reason: 'provider_error' });
    expect(classifyAliyunError(new AliyunCallError('SendSms', 'network', 'ENOTFOUND'))).toEqual({ retry: true, reason: 'network' });
    const verdicts = [
      http(404, 'InvalidAccessKeyId.NotFound'),
      http(400, 'SignatureDoesNotMatch'),
      http(403, 'Forbidden.RAM'),
      http(400, 'InvalidParameter'),
      http(404),
      new AliyunCallError('SendSms', 'timeout', ''),
      new AliyunCallError('SendSms', 'network', 'ECONNRESET'),
      new AliyunCallError('SendSms', 'response', '', 200),
      new Error('bug'),
    ].map((e) => {
      const v = classifyAliyunError(e);
      return v.retry ? 'retry' : [v.error.kind, v.error.reason, v.error.message];
    });
    expect(verdicts).toEqual([
      ['permanent', 'provider_account', 'InvalidAccessKeyId.NotFound'],
      ['permanent', 'provider_account', 'SignatureDoesNotMatch'],
      ['permanent', 'provider_account', 'Forbidden.RAM'],
      ['permanent', 'provider_rejected', 'InvalidParameter'],
      ['permanent', 'provider_rejected', '404'],
      ['permanent', 'delivery_unknown', 'timeout'],
      ['permanent', 'delivery_unknown', 'ECONNRESET'],
      ['permanent', 'delivery_unknown', 'response'],
      ['permanent', 'delivery_unknown', 'Error'],
    ]);
  });

  it('a timeout is delivery_unknown after one attempt (at most once); a refused connection is retried to its limit', async () => {
    const hang = scripted('hang', json(200, { Code: 'OK', BizId: 'never' }));
    const error = await failure(sender(hang.impl, { timeoutMs: 30 }).send(dose()));
    expect([error.kind, error.reason]).toEqual(['permanent', 'delivery_unknown']);
    expect(hang.calls).toHaveLength(1);

    const down = scripted(refused(), refused(), refused());
    const sleeps: number[] = [];
    const gaveUp = await failure(sender(down.impl, { retry: { maxAttempts: 3 }, sleep: async (ms) => void sleeps.push(ms) }).send(dose()));
    expect([gaveUp.kind, gaveUp.reason, gaveUp.message]).toEqual(['transient', 'network', 'gave up after 3 attempts']);
    expect(down.calls).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('business codes of an HTTP 200 answer map as before; an answer without a Code is delivery_unknown; OK returns the BizId', async () => {
    const answers = scripted(
      json(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发天级流控Permits:50', RequestId: 'r' }),
      json(200, { Code: 'isv.AMOUNT_NOT_ENOUGH' }),
      json(200, { Code: 'isv.SOMETHING_NEW' }),
      json(200, { Code: 'Throttling.User' }),
      json(200, { Message: 'no code' }),
      json(200, { Code: 'OK', BizId: '900^0', RequestId: 'r' }),
    );
    const s = sender(answers.impl);
    const reasons = [];
    for (let i = 0; i < 5; i++) {
      const e = await failure(s.send(dose()));
      reasons.push([e.kind, e.reason, e.message]);
    }
    expect(reasons).toEqual([
      ['permanent', 'provider_number_limit', 'isv.BUSINESS_LIMIT_CONTROL'],
      ['permanent', 'provider_account', 'isv.AMOUNT_NOT_ENOUGH'],
      ['permanent', 'provider_rejected', 'isv.SOMETHING_NEW'],
      ['transient', 'throttled', 'Throttling.User'],
      ['permanent', 'delivery_unknown', 'SendSms answered HTTP 200 without a Code'],
    ]);
    await expect(s.send(dose())).resolves.toEqual({ messageId: '900^0' });
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() => sender(scripted().impl, { timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
  });
});

describe('MnsUpstream token call over the client', () => {
  it('a failed or timed-out QueryTokenForMnsQueue is UpstreamUnavailableError with the code only', async () => {
    const { impl } = scripted(json(400, { Code: 'isv.QUEUE_NOT_EXIST' }), 'hang');
    const upstream = new MnsUpstream(dybaseapiClient(CREDENTIALS, { fetch: impl }), { queues: { reply: 'q-up', receipt: 'q-report' }, timeoutMs: 30, fetch: impl });
    await expect(upstream.receive('reply', 1)).rejects.toThrow(new UpstreamUnavailableError('QueryTokenForMnsQueue failed: isv.QUEUE_NOT_EXIST'));
    await expect(upstream.receive('reply', 1)).rejects.toThrow(new UpstreamUnavailableError('QueryTokenForMnsQueue failed: timeout'));
  });
});
