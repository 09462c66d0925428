/**
 * Working time for alert escalation: an urgent alert is re-sent after a wall-clock delay; a
 * routine one after a number of WORKING minutes (the study's working hours and weekdays, in the
 * study time zone), so a routine alert raised on Friday evening escalates on Monday, not at
 * 2 a.m. on Saturday. Pure: instants in, instants out; DST handled by luxon in the zone.
 * The protocol's calendar adds public holidays (not working days) and make-up working weekend
 * days (China's 调休), which the daily worklist summary and the overdue count honour.
 */
import { DateTime } from 'luxon';

export interface WorkingHours {
  /** Local "HH:mm"; start < end (no overnight shifts). */
  start: string;
  end: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: readonly number[];
}

export interface WorkingCalendar {
  /** Local dates (YYYY-MM-DD) that are not working days even on a working weekday. */
  holidays: readonly string[];
  /** Local dates that are working days even though their weekday is not (make-up days). */
  workingWeekendDays: readonly string[];
}

export interface EscalationPolicy {
  urgentAckMinutes: number;
}

const NO_CALENDAR: WorkingCalendar = { holidays: [], workingWeekendDays: [] };

/** Whether a local date (YYYY-MM-DD) is a working day: a working weekday that is not a holiday, or a make-up day. */
export function isWorkingDay(localDate: string, weekdays: readonly number[], calendar: WorkingCalendar = NO_CALENDAR): boolean {
  const day = DateTime.fromISO(localDate, { zone: 'UTC' });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(localDate)) throw new RangeError(`not a local date YYYY-MM-DD: ${localDate}`);
  if (calendar.workingWeekendDays.includes(localDate)) return true;
  if (calendar.holidays.includes(localDate)) return false;
  return weekdays.includes(day.weekday);
}

/**
 * Working days from `fromDate` (exclusive) to `toDate` (inclusive): an item raised on Friday is
 * 1 working day old on Monday. 0 when `toDate` is not after `fromDate`.
 */
export function workingDaysBetween(fromDate: string, toDate: string, weekdays: readonly number[], calendar: WorkingCalendar = NO_CALENDAR): number {
  let day = DateTime.fromISO(fromDate, { zone: 'UTC' });
  const end = DateTime.fromISO(toDate, { zone: 'UTC' });
  if (!day.isValid || !end.isValid) throw new RangeError(`not local dates: ${fromDate}, ${toDate}`);
  let count = 0;
  // Bounded: ten years of days at most.
  for (let guard = 0; guard < 3700 && day < end; guard++) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day.toISODate()!, weekdays, calendar)) count++;
  }
  return count;
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: string, timeZone: string): string {
  return parseInstant(instant, timeZone).toISODate()!;
}

function parseHhmm(hhmm: string, label: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`${label} must be HH:mm, got "${hhmm}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function parseInstant(instant: string, timeZone: string): DateTime {
  const dt = DateTime.fromISO(instant, { zone: 'UTC' });
  if (!dt.isValid) throw new RangeError(`not an ISO instant: ${instant}`);
  const local = dt.setZone(timeZone);
  if (!local.isValid) throw new RangeError(`unknown time zone: ${timeZone}`);
  return local;
}

/** Same shape as the Clock's instants (Date#toISOString), so string order in index keys is time order. */
const iso = (dt: DateTime): string => dt.toUTC().toISO()!;

/**
 * The instant that lies `minutes` working minutes after `from`. Time outside working hours
 * does not count; `from` outside working hours starts counting at the next opening. Zero
 * minutes gives `from` itself when inside working hours, else the next opening.
 */
export function addWorkingMinutes(from: string, minutes: number, hours: WorkingHours, timeZone: string, calendar: WorkingCalendar = NO_CALENDAR): string {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be ≥ 0, got ${minutes}`);
  const open = parseHhmm(hours.start, 'workingHours.start');
  const close = parseHhmm(hours.end, 'workingHours.end');
  if (open.hour * 60 + open.minute >= close.hour * 60 + close.minute) throw new RangeError('workingHours.start must be before workingHours.end');
  const weekdays = new Set(hours.weekdays);
  if (![...weekdays].some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw new RangeError('workingHours.weekdays needs at least one day 1–7');

  let cursor = parseInstant(from, timeZone);
  let remainingMs = minutes * 60_000;
  // At most one iteration per calendar day; 3,700 days bounds any realistic ack time.
  for (let guard = 0; guard < 3700; guard++) {
    const day = cursor.startOf('day');
    const dayOpen = day.set({ hour: open.hour, minute: open.minute });
    const dayClose = day.set({ hour: close.hour, minute: close.minute });
    if (isWorkingDay(day.toISODate()!, [...weekdays], calendar) && cursor < dayClose) {
      const start = cursor < dayOpen ? dayOpen : cursor;
      const available = dayClose.toMillis() - start.toMillis();
      if (remainingMs <= available) return iso(start.plus({ milliseconds: remainingMs }));
      remainingMs -= available;
    }
    cursor = day.plus({ days: 1 });
  }
  throw new RangeError('working time too far in the future');
}

/**
 * When an unacknowledged URGENT alert raised (or last escalated) at `raisedAt` is re-sent to the
 * escalation topic: wall-clock minutes, nights and weekends included. Routine items never
 * escalate on their own: they are marked overdue in the daily summary instead.
 */
export function escalationDeadline(policy: EscalationPolicy, raisedAt: string, timeZone: string): string {
  return iso(parseInstant(raisedAt, timeZone).plus({ minutes: policy.urgentAckMinutes }));
}
