import { createHmac } from 'node:crypto';
import * as z from '#domain/zod.ts';
import type { SmsUpstream, UpstreamKind, UpstreamMessage } from '#ports/sms-upstream.ts';
import { AliyunCallError, type AliyunRpcClient } from './client.ts';
import { parseUpstreamBody } from './upstream-payload.ts';

/**
 * Alibaba Cloud SMS delivers replies (SmsUp) and delivery receipts (SmsReport) to message
 * queues it creates for the account (MNS "消费模式"; help.aliyun.com 回执消息配置). This adapter
 * pulls them: a short-lived token per queue from dybaseapi `QueryTokenForMnsQueue` (client.ts,
 * signed ACS3-HMAC-SHA256), then the MNS REST API — `ReceiveMessage` in batches and `BatchDeleteMessage` once
 * handled. A message not deleted becomes visible again after the queue's visibility timeout.
 */
export interface MnsUpstreamOptions {
  /** Queue names shown in the SMS console (通用设置 → 回执配置), e.g. Alicom-Queue-1234567890-SmsUp. */
  queues: Record<UpstreamKind, string>;
  /** The provider's MNS endpoint (scheme, host, optional port). Default: Alibaba's queue account in cn-hangzhou. */
  mnsEndpoint?: string;
  /** Long-poll wait of ReceiveMessage in seconds (0–30). The puller runs every minute: keep it short. */
  waitSeconds?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The current instant, for token expiry. */
  now?: () => number;
}

const MESSAGE_TYPE: Record<UpstreamKind, string> = { reply: 'SmsUp', receipt: 'SmsReport' };
const DEFAULT_MNS_ENDPOINT = 'https://1943695596114318.mns.cn-hangzhou.aliyuncs.com';
const MNS_VERSION = '2015-06-06';

export class UpstreamUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamUnavailableError';
  }
}

const tokenSchema = z.looseObject({
  Code: z.string(),
  MessageTokenDTO: z.optional(
    z.looseObject({ AccessKeyId: z.string().check(z.minLength(1)), AccessKeySecret: z.string().check(z.minLength(1)), SecurityToken: z.string().check(z.minLength(1)), ExpireTime: z.string().check(z.minLength(1)) }),
  ),
});

interface Token {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiresAt: number;
}

/** "2026-12-05 15:30:00" (Beijing time, as dybaseapi writes it) → epoch ms. */
function beijingTime(text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? `${text.replace(' ', 'T')}+08:00` : text;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new UpstreamUnavailableError('token expiry is not a time');
  return at;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function xmlText(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (XML_ENTITIES[e] ?? ''),
  );
}
function xmlEscape(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&${Object.entries(XML_ENTITIES).find(([, v]) => v === c)?.[0] ?? 'amp'};`);
}
function field(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? xmlText(match[1] as string) : undefined;
}

/** Alicom queue bodies are JSON, sometimes Base64-wrapped: return the JSON text. */
export function decodeBody(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed;
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  return decoded.startsWith('{') || decoded.startsWith('[') ? decoded : trimmed;
}

export class MnsUpstream implements SmsUpstream {
  private readonly tokens = new Map<UpstreamKind, Token>();
  private readonly endpoint: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(
    private readonly dybaseapi: AliyunRpcClient,
    private readonly options: MnsUpstreamOptions,
  ) {
    this.endpoint = (options.mnsEndpoint ?? DEFAULT_MNS_ENDPOINT).replace(/\/$/, '');
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  async receive(kind: UpstreamKind, max: number): Promise<UpstreamMessage[]> {
    const count = Math.max(1, Math.min(16, max));
    const wait = Math.max(0, Math.min(30, this.options.waitSeconds ?? 1));
    const response = await this.request(kind, 'GET', `/queues/${encodeURIComponent(this.options.queues[kind])}/messages?numOfMessages=${count}&waitseconds=${wait}`);
    const xml = await response.text();
    if (response.status === 404 && /<Code>MessageNotExist<\/Code>/.test(xml)) return [];
    if (!response.ok) throw new UpstreamUnavailableError(`ReceiveMessage answered ${response.status} ${field(xml, 'Code') ?? ''}`.trim());
    const messages: UpstreamMessage[] = [];
    for (const block of xml.match(/<Message>[\s\S]*?<\/Message>/g) ?? []) {
      const id = field(block, 'MessageId');
      const handle = field(block, 'ReceiptHandle');
      const body = field(block, 'MessageBody');
      if (!id || !handle || body === undefined) continue; // not a message: nothing to hand on or delete
      messages.push({
        kind,
        queueMessageId: id,
        handle,
        deliveryCount: Number(field(block, 'DequeueCount') ?? '1') || 1,
        content: parseUpstreamBody(kind, decodeBody(body)),
      });
    }
    return messages;
  }

  async acknowledge(kind: UpstreamKind, handles: string[]): Promise<void> {
    for (let i = 0; i < handles.length; i += 16) {
      const batch = handles.slice(i, i + 16);
      const body = `<?xml version="1.0" encoding="UTF-8"?><ReceiptHandles xmlns="http://mns.aliyuncs.com/doc/v1/">${batch.map((h) => `<ReceiptHandle>${xmlEscape(h)}</ReceiptHandle>`).join('')}</ReceiptHandles>`;
      const response = await this.request(kind, 'DELETE', `/queues/${encodeURIComponent(this.options.queues[kind])}/messages`, body);
      const text = await response.text();
      // 404 with per-handle errors: those handles had expired (the message will come back and be de-duplicated).
      if (!response.ok && !(response.status === 404 && /ReceiptHandleError|MessageNotExist/.test(text))) {
        throw new UpstreamUnavailableError(`BatchDeleteMessage answered ${response.status}`);
      }
    }
  }

  private async token(kind: UpstreamKind): Promise<Token> {
    const cached = this.tokens.get(kind);
    if (cached && cached.expiresAt - 120_000 > this.now()) return cached;
    let body: unknown;
    try {
      body = await this.dybaseapi.call('QueryTokenForMnsQueue', { MessageType: MESSAGE_TYPE[kind], QueueName: this.options.queues[kind] }, { timeoutMs: this.options.timeoutMs ?? 5_000 });
    } catch (error) {
      throw new UpstreamUnavailableError(`QueryTokenForMnsQueue failed: ${error instanceof AliyunCallError ? error.code || error.failure : (error as Error).name}`);
    }
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success || parsed.data.Code !== 'OK' || !parsed.data.MessageTokenDTO) {
      throw new UpstreamUnavailableError(`QueryTokenForMnsQueue answered ${parsed.success ? parsed.data.Code : 'an unreadable body'}`);
    }
    const dto = parsed.data.MessageTokenDTO;
    const token = { accessKeyId: dto.AccessKeyId, accessKeySecret: dto.AccessKeySecret, securityToken: dto.SecurityToken, expiresAt: beijingTime(dto.ExpireTime) };
    this.tokens.set(kind, token);
    return token;
  }

  /** One signed MNS request (Authorization: MNS AccessKeyId:Base64(HMAC-SHA1(secret, string-to-sign))). */
  private async request(kind: UpstreamKind, method: 'GET' | 'DELETE', resource: string, body?: string): Promise<Response> {
    const token = await this.token(kind);
    const date = new Date(this.now()).toUTCString();
    const contentType = body ? 'text/xml;charset=utf-8' : '';
    const mnsHeaders: Record<string, string> = { 'x-mns-security-token': token.securityToken, 'x-mns-version': MNS_VERSION };
    const canonical = Object.keys(mnsHeaders)
      .sort()
      .map((k) => `${k}:${mnsHeaders[k]}\n`)
      .join('');
    const stringToSign = `${method}\n\n${contentType}\n${date}\n${canonical}${resource}`;
    const signature = createHmac('sha1', token.accessKeySecret).update(stringToSign, 'utf8').digest('base64');
    try {
      return await this.fetch(`${this.endpoint}${resource}`, {
        method,
        headers: { ...mnsHeaders, date, authorization: `MNS ${token.accessKeyId}:${signature}`, ...(contentType ? { 'content-type': contentType } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? ((this.options.waitSeconds ?? 1) + 5) * 1000),
      });
    } catch (error) {
      throw new UpstreamUnavailableError(`MNS ${method} failed: ${(error as Error).name}`);
    }
  }
}
