/**
 * The weekly digest's DynamoDB reads for 60 and for 10,000 patients: items read vs items in that
 * week vs items in the table. Other weeks are seeded too, so a digest that read the table (or
 * anything but that week) would show it. Seeding uses BatchWriteItem straight into dynalite,
 * with the same keys the adapters write.
 *
 *   npx tsx bench/digest.ts            (or through bench/run.ts; BENCH_DIGEST_PATIENTS=60 for the quick case only)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { addDays, computeSchedule, utcToLocal } from '#domain/schedule.ts';
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
  protocol: Protocol;
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
  const writer = new BatchWriter(doc, table);
  let weekItems = 0;

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

  for (let w = options.otherWeeks; w >= 0; w--) {
    const from = new Date(Date.parse(monday) - w * 7 * 86_400_000).toISOString();
    const to = new Date(Date.parse(from) + 7 * 86_400_000).toISOString();
    const week = isoWeekOfInstant(from, tz);
    const current = w === 0;
    let count = 0;
    for (const patient of patients) {
      count += await seedPatientWeek(writer, patient, protocol, { from, to }, week, current);
    }
    if (current) weekItems = count;
  }
  await writer.flush();
  return { weekItems, tableItems: writer.written, patients };
}

async function seedPatientWeek(writer: BatchWriter, patient: Patient, protocol: Protocol, window: { from: string; to: string }, week: string, current: boolean): Promise<number> {
  const tz = protocol.studyTimeZone;
  let inWeek = 0;
  const put = async (item: Record<string, unknown>) => {
    await writer.put(item);
    if (item.gsi3pk === keys.week(week)) inWeek++;
  };
  for (const item of computeSchedule(patient, protocol, window)) {
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
      gsi3pk: keys.week(isoWeekOfInstant(item.dueAt, tz)),
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
      gsi3pk: keys.week(isoWeekOfInstant(sentAt, tz)),
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
        gsi3pk: keys.week(isoWeekOfInstant(reminder.answeredAt, tz)),
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
      gsi3pk: keys.week(isoWeekOfInstant(report.createdAt, tz)),
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
      gsi3pk: keys.week(isoWeekOfInstant(alert.createdAt, tz)),
      gsi3sk: `ALERT#${alert.createdAt}#${id}`,
      entity: 'alert',
      ...alert,
    });
  }
  return inWeek;
}

/** BatchWriteItem in chunks of 25, a few requests in flight, unprocessed items retried. */
class BatchWriter {
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

/** Seeds a fresh table and builds the digest of its week once, counting what the digest read. */
export async function measureDigestReads(db: LocalDynamo, table: string, options: Omit<SeedOptions, 'protocol'> & { protocol?: Protocol }): Promise<DigestReadMeasurement> {
  const protocol = options.protocol ?? loadProtocolFile();
  await ensureTable(db.client, table);
  const seeded = await seedDigestTable(db.doc, table, { ...options, protocol });
  const { doc, reads } = countingDoc(db.endpoint);
  const started = performance.now();
  const now = new Date(Date.parse(isoWeekBounds(options.week, protocol.studyTimeZone).to)).toISOString();
  await runWeeklyDigest(digestDeps(doc, table, protocol), { week: options.week, now });
  const seconds = (performance.now() - started) / 1000;
  return { patients: options.patients, weekItems: seeded.weekItems, tableItems: seeded.tableItems, itemsRead: reads.itemsRead, readRequests: reads.readRequests, readCapacityUnits: reads.readCapacityUnits, seconds };
}

export async function run(): Promise<BenchRow[]> {
  const db = await startLocalDynamo();
  const rows: BenchRow[] = [];
  try {
    // The 10,000-patient case seeds ~700,000 items (several minutes); BENCH_DIGEST_PATIENTS=60 skips it.
    const sizes = (process.env.BENCH_DIGEST_PATIENTS ?? '60,10000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const cases = sizes.map((patients) => ({ patients, otherWeeks: patients <= 100 ? 25 : 1, label: `${patients.toLocaleString('en')} patients` }));
    for (const c of cases) {
      const m = await measureDigestReads(db, `bench-digest-${c.patients}`, { patients: c.patients, week: '2027-W02', otherWeeks: c.otherWeeks });
      const note = `${m.weekItems} items in the week, ${m.tableItems} in the table (${c.otherWeeks} other weeks); ${m.readRequests} read requests, ${m.readCapacityUnits} RCU`;
      rows.push({ name: `digest items read, ${c.label}`, value: m.itemsRead, unit: 'items', note });
      rows.push({ name: `digest items read per week item, ${c.label}`, value: Math.round((m.itemsRead / m.weekItems) * 1000) / 1000, unit: 'ratio', note: `items read ÷ items in the week (table/week = ${(m.tableItems / m.weekItems).toFixed(1)})` });
      rows.push({ name: `digest build time, ${c.label}`, value: Math.round(m.seconds * 100) / 100, unit: 's', note: 'dynalite in-process' });
    }
  } finally {
    await db.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.table(rows);
}
