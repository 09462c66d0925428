// ISO weeks in the study's time zone: the week key under which the repositories file alerts,
// reports, messages and reminders, and the bounds of a weekly digest (found unpinned by the domain
// mutation run, docs/testing.md; the digest tests reach isoWeekBounds only through weekBounds).
import { describe, expect, it } from 'vitest';
import { isoWeekBounds, isoWeekOfInstant } from '#domain/week.ts';

const SH = 'Asia/Shanghai';

describe('isoWeekOfInstant: the week an instant falls in, in the study zone', () => {
  it('Monday 00:00 local starts the next week although it is still Sunday in UTC', () => {
    expect(isoWeekOfInstant('2027-01-17T15:59:59.999Z', SH)).toBe('2027-W02'); // Sun 23:59 local
    expect(isoWeekOfInstant('2027-01-17T16:00:00.000Z', SH)).toBe('2027-W03'); // Mon 00:00 local
    expect(isoWeekOfInstant('2027-01-17T16:00:00.000Z', 'UTC')).toBe('2027-W02');
  });

  it('uses the ISO week-year at a year boundary, and pads the week number', () => {
    expect(isoWeekOfInstant('2027-01-01T00:00:00.000Z', SH)).toBe('2026-W53');
    expect(isoWeekOfInstant('2027-01-04T00:00:00.000Z', SH)).toBe('2027-W01');
    expect(isoWeekOfInstant('2027-12-31T20:00:00+08:00', SH)).toBe('2027-W52');
  });
});

describe('isoWeekBounds: malformed and non-existent weeks', () => {
  it('names what is wrong', () => {
    expect(() => isoWeekBounds('2027-2', SH)).toThrow(new RangeError('not an ISO week: 2027-2'));
    expect(() => isoWeekBounds('2027-W02', 'Asia/Beijing')).toThrow(new RangeError('invalid week or time zone: 2027-W02 Asia/Beijing'));
    // A week the week-year does not have is refused, at either end.
    expect(() => isoWeekBounds('2027-W53', SH)).toThrow(new RangeError('invalid week or time zone: 2027-W53 Asia/Shanghai'));
    expect(() => isoWeekBounds('2027-W00', SH)).toThrow(new RangeError('invalid week or time zone: 2027-W00 Asia/Shanghai'));
  });

  it('2026 has a week 53; its bounds run Monday to Monday local', () => {
    expect(isoWeekBounds('2026-W53', SH)).toEqual({ from: '2026-12-27T16:00:00.000Z', to: '2027-01-03T16:00:00.000Z' });
  });
});
