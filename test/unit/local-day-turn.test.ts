/**
 * The sweep looks at idle patients with unresolved episodes once per local day: in the first run of
 * each UTC hour, when `localDateTurnedWithinHour` says their date turned in the past hour. Checked
 * against the Intl oracle (test/support/local-time-oracle.ts), never the production helpers: over a
 * whole year of hourly instants, every local date of every zone is seen exactly once — including the
 * days whose midnight does not exist. The gate it replaced ("local time before 01:00") missed those
 * days (America/Santiago 2027-09-05, Asia/Beirut 2027-03-28 …).
 */
import { describe, expect, it } from 'vitest';
import { localDateTurnedWithinHour } from '#domain/schedule.ts';
import { wallClock } from '../support/local-time-oracle.ts';

const ZONES = [
  'Asia/Shanghai', // the trial's zone, no DST
  'America/Santiago', // DST starts at 00:00: that day has no midnight
  'Asia/Beirut', // DST starts at 00:00
  'America/Havana', // DST starts at 00:00
  'America/New_York', // DST at 02:00
  'Asia/Kolkata', // +05:30
  'Asia/Kathmandu', // +05:45
  'Australia/Lord_Howe', // a 30-minute DST shift
  'Pacific/Chatham', // +12:45 / +13:45
];
const HOUR = 3_600_000;
const FROM = Date.UTC(2027, 0, 2);
const TO = Date.UTC(2027, 11, 30);

describe('localDateTurnedWithinHour: once per local date, in every zone, all year', () => {
  it.each(ZONES)('%s: true in exactly one hourly sweep of each local date, and that sweep is in that date', (zone) => {
    const seen = new Map<string, number>();
    for (let t = FROM; t < TO; t += HOUR) {
      const now = new Date(t).toISOString();
      if (!localDateTurnedWithinHour(now, zone)) continue;
      const date = wallClock(t, zone).date;
      // The date did turn: an hour earlier it was another date.
      expect(wallClock(t - HOUR, zone).date).not.toBe(date);
      seen.set(date, (seen.get(date) ?? 0) + 1);
    }
    const dates: string[] = [];
    for (let t = FROM + 2 * 86_400_000; t < TO - 2 * 86_400_000; t += 86_400_000) dates.push(wallClock(t, zone).date);
    for (const date of dates) expect([date, seen.get(date)]).toEqual([date, 1]);
  });

  it('on the day America/Santiago has no midnight (2027-09-05, 00:00 → 01:00) the turn is seen at 01:00 local; "before 01:00" never was', () => {
    // 04:00Z is 01:00 -03 on Sept 5; 03:00Z was 23:00 -04 on Sept 4.
    expect(wallClock('2027-09-05T04:00:00.000Z', 'America/Santiago')).toEqual({ date: '2027-09-05', time: '01:00' });
    expect(localDateTurnedWithinHour('2027-09-05T04:00:00.000Z', 'America/Santiago')).toBe(true);
    const firstHour = Array.from({ length: 24 }, (_, h) => wallClock(Date.UTC(2027, 8, 5, h), 'America/Santiago')).filter((w) => w.date === '2027-09-05' && w.time < '01:00');
    expect(firstHour).toEqual([]);
  });

  it('Shanghai: exactly at 16:00Z (00:00 local), not an hour before or after', () => {
    expect(localDateTurnedWithinHour('2027-01-13T16:00:00.000Z', 'Asia/Shanghai')).toBe(true);
    expect(localDateTurnedWithinHour('2027-01-13T15:00:00.000Z', 'Asia/Shanghai')).toBe(false);
    expect(localDateTurnedWithinHour('2027-01-13T17:00:00.000Z', 'Asia/Shanghai')).toBe(false);
  });
});
