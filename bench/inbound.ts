/**
 * 10,000 inbound replies (fixed seed; mixed intents: taken, missed, side effects, red flags, STOP,
 * HELP, unclear, unknown numbers) through the real inbound-sms handler (createInboundHandler: middy,
 * payload parsing, the use case, the DynamoDB adapters) against dynalite in a second process, with
 * an in-memory SMS sender and alert publisher. Measures DynamoDB requests and consumed capacity per
 * reply, p50/p99 handler time, and the ratio to the floor: the fewest requests the design needs
 * for what each reply did (see `floorFor`).
 *
 *   npm run bench -- inbound           (BENCH_INBOUND_N=2000 for a quick run)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import { ensureTable } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import { forEachLimited } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../test/support/dispatch-fakes.ts';
import { makePatient } from '../test/support/patients.ts';
import { countRequests } from './support/counting-client.ts';
import { batchWriteAll, capturingDoc, percentile, round, seededRandom, startDynaliteProcess } from './support/dynalite-process.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

/** Goal of issue 15 part 3: DynamoDB requests per inbound reply at most this multiple of the floor. */
export const INBOUND_RATIO_GOAL = 1.3;

// Monday 2027-02-01 (study day 28 of patients enrolled 2027-01-04): the 08:00 dose check-in went
// out at 00:00Z; its answer window is open for 6 h. Replies arrive between 00:05Z and 05:00Z.
const SENT_AT = '2027-02-01T00:00:00.000Z';
const PROCESSING_AT = '2027-02-01T05:30:00.000Z';
const STUDY_NUMBER = '+8610690000';

/** What a patient texts, by intent (texts checked against interpretReply with the dose question open). */
const MIX: { kind: string; share: number; texts: string[] }[] = [
  { kind: 'taken', share: 0.45, texts: ['1', '已服', '吃了', 'took it'] },
  { kind: 'missed', share: 0.14, texts: ['2', '忘了吃', '漏服了', 'missed it'] },
  { kind: 'side_effect', share: 0.15, texts: ['有点恶心', '拉肚子两次', '口腔溃疡', 'mild rash'] },
  { kind: 'red_flag', share: 0.04, texts: ['发烧39度', 'fever 39.2', '呼吸困难', '眼睛黄了'] },
  { kind: 'stop', share: 0.01, texts: ['TD', 'STOP'] },
  { kind: 'help', share: 0.02, texts: ['HELP', '帮助'] },
  { kind: 'unclear', share: 0.12, texts: ['明天去医院吗', '😊', '你好', '下周复诊时间？'] },
  { kind: 'unknown_number', share: 0.07, texts: ['你好', '1', 'who is this?', '发烧39度'] },
];

interface Reply {
  index: number;
  kind: string;
  from: string;
  body: string;
  receivedAt: string;
  patientIndex: number | null;
}

function workload(n: number, patients: number): Reply[] {
  const random = seededRandom(20_270_201);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const replies: Reply[] = [];
  for (let i = 0; i < n; i++) {
    let r = random();
    const entry = MIX.find((m) => (r -= m.share) < 0) ?? MIX[0]!;
    const receivedAt = new Date(Date.parse(SENT_AT) + 5 * 60_000 + Math.floor(random() * 295 * 60_000)).toISOString();
    const unknown = entry.kind === 'unknown_number';
    const patientIndex = unknown ? null : Math.floor(random() * patients);
    const from = unknown ? `+8613${String(800_000_000 + Math.floor(random() * 500)).padStart(9, '0')}` : phoneOf(patientIndex!);
    replies.push({ index: i, kind: entry.kind, from, body: pick(entry.texts), receivedAt, patientIndex });
  }
  return replies.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.index - b.index));
}

const phoneOf = (i: number) => `+8613${String(900_000_000 + i).padStart(9, '0')}`;

/** Patients with their phone claims and 3 days of planned items, the morning check-in sent. Returns each patient's future due item count. */
async function seed(deps: InboundSmsDeps, doc: Parameters<typeof batchWriteAll>[0], table: string, patients: number): Promise<number[]> {
  const protocol = deps.protocol;
  const items: Record<string, unknown>[] = [];
  const capture = capturingDoc(items);
  const patientRepo = new DynamoPatientRepository(capture, table);
  const reminderRepo = new DynamoReminderRepository(capture, table, protocol.studyTimeZone);
  const window = { from: SENT_AT, to: '2027-02-04T00:00:00.000Z' };
  const morning: { patientId: string; dueAt: string; id: string }[] = [];
  const futureDue: number[] = [];
  for (let i = 0; i < patients; i++) {
    const id = `pat-${String(i).padStart(6, '0')}`;
    const patient = makePatient(protocol, { id, studyId: `IGG4-${String(i).padStart(5, '0')}`, phone: phoneOf(i), language: i % 5 === 0 ? 'en' : 'zh-CN' });
    await patientRepo.create(patient);
    const schedule = computeSchedule(patient, protocol, window);
    await reminderRepo.materialize(patient.id, patient.studyId, schedule, window, '2027-01-31T18:00:00.000Z');
    const first = schedule.find((s) => s.kind === 'dose' && s.dueAt === SENT_AT);
    if (!first) throw new Error('the seed expects a dose check-in at 08:00 on 2027-02-01');
    morning.push({ patientId: id, dueAt: first.dueAt, id: first.id });
    futureDue.push(schedule.filter((s) => s.dueAt > SENT_AT).length);
  }
  await batchWriteAll(doc, table, items);
  // The morning check-in goes out through the real repository: claimed, then marked sent (answer queue).
  await forEachLimited(morning, 16, async (m) => {
    const item = await deps.reminders.get(m.patientId, m.id, m.dueAt);
    if (!item || !(await deps.reminders.claim(item, 'bench-seed', SENT_AT, 120))) throw new Error('seed: claim failed');
    await deps.reminders.markSent(item, 'bench-seed', { messageId: `seed-${m.id}`, parts: 1, sentAt: SENT_AT });
  });
  return futureDue;
}

interface Handled {
  studyId: string | null;
  intent?: string;
  reports: number;
  alerts: number;
  replies: number;
}

/**
 * The floor: the fewest DynamoDB requests this design needs for what the reply did.
 *  - sender lookup: GetItem phone claim + GetItem patient (1 for an unknown number);
 *  - store the raw message first: 1 conditional PutItem; mark it processed: 1 UpdateItem;
 *  - context for a patient's free reply: 1 Query of the patient's recent items + 1 GetItem of the
 *    check-in conversation (not needed for STOP/START/HELP);
 *  - a dose answer: 1 UpdateItem on the check-in;
 *  - each report: PutItem + its audit entry; each alert: PutItem + audit + the notified mark;
 *  - each reply SMS: its outbound record (1 PutItem); an unknown number's reply also the day's claim;
 *  - a STOP that changes the patient: update + audit + 1 Query of future items + 1 UpdateItem per cancelled item.
 * Not in the floor (what the implementation adds): the processing lease, the audit existence
 * checks (Query before Put), the provider-id pointer of outbound records, alert notify audit and
 * patient-reference items.
 */
function floorFor(handled: Handled, firstStop: boolean, futureDue: number): number {
  const known = handled.studyId !== null;
  let floor = (known ? 2 : 1) + 1 + 1;
  const intent = handled.intent ?? 'unclear';
  if (known && !['opt_out', 'opt_in', 'help'].includes(intent)) floor += 2;
  if (known && (intent === 'dose_taken' || intent === 'dose_missed')) floor += 1;
  floor += handled.reports * 2 + handled.alerts * 3 + handled.replies;
  if (!known && handled.replies > 0) floor += 1;
  if (intent === 'opt_out' && firstStop) floor += 3 + futureDue;
  return floor;
}

export interface InboundMeasurement {
  n: number;
  patients: number;
  seconds: number;
  requests: number;
  capacityUnits: number;
  floor: number;
  /** The floor plus one audit entry per dose answer (every recorded change has one; `floorFor` counts none). Shown beside the goal, not judged. */
  floorWithAnswerAudit: number;
  latencies: number[];
  byCommand: Record<string, { requests: number; capacityUnits: number }>;
  byKind: Record<string, { count: number; requests: number; floor: number }>;
  failed: number;
  errors: string[];
}

export async function measureInbound(n: number, patients: number, concurrency: number): Promise<InboundMeasurement> {
  process.env.TABLE_NAME ??= 'bench-inbound';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:local:000000000000:alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'local';
  const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');
  const protocol = loadProtocolFile();
  const dynalite = await startDynaliteProcess();
  try {
    const table = 'bench-inbound';
    const client = dynalite.client();
    await ensureTable(client, table);
    const { doc, counter } = countRequests(client);

    // Per-reply attribution: the invocation runs inside an async context the middleware reads.
    const current = new AsyncLocalStorage<{ requests: number; trace?: string[] }>();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const store = current.getStore();
        if (store) {
          store.requests++;
          // BENCH_INBOUND_TRACE=1: each request of the first reply of each kind, as command and key prefix (no values).
          if (store.trace) {
            const input = args.input as { Key?: Record<string, unknown>; Item?: Record<string, unknown>; IndexName?: string; ExpressionAttributeValues?: Record<string, unknown>; TransactItems?: unknown[] };
            const text = (value: unknown) => String((value as { S?: string } | undefined)?.S ?? value ?? '').split('#')[0];
            const key = input.Key ?? input.Item;
            const where = key ? `${text(key.pk)}/${text(key.sk)}` : `${input.IndexName ? `index ${input.IndexName} ` : ''}${text(input.ExpressionAttributeValues?.[':pk'])}`;
            store.trace.push(`${String(context.commandName).replace('Command', '')} ${where}${input.TransactItems ? ` (${input.TransactItems.length} items)` : ''}`);
          }
        }
        return next(args);
      },
      { step: 'initialize', name: 'attributeToReply' },
    );

    const tz = protocol.studyTimeZone;
    const sms = new RecordingSmsSender();
    const deps: InboundSmsDeps = {
      patients: new DynamoPatientRepository(doc, table),
      reminders: new DynamoReminderRepository(doc, table, tz),
      reports: new DynamoReportRepository(doc, table, tz),
      messages: new DynamoMessageLog(doc, table, tz),
      conversations: new DynamoConversationRepository(doc, table),
      alerts: new DynamoAlertRepository(doc, table, tz),
      publisher: new RecordingAlertPublisher(),
      audit: new DynamoAuditLog(doc, table),
      sms,
      clock: fixedClock(PROCESSING_AT),
      protocol,
    };
    const futureDue = await seed(deps, doc, table, patients);

    const handledById = new Map<string, Handled>();
    const errors: string[] = [];
    const logger = {
      info: (message: string, fields?: Record<string, unknown>) => {
        if (message !== 'inbound SMS handled' || !fields) return;
        handledById.set(String(fields.inboundMessageId), {
          studyId: (fields.studyId as string | null) ?? null,
          intent: fields.intent as string | undefined,
          reports: Number(fields.reports),
          alerts: Number(fields.alerts),
          replies: Number(fields.replies),
        });
      },
      warn: () => undefined,
      error: (message: string, fields?: Record<string, unknown>) => {
        if (errors.length < 5) errors.push(`${message} ${JSON.stringify(fields)}`);
      },
    };
    const metrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };
    const handler = createInboundHandler(deps, { logger: logger as never, metrics: metrics as never });

    const replies = workload(n, patients);
    const tracing = process.env.BENCH_INBOUND_TRACE === '1';
    const traced = new Map<string, string[]>();
    const perReply = new Array<{ requests: number; ms: number }>(replies.length);
    counter.reset();
    let failed = 0;
    const started = performance.now();
    await forEachLimited(
      replies.map((reply, position) => ({ reply, position })),
      concurrency,
      async ({ reply, position }) => {
        const inboundMessageId = `bench-in-${String(reply.index).padStart(6, '0')}`;
        const event = {
          Records: [
            {
              EventSource: 'aws:sns',
              Sns: {
                MessageId: `sns-${reply.index}`,
                TopicArn: 'arn:aws:sns:local:000000000000:inbound',
                Timestamp: reply.receivedAt,
                Message: JSON.stringify({ originationNumber: reply.from, destinationNumber: STUDY_NUMBER, messageKeyword: 'KEYWORD', messageBody: reply.body, inboundMessageId }),
              },
            },
          ],
        };
        const store: { requests: number; trace?: string[] } = { requests: 0 };
        if (tracing && !traced.has(reply.kind)) {
          store.trace = [];
          traced.set(reply.kind, store.trace);
        }
        const t0 = performance.now();
        try {
          // A fresh context per invocation, as Lambda gives: middy races the handler against its remaining time.
          const context: Context = lambdaContext('inbound-sms');
          await current.run(store, () => handler(event, context));
        } catch {
          failed++;
        }
        perReply[position] = { requests: store.requests, ms: performance.now() - t0 };
      },
    );
    const seconds = (performance.now() - started) / 1000;
    for (const [kind, trace] of traced) console.error(`trace ${kind} (${trace.length} requests):\n  ${trace.join('\n  ')}`);

    const byKind: InboundMeasurement['byKind'] = {};
    const stopped = new Set<number>();
    let floor = 0;
    let answerAudits = 0;
    replies.forEach((reply, position) => {
      const handled = handledById.get(`bench-in-${String(reply.index).padStart(6, '0')}`) ?? { studyId: null, reports: 0, alerts: 0, replies: 0 };
      const firstStop = handled.intent === 'opt_out' && reply.patientIndex !== null && !stopped.has(reply.patientIndex);
      if (firstStop) stopped.add(reply.patientIndex!);
      const f = floorFor(handled, firstStop, reply.patientIndex === null ? 0 : futureDue[reply.patientIndex]!);
      floor += f;
      if (handled.studyId !== null && (handled.intent === 'dose_taken' || handled.intent === 'dose_missed')) answerAudits++;
      const entry = (byKind[reply.kind] ??= { count: 0, requests: 0, floor: 0 });
      entry.count++;
      entry.requests += perReply[position]!.requests;
      entry.floor += f;
    });
    return {
      n,
      patients,
      seconds,
      requests: counter.requests,
      capacityUnits: counter.capacityUnits,
      floor,
      floorWithAnswerAudit: floor + answerAudits,
      latencies: perReply.map((r) => r.ms).sort((a, b) => a - b),
      byCommand: counter.byCommand,
      byKind,
      failed,
      errors,
    };
  } finally {
    dynalite.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const n = Number(process.env.BENCH_INBOUND_N ?? 10_000);
  const concurrency = 8;
  const m = await measureInbound(n, Math.max(1, Math.round(n / 5)), concurrency);
  if (m.failed > 0) throw new Error(`${m.failed} of ${n} inbound invocations failed, e.g. ${m.errors.join(' | ')}`);
  const perCommand = Object.entries(m.byCommand)
    .map(([command, c]) => `${command.replace('Command', '')} ${round(c.requests / n, 2)}`)
    .join(', ');
  const kinds = Object.entries(m.byKind)
    .map(([kind, k]) => ({ kind, ratio: k.requests / k.floor, perReply: k.requests / k.count, floor: k.floor / k.count }))
    .sort((a, b) => b.ratio - a.ratio);
  const worst = kinds[0]!;
  return [
    { name: `inbound ${n} replies: wall time`, value: round(m.seconds, 1), unit: 's', note: `${m.patients} patients, ${concurrency} invocations at a time, one SNS record each; ${round(n / m.seconds, 0)} replies/s` },
    {
      name: 'inbound: DynamoDB requests per reply',
      value: round(m.requests / n, 2),
      unit: 'requests',
      floor: round(m.floor / n, 2),
      goal: `≤ ${INBOUND_RATIO_GOAL}× floor`,
      met: m.requests / m.floor <= INBOUND_RATIO_GOAL,
      note: `ratio ${round(m.requests / m.floor, 2)} (${round(m.requests / m.floorWithAnswerAudit, 2)} against the floor with an audit entry per dose answer, ${round(m.floorWithAnswerAudit / n, 2)}: not the goal); ${perCommand}`,
    },
    { name: 'inbound: consumed capacity per reply', value: round(m.capacityUnits / n, 2), unit: 'CU', note: 'ReturnConsumedCapacity TOTAL as dynalite reports it (base table only)' },
    { name: 'inbound: handler time p50', value: round(percentile(m.latencies, 50), 1), unit: 'ms', note: `per invocation, ${concurrency} in flight against dynalite` },
    { name: 'inbound: handler time p99', value: round(percentile(m.latencies, 99), 1), unit: 'ms' },
    {
      name: `inbound: worst intent vs floor (${worst.kind})`,
      value: round(worst.perReply, 2),
      unit: 'requests',
      floor: round(worst.floor, 2),
      // Shown, not judged: issue 15's goal is the average per reply (the row above). The worst intent
      // is where the next request less would come from (docs/performance.md, "fourth round").
      note: `ratio ${round(worst.ratio, 2)} (the goal, ≤ ${INBOUND_RATIO_GOAL}×, is on the average per reply above); requests/floor per reply: ${kinds.map((k) => `${k.kind} ${round(k.perReply, 1)}/${round(k.floor, 1)}`).join('; ')}`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
