import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type DysmsapiModule from '@alicloud/dysmsapi20170525';
import type OpenApiModule from '@alicloud/openapi-client';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorization, canonicalRequest, percentEncode, sha256Hex, signRpcCall } from '#adapters/aliyun/acs3.ts';
import { dybaseapiClient, dysmsapiClient, type AliyunCredentials } from '#adapters/aliyun/client.ts';
import { AliyunFake } from '#infra/local/aliyun-fake.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';

/**
 * Our ACS3-HMAC-SHA256 signer (shared/adapters/aliyun/acs3.ts, written from Alibaba's published
 * V3 algorithm) held to an independent reference: the official Alibaba Cloud SDK, kept as a
 * devDependency for this test only. The SDK sends each of the two calls the project makes — exactly
 * as production made them before (Dysmsapi.sendSmsWithOptions; the generic OpenApi client's
 * callApi for dybaseapi QueryTokenForMnsQueue) — to a capture server on 127.0.0.1; our client then
 * sends the same call with the SDK's x-acs-date and nonce, and the Authorization headers must be
 * equal, byte for byte. Any difference in canonical query encoding, header canonicalisation,
 * payload hash or HMAC fails here.
 */

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const CREDENTIALS: AliyunCredentials = { accessKeyId: 'LTAI5tContractTest0001', accessKeySecret: 'contract-test-secret-0123456789' };
let server: Server;
let host: string;
let captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer =
        req.headers['x-acs-action'] === 'QueryTokenForMnsQueue'
          ? { Code: 'OK', RequestId: 'r', MessageTokenDTO: { AccessKeyId: 'STS.x', AccessKeySecret: 's', SecurityToken: 't', ExpireTime: '2030-01-01 00:00:00' } }
          : { Code: 'OK', Message: 'OK', BizId: '123^0', RequestId: 'r' };
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  captured = [];
});

/**
 * The official SDK, as client.ts used it until the hand-written client replaced it (CommonJS
 * `default` unwrapped). `asConfigured`: an AccessKey pair in the Config, as production had it — the
 * SDK then also sends and signs its telemetry header x-acs-credentials-provider. Otherwise the same
 * pair through a credential object without a provider name: the SDK signs exactly the headers our
 * client sends, so the two Authorization headers can be compared byte for byte.
 */
/** CommonJS interop differs between Node (module.exports as default) and bundlers (already unwrapped). */
function unwrap<T>(module: unknown): T {
  const inner = (module as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : module) as T;
}

async function officialModules() {
  const [$Dysmsapi, $OpenApi, $Util] = await Promise.all([import('@alicloud/dysmsapi20170525'), import('@alicloud/openapi-client'), import('@alicloud/tea-util')]);
  return { $Dysmsapi, $OpenApi, $Util, Dysmsapi: unwrap<typeof DysmsapiModule.default>($Dysmsapi.default), OpenApi: unwrap<typeof OpenApiModule.default>($OpenApi.default) };
}

async function officialSdk(asConfigured: boolean) {
  const { $Dysmsapi, $OpenApi, $Util, Dysmsapi, OpenApi } = await officialModules();
  const credential = { getCredential: async () => ({ ...CREDENTIALS, type: 'access_key' }) };
  const config = () =>
    new $OpenApi.Config({
      ...(asConfigured ? CREDENTIALS : { credential: credential as unknown as InstanceType<typeof $OpenApi.Config>['credential'] }),
      endpoint: host,
      protocol: 'http',
      regionId: 'cn-hangzhou',
    });
  const runtime = () => new $Util.RuntimeOptions({ autoretry: false, maxAttempts: 1, connectTimeout: 3_000, readTimeout: 3_000 });
  return {
    async sendSms(parameters: { PhoneNumbers: string; SignName: string; TemplateCode: string; TemplateParam?: string }) {
      const client = new Dysmsapi(config());
      const request = new $Dysmsapi.SendSmsRequest({
        phoneNumbers: parameters.PhoneNumbers,
        signName: parameters.SignName,
        templateCode: parameters.TemplateCode,
        ...(parameters.TemplateParam === undefined ? {} : { templateParam: parameters.TemplateParam }),
      });
      await client.sendSmsWithOptions(request, runtime());
    },
    async queryToken(parameters: { MessageType: string; QueueName: string }) {
      const params = new $OpenApi.Params({ action: 'QueryTokenForMnsQueue', version: '2017-05-25', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
      await new OpenApi(config()).callApi(params, new $OpenApi.OpenApiRequest({ query: parameters }), runtime());
    },
  };
}

function header(c: Captured, name: string): string {
  const value = c.headers[name];
  if (typeof value !== 'string') throw new Error(`no ${name} header`);
  return value;
}

function decodedQuery(c: Captured): Record<string, string> {
  return Object.fromEntries(new URL(c.url, 'http://x').searchParams);
}

/** Our signer over the request the SDK sent (its method, path, parameters, every header, date and nonce) must give the SDK's Authorization. */
function expectSameSignature(c: Captured): void {
  const headers = Object.fromEntries(Object.entries(c.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'authorization'));
  const mine = authorization(CREDENTIALS, { method: c.method, path: new URL(c.url, 'http://x').pathname, query: decodedQuery(c), headers, hashedPayload: sha256Hex(c.body) });
  expect(header(c, 'authorization')).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI5tContractTest0001,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/);
  expect(mine).toBe(header(c, 'authorization'));
}

type Call = (official: Awaited<ReturnType<typeof officialSdk>>) => Promise<void>;

/**
 * 1. The SDK as production configured it: our signer over its request gives its Authorization.
 * 2. The SDK signing our header set, then our client with the SDK's date and nonce: the same
 *    request on the wire, and the same Authorization header.
 */
async function compare(sdkCall: Call, ours: (now: number, nonce: string) => Promise<unknown>): Promise<{ sdk: Captured; mine: Captured }> {
  await sdkCall(configuredSdk);
  const configured = captured.at(-1) as Captured;
  expect(header(configured, 'authorization')).toContain('x-acs-credentials-provider');
  expectSameSignature(configured);

  await sdkCall(plainSdk);
  const sdk = captured.at(-1) as Captured;
  expectSameSignature(sdk);
  await ours(Date.parse(header(sdk, 'x-acs-date')), header(sdk, 'x-acs-signature-nonce'));
  const mine = captured.at(-1) as Captured;
  expect(mine).not.toBe(sdk);
  expect(header(mine, 'authorization')).toBe(header(sdk, 'authorization'));
  // The same call: method, path, parameters, and every signed header.
  expect([mine.method, new URL(mine.url, 'http://x').pathname, mine.body]).toEqual([sdk.method, new URL(sdk.url, 'http://x').pathname, sdk.body]);
  expect(decodedQuery(mine)).toEqual(decodedQuery(sdk));
  for (const name of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) expect(header(mine, name)).toBe(header(sdk, name));
  return { sdk, mine };
}

const configuredSdk = await officialSdk(true);
const plainSdk = await officialSdk(false);
const sendWithOurs = (parameters: Record<string, string>) => (now: number, nonce: string) => dysmsapiClient(CREDENTIALS, { endpoint: host, protocol: 'http', now: () => now, nonce: () => nonce }).call('SendSms', parameters, { timeoutMs: 3_000 });

describe('ACS3-HMAC-SHA256: our client signs SendSms and QueryTokenForMnsQueue exactly as the official Alibaba Cloud SDK', () => {
  it('SendSms with a Chinese signature and TemplateParam JSON (the production request)', async () => {
    const parameters = { PhoneNumbers: '13912345678', SignName: '北京协和医院', TemplateCode: 'SMS_900000001', TemplateParam: JSON.stringify({ slot: '早上', drugs: '泼尼松 30mg、吗替麦考酚酯 0.75g' }) };
    const { sdk: request } = await compare((official) => official.sendSms(parameters), sendWithOurs(parameters));
    expect(header(request, 'authorization')).toContain(',SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,');
    expect([request.method, request.body, header(request, 'x-acs-content-sha256')]).toEqual(['POST', '', sha256Hex('')]);
  });

  it('SendSms without TemplateParam', async () => {
    const parameters = { PhoneNumbers: '13800000000', SignName: '北京协和医院', TemplateCode: 'SMS_900000016' };
    await compare((official) => official.sendSms(parameters), sendWithOurs(parameters));
  });

  it('dybaseapi QueryTokenForMnsQueue through the generic OpenApi client, as mns-upstream called it', async () => {
    const parameters = { MessageType: 'SmsUp', QueueName: 'Alicom-Queue-1234567890123456-SmsUp' };
    await compare(
      (official) => official.queryToken(parameters),
      (now, nonce) => dybaseapiClient(CREDENTIALS, { endpoint: host, protocol: 'http', now: () => now, nonce: () => nonce }).call('QueryTokenForMnsQueue', parameters, { timeoutMs: 3_000 }),
    );
  });

  it("characters percent-encoding gets wrong (space, + * ~ ! ' ( ) & = % / and non-BMP text)", async () => {
    const parameters = { PhoneNumbers: '13912345678', SignName: "a b+c*d~e!f'g(h)i&j=k%l/m", TemplateCode: 'SMS_1', TemplateParam: JSON.stringify({ v: '😀 "q" \\ ¥ \t' }) };
    await compare((official) => official.sendSms(parameters), sendWithOurs(parameters));
  });

  it('any SendSms parameters (property: 40 random calls)', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^1[3-9]\d{9}$/),
        text,
        fc.stringMatching(/^SMS_\d{1,9}$/),
        fc.option(fc.dictionary(fc.stringMatching(/^[A-Za-z_]\w{0,8}$/), text, { maxKeys: 4 }), { nil: undefined }),
        async (phone, signName, templateCode, variables) => {
          const parameters = { PhoneNumbers: phone, SignName: signName, TemplateCode: templateCode, ...(variables === undefined ? {} : { TemplateParam: JSON.stringify(variables) }) };
          await compare((official) => official.sendSms(parameters), sendWithOurs(parameters));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('ACS3-HMAC-SHA256: the pieces a wrong signer gets wrong fail the comparison', () => {
  it('a differently encoded or ordered query, another key, date or nonce gives another signature', () => {
    const call = { host: 'dysmsapi.aliyuncs.com', action: 'SendSms', version: '2017-05-25', query: { SignName: "a b*c'(", TemplateCode: 'SMS_1' }, at: Date.UTC(2026, 11, 5, 13, 0, 0), nonce: 'n1' };
    const reference = signRpcCall(CREDENTIALS, call).authorization;
    expect(signRpcCall(CREDENTIALS, { ...call, nonce: 'n2' }).authorization).not.toBe(reference);
    expect(signRpcCall(CREDENTIALS, { ...call, at: call.at + 1_000 }).authorization).not.toBe(reference);
    expect(signRpcCall({ ...CREDENTIALS, accessKeySecret: 'other' }, call).authorization).not.toBe(reference);
    expect(signRpcCall(CREDENTIALS, { ...call, query: { ...call.query, SignName: 'a b*c\'(' + ' ' } }).authorization).not.toBe(reference);
    // The encoding rules themselves (RFC 3986, as the V3 document requires).
    expect(percentEncode("a b+c*d~e!f'g(h)/")).toBe('a%20b%2Bc%2Ad~e%21f%27g%28h%29%2F');
    const headers = { host: 'h', 'x-acs-date': '2026-12-05T13:00:00Z', Accept: 'application/json', 'Content-Type': 'text/plain', 'x-acs-action': 'A' };
    expect(canonicalRequest({ method: 'post', path: '/', query: { b: '2', a: '' }, headers, hashedPayload: 'p' }).text).toBe(
      'POST\n/\na=&b=2\ncontent-type:text/plain\nhost:h\nx-acs-action:A\nx-acs-date:2026-12-05T13:00:00Z\n\ncontent-type;host;x-acs-action;x-acs-date\np',
    );
    expect(() => authorization(CREDENTIALS, { method: 'POST', path: '/', query: {}, headers: { host: 'a', Host: 'b' }, hashedPayload: 'p' })).toThrow(/twice/);
  });
});

describe('the provider fake verifies V3 signatures (so the local stack and e2e tests exercise real signing)', () => {
  const protocol = loadProtocolFile();
  let fake: AliyunFake;
  let fakeHost: string;
  beforeEach(async () => {
    fake = AliyunFake.fromProtocol(protocol, { credentials: CREDENTIALS });
    fakeHost = await fake.start();
    return () => fake.stop();
  });
  const dose = { PhoneNumbers: '13912345678', SignName: '北京协和医院', TemplateCode: 'SMS_900000001', TemplateParam: JSON.stringify({ slot: '早上', drugs: '泼尼松 30mg' }) };

  it("accepts the official SDK's requests, so its verifier agrees with the SDK's signer", async () => {
    const { $Dysmsapi, $OpenApi, $Util, Dysmsapi } = await officialModules();
    const client = new Dysmsapi(new $OpenApi.Config({ ...CREDENTIALS, endpoint: fakeHost, protocol: 'http', regionId: 'cn-hangzhou' }));
    const answer = await client.sendSmsWithOptions(
      new $Dysmsapi.SendSmsRequest({ phoneNumbers: dose.PhoneNumbers, signName: dose.SignName, templateCode: dose.TemplateCode, templateParam: dose.TemplateParam }),
      new $Util.RuntimeOptions({ autoretry: false, maxAttempts: 1 }),
    );
    expect(answer.body?.code).toBe('OK');
    expect(fake.requests.at(-1)?.rejected).toBeUndefined();
    expect(fake.sent).toHaveLength(1);
  });

  it('accepts ours, and refuses a wrong secret, an unknown key, a stale date, a replayed nonce and a request changed after signing', async () => {
    const at = Date.now();
    const ours = (credentials: AliyunCredentials, options: { now?: number; nonce?: string } = {}) =>
      dysmsapiClient(credentials, { endpoint: fakeHost, protocol: 'http', now: () => options.now ?? at, ...(options.nonce ? { nonce: () => options.nonce as string } : {}) }).call('SendSms', dose, { timeoutMs: 3_000 });
    await expect(ours(CREDENTIALS)).resolves.toMatchObject({ Code: 'OK' });
    await expect(ours({ ...CREDENTIALS, accessKeySecret: 'wrong-secret-0000' })).rejects.toMatchObject({ failure: 'http', statusCode: 400, code: 'SignatureDoesNotMatch' });
    await expect(ours({ ...CREDENTIALS, accessKeyId: 'LTAI-unknown' })).rejects.toMatchObject({ statusCode: 404, code: 'InvalidAccessKeyId.NotFound' });
    await expect(ours(CREDENTIALS, { now: at - 16 * 60_000 })).rejects.toMatchObject({ code: 'InvalidTimeStamp.Expired' });
    await expect(ours(CREDENTIALS, { nonce: 'once' })).resolves.toMatchObject({ Code: 'OK' });
    await expect(ours(CREDENTIALS, { nonce: 'once' })).rejects.toMatchObject({ code: 'SignatureNonceUsed' });

    // Signed for one number, sent to another: the query no longer matches the signature.
    const headers = signRpcCall(CREDENTIALS, { host: fakeHost, action: 'SendSms', version: '2017-05-25', query: dose, at, nonce: 'tampered' });
    const { host: _host, ...sent } = headers;
    const tampered = new URLSearchParams({ ...dose, PhoneNumbers: '13900000000' });
    const response = await fetch(`http://${fakeHost}/?${tampered.toString().replace(/\+/g, '%20')}`, { method: 'POST', headers: sent });
    expect([response.status, ((await response.json()) as { Code: string }).Code]).toEqual([400, 'SignatureDoesNotMatch']);
    // A body the hash does not cover.
    const withBody = await fetch(`http://${fakeHost}/?${new URLSearchParams(dose).toString().replace(/\+/g, '%20')}`, { method: 'POST', headers: { ...sent, 'x-acs-signature-nonce': 'x' }, body: 'extra' });
    expect(withBody.status).toBe(400);
    expect(fake.sent).toHaveLength(2);
  });
});
