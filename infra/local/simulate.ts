import { parseArgs } from 'node:util';
import { parseCsv } from '#domain/csv.ts';
import { isInQuietHours, type Patient } from '#domain/patient.ts';
import type { Protocol, TemplateKey } from '#domain/protocol.ts';
import { createSeededUint32 } from '#domain/randomization.ts';
import { addDays, localToUtc, utcToLocal, visitDates } from '#domain/schedule.ts';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { OutboxEntry } from './sms-gateway.ts';
import { weeklyAt } from './scheduler.ts';
import { startLocalStack, type LocalStack } from './stack.ts';

/**
 * `npm run simulate`: the trial, accelerated, on a virtual clock through the same handlers and
 * store as `npm start`: patients enrolled over some weeks, each followed for months, with
 * synthetic behaviour (replies, late replies, missed doses, side effects, red flags, opt-outs,
 * withdrawals, relapses recorded at visits) and coordinators working the queue twice a day.
 * Deterministic per seed: every patient draws from their own seeded stream, ids are counters.
 * Time jumps from one due instant to the next; it never ticks through empty minutes.
 */
export interface SimulationOptions {
  seed: number;
  patients: number;
  /** Follow-up per patient, months (the protocol ends at 18). */
  months: number;
  /** Enrollment spreads over this many days from the start. */
  enrollDays: number;
  start: string;
  coordinators: number;
  costPerPartUsd: number;
  /** Share of patients who text STOP at some point (half of them START again later). Default 0.04. */
  optOutRate?: number;
  /** Share of patients withdrawn by the coordinators. Default 0.05. */
  withdrawRate?: number;
  /** A data dir to keep the run's store in; default (or null): in memory. */
  dataDir?: string | null;
  /** 'memory' (default): the in-memory repositories; 'dynalite': the DynamoDB adapters on dynalite (slow, faithful). */
  store?: 'memory' | 'dynalite';
  progress?: (line: string) => void;
  /** Called with the stack before it closes (tests check invariants against the store). */
  inspect?: (stack: LocalStack, run: SimulationRun) => Promise<void>;
}

export interface SimPatient {
  index: number;
  id: string;
  studyId: string;
  phone: string;
  timeZone: string;
  language: 'zh-CN' | 'en';
  enrolledOn: string;
  arm: 'MMF' | 'LEF' | null;
  withdrawnAt: string | null;
  relapsed: boolean;
  pReply: number;
  pTaken: number;
  rng: () => number;
}

export interface SimulationRun {
  patients: SimPatient[];
  /** Every SMS the patients sent, in order, with the id it carried. */
  texted: { inboundMessageId: string; from: string; body: string; at: string }[];
  /** STOP / START as texted (the gateway must stay silent in between, but for the confirmation). */
  optOuts: { phone: string; stopAt: string; startAt: string | null }[];
  outbox: OutboxEntry[];
  failedJobs: number;
  apiErrors: string[];
}

export interface SimulationSummary {
  seed: number;
  patients: number;
  simulatedDays: number;
  patientMonths: number;
  sms: { sent: number; parts: number; perPatientMonth: number; partsPerPatientMonth: number; byKind: Record<string, number>; estimatedCostUsd: number; costPerPartUsd: number };
  inbound: { texted: number; stored: number };
  alerts: { raised: number; urgent: number; escalations: number; perCoordinatorWeek: number; coordinators: number };
  reports: { total: number; withSideEffects: number; redFlags: number };
  adherence: Record<string, { confirmed: number; known: number; rate: number | null }>;
  relapse: Record<string, { patients: number; relapsed: number; rate: number | null }>;
  withdrawals: number;
  optOuts: number;
  failedJobs: number;
  apiErrors: number;
  digestWeek: string | null;
  digestText: string | null;
  wallSeconds: number;
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const MONTH_DAYS = 30.4375;

class ActionQueue {
  private items: { at: number; seq: number; run: () => Promise<void> }[] = [];
  private seq = 0;
  push(at: number, run: () => Promise<void>): void {
    this.items.push({ at, seq: this.seq++, run });
    this.items.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
  peek(): number | undefined {
    return this.items[0]?.at;
  }
  popDue(now: number): (() => Promise<void>)[] {
    const due: (() => Promise<void>)[] = [];
    while (this.items.length && this.items[0]!.at <= now) due.push(this.items.shift()!.run);
    return due;
  }
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** Matches an outbound SMS against the protocol's templates: the simulated phone reads what it got. */
function templateMatcher(protocol: Protocol) {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns: { key: TemplateKey; re: RegExp }[] = [];
  for (const language of ['zh-CN', 'en'] as const) {
    for (const [key, template] of Object.entries(protocol.templates[language])) {
      const source = template.split(/\{\w+\}/).map(escape).join('[\\s\\S]*?');
      patterns.push({ key: key as TemplateKey, re: new RegExp(`^(?:【[^】]*】)?${source}$`) });
    }
  }
  return (body: string): TemplateKey | 'other' => patterns.find((p) => p.re.test(body))?.key ?? 'other';
}

const TAKEN = { 'zh-CN': ['1', '１', '已服', '吃了', '1 已吃', '已吃药'], en: ['1', 'took it', 'taken', 'yes 1'] } as const;
const MISSED = { 'zh-CN': ['2', '忘了吃', '漏服了', '2 没吃'], en: ['2', 'forgot', 'missed it'] } as const;
const RED_FLAGS = {
  induction: ['发烧38.5度', '发烧39度，咳嗽', 'fever 38.8'],
  MMF: ['发烧39度', '大便发黑', 'fever 39, chills'],
  LEF: ['咳嗽气短好几天了', '喘不上气', '皮疹很严重，全身都是'],
} as const;
const RELAPSE_TEXTS = ['下颌下面又肿了', '眼睛周围又肿起来了', 'my neck glands are swollen again'] as const;
/** Weekly chance of reporting something at the check-in, and which items (1-based menu numbers) are likely. */
const SIDE_EFFECTS = {
  induction: { weekly: 0.12, items: [9, 2, 5, 1] },
  MMF: { weekly: 0.1, items: [1, 2, 9, 3, 10] },
  LEF: { weekly: 0.14, items: [1, 6, 2, 9, 4] },
} as const;
const RED_FLAG_PER_DAY = { induction: 0.0015, MMF: 0.001, LEF: 0.0012 } as const;
const RELAPSE_PER_MAINTENANCE_VISIT = { MMF: 0.06, LEF: 0.045 } as const;

export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const started = Date.now();
  const log = options.progress ?? (() => undefined);
  let idCounter = 0;
  let inboundCounter = 0;
  const failedJobs: string[] = [];
  const stack = await startLocalStack({
    // Default: dynalite in memory (a fresh store every run; about 25 % faster than LevelDB on disk).
    dataDir: options.dataDir ?? null,
    store: options.store ?? 'memory',
    virtualClock: options.start,
    listen: false,
    token: `sim-token-${options.seed}-0123456789`,
    newId: () => `sim-p${String(++idCounter).padStart(4, '0')}`,
    newInboundId: () => `sim-in-${String(++inboundCounter).padStart(7, '0')}`,
    allocationSeed: `simulation-allocation-${options.seed}`,
    smsCostPerPartUsd: options.costPerPartUsd,
    onJobRun: (run) => {
      if (!run.ok) failedJobs.push(`${run.job}@${run.at}: ${run.error}`);
    },
  });
  const protocol = stack.protocol;
  const zone = protocol.studyTimeZone;
  const classify = templateMatcher(protocol);
  const queue = new ActionQueue();
  const now = () => Date.parse(stack.clock.now());
  const startMs = Date.parse(options.start);
  // Activity runs to the end of follow-up, then on to the next Monday 08:00 so the last digest covers a lived week.
  const followUpEnd = startMs + (options.enrollDays + options.months * MONTH_DAYS) * DAY;
  const endMs = weeklyAt(1, '08:00', zone).nextAfter(followUpEnd) + MINUTE;
  const run: SimulationRun = { patients: [], texted: [], optOuts: [], outbox: [], failedJobs: 0, apiErrors: [] };
  const byPhone = new Map<string, SimPatient>();
  const master = createSeededUint32(`simulation:${options.seed}`);
  const masterRng = () => master() / 0x1_0000_0000;

  const api = async (method: string, path: string, body?: unknown) => {
    const answer = await stack.callApi(method, path, body);
    if (answer.status >= 400) run.apiErrors.push(`${method} ${path.replace(/sim-p\d+/, '{id}')} → ${answer.status} ${JSON.stringify((answer.body as { detail?: string })?.detail ?? '')}`);
    return answer;
  };
  const text = async (patient: SimPatient, body: string) => {
    const at = stack.clock.now();
    const { inboundMessageId } = await stack.textIn({ from: patient.phone, body });
    run.texted.push({ inboundMessageId, from: patient.phone, body, at });
  };
  /** Patients sleep: anything they would text in quiet hours waits for the morning. */
  const awake = (patient: SimPatient, at: number) => {
    let t = at;
    for (let guard = 0; guard < 48 && isInQuietHours(utcToLocal(new Date(t).toISOString(), patient.timeZone).localTime, protocol.quietHours); guard++) t += 30 * MINUTE;
    return t + Math.floor(patient.rng() * 20) * MINUTE;
  };
  const at = (patient: SimPatient, localDate: string, localTime: string) => Date.parse(localToUtc(localDate, localTime, patient.timeZone));
  const phaseOf = (patient: SimPatient): 'induction' | 'MMF' | 'LEF' => patient.arm ?? 'induction';
  const active = (patient: SimPatient) => !patient.withdrawnAt;

  // ---- what a patient does with each SMS they receive
  stack.gateway.onSend((sms) => {
    const patient = byPhone.get(sms.to);
    if (!patient || !active(patient)) return;
    const kind = classify(sms.body);
    const rng = patient.rng;
    const reply = (delay: number, body: string) => queue.push(awake(patient, now() + delay), async () => (active(patient) ? text(patient, body) : undefined));
    const delay = () => {
      const r = rng();
      if (r < 0.8) return (1 + Math.floor(rng() * 30)) * MINUTE;
      if (r < 0.94) return (30 + Math.floor(rng() * 150)) * MINUTE;
      return (390 + Math.floor(rng() * 480)) * MINUTE; // late: after the answer window
    };
    switch (kind) {
      case 'dose.reminder':
      case 'dose.reminder.discreet':
        if (rng() < patient.pReply) reply(delay(), pick(rng, rng() < patient.pTaken ? TAKEN[patient.language] : MISSED[patient.language]));
        break;
      case 'checkin.screen':
        if (rng() < patient.pReply) reply(delay(), rng() < SIDE_EFFECTS[phaseOf(patient)].weekly ? '1' : '2');
        break;
      case 'checkin.items_menu': {
        const likely = SIDE_EFFECTS[phaseOf(patient)].items;
        const first = pick(rng, likely);
        const second = rng() < 0.3 ? pick(rng, likely) : first;
        reply((2 + Math.floor(rng() * 20)) * MINUTE, first === second ? String(first) : `${first} ${second}`);
        break;
      }
      case 'checkin.severity_question': {
        const r = rng();
        reply((1 + Math.floor(rng() * 10)) * MINUTE, r < 0.6 ? '1' : r < 0.93 ? '2' : r < 0.99 ? '3' : '4');
        break;
      }
      case 'checkin.screen_retry':
        reply(5 * MINUTE, '2');
        break;
      case 'checkin.items_retry':
      case 'checkin.severity_retry':
        reply(5 * MINUTE, '1');
        break;
      default:
        break;
    }
  });

  // ---- enrollment and each patient's course
  const enrollDays = Array.from({ length: options.patients }, () => Math.floor(masterRng() * Math.max(1, options.enrollDays)));
  enrollDays.sort((a, b) => a - b);
  enrollDays.forEach((day, index) => {
    const rng0 = createSeededUint32(`simulation:${options.seed}:patient:${index}`);
    const rng = () => rng0() / 0x1_0000_0000;
    const language = rng() < 0.85 ? 'zh-CN' : 'en';
    const timeZone = rng() < 0.93 ? zone : pick(rng, ['America/Vancouver', 'Europe/London', 'Asia/Singapore']);
    const enrolledOn = addDays(utcToLocal(options.start, timeZone).localDate, day);
    const patient: SimPatient = {
      index,
      id: '',
      studyId: `SIM-${String(index + 1).padStart(3, '0')}`,
      phone: `+1555${String(index + 1).padStart(7, '0')}`,
      timeZone,
      language,
      enrolledOn,
      arm: null,
      withdrawnAt: null,
      relapsed: false,
      pReply: 0.75 + rng() * 0.23,
      pTaken: 0.84 + rng() * 0.15,
      rng,
    };
    run.patients.push(patient);
    byPhone.set(patient.phone, patient);
    const morning = pick(rng, ['07:30', '08:00', '08:00', '08:30', '09:00']);
    const evening = pick(rng, ['19:00', '20:00', '20:00', '20:30', '21:00']);
    queue.push(Math.max(at(patient, enrolledOn, '10:00'), startMs + MINUTE), async () => {
      const answer = await api('POST', '/api/patients', {
        studyId: patient.studyId,
        phone: patient.phone,
        timeZone,
        language,
        enrolledOn,
        doseTimes: { morning, evening },
        prednisoneStartMg: pick(rng, [30, 40, 40, 50]),
        discreet: rng() < 0.2,
      });
      if (answer.status !== 201) return;
      patient.id = (answer.body as Patient).id;
      scheduleCourse(patient, answer.body as Patient);
    });
  });

  const scheduleCourse = (patient: SimPatient, stored: Patient) => {
    const rng = patient.rng;
    const lastDay = Math.min(protocol.endOfStudyDay, Math.floor(options.months * MONTH_DAYS));
    // Randomization at month 6, drawn from the concealed list.
    if (protocol.randomization.targetDay <= lastDay) {
      queue.push(at(patient, addDays(patient.enrolledOn, protocol.randomization.targetDay), '10:30'), async () => {
        if (!active(patient)) return;
        const answer = await api('POST', `/api/patients/${patient.id}/randomization`, { method: 'draw' });
        if (answer.status < 300) patient.arm = (answer.body as Patient).arm;
      });
    }
    // Visits: completed on the day, RI and the physician's relapse decision.
    for (const visit of visitDates(protocol, stored)) {
      if (visit.key === 'baseline') continue;
      const day = Math.round((Date.parse(visit.date) - Date.parse(patient.enrolledOn)) / DAY);
      if (day > lastDay) continue;
      queue.push(at(patient, visit.date, '11:00'), async () => {
        if (!active(patient)) return;
        const p = patient.arm ? RELAPSE_PER_MAINTENANCE_VISIT[patient.arm] : 0.01;
        const relapse = !patient.relapsed && rng() < p;
        if (relapse) patient.relapsed = true;
        await api('POST', `/api/patients/${patient.id}/visits`, {
          kind: 'completed',
          visitKey: visit.key,
          date: visit.date,
          riTotal: relapse ? 3 + Math.floor(rng() * 6) : Math.floor(rng() * 2),
          response: relapse ? 'none' : rng() < 0.7 ? 'complete' : 'partial',
          relapse: { decision: relapse, ...(relapse ? { organs: [pick(rng, ['submandibular gland', 'pancreas', 'lacrimal gland', 'retroperitoneum'])] } : {}) },
        });
      });
    }
    // Withdrawal (about 5 %).
    if (rng() < (options.withdrawRate ?? 0.05)) {
      const day = 20 + Math.floor(rng() * (lastDay - 20));
      queue.push(at(patient, addDays(patient.enrolledOn, day), '15:00'), async () => {
        if (!active(patient)) return;
        const answer = await api('POST', `/api/patients/${patient.id}/status`, { action: 'withdraw', reason: 'patient decision (simulated)' });
        if (answer.status < 300) patient.withdrawnAt = stack.clock.now();
      });
    }
    // Opt-out by SMS (about 4 %), half of them come back.
    if (rng() < (options.optOutRate ?? 0.04)) {
      const day = 10 + Math.floor(rng() * (lastDay - 10));
      const back = rng() < 0.5 ? day + 7 + Math.floor(rng() * 24) : null;
      const record = { phone: patient.phone, stopAt: '', startAt: null as string | null };
      run.optOuts.push(record);
      queue.push(at(patient, addDays(patient.enrolledOn, day), '12:10'), async () => {
        record.stopAt = stack.clock.now();
        await text(patient, patient.language === 'en' ? 'STOP' : pick(rng, ['TD', '退订']));
      });
      if (back !== null && back <= lastDay) {
        queue.push(at(patient, addDays(patient.enrolledOn, back), '12:20'), async () => {
          record.startAt = stack.clock.now();
          await text(patient, patient.language === 'en' ? 'START' : '订阅');
        });
      }
    }
    // Spontaneous texts: red flags and relapse signs, day by day.
    for (let day = 1; day <= lastDay; day++) {
      const phase = day > protocol.randomization.targetDay ? null : 'induction';
      const redFlag = rng() < (phase ? RED_FLAG_PER_DAY.induction : (RED_FLAG_PER_DAY.MMF + RED_FLAG_PER_DAY.LEF) / 2);
      const relapseSign = rng() < 0.0004;
      if (!redFlag && !relapseSign) continue;
      const time = `${String(9 + Math.floor(rng() * 11)).padStart(2, '0')}:${String(Math.floor(rng() * 60)).padStart(2, '0')}`;
      queue.push(at(patient, addDays(patient.enrolledOn, day), time), async () => {
        if (!active(patient)) return;
        await text(patient, redFlag ? pick(rng, RED_FLAGS[phaseOf(patient)]) : pick(rng, RELAPSE_TEXTS));
      });
    }
  };

  // ---- coordinators: the queue and the alerts, twice every working day
  const reviewOutcome = (interpretation: { redFlag?: boolean; relapseSignal?: boolean; items?: unknown[] }) =>
    interpretation.redFlag ? 'contacted_patient' : interpretation.relapseSignal ? 'possible_relapse_visit_scheduled' : (interpretation.items?.length ?? 0) > 0 ? 'adverse_event_recorded' : 'no_action';
  const coordinatorRound = async () => {
    for (let guard = 0; guard < 50; guard++) {
      const page = (await api('GET', '/api/reports?status=open&limit=200')).body as { items: { id: string; interpretation: { redFlag?: boolean; relapseSignal?: boolean; items?: { term: string; grade: number | null }[] } }[] };
      if (!page.items?.length) break;
      for (const report of page.items) {
        await api('POST', `/api/reports/${report.id}/review`, { outcome: reviewOutcome(report.interpretation), note: 'simulated review', confirmedItems: report.interpretation.items ?? [] });
      }
    }
    const alerts = (await api('GET', '/api/alerts?status=open&limit=200')).body as { items: { id: string }[] };
    for (const alert of alerts.items ?? []) await api('POST', `/api/alerts/${alert.id}/acknowledge`, { note: 'simulated: patient contacted' });
  };
  for (let day = 0; startMs + day * DAY < endMs; day++) {
    const date = addDays(utcToLocal(options.start, zone).localDate, day);
    const weekday = utcToLocal(localToUtc(date, '12:00', zone), zone).weekday;
    if (!protocol.alerts.workingHours.weekdays.includes(weekday)) continue;
    for (const time of ['09:00', '16:00']) queue.push(Date.parse(localToUtc(date, time, zone)), coordinatorRound);
  }

  // ---- the clock: from one due instant to the next
  let lastReport = startMs;
  for (;;) {
    const head = queue.peek();
    const target = Math.min(head ?? Number.POSITIVE_INFINITY, endMs);
    if (target > now()) await stack.scheduler.advanceTo(new Date(target).toISOString(), { stopWhen: () => (queue.peek() ?? Number.POSITIVE_INFINITY) < target });
    for (const action of queue.popDue(now())) await action();
    if (now() - lastReport > 30 * DAY) {
      lastReport = now();
      log(`  ${stack.clock.now().slice(0, 10)}  sms ${stack.gateway.list().length}  texts ${run.texted.length}  (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    if (now() >= endMs && (queue.peek() ?? Number.POSITIVE_INFINITY) > endMs) break;
  }
  run.outbox = stack.gateway.list();
  run.failedJobs = failedJobs.length;
  const summary = await summarize(stack, run, options, startMs, endMs, followUpEnd, Date.now() - started);
  if (failedJobs.length) log(`failed scheduled runs (first 5):\n  ${failedJobs.slice(0, 5).join('\n  ')}`);
  try {
    await options.inspect?.(stack, run);
  } finally {
    await stack.close();
  }
  return summary;
}

async function summarize(stack: LocalStack, run: SimulationRun, options: SimulationOptions, startMs: number, endMs: number, followUpEnd: number, wallMs: number): Promise<SimulationSummary> {
  const classify = templateMatcher(stack.protocol);
  const patientMonths = run.patients.reduce((sum, p) => {
    if (!p.id) return sum;
    const from = Date.parse(localToUtc(p.enrolledOn, '00:00', p.timeZone));
    const to = Math.min(endMs, p.withdrawnAt ? Date.parse(p.withdrawnAt) : endMs, from + (stack.protocol.endOfStudyDay + 1) * DAY);
    return sum + Math.max(0, to - from) / DAY / MONTH_DAYS;
  }, 0);
  const parts = run.outbox.reduce((sum, m) => sum + m.parts, 0);
  const byKind: Record<string, number> = {};
  for (const m of run.outbox) {
    const kind = classify(m.body).split('.')[0]!;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  const inbox = stack.inbox.list();
  const alertIds = new Set(inbox.filter((e) => e.kind === 'alert' && e.channel === 'coordinators').map((e) => e.alertId));
  const urgent = new Set(inbox.filter((e) => e.kind === 'alert' && e.channel === 'coordinators' && e.urgent).map((e) => e.alertId));
  const escalations = inbox.filter((e) => e.kind === 'alert' && e.channel === 'escalation').length;
  const weeks = (endMs - startMs) / DAY / 7;

  const csv = async (dataset: string) => {
    const answer = await stack.callApi('GET', `/api/exports/${dataset}.csv`);
    const [header, ...rows] = parseCsv(answer.text);
    return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
  };
  const adherence: SimulationSummary['adherence'] = {};
  for (const row of await csv('doses')) {
    if (row.status === 'pending' || row.status === '') continue;
    const group = row.phase === 'induction' ? 'induction (all)' : `maintenance ${row.arm}`;
    const a = (adherence[group] ??= { confirmed: 0, known: 0, rate: null });
    a.known++;
    if (row.status === 'taken') a.confirmed++;
  }
  for (const a of Object.values(adherence)) a.rate = a.known ? a.confirmed / a.known : null;
  // Arm as randomized (the patients export), relapse as the physician recorded it at any visit.
  const armOf = new Map((await csv('patients')).map((row) => [row.studyId!, row.arm || 'unrandomized']));
  const relapsedIds = new Set((await csv('visits')).filter((row) => row.relapse === 'true' || row.relapseEvent === 'true').map((row) => row.studyId!));
  const relapse: SimulationSummary['relapse'] = {};
  for (const [studyId, arm] of armOf) {
    const r = (relapse[arm] ??= { patients: 0, relapsed: 0, rate: null });
    r.patients++;
    if (relapsedIds.has(studyId)) r.relapsed++;
  }
  for (const r of Object.values(relapse)) r.rate = r.patients ? r.relapsed / r.patients : null;
  const sideEffects = await csv('side-effects');
  const reportIds = new Set(sideEffects.map((r) => r.reportId));
  const redFlagReports = new Set(sideEffects.filter((r) => r.redFlag === 'true').map((r) => r.reportId));
  let stored = 0;
  for (const t of run.texted) if (await stack.repos.messages.getInbound(t.inboundMessageId)) stored++;
  // The last full week of follow-up (after it, patients have finished and the digests are empty).
  const lastWeek = isoWeekOfInstant(new Date(followUpEnd - 7 * DAY).toISOString(), stack.protocol.studyTimeZone);
  const chosen = await stack.callApi('GET', `/api/digests/${lastWeek}`);
  const digests = (await stack.callApi('GET', '/api/digests?limit=1')).body as { items?: { week: string; text: string }[] };
  const latest = chosen.status === 200 ? (chosen.body as { week: string; text: string }) : (digests.items?.[0] ?? null);
  return {
    seed: options.seed,
    patients: run.patients.filter((p) => p.id).length,
    simulatedDays: Math.round((endMs - startMs) / DAY),
    patientMonths: round(patientMonths, 1),
    sms: {
      sent: run.outbox.length,
      parts,
      perPatientMonth: round(run.outbox.length / patientMonths, 1),
      partsPerPatientMonth: round(parts / patientMonths, 1),
      byKind,
      estimatedCostUsd: round(parts * options.costPerPartUsd, 2),
      costPerPartUsd: options.costPerPartUsd,
    },
    inbound: { texted: run.texted.length, stored },
    alerts: { raised: alertIds.size, urgent: urgent.size, escalations, perCoordinatorWeek: round(alertIds.size / weeks / options.coordinators, 2), coordinators: options.coordinators },
    reports: { total: reportIds.size, withSideEffects: reportIds.size, redFlags: redFlagReports.size },
    adherence,
    relapse,
    withdrawals: run.patients.filter((p) => p.withdrawnAt).length,
    optOuts: run.optOuts.length,
    failedJobs: run.failedJobs,
    apiErrors: run.apiErrors.length,
    digestWeek: latest?.week ?? null,
    digestText: latest?.text ?? null,
    wallSeconds: round(wallMs / 1000, 1),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function formatSummary(s: SimulationSummary): string {
  const lines = [
    `Simulation, seed ${s.seed}: ${s.patients} patients, ${s.simulatedDays} days, ${s.patientMonths} patient-months (wall ${s.wallSeconds} s)`,
    `SMS sent        ${s.sms.sent} (${s.sms.parts} parts): ${s.sms.perPatientMonth} SMS and ${s.sms.partsPerPatientMonth} parts per patient-month`,
    `  by kind       ${Object.entries(s.sms.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `Estimated cost  US$ ${s.sms.estimatedCostUsd.toFixed(2)} at US$ ${s.sms.costPerPartUsd} per part (≈ US$ ${(s.sms.estimatedCostUsd / Math.max(1, s.patientMonths)).toFixed(2)} per patient-month)`,
    `Patient texts   ${s.inbound.texted} sent, ${s.inbound.stored} stored`,
    `Alerts          ${s.alerts.raised} raised (${s.alerts.urgent} urgent), ${s.alerts.escalations} escalations; ${s.alerts.perCoordinatorWeek} per coordinator-week (${s.alerts.coordinators} coordinators)`,
    `Reports         ${s.reports.total} with side effects or symptoms, ${s.reports.redFlags} red flags`,
    `Adherence       ${Object.entries(s.adherence).sort(([a], [b]) => a.localeCompare(b)).map(([g, a]) => `${g} ${pct(a.rate)} (${a.confirmed}/${a.known})`).join('; ')}`,
    `Relapse         ${Object.entries(s.relapse).sort(([a], [b]) => a.localeCompare(b)).map(([arm, r]) => `${arm} ${r.relapsed}/${r.patients} (${pct(r.rate)})`).join('; ')}`,
    `Withdrawals ${s.withdrawals}, SMS opt-outs ${s.optOuts}; failed scheduled runs ${s.failedJobs}; API errors ${s.apiErrors}`,
    '',
    `Final digest (${s.digestWeek ?? 'none'}):`,
    s.digestText ?? '(no digest)',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      patients: { type: 'string', default: '60' },
      months: { type: 'string', default: '18' },
      'enroll-days': { type: 'string', default: '90' },
      start: { type: 'string', default: '2027-01-04T00:00:00Z' },
      coordinators: { type: 'string', default: '2' },
      'cost-per-part': { type: 'string', default: '0.03' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name: string, text: string, min: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${text}`);
    return value;
  };
  const summary = await runSimulation({
    seed: Math.floor(number('seed', values.seed, 0)),
    patients: Math.floor(number('patients', values.patients, 1)),
    months: number('months', values.months, 0.25),
    enrollDays: Math.floor(number('enroll-days', values['enroll-days'], 0)),
    start: values.start,
    coordinators: Math.floor(number('coordinators', values.coordinators, 1)),
    costPerPartUsd: number('cost-per-part', values['cost-per-part'], 0),
    progress: (line) => console.error(line),
  });
  console.log(values.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`simulate failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  });
}
