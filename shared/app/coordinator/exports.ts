import { drugStatus, type DoseOutcome } from '#domain/adherence.ts';
import type { CsvCell } from '#domain/csv.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { studyDayOf, utcToLocal } from '#domain/schedule.ts';
import type { Report } from '#ports/reports.ts';
import type { VisitRecord } from '#ports/visits.ts';
import type { RowSource } from './csv-stream.ts';
import type { CoordinatorDeps } from './deps.ts';
import { doseOutcomeOf, remindersSinceEnrollment } from './read-models.ts';
import { forMonitor } from './redact.ts';

export const EXPORT_DATASETS = ['patients', 'doses', 'side-effects', 'visits', 'messages', 'audit'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];

export interface ExportOptions {
  role: 'coordinator' | 'monitor';
  /** Message bodies: coordinators only, and only when asked. */
  includeBodies: boolean;
  /** Audit export range [from, to) (ISO instants); defaults: the first enrollment .. now. */
  from?: string;
  to?: string;
  now: string;
}

/** A dataset's header and its rows: in memory for the small ones, read page by page for the rest. */
export interface ExportTable {
  headers: string[];
  rows: RowSource;
}

/** Time to first relapse (days from baseline), censored at the last visit, or at withdrawal. */
export interface RelapseEndpoint {
  event: boolean;
  timeDays: number;
  censorReason: 'relapse' | 'last_visit' | 'withdrawn' | 'no_visit';
  relapseByEndOfStudy: boolean;
}

/**
 * The secondary endpoint from the physician's decisions at visits (the system never decides a
 * relapse): the first visit with a relapse decision is the event; otherwise the patient is
 * censored at withdrawal (if withdrawn) or at the last completed visit. Times are capped at the
 * end of study; a relapse after it does not count.
 */
export function relapseEndpoint(protocol: Protocol, patient: Patient, records: readonly VisitRecord[]): RelapseEndpoint {
  const end = protocol.endOfStudyDay;
  const sorted = [...records].sort((a, b) => a.date.localeCompare(b.date));
  const firstRelapse = sorted.find((r) => r.relapse && studyDayOf(patient.enrolledOn, r.date) <= end);
  if (firstRelapse) {
    const timeDays = studyDayOf(patient.enrolledOn, firstRelapse.date);
    return { event: true, timeDays, censorReason: 'relapse', relapseByEndOfStudy: true };
  }
  if (patient.status === 'withdrawn' && patient.withdrawnAt) {
    const day = studyDayOf(patient.enrolledOn, utcToLocal(patient.withdrawnAt, patient.timeZone).localDate);
    return { event: false, timeDays: Math.min(Math.max(day, 0), end), censorReason: 'withdrawn', relapseByEndOfStudy: false };
  }
  const last = sorted.at(-1);
  if (!last) return { event: false, timeDays: 0, censorReason: 'no_visit', relapseByEndOfStudy: false };
  return { event: false, timeDays: Math.min(studyDayOf(patient.enrolledOn, last.date), end), censorReason: 'last_visit', relapseByEndOfStudy: false };
}

/** The patient's arm on a local date: none before randomization. */
function armOn(patient: Patient | undefined, localDate: string): string {
  if (!patient?.arm || !patient.randomizedOn || localDate < patient.randomizedOn) return 'unrandomized';
  return patient.arm;
}

/**
 * One dataset's table. No dataset ever carries a phone number; message bodies only for a
 * coordinator who asked; for monitors the audit's before/after values lose every identifier.
 * Reads go through indexes and patient partitions only (no Scan). Patients and visits (one or a
 * few rows per patient) are built in memory; doses, side effects, messages and the audit trail
 * are read one patient / page / month at a time as the CSV is written (export-dataset.ts).
 */
export async function exportTable(deps: CoordinatorDeps, dataset: ExportDataset, options: ExportOptions): Promise<ExportTable> {
  const patients = await deps.patients.listAll();
  switch (dataset) {
    case 'patients':
      return patientsTable(patients, options);
    case 'doses':
      return dosesTable(deps, patients, options.now);
    case 'side-effects':
      return sideEffectsTable(deps, patients);
    case 'visits':
      return visitsTable(deps, patients);
    case 'messages':
      return messagesTable(deps, patients, options);
    case 'audit':
      return auditTable(deps, patients, options);
  }
}

function patientsTable(patients: Patient[], options: ExportOptions): ExportTable {
  const coordinator = options.role === 'coordinator';
  const headers = [
    'studyId', 'status', 'arm', 'enrolledOn', 'randomizedOn', 'timeZone', 'language', 'discreet', 'smsOptOut',
    'prednisoneStartMg', 'mmfInductionDoseG', 'mmfMaintenanceDoseG', 'lefDoseMg', 'withdrawnAt', ...(coordinator ? ['statusReason'] : []),
  ];
  const rows = patients.map((p) => [
    p.studyId, p.status, p.arm, p.enrolledOn, p.randomizedOn ?? null, p.timeZone, p.language, p.discreet, p.smsOptOut,
    p.parameters.prednisoneStartMg, p.parameters.mmfInductionDoseG, p.parameters.mmfMaintenanceDoseG, p.parameters.lefDoseMg,
    p.withdrawnAt ?? null, ...(coordinator ? [p.statusReason ?? null] : []),
  ]);
  return { headers, rows };
}

function dosesTable(deps: CoordinatorDeps, patients: Patient[], now: string): ExportTable {
  const headers = ['studyId', 'arm', 'phase', 'localDate', 'localTime', 'slot', 'drug', 'amount', 'unit', 'status', 'dueAt', 'answeredAt', 'checkInId'];
  return { headers, rows: doseRows(deps, patients, now) };
}

async function* doseRows(deps: CoordinatorDeps, patients: Patient[], now: string): AsyncGenerator<CsvCell[]> {
  for (const patient of patients) {
    for (const reminder of await remindersSinceEnrollment(deps, patient, now)) {
      if (reminder.kind !== 'dose' || !reminder.doses) continue;
      const outcome: DoseOutcome | null = doseOutcomeOf(reminder, patient);
      // Never sent (expired, failed): the dose was due but nobody was asked.
      if (!outcome && reminder.state !== 'expired' && reminder.state !== 'failed') continue;
      for (const dose of reminder.doses) {
        yield [
          patient.studyId, armOn(patient, reminder.localDate), reminder.phase, reminder.localDate, reminder.localTime, reminder.slot ?? null,
          dose.drug, dose.amount, dose.unit, outcome ? drugStatus(outcome, dose.drug) : `not_sent_${reminder.state}`, reminder.dueAt,
          outcome?.answeredAt ?? null, reminder.id,
        ];
      }
    }
  }
}

/**
 * Every report, in time order. Reports are read whole (a report per symptom text: a few thousand
 * in the trial, a few MB), their rows are written lazily; it is the rows' text that grows.
 */
async function allReports(deps: CoordinatorDeps): Promise<Report[]> {
  const out: Report[] = [];
  for (const status of ['open', 'reviewed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.reports.listByStatus(status, cursor, 200);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
}

function sideEffectsTable(deps: CoordinatorDeps, patients: Patient[]): ExportTable {
  const headers = ['studyId', 'arm', 'reportId', 'receivedAt', 'term', 'reportedGrade', 'confirmedGrade', 'confirmed', 'redFlag', 'relapseSignal', 'reviewStatus', 'reviewOutcome', 'reviewedAt'];
  return { headers, rows: sideEffectRows(deps, patients) };
}

async function* sideEffectRows(deps: CoordinatorDeps, patients: Patient[]): AsyncGenerator<CsvCell[]> {
  const byId = new Map(patients.map((p) => [p.id, p]));
  for (const report of await allReports(deps)) {
    const patient = report.patientId ? byId.get(report.patientId) : undefined;
    const reported = new Map(report.interpretation.items.map((i) => [i.term, i.grade]));
    const confirmed = new Map((report.review?.confirmedItems ?? []).map((i) => [i.term, i.grade]));
    const terms = [...new Set([...reported.keys(), ...confirmed.keys()])];
    const localDate = patient ? utcToLocal(report.receivedAt, patient.timeZone).localDate : report.receivedAt.slice(0, 10);
    for (const term of terms) {
      yield [
        report.studyId ?? patient?.studyId ?? null, armOn(patient, localDate), report.id, report.receivedAt, term,
        reported.get(term) ?? null, confirmed.get(term) ?? null, report.review ? confirmed.has(term) : null,
        report.interpretation.redFlag, report.interpretation.relapseSignal, report.status, report.review?.outcome ?? null, report.review?.reviewedAt ?? null,
      ];
    }
  }
}

async function visitsTable(deps: CoordinatorDeps, patients: Patient[]): Promise<ExportTable> {
  const headers = [
    'studyId', 'arm', 'visitKey', 'scheduled', 'visitDate', 'studyDay', 'riTotal', 'response', 'relapse', 'relapseOrgans',
    'timeToFirstRelapseDays', 'relapseEvent', 'censorReason', 'relapseByEndOfStudy',
  ];
  const rows: CsvCell[][] = [];
  for (const patient of patients) {
    const records = await deps.visits.listForPatient(patient.id);
    const endpoint = relapseEndpoint(deps.protocol, patient, records);
    const tail: CsvCell[] = [endpoint.timeDays, endpoint.event ? 1 : 0, endpoint.censorReason, endpoint.relapseByEndOfStudy];
    if (records.length === 0) rows.push([patient.studyId, patient.arm ?? 'unrandomized', null, null, null, null, null, null, null, null, ...tail]);
    for (const r of records) {
      rows.push([
        patient.studyId, armOn(patient, r.date), r.visitKey, r.scheduled, r.date, studyDayOf(patient.enrolledOn, r.date), r.riTotal, r.response,
        r.relapse, r.relapseOrgans.join(';'), ...tail,
      ]);
    }
  }
  return { headers, rows };
}

function messagesTable(deps: CoordinatorDeps, patients: Patient[], options: ExportOptions): ExportTable {
  const bodies = options.includeBodies && options.role === 'coordinator';
  const headers = ['studyId', 'direction', 'at', 'purpose', 'parts', 'messageId', 'reminderId', ...(bodies ? ['body'] : [])];
  return { headers, rows: messageRows(deps, patients, bodies) };
}

/** One patient's log at a time (18 months of one patient: a few thousand messages). */
async function* messageRows(deps: CoordinatorDeps, patients: Patient[], bodies: boolean): AsyncGenerator<CsvCell[]> {
  for (const patient of patients) {
    const messages = await deps.messages.listForPatient(patient.id, 1_000_000);
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.direction === 'in') {
        yield [patient.studyId, 'in', m.receivedAt, 'reply', null, m.inboundMessageId, null, ...(bodies ? [m.body] : [])];
      } else {
        yield [patient.studyId, 'out', m.sentAt, m.purpose, m.parts, m.id, m.reminderId ?? null, ...(bodies ? [m.body] : [])];
      }
    }
  }
}

function auditTable(deps: CoordinatorDeps, patients: Patient[], options: ExportOptions): ExportTable {
  const earliest = patients.reduce((min, p) => (p.createdAt < min ? p.createdAt : min), options.now);
  const from = options.from ?? `${earliest.slice(0, 7)}-01T00:00:00.000Z`;
  const to = options.to ?? new Date(Date.parse(options.now) + 1).toISOString();
  const headers = ['at', 'actor', 'action', 'entityType', 'entityId', 'before', 'after', 'reason', 'id', 'kind', 'seq', 'hash'];
  return { headers, rows: auditRows(deps, from, to, options.role) };
}

/** [from, to) cut at UTC month starts: the audit index is partitioned by month, so each window is one read. */
export function monthWindows(from: string, to: string): [string, string][] {
  const windows: [string, string][] = [];
  let start = from;
  while (start < to) {
    const next = new Date(`${start.slice(0, 7)}-01T00:00:00.000Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const end = next.toISOString() < to ? next.toISOString() : to;
    windows.push([start, end]);
    start = end;
  }
  return windows;
}

/** The audit trail one month at a time, in time order. */
async function* auditRows(deps: CoordinatorDeps, from: string, to: string, role: ExportOptions['role']): AsyncGenerator<CsvCell[]> {
  for (const [start, end] of monthWindows(from, to)) {
    const entries = (await deps.audit.listBetween(start, end)).sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    for (const entry of entries) {
      const e = role === 'coordinator' ? entry : forMonitor(entry);
      yield [e.at, e.actor, e.action, e.entityType, e.entityId, JSON.stringify(e.before ?? null), JSON.stringify(e.after ?? null), e.reason ?? null, e.id, e.kind ?? 'write', e.seq ?? null, e.hash ?? null];
    }
  }
}
