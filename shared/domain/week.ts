import { formatInstant, formatIsoWeek, isoWeekOfEpochDay, isValidTimeZone, mondayOfIsoWeek, parseInstant, utcToZoned, wallClockToUtc } from './zoned-time.ts';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;
const DAY_MS = 86_400_000;

/** ISO week ("2027-W02") of an instant, in a time zone (the study's, for digests). */
export function isoWeekOfInstant(instant: string, timeZone: string): string {
  const ms = parseInstant(instant);
  if (ms === null) throw new RangeError(`not an ISO instant: ${instant}`);
  return formatIsoWeek(isoWeekOfEpochDay(utcToZoned(ms, timeZone).epochDay));
}

/**
 * UTC bounds [from, to) of an ISO week in a time zone: Monday 00:00 local to the next Monday
 * 00:00 local (DST weeks are 167 or 169 hours long; where a Monday's midnight does not exist, the
 * day starts when the clocks do). A malformed or non-existent week (2027-W53, 2027-W00) or an
 * unknown zone is a RangeError.
 */
export function isoWeekBounds(isoWeek: string, timeZone: string): { from: string; to: string } {
  const match = ISO_WEEK.exec(isoWeek);
  if (!match) throw new RangeError(`not an ISO week: ${isoWeek}`);
  const monday = mondayOfIsoWeek(Number(match[1]), Number(match[2]));
  if (monday === null || !isValidTimeZone(timeZone)) throw new RangeError(`invalid week or time zone: ${isoWeek} ${timeZone}`);
  return { from: formatInstant(wallClockToUtc(monday * DAY_MS, timeZone)), to: formatInstant(wallClockToUtc((monday + 7) * DAY_MS, timeZone)) };
}
