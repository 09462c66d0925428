import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SNSEvent } from 'aws-lambda';
import { z } from 'zod';
import { consoleConfigResponse, consoleResponse, type ConsoleConfig } from '#functions/coordinator-api/console/serve.ts';
import { constantTimeEquals } from '#functions/coordinator-api/auth.ts';
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
 * Every /local route but GET /local/clock needs the local API token, like /api.
 */
export interface LocalServerDeps {
  clock: LocalClock;
  scheduler: LocalScheduler;
  gateway: LocalSmsGateway;
  inbox: LocalAlertInbox;
  messages: Pick<MessageLog, 'getInbound'>;
  token: string;
  consoleConfig: ConsoleConfig;
  api: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  inbound: (event: SNSEvent) => Promise<unknown>;
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

export function createLocalServer(deps: LocalServerDeps): Server {
  const authorized = (req: IncomingMessage) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    return match?.[1] !== undefined && constantTimeEquals(match[1], deps.token);
  };
  const requireToken = (req: IncomingMessage) => {
    if (!authorized(req)) throw new HttpError(401, 'unauthorized');
  };

  const clockView = () => ({ now: deps.clock.now(), virtual: deps.clock.virtual, recentRuns: deps.scheduler.recentRuns(20) });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
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
      const r = consoleConfigResponse(deps.consoleConfig);
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
