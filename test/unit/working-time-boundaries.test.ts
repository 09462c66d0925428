// Edges of working time that working-time.test.ts did not pin (found by mutation testing,
// docs/testing.md): the closing minute, a deadline that ends exactly at closing, and the
// configuration a protocol may or may not give.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { addWorkingMinutes, isWorkingDay, workingDaysBetween } from '#domain/working-time.ts';

const SH = 'Asia/Shanghai';
const hours = { start: '08:00', end: '18:00', weekdays: [1, 2, 3, 4, 5] };
const sh = (local: string) => DateTime.fromISO(local, { zone: SH }).toUTC().toISO()!;
// 2027-01-12 is a Tuesday.
const tuesday = sh('2027-01-12T09:00');

describe('addWorkingMinutes at the edges of the working day', () => {
  it('a deadline that ends exactly at closing time is that closing time, not the next morning', () => {
    expect(addWorkingMinutes(sh('2027-01-12T17:00'), 60, hours, SH)).toBe(sh('2027-01-12T18:00'));
  });

  it('zero minutes at exactly closing time is the next opening: the closing minute is outside working hours', () => {
    expect(addWorkingMinutes(sh('2027-01-12T18:00'), 0, hours, SH)).toBe(sh('2027-01-13T08:00'));
  });

  it('minutes in the start and end times count (09:10–09:30 is a 20-minute day)', () => {
    const short = { start: '09:10', end: '09:30', weekdays: [2] };
    expect(addWorkingMinutes(sh('2027-01-12T09:00'), 20, short, SH)).toBe(sh('2027-01-12T09:30'));
    expect(() => addWorkingMinutes(tuesday, 10, { ...short, start: '09:30', end: '09:10' }, SH)).toThrow(/start must be before/);
  });

  it('refuses an empty working day (start equal to end)', () => {
    expect(() => addWorkingMinutes(tuesday, 10, { ...hours, start: '09:00', end: '09:00' }, SH)).toThrow(/start must be before/);
  });

  it('accepts 20:00–23:59 and refuses 24:00, "8:00" and times with seconds, naming the field', () => {
    expect(addWorkingMinutes(sh('2027-01-12T20:00'), 30, { ...hours, start: '20:00', end: '23:59' }, SH)).toBe(sh('2027-01-12T20:30'));
    expect(() => addWorkingMinutes(tuesday, 10, { ...hours, end: '24:00' }, SH)).toThrow(/workingHours\.end must be HH:mm/);
    expect(() => addWorkingMinutes(tuesday, 10, { ...hours, start: '8:00' }, SH)).toThrow(/workingHours\.start must be HH:mm/);
    expect(() => addWorkingMinutes(tuesday, 10, { ...hours, start: '08:00:00' }, SH)).toThrow(/workingHours\.start must be HH:mm/);
    expect(() => addWorkingMinutes(tuesday, 10, { ...hours, end: 'x18:00' }, SH)).toThrow(/workingHours\.end must be HH:mm/);
  });

  it('weekdays are ISO 1 (Monday) to 7 (Sunday): Monday only and Sunday only are valid, 0, 8 and 1.5 are not', () => {
    // 2027-01-11 is a Monday, 2027-01-17 a Sunday.
    expect(addWorkingMinutes(sh('2027-01-11T09:00'), 30, { ...hours, weekdays: [1] }, SH)).toBe(sh('2027-01-11T09:30'));
    expect(addWorkingMinutes(sh('2027-01-17T09:00'), 30, { ...hours, weekdays: [7] }, SH)).toBe(sh('2027-01-17T09:30'));
    for (const weekdays of [[0], [8], [1.5]]) {
      expect(() => addWorkingMinutes(tuesday, 10, { ...hours, weekdays }, SH), JSON.stringify(weekdays)).toThrow(/weekdays/);
    }
  });

  it('rejects an unknown time zone', () => {
    expect(() => addWorkingMinutes(tuesday, 10, hours, 'Nowhere/Else')).toThrow(/unknown time zone/);
  });
});

describe('working days', () => {
  it('a local date is exactly YYYY-MM-DD: a date-time is refused', () => {
    expect(() => isWorkingDay('2027-01-12T10:00', hours.weekdays)).toThrow(/not a local date/);
    expect(isWorkingDay('2027-01-12', hours.weekdays)).toBe(true);
  });

  it('workingDaysBetween refuses either date being malformed', () => {
    expect(() => workingDaysBetween('someday', '2027-01-12', hours.weekdays)).toThrow(RangeError);
    expect(() => workingDaysBetween('2027-01-12', 'someday', hours.weekdays)).toThrow(RangeError);
  });
});

describe('dates the working calendar refuses, by name', () => {
  it('a date with a time, or no date at all', () => {
    expect(() => isWorkingDay('2027-01-11T10:00', [1, 2, 3, 4, 5])).toThrow(new RangeError('not a local date YYYY-MM-DD: 2027-01-11T10:00'));
    expect(() => workingDaysBetween('2027-01-11', 'soon', [1, 2, 3, 4, 5])).toThrow(new RangeError('not local dates: 2027-01-11, soon'));
  });
});
