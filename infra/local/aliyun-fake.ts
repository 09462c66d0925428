import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateMainlandSms } from '#domain/mainland-sms.ts';
import type { Protocol } from '#domain/protocol.ts';
import { ACS3_ALGORITHM, acs3Signature, canonicalRequest, sha256Hex } from '#adapters/aliyun/acs3.ts';
import type { AliyunCredentials } from '#adapters/aliyun/client.ts';

/**
 * A fake of the Alibaba Cloud SMS HTTP API on 127.0.0.1, for tests and `npm start -- --sms=aliyun-fake`.
 * It answers what the provider's API takes, with the shapes of the provider's documentation:
 * - every RPC call signed ACS3-HMAC-SHA256 (V3) with the fake's AccessKey pair, verified from the
 *   request as received (method, path, query, signed headers, body hash), its x-acs-date within
 *   15 minutes of the wall clock, its nonce never seen before: a bad one answers as the provider
 *   does (InvalidAccessKeyId.NotFound, IncompleteSignature, SignatureDoesNotMatch, …);
 * - dysmsapi `SendSms` (RPC, parameters in the query): the
 *   registered signature, an approved template code, TemplateParam JSON with exactly the
 *   template's variables, each at most 35 characters, a mainland mobile number, the per-number
 *   daily limit (isv.BUSINESS_LIMIT_CONTROL); business errors as HTTP 200 with Code ≠ OK;
 * - dybaseapi `QueryTokenForMnsQueue`: a temporary token for a queue;
 * - MNS `ReceiveMessage` / `BatchDeleteMessage` on the SmsUp and SmsReport queues, with receipt
 *   handles, a visibility timeout and dequeue counts.
 * Faults are injected per request: throttling, 5xx, a hang (timeout), provider down.
 */

export interface FakeTemplate {
  /** Approved text with ${variable} placeholders. */
  text: string;
}

export interface FakeSms {
  bizId: string;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  /** What the handset shows: 【signature】 + the filled template. */
  text: string;
  at: string;
}

export interface RecordedRequest {
  action: string;
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  /** Why the fake refused the request's signature, if it did. */
  rejected?: string;
}

type Fault = { status: number; code: string; message?: string } | 'hang';

interface QueueEntry {
  id: string;
  body: string;
  enqueuedAt: number;
  visibleAt: number;
  dequeueCount: number;
  handle?: string;
}

export interface AliyunFakeOptions {
  signName: string;
  templates: Record<string, FakeTemplate>;
  maxVariableLength?: number;
  perNumberPerDay?: number;
  /** Queue names per message type. */
  queues?: { SmsUp: string; SmsReport: string };
  visibilityTimeoutMs?: number;
  /** Send a delivery receipt for every accepted SMS. Default true. */
  autoReceipt?: boolean;
  now?: () => number;
  /** The AccessKey pair requests must be signed with. Default LTAI-local-fake / local-fake-secret. */
  credentials?: AliyunCredentials;
  /** Real time, for x-acs-date (the provider's clock, not a test's virtual one). Default Date.now. */
  wallClock?: () => number;
}

/** The headers every V3 request signs (the common request headers of the V3 document). */
const REQUIRED_SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
const AUTHORIZATION = new RegExp(`^${ACS3_ALGORITHM} Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$`);

/** The query as sent (application/x-www-form-urlencoded decoding), names and values decoded. */
function decodedQuery(search: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const pair of search.replace(/^\?/, '').split('&').filter(Boolean)) {
    const at = pair.indexOf('=');
    const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    try {
      out[decodeURIComponent(name.replace(/\+/g, ' '))] = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }
  return out;
}

export class AliyunFake {
  readonly sent: FakeSms[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Every request answers 503 while true. */
  down = false;
  private readonly faults: Fault[] = [];
  private readonly queues = new Map<string, QueueEntry[]>();
  private readonly now: () => number;
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  readonly queueNames: { SmsUp: string; SmsReport: string };
  readonly credentials: AliyunCredentials;
  private readonly wallClock: () => number;
  private readonly nonces = new Map<string, number>();

  constructor(private readonly options: AliyunFakeOptions) {
    this.now = options.now ?? Date.now;
    this.wallClock = options.wallClock ?? Date.now;
    this.credentials = options.credentials ?? { accessKeyId: 'LTAI-local-fake', accessKeySecret: 'local-fake-secret' };
    this.queueNames = options.queues ?? { SmsUp: 'Alicom-Queue-1000000000000000-SmsUp', SmsReport: 'Alicom-Queue-1000000000000000-SmsReport' };
    this.queues.set(this.queueNames.SmsUp, []);
    this.queues.set(this.queueNames.SmsReport, []);
  }

  /** The approved templates of a protocol's mainland mapping, as the provider would hold them. */
  static fromProtocol(protocol: Protocol, overrides: Partial<AliyunFakeOptions> = {}): AliyunFake {
    const section = protocol.mainlandSms;
    if (!section) throw new Error('the protocol has no mainlandSms section');
    const templates: Record<string, FakeTemplate> = {};
    for (const s of validateMainlandSms(protocol).submissions) templates[s.code] = { text: s.text };
    return new AliyunFake({ signName: section.signName, templates, maxVariableLength: section.maxVariableLength, perNumberPerDay: section.limits.perNumberPerDay, ...overrides });
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next SendSms calls answer these, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** A patient's reply, as SmsUp carries it (domestic number without +86). */
  reply(phoneNumber: string, content: string, options: { sequenceId?: number; sendTime?: string } = {}): string {
    return this.enqueue('SmsUp', JSON.stringify({
      dest_code: '1234',
      send_time: options.sendTime ?? beijing(this.now()),
      sequence_id: options.sequenceId ?? Math.floor(Math.random() * 1e12),
      phone_number: phoneNumber,
      content,
      sign_name: this.options.signName,
    }));
  }

  /** A delivery receipt for a sent SMS (SmsReport body, domestic). */
  receipt(bizId: string, outcome: { success: boolean; errCode?: string; errMsg?: string }): string {
    const sms = this.sent.find((s) => s.bizId === bizId);
    return this.enqueue('SmsReport', JSON.stringify({
      phone_number: sms?.phone ?? '13800000000',
      send_time: beijing(this.now() - 2_000),
      report_time: beijing(this.now()),
      success: outcome.success,
      err_code: outcome.errCode ?? 'DELIVERED',
      err_msg: outcome.errMsg ?? (outcome.success ? '用户接收成功' : '失败'),
      sms_size: '1',
      biz_id: bizId,
      out_id: '',
    }));
  }

  /** Any body on a queue (a poison message, a duplicate …); returns the queue message id. */
  enqueue(type: 'SmsUp' | 'SmsReport', body: string, id: string = randomBytes(16).toString('hex').toUpperCase()): string {
    this.queue(this.queueNames[type]).push({ id, body, enqueuedAt: this.now(), visibleAt: this.now(), dequeueCount: 0 });
    return id;
  }

  /** Messages still on a queue (not deleted). */
  pending(type: 'SmsUp' | 'SmsReport'): number {
    return this.queue(this.queueNames[type]).length;
  }

  private queue(name: string): QueueEntry[] {
    const q = this.queues.get(name);
    if (!q) throw new Error(`no queue ${name}`);
    return q;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await new Promise<string>((resolve) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (text += c));
      req.on('end', () => resolve(text));
    });
    const query = Object.fromEntries(url.searchParams);
    const action = (req.headers['x-acs-action'] as string | undefined) ?? query['Action'] ?? `MNS ${req.method} ${url.pathname}`;
    const recorded: RecordedRequest = { action, method: req.method ?? 'GET', path: url.pathname, query, authorization: req.headers.authorization };
    this.requests.push(recorded);
    if (this.down) return json(res, 503, { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.', RequestId: randomUUID() });
    if (url.pathname.startsWith('/queues/')) return this.mns(req, res, url, body);
    const refused = this.verifyAcs3(req, url, body);
    if (refused) {
      recorded.rejected = refused.code;
      return json(res, refused.status, { Code: refused.code, Message: refused.message, RequestId: randomUUID() });
    }
    if (action === 'SendSms') return this.sendSms(res, query);
    if (action === 'QueryTokenForMnsQueue') {
      if (!Object.values(this.queueNames).includes(query['QueueName'] ?? '')) return json(res, 200, { Code: 'isv.QUEUE_NOT_EXIST', Message: 'queue does not exist', RequestId: randomUUID() });
      return json(res, 200, {
        Code: 'OK',
        Message: 'OK',
        RequestId: randomUUID(),
        MessageTokenDTO: { AccessKeyId: 'STS.fake', AccessKeySecret: 'fake-secret', SecurityToken: 'fake-token', CreateTime: beijing(this.now()), ExpireTime: beijing(this.now() + 3_600_000) },
      });
    }
    return json(res, 404, { Code: 'InvalidAction.NotFound', Message: `no action ${action}`, RequestId: randomUUID() });
  }

  /** The V3 signature of a request as received: null when it holds, else the provider's answer. */
  verifyAcs3(req: IncomingMessage, url: URL, body: string): { status: number; code: string; message: string } | null {
    const auth = AUTHORIZATION.exec(req.headers.authorization ?? '');
    if (!auth) return { status: 400, code: 'MissingAuthorization', message: 'no ACS3-HMAC-SHA256 Authorization header' };
    const [, accessKeyId, signedHeaders, signature] = auth as unknown as [string, string, string, string];
    if (accessKeyId !== this.credentials.accessKeyId) return { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
    const names = signedHeaders.split(';');
    if (REQUIRED_SIGNED.some((n) => !names.includes(n)) || names.join(';') !== [...names].sort().join(';')) {
      return { status: 400, code: 'IncompleteSignature', message: 'SignedHeaders lacks a common header or is not sorted' };
    }
    const headers: Record<string, string> = {};
    for (const name of names) {
      const value = req.headers[name];
      if (typeof value !== 'string') return { status: 400, code: 'IncompleteSignature', message: `signed header ${name} is missing` };
      headers[name] = value;
    }
    if (headers['x-acs-content-sha256'] !== sha256Hex(body)) return { status: 400, code: 'SignatureDoesNotMatch', message: 'x-acs-content-sha256 is not the hash of the body' };
    const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(headers['x-acs-date'] as string) ? Date.parse(headers['x-acs-date'] as string) : NaN;
    if (Number.isNaN(date)) return { status: 400, code: 'InvalidTimeStamp.Format', message: 'x-acs-date is not yyyy-MM-ddTHH:mm:ssZ' };
    const wall = this.wallClock();
    if (Math.abs(wall - date) > 15 * 60_000) return { status: 400, code: 'InvalidTimeStamp.Expired', message: 'x-acs-date is more than 15 minutes from now' };
    const query = decodedQuery(url.search);
    if (!query) return { status: 400, code: 'SignatureDoesNotMatch', message: 'the query string is not percent-encoded UTF-8' };
    const { text } = canonicalRequest({ method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query, headers, hashedPayload: headers['x-acs-content-sha256'] as string });
    const expected = Buffer.from(acs3Signature(this.credentials.accessKeySecret, text), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { status: 400, code: 'SignatureDoesNotMatch', message: 'Specified signature is not matched with our calculation.' };
    const nonce = headers['x-acs-signature-nonce'] as string;
    for (const [seen, at] of this.nonces) if (at < wall - 15 * 60_000) this.nonces.delete(seen);
    if (this.nonces.has(nonce)) return { status: 400, code: 'SignatureNonceUsed', message: 'Specified signature nonce was used already.' };
    this.nonces.set(nonce, wall);
    return null;
  }

  private sendSms(res: ServerResponse, q: Record<string, string>): void {
    const fault = this.faults.shift();
    if (fault === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (fault) return json(res, fault.status, { Code: fault.code, Message: fault.message ?? fault.code, RequestId: randomUUID() });
    const answer = (code: string, message: string) => json(res, 200, { Code: code, Message: message, RequestId: randomUUID() });
    const phone = q['PhoneNumbers'] ?? '';
    if (!/^1[3-9]\d{9}$/.test(phone)) return answer('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    if (q['SignName'] !== this.options.signName) return answer('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
    const template = this.options.templates[q['TemplateCode'] ?? ''];
    if (!template) return answer('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
    let params: Record<string, unknown> = {};
    if (q['TemplateParam'] !== undefined) {
      try {
        params = JSON.parse(q['TemplateParam']) as Record<string, unknown>;
      } catch {
        return answer('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
      }
    }
    const names = [...template.text.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
    if (names.some((n) => typeof params[n] !== 'string' || params[n] === '')) return answer('isv.TEMPLATE_MISSING_PARAMETERS', '模板缺少变量');
    if (Object.keys(params).some((k) => !names.includes(k))) return answer('isv.INVALID_PARAMETERS', '参数异常');
    if (names.some((n) => Array.from(params[n] as string).length > (this.options.maxVariableLength ?? 35))) return answer('isv.PARAM_LENGTH_LIMIT', '参数超出长度限制');
    const dayAgo = this.now() - 86_400_000;
    const recent = this.sent.filter((s) => s.phone === phone && s.templateCode === q['TemplateCode'] && Date.parse(s.at) > dayAgo).length;
    if (recent >= (this.options.perNumberPerDay ?? 50)) return answer('isv.BUSINESS_LIMIT_CONTROL', '触发天级流控Permits:50');
    const bizId = `${Math.floor(this.now() / 1000)}${randomBytes(4).readUInt32BE()}^0`;
    const text = `【${this.options.signName}】${template.text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, n: string) => String(params[n]))}`;
    this.sent.push({ bizId, phone, signName: this.options.signName, templateCode: q['TemplateCode'] as string, params: params as Record<string, string>, text, at: new Date(this.now()).toISOString() });
    if (this.options.autoReceipt ?? true) this.receipt(bizId, { success: true });
    json(res, 200, { Code: 'OK', Message: 'OK', BizId: bizId, RequestId: randomUUID() });
  }

  private mns(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    if (!/^MNS [^:]+:.+$/.test(req.headers.authorization ?? '') || !req.headers['x-mns-security-token'] || !req.headers.date) {
      return xml(res, 403, '<Error><Code>AccessDenied</Code><Message>unsigned</Message></Error>');
    }
    const name = decodeURIComponent(url.pathname.split('/')[2] ?? '');
    const queue = this.queues.get(name);
    if (!queue) return xml(res, 404, '<Error><Code>QueueNotExist</Code><Message>no queue</Message></Error>');
    const now = this.now();
    if (req.method === 'GET') {
      const max = Number(url.searchParams.get('numOfMessages') ?? '1');
      const visible = queue.filter((m) => m.visibleAt <= now).slice(0, max);
      if (visible.length === 0) return xml(res, 404, '<Error xmlns="http://mns.aliyuncs.com/doc/v1/"><Code>MessageNotExist</Code><Message>Message not exist.</Message></Error>');
      const out = visible.map((m) => {
        m.dequeueCount += 1;
        m.handle = `${m.id}-${m.dequeueCount}-${randomBytes(4).toString('hex')}`;
        m.visibleAt = now + (this.options.visibilityTimeoutMs ?? 30_000);
        return `<Message><MessageId>${m.id}</MessageId><ReceiptHandle>${m.handle}</ReceiptHandle><MessageBody>${escapeXml(Buffer.from(m.body, 'utf8').toString('base64'))}</MessageBody><EnqueueTime>${m.enqueuedAt}</EnqueueTime><DequeueCount>${m.dequeueCount}</DequeueCount><Priority>8</Priority></Message>`;
      });
      return xml(res, 200, `<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mns.aliyuncs.com/doc/v1/">${out.join('')}</Messages>`);
    }
    if (req.method === 'DELETE') {
      const handles = [...body.matchAll(/<ReceiptHandle>([^<]*)<\/ReceiptHandle>/g)].map((m) => m[1] as string);
      const errors: string[] = [];
      for (const handle of handles) {
        const index = queue.findIndex((m) => m.handle === handle);
        if (index < 0) errors.push(`<DeleteMessageErrorItem><ErrorCode>ReceiptHandleError</ErrorCode><ReceiptHandle>${handle}</ReceiptHandle></DeleteMessageErrorItem>`);
        else queue.splice(index, 1);
      }
      if (errors.length > 0) return xml(res, 404, `<Errors xmlns="http://mns.aliyuncs.com/doc/v1/">${errors.join('')}</Errors>`);
      res.writeHead(204).end();
      return;
    }
    xml(res, 405, '<Error><Code>MethodNotAllowed</Code></Error>');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
}
function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml;charset=utf-8' }).end(body);
}
function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** "2026-12-05 15:30:00" in Beijing time, as the provider writes times. */
export function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
