/**
 * The weekly digest's DynamoDB reads for 60 and for 10,000 patients: items read vs items in that
 * week, measured on two table sizes — the week alone, then the same table with other weeks added
 * (the digest stored by the first run is deleted in between) — so a digest that read the table,
 * or anything but that week, would read more the second time.
 * Seeding writes the same items the adapters write (same keys) with BatchWriteItem; in the bench,
 * dynalite runs in this process and the batches go to its own BatchWriteItem action without HTTP
 * and the SDK (seeding is not what is measured; the digest's reads go through the SDK as always).
 *
 *   npm run bench -- digest            (BENCH_DIGEST_PATIENTS=60 for the quick case only)
 */
import { createRequire } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { keys } from '#adapters/dynamo/keys.ts';
import { documentClient, ensureTable, startLocalDynamo, type LocalDynamo } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { runWeeklyDigest, type WeeklyDigestDeps } from '#app/weekly-digest.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { fnv1a } from '#domain/ids.ts';
import { defaultParameters, type Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { addDays, computeSchedule, utcToLocal, type ScheduledItem } from '#domain/schedule.ts';
import { isoWeekBounds, isoWeekOfInstant } from '#domain/week.ts';
import type { Alert } from '#ports/alerts.ts';
import type { Report } from '#ports/reports.ts';
import type { DoseOutcomeStatus, StoredReminder } from '#ports/schedule.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  note?: string;
}

/** Items and requests a DynamoDB client read: Query counts the items it evaluated (ScannedCount), GetItem one per hit. */
export interface ReadCounter {
  itemsRead: number;
  readRequests: number;
  readCapacityUnits: number;
  byCommand: Record<string, number>;
  reset(): void;
}

const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand', 'ScanCommand']);

/** A document client on its own DynamoDB client, counting what it reads. */
export function countingDoc(endpoint: string): { doc: DynamoDBDocumentClient; reads: ReadCounter } {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
  const reads: ReadCounter = {
    itemsRead: 0,
    readRequests: 0,
    readCapacityUnits: 0,
    byCommand: {},
    reset() {
      this.itemsRead = 0;
      this.readRequests = 0;
      this.readCapacityUnits = 0;
      this.byCommand = {};
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      if (READS.has(command)) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (!READS.has(command)) return result;
      const output = result.output as { ScannedCount?: number; Count?: number; Item?: unknown; Responses?: Record<string, unknown[]>; ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] };
      const items =
        command === 'GetItemCommand'
          ? output.Item
            ? 1
            : 0
          : command === 'BatchGetItemCommand'
            ? Object.values(output.Responses ?? {}).reduce((n, list) => n + list.length, 0)
            : (output.ScannedCount ?? output.Count ?? 0);
      const capacity = Array.isArray(output.ConsumedCapacity) ? output.ConsumedCapacity : output.ConsumedCapacity ? [output.ConsumedCapacity] : [];
      reads.itemsRead += items;
      reads.readRequests++;
      reads.readCapacityUnits += capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      reads.byCommand[command] = (reads.byCommand[command] ?? 0) + items;
      return result;
    },
    { step: 'initialize', name: 'countReads' },
  );
  return { doc: documentClient(client), reads };
}

/** Deterministic 0..1 from a string (no Math.random: the same seed gives the same table). */
function unit(seed: string): number {
  return parseInt(fnv1a(seed), 16) / 0xffffffff;
}

export interface SeedOptions {
  patients: number;
  /** The digest's week: its items are counted in `weekItems`. */
  week: string;
  /** Weeks before it, filled the same way but closed (reports reviewed, alerts acknowledged). */
  otherWeeks: number;
  /** How many of the patients (the first ones) get the other weeks; default all. */
  otherWeekPatients?: number;
  protocol: Protocol;
  /** Where the items go; default BatchWriteItem through `doc`. */
  writer?: ItemWriter;
}

export interface SeedResult {
  /** Items whose gsi3 partition is the digest week. */
  weekItems: number;
  tableItems: number;
  patients: Patient[];
}

/**
 * A synthetic study: `patients` active patients spread over the 18 months of the study (some in
 * induction, the others randomized 1:1), and for each week: every reminder of the schedule
 * engine (dose check-ins sent with an outcome: ~80 % taken, 8 % reported missed, 12 %
 * unanswered; ~1 % failed), an outbound SMS per sent reminder, an inbound reply per answer,
 * reports from ~10 % of patients and missed-dose alerts for ~4 %.
 */
export async function seedDigestTable(doc: DynamoDBDocumentClient, table: string, options: SeedOptions): Promise<SeedResult> {
  const { protocol } = options;
  const tz = protocol.studyTimeZone;
  const monday = isoWeekBounds(options.week, tz).from;
  const mondayLocal = utcToLocal(monday, tz).localDate;
  const writer = options.writer ?? new BatchWriter(doc, table);
  const writtenBefore = writer.written;

  const patients: Patient[] = [];
  for (let i = 0; i < options.patients; i++) {
    const id = `pat-${String(i).padStart(5, '0')}`;
    const studyDayAtWeek = Math.floor(unit(`${id}:day`) * (protocol.endOfStudyDay - 14)) + 7;
    const enrolledOn = addDays(mondayLocal, -studyDayAtWeek);
    const randomized = studyDayAtWeek > protocol.randomization.targetDay;
    const patient: Patient = {
      id,
      studyId: `IGG4-${String(i + 1).padStart(5, '0')}`,
      phone: `+8613${String(900000000 + i).padStart(9, '0')}`,
      timeZone: tz,
      language: 'zh-CN',
      enrolledOn,
      doseTimes: { ...protocol.defaultDoseTimes },
      parameters: defaultParameters(protocol),
      discreet: false,
      status: 'active',
      smsOptOut: false,
      arm: randomized ? (unit(`${id}:arm`) < 0.5 ? 'MMF' : 'LEF') : null,
      ...(randomized ? { randomizedOn: addDays(enrolledOn, protocol.randomization.targetDay) } : {}),
      appointments: {},
      version: 1,
      createdAt: `${enrolledOn}T02:00:00.000Z`,
      updatedAt: `${enrolledOn}T02:00:00.000Z`,
    };
    patients.push(patient);
    await writer.put({ ...keys.patient(id), gsi1pk: keys.patientsByStatus('active'), gsi1sk: patient.studyId, entity: 'patient', ...patient });
  }

  const weekItems = await seedOtherWeeks(writer, patients, protocol, options.week, 0, 0);
  if (options.otherWeeks > 0) await seedOtherWeeks(writer, patients.slice(0, options.otherWeekPatients ?? patients.length), protocol, options.week, 1, options.otherWeeks);
  await writer.flush();
  return { weekItems, tableItems: writer.written - writtenBefore, patients };
}

/** The weeks `first`..`last` before `week` (0 = the week itself) for these patients; returns the items that fall in `week`. */
export async function seedOtherWeeks(writer: ItemWriter, patients: Patient[], protocol: Protocol, week: string, first: number, last: number): Promise<number> {
  const tz = protocol.studyTimeZone;
  const monday = isoWeekBounds(week, tz).from;
  let inWeek = 0;
  for (let w = first; w <= last; w++) {
    const from = new Date(Date.parse(monday) - w * 7 * 86_400_000).toISOString();
    const to = new Date(Date.parse(from) + 7 * 86_400_000).toISOString();
    const thisWeek = isoWeekOfInstant(from, tz);
    for (const patient of patients) {
      inWeek += await seedPatientWeek(writer, patient, protocol, { from, to }, thisWeek, w === 0, week);
    }
  }
  await writer.flush();
  return inWeek;
}

// Seeding 10,000 patient-weeks spends most of its time in time-zone arithmetic (luxon when this was
// written, zoned-time.ts since): the week of an instant and the
// schedule of a week are memoized (patients enrolled the same day on the same arm share a schedule).
const weeks = new Map<string, string>();
function weekOf(instant: string, tz: string): string {
  let week = weeks.get(`${tz}|${instant}`);
  if (week === undefined) weeks.set(`${tz}|${instant}`, (week = isoWeekOfInstant(instant, tz)));
  return week;
}

const schedules = new Map<string, { patientId: string; items: ScheduledItem[] }>();
function scheduleOf(patient: Patient, protocol: Protocol, window: { from: string; to: string }): ScheduledItem[] {
  const key = JSON.stringify([protocol.version, patient.enrolledOn, patient.arm, patient.randomizedOn, patient.doseTimes, patient.parameters, patient.timeZone, window]);
  let cached = schedules.get(key);
  if (!cached) {
    if (schedules.size > 50_000) schedules.clear();
    schedules.set(key, (cached = { patientId: patient.id, items: computeSchedule(patient, protocol, window) }));
  }
  if (cached.patientId === patient.id) return cached.items;
  const prefix = cached.patientId;
  // Same items for another patient: ids are re-keyed to stay unique (they start with the patient id).
  return cached.items.map((item) => ({ ...item, patientId: patient.id, id: item.id.startsWith(prefix) ? `${patient.id}${item.id.slice(prefix.length)}` : `${patient.id}:${item.id}` }));
}

async function seedPatientWeek(writer: ItemWriter, patient: Patient, protocol: Protocol, window: { from: string; to: string }, week: string, current: boolean, countedWeek: string): Promise<number> {
  const tz = protocol.studyTimeZone;
  let inWeek = 0;
  const put = async (item: Record<string, unknown>) => {
    await writer.put(item);
    if (item.gsi3pk === keys.week(countedWeek)) inWeek++;
  };
  for (const item of scheduleOf(patient, protocol, window)) {
    const roll = unit(`${item.id}:state`);
    const failed = roll < 0.01;
    const outcome: DoseOutcomeStatus | undefined = item.kind !== 'dose' || failed ? undefined : roll < 0.81 ? 'taken' : roll < 0.89 ? 'missed_reported' : 'missed_no_reply';
    const sentAt = item.dueAt;
    const reminder: StoredReminder = {
      ...item,
      studyId: patient.studyId,
      state: failed ? 'failed' : 'sent',
      createdAt: sentAt,
      updatedAt: sentAt,
      attempts: 1,
      ...(failed ? { reason: 'provider_error' } : { messageId: `sns-${item.id}`, sentAt, parts: 1 }),
      ...(outcome ? { outcome } : {}),
      ...(outcome === 'taken' || outcome === 'missed_reported' ? { answeredAt: new Date(Date.parse(sentAt) + 20 * 60_000).toISOString() } : {}),
    };
    await put({
      ...keys.reminder(patient.id, item.dueAt, item.id),
      gsi3pk: keys.week(weekOf(item.dueAt, tz)),
      gsi3sk: `REMINDER#${item.dueAt}#${item.id}`,
      entity: 'reminder',
      ...reminder,
    });
    if (failed) continue;
    const outboundId = `out-${fnv1a(item.id)}-${item.dueAt}`;
    await put({
      pk: `OUTBOUND#${outboundId}`,
      sk: 'MSG',
      gsi1pk: `MSGS#${patient.id}`,
      gsi1sk: `${sentAt}#OUT#${outboundId}`,
      gsi3pk: keys.week(weekOf(sentAt, tz)),
      gsi3sk: `OUTBOUND#${sentAt}#${outboundId}`,
      entity: 'outbound',
      id: outboundId,
      providerMessageId: `sns-${item.id}`,
      to: patient.phone,
      body: 'reminder',
      parts: 1,
      sentAt,
      patientId: patient.id,
      studyId: patient.studyId,
      purpose: 'reminder',
      reminderId: item.id,
    });
    if (reminder.answeredAt) {
      const inboundId = `in-${fnv1a(item.id)}-${item.dueAt}`;
      await put({
        pk: `INBOUND#${inboundId}`,
        sk: 'MSG',
        gsi1pk: `MSGS#${patient.id}`,
        gsi1sk: `${reminder.answeredAt}#IN#${inboundId}`,
        gsi3pk: keys.week(weekOf(reminder.answeredAt, tz)),
        gsi3sk: `INBOUND#${reminder.answeredAt}#${inboundId}`,
        entity: 'inbound',
        inboundMessageId: inboundId,
        from: patient.phone,
        to: '+8610000000',
        body: outcome === 'taken' ? '1' : '2',
        receivedAt: reminder.answeredAt,
        patientId: patient.id,
        studyId: patient.studyId,
      });
    }
  }

  const midweek = new Date(Date.parse(window.from) + 3 * 86_400_000 + 3 * 3_600_000).toISOString();
  if (unit(`${patient.id}:${week}:report`) < 0.1) {
    const severe = unit(`${patient.id}:${week}:grade`) < 0.15;
    const report: Report = {
      id: `rep-${patient.id}-${week}`,
      patientId: patient.id,
      studyId: patient.studyId,
      inboundMessageId: `in-rep-${patient.id}-${week}`,
      receivedAt: midweek,
      createdAt: midweek,
      updatedAt: midweek,
      text: 'synthetic',
      interpretation: { intent: 'side_effect', items: [{ term: severe ? 'Fever' : 'Nausea', grade: severe ? 3 : 1 }], redFlag: severe, relapseSignal: false },
      source: 'sms',
      status: current ? 'open' : 'reviewed',
      ...(current ? {} : { review: { outcome: 'no_action' as const, note: 'ok', confirmedItems: [], reviewedBy: 'coordinator:bench', reviewedAt: midweek } }),
      version: 1,
    };
    await put({
      pk: `REPORT#${report.id}`,
      sk: 'REPORT',
      gsi1pk: `REPORTS#${report.status}`,
      gsi1sk: `${report.createdAt}#${report.id}`,
      gsi3pk: keys.week(weekOf(report.createdAt, tz)),
      gsi3sk: `REPORT#${report.createdAt}#${report.id}`,
      entity: 'report',
      ...report,
    });
  }
  if (unit(`${patient.id}:${week}:alert`) < 0.04) {
    const id = fnv1a(`${patient.id}:${week}:alert`) + fnv1a(`${week}:${patient.id}`);
    const alert: Alert = {
      id,
      kind: 'missed_dose',
      urgent: false,
      status: current ? 'open' : 'acknowledged',
      patientId: patient.id,
      studyId: patient.studyId,
      title: `${patient.studyId}: 2 consecutive missed MMF doses`,
      details: { rule: 'consecutive_same_drug', drug: 'mmf' },
      episodeKey: `${patient.id}:consecutive_same_drug:mmf:${week}`,
      createdAt: midweek,
      updatedAt: midweek,
      escalationCount: 0,
      version: 1,
      ...(current ? {} : { acknowledgedAt: midweek, acknowledgedBy: 'coordinator:bench', ackNote: 'called' }),
    };
    await put({
      pk: `ALERT#${id}`,
      sk: 'ALERT',
      gsi1pk: `ALERTS#${alert.status}`,
      gsi1sk: `${alert.createdAt}#${id}`,
      gsi3pk: keys.week(weekOf(alert.createdAt, tz)),
      gsi3sk: `ALERT#${alert.createdAt}#${id}`,
      entity: 'alert',
      ...alert,
    });
  }
  return inWeek;
}

/** Where seeded items go: BatchWriteItem over HTTP, or dynalite's own action in this process. */
export interface ItemWriter {
  readonly written: number;
  put(item: Record<string, unknown>): Promise<void>;
  flush(): Promise<void>;
}

/** BatchWriteItem in chunks of 25, a few requests in flight, unprocessed items retried. */
class BatchWriter implements ItemWriter {
  written = 0;
  private buffer: Record<string, unknown>[] = [];
  private inFlight: Promise<void>[] = [];
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(item: Record<string, unknown>): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length === 25) await this.send(this.buffer.splice(0));
  }

  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.send(this.buffer.splice(0));
    await Promise.all(this.inFlight);
    this.inFlight = [];
  }

  private async send(items: Record<string, unknown>[]): Promise<void> {
    this.written += items.length;
    const job = (async () => {
      let requests = items.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
      if (requests.length > 0) throw new Error('BatchWrite left unprocessed items');
    })();
    this.inFlight.push(job);
    if (this.inFlight.length >= 8) {
      await Promise.all(this.inFlight);
      this.inFlight = [];
    }
  }
}

type DynaliteStore = unknown;
type BatchWriteAction = (store: DynaliteStore, data: unknown, cb: (error: unknown) => void) => void;
const requireCjs = createRequire(import.meta.url);

/**
 * Starts dynalite in this process and keeps a handle on its store (dynalite does not expose it:
 * its `db.create` is wrapped for the duration of the start), so that seeding can call dynalite's
 * BatchWriteItem action directly. Falls back to HTTP BatchWriteItem if dynalite's layout changes.
 */
export async function startDynaliteWithStore(): Promise<{ db: LocalDynamo; writer(table: string): ItemWriter }> {
  let store: DynaliteStore | undefined;
  let action: BatchWriteAction | undefined;
  try {
    const dbModule = requireCjs('dynalite/db') as { create: (options: unknown) => DynaliteStore };
    action = requireCjs('dynalite/actions/batchWriteItem') as BatchWriteAction;
    const create = dbModule.create;
    dbModule.create = (options: unknown) => (store = create(options));
    try {
      const db = await startLocalDynamo();
      return { db, writer: (table) => (store && action ? new DirectWriter(store, action, table) : new BatchWriter(db.doc, table)) };
    } finally {
      dbModule.create = create;
    }
  } catch {
    const db = await startLocalDynamo();
    return { db, writer: (table) => new BatchWriter(db.doc, table) };
  }
}

/** dynalite's BatchWriteItem action called in-process: the same validation and index upkeep, no HTTP, no SDK. */
class DirectWriter implements ItemWriter {
  written = 0;
  private buffer: Record<string, unknown>[] = [];
  private inFlight: Promise<void>[] = [];
  constructor(
    private readonly store: DynaliteStore,
    private readonly action: BatchWriteAction,
    private readonly table: string,
  ) {}

  async put(item: Record<string, unknown>): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length === 25) await this.send(this.buffer.splice(0));
  }

  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.send(this.buffer.splice(0));
    await Promise.all(this.inFlight);
    this.inFlight = [];
  }

  private async send(items: Record<string, unknown>[]): Promise<void> {
    this.written += items.length;
    const data = { RequestItems: { [this.table]: items.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }) } })) } };
    this.inFlight.push(new Promise<void>((resolve, reject) => this.action(this.store, data, (error) => (error ? reject(error as Error) : resolve()))));
    if (this.inFlight.length >= 16) {
      await Promise.all(this.inFlight);
      this.inFlight = [];
    }
  }
}

/** The digest's repositories on a counting client; publishing goes nowhere (the reads are what is measured). */
export function digestDeps(doc: DynamoDBDocumentClient, table: string, protocol: Protocol): WeeklyDigestDeps {
  const tz = protocol.studyTimeZone;
  return {
    patients: new DynamoPatientRepository(doc, table),
    reminders: new DynamoReminderRepository(doc, table, tz),
    reports: new DynamoReportRepository(doc, table, tz),
    alerts: new DynamoAlertRepository(doc, table, tz),
    messages: new DynamoMessageLog(doc, table, tz),
    visits: new DynamoVisitRepository(doc, table),
    digests: new DynamoDigestRepository(doc, table),
    publisher: { publish: async () => {}, publishText: async () => {} },
    audit: new DynamoAuditLog(doc, table),
    protocol,
    smsCostPerPartUsd: 0.0065,
    language: 'en',
  };
}

export interface DigestReadMeasurement {
  patients: number;
  weekItems: number;
  tableItems: number;
  itemsRead: number;
  readRequests: number;
  readCapacityUnits: number;
  seconds: number;
}

/** Builds the digest of `week` once, counting what it read; deletes the stored digest first so that it is built again. */
export async function measureDigestOnce(db: LocalDynamo, table: string, week: string, protocol: Protocol): Promise<Omit<DigestReadMeasurement, 'patients' | 'weekItems' | 'tableItems'>> {
  await db.doc.send(new DeleteCommand({ TableName: table, Key: { pk: `DIGEST#${week}`, sk: 'DIGEST' } }));
  const { doc, reads } = countingDoc(db.endpoint);
  const started = performance.now();
  const now = new Date(Date.parse(isoWeekBounds(week, protocol.studyTimeZone).to)).toISOString();
  const result = await runWeeklyDigest(digestDeps(doc, table, protocol), { week, now });
  if (!result.built) throw new Error('the digest was not built (a stored digest was found)');
  const seconds = (performance.now() - started) / 1000;
  return { itemsRead: reads.itemsRead, readRequests: reads.readRequests, readCapacityUnits: reads.readCapacityUnits, seconds };
}

/** Seeds a fresh table and builds the digest of its week once, counting what the digest read. */
export async function measureDigestReads(db: LocalDynamo, table: string, options: Omit<SeedOptions, 'protocol'> & { protocol?: Protocol }): Promise<DigestReadMeasurement> {
  const protocol = options.protocol ?? loadProtocolFile();
  await ensureTable(db.client, table);
  const seeded = await seedDigestTable(db.doc, table, { ...options, protocol });
  const m = await measureDigestOnce(db, table, options.week, protocol);
  return { patients: options.patients, weekItems: seeded.weekItems, tableItems: seeded.tableItems, ...m };
}

const WEEK = '2027-W02';

export async function run(): Promise<BenchRow[]> {
  const protocol = loadProtocolFile();
  const { db, writer } = await startDynaliteWithStore();
  const rows: BenchRow[] = [];
  try {
    const sizes = (process.env.BENCH_DIGEST_PATIENTS ?? '60,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    for (const patients of sizes) {
      const label = `${patients.toLocaleString('en')} patients`;
      const table = `bench-digest-${patients}`;
      await ensureTable(db.client, table);
      const items = writer(table);
      // Table 1: the week alone (plus the patients).
      const seedStart = performance.now();
      const seeded = await seedDigestTable(db.doc, table, { patients, week: WEEK, otherWeeks: 0, protocol, writer: items });
      const small = await measureDigestOnce(db, table, WEEK, protocol);
      // Table 2: the same table with earlier weeks added — 12 weeks of everyone for 60 patients;
      // for 10,000, a bounded 100,000-odd items (one earlier week of 3,000 patients).
      const otherWeeks = patients <= 100 ? 12 : 1;
      const otherPatients = patients <= 100 ? patients : Math.min(patients, 3000);
      const added = items.written;
      await seedOtherWeeks(items, seeded.patients.slice(0, otherPatients), protocol, WEEK, 1, otherWeeks);
      const tableItems = items.written + 1; // + the stored digest
      const seedSeconds = (performance.now() - seedStart) / 1000 - small.seconds;
      const large = await measureDigestOnce(db, table, WEEK, protocol);
      const extra = items.written - added;
      const note = (m: typeof small, size: number) => `${seeded.weekItems} items in the week, ${size} in the table; ${m.readRequests} read requests, ${m.readCapacityUnits} RCU, built in ${round(m.seconds, 1)} s`;
      rows.push({ name: `digest items read, ${label}, table = the week`, value: small.itemsRead, unit: 'items', floor: seeded.weekItems, note: note(small, seeded.tableItems) });
      rows.push({ name: `digest items read, ${label}, table + ${extra} items of other weeks`, value: large.itemsRead, unit: 'items', floor: seeded.weekItems, note: note(large, tableItems) });
      rows.push({
        name: `digest items read per week item, ${label}`,
        value: round(large.itemsRead / seeded.weekItems, 3),
        unit: 'ratio',
        floor: 1,
        note: `unchanged (${small.itemsRead} → ${large.itemsRead}) while the table grew ${round(tableItems / seeded.tableItems, 2)}×; the excess over 1 is the ${patients} patient profiles and the open lists; seeding took ${round(seedSeconds, 1)} s`,
      });
    }
  } finally {
    await db.close();
  }
  return rows;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.table(rows);
}
