import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addWorkingMinutes, escalationDeadline, isWorkingDay, workingDaysBetween } from '#domain/working-time.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';

const protocol = loadProtocolFile();
const SH = 'Asia/Shanghai';
const hours = { start: '08:00', end: '18:00', weekdays: [1, 2, 3, 4, 5] };
/** Local wall time in Shanghai (UTC+8, no DST) → UTC ISO. */
const sh = (local: string) => DateTime.fromISO(local, { zone: SH }).toUTC().toISO()!;

describe('addWorkingMinutes (routine alerts count only working hours)', () => {
  it('inside working hours, within the day: plain addition', () => {
    // 2027-01-12 is a Tuesday.
    expect(addWorkingMinutes(sh('2027-01-12T09:30'), 120, hours, SH)).toBe(sh('2027-01-12T11:30'));
  });

  it('spills over the evening into the next working day', () => {
    expect(addWorkingMinutes(sh('2027-01-12T12:00'), 480, hours, SH)).toBe(sh('2027-01-13T10:00'));
  });

  it('raised before opening: counting starts at 08:00', () => {
    expect(addWorkingMinutes(sh('2027-01-12T07:00'), 480, hours, SH)).toBe(sh('2027-01-12T16:00'));
  });

  it('raised Friday 17:00: one hour on Friday, the rest on Monday (the weekend does not count)', () => {
    // 2027-01-15 is a Friday; 60 min Friday + 420 min Monday from 08:00 → Monday 15:00.
    expect(addWorkingMinutes(sh('2027-01-15T17:00'), 480, hours, SH)).toBe(sh('2027-01-18T15:00'));
  });

  it('raised on a Saturday: nothing counts before Monday 08:00', () => {
    expect(addWorkingMinutes(sh('2027-01-16T10:00'), 480, hours, SH)).toBe(sh('2027-01-18T16:00'));
  });

  it('raised exactly at closing time: the next working day', () => {
    expect(addWorkingMinutes(sh('2027-01-12T18:00'), 30, hours, SH)).toBe(sh('2027-01-13T08:30'));
  });

  it('zero minutes outside working hours means the next opening', () => {
    expect(addWorkingMinutes(sh('2027-01-16T10:00'), 0, hours, SH)).toBe(sh('2027-01-18T08:00'));
  });

  it('a working day spanning a DST change counts local wall-clock hours (America/New_York, spring forward)', () => {
    const ny = (local: string) => DateTime.fromISO(local, { zone: 'America/New_York' }).toUTC().toISO()!;
    // Friday 2027-03-12 16:00 EST: 2 h Friday; DST starts Sunday 03-14; Monday 08:00 EDT + 6 h = 14:00 EDT (18:00Z).
    const due = addWorkingMinutes(ny('2027-03-12T16:00'), 480, hours, 'America/New_York');
    expect(due).toBe(ny('2027-03-15T14:00'));
    expect(due).toBe('2027-03-15T18:00:00.000Z');
  });

  it('refuses nonsense configuration and input with a clear error', () => {
    expect(() => addWorkingMinutes(sh('2027-01-12T09:00'), 10, { ...hours, start: '18:00', end: '08:00' }, SH)).toThrow(/start must be before/);
    expect(() => addWorkingMinutes(sh('2027-01-12T09:00'), -1, hours, SH)).toThrow(/≥ 0/);
    expect(() => addWorkingMinutes('yesterday', 10, hours, SH)).toThrow(/ISO instant/);
    expect(() => addWorkingMinutes(sh('2027-01-12T09:00'), 10, { ...hours, weekdays: [] }, SH)).toThrow(/weekdays/);
  });

  it('property: the deadline is always inside working hours and exactly N working minutes later', () => {
    const start = Date.parse('2027-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 60 }), fc.integer({ min: 1, max: 3000 }), (offsetMinutes, minutes) => {
        const from = new Date(start + offsetMinutes * 60_000).toISOString();
        const due = addWorkingMinutes(from, minutes, hours, SH);
        const local = DateTime.fromISO(due, { zone: SH });
        const minuteOfDay = local.hour * 60 + local.minute;
        expect(hours.weekdays).toContain(local.weekday);
        expect(minuteOfDay).toBeGreaterThan(8 * 60);
        expect(minuteOfDay).toBeLessThanOrEqual(18 * 60);
        // Count working minutes minute by minute between from and due.
        let counted = 0;
        for (let t = Date.parse(from); t < Date.parse(due); t += 60_000) {
          const l = DateTime.fromMillis(t, { zone: SH });
          const m = l.hour * 60 + l.minute;
          if (hours.weekdays.includes(l.weekday) && m >= 8 * 60 && m < 18 * 60) counted++;
        }
        expect(counted).toBe(minutes);
      }),
      { numRuns: 60 },
    );
  });
});

describe('escalationDeadline (protocol ack times)', () => {
  it('returns instants in the Clock\'s shape (with milliseconds), so index keys sort by time', () => {
    expect(escalationDeadline(protocol.alerts, '2027-01-16T14:00:00Z', SH)).toBe('2027-01-16T16:00:00.000Z');
    expect(escalationDeadline(protocol.alerts, '2027-01-16T14:00:00Z', SH)).toBe(new Date('2027-01-16T16:00:00Z').toISOString());
  });

  it('urgent: wall-clock minutes, even at night and on weekends', () => {
    expect(escalationDeadline(protocol.alerts, sh('2027-01-16T23:30'), SH)).toBe(sh('2027-01-17T01:30'));
  });

});

describe('working days (protocol calendar)', () => {
  const weekdays = [1, 2, 3, 4, 5];
  const calendar = { holidays: ['2027-10-01', '2027-10-04'], workingWeekendDays: ['2027-10-09'] };

  it('a holiday on a weekday is not a working day; a make-up Saturday is', () => {
    expect(isWorkingDay('2027-09-30', weekdays, calendar)).toBe(true);
    expect(isWorkingDay('2027-10-01', weekdays, calendar)).toBe(false);
    expect(isWorkingDay('2027-10-02', weekdays, calendar)).toBe(false);
    expect(isWorkingDay('2027-10-09', weekdays, calendar)).toBe(true);
    expect(isWorkingDay('2027-10-09', weekdays)).toBe(false);
  });

  it('counts working days after the start date up to the end date', () => {
    // Thu 30 Sep → Tue 5 Oct: Fri 1 (holiday), Sat, Sun, Mon 4 (holiday), Tue 5 → 1.
    expect(workingDaysBetween('2027-09-30', '2027-10-05', weekdays, calendar)).toBe(1);
    expect(workingDaysBetween('2027-09-30', '2027-10-05', weekdays)).toBe(3);
    expect(workingDaysBetween('2027-10-05', '2027-10-05', weekdays, calendar)).toBe(0);
    expect(workingDaysBetween('2027-10-06', '2027-10-05', weekdays, calendar)).toBe(0);
  });

  it('working minutes skip holidays', () => {
    // Thu 30 Sep 17:00 + 120 working minutes: 1 h on Thu, Fri 1 Oct holiday, weekend, Mon 4 holiday → Tue 09:00.
    expect(addWorkingMinutes(sh('2027-09-30T17:00'), 120, protocol.alerts.workingHours, SH, calendar)).toBe(sh('2027-10-05T09:00'));
  });

  it('rejects a malformed date', () => {
    expect(() => isWorkingDay('2027-13-01', weekdays)).toThrow(RangeError);
  });
});
