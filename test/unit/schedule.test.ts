import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule, type ScheduledItem } from '#domain/schedule.ts';
import type { Protocol } from '#domain/protocol.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const WHOLE_STUDY = { from: '2026-12-01T00:00:00.000Z', to: '2029-01-01T00:00:00.000Z' };

function countBy(items: ScheduledItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[`${item.phase}:${item.kind}`] = (counts[`${item.phase}:${item.kind}`] ?? 0) + 1;
  return counts;
}

describe('schedule engine: 18 months of one patient', () => {
  // Enrolled Monday 2027-01-04 (day 0). Induction = days 0..182 (183 days), maintenance = days 183..547 (365 days).
  // Morning slot: prednisone days 0..181 + MMF days 0..182 → one SMS per morning, 183; evening MMF 183 → 366 induction doses.
  // Weekly check-in on Saturdays from day 7: Saturdays are days 5+7k; k=1..77 (day 12..544) → 77; ≤ day 182: k=1..25 → 25 induction.
  // Visit reminders 7 and 1 days before m1 (30), m3 (91), m6 (182) → 6 induction; m9, m12, m15, m18 → 8 maintenance.
  // LEF labs after randomization R (day 182): R+14..R+182 every 14 → 13, then R+238, R+294, R+350 → 16, each reminded the day before.
  const enrolled = { enrolledOn: '2027-01-04', randomizedOn: '2027-07-05' };

  it('MMF arm: 366 + 25 + 6 in induction, 730 doses + 52 check-ins + 8 visits in maintenance = 1187', () => {
    const items = computeSchedule(makePatient(protocol, { ...enrolled, arm: 'MMF' }), protocol, WHOLE_STUDY);
    expect(countBy(items)).toEqual({
      'induction:dose': 366,
      'induction:checkin': 25,
      'induction:visit': 6,
      'maintenance:dose': 730,
      'maintenance:checkin': 52,
      'maintenance:visit': 8,
    });
    expect(items).toHaveLength(1187);
  });

  it('LEF arm: once-daily leflunomide and 16 lab reminders in maintenance = 838', () => {
    const items = computeSchedule(makePatient(protocol, { ...enrolled, arm: 'LEF' }), protocol, WHOLE_STUDY);
    expect(countBy(items)).toEqual({
      'induction:dose': 366,
      'induction:checkin': 25,
      'induction:visit': 6,
      'maintenance:dose': 365,
      'maintenance:checkin': 52,
      'maintenance:lab': 16,
      'maintenance:visit': 8,
    });
  });

  it('before randomization a patient in maintenance gets no maintenance-drug reminders', () => {
    const items = computeSchedule(makePatient(protocol, { enrolledOn: '2027-01-04', arm: null }), protocol, WHOLE_STUDY);
    expect(items.filter((i) => i.phase === 'maintenance' && i.kind === 'dose')).toHaveLength(0);
    expect(items.filter((i) => i.phase === 'maintenance' && i.kind === 'visit')).toHaveLength(8);
  });

  it('one SMS per dose time names every drug due then, with the taper dose of that day', () => {
    const items = computeSchedule(makePatient(protocol), protocol, { from: '2027-02-01T00:00:00.000Z', to: '2027-02-02T00:00:00.000Z' });
    const morning = items.find((i) => i.kind === 'dose' && i.slot === 'morning');
    expect(morning?.doses).toEqual([
      { drug: 'prednisone', amount: 35, unit: 'mg', stepDown: true }, // day 28 = first day of 35 mg
      { drug: 'mmf', amount: 0.75, unit: 'g', stepDown: false },
    ]);
    expect(morning?.localTime).toBe('08:00');
    expect(morning?.dueAt).toBe('2027-02-01T00:00:00.000Z'); // 08:00 in Beijing (UTC+8)
  });

  it('nothing before enrollment and nothing after the end of study (day 547)', () => {
    const items = computeSchedule(makePatient(protocol, { arm: 'MMF', randomizedOn: '2027-07-05' }), protocol, WHOLE_STUDY);
    expect(items[0]!.localDate).toBe('2027-01-04');
    expect(items.at(-1)!.studyDay).toBeLessThanOrEqual(547);
    expect(items.at(-1)!.localDate <= '2028-07-04').toBe(true);
  });

  it.each(['paused', 'withdrawn', 'completed'] as const)('a %s patient gets nothing', (status) => {
    expect(computeSchedule(makePatient(protocol, { status }), protocol, WHOLE_STUDY)).toEqual([]);
  });

  it('an opted-out patient gets nothing', () => {
    expect(computeSchedule(makePatient(protocol, { smsOptOut: true }), protocol, WHOLE_STUDY)).toEqual([]);
  });
});

describe('schedule engine: local time and DST', () => {
  const doseTimesUtc = (tz: string, from: string, to: string) =>
    computeSchedule(makePatient(protocol, { timeZone: tz, enrolledOn: '2027-01-04', arm: 'MMF', randomizedOn: '2027-07-05' }), protocol, { from, to })
      .filter((i) => i.kind === 'dose')
      .map((i) => `${i.localDate} ${i.localTime} ${i.dueAt}`);

  it('America/New_York: 08:00 stays 08:00 local across the March and November transitions', () => {
    // DST starts Sun 2027-03-14 (EST −5 → EDT −4), ends Sun 2027-11-07.
    expect(doseTimesUtc('America/New_York', '2027-03-13T05:00:00.000Z', '2027-03-15T05:00:00.000Z')).toEqual([
      '2027-03-13 08:00 2027-03-13T13:00:00.000Z',
      '2027-03-13 20:00 2027-03-14T01:00:00.000Z',
      '2027-03-14 08:00 2027-03-14T12:00:00.000Z',
      '2027-03-14 20:00 2027-03-15T00:00:00.000Z',
    ]);
    expect(doseTimesUtc('America/New_York', '2027-11-06T12:00:00.000Z', '2027-11-08T02:00:00.000Z')).toEqual([
      '2027-11-06 08:00 2027-11-06T12:00:00.000Z',
      '2027-11-06 20:00 2027-11-07T00:00:00.000Z',
      '2027-11-07 08:00 2027-11-07T13:00:00.000Z',
      '2027-11-07 20:00 2027-11-08T01:00:00.000Z',
    ]);
  });

  it('Europe/London: GMT → BST on 2027-03-28 and back on 2027-10-31', () => {
    expect(doseTimesUtc('Europe/London', '2027-03-27T00:00:00.000Z', '2027-03-29T00:00:00.000Z')).toEqual([
      '2027-03-27 08:00 2027-03-27T08:00:00.000Z',
      '2027-03-27 20:00 2027-03-27T20:00:00.000Z',
      '2027-03-28 08:00 2027-03-28T07:00:00.000Z',
      '2027-03-28 20:00 2027-03-28T19:00:00.000Z',
    ]);
    expect(doseTimesUtc('Europe/London', '2027-10-30T00:00:00.000Z', '2027-11-01T00:00:00.000Z')).toEqual([
      '2027-10-30 08:00 2027-10-30T07:00:00.000Z',
      '2027-10-30 20:00 2027-10-30T19:00:00.000Z',
      '2027-10-31 08:00 2027-10-31T08:00:00.000Z',
      '2027-10-31 20:00 2027-10-31T20:00:00.000Z',
    ]);
  });

  it('Asia/Shanghai has no DST: 08:00 is 00:00Z all year', () => {
    const all = doseTimesUtc('Asia/Shanghai', '2027-01-04T00:00:00.000Z', '2028-01-01T00:00:00.000Z').filter((l) => l.includes(' 08:00 '));
    expect(all.length).toBeGreaterThan(300);
    expect(all.every((l) => l.endsWith('T00:00:00.000Z'))).toBe(true);
  });

  it('a dose answer window never runs past local midnight + grace', () => {
    const items = computeSchedule(makePatient(protocol), protocol, { from: '2027-02-01T00:00:00.000Z', to: '2027-02-02T00:00:00.000Z' });
    const evening = items.find((i) => i.kind === 'dose' && i.slot === 'evening')!;
    // 20:00 + 6 h = 02:00 next day; midnight + 60 min grace = 01:00 next day (17:00Z)
    expect(evening.answerWindowEnd).toBe('2027-02-01T17:00:00.000Z');
  });
});

describe('schedule engine: quiet hours', () => {
  const withCheckInAt = (time: string): Protocol => ({ ...protocol, checkIns: { ...protocol.checkIns, time } });

  it('a check-in configured inside quiet hours moves to the end of quiet hours the next morning', () => {
    const items = computeSchedule(makePatient(protocol), withCheckInAt('22:00'), { from: '2027-01-15T00:00:00.000Z', to: '2027-01-18T00:00:00.000Z' });
    const checkin = items.find((i) => i.kind === 'checkin')!;
    expect(`${checkin.localDate} ${checkin.localTime}`).toBe('2027-01-17 07:30'); // Saturday 16th 22:00 → Sunday 07:30
  });

  it('no item of a whole study is ever inside quiet hours (21:30–07:30 local)', () => {
    const items = computeSchedule(makePatient(protocol, { arm: 'LEF', randomizedOn: '2027-07-05', timeZone: 'America/New_York' }), protocol, WHOLE_STUDY);
    expect(items.filter((i) => i.localTime >= '21:30' || i.localTime < '07:30')).toEqual([]);
  });
});

describe('schedule engine: determinism', () => {
  const patient = makePatient(protocol, { arm: 'MMF', randomizedOn: '2027-07-05' });
  const window = { from: '2027-07-01T00:00:00.000Z', to: '2027-07-10T00:00:00.000Z' };

  it('the same window computed twice yields identical items and ids', () => {
    expect(computeSchedule(patient, protocol, window)).toEqual(computeSchedule(patient, protocol, window));
  });

  it('overlapping windows agree on the ids of the items they share', () => {
    const a = computeSchedule(patient, protocol, { from: '2027-07-01T00:00:00.000Z', to: '2027-07-06T00:00:00.000Z' });
    const b = computeSchedule(patient, protocol, { from: '2027-07-04T00:00:00.000Z', to: '2027-07-10T00:00:00.000Z' });
    const shared = a.filter((i) => i.dueAt >= '2027-07-04T00:00:00.000Z');
    expect(shared.length).toBeGreaterThan(0);
    expect(b.slice(0, shared.length)).toEqual(shared);
  });

  it('a change of content (arm, dose time, appointment) changes the id', () => {
    const base = computeSchedule(patient, protocol, window).map((i) => i.id);
    const otherArm = computeSchedule({ ...patient, arm: 'LEF' }, protocol, window).map((i) => i.id);
    const otherTime = computeSchedule({ ...patient, doseTimes: { morning: '09:00', evening: '20:00' } }, protocol, window).map((i) => i.id);
    expect(otherArm.filter((id) => id.includes(':dose:') && id.includes('2027-07-08')).some((id) => base.includes(id))).toBe(false);
    expect(otherTime.filter((id) => id.includes('morning')).some((id) => base.includes(id))).toBe(false);
    const rescheduled = computeSchedule({ ...patient, appointments: { m6: '2027-07-12' } }, protocol, { from: '2027-06-25T00:00:00.000Z', to: '2027-07-12T00:00:00.000Z' });
    expect(rescheduled.filter((i) => i.kind === 'visit').map((i) => i.visitDate)).toEqual(['2027-07-12', '2027-07-12']);
  });
});

describe('schedule engine: instants', () => {
  it('a window written without milliseconds or with an offset still includes an item due exactly at its start', () => {
    const patient = makePatient(protocol);
    const a = computeSchedule(patient, protocol, { from: '2027-02-01T00:00:00Z', to: '2027-02-01T00:01:00Z' });
    const b = computeSchedule(patient, protocol, { from: '2027-02-01T08:00:00+08:00', to: '2027-02-01T08:01:00+08:00' });
    expect(a.map((i) => i.dueAt)).toEqual(['2027-02-01T00:00:00.000Z']);
    expect(b).toEqual(a);
  });
});
