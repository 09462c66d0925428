/**
 * Dispatch of N due reminders (default 10,000: one per patient, all due the same minute) against
 * dynalite in-process, with an in-memory SMS sender. Measures wall time, DynamoDB requests and
 * consumed capacity (ReturnConsumedCapacity: TOTAL) per reminder sent, by command.
 *
 *   npm run bench                      (every bench)
 *   npx tsx bench/dispatch.ts          (this one; BENCH_DISPATCH_N=2000 for a quick run)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type BatchWriteCommandOutput, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { dispatchReminders } from '#app/dispatch-reminders.ts';
import { forEachLimited } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import { dispatchWorld } from '../test/support/dispatch-fakes.ts';
import { makePatient } from '../test/support/patients.ts';
import { countRequests } from './support/counting-client.ts';
import { measureDispatchFloor } from './support/dispatch-floor.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  goal?: string;
  met?: boolean;
  note?: string;
}

/** Goal of issue 15 part 3: DynamoDB requests per reminder sent. */
export const REQUESTS_PER_REMINDER_GOAL = 4;

const DUE_AT = '2027-02-01T00:00:00.000Z'; // 08:00 Beijing, day 28 of every patient enrolled 2027-01-04
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** dynalite in its own process (in memory): the dispatcher and the database each get a core, as in AWS. */
async function startDynaliteProcess(): Promise<{ endpoint: string; stop(): void }> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0'], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts: 1 });
  for (let i = 0; ; i++) {
    try {
      await probe.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  probe.destroy();
  return { endpoint, stop: () => child.kill() };
}

/** The items the repositories would write, captured (no I/O), then written 25 per BatchWriteItem. */
function capturingDoc(items: Record<string, unknown>[]): DynamoDBDocumentClient {
  return {
    send: async (command: unknown) => {
      // The phone/study-ID uniqueness claims play no part in dispatch: not seeded.
      const item = command instanceof PutCommand ? (command.input.Item as Record<string, unknown>) : undefined;
      if (item && !/^(PHONE|STUDY)#/.test(String(item.pk))) items.push(item);
      if (command instanceof QueryCommand) return { Items: [] };
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
}

async function seed(doc: DynamoDBDocumentClient, table: string, n: number): Promise<void> {
  const protocol = loadProtocolFile();
  const items: Record<string, unknown>[] = [];
  const capture = capturingDoc(items);
  const patients = new DynamoPatientRepository(capture, table);
  const reminders = new DynamoReminderRepository(capture, table, protocol.studyTimeZone);
  const window = { from: DUE_AT, to: '2027-02-01T00:01:00.000Z' };
  for (let i = 0; i < n; i++) {
    const id = String(i).padStart(6, '0');
    const patient = makePatient(protocol, { id: `pat-${id}`, studyId: `B-${id}`, phone: `+1555${id.padStart(7, '0')}` });
    await patients.create(patient);
    await reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, '2027-01-31T16:00:00.000Z');
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await forEachLimited(batches, 8, async (batch) => {
    let pending: unknown[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = out.UnprocessedItems?.[table];
    }
  });
}

export async function measureDispatch(n: number) {
  const protocol = loadProtocolFile();
  const dynalite = await startDynaliteProcess();
  try {
    const table = 'bench-dispatch';
    const seedClient = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'local', credentials });
    await ensureTable(seedClient, table);
    const seedStart = performance.now();
    await seed(documentClient(seedClient), table, n);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const { doc, counter } = countRequests(new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'local', credentials }));
    const clock = fixedClock('2027-02-01T00:00:30.000Z');
    const world = dispatchWorld(doc, table, protocol, clock);
    const floor = await measureDispatchFloor(doc, table, protocol.studyTimeZone, clock.now(), 16);
    counter.reset();
    const started = performance.now();
    const result = await dispatchReminders(world.deps, { owner: 'bench', leaseSeconds: 120, catchUpMinutes: 60, concurrency: 16 });
    const seconds = (performance.now() - started) / 1000;
    if (result.sent !== n || world.sms.sent.length !== n) throw new Error(`expected ${n} sent, got ${result.sent} (sender saw ${world.sms.sent.length})`);
    return { n, seconds, seedSeconds, floorSeconds: floor.seconds, result, requests: counter.requests, capacityUnits: counter.capacityUnits, byCommand: counter.byCommand };
  } finally {
    dynalite.stop();
  }
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function run(): Promise<BenchRow[]> {
  // The 100,000 case takes ~10 min on 2 cores: run it on its own (BENCH_DISPATCH_BIG=1 npm run bench -- dispatch).
  const n = process.env.BENCH_DISPATCH_BIG === '1' ? 100_000 : Number(process.env.BENCH_DISPATCH_N ?? 10_000);
  const m = await measureDispatch(n);
  // The due queue is read per run (one Query per shard and round), not per reminder: the floor's "+ the queue queries".
  const queueQueries = m.byCommand.QueryCommand?.requests ?? 0;
  const perCommand = Object.entries(m.byCommand)
    .map(([command, c]) => `${command.replace('Command', '')} ${round(c.requests / n, 4)} req, ${round(c.capacityUnits / n, 3)} CU`)
    .join('; ');
  return [
    { name: `dispatch ${n} due reminders: wall time`, value: round(m.seconds, 2), unit: 's', note: `in-memory SMS sender, concurrency 16, dynalite (in memory) in a second process; ${round(n / m.seconds, 0)} SMS/s (seeding took ${round(m.seedSeconds, 1)} s)` },
    { name: `dispatch ${n}: wall time per reminder vs floor`, value: round((m.seconds * 1000) / n, 2), unit: 'ms', floor: round((m.floorSeconds * 1000) / n, 2), note: `ratio ${round(m.seconds / m.floorSeconds, 2)}; floor = the 4 requests per reminder (read patient, claim, outbound put, sent mark) + the queue queries, issued directly with the same concurrency` },
    {
      name: `dispatch ${n}: DynamoDB requests per reminder sent`,
      value: round(m.requests / n),
      unit: 'requests',
      floor: 4,
      goal: `≤ ${REQUESTS_PER_REMINDER_GOAL} (+ the due-queue reads)`,
      met: (m.requests - queueQueries) / n <= REQUESTS_PER_REMINDER_GOAL,
      note: `${round((m.requests - queueQueries) / n)} on each reminder's path + ${round(queueQueries / n, 4)} due-queue Query (one per shard and round, per run); ${perCommand}; the patient read takes the day's SMS slot (UpdateItem), the outbound record is its own provider-id pointer`,
    },
    { name: `dispatch ${n}: consumed capacity per reminder sent`, value: round(m.capacityUnits / n), unit: 'CU', note: 'ReturnConsumedCapacity TOTAL as dynalite reports it (base table; real DynamoDB adds GSI write units)' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
