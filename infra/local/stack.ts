import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SNSEvent } from 'aws-lambda';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAllocationRepository } from '#adapters/dynamo/allocation-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { conversationQueue, DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { ALL_SHARDS, keys } from '#adapters/dynamo/keys.ts';
import { memoryRepositories, type MemoryRepositories } from '#adapters/memory/index.ts';
import { ensureTable, startLocalDynamo, type LocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import { expireConversations, retryUnprocessedInbound } from '#app/inbound/index.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { RETRY_UNPROCESSED_INBOUND_TASK } from '#config/scheduled-tasks.ts';
import { ADHERENCE_ALERT_KINDS } from '#domain/missed-dose-rules.ts';
import type { Protocol } from '#domain/protocol.ts';
import { LocalAlertInbox } from './alert-inbox.ts';
import { realClock, virtualClock, type LocalClock } from './clock.ts';
import { apiGatewayEvent, lambdaContext, scheduledEvent, scheduledTaskEvent, snsEvent, twoWayPayload, type LocalInbound } from './lambda-events.ts';
import { earliestQueued } from './queue-probe.ts';
import { dailyAt, everyMinutes, LocalScheduler, weeklyAt, type JobRun, type ScheduledJob } from './scheduler.ts';
import { createLocalServer, listen } from './server.ts';
import { LocalSmsGateway, type OutboxEntry } from './sms-gateway.ts';
import { AliyunFake } from './aliyun-fake.ts';
import { AliyunSmsSender, mainlandNumber } from '#adapters/aliyun/aliyun-sms-sender.ts';
import { dybaseapiClient, dysmsapiClient } from '#adapters/aliyun/client.ts';
import { MnsUpstream } from '#adapters/aliyun/mns-upstream.ts';
import { pullSmsUpstream } from '#app/pull-sms-upstream.ts';
import { mainlandDailyCap } from '#domain/mainland-sms.ts';
import type { OutboundSms, SmsSender } from '#ports/sms.ts';

/**
 * The whole system in one process: dynalite, the same Lambda handlers as on AWS (built through
 * their factories with local adapters), the in-process scheduler, the local SMS gateway and
 * alert inbox, and the HTTP front door. `npm start` (main.ts), `npm run simulate` and the e2e
 * tests all start it through here.
 */
export interface LocalStackOptions {
  /** Where dynalite, the outbox, the inbox and the token live; null = all in memory (simulations). */
  dataDir: string | null;
  /**
   * The store behind the repository ports: 'dynalite' (default; the DynamoDB adapters against a
   * real DynamoDB API) or 'memory' (shared/adapters/memory: the same ports in memory, held to the
   * same contract tests; the simulation's default, dataDir is then used for the outbox/inbox only).
   */
  store?: 'dynalite' | 'memory';
  /** Start a virtual clock at this instant (moves only through advance / POST /local/clock). */
  virtualClock?: string;
  /** HTTP port (0 = any free port); omit `listen` to run without an HTTP server. */
  port?: number;
  host?: string;
  listen?: boolean;
  /** The local API token (else the one stored in the data dir, else a new one). */
  token?: string;
  protocolPath?: string;
  /** Deterministic ids for simulations (patients, inbound message ids, the allocation seed). */
  newId?: () => string;
  newInboundId?: () => string;
  allocationSeed?: string;
  smsCostPerPartUsd?: number;
  /** Plan all active patients once at start (as `npm start` does). Default true. */
  planAtStart?: boolean;
  onJobRun?: (run: JobRun) => void;
  /**
   * 'aliyun-fake': SMS go through the Alibaba Cloud SMS adapter (signed calls) to the provider fake on
   * 127.0.0.1, replies from +86 numbers and delivery receipts come back through the pull (every
   * minute), as in env=cn. The outbox still shows what each handset shows. Default 'local'.
   */
  sms?: 'local' | 'aliyun-fake';
}

/** The provider sends; the local outbox records what the handset shows, so the console's phone view works the same. */
class MirroredSmsSender implements SmsSender {
  constructor(
    private readonly provider: SmsSender,
    private readonly gateway: LocalSmsGateway,
    private readonly fake: AliyunFake,
  ) {}
  async send(message: OutboundSms): Promise<{ messageId: string }> {
    const sent = await this.provider.send(message);
    const shown = this.fake.sent.find((m) => m.bizId === sent.messageId)?.text ?? message.body;
    await this.gateway.send({ to: message.to, body: shown });
    return sent;
  }
  isOptedOut(phone: string): Promise<boolean> {
    return this.provider.isOptedOut(phone);
  }
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}

export interface LocalStack {
  url: string | null;
  token: string;
  protocol: Protocol;
  clock: LocalClock;
  scheduler: LocalScheduler;
  gateway: LocalSmsGateway;
  inbox: LocalAlertInbox;
  /** DynamoDB requests so far (store=dynalite), by who made them (job, api, inbound, probe) and command; empty in memory. */
  requestCounts: Record<string, Record<string, number>>;
  dataDir: string | null;
  tableName: string;
  repos: LocalRepositories;
  /** Where exports are written; the local server serves its signed links at /local/exports/…. */
  exports: LocalExportStore;
  /**
   * Calls the coordinator-api handler as API Gateway would (in process, no HTTP). For an export,
   * `body` is the link the API answered and `text` the file it points to (as a browser following it).
   */
  callApi(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Texts the study as a patient: the two-way payload through SNS into the inbound handler. */
  textIn(input: LocalInbound): Promise<{ inboundMessageId: string; replies: OutboxEntry[] }>;
  close(): Promise<void>;
}

export const LOCAL_TABLE_NAME = 'trial-local';
export type LocalRepositories = ReturnType<typeof repositories> | MemoryRepositories;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const LOCAL_ARN = (name: string) => `arn:aws:sns:local:000000000000:${name}`;

function repositories(db: LocalDynamo, tableName: string, protocol: Protocol) {
  const zone = protocol.studyTimeZone;
  return {
    patients: new DynamoPatientRepository(db.doc, tableName),
    reminders: new DynamoReminderRepository(db.doc, tableName, zone),
    reports: new DynamoReportRepository(db.doc, tableName, zone),
    alerts: new DynamoAlertRepository(db.doc, tableName, zone),
    messages: new DynamoMessageLog(db.doc, tableName, zone),
    audit: new DynamoAuditLog(db.doc, tableName),
    visits: new DynamoVisitRepository(db.doc, tableName),
    allocations: new DynamoAllocationRepository(db.doc, tableName),
    conversations: new DynamoConversationRepository(db.doc, tableName),
    digests: new DynamoDigestRepository(db.doc, tableName),
  };
}

/** The token from the environment, else the one stored at first start, else a new one (stored). */
function resolveToken(dataDir: string | null, given: string | undefined): string {
  if (given) return given;
  if (!dataDir) return randomBytes(24).toString('base64url');
  const file = join(dataDir, 'api-token');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return stored;
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The handler modules parse their environment when they load (as on a Lambda cold start), so
 * the local values are set before they are imported. Nothing here reaches AWS: every client the
 * modules build at load stays unused; the factories get local adapters.
 */
function setLocalEnvironment(tableName: string, token: string, consoleUrl: string): void {
  const defaults: Record<string, string> = {
    AWS_REGION: 'local',
    TABLE_NAME: tableName,
    ALERT_TOPIC_ARN: LOCAL_ARN('coordinator-alerts'),
    ESCALATION_TOPIC_ARN: LOCAL_ARN('escalation'),
    CONSOLE_URL: consoleUrl,
    SMS_COST_PER_PART_USD: '0.03',
    DISPATCH_LEASE_SECONDS: '120',
    DISPATCH_CATCH_UP_MINUTES: '60',
    PLAN_DAYS: '3',
    AUTH_MODE: 'local-token',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'TrialSmsLocal',
  };
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  process.env.LOCAL_API_TOKEN = token;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = options.dataDir ? resolve(options.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const token = resolveToken(dataDir, options.token);
  const protocol = loadProtocolFile(options.protocolPath);
  const tableName = LOCAL_TABLE_NAME;
  const memory = options.store === 'memory' ? memoryRepositories(protocol.studyTimeZone) : null;
  const db = memory ? null : await startLocalDynamo(dataDir ? { path: join(dataDir, 'dynamo') } : {});
  if (db) await ensureTable(db.client, tableName);
  // Who is talking to DynamoDB (the simulation's figures): a job, the API, inbound, or the scheduler's probes.
  const requestCounts: Record<string, Record<string, number>> = {};
  let caller = 'probe';
  const as = async <T>(who: string, fn: () => Promise<T>): Promise<T> => {
    const before = caller;
    caller = who;
    try {
      return await fn();
    } finally {
      caller = before;
    }
  };
  db?.client.middlewareStack.add(
    (next, context) => async (args) => {
      const byCommand = (requestCounts[caller] ??= {});
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      byCommand[command] = (byCommand[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'localRequestCounter' },
  );
  const clock = options.virtualClock ? virtualClock(options.virtualClock) : realClock();
  const gateway = new LocalSmsGateway(clock, dataDir);
  let fake: AliyunFake | null = null;
  let sms: SmsSender = gateway;
  let upstream: MnsUpstream | null = null;
  if (options.sms === 'aliyun-fake') {
    const section = protocol.mainlandSms;
    if (!section) throw new Error('--sms=aliyun-fake needs the protocol mainlandSms section');
    fake = AliyunFake.fromProtocol(protocol, { now: () => Date.parse(clock.now()), visibilityTimeoutMs: 30_000 });
    const host = await fake.start();
    // Signed with the fake's AccessKey pair: the fake verifies every ACS3-HMAC-SHA256 signature.
    sms = new MirroredSmsSender(new AliyunSmsSender(dysmsapiClient(fake.credentials, { endpoint: host, protocol: 'http' }), section), gateway, fake);
    upstream = new MnsUpstream(dybaseapiClient(fake.credentials, { endpoint: host, protocol: 'http' }), {
      queues: { reply: fake.queueNames.SmsUp, receipt: fake.queueNames.SmsReport },
      mnsEndpoint: `http://${host}`,
      waitSeconds: 0,
      now: () => Date.parse(clock.now()),
    });
  }
  const inbox = new LocalAlertInbox(clock, dataDir);
  const repos: LocalRepositories = memory ?? repositories(db!, tableName, protocol);
  /** The earliest entry of the work queues a job reads (the scheduler skips instants with nothing to do). */
  const earliestDue = memory
    ? async () => memory.reminders.earliest('due')
    : async () => earliestQueued(db!.doc, tableName, ALL_SHARDS.map(keys.dueQueue));
  const earliestSweepWork = memory
    ? async () => earliestOf([memory.reminders.earliest('await'), memory.conversations.earliestDeadline(), memory.alerts.earliestEscalation()])
    : async () => earliestQueued(db!.doc, tableName, [...ALL_SHARDS.map(keys.awaitQueue), ...ALL_SHARDS.map(conversationQueue), 'ESCALATE']);
  /** The earliest retry instant of a stored text no delivery finished (the inbound retry queue, gsi4). */
  const earliestUnprocessed = memory ? async () => memory.messages.earliestUnprocessed() : async () => earliestQueued(db!.doc, tableName, ALL_SHARDS.map(keys.inbox), 'gsi4');

  let server: Server | null = null;
  let url: string | null = null;
  // Exports: <data dir>/exports, or a temporary directory removed at close for an in-memory stack.
  const exportDir = dataDir ? join(dataDir, 'exports') : mkdtempSync(join(tmpdir(), 'trial-exports-'));
  const exportStore = new LocalExportStore({ dir: exportDir, baseUrl: () => url ?? 'http://127.0.0.1/' });
  const handlers: {
    api?: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
    inbound?: (event: SNSEvent) => Promise<unknown>;
  } = {};
  const host = options.host ?? '127.0.0.1';
  // The probes' last answers, kept until something that can move those queues happens.
  let sweepDirty = true;
  const probes: { dispatch?: string | null; sweep?: string | null; inbound?: string | null } = {};
  const invalidate = (what: 'all' | 'sweep') => {
    delete probes.sweep;
    // Whatever may have stored or processed a text (an inbound SMS, a pull, the API) also moves the retry queue.
    delete probes.inbound;
    if (what === 'all') delete probes.dispatch;
  };
  const inboundRetryWork = async () => (probes.inbound !== undefined ? probes.inbound : (probes.inbound = await earliestUnprocessed()));
  /**
   * After an inbound SMS: a late dose answer can end an open missed-dose episode (the sweep
   * re-evaluates it on its next run); an opt-out or opt-in cancels or plans reminders.
   */
  const afterInbound = async (inboundMessageId: string) => {
    const stored = await repos.messages.getInbound(inboundMessageId);
    const intent = String(stored?.interpretation?.intent ?? '');
    invalidate(intent === 'opt_out' || intent === 'opt_in' ? 'all' : 'sweep');
    if (stored?.patientId && (intent === 'dose_taken' || intent === 'dose_missed')) {
      for (const kind of ADHERENCE_ALERT_KINDS) if ((await repos.alerts.listUnresolved(kind, stored.patientId)).length > 0) sweepDirty = true;
    }
  };

  // The scheduler is built first (the server needs it); its jobs are filled in below.
  const jobs: ScheduledJob[] = [];
  const scheduler = new LocalScheduler(clock, jobs, options.onJobRun);

  if (options.listen !== false) {
    server = createLocalServer({
      clock,
      scheduler,
      gateway,
      inbox,
      messages: repos.messages,
      exports: exportStore,
      token,
      consoleConfig: { auth: 'local-token', token, local: true, studyTimeZone: protocol.studyTimeZone },
      // Bound to every interface: it answers to this machine's addresses, never to a DNS name.
      extraHosts: LOOPBACK.has(host) ? [] : host === '0.0.0.0' || host === '::' ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)) : [host],
      api: (event) => handlers.api!(event),
      inbound: (event) => handlers.inbound!(event),
      afterInbound,
    });
    const port = await listen(server, options.port ?? 3000, host);
    url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}/`;
    inbox.consoleUrl = url;
  }
  setLocalEnvironment(tableName, token, url ?? 'http://localhost:3000/');

  const [{ createPlanHandler }, { createDispatchHandler }, { createInboundHandler }, { createSweepHandler }, { createDigestHandler }, { createDailySummaryHandler }, { createApiHandler }, { localTokenVerifier }] =
    await Promise.all([
      import('#functions/plan-schedule/handler.ts'),
      import('#functions/dispatch-reminders/handler.ts'),
      import('#functions/inbound-sms/handler.ts'),
      import('#functions/sweep-adherence/handler.ts'),
      import('#functions/weekly-digest/handler.ts'),
      import('#functions/daily-summary/handler.ts'),
      import('#functions/coordinator-api/handler.ts'),
      import('#functions/coordinator-api/auth.ts'),
    ]);

  const planner = { planPatient: (patient: Parameters<typeof planPatient>[1], now: string) => planPatient({ reminders: repos.reminders, protocol }, patient, now) };
  const alerting = { alerts: repos.alerts, publisher: inbox, audit: repos.audit, protocol };

  const plan = createPlanHandler({ patients: repos.patients, reminders: repos.reminders, audit: repos.audit, protocol, clock });
  const mainland = options.sms === 'aliyun-fake' && protocol.mainlandSms ? { signature: protocol.mainlandSms.signName, dailyCap: mainlandDailyCap(protocol, protocol.mainlandSms) } : null;
  const dispatch = createDispatchHandler({ reminders: repos.reminders, patients: repos.patients, messages: repos.messages, sms, protocol, alerting, clock }, mainland ?? {});
  const inbound = createInboundHandler({ ...repos, publisher: inbox, sms, clock, protocol, ...(mainland ? { smsSignature: mainland.signature } : {}) });
  /** inbound-sms's timeout on AWS (infra/stacks/stateless-stack.ts): the retry's time budget counts down from it. */
  const INBOUND_TIMEOUT_MS = 30_000;
  const inboundDeps = { ...repos, publisher: inbox, sms, clock, protocol, ...(mainland ? { smsSignature: mainland.signature } : {}) };
  // As functions/pull-sms/handler.ts does: the pull, then the retry of stored texts no run finished
  // (also when the provider is down; the run still fails afterwards).
  const pull = async (owner: string) => {
    if (!upstream) return null;
    let failure: unknown = null;
    const pulled = await pullSmsUpstream({ upstream, receipts: repos.messages, inbound: inboundDeps }, { owner }).catch((error: unknown) => {
      failure = error;
      return null;
    });
    const retried = await retryUnprocessedInbound(inboundDeps, clock.now(), { workerId: `retry:${owner}` });
    if (failure) throw failure;
    return { ...pulled, retry: retried };
  };
  const sweep = createSweepHandler({
    ...repos,
    publisher: inbox,
    protocol,
    clock,
    expireConversations: (now: string) => expireConversations({ conversations: repos.conversations, reports: repos.reports, audit: repos.audit, protocol }, now),
  });
  const digest = createDigestHandler({
    ...repos,
    publisher: inbox,
    protocol,
    smsCostPerPartUsd: options.smsCostPerPartUsd ?? Number(process.env.SMS_COST_PER_PART_USD),
    language: 'zh-CN',
    ...(url ? { consoleUrl: url } : {}),
    clock,
  });
  const dailySummary = createDailySummaryHandler({
    alerts: repos.alerts,
    publisher: inbox,
    audit: repos.audit,
    protocol,
    language: 'zh-CN',
    consoleUrl: url ?? 'http://localhost:3000/',
    clock,
  });
  const api = createApiHandler({
    ...repos,
    exports: exportStore,
    protocol,
    planner,
    clock,
    auth: localTokenVerifier({ coordinatorToken: token, monitorToken: process.env.LOCAL_MONITOR_TOKEN }),
    ...(options.newId ? { newId: options.newId } : {}),
    ...(options.allocationSeed ? { newSecretSeed: () => options.allocationSeed! } : {}),
  });

  handlers.api = async (event) => {
    try {
      return (await api(event, lambdaContext('coordinator-api'))) as APIGatewayProxyResultV2;
    } finally {
      if (event.requestContext.http.method !== 'GET') invalidate('all');
    }
  };
  handlers.inbound = (event) => inbound(event, lambdaContext('inbound-sms'));

  const zone = protocol.studyTimeZone;
  jobs.push(
    {
      name: 'plan-schedule',
      cadence: dailyAt('02:00', zone),
      run: async (now) => {
        invalidate('all');
        await plan(scheduledEvent('plan-schedule', now), lambdaContext('plan-schedule'));
      },
    },
    {
      name: 'dispatch-reminders',
      cadence: everyMinutes(1),
      workFrom: async () => (probes.dispatch !== undefined ? probes.dispatch : (probes.dispatch = await earliestDue())),
      run: async (now) => {
        invalidate('all');
        await dispatch(scheduledEvent('dispatch-reminders', now), lambdaContext('dispatch-reminders'));
      },
    },
    ...(fake
      ? [
          {
            name: 'pull-sms',
            cadence: everyMinutes(1),
            // Work: messages waiting at the provider, or a stored reply whose retry time has come.
            workFrom: async () => (fake && fake.pending('SmsUp') + fake.pending('SmsReport') > 0 ? clock.now() : await inboundRetryWork()),
            run: async (now: string) => {
              try {
                await pull(`pull:${now}`);
              } finally {
                invalidate('all');
              }
            },
          } satisfies ScheduledJob,
        ]
      : [
          {
            // As on AWS (SNS environments): inbound-sms is invoked every `inbound.retryAfterMinutes`
            // with the schedule's constant input, and retries the texts no delivery finished.
            name: `inbound-sms:${RETRY_UNPROCESSED_INBOUND_TASK}`,
            cadence: everyMinutes(protocol.inbound.retryAfterMinutes),
            workFrom: inboundRetryWork,
            run: async (now: string) => {
              const result = await inbound(scheduledTaskEvent('inbound-sms', RETRY_UNPROCESSED_INBOUND_TASK, now), lambdaContext('inbound-sms', INBOUND_TIMEOUT_MS));
              invalidate('all');
              // A retried reply may answer a dose: the sweep re-evaluates open episodes (as after any inbound SMS).
              if ('task' in result && result.processed > 0) sweepDirty = true;
            },
          } satisfies ScheduledJob,
        ]),
    {
      name: 'sweep-adherence',
      cadence: everyMinutes(15),
      // Work: check-ins whose answer window closes, conversations that time out, escalations
      // due — and, after any inbound SMS, a re-evaluation of open missed-dose episodes.
      workFrom: async () => {
        if (sweepDirty) return clock.now();
        if (probes.sweep !== undefined) return probes.sweep;
        return (probes.sweep = await earliestSweepWork());
      },
      run: async (now) => {
        sweepDirty = false;
        invalidate('sweep');
        await sweep(scheduledEvent('sweep-adherence', now), lambdaContext('sweep-adherence'));
      },
    },
    {
      // Every day at the protocol time, as on AWS; the function skips weekends and protocol holidays.
      name: 'daily-summary',
      cadence: dailyAt(protocol.alerts.dailySummary.time, zone),
      run: async (now) => {
        await dailySummary(scheduledEvent('daily-summary', now), lambdaContext('daily-summary'));
      },
    },
    {
      name: 'weekly-digest',
      cadence: weeklyAt(1, '08:00', zone),
      run: async (now) => {
        invalidate('sweep'); // the digest audits and may publish, but moves no queue; cheap to be safe
        await digest(scheduledEvent('weekly-digest', now), lambdaContext('weekly-digest'));
      },
    },
  );

  for (const job of jobs) {
    const run = job.run;
    job.run = (now) => as(job.name, () => run(now));
  }
  if (options.planAtStart !== false) await scheduler.runNow('plan-schedule');
  if (!clock.virtual) scheduler.startRealTime();

  const newInboundId = options.newInboundId;
  const stack: LocalStack = {
    url,
    token,
    protocol,
    clock,
    scheduler,
    gateway,
    inbox,
    dataDir,
    tableName,
    repos,
    requestCounts,
    exports: exportStore,
    async callApi(method, path, body) {
      return as('coordinator-api', () => callApi(method, path, body));
    },
    async textIn(input) {
      return as('inbound-sms', () => textIn(input));
    },
    async close() {
      await scheduler.stop();
      await fake?.stop();
      if (server) {
        server.closeAllConnections?.();
        await new Promise<void>((done) => server!.close(() => done()));
      }
      await db?.close();
      if (!dataDir) rmSync(exportDir, { recursive: true, force: true });
    },
  };
  async function callApi(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const requestUrl = new URL(path, 'http://localhost');
    const text = body === undefined ? '' : JSON.stringify(body);
    const event = apiGatewayEvent({
      method,
      url: requestUrl,
      headers: { host: 'localhost', authorization: `Bearer ${token}`, ...(text ? { 'content-type': 'application/json' } : {}) },
      body: text,
      sourceIp: '127.0.0.1',
      now: new Date(Date.parse(clock.now())),
    });
    const result = await handlers.api!(event);
    const r = typeof result === 'object' && result !== null && 'statusCode' in result ? result : { statusCode: 200, body: JSON.stringify(result), headers: {} };
    const out = r.body ?? '';
    let parsed: unknown = out;
    try {
      parsed = out ? JSON.parse(out) : null;
    } catch {
      /* other text stays text */
    }
    const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const link = (parsed as { url?: unknown } | null)?.url;
    if (r.statusCode === 200 && requestUrl.pathname.startsWith('/api/exports/') && typeof link === 'string') {
      const target = new URL(link);
      const file = await exportStore.open(decodeURIComponent(target.pathname.replace(/^\/local\/exports\//, '')), target.searchParams);
      if (!file.ok) throw new Error(`export link refused: ${file.reason}`);
      const chunks: Buffer[] = [];
      for await (const chunk of file.stream) chunks.push(chunk as Buffer);
      return { status: 200, body: parsed, text: Buffer.concat(chunks).toString('utf8'), headers };
    }
    return { status: r.statusCode ?? 200, body: parsed, text: out, headers };
  }
  async function textIn(input: LocalInbound): Promise<{ inboundMessageId: string; replies: OutboxEntry[] }> {
    const payload = twoWayPayload(input, newInboundId);
    const before = gateway.list().length;
    const domestic = mainlandNumber(payload.originationNumber);
    if (fake && domestic) {
      // As on the mainland: the reply reaches the provider's SmsUp queue and is pulled.
      const sequenceId = Number(BigInt(`0x${createHash('sha256').update(payload.inboundMessageId).digest('hex').slice(0, 12)}`));
      fake.reply(domestic, payload.messageBody, { sequenceId });
      await scheduler.exclusive(() => pull(`pull:${payload.inboundMessageId}`));
      const inboundMessageId = `aliyun-up:${sequenceId}`;
      await afterInbound(inboundMessageId);
      return { inboundMessageId, replies: gateway.list().slice(before).filter((m) => m.to === payload.originationNumber) };
    }
    await scheduler.exclusive(() => handlers.inbound!(snsEvent(payload, clock.now())));
    await afterInbound(payload.inboundMessageId);
    return { inboundMessageId: payload.inboundMessageId, replies: gateway.list().slice(before).filter((m) => m.to === payload.originationNumber) };
  }
  return stack;
}

function earliestOf(instants: (string | null)[]): string | null {
  const present = instants.filter((i): i is string => i !== null).sort((a, b) => Date.parse(a) - Date.parse(b));
  return present[0] ?? null;
}
