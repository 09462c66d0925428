import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { z } from 'zod';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAllocationRepository } from '#adapters/dynamo/allocation-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { documentClient } from '#adapters/dynamo/document-client.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { createLogger, safeError } from '#adapters/observability.ts';
import { S3ExportStore } from '#adapters/s3/s3-export-store.ts';
import { InvalidInputError, StateConflictError } from '#app/coordinator/deps.ts';
import { forMonitor } from '#app/coordinator/redact.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { coordinatorApiEnvSchema, parseEnv } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock } from '#ports/clock.ts';
import { ConflictError, NotFoundError, StaleWriteError } from '#ports/patients.ts';
import { bearerToken, localTokenVerifier, type AuthVerifier, type Principal } from './auth.ts';
// The identity provider's verifier (aws-jwt-verify or jose): in the Lambda a side module each, loaded at init by depsFromEnv (shared/lazy/).
import { cognitoVerifier } from '#lazy/auth-cognito';
import { oidcVerifier } from '#lazy/auth-oidc';
import type { buildOpenApiDocument } from './openapi.ts';
import { consoleConfigResponse, consolePaths, consoleResponse, type ConsoleConfig } from './console/serve.ts';
import { ForbiddenError, RequestValidationError, UnauthorizedError } from './routes/errors.ts';
import { API_ROUTES } from './routes/all.ts';
import type { AnyRoute, ApiDeps, ApiResult } from './routes/types.ts';
// The OpenAPI document: built from the routes here; in the Lambda, the generated copy from a side module (shared/lazy/), on the first request for it.
import { openApiJson } from '#lazy/openapi';

export type { ApiDeps } from './routes/types.ts';
export { API_ROUTES, API_VERSION } from './routes/all.ts';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** The OpenAPI 3.1 document as served at /openapi.json. */
export function openApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  return JSON.parse(openApiJson()) as ReturnType<typeof buildOpenApiDocument>;
}

const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function problem(status: number, title: string, extra: { detail?: string; errors?: { path: string; message: string }[]; requestId?: string } = {}): Result {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/problem+json', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
    body: JSON.stringify({ status, title, ...extra }),
  };
}

function toResult(result: ApiResult, principal: Principal, route: AnyRoute): Result {
  // Phone numbers and free text are for coordinators only: whatever a route returns, a monitor
  // gets it without identifiers, with every free-text field redacted and loose numbers masked.
  const json = principal.role === 'coordinator' ? result.json : forMonitor(result.json, { keep: route.monitorKeeps ?? [] });
  return { statusCode: result.status, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(json) };
}

/** zod issues → one `{path, message}` per bad field; an unknown field is named itself. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: string): { path: string; message: string }[] {
  const join = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || 'body';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: 'unknown field' }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

const principals = new WeakMap<object, Principal>();
const requestIdOf = (event: Event, context: Context | undefined) => event.requestContext?.requestId || context?.awsRequestId || randomUUID();
const methodOf = (event: Event) => event.requestContext?.http?.method?.toUpperCase() ?? '';
const pathOf = (event: Event) => event.requestContext?.http?.path ?? event.rawPath ?? '';
const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

function routeHandler(route: AnyRoute, deps: ApiDeps) {
  return async (event: Event, context: Context): Promise<Result> => {
    const principal = principals.get(event);
    if (!principal) throw new UnauthorizedError();
    if (!principal.role || !route.roles.includes(principal.role)) throw new ForbiddenError();
    const errors: { path: string; message: string }[] = [];
    const parse = <S extends z.ZodType | undefined>(schema: S, input: unknown, prefix: string): unknown => {
      if (!schema) return undefined;
      const result = schema.safeParse(input);
      if (result.success) return result.data;
      errors.push(...issuesToErrors(result.error.issues, prefix));
      return undefined;
    };
    const params = parse(route.params, event.pathParameters ?? {}, 'path');
    const query = parse(route.query, event.queryStringParameters ?? {}, 'query');
    const body = parse(route.body, event.body, '');
    if (errors.length > 0) throw new RequestValidationError(errors);
    const result = await route.handle({
      params,
      query,
      body,
      principal: { ...principal, role: principal.role },
      now: deps.clock.now(),
      requestId: requestIdOf(event, context),
      deps,
    } as Parameters<AnyRoute['handle']>[0]);
    return toResult(result, principal, route);
  };
}

/** Bearer token on every /api path, before anything else is read: no token, no information (not even 404 vs 400). */
function authenticate(auth: AuthVerifier): MiddlewareObj<Event, Result> {
  return {
    before: async (request: Request<Event, Result>) => {
      if (!isApiPath(pathOf(request.event))) return;
      const token = bearerToken(request.event.headers as Record<string, string | undefined>);
      const principal = token ? await auth.verify(token) : null;
      if (!principal) throw new UnauthorizedError();
      principals.set(request.event, principal);
    },
  };
}

/** JSON bodies on writes only: a GET's body is ignored; an empty write body reaches the schema (which names what is missing). */
function jsonBodyOnWrites(): MiddlewareObj<Event, Result> {
  const parser = httpJsonBodyParser<Event>();
  return {
    before: async (request) => {
      const method = methodOf(request.event);
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
      const body = request.event.body;
      if (body === undefined || body === null || body === '') {
        (request.event as { body?: unknown }).body = undefined;
        return;
      }
      await parser.before!(request as never);
    },
  };
}

/** Maps every error to a problem body that names what the caller can fix and nothing internal. */
function problemResponses(deps: ApiDeps): MiddlewareObj<Event, Result> {
  return {
    onError: async (request) => {
      const error = request.error as (Error & { statusCode?: number; expose?: boolean; cause?: { package?: string } }) | null;
      const requestId = requestIdOf(request.event, request.context);
      let response: Result;
      if (error instanceof RequestValidationError) response = problem(400, 'invalid request', { errors: error.errors });
      else if (error instanceof InvalidInputError) response = problem(400, 'invalid request', { errors: error.problems });
      else if (error instanceof UnauthorizedError) response = problem(401, 'unauthorized');
      else if (error instanceof ForbiddenError) response = problem(403, 'forbidden');
      else if (error instanceof NotFoundError) response = problem(404, 'not found', { detail: error.message });
      else if (error instanceof ConflictError) response = problem(409, 'conflict', { detail: error.message, errors: [{ path: error.field, message: error.message }] });
      else if (error instanceof StaleWriteError) response = problem(409, 'conflict', { detail: 'changed meanwhile: reload and try again' });
      else if (error instanceof StateConflictError) response = problem(409, 'conflict', { detail: error.message });
      else if (error?.statusCode === 422 && error.cause?.package === '@middy/http-json-body-parser') {
        response = problem(400, 'invalid request', { errors: [{ path: 'body', message: 'is not valid JSON' }] });
      } else if (error?.statusCode === 415) response = problem(415, 'unsupported media type', { detail: 'send Content-Type: application/json' });
      else if (error?.statusCode === 404) response = problem(404, 'not found');
      else if (error?.statusCode && error.statusCode >= 400 && error.statusCode < 500 && error.expose !== false) response = problem(400, 'invalid request');
      else {
        deps.log?.('error', 'coordinator-api request failed', { requestId, method: methodOf(request.event), route: request.event.routeKey, error: safeError(error) });
        response = problem(500, 'internal error', { requestId });
      }
      request.response = response;
    },
  };
}


/**
 * The API as one middy handler over API Gateway HTTP API (payload v2) events. Everything it
 * touches comes in `deps`, so the local stack and the tests run the very same stack on dynalite
 * with a fake clock. With `console`, it also serves the coordinator console and its `/config.json`.
 */
export function createApiHandler(deps: ApiDeps, options: { console?: { config: ConsoleConfig; cognitoDomain?: string } } = {}) {
  const routes: Route<Event, Result>[] = API_ROUTES.map((route) => ({ method: route.method, path: route.path, handler: routeHandler(route, deps) }));
  routes.push({
    method: 'GET',
    path: '/openapi.json',
    handler: async () => ({ statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' }, body: openApiJson() }),
  });
  if (options.console) {
    const { config, cognitoDomain } = options.console;
    // The page holds no data (it calls the API with the user's token): no token to load it.
    routes.push({ method: 'GET', path: '/config.json', handler: async () => consoleConfigResponse(config) });
    // Each file is read on its first request (in the Lambda the files are a side module, not loaded at cold start).
    for (const path of consolePaths()) {
      let response: Result | null | undefined;
      routes.push({
        method: 'GET',
        path,
        handler: async () => {
          response ??= consoleResponse(path, cognitoDomain ? { cognitoDomain } : {});
          if (!response) throw new NotFoundError(`no console file ${path}`);
          return response;
        },
      });
    }
  }
  return middy<Event, Result>()
    .use(problemResponses(deps))
    .use(httpHeaderNormalizer())
    .use(authenticate(deps.auth))
    .use(jsonBodyOnWrites())
    .handler(httpRouterHandler({ routes }));
}

/** Real adapters from the environment (parsed once per cold start; a bad variable fails loudly). */
export function depsFromEnv(env: Record<string, string | undefined> = process.env): ApiDeps {
  const config = parseEnv(coordinatorApiEnvSchema, env);
  let auth: AuthVerifier;
  if (config.AUTH_MODE === 'cognito') {
    if (!config.COGNITO_USER_POOL_ID || !config.COGNITO_CLIENT_ID) throw new Error('Invalid function configuration: AUTH_MODE=cognito needs COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID');
    auth = cognitoVerifier({ userPoolId: config.COGNITO_USER_POOL_ID, clientId: config.COGNITO_CLIENT_ID });
  } else if (config.AUTH_MODE === 'oidc') {
    if (!config.OIDC_ISSUER || !config.OIDC_AUDIENCE || !config.OIDC_ROLES_CLAIM) throw new Error('Invalid function configuration: AUTH_MODE=oidc needs OIDC_ISSUER, OIDC_AUDIENCE and OIDC_ROLES_CLAIM');
    auth = oidcVerifier({ issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE.split(','), rolesClaim: config.OIDC_ROLES_CLAIM });
  } else {
    if (!config.LOCAL_API_TOKEN) throw new Error('Invalid function configuration: AUTH_MODE=local-token needs LOCAL_API_TOKEN');
    auth = localTokenVerifier({ coordinatorToken: config.LOCAL_API_TOKEN, monitorToken: config.LOCAL_MONITOR_TOKEN });
  }
  if (!config.EXPORT_BUCKET) throw new Error('Invalid function configuration: EXPORT_BUCKET is required on AWS (exports are written there)');
  const protocol = bundledProtocol();
  const doc = documentClient(new DynamoDBClient({}));
  const table = config.TABLE_NAME;
  const zone = protocol.studyTimeZone;
  const reminders = new DynamoReminderRepository(doc, table, zone);
  const logger = createLogger('coordinator-api');
  return {
    patients: new DynamoPatientRepository(doc, table),
    reminders,
    reports: new DynamoReportRepository(doc, table, zone),
    alerts: new DynamoAlertRepository(doc, table, zone),
    messages: new DynamoMessageLog(doc, table, zone),
    audit: new DynamoAuditLog(doc, table),
    visits: new DynamoVisitRepository(doc, table),
    allocations: new DynamoAllocationRepository(doc, table),
    digests: new DynamoDigestRepository(doc, table),
    exports: new S3ExportStore(new S3Client({}), config.EXPORT_BUCKET, config.EXPORT_KMS_KEY_ID),
    protocol,
    planner: { planPatient: (patient, now) => planPatient({ reminders, protocol }, patient, now) },
    clock: systemClock,
    auth,
    log: (level, message, fields) => logger[level](message, fields ?? {}),
  };
}

type ApiHandler = ReturnType<typeof createApiHandler>;
let live: ApiHandler | undefined;
// On Lambda the configuration is checked at cold start; imported elsewhere (tests, the local stack) nothing runs until called.
if (process.env.AWS_LAMBDA_FUNCTION_NAME) live = createApiHandler(depsFromEnv(), { console: consoleFromEnv() });

/** On AWS the console signs in through the Cognito hosted UI (authorization code + PKCE); nothing secret in it. */
export function consoleFromEnv(env: Record<string, string | undefined> = process.env): { config: ConsoleConfig; cognitoDomain?: string } {
  const config = parseEnv(coordinatorApiEnvSchema, env);
  const protocol = bundledProtocol();
  if (config.AUTH_MODE === 'cognito' && config.COGNITO_DOMAIN && config.COGNITO_CLIENT_ID) {
    const domain = config.COGNITO_DOMAIN.startsWith('https://') ? config.COGNITO_DOMAIN : `https://${config.COGNITO_DOMAIN}`;
    return { config: { auth: 'cognito', cognito: { domain, clientId: config.COGNITO_CLIENT_ID, tokenUse: 'access' }, studyTimeZone: protocol.studyTimeZone }, cognitoDomain: domain };
  }
  if (config.AUTH_MODE === 'oidc' && config.OIDC_ISSUER && config.OIDC_CLIENT_ID) {
    const issuer = config.OIDC_ISSUER;
    const oidc = { issuer, clientId: config.OIDC_CLIENT_ID, scopes: (config.OIDC_SCOPES ?? 'openid profile email').split(' ') };
    // The page talks to the issuer's origin (discovery, token endpoint): allowed in its CSP like the Cognito domain.
    return { config: { auth: 'oidc', oidc, studyTimeZone: protocol.studyTimeZone }, cognitoDomain: new URL(issuer).origin };
  }
  return { config: { auth: config.AUTH_MODE, studyTimeZone: protocol.studyTimeZone } };
}

export const handler = (event: Event, context: Context): Promise<Result> => {
  live ??= createApiHandler(depsFromEnv(), { console: consoleFromEnv() });
  return live(event, context);
};
