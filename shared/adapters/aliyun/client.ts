import { randomBytes } from 'node:crypto';
import * as z from '#domain/zod.ts';
import { canonicalQueryString, signRpcCall } from './acs3.ts';

/**
 * A small client of Alibaba Cloud's RPC-style OpenAPI for the two calls this project makes
 * (dysmsapi SendSms, dybaseapi QueryTokenForMnsQueue): the parameters in the query string, an
 * empty POST body, signed with ACS3-HMAC-SHA256 (acs3.ts), over global fetch with one deadline per
 * call. It never retries: the SMS sender has its own retry policy, and the puller runs every minute.
 * Why not the official SDK (≈ 1.1 MiB with lodash, moment, ws, xmlbuilder …): docs/performance.md
 * "Lean functions" and docs/deploy-china.md.
 */
export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface AliyunEndpointOptions {
  /** host[:port]. Default: the product's endpoint (dysmsapi.aliyuncs.com, dybaseapi.aliyuncs.com). */
  endpoint?: string;
  /** 'https' on the Internet; 'http' only for the fake on 127.0.0.1. */
  protocol?: 'https' | 'http';
  /** Injected for tests. */
  fetch?: typeof fetch;
  now?: () => number;
  nonce?: () => string;
}

export type AliyunCallFailure =
  /** The provider answered HTTP ≥ 400 (its Code, when the body has one). */
  | 'http'
  /** No connection, or the connection broke (`code`: ECONNREFUSED, ENOTFOUND …). */
  | 'network'
  /** No full answer within the deadline: the request may have been acted on. */
  | 'timeout'
  /** HTTP 2xx with a body that is not JSON. */
  | 'response';

/** A failed call: the action, the provider's Code, status and request id, never a parameter (no phone number, no message text). */
export class AliyunCallError extends Error {
  constructor(
    readonly action: string,
    readonly failure: AliyunCallFailure,
    readonly code: string,
    readonly statusCode?: number,
    readonly requestId?: string,
  ) {
    super(`${action} ${failure === 'http' ? `answered HTTP ${statusCode}${code ? ` ${code}` : ''}` : failure === 'network' ? `could not connect or lost the connection${code ? ` (${code})` : ''}` : failure === 'timeout' ? 'timed out' : 'answered a body that is not JSON'}${requestId ? ` (request ${requestId})` : ''}`);
    this.name = 'AliyunCallError';
  }
}

const errorBodySchema = z.looseObject({ Code: z.optional(z.string()), RequestId: z.optional(z.string()) });

const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$/;
const LOOPBACK = /^(?:127\.0\.0\.1|localhost)(?::\d{1,5})?$/;

/** The network error code under fetch's TypeError("fetch failed"): its cause, or the first of an AggregateError. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : '';
}

export class AliyunRpcClient {
  private readonly origin: string;
  private readonly host: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly nonce: () => string;

  constructor(
    private readonly credentials: AliyunCredentials,
    /** The product's API version, e.g. 2017-05-25. */
    private readonly version: string,
    options: AliyunEndpointOptions & { endpoint: string },
  ) {
    if (!credentials.accessKeyId || !credentials.accessKeySecret) throw new Error('Alibaba Cloud credentials need an accessKeyId and an accessKeySecret');
    if (!HOST.test(options.endpoint)) throw new Error('an Alibaba Cloud endpoint is a host name with an optional port, without scheme or path');
    const protocol = options.protocol ?? 'https';
    if (protocol === 'http' && !LOOPBACK.test(options.endpoint)) throw new Error('plain HTTP is for the local fake on 127.0.0.1 only');
    this.host = options.endpoint.toLowerCase();
    this.origin = `${protocol}://${this.host}`;
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce ?? (() => randomBytes(16).toString('hex'));
  }

  /** One signed call; resolves to the JSON of a 2xx answer (the caller validates its shape), throws AliyunCallError otherwise. */
  async call(action: string, parameters: Readonly<Record<string, string>>, options: { timeoutMs: number }): Promise<unknown> {
    const headers = signRpcCall(this.credentials, { host: this.host, action, version: this.version, query: parameters, at: this.now(), nonce: this.nonce() });
    const { host: _host, ...sent } = headers; // fetch writes Host from the URL: the same host[:port] that was signed
    const query = canonicalQueryString(parameters);
    const signal = AbortSignal.timeout(options.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.fetch(`${this.origin}/${query ? `?${query}` : ''}`, { method: 'POST', headers: { ...sent, accept: 'application/json' }, signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') throw new AliyunCallError(action, 'timeout', '');
      throw new AliyunCallError(action, 'network', networkCode(error));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) {
      if (body === undefined) throw new AliyunCallError(action, 'response', '', status);
      return body;
    }
    const parsed = errorBodySchema.safeParse(body);
    const code = parsed.success ? (parsed.data.Code ?? '') : (/<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? '');
    throw new AliyunCallError(action, 'http', code, status, parsed.success ? parsed.data.RequestId : undefined);
  }
}

/** Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms. */
export function dysmsapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): AliyunRpcClient {
  return new AliyunRpcClient(credentials, '2017-05-25', { ...options, endpoint: options.endpoint ?? 'dysmsapi.aliyuncs.com' });
}

/** dybaseapi 2017-05-25: QueryTokenForMnsQueue (the token of the provider's receipt and reply queues). */
export function dybaseapiClient(credentials: AliyunCredentials, options: AliyunEndpointOptions = {}): AliyunRpcClient {
  return new AliyunRpcClient(credentials, '2017-05-25', { ...options, endpoint: options.endpoint ?? 'dybaseapi.aliyuncs.com' });
}
