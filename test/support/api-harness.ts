import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAllocationRepository } from '#adapters/dynamo/allocation-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { localTokenVerifier } from '#functions/coordinator-api/auth.ts';
import { createApiHandler, type ApiDeps } from '#functions/coordinator-api/handler.ts';
import { fixedClock } from '#ports/clock.ts';
import { useLocalDynamo } from './dynamo.ts';

export const COORDINATOR_TOKEN = 'coordinator-token-for-tests-0001';
export const MONITOR_TOKEN = 'monitor-token-for-tests-000000001';

export const ENROLL_BODY = {
  studyId: 'IGG4-001',
  phone: '+8613800138000',
  timeZone: 'Asia/Shanghai',
  language: 'zh-CN',
  enrolledOn: '2027-01-04',
  doseTimes: { morning: '08:00', evening: '20:00' },
  prednisoneStartMg: 40,
  discreet: false,
} as const;

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** As API Gateway sets them for a route with parameters (e.g. `proxy` for /{proxy+}). */
  pathParameters?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  /** The body; for an export, the file its link points to (as a browser following the link). */
  text: string;
  /** An export's download (the local store's answer to its link). */
  download?: { filename: string; bytes: number };
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** An API Gateway HTTP API payload v2 event, as API Gateway (or the local server) builds it. */
export function apiEvent(method: string, path: string, options: CallOptions = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { host: 'localhost', ...(options.headers ?? {}) };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? COORDINATOR_TOKEN}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const query = options.query;
  const rawQueryString = query ? new URLSearchParams(query).toString() : '';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(options.pathParameters ? { pathParameters: { ...options.pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.floor(performance.now() * 1000)}`,
      routeKey: '$default',
      stage: '$default',
      time: '04/Jan/2027:02:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

const context = { awsRequestId: 'ctx-req', getRemainingTimeInMillis: () => 30_000, functionName: 'coordinator-api' } as unknown as Context;

/** The real middy stack on dynalite with a fake clock; one fresh table per `setup()`. */
export function useApi() {
  const local = useLocalDynamo();
  const protocol = loadProtocolFile();
  return {
    protocol,
    get db() {
      return local.db;
    },
    async setup(options: { now?: string; planner?: ApiDeps['planner']; allocationListLength?: number; console?: Parameters<typeof createApiHandler>[1] } = {}) {
      const table = await local.freshTable();
      const doc = local.db.doc;
      const zone = protocol.studyTimeZone;
      const clock = fixedClock(options.now ?? '2027-01-04T02:00:00Z');
      const reminders = new DynamoReminderRepository(doc, table, zone);
      const planned: Patient[] = [];
      const exports = new LocalExportStore({ dir: mkdtempSync(join(tmpdir(), 'api-exports-')), baseUrl: () => 'http://127.0.0.1:3000/' });
      const deps: ApiDeps = {
        patients: new DynamoPatientRepository(doc, table),
        reminders,
        reports: new DynamoReportRepository(doc, table, zone),
        alerts: new DynamoAlertRepository(doc, table, zone),
        messages: new DynamoMessageLog(doc, table, zone),
        audit: new DynamoAuditLog(doc, table),
        visits: new DynamoVisitRepository(doc, table),
        allocations: new DynamoAllocationRepository(doc, table),
        digests: new DynamoDigestRepository(doc, table),
        exports,
        protocol,
        planner: options.planner ?? {
          planPatient: async (patient, now) => {
            planned.push(patient);
            return planPatient({ reminders, protocol }, patient, now);
          },
        },
        clock,
        auth: localTokenVerifier({ coordinatorToken: COORDINATOR_TOKEN, monitorToken: MONITOR_TOKEN }),
        ...(options.allocationListLength ? { allocationListLength: options.allocationListLength } : {}),
      };
      const handler = createApiHandler(deps, options.console ?? {});
      const call = async (method: string, path: string, callOptions: CallOptions = {}): Promise<CallResult> => {
        const result = (await handler(apiEvent(method, path, callOptions), context)) as APIGatewayProxyStructuredResultV2;
        const text = result.body ?? '';
        const contentType = String(result.headers?.['content-type'] ?? '');
        const answer: CallResult = {
          status: result.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
          text,
          json: contentType.includes('json') && text ? JSON.parse(text) : undefined,
        };
        if (answer.status === 200 && path.startsWith('/api/exports/')) {
          const link = new URL(answer.json.url as string);
          const file = await exports.open(decodeURIComponent(link.pathname.replace(/^\/local\/exports\//, '')), link.searchParams);
          if (!file.ok) throw new Error(`export link refused: ${file.reason} (${answer.json.url})`);
          const chunks: Buffer[] = [];
          for await (const chunk of file.stream) chunks.push(chunk as Buffer);
          answer.text = Buffer.concat(chunks).toString('utf8');
          answer.download = { filename: file.filename, bytes: file.bytes };
        }
        return answer;
      };
      const enroll = async (overrides: Record<string, unknown> = {}) => {
        const res = await call('POST', '/api/patients', { body: { ...ENROLL_BODY, ...overrides } });
        if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${res.text}`);
        return res.json as Patient;
      };
      return { table, deps, clock, call, enroll, planned, doc, exports };
    },
  };
}
