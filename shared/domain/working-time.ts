/**
 * Working time for alert escalation: an urgent alert is re-sent after a wall-clock delay; a
 * routine one after a number of WORKING minutes (the study's working hours and weekdays, in the
 * study time zone), so a routine alert raised on Friday evening escalates on Monday, not at
 * 2 a.m. on Saturday. Pure: instants in, instants out; DST handled in the zone by zoned-time.ts.
 * The protocol's calendar adds public holidays (not working days) and make-up working weekend
 * days (China's 调休), which the daily worklist summary and the overdue count honour.
 */
import { formatInstant, formatPlainDate, isValidTimeZone, isoWeekdayOfEpochDay, parseInstant, parsePlainDate, utcToZoned, wallClockToUtc } from './zoned-time.ts';

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
  const day = parsePlainDate(localDate);
  if (day === null) throw new RangeError(`not a local date YYYY-MM-DD: ${localDate}`);
  if (calendar.workingWeekendDays.includes(localDate)) return true;
  if (calendar.holidays.includes(localDate)) return false;
  return weekdays.includes(isoWeekdayOfEpochDay(day));
}

/**
 * Working days from `fromDate` (exclusive) to `toDate` (inclusive): an item raised on Friday is
 * 1 working day old on Monday. 0 when `toDate` is not after `fromDate`.
 */
export function workingDaysBetween(fromDate: string, toDate: string, weekdays: readonly number[], calendar: WorkingCalendar = NO_CALENDAR): number {
  let day = parsePlainDate(fromDate);
  const end = parsePlainDate(toDate);
  if (day === null || end === null) throw new RangeError(`not local dates: ${fromDate}, ${toDate}`);
  let count = 0;
  // Bounded: ten years of days at most.
  for (let guard = 0; guard < 3700 && day < end; guard++) {
    day++;
    if (isWorkingDay(formatPlainDate(day), weekdays, calendar)) count++;
  }
  return count;
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: string, timeZone: string): string {
  return utcToZoned(instantMs(instant, timeZone), timeZone).date;
}

function parseHhmm(hhmm: string, label: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`${label} must be HH:mm, got "${hhmm}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** Epoch ms of an instant (without an offset: UTC), checked against a zone that must exist. */
function instantMs(instant: string, timeZone: string): number {
  const ms = parseInstant(instant);
  if (ms === null) throw new RangeError(`not an ISO instant: ${instant}`);
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  return ms;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

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

  let cursor = instantMs(from, timeZone);
  let remainingMs = minutes * MINUTE_MS;
  const openMs = (open.hour * 60 + open.minute) * MINUTE_MS;
  const closeMs = (close.hour * 60 + close.minute) * MINUTE_MS;
  // At most one iteration per calendar day; 3,700 days bounds any realistic ack time.
  for (let guard = 0; guard < 3700; guard++) {
    const day = utcToZoned(cursor, timeZone).epochDay;
    const dayOpen = wallClockToUtc(day * DAY_MS + openMs, timeZone);
    const dayClose = wallClockToUtc(day * DAY_MS + closeMs, timeZone);
    if (isWorkingDay(formatPlainDate(day), [...weekdays], calendar) && cursor < dayClose) {
      const start = cursor < dayOpen ? dayOpen : cursor;
      const available = dayClose - start;
      // Same shape as the Clock's instants (Date#toISOString), so string order in index keys is time order.
      if (remainingMs <= available) return formatInstant(start + remainingMs);
      remainingMs -= available;
    }
    // The next local day starts at its midnight, or when the clocks do where that midnight does not exist.
    cursor = wallClockToUtc((day + 1) * DAY_MS, timeZone);
  }
  throw new RangeError('working time too far in the future');
}

/**
 * When an unacknowledged URGENT alert raised (or last escalated) at `raisedAt` is re-sent to the
 * escalation topic: wall-clock minutes, nights and weekends included. Routine items never
 * escalate on their own: they are marked overdue in the daily summary instead.
 */
export function escalationDeadline(policy: EscalationPolicy, raisedAt: string, timeZone: string): string {
  return formatInstant(instantMs(raisedAt, timeZone) + policy.urgentAckMinutes * MINUTE_MS);
}
