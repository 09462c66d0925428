/**
 * Calendar and time-zone arithmetic, in one place: every DST rule of the system lives here.
 *
 * Two kinds of values, never mixed:
 * - plain dates ("2027-01-04"): calendar dates with no zone, counted as epoch days (days since
 *   1970-01-01) with Date's UTC methods only, so nothing here depends on the machine's zone;
 * - instants: epoch milliseconds, written canonically as "2027-01-04T08:00:00.000Z"
 *   (Date#toISOString, what luxon's toUTC().toISO() gave before).
 *
 * The zone rules come from the platform's tz database through Intl.DateTimeFormat: the offset of
 * a zone at an instant is the zone's wall clock at that instant minus the instant (the method the
 * tests' oracle and luxon used). Wall time → instant is then a search over the offsets the zone
 * has around that time:
 * - a wall time that does not exist (the spring-forward gap) moves FORWARD by the gap: 02:30 on
 *   the day New York springs forward is 03:30 EDT (read with the offset in force before the gap);
 * - a wall time that exists twice (fall back) is its FIRST occurrence, the earlier instant.
 * (luxon started its search from the zone's offset at the moment of the call, so which occurrence
 * it gave for an ambiguous time depended on the season the code ran in.)
 *
 * Pure: no clock read, no I/O. Intl formatters are cached per zone.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

// ---------------------------------------------------------------- plain dates

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day of year/month/day (month 1–12), without Date.UTC's mapping of years 0–99 to 1900–1999. */
function epochDayOf(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / DAY_MS);
}

function civilOf(epochDay: number): { year: number; month: number; day: number } {
  const d = new Date(epochDay * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Epoch day of a real calendar date "YYYY-MM-DD", else null (2027-02-30, 2027-13-01 and any other form). */
export function parsePlainDate(date: string): number | null {
  const m = PLAIN_DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const epochDay = epochDayOf(year, month, day);
  const back = civilOf(epochDay);
  return back.year === year && back.month === month && back.day === day ? epochDay : null;
}

export const isPlainDate = (date: string): boolean => parsePlainDate(date) !== null;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** "YYYY-MM-DD" of an epoch day (years outside 0000–9999 as ±YYYYYY, as ISO 8601 and luxon write them). */
export function formatPlainDate(epochDay: number): string {
  const { year, month, day } = civilOf(epochDay);
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export const isoWeekdayOfEpochDay = (epochDay: number): number => ((((epochDay + 3) % 7) + 7) % 7) + 1;

/** The month and day of a plain date, for wording it ("2月1日"). */
export function monthDayOf(epochDay: number): { month: number; day: number } {
  const { month, day } = civilOf(epochDay);
  return { month, day };
}

/** ISO week of an epoch day: the week-year is the year of that week's Thursday (2027-01-01 is in 2026-W53). */
export function isoWeekOfEpochDay(epochDay: number): { weekYear: number; week: number } {
  const thursday = epochDay + 4 - isoWeekdayOfEpochDay(epochDay);
  const weekYear = civilOf(thursday).year;
  return { weekYear, week: Math.floor((thursday - epochDayOf(weekYear, 1, 1)) / 7) + 1 };
}

/** "2027-W02" (week-year, two-digit week). */
export const formatIsoWeek = ({ weekYear, week }: { weekYear: number; week: number }): string => `${pad(weekYear, 4)}-W${pad(week, 2)}`;

/** Epoch day of the Monday of ISO week `week` of `weekYear`, or null when that week-year has no such week (W00, W53 of a 52-week year). */
export function mondayOfIsoWeek(weekYear: number, week: number): number | null {
  const weeks = isoWeekOfEpochDay(epochDayOf(weekYear, 12, 28)).week; // 28 December is always in the year's last week
  if (!Number.isInteger(week) || week < 1 || week > weeks) return null;
  const jan4 = epochDayOf(weekYear, 1, 4); // 4 January is always in week 1
  return jan4 - (isoWeekdayOfEpochDay(jan4) - 1) + (week - 1) * 7;
}

// ---------------------------------------------------------------- zones

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall-clock formatter, or null when the platform does not know the zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  const known = formatters.get(timeZone);
  if (known !== undefined) return known;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  // Zone names may come from input: keep the cache bounded (a few hundred zones exist).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the cache's size bound only limits memory
  if (formatters.size >= 1000) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

/**
 * Whether the platform's tz database knows the zone: IANA names ("Asia/Shanghai", any case),
 * "UTC", "Etc/GMT-8", offsets such as "+08:00". Not luxon's extras ("local", "system", "UTC+8"):
 * the first two would make results depend on the machine's zone.
 */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && timeZone !== '' && formatterFor(timeZone) !== null;
}

function knownFormatter(timeZone: string): Intl.DateTimeFormat {
  const formatter = formatterFor(timeZone);
  if (formatter === null) throw new RangeError(`unknown time zone: ${timeZone}`);
  return formatter;
}

/** Offset of the zone at an instant, in ms (wall clock − UTC; +8 h for Asia/Shanghai). Whole seconds. */
function offsetMs(formatter: Intl.DateTimeFormat, epochMs: number): number {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of formatter.formatToParts(seconds)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value) % 24; // some ICU versions write midnight as 24 even with h23
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC' || part.value === 'B';
        break;
    }
  }
  const wall = epochDayOf(bc ? 1 - year : year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;
  return wall - seconds;
}

/** Offset (minutes east of UTC) of a zone at an instant; RangeError for an unknown zone. */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
  return offsetMs(knownFormatter(timeZone), epochMs) / MINUTE_MS;
}

/** A wall-clock reading in a zone. */
export interface ZonedDateTime {
  /** "YYYY-MM-DD" */
  date: string;
  epochDay: number;
  /** "HH:mm" */
  time: string;
  /** 0–23, 0–59, 0–59, 0–999 */
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
}

/** The wall clock of an instant in a zone (RangeError for an unknown zone or an invalid instant). */
export function utcToZoned(epochMs: number, timeZone: string): ZonedDateTime {
  if (!Number.isFinite(epochMs)) throw new RangeError(`not an instant: ${epochMs}`);
  const wall = epochMs + offsetMs(knownFormatter(timeZone), epochMs);
  const epochDay = Math.floor(wall / DAY_MS);
  const msOfDay = wall - epochDay * DAY_MS;
  const hour = Math.floor(msOfDay / 3_600_000);
  const minute = Math.floor(msOfDay / MINUTE_MS) % 60;
  return {
    date: formatPlainDate(epochDay),
    epochDay,
    time: `${pad(hour, 2)}:${pad(minute, 2)}`,
    hour,
    minute,
    second: Math.floor(msOfDay / 1000) % 60,
    millisecond: msOfDay % 1000,
    weekday: isoWeekdayOfEpochDay(epochDay),
  };
}

/**
 * The instant of a wall-clock time in a zone, given as ms since the epoch day's start counted as
 * if the zone were UTC (`epochDay * 86_400_000 + time of day`). DST: a time in a gap moves forward
 * by the gap; a time that occurs twice is the first (earlier) occurrence.
 */
export function wallClockToUtc(wallMs: number, timeZone: string): number {
  const formatter = knownFormatter(timeZone);
  // Every offset lies within ±1 day, so the offsets in force a day either side are the only ones a
  // reading of this wall time can have (zones change their offset at most once in two days).
  const before = offsetMs(formatter, wallMs - DAY_MS);
  const after = offsetMs(formatter, wallMs + DAY_MS);
  let found = Number.NaN;
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wallMs - offset;
    if (offsetMs(formatter, instant) === offset && (Number.isNaN(found) || instant < found)) found = instant;
  }
  // In a gap no offset fits: read the time with the offset in force before the gap (the smaller one), which lands after it.
  return Number.isNaN(found) ? wallMs - Math.min(before, after) : found;
}

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** Minutes and seconds of a local time "HH:mm" or "HH:mm:ss" as ms since midnight, else null. */
export function parseLocalTime(time: string): number | null {
  const m = LOCAL_TIME.exec(time);
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 : null;
}

/** Local date "YYYY-MM-DD" and time "HH:mm" in a zone → UTC epoch ms (DST rules above); RangeError for an invalid date, time or zone. */
export function zonedToUtc(localDate: string, localTime: string, timeZone: string): number {
  const epochDay = parsePlainDate(localDate);
  const timeMs = parseLocalTime(localTime);
  if (epochDay === null || timeMs === null) throw new RangeError(`not a local date and time: ${localDate} ${localTime}`);
  return wallClockToUtc(epochDay * DAY_MS + timeMs, timeZone);
}

// ---------------------------------------------------------------- instants

/**
 * ISO 8601 date-time, extended form: date "YYYY-MM-DD", "T", time "HH:mm", ":ss" and a fraction
 * optional, then "Z" or an offset (±HH:mm, ±HHmm, ±HH), or none (then a wall time in the zone the
 * caller names). 24:00 is the next day's midnight; a leap second (:60) is refused.
 */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Epoch ms of an ISO instant, or null when it is not one. Without an offset the time is read as a
 * wall time in `zoneWithoutOffset` (UTC unless named; RangeError for an unknown zone).
 */
export function parseInstant(text: string, zoneWithoutOffset = 'UTC'): number | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const epochDay = parsePlainDate(m[1]!);
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  const millisecond = m[5] === undefined ? 0 : Number(m[5].slice(0, 3).padEnd(3, '0'));
  const midnightNext = hour === 24 && minute === 0 && second === 0 && millisecond === 0;
  if (epochDay === null || (hour > 23 && !midnightNext) || minute > 59 || second > 59) return null;
  const wall = epochDay * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
  if (m[6] !== undefined) return wall;
  if (m[7] === undefined) return wallClockToUtc(wall, zoneWithoutOffset);
  const [offsetHours, offsetMinutes] = [Number(m[8]), Number(m[9] ?? 0)];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  return wall - (m[7] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * MINUTE_MS;
}

/** The canonical form of an instant: "2027-01-04T08:00:00.000Z". */
export const formatInstant = (epochMs: number): string => new Date(epochMs).toISOString();

/** The wall clock of an ISO instant (without an offset: UTC) in a zone; RangeError for an invalid instant or zone. */
export function zonedOfInstant(instant: string, timeZone: string): ZonedDateTime {
  const ms = parseInstant(instant);
  if (ms === null) throw new RangeError(`not an ISO instant: ${instant}`);
  return utcToZoned(ms, timeZone);
}
