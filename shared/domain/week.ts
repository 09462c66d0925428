import { DateTime } from 'luxon';

/** ISO week ("2027-W02") of an instant, in a time zone (the study's, for digests). */
export function isoWeekOfInstant(instant: string, timeZone: string): string {
  const dt = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(timeZone);
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/** UTC bounds [from, to) of an ISO week in a time zone: Monday 00:00 local to the next Monday 00:00 local. */
export function isoWeekBounds(isoWeek: string, timeZone: string): { from: string; to: string } {
  const match = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  if (!match) throw new Error(`not an ISO week: ${isoWeek}`);
  const start = DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 }, { zone: timeZone });
  if (!start.isValid) throw new Error(`not an ISO week: ${isoWeek}`);
  const iso = (d: DateTime) => d.toUTC().toISO()!;
  return { from: iso(start), to: iso(start.plus({ weeks: 1 })) };
}
