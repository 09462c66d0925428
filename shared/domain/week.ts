import { DateTime } from 'luxon';

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** ISO week ("2027-W02") of an instant, in a time zone (the study's, for digests). */
export function isoWeekOfInstant(instant: string, timeZone: string): string {
  const dt = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone);
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/**
 * UTC bounds [from, to) of an ISO week in a time zone: Monday 00:00 local to the next Monday
 * 00:00 local (DST weeks are 167 or 169 hours long). A malformed or non-existent week (2027-W53,
 * 2027-W00) is a RangeError: luxon refuses a week its week-year does not have (a second check of
 * the week it built was dead code, found by the mutation run).
 */
export function isoWeekBounds(isoWeek: string, timeZone: string): { from: string; to: string } {
  const match = ISO_WEEK.exec(isoWeek);
  if (!match) throw new RangeError(`not an ISO week: ${isoWeek}`);
  const weekYear = Number(match[1]);
  const weekNumber = Number(match[2]);
  const monday = DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: timeZone });
  if (!monday.isValid) throw new RangeError(`invalid week or time zone: ${isoWeek} ${timeZone}`);
  const start = monday.startOf('day');
  return { from: start.toUTC().toISO()!, to: start.plus({ weeks: 1 }).toUTC().toISO()! };
}
