import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SNSEvent } from 'aws-lambda';
import * as z from 'zod';
import { consoleConfigResponse, consoleResponse, type ConsoleConfig } from '#functions/coordinator-api/console/serve.ts';
import { constantTimeEquals } from '#functions/coordinator-api/auth.ts';
import type { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import type { MessageLog } from '#ports/messages.ts';
import type { LocalAlertInbox } from './alert-inbox.ts';
import type { LocalClock } from './clock.ts';
import { apiGatewayEvent, localInboundSchema, snsEvent, twoWayPayload } from './lambda-events.ts';
import type { LocalScheduler } from './scheduler.ts';
import type { LocalSmsGateway } from './sms-gateway.ts';

/**
 * The local HTTP front door (node:http): what API Gateway does on AWS (every /api/* and
 * /openapi.json request becomes an HTTP API v2 event for the coordinator-api handler), the
 * console's static files, and the local-only routes:
 *   GET  /local/clock                      the clock in use (no token needed)
 *   POST /local/clock                      {"advanceMinutes": n} | {"to": iso}  (virtual clock only)
 *   POST /local/sms/inbound                {from, body} or the full two-way JSON → the inbound handler via SNS
 *   GET  /local/sms/outbox[?to=+…]         the local gateway's outbox, in send order
 *   GET  /local/alerts                     what the alert topics delivered (newest first)
 *   GET  /local/exports/<key>?name&expires&sig  an export file (the link GET /api/exports/… answered)
 * Every /local route but GET /local/clock and the export links (whose signature is their token,
 * as a presigned S3 URL's is) needs the local API token, like /api.
 *
 * Hardening (issue 13 part 5): a request whose Host header is not this server (127.0.0.1 /
 * localhost / [::1] at its port, or the host it was told to bind) is refused with 421 before
 * anything is read — a DNS-rebinding page cannot reach it under its own name. `/config.json`
 * carries the local token only to a page of this same origin (Sec-Fetch-Site: same-origin, and no
 * foreign Origin); anyone else gets the config without it and pastes the token by hand.
 */
export interface LocalServerDeps {
  clock: LocalClock;
  scheduler: LocalScheduler;
  gateway: LocalSmsGateway;
  inbox: LocalAlertInbox;
  messages: Pick<MessageLog, 'getInbound'>;
  exports: Pick<LocalExportStore, 'open'>;
  token: string;
  consoleConfig: ConsoleConfig;
  api: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  inbound: (event: SNSEvent) => Promise<unknown>;
  /** Host names besides the loopback ones this server answers to (the host it was told to bind). */
  extraHosts?: readonly string[];
  /** Called after each inbound SMS was handled (the scheduler re-checks the queues it moved). */
  afterInbound?: (inboundMessageId: string) => Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

const clockBodySchema = z.union([
  z.strictObject({ advanceMinutes: z.number().int().min(0).max(60 * 24 * 366 * 2) }),
  z.strictObject({ to: z.iso.datetime({ offset: true }) }),
]);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function zodErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body must be JSON', [{ path: '', message: 'invalid JSON' }]);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function sendLambdaResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === undefined || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    // API Gateway's rule for a result without statusCode: 200 with the value as JSON.
    send(res, 200, JSON.stringify(result ?? null));
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The Host header names this server at its own port (any port when it is not known yet). */
export function isOwnHost(hostHeader: string | undefined, port: number | undefined, extraHosts: readonly string[] = []): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  if (!match) return false;
  const name = match[1]!.toLowerCase();
  const hostPort = match[2] === undefined ? 80 : Number(match[2]);
  const known = [...LOOPBACK_HOSTS, ...extraHosts.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h).toLowerCase())];
  return known.includes(name) && (port === undefined || hostPort === port);
}

/** May this request see the local token in /config.json? Only a page of this very origin. */
export function isSameOriginRequest(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) return false;
  // A browser always sends Sec-Fetch-Site (Chromium, Firefox, Safari ≥ 16.4); without it, only a
  // same-host Referer or none (a tool on this machine, which can read the token file anyway).
  const referer = req.headers.referer;
  if (site === undefined && referer !== undefined) {
    try {
      return new URL(referer).host === req.headers.host;
    } catch {
      return false;
    }
  }
  return true;
}

export function createLocalServer(deps: LocalServerDeps): Server {
  const authorized = (req: IncomingMessage) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1] !== undefined && constantTimeEquals(match[1], deps.token);
  };
  const requireToken = (req: IncomingMessage) => {
    if (!authorized(req)) throw new HttpError(401, 'unauthorized');
  };

  const clockView = () => ({ now: deps.clock.now(), virtual: deps.clock.virtual, recentRuns: deps.scheduler.recentRuns(20) });

  let ownPort: number | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    ownPort ??= (req.socket.localPort ?? undefined) as number | undefined;
    if (!isOwnHost(req.headers.host, ownPort, deps.extraHosts)) throw new HttpError(421, 'unknown Host: this server answers only to its own address (127.0.0.1 / localhost)');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;

    if (path.startsWith('/api/') || path === '/api' || path === '/openapi.json') {
      const body = await readBody(req);
      const event = apiGatewayEvent({ method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', now: new Date(Date.parse(deps.clock.now())) });
      sendLambdaResult(res, await deps.api(event));
      return;
    }
    if (path === '/config.json' && method === 'GET') {
      const { token: _token, ...withoutToken } = deps.consoleConfig;
      const r = consoleConfigResponse(isSameOriginRequest(req) ? deps.consoleConfig : withoutToken);
      r.headers.vary = 'Origin, Sec-Fetch-Site';
      res.writeHead(r.statusCode, r.headers);
      res.end(r.body);
      return;
    }
    if (path === '/local/clock') {
      if (method === 'GET') return send(res, 200, clockView());
      if (method !== 'POST') throw new HttpError(405, 'method not allowed');
      requireToken(req);
      if (!deps.clock.virtual) throw new HttpError(409, 'the stack runs on the system clock; start it with --virtual-clock=<ISO instant> to move time');
      const parsed = clockBodySchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) throw new HttpError(400, 'give {"advanceMinutes": n} or {"to": "<ISO instant>"}', zodErrors(parsed.error));
      const target = 'to' in parsed.data ? new Date(parsed.data.to).toISOString() : new Date(Date.parse(deps.clock.now()) + parsed.data.advanceMinutes * 60_000).toISOString();
      if (Date.parse(target) < Date.parse(deps.clock.now())) throw new HttpError(400, 'the virtual clock never moves backwards', [{ path: 'to', message: 'is before the current virtual time' }]);
      const { runs } = await deps.scheduler.advanceTo(target);
      const failed = runs.filter((r) => !r.ok);
      return send(res, 200, { ...clockView(), ran: runs.length, failed });
    }
    if (path === '/local/sms/inbound' && method === 'POST') {
      requireToken(req);
      const parsed = localInboundSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) throw new HttpError(400, 'give {from, body} or the two-way SMS JSON', zodErrors(parsed.error));
      const payload = twoWayPayload(parsed.data);
      const before = deps.gateway.list().length;
      // One inbound message at a time with the scheduled jobs, as if SNS delivered between runs.
      await deps.scheduler.exclusive(() => deps.inbound(snsEvent(payload, deps.clock.now())));
      await deps.afterInbound?.(payload.inboundMessageId);
      const stored = await deps.messages.getInbound(payload.inboundMessageId);
      const replies = deps.gateway.list().slice(before).filter((m) => m.to === payload.originationNumber);
      return send(res, 200, { inboundMessageId: payload.inboundMessageId, stored: stored !== null, interpretation: stored?.interpretation ?? null, replies });
    }
    if (path === '/local/sms/outbox' && method === 'GET') {
      requireToken(req);
      const to = url.searchParams.get('to') ?? undefined;
      return send(res, 200, { items: deps.gateway.list(to ? { to } : {}) });
    }
    if (path.startsWith('/local/exports/') && method === 'GET') {
      const file = await deps.exports.open(decodeURIComponent(path.slice('/local/exports/'.length)), url.searchParams);
      if (!file.ok) throw new HttpError(file.status, file.reason);
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(file.bytes),
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      file.stream.pipe(res);
      return;
    }
    if (path === '/local/alerts' && method === 'GET') {
      requireToken(req);
      return send(res, 200, { items: deps.inbox.list() });
    }
    if (method === 'GET' || method === 'HEAD') {
      const file = consoleResponse(path);
      if (file) {
        res.writeHead(file.statusCode, file.headers);
        res.end(method === 'HEAD' ? undefined : file.body);
        return;
      }
    }
    throw new HttpError(404, 'not found');
  };

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return send(res, error.status, { message: error.message, ...(error.errors ? { errors: error.errors } : {}) });
      // Nothing of the request (numbers, bodies) goes to the log or the answer.
      console.error(`local server: ${(error as Error)?.name ?? 'Error'} on ${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
      if (!res.headersSent) send(res, 500, { message: 'internal error' });
      else res.end();
    });
  });
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
