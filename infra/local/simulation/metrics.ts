import { parseCsv } from '#domain/csv.ts';
import { localToUtc } from '#domain/schedule.ts';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { Alert } from '#ports/alerts.ts';
import type { LocalStack } from '../stack.ts';
import { DAY, MONTH_DAYS } from './behaviour.ts';
import { templateMatcher } from './patients.ts';
import type { SimulationOptions, SimulationRun } from './types.ts';

const DIGEST_SUBJECT = /weekly safety digest/i;

export interface WeekRow {
  week: string;
  sms: number;
  parts: number;
  costUsd: number;
  urgentPushes: number;
  routinePushes: number;
  escalations: number;
  itemsCreated: number;
  redFlags: number;
  activePatients: number;
}

export interface MonthRow {
  month: string;
  sms: number;
  parts: number;
  costUsd: number;
  patientMonths: number;
}

export interface AdherencePoint {
  /** Study month (0 = first month after enrollment). */
  studyMonth: number;
  group: 'induction' | 'MMF' | 'LEF';
  confirmed: number;
  reportedMissed: number;
  noReply: number;
}

export interface SimulationSummary {
  seed: number;
  store: 'memory' | 'dynalite';
  patients: number;
  months: number;
  simulatedDays: number;
  patientMonths: number;
  patientWeeks: number;
  coordinators: number;
  smsSent: number;
  smsParts: number;
  costUsd: number;
  costPerPartUsd: number;
  smsPerPatientMonth: number;
  partsPerPatientMonth: number;
  smsByKind: Record<string, number>;
  pushesPerCoordinatorWeek: { urgent: number; routine: number };
  pushes: { urgent: number; routine: number; escalations: number; digests: number; maxRoutinePerWorkingDay: number };
  /** Worklist rows a coordinator had to work, per patient-week: urgent alerts (each its own row) and routine items (episodes filed under an open item are not new rows). */
  itemsPerPatientWeek: number;
  /** Alert episodes per patient-week (every raise, grouped ones included): the batching's input. */
  episodesPerPatientWeek: number;
  /** `total` rows (urgent + routine items); `episodes` all alert records; `byKind`/`byRule` count episodes. */
  items: {
    total: number;
    urgent: number;
    routine: number;
    episodes: number;
    grouped: number;
    byKind: Record<string, number>;
    byRule: Record<string, number>;
    /** Rows per patient, most first: how concentrated the coordinators' work is. */
    topPatients: { studyId: string; rows: number; episodes: number }[];
  };
  redFlagPushMinutes: { count: number; pushed: number; max: number | null; median: number | null; notPushed: number };
  /** Confirmed-taken share of the dose check-ins that ended (taken + reported missed + no reply). */
  adherence: { MMF: number | null; LEF: number | null; induction: number | null };
  /** Confirmed among the answered check-ins (taken ÷ taken + reported missed): no reply is not a missed dose. */
  adherenceOfAnswered: { MMF: number | null; LEF: number | null; induction: number | null };
  adherenceDetail: Record<string, { confirmed: number; reportedMissed: number; noReply: number; total: number }>;
  relapse: Record<string, { patients: number; relapsed: number; rate: number | null }>;
  inbound: { texted: number; stored: number; byMeaning: Record<string, number> };
  reports: { total: number; redFlags: number };
  withdrawals: number;
  optOuts: number;
  coordinatorRounds: number;
  failedJobs: number;
  apiErrors: number;
  digestWeek: string | null;
  digestText: string | null;
  /** DynamoDB requests (store=dynalite only; 0 in memory), by caller (scheduled job, api, inbound, probe). */
  dynamoRequests: { total: number; byCaller: Record<string, number>; byCommand: Record<string, number> };
  wallSeconds: number;
  cpuSeconds: { user: number; system: number };
  series: { weeks: WeekRow[]; months: MonthRow[]; adherence: AdherencePoint[]; redFlags: { studyId: string; at: string; minutesToPush: number | null }[] };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Everything the report and the JSON show, from the run's own record and the system's outputs (inbox, exports, stored alerts). */
export async function summarize(stack: LocalStack, run: SimulationRun, options: SimulationOptions, window: { startMs: number; endMs: number; followUpEnd: number }, wallMs: number, cpu: NodeJS.CpuUsage): Promise<SimulationSummary> {
  const protocol = stack.protocol;
  const zone = protocol.studyTimeZone;
  const classify = templateMatcher(protocol);
  const { startMs, endMs, followUpEnd } = window;
  const weekOf = (instant: string) => isoWeekOfInstant(instant, zone);

  // Follow-up per patient: enrollment to withdrawal, end of study or end of run.
  const spans = run.patients
    .filter((p) => p.id)
    .map((p) => {
      const from = Date.parse(localToUtc(p.enrolledOn, '00:00', p.timeZone));
      const to = Math.min(endMs, p.withdrawnAt ? Date.parse(p.withdrawnAt) : endMs, from + (protocol.endOfStudyDay + 1) * DAY);
      return { from, to: Math.max(from, to) };
    });
  const patientDays = spans.reduce((sum, s) => sum + (s.to - s.from) / DAY, 0);
  const patientMonths = patientDays / MONTH_DAYS;
  const patientWeeks = patientDays / 7;

  // Weeks of the run, each with the patients in follow-up.
  const weeks = new Map<string, WeekRow>();
  for (let t = startMs; t < endMs; t += DAY) {
    const week = weekOf(new Date(t).toISOString());
    const row = weeks.get(week) ?? { week, sms: 0, parts: 0, costUsd: 0, urgentPushes: 0, routinePushes: 0, escalations: 0, itemsCreated: 0, redFlags: 0, activePatients: 0 };
    row.activePatients = Math.max(row.activePatients, spans.filter((s) => s.from <= t && s.to > t).length);
    weeks.set(week, row);
  }
  const weekRow = (instant: string) => weeks.get(weekOf(instant));
  const months = new Map<string, MonthRow>();
  const monthRow = (instant: string) => {
    const month = instant.slice(0, 7);
    let row = months.get(month);
    if (!row) months.set(month, (row = { month, sms: 0, parts: 0, costUsd: 0, patientMonths: 0 }));
    return row;
  };
  for (const s of spans) for (let t = s.from; t < s.to; t += DAY) monthRow(new Date(t).toISOString()).patientMonths += 1 / MONTH_DAYS;

  // SMS and cost.
  const smsByKind: Record<string, number> = {};
  let parts = 0;
  for (const m of run.outbox) {
    parts += m.parts;
    const kind = classify(m.body).split('.')[0]!;
    smsByKind[kind] = (smsByKind[kind] ?? 0) + 1;
    const w = weekRow(m.sentAt);
    if (w) {
      w.sms++;
      w.parts += m.parts;
      w.costUsd += m.parts * options.costPerPartUsd;
    }
    const mo = monthRow(m.sentAt);
    mo.sms++;
    mo.parts += m.parts;
    mo.costUsd += m.parts * options.costPerPartUsd;
  }

  // Pushes to people, from the local alert inbox (what the topics would have delivered).
  const inbox = stack.inbox.list().slice().reverse();
  let urgent = 0;
  let routine = 0;
  let escalations = 0;
  let digests = 0;
  const routinePerDay = new Map<string, number>();
  const urgentPushes: { studyId: string | null; at: number }[] = [];
  for (const e of inbox) {
    const w = weekRow(e.at);
    if (e.channel === 'escalation') {
      escalations++;
      if (w) w.escalations++;
      continue;
    }
    if (e.kind === 'text' && DIGEST_SUBJECT.test(e.subject)) {
      digests++;
      continue;
    }
    if (e.kind === 'alert' && e.urgent) {
      urgent++;
      urgentPushes.push({ studyId: e.studyId ?? null, at: Date.parse(e.at) });
      if (w) w.urgentPushes++;
    } else {
      routine++;
      if (w) w.routinePushes++;
      const day = e.at.slice(0, 10);
      routinePerDay.set(day, (routinePerDay.get(day) ?? 0) + 1);
    }
  }
  const coordinatorWeeks = ((endMs - startMs) / DAY / 7) * options.coordinators;

  // Episodes: every alert the system created (open, acknowledged, or still grouped under an item).
  // Rows: the worklist items among them (an episode grouped under its patient's item has `itemId`).
  const alerts: Alert[] = [];
  for (const status of ['open', 'acknowledged', 'grouped'] as const) {
    let cursor: string | undefined;
    do {
      const page = await stack.repos.alerts.listByStatus(status, cursor, 500);
      alerts.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  const byKind: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  for (const a of alerts) {
    byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    const rule = typeof a.details?.rule === 'string' ? `${a.kind}:${a.details.rule}` : a.kind;
    byRule[rule] = (byRule[rule] ?? 0) + 1;
    const w = weekRow(a.createdAt);
    if (w && isRow(a)) w.itemsCreated++;
  }
  const rows = alerts.filter(isRow);
  const perPatient = new Map<string, { studyId: string; rows: number; episodes: number }>();
  for (const a of alerts) {
    if (!a.studyId) continue;
    const p = perPatient.get(a.studyId) ?? { studyId: a.studyId, rows: 0, episodes: 0 };
    p.episodes++;
    if (isRow(a)) p.rows++;
    perPatient.set(a.studyId, p);
  }
  const topPatients = [...perPatient.values()].sort((a, b) => b.rows - a.rows || a.studyId.localeCompare(b.studyId)).slice(0, 10);

  // Red flags: from the text to the first urgent push naming that patient at or after it.
  const redFlags = run.texted
    .filter((t) => t.meant === 'red_flag')
    .map((t) => {
      const at = Date.parse(t.at);
      const push = urgentPushes.find((p) => p.studyId === t.studyId && p.at >= at);
      const w = weekRow(t.at);
      if (w) w.redFlags++;
      return { studyId: t.studyId ?? '', at: t.at, minutesToPush: push ? round((push.at - at) / 60_000, 1) : null };
    });
  const delays = redFlags.map((r) => r.minutesToPush).filter((m): m is number => m !== null).sort((a, b) => a - b);

  // Adherence from the doses export: confirmed, reported missed, no reply — per arm and study month.
  const csv = async (dataset: string) => {
    const answer = await stack.callApi('GET', `/api/exports/${dataset}.csv`);
    const [header, ...rows] = parseCsv(answer.text);
    return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
  };
  const enrolledOn = new Map(run.patients.map((p) => [p.studyId, p.enrolledOn]));
  const points = new Map<string, AdherencePoint>();
  const detail: SimulationSummary['adherenceDetail'] = {};
  for (const row of await csv('doses')) {
    const status = row.status;
    if (status !== 'taken' && status !== 'missed_reported' && status !== 'missed_no_reply') continue;
    const group = (row.phase === 'induction' ? 'induction' : row.arm) as AdherencePoint['group'];
    if (group !== 'induction' && group !== 'MMF' && group !== 'LEF') continue;
    const start = enrolledOn.get(row.studyId!) ?? row.localDate!;
    const studyMonth = Math.max(0, Math.floor((Date.parse(row.localDate!) - Date.parse(start)) / DAY / MONTH_DAYS));
    const key = `${group}:${studyMonth}`;
    const point = points.get(key) ?? { studyMonth, group, confirmed: 0, reportedMissed: 0, noReply: 0 };
    const d = (detail[group] ??= { confirmed: 0, reportedMissed: 0, noReply: 0, total: 0 });
    d.total++;
    const field = status === 'taken' ? 'confirmed' : status === 'missed_reported' ? 'reportedMissed' : 'noReply';
    point[field]++;
    d[field]++;
    points.set(key, point);
  }
  const rate = (g: string) => (detail[g]?.total ? round(detail[g].confirmed / detail[g].total, 4) : null);
  const ofAnswered = (g: string) => {
    const answered = (detail[g]?.confirmed ?? 0) + (detail[g]?.reportedMissed ?? 0);
    return answered ? round(detail[g]!.confirmed / answered, 4) : null;
  };

  const armOf = new Map((await csv('patients')).map((row) => [row.studyId!, row.arm || 'unrandomized']));
  const relapsedIds = new Set((await csv('visits')).filter((row) => row.relapse === 'true' || row.relapseEvent === 'true').map((row) => row.studyId!));
  const relapse: SimulationSummary['relapse'] = {};
  for (const [studyId, arm] of armOf) {
    const r = (relapse[arm] ??= { patients: 0, relapsed: 0, rate: null });
    r.patients++;
    if (relapsedIds.has(studyId)) r.relapsed++;
  }
  for (const r of Object.values(relapse)) r.rate = r.patients ? round(r.relapsed / r.patients, 4) : null;
  const sideEffects = await csv('side-effects');
  const reportIds = new Set(sideEffects.map((r) => r.reportId));
  const redFlagReports = new Set(sideEffects.filter((r) => r.redFlag === 'true').map((r) => r.reportId));

  let stored = 0;
  for (const t of run.texted) if (await stack.repos.messages.getInbound(t.inboundMessageId)) stored++;
  const byMeaning: Record<string, number> = {};
  for (const t of run.texted) byMeaning[t.meant] = (byMeaning[t.meant] ?? 0) + 1;

  // The last full week of follow-up (after it, patients have finished and the digests are empty).
  const lastWeek = weekOf(new Date(followUpEnd - 7 * DAY).toISOString());
  const chosen = await stack.callApi('GET', `/api/digests/${lastWeek}`);
  const digestList = (await stack.callApi('GET', '/api/digests?limit=1')).body as { items?: { week: string; text: string }[] };
  const latest = chosen.status === 200 ? (chosen.body as { week: string; text: string }) : (digestList.items?.[0] ?? null);

  return {
    seed: options.seed,
    store: options.store ?? 'memory',
    patients: run.patients.filter((p) => p.id).length,
    months: options.months,
    simulatedDays: Math.round((endMs - startMs) / DAY),
    patientMonths: round(patientMonths, 1),
    patientWeeks: round(patientWeeks, 1),
    coordinators: options.coordinators,
    smsSent: run.outbox.length,
    smsParts: parts,
    costUsd: round(parts * options.costPerPartUsd, 2),
    costPerPartUsd: options.costPerPartUsd,
    smsPerPatientMonth: round(run.outbox.length / Math.max(patientMonths, 1e-9), 1),
    partsPerPatientMonth: round(parts / Math.max(patientMonths, 1e-9), 1),
    smsByKind,
    pushesPerCoordinatorWeek: { urgent: round(urgent / coordinatorWeeks, 2), routine: round(routine / coordinatorWeeks, 2) },
    pushes: { urgent, routine, escalations, digests, maxRoutinePerWorkingDay: Math.max(0, ...routinePerDay.values()) },
    itemsPerPatientWeek: round(rows.length / Math.max(patientWeeks, 1e-9), 3),
    episodesPerPatientWeek: round(alerts.length / Math.max(patientWeeks, 1e-9), 3),
    items: {
      total: rows.length,
      urgent: rows.filter((a) => a.urgent).length,
      routine: rows.filter((a) => !a.urgent).length,
      episodes: alerts.length,
      grouped: alerts.length - rows.length,
      byKind,
      byRule,
      topPatients,
    },
    redFlagPushMinutes: { count: redFlags.length, pushed: delays.length, max: delays.length ? delays.at(-1)! : null, median: delays.length ? delays[Math.floor(delays.length / 2)]! : null, notPushed: redFlags.length - delays.length },
    adherence: { MMF: rate('MMF'), LEF: rate('LEF'), induction: rate('induction') },
    adherenceOfAnswered: { MMF: ofAnswered('MMF'), LEF: ofAnswered('LEF'), induction: ofAnswered('induction') },
    adherenceDetail: detail,
    relapse,
    inbound: { texted: run.texted.length, stored, byMeaning },
    reports: { total: reportIds.size, redFlags: redFlagReports.size },
    withdrawals: run.patients.filter((p) => p.withdrawnAt).length,
    optOuts: run.optOuts.length,
    coordinatorRounds: run.rounds,
    failedJobs: run.failedJobs,
    apiErrors: run.apiErrors.length,
    digestWeek: latest?.week ?? null,
    digestText: latest?.text ?? null,
    dynamoRequests: requestTotals(stack.requestCounts),
    wallSeconds: round(wallMs / 1000, 1),
    cpuSeconds: { user: round(cpu.user / 1e6, 1), system: round(cpu.system / 1e6, 1) },
    series: {
      weeks: [...weeks.values()].map((w) => ({ ...w, costUsd: round(w.costUsd, 2) })),
      months: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)).map((m) => ({ ...m, costUsd: round(m.costUsd, 2), patientMonths: round(m.patientMonths, 2) })),
      adherence: [...points.values()].sort((a, b) => a.group.localeCompare(b.group) || a.studyMonth - b.studyMonth),
      redFlags,
    },
  };
}

/** A worklist row: an urgent alert, or a routine alert that opened an item (not one filed under another). */
const isRow = (a: Alert): boolean => a.itemId === undefined || a.itemId === a.id;

function requestTotals(counts: Record<string, Record<string, number>>): SimulationSummary['dynamoRequests'] {
  const byCaller: Record<string, number> = {};
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const [caller, commands] of Object.entries(counts)) {
    for (const [command, n] of Object.entries(commands)) {
      byCaller[caller] = (byCaller[caller] ?? 0) + n;
      byCommand[command] = (byCommand[command] ?? 0) + n;
      total += n;
    }
  }
  return { total, byCaller, byCommand };
}
