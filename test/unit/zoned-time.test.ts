/**
 * shared/domain/zoned-time.ts against luxon as the oracle (luxon is a dev dependency only: no
 * shipped code imports it), over random instants, dates and wall times in zones with DST, with
 * 30/45-minute offsets and DST steps, with changes at midnight, in both hemispheres; plus named
 * DST edges worked out from the tz rules.
 *
 * One thing luxon does not give by itself: for an ambiguous wall time (fall back) it answers the
 * occurrence whose offset the zone has at the moment of the call (Settings.now), so its answer
 * changes with the season the test runs in. The oracle asks it twice, with "now" in January and in
 * July (one in standard time, one in DST, in every DST zone here), and takes the earlier instant
 * that reads back as the wall time asked for: the first occurrence.
 */
import fc from 'fast-check';
import { DateTime, IANAZone, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatInstant,
  formatIsoWeek,
  formatPlainDate,
  isValidTimeZone,
  isoWeekOfEpochDay,
  isoWeekdayOfEpochDay,
  mondayOfIsoWeek,
  parseInstant,
  parsePlainDate,
  utcToZoned,
  wallClockToUtc,
  zoneOffsetMinutes,
  zonedToUtc,
} from '#domain/zoned-time.ts';
import { formatLocalDate } from '#domain/templates.ts';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Asia/Shanghai',
  'Asia/Kolkata', // +05:30, no DST
  'Australia/Sydney', // southern hemisphere
  'Australia/Lord_Howe', // +10:30, a 30-minute DST step
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // DST changes at midnight, southern hemisphere
  'Asia/Beirut', // DST changes at midnight
  'UTC',
] as const;
const DAY_MS = 86_400_000;
const realNow = Settings.now;
afterEach(() => {
  Settings.now = realNow;
});

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const wallOf = (dt: DateTime) => `${dt.toISODate()} ${dt.toFormat('HH:mm')}`;

/** The first instant whose wall time in `zone` is the one given; in a gap, luxon's (forward) answer. */
function oracleLocalToUtc(date: string, time: string, zone: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const answers = [Date.UTC(2027, 0, 15), Date.UTC(2027, 6, 15)].map((now) => {
    Settings.now = () => now;
    return DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  });
  Settings.now = realNow;
  // luxon's search starts from the zone's offset today, so a zone that kept one offset since (Asia/Shanghai
  // after 1991) never finds the first occurrence of a fall-back hour of its past: also try every offset the
  // zone had a day either side, and keep each instant whose wall clock is the one asked for.
  const base = answers[0]!.toMillis();
  const offsets = new Set([-86_400_000, 0, 86_400_000].map((d) => DateTime.fromMillis(base + d, { zone }).offset));
  const wallMs = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = [...answers.map((dt) => dt.toMillis()), ...[...offsets].map((o) => wallMs - o * 60_000)];
  const exact = candidates.filter((ms) => wallOf(DateTime.fromMillis(ms, { zone })) === `${date} ${time}`);
  return new Date(exact.length > 0 ? Math.min(...exact) : base).toISOString();
}

const zone = fc.constantFrom(...ZONES);
const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });
const plainDate = fc.integer({ min: parsePlainDate('1901-01-01')!, max: parsePlainDate('2199-12-31')! }).map(formatPlainDate);
/** Wall times around where clocks change: spring and autumn months, in the small hours or late evening. */
const wallNearChanges = fc.record({
  year: fc.integer({ min: 1990, max: 2045 }),
  month: fc.constantFrom(3, 4, 9, 10, 11),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.constantFrom(0, 1, 2, 3, 22, 23),
  minute: fc.integer({ min: 0, max: 59 }),
});
const anyWall = fc.record({
  year: fc.integer({ min: 1971, max: 2099 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
});

describe('zoned-time equals luxon', () => {
  it('instant → wall clock (date, HH:mm, weekday) and offset, in every zone', () => {
    fc.assert(
      fc.property(instant, zone, (ms, z) => {
        const dt = DateTime.fromMillis(ms, { zone: z });
        const mine = utcToZoned(ms, z);
        expect([mine.date, mine.time, mine.weekday, mine.second, mine.millisecond]).toEqual([dt.toISODate(), dt.toFormat('HH:mm'), dt.weekday, dt.second, dt.millisecond]);
        expect(zoneOffsetMinutes(ms, z)).toBe(dt.offset);
      }),
      { numRuns: 3000 },
    );
  });

  it('wall clock → instant: gaps forward, ambiguous times at their first occurrence, near clock changes and anywhere', () => {
    fc.assert(
      fc.property(fc.oneof(wallNearChanges, anyWall), zone, (w, z) => {
        const date = `${w.year}-${pad(w.month)}-${pad(w.day)}`;
        const time = `${pad(w.hour)}:${pad(w.minute)}`;
        expect(formatInstant(zonedToUtc(date, time, z))).toBe(oracleLocalToUtc(date, time, z));
      }),
      // Shanghai's last fall-back (1990-09-16 02:00 → 01:00): once found at random, the oracle's own blind spot.
      { numRuns: 3000, examples: [[{ year: 1990, month: 9, day: 16, hour: 1, minute: 0 }, 'Asia/Shanghai']] },
    );
  });

  it('every wall minute of the clock-change days of 2027 in each zone', () => {
    for (const z of ZONES) {
      const year = DateTime.fromObject({ year: 2027 }, { zone: z });
      const changeDays = new Set<string>();
      for (let t = year.toMillis(); t < year.plus({ years: 1 }).toMillis(); t += 3_600_000) {
        const here = DateTime.fromMillis(t, { zone: z });
        if (here.offset !== DateTime.fromMillis(t + 3_600_000, { zone: z }).offset) changeDays.add(here.toISODate()!).add(here.plus({ hours: 1 }).toISODate()!);
      }
      if (z === 'UTC' || z === 'Asia/Shanghai' || z === 'Asia/Kolkata') expect(changeDays.size).toBe(0);
      else expect(changeDays.size).toBeGreaterThanOrEqual(2);
      const wrong: string[] = [];
      for (const date of changeDays) {
        for (let m = 0; m < 1440; m++) {
          const time = `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
          const mine = formatInstant(zonedToUtc(date, time, z));
          if (mine !== oracleLocalToUtc(date, time, z)) wrong.push(`${z} ${date} ${time} ${mine}`);
        }
      }
      expect(wrong).toEqual([]);
    }
  });

  it('plain dates: validity, weekday and ISO week (week-year rules)', () => {
    fc.assert(
      fc.property(plainDate, (date) => {
        const day = parsePlainDate(date)!;
        const dt = DateTime.fromISO(date, { zone: 'UTC' });
        expect(formatPlainDate(day)).toBe(date);
        expect(isoWeekdayOfEpochDay(day)).toBe(dt.weekday);
        expect(formatIsoWeek(isoWeekOfEpochDay(day))).toBe(dt.toFormat("kkkk-'W'WW"));
      }),
      { numRuns: 3000 },
    );
    for (const bad of ['2027-02-29', '2028-02-30', '2027-13-01', '2027-00-10', '2027-04-31', '2027-1-01', '20270101', ' 2027-01-01', '']) {
      expect(parsePlainDate(bad)).toBeNull();
    }
    expect(parsePlainDate('2028-02-29')).not.toBeNull();
    expect(formatPlainDate(parsePlainDate('0099-03-01')!)).toBe('0099-03-01'); // no 1900s mapping of years 0–99
  });

  it('the Monday of an ISO week, and weeks a week-year does not have', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2199 }), fc.integer({ min: 0, max: 54 }), (weekYear, weekNumber) => {
        const dt = DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: 'UTC' });
        const monday = mondayOfIsoWeek(weekYear, weekNumber);
        expect(monday === null ? null : formatPlainDate(monday)).toBe(dt.isValid ? dt.toISODate() : null);
      }),
      { numRuns: 3000 },
    );
  });

  it('ISO instants in any form luxon reads the same way, and the canonical form', () => {
    const offset = fc.constantFrom('Z', 'z', '+08:00', '-05:00', '+0530', '-0345', '+05', '+00:00', '-00:30', '');
    const fraction = fc.constantFrom('', '.5', '.57', '.570', '.123456', ',25');
    fc.assert(
      fc.property(instant, fc.constantFrom(16, 19), fraction, offset, zone, (ms, length, frac, off, z) => {
        const text = `${new Date(ms).toISOString().slice(0, length)}${length === 19 ? frac : ''}${off}`;
        const mine = parseInstant(text, z);
        const dt = DateTime.fromISO(text, { zone: off === '' ? z : 'UTC' });
        if (off === '') {
          // Without an offset: a wall time in the zone (first occurrence, as above).
          const wall = text.replace('T', ' ').slice(0, 16).split(' ') as [string, string];
          expect(mine === null ? null : formatInstant(Math.floor(mine / 60_000) * 60_000)).toBe(oracleLocalToUtc(wall[0], wall[1], z));
        } else {
          expect(mine === null ? null : formatInstant(mine)).toBe(dt.isValid ? dt.toUTC().toISO() : null);
        }
      }),
      { numRuns: 3000 },
    );
    for (const text of ['2027-01-04T24:00:00Z', '2027-01-04T24:01Z', '2027-01-04T08:00:60Z', '2027-02-30T00:00:00Z', '2027-01-04T25:00Z', '2027-01-04T08:61Z']) {
      const dt = DateTime.fromISO(text, { zone: 'UTC' });
      expect(parseInstant(text) === null ? null : formatInstant(parseInstant(text)!)).toBe(dt.isValid ? dt.toUTC().toISO() : null);
    }
    // Forms luxon also read, refused here: nothing in the system writes them.
    for (const text of ['2027-01-04T08Z', '2027-01-04T0800Z', '2027-01-04', '2027-01-04 08:00Z', '2027-01-04T08:00:00Z[Asia/Shanghai]', '+002027-01-04T08:00Z']) {
      expect(parseInstant(text)).toBeNull();
    }
  });

  it('time zone validity as luxon (IANAZone.isValidZone) and Intl see it', () => {
    for (const z of [...ZONES, 'asia/shanghai', 'Etc/GMT-8', '+08:00', 'Asia/Beijing', 'Mars/Olympus', '', 'local', 'system', 'UTC+8', 'GMT+8']) {
      expect(isValidTimeZone(z)).toBe(IANAZone.isValidZone(z));
    }
    expect(() => utcToZoned(0, 'Asia/Beijing')).toThrow(new RangeError('unknown time zone: Asia/Beijing'));
  });

  it("a patient's dates in English and Chinese, every day of 2027–2028", () => {
    for (let day = parsePlainDate('2027-01-01')!; day <= parsePlainDate('2028-12-31')!; day++) {
      const date = formatPlainDate(day);
      const dt = DateTime.fromISO(date, { zone: 'UTC' });
      expect(formatLocalDate(date, 'en')).toBe(dt.setLocale('en-GB').toFormat('ccc d LLL'));
      expect(formatLocalDate(date, 'zh-CN')).toBe(`${dt.month}月${dt.day}日`);
    }
  });
});

describe('named DST edges (worked out from the tz rules)', () => {
  const utc = (date: string, time: string, z: string) => formatInstant(zonedToUtc(date, time, z));
  it('spring-forward gaps move forward by the gap', () => {
    expect(utc('2027-03-14', '02:30', 'America/New_York')).toBe('2027-03-14T07:30:00.000Z'); // 03:30 EDT
    expect(utc('2027-03-28', '01:30', 'Europe/London')).toBe('2027-03-28T01:30:00.000Z'); // 02:30 BST
    expect(utc('2027-10-03', '02:30', 'Australia/Sydney')).toBe('2027-10-02T16:30:00.000Z'); // 03:30 AEDT
    expect(utc('2027-10-03', '02:15', 'Australia/Lord_Howe')).toBe('2027-10-02T15:45:00.000Z'); // 02:45 +11 (a 30-minute gap)
    expect(utc('2027-09-26', '02:50', 'Pacific/Chatham')).toBe('2027-09-25T14:05:00.000Z'); // 03:50 +13:45
    expect(utc('2027-09-05', '00:00', 'America/Santiago')).toBe('2027-09-05T04:00:00.000Z'); // midnight does not exist: 01:00 -03
    expect(utc('2027-03-28', '00:30', 'Asia/Beirut')).toBe('2027-03-27T22:30:00.000Z'); // 01:30 EEST
  });

  it('ambiguous (fall-back) times take the first occurrence', () => {
    expect(utc('2027-11-07', '01:30', 'America/New_York')).toBe('2027-11-07T05:30:00.000Z'); // 01:30 EDT, not EST
    expect(utc('2027-10-31', '01:30', 'Europe/London')).toBe('2027-10-31T00:30:00.000Z'); // 01:30 BST
    expect(utc('2027-04-04', '02:30', 'Australia/Sydney')).toBe('2027-04-03T15:30:00.000Z'); // 02:30 AEDT, not AEST
    expect(utc('2027-04-04', '01:45', 'Australia/Lord_Howe')).toBe('2027-04-03T14:45:00.000Z'); // 01:45 +11, not +10:30
    expect(utc('2027-04-04', '03:00', 'Pacific/Chatham')).toBe('2027-04-03T13:15:00.000Z'); // 03:00 +13:45, not +12:45
    expect(utc('2027-04-03', '23:30', 'America/Santiago')).toBe('2027-04-04T02:30:00.000Z'); // 23:30 -03, not -04
    expect(utc('2027-10-30', '23:30', 'Asia/Beirut')).toBe('2027-10-30T20:30:00.000Z'); // 23:30 EEST, not EET
  });

  it('offsets off the hour, and midnight where it does not exist', () => {
    expect(utc('2027-01-04', '08:00', 'Asia/Kolkata')).toBe('2027-01-04T02:30:00.000Z');
    expect(utcToZoned(Date.parse('2027-09-05T03:59:59.999Z'), 'America/Santiago')).toMatchObject({ date: '2027-09-04', time: '23:59' });
    expect(utcToZoned(Date.parse('2027-09-05T04:00:00.000Z'), 'America/Santiago')).toMatchObject({ date: '2027-09-05', time: '01:00', weekday: 7 });
    expect(wallClockToUtc(parsePlainDate('2027-09-05')! * DAY_MS, 'America/Santiago')).toBe(Date.parse('2027-09-05T04:00:00.000Z'));
  });
});
