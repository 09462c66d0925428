import { fnv1a } from './ids.ts';
import { canReceiveSms, isInQuietHours, minutesOfDay, type Patient } from './patient.ts';
import {
  phaseOfDay,
  prednisoneDoseMg,
  type DoseSlot,
  type Drug,
  type Protocol,
  type RegimenEntry,
} from './protocol.ts';
import { formatInstant, formatPlainDate, isoWeekdayOfEpochDay, parseInstant, parsePlainDate, utcToZoned, zonedToUtc } from './zoned-time.ts';

/**
 * The schedule engine: from a patient and the protocol, the reminders and check-ins due in a
 * time window. Pure: the same inputs give the same items with the same ids, so materializing a
 * window twice writes nothing new, and any change of content (arm, dose, time, appointment)
 * gives a new id so the planner can cancel what no longer applies.
 */

export type ScheduledKind = 'dose' | 'visit' | 'lab' | 'checkin';

export interface ScheduledDose {
  drug: Drug;
  amount: number;
  unit: 'mg' | 'g';
  /** True on the first day of a lower prednisone step (the reminder says the new dose). */
  stepDown: boolean;
}

export interface ScheduledItem {
  id: string;
  patientId: string;
  kind: ScheduledKind;
  /** UTC instant, ISO 8601 with Z, minute precision. */
  dueAt: string;
  /** After this instant the reminder is stale and is expired, not sent. */
  expiresAt: string;
  localDate: string;
  localTime: string;
  timeZone: string;
  studyDay: number;
  phase: 'induction' | 'maintenance';
  slot?: DoseSlot;
  doses?: ScheduledDose[];
  /** Dose check-ins: the end of the window in which a reply counts as an answer. */
  answerWindowEnd?: string;
  visitKey?: string;
  visitDate?: string;
  leadDays?: number;
}

export interface TimeWindow {
  /** inclusive, UTC ISO */
  from: string;
  /** exclusive, UTC ISO */
  to: string;
}

/*
 * Calendar arithmetic on plain dates and UTC instants, and wall time in a zone: shared/domain/zoned-time.ts
 * (epoch days and milliseconds; one place for the DST rules). What these wrappers add is the answer
 * they have always given for input that is not a date or an instant: null (addDays, plusMinutes)
 * or NaN (studyDayOf, weekdayOfDate), never a throw, as luxon's invalid DateTime gave.
 */

export function studyDayOf(enrolledOn: string, localDate: string): number {
  const a = parsePlainDate(enrolledOn);
  const b = parsePlainDate(localDate);
  return a !== null && b !== null ? b - a : Number.NaN;
}

/** The plain date `days` days later (a fraction of a day counts down to whole days, as luxon's did at midnight). */
export function addDays(localDate: string, days: number): string {
  const day = parsePlainDate(localDate);
  return day !== null && Number.isFinite(days) ? formatPlainDate(day + Math.floor(days)) : (null as unknown as string);
}

/** ISO weekday (1 = Monday) of a plain date. */
export function weekdayOfDate(localDate: string): number {
  const day = parsePlainDate(localDate);
  return day !== null ? isoWeekdayOfEpochDay(day) : Number.NaN;
}

/** Local wall time → UTC instant, DST-correct: a time in the spring-forward gap moves forward; an ambiguous one takes the first occurrence. */
export function localToUtc(localDate: string, localTime: string, timeZone: string): string {
  const key = `${localDate}T${localTime}|${timeZone}`;
  const known = localToUtcMemo.get(key);
  if (known !== undefined) return known;
  const utc = formatInstant(zonedToUtc(localDate, localTime, timeZone));
  // A pure function asked for the same wall times day after day (each planning run covers 3 days): remember the last answers.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the memo's size bound only limits memory
  if (localToUtcMemo.size >= 20_000) localToUtcMemo.clear();
  localToUtcMemo.set(key, utc);
  return utc;
}
const localToUtcMemo = new Map<string, string>();

export function utcToLocal(instant: string, timeZone: string): { localDate: string; localTime: string; weekday: number } {
  const ms = parseInstant(instant);
  if (ms === null) throw new RangeError(`not an ISO instant: ${instant}`);
  const local = utcToZoned(ms, timeZone);
  return { localDate: local.date, localTime: local.time, weekday: local.weekday };
}

export function plusMinutes(instant: string, minutes: number): string {
  const ms = parseInstant(instant);
  return ms !== null && Number.isFinite(minutes) ? formatInstant(ms + Math.round(minutes * 60_000)) : (null as unknown as string);
}

/**
 * Whether the local date in `timeZone` turned in the hour up to `now`, i.e. in (now − 60 min, now].
 * Asked once per UTC hour (the sweep's first run of the hour), it is true exactly once per local
 * date in every zone — also where a day's midnight does not exist (DST starting at 00:00, as in
 * America/Santiago or Asia/Beirut) and in zones 30 or 45 minutes off the hour. ("Local time before
 * 01:00" missed such days: their first hour starts at 01:00.)
 */
export function localDateTurnedWithinHour(now: string, timeZone: string): boolean {
  return utcToLocal(now, timeZone).localDate !== utcToLocal(plusMinutes(now, -60), timeZone).localDate;
}

/** A non-dose item that falls in quiet hours moves to the end of quiet hours. */
function outOfQuietHours(localDate: string, localTime: string, protocol: Protocol): { localDate: string; localTime: string } {
  const q = protocol.quietHours;
  if (!isInQuietHours(localTime, q)) return { localDate, localTime };
  const afterStart = minutesOfDay(localTime) >= minutesOfDay(q.start) && minutesOfDay(q.start) > minutesOfDay(q.end);
  return { localDate: afterStart ? addDays(localDate, 1) : localDate, localTime: q.end };
}

export function regimensFor(protocol: Protocol, phase: 'induction' | 'maintenance', arm: Patient['arm']): RegimenEntry[] {
  if (phase === 'induction') return protocol.regimens.induction;
  return arm ? protocol.regimens.maintenance[arm] : [];
}

function doseAmount(protocol: Protocol, patient: Patient, entry: RegimenEntry, studyDay: number): number {
  if (entry.dose.kind === 'taper') return prednisoneDoseMg(protocol, patient.parameters.prednisoneStartMg, studyDay);
  return patient.parameters[entry.dose.parameter];
}

/** Doses due at one slot on one study day (empty when nothing is due). */
export function dosesAt(protocol: Protocol, patient: Patient, studyDay: number, slot: DoseSlot): ScheduledDose[] {
  const phase = phaseOfDay(protocol, studyDay);
  if (!phase) return [];
  const doses: ScheduledDose[] = [];
  for (const entry of regimensFor(protocol, phase, patient.arm)) {
    if (!entry.slots.includes(slot)) continue;
    const amount = doseAmount(protocol, patient, entry, studyDay);
    if (amount <= 0) continue;
    const yesterday = studyDay > 0 ? doseAmount(protocol, patient, entry, studyDay - 1) : amount;
    doses.push({
      drug: entry.drug,
      amount,
      unit: protocol.drugs[entry.drug]?.unit ?? 'mg',
      stepDown: entry.dose.kind === 'taper' && studyDay > 0 && amount < yesterday,
    });
  }
  return doses;
}

function makeId(patientId: string, kind: ScheduledKind, localDate: string, localTime: string, key: string, content: unknown): string {
  return `${patientId}:${kind}:${localDate}:${localTime.replace(':', '')}:${key}:${fnv1a(JSON.stringify(content))}`;
}

/** The date on which each visit is expected: the coordinator's appointment if set, else the protocol's target day. */
export function visitDates(protocol: Protocol, patient: Patient): { key: string; date: string; remind: boolean; scheduled: boolean }[] {
  const planned = protocol.visits.map((v) => ({
    key: v.key,
    date: patient.appointments[v.key] ?? addDays(patient.enrolledOn, v.targetDay),
    remind: v.remind,
    scheduled: true,
  }));
  const known = new Set(protocol.visits.map((v) => v.key));
  const unscheduled = Object.entries(patient.appointments)
    .filter(([key]) => !known.has(key))
    .map(([key, date]) => ({ key, date, remind: true, scheduled: false }));
  return [...planned, ...unscheduled];
}

/** LEF-arm lab dates: every `everyDays` for the intensive period after randomization, then every `thenEveryDays`. */
export function labDates(protocol: Protocol, patient: Patient): string[] {
  const lab = patient.arm ? protocol.labMonitoring[patient.arm] : undefined;
  if (!lab || !patient.arm) return [];
  const start = patient.randomizedOn ?? addDays(patient.enrolledOn, protocol.randomization.targetDay);
  const end = addDays(patient.enrolledOn, protocol.endOfStudyDay);
  const dates: string[] = [];
  let offset = lab.firstAfterRandomizationDays;
  for (let guard = 0; guard < 1000; guard++) {
    const date = addDays(start, offset);
    if (date > end) break;
    dates.push(date);
    offset += offset < lab.intensivePeriodDays ? lab.everyDays : lab.thenEveryDays;
  }
  return dates;
}

/** Instants are compared as strings: bring any ISO form ("…00Z", "…00+08:00") to the canonical "…00.000Z". */
export function canonicalInstant(instant: string): string {
  const ms = parseInstant(instant);
  if (ms === null) throw new RangeError(`not an ISO instant: ${instant}`);
  return formatInstant(ms);
}

export function computeSchedule(patient: Patient, protocol: Protocol, requested: TimeWindow): ScheduledItem[] {
  if (!canReceiveSms(patient)) return [];
  const window = { from: canonicalInstant(requested.from), to: canonicalInstant(requested.to) };
  const tz = patient.timeZone;
  const firstLocal = addDays(utcToLocal(window.from, tz).localDate, -1);
  const lastLocal = addDays(utcToLocal(window.to, tz).localDate, 1);
  const items: ScheduledItem[] = [];
  const visits = visitDates(protocol, patient).filter((v) => v.remind);
  const labs = new Set(labDates(protocol, patient));
  const lab = patient.arm ? protocol.labMonitoring[patient.arm] : undefined;

  const push = (
    kind: ScheduledKind,
    localDate: string,
    wantedTime: string,
    key: string,
    extra: Partial<ScheduledItem>,
    validityMinutes: number,
  ) => {
    const shifted = kind === 'dose' ? { localDate, localTime: wantedTime } : outOfQuietHours(localDate, wantedTime, protocol);
    if (kind === 'dose' && isInQuietHours(wantedTime, protocol.quietHours)) return;
    const studyDay = studyDayOf(patient.enrolledOn, shifted.localDate);
    const phase = phaseOfDay(protocol, studyDay);
    if (!phase) return;
    const dueAt = localToUtc(shifted.localDate, shifted.localTime, tz);
    if (dueAt < window.from || dueAt >= window.to) return;
    const content = { ...extra, dueAt };
    items.push({
      id: makeId(patient.id, kind, shifted.localDate, shifted.localTime, key, content),
      patientId: patient.id,
      kind,
      dueAt,
      expiresAt: plusMinutes(dueAt, validityMinutes),
      localDate: shifted.localDate,
      localTime: shifted.localTime,
      timeZone: tz,
      studyDay,
      phase,
      ...extra,
    });
  };

  for (let date = firstLocal; date <= lastLocal; date = addDays(date, 1)) {
    const studyDay = studyDayOf(patient.enrolledOn, date);
    if (studyDay < 0 || studyDay > protocol.endOfStudyDay) continue;

    for (const slot of ['morning', 'evening'] as const) {
      const doses = dosesAt(protocol, patient, studyDay, slot);
      if (doses.length === 0) continue;
      const time = patient.doseTimes[slot];
      const dueAt = localToUtc(date, time, tz);
      const byWindow = plusMinutes(dueAt, protocol.reminders.doseAnswerWindowMinutes);
      const byMidnight = plusMinutes(localToUtc(addDays(date, 1), '00:00', tz), protocol.reminders.answerGraceAfterMidnightMinutes);
      push('dose', date, time, slot, { slot, doses, answerWindowEnd: byWindow < byMidnight ? byWindow : byMidnight }, protocol.reminders.doseValidityMinutes);
    }

    for (const visit of visits) {
      for (const lead of protocol.reminders.visitLeadDays) {
        if (addDays(visit.date, -lead) !== date) continue;
        push('visit', date, protocol.reminders.visitReminderTime, `${visit.key}-${lead}`, { visitKey: visit.key, visitDate: visit.date, leadDays: lead }, protocol.reminders.otherValidityMinutes);
      }
    }

    if (lab && labs.has(addDays(date, lab.reminderLeadDays))) {
      const labDate = addDays(date, lab.reminderLeadDays);
      push('lab', date, lab.reminderTime, `lab`, { visitDate: labDate, leadDays: lab.reminderLeadDays }, protocol.reminders.otherValidityMinutes);
    }

    const weekday = weekdayOfDate(date);
    if (weekday === protocol.checkIns.weekday && studyDay >= protocol.checkIns.firstAfterDays) {
      push('checkin', date, protocol.checkIns.time, 'weekly', {}, protocol.reminders.otherValidityMinutes);
    }
  }
  items.sort((a, b) => (a.dueAt === b.dueAt ? a.id.localeCompare(b.id) : a.dueAt < b.dueAt ? -1 : 1));
  return items;
}
