/**
 * Wall-clock edges the schedule and the dispatcher must get right (issue 18 part 2), checked
 * against independent oracles (test/support/local-time-oracle.ts: Intl and enumeration, never
 * the production helpers):
 * - answer windows on DST-change days in DST time zones (a "next midnight" computed as
 *   midnight + 24 h is an hour off on those days);
 * - quiet hours: the minute they end, an item moved past midnight, quiet hours that do not wrap
 *   midnight.
 */
import { describe, expect, it } from 'vitest';
import { sendWindowVerdict } from '#app/dispatch-reminders.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { isInQuietHours } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { computeSchedule, type ScheduledItem } from '#domain/schedule.ts';
import { makePatient } from '../support/patients.ts';
import { hhmmOf, isQuietOracle, startOfNextLocalDay, wallClock } from '../support/local-time-oracle.ts';

const protocol = loadProtocolFile();
const MIN = 60_000;

describe('answer windows on DST-change days', () => {
  // The protocol values these expectations were worked out for.
  it('protocol: dose answer window 6 h, capped at local midnight + 60 min, doses at 08:00 and 20:00', () => {
    expect(protocol.reminders.doseAnswerWindowMinutes).toBe(360);
    expect(protocol.reminders.answerGraceAfterMidnightMinutes).toBe(60);
    expect(protocol.defaultDoseTimes).toEqual({ morning: '08:00', evening: '20:00' });
  });

  const evenings = (timeZone: string, from: string, to: string) =>
    computeSchedule(makePatient(protocol, { timeZone, enrolledOn: '2027-01-04', arm: 'MMF', randomizedOn: '2027-07-05' }), protocol, { from, to })
      .filter((i) => i.kind === 'dose' && i.slot === 'evening')
      .map((i) => `${i.localDate} ${i.dueAt} → ${i.answerWindowEnd}`);

  // Worked out by hand from the tz rules: the 20:00 window ends at 01:00 local the next day.
  it('America/New_York, spring forward (Sun 2027-03-14 is 23 h long): the window still ends at 01:00 EDT', () => {
    expect(evenings('America/New_York', '2027-03-13T12:00:00.000Z', '2027-03-16T12:00:00.000Z')).toEqual([
      '2027-03-13 2027-03-14T01:00:00.000Z → 2027-03-14T06:00:00.000Z', // 01:00 EST
      '2027-03-14 2027-03-15T00:00:00.000Z → 2027-03-15T05:00:00.000Z', // 01:00 EDT (midnight+24h would say 06:00Z = 02:00 EDT)
      '2027-03-15 2027-03-16T00:00:00.000Z → 2027-03-16T05:00:00.000Z',
    ]);
  });

  it('America/New_York, fall back (Sun 2027-11-07 is 25 h long): the window ends at 01:00 EST, not at 23:00', () => {
    expect(evenings('America/New_York', '2027-11-06T12:00:00.000Z', '2027-11-09T12:00:00.000Z')).toEqual([
      '2027-11-06 2027-11-07T00:00:00.000Z → 2027-11-07T05:00:00.000Z', // 01:00 EDT, just before the clocks go back
      '2027-11-07 2027-11-08T01:00:00.000Z → 2027-11-08T06:00:00.000Z', // 01:00 EST (midnight+24h would say 05:00Z = 00:00 EST)
      '2027-11-08 2027-11-09T01:00:00.000Z → 2027-11-09T06:00:00.000Z',
    ]);
  });

  it('Europe/London, spring forward (2027-03-28) and fall back (2027-10-31)', () => {
    expect(evenings('Europe/London', '2027-03-28T00:00:00.000Z', '2027-03-29T00:00:00.000Z')).toEqual([
      '2027-03-28 2027-03-28T19:00:00.000Z → 2027-03-29T00:00:00.000Z', // 01:00 BST
    ]);
    expect(evenings('Europe/London', '2027-10-31T00:00:00.000Z', '2027-11-01T00:00:00.000Z')).toEqual([
      '2027-10-31 2027-10-31T20:00:00.000Z → 2027-11-01T01:00:00.000Z', // 01:00 GMT
    ]);
  });

  it('every dose of a year in DST zones: window end = min(due + 6 h, start of the next local day + 60 min), per the Intl oracle', () => {
    for (const timeZone of ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Shanghai']) {
      const items = computeSchedule(makePatient(protocol, { timeZone, enrolledOn: '2027-01-04', arm: 'MMF', randomizedOn: '2027-07-05' }), protocol, {
        from: '2027-01-04T00:00:00.000Z',
        to: '2028-01-04T00:00:00.000Z',
      }).filter((i) => i.kind === 'dose');
      expect(items.length).toBeGreaterThan(700);
      const wrong = items.filter((i) => {
        const due = Date.parse(i.dueAt);
        const expected = Math.min(due + 360 * MIN, startOfNextLocalDay(i.localDate, timeZone) + 60 * MIN);
        return i.answerWindowEnd !== new Date(expected).toISOString() || wallClock(due, timeZone).time !== i.localTime;
      });
      expect(wrong.map((i) => `${timeZone} ${i.localDate} ${i.localTime} ${i.answerWindowEnd}`)).toEqual([]);
    }
  });
});

describe('quiet hours', () => {
  const configs = [
    { start: '21:30', end: '07:30' }, // the protocol's: wraps midnight
    { start: '22:00', end: '00:00' }, // ends exactly at midnight
    { start: '00:00', end: '06:00' }, // starts at midnight, does not wrap
    { start: '12:00', end: '14:00' }, // does not wrap
    { start: '23:59', end: '00:01' }, // two minutes across midnight
    { start: '08:00', end: '08:00' }, // none
  ];

  it('isInQuietHours agrees with the enumerated quiet minutes at every minute of the day', () => {
    for (const quiet of configs) {
      const disagreements: string[] = [];
      for (let m = 0; m < 1440; m++) {
        const hhmm = hhmmOf(m);
        if (isInQuietHours(hhmm, quiet) !== isQuietOracle(hhmm, quiet)) disagreements.push(hhmm);
      }
      expect(disagreements, `${quiet.start}–${quiet.end}`).toEqual([]);
    }
    // The protocol's edges, spelled out: the start minute is quiet, the end minute is not.
    expect([isInQuietHours('21:29', configs[0]!), isInQuietHours('21:30', configs[0]!), isInQuietHours('07:29', configs[0]!), isInQuietHours('07:30', configs[0]!)]).toEqual([false, true, true, false]);
  });

  describe('the dispatcher at the edges (sendWindowVerdict, New York patient)', () => {
    const rules = (quiet: { start: string; end: string }) => ({ catchUpMinutes: 3 * 24 * 60, quietHours: quiet });
    // A reminder due long before and valid long after, so only quiet hours decide.
    const item = { dueAt: '2027-05-31T00:00:00.000Z', expiresAt: '2027-06-05T00:00:00.000Z', timeZone: 'America/New_York' };

    it('defers until, and sends from, the minute quiet hours end; every minute of a day agrees with the oracle', () => {
      for (const quiet of [protocol.quietHours, { start: '12:00', end: '14:00' }, { start: '00:00', end: '06:00' }]) {
        const wrong: string[] = [];
        for (let t = Date.parse('2027-06-01T04:00:00.000Z'); t < Date.parse('2027-06-02T04:00:00.000Z'); t += MIN) {
          const local = wallClock(t, item.timeZone).time;
          const verdict = sendWindowVerdict(item, new Date(t).toISOString(), rules(quiet)).action;
          if (verdict !== (isQuietOracle(local, quiet) ? 'defer' : 'send')) wrong.push(`${local} ${verdict}`);
        }
        expect(wrong, `${quiet.start}–${quiet.end}`).toEqual([]);
      }
      // 07:30 EDT = 11:30Z: sent; 07:29 EDT: deferred.
      expect(sendWindowVerdict(item, '2027-06-01T11:29:00.000Z', rules(protocol.quietHours))).toEqual({ action: 'defer', reason: 'quiet_hours' });
      expect(sendWindowVerdict(item, '2027-06-01T11:30:00.000Z', rules(protocol.quietHours))).toEqual({ action: 'send' });
    });
  });

  describe('the schedule moves an item out of quiet hours', () => {
    // The weekly check-in (Saturdays) is the item whose time is configurable; visits/labs move the same way.
    const withCheckIn = (time: string, quietHours = protocol.quietHours): Protocol => ({ ...protocol, quietHours, checkIns: { ...protocol.checkIns, time } });
    const checkInOn = (p: Protocol, from = '2027-01-15T00:00:00.000Z', to = '2027-01-18T00:00:00.000Z'): ScheduledItem[] =>
      computeSchedule(makePatient(protocol, { timeZone: 'America/New_York' }), p, { from, to }).filter((i) => i.kind === 'checkin');
    const where = (items: ScheduledItem[]) => items.map((i) => `${i.localDate} ${i.localTime} ${i.dueAt}`);

    it('an item in the evening part of quiet hours moves to the next morning (past midnight), at the end minute', () => {
      expect(where(checkInOn(withCheckIn('22:00')))).toEqual(['2027-01-17 07:30 2027-01-17T12:30:00.000Z']); // Sat 22:00 → Sun 07:30 EST
      expect(where(checkInOn(withCheckIn('21:30')))).toEqual(['2027-01-17 07:30 2027-01-17T12:30:00.000Z']); // the start minute is quiet
      expect(where(checkInOn(withCheckIn('23:59')))).toEqual(['2027-01-17 07:30 2027-01-17T12:30:00.000Z']);
    });

    it('an item after midnight inside quiet hours moves to the same morning, not a day later', () => {
      expect(where(checkInOn(withCheckIn('00:00')))).toEqual(['2027-01-16 07:30 2027-01-16T12:30:00.000Z']);
      expect(where(checkInOn(withCheckIn('07:29')))).toEqual(['2027-01-16 07:30 2027-01-16T12:30:00.000Z']);
    });

    it('an item at the minute quiet hours end, or just before they start, stays where it is', () => {
      expect(where(checkInOn(withCheckIn('07:30')))).toEqual(['2027-01-16 07:30 2027-01-16T12:30:00.000Z']);
      expect(where(checkInOn(withCheckIn('21:29')))).toEqual(['2027-01-16 21:29 2027-01-17T02:29:00.000Z']);
    });

    it('quiet hours that do not wrap midnight (12:00–14:00): moved to 14:00 the same day', () => {
      const noon = { start: '12:00', end: '14:00' };
      expect(where(checkInOn(withCheckIn('12:00', noon)))).toEqual(['2027-01-16 14:00 2027-01-16T19:00:00.000Z']);
      expect(where(checkInOn(withCheckIn('13:59', noon)))).toEqual(['2027-01-16 14:00 2027-01-16T19:00:00.000Z']);
      expect(where(checkInOn(withCheckIn('14:00', noon)))).toEqual(['2027-01-16 14:00 2027-01-16T19:00:00.000Z']);
      expect(where(checkInOn(withCheckIn('11:59', noon)))).toEqual(['2027-01-16 11:59 2027-01-16T16:59:00.000Z']);
    });

    it('quiet hours from midnight (00:00–06:00): an item at 00:00 moves to 06:00 the same day', () => {
      expect(where(checkInOn(withCheckIn('00:00', { start: '00:00', end: '06:00' })))).toEqual(['2027-01-16 06:00 2027-01-16T11:00:00.000Z']);
    });

    it('a whole study in a DST zone, under each quiet-hours setting: no item lands in quiet hours (Intl oracle), and nothing is lost', () => {
      for (const quietHours of [protocol.quietHours, { start: '12:00', end: '14:00' }, { start: '00:00', end: '06:00' }, { start: '22:00', end: '00:00' }]) {
        const p: Protocol = { ...protocol, quietHours };
        const items = computeSchedule(makePatient(protocol, { timeZone: 'America/New_York', arm: 'LEF', randomizedOn: '2027-07-05' }), p, {
          from: '2026-12-01T00:00:00.000Z',
          to: '2029-01-01T00:00:00.000Z',
        });
        const inQuiet = items.filter((i) => isQuietOracle(wallClock(i.dueAt, i.timeZone).time, quietHours));
        expect(inQuiet.map((i) => `${i.kind} ${i.dueAt}`), `${quietHours.start}–${quietHours.end}`).toEqual([]);
        // Every weekly check-in (19:00, Saturdays from day 7) is still there: 77 over the study.
        expect(items.filter((i) => i.kind === 'checkin'), `${quietHours.start}–${quietHours.end}`).toHaveLength(77);
      }
    });
  });
});
