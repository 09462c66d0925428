// Edges of the schedule engine that schedule.test.ts did not pin (found by mutation testing,
// docs/testing.md): the "new dose" flag of the taper, the last day of prednisone, which visits and
// lab dates are reminded, the window's ends, the first weekly check-in and the order of items.
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { addDays, canonicalInstant, computeSchedule, dosesAt, labDates, visitDates } from '#domain/schedule.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();

describe('doses of a study day', () => {
  const patient = makePatient(protocol);
  const prednisone = (studyDay: number) => dosesAt(protocol, patient, studyDay, 'morning').find((d) => d.drug === 'prednisone');

  it('flags a step down of the taper on its first day only (the reminder announces the new dose once)', () => {
    // The default taper: 40 mg on days 0–27, 35 mg from day 28.
    expect([0, 27, 28, 29].map((day) => [prednisone(day)?.amount, prednisone(day)?.stepDown])).toEqual([
      [40, false],
      [40, false],
      [35, true],
      [35, false],
    ]);
  });

  it('no prednisone reminder once the taper is over (a dose of 0 mg is no dose), the MMF dose goes on', () => {
    // The taper's last step ends on day 181; induction lasts to day 182.
    expect(dosesAt(protocol, patient, 182, 'morning').map((d) => d.drug)).toEqual(['mmf']);
    expect(dosesAt(protocol, patient, 181, 'morning').map((d) => d.drug)).toEqual(['prednisone', 'mmf']);
  });
});

describe('visit and lab dates', () => {
  it('an appointment for a visit the protocol does not know is kept as an unscheduled visit, reminded', () => {
    const patient = makePatient(protocol, { appointments: { m1: '2027-02-05', 'extra-ct': '2027-03-01' } });
    const dates = visitDates(protocol, patient);
    expect(dates.find((v) => v.key === 'm1')).toEqual({ key: 'm1', date: '2027-02-05', remind: true, scheduled: true });
    expect(dates.find((v) => v.key === 'extra-ct')).toEqual({ key: 'extra-ct', date: '2027-03-01', remind: true, scheduled: false });
    expect(dates.filter((v) => !v.scheduled).map((v) => v.key)).toEqual(['extra-ct']);
  });

  it('no lab monitoring before randomization, nor in an arm without it (MMF)', () => {
    expect(labDates(protocol, makePatient(protocol, { arm: null }))).toEqual([]);
    expect(labDates(protocol, makePatient(protocol, { arm: 'MMF', randomizedOn: '2027-07-05' }))).toEqual([]);
  });

  it('the LEF lab schedule ends on the last study day, that day included', () => {
    // Enrolled 2027-01-04, so the study ends on day 547 = 2028-07-04. Randomized on day 29, the
    // 56-day labs fall on randomization + 518 = day 547.
    const patient = makePatient(protocol, { arm: 'LEF', enrolledOn: '2027-01-04', randomizedOn: addDays('2027-01-04', 29) });
    const dates = labDates(protocol, patient);
    const end = addDays('2027-01-04', protocol.endOfStudyDay);
    expect(dates.at(-1)).toBe(end);
    expect(dates.every((d) => d <= end)).toBe(true);
  });
});

describe('computeSchedule', () => {
  it('a visit the protocol does not remind is not reminded, even when an appointment moves it', () => {
    const patient = makePatient(protocol, { appointments: { baseline: '2027-01-20' } });
    const items = computeSchedule(patient, protocol, { from: '2027-01-10T00:00:00.000Z', to: '2027-01-21T00:00:00.000Z' });
    expect(items.filter((i) => i.kind === 'visit')).toEqual([]);
  });

  it('a dose time inside quiet hours is not sent at all (doses are not moved like other reminders)', () => {
    // Validation refuses such dose times; the engine must not send them even so.
    const patient = makePatient(protocol, { doseTimes: { morning: '08:00', evening: '22:00' } });
    const items = computeSchedule(patient, protocol, { from: '2027-01-10T00:00:00.000Z', to: '2027-01-12T00:00:00.000Z' });
    expect(items.filter((i) => i.kind === 'dose').map((i) => i.slot)).toEqual(['morning', 'morning']);
  });

  it('the window includes its start and excludes its end', () => {
    const patient = makePatient(protocol);
    // 08:00 in Shanghai is 00:00Z.
    const morning = '2027-01-11T00:00:00.000Z';
    const from = computeSchedule(patient, protocol, { from: morning, to: '2027-01-11T06:00:00.000Z' });
    expect(from.map((i) => i.dueAt)).toEqual([morning]);
    const to = computeSchedule(patient, protocol, { from: '2027-01-10T18:00:00.000Z', to: morning });
    expect(to.map((i) => i.dueAt)).toEqual([]);
  });

  it('the first weekly check-in is on the first check-in weekday at or after firstAfterDays, and items come in time order', () => {
    // Enrolled on a Saturday (the check-in weekday, 6): day 7 is the next Saturday.
    const patient = makePatient(protocol, { enrolledOn: '2027-01-09' });
    expect(protocol.checkIns).toMatchObject({ weekday: 6, firstAfterDays: 7, time: '19:00' });
    const items = computeSchedule(patient, protocol, { from: '2027-01-08T16:00:00.000Z', to: '2027-01-17T16:00:00.000Z' });
    expect(items.filter((i) => i.kind === 'checkin').map((i) => [i.localDate, i.studyDay])).toEqual([['2027-01-16', 7]]);
    const dueTimes = items.map((i) => i.dueAt);
    expect(dueTimes).toEqual([...dueTimes].sort());
    expect(items.filter((i) => i.localDate === '2027-01-16').map((i) => `${i.kind} ${i.localTime}`)).toEqual(['dose 08:00', 'checkin 19:00', 'dose 20:00']);
  });
});

describe('canonicalInstant', () => {
  it('rejects what is not an instant', () => {
    expect(() => canonicalInstant('next Tuesday')).toThrow(RangeError);
    expect(canonicalInstant('2027-01-11T08:00+08:00')).toBe('2027-01-11T00:00:00.000Z');
  });
});

describe('item ids', () => {
  it('are stable across releases: a changed id would make the planner cancel and re-create, and re-send, every planned reminder', () => {
    const patient = makePatient(protocol, { arm: 'LEF', enrolledOn: '2027-01-09', randomizedOn: '2027-01-25' });
    const ids = (from: string, to: string) => computeSchedule(patient, protocol, { from, to }).map((i) => i.id);
    expect(ids('2027-01-16T00:00:00.000Z', '2027-01-16T12:00:00.000Z')).toEqual([
      'pat-0001:dose:2027-01-16:0800:morning:4859d80d',
      'pat-0001:checkin:2027-01-16:1900:weekly:96723de9',
    ]);
    expect(ids('2027-02-07T01:00:00.000Z', '2027-02-07T03:00:00.000Z')).toEqual([
      'pat-0001:lab:2027-02-07:1000:lab:02b00740',
      'pat-0001:visit:2027-02-07:1000:m1-1:c8cd7982',
    ]);
  });
});
