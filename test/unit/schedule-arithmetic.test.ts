import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, plusMinutes, studyDayOf, weekdayOfDate } from '#domain/schedule.ts';

/**
 * The schedule engine's date arithmetic (epoch days / milliseconds, shared/domain/zoned-time.ts)
 * must give luxon's answer exactly, for any date and any offset: luxon is the test oracle here.
 */
const luxon = {
  addDays: (date: string, days: number) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate(),
  studyDayOf: (a: string, b: string) => Math.round(DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days),
  plusMinutes: (instant: string, minutes: number) => DateTime.fromISO(instant, { zone: 'UTC' }).plus({ minutes }).toUTC().toISO(),
  weekday: (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).weekday,
};
const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const instant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true });

describe('schedule date arithmetic equals luxon', () => {
  it('addDays, studyDayOf and the weekday of any date', () => {
    fc.assert(
      fc.property(date, date, fc.integer({ min: -4000, max: 4000 }), (a, b, days) => {
        expect(addDays(a, days)).toBe(luxon.addDays(a, days));
        expect(studyDayOf(a, b)).toBe(luxon.studyDayOf(a, b));
        expect(weekdayOfDate(a)).toBe(luxon.weekday(a));
      }),
      { numRuns: 2000 },
    );
  });

  it('plusMinutes on any instant form (with or without seconds/milliseconds)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -100_000, max: 100_000 }), fc.constantFrom(24, 20, 17), (d, minutes, length) => {
        const iso = d.toISOString();
        const form = length === 24 ? iso : length === 20 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 16)}Z`;
        expect(plusMinutes(form, minutes)).toBe(luxon.plusMinutes(form, minutes));
      }),
      { numRuns: 2000 },
    );
  });

  it('other forms and invalid dates behave as before', () => {
    for (const [a, days] of [['2027-02-30', 1], ['2027-13-01', 1], ['0999-12-31', 1], ['2027-01-01', 0.5], ['2027-01-01', -0.5]] as const) {
      expect(addDays(a, days)).toBe(luxon.addDays(a, days));
    }
    // A plain date is "YYYY-MM-DD" only (what every schema lets in): luxon also read the basic form.
    expect(addDays('20270101', 1)).toBeNull();
    expect(studyDayOf('2027-02-30', '2027-03-01')).toBe(luxon.studyDayOf('2027-02-30', '2027-03-01'));
    for (const i of ['2027-01-04T08:00:00+08:00', '2027-01-04T08:00:00.000-05:00', '2027-02-30T00:00:00Z', '2027-01-04T24:00:00Z', '2027-01-04T08:00:60Z']) {
      expect(plusMinutes(i, 30)).toBe(luxon.plusMinutes(i, 30));
    }
  });
});
