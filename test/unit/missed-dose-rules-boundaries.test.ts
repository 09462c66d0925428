// Edges of the missed-dose and silence rules that the scenario tests in missed-dose-rules.test.ts
// did not pin (found by mutation testing, docs/testing.md): which check-ins a rule counts, where
// its window starts, the exact thresholds, and how open episodes are matched.
import { describe, it, expect } from 'vitest';
import { evaluateMissedDoseRules } from '../../shared/domain/missed-dose-rules.ts';
import { SH, at, ctx, dose, only } from '../support/dose-outcomes.ts';

describe('consecutive misses of one drug', () => {
  const rules = only({ consecutiveSameDrug: 2 });

  it('check-ins without that drug neither break nor extend its run', () => {
    const doses = [
      dose('2027-01-10', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-10', '12:00', 'taken', ['prednisone']),
      dose('2027-01-10', '20:00', 'missed_reported', ['mmf']),
    ];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T21:00')));
    expect(raise.map((e) => [e.rule, e.drug, e.missedDoses.map((d) => d.checkInId)])).toEqual([
      ['consecutive_same_drug', 'mmf', ['ci-2027-01-10-08:00', 'ci-2027-01-10-20:00']],
    ]);
  });

  it('orders check-ins by when they were due, not by their ids', () => {
    // Ids that sort against time: the taken dose is the latest, so there is no trailing run.
    const doses = [
      dose('2027-01-10', '08:00', 'missed_reported', ['mmf'], SH, { checkInId: 'c' }),
      dose('2027-01-10', '12:00', 'missed_reported', ['mmf'], SH, { checkInId: 'b' }),
      dose('2027-01-10', '20:00', 'taken', ['mmf'], SH, { checkInId: 'a' }),
    ];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T21:00'))).raise).toEqual([]);
  });

  it('counts a dose due exactly at the evaluation instant, and none due after it', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_reported', ['mmf']), dose('2027-01-10', '20:00', 'missed_reported', ['mmf'])];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T20:00'))).raise).toHaveLength(1);
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T19:59'))).raise).toEqual([]);
  });

  it('an open episode of another drug does not hold back this drug’s episode, nor is it resolved by it', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_reported', ['mmf']), dose('2027-01-10', '20:00', 'missed_reported', ['mmf'])];
    const openEpisodes = [{ rule: 'consecutive_same_drug', drug: 'lef', episodeKey: 'p1:consecutive_same_drug:lef:x' }];
    const result = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T21:00'), { openEpisodes }));
    expect(result.raise.map((e) => e.drug)).toEqual(['mmf']);
    expect(result.resolve).toEqual(['p1:consecutive_same_drug:lef:x']);
  });

  it('an open episode of another rule for the same drug does not hold this one back', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_reported', ['mmf']), dose('2027-01-10', '20:00', 'missed_reported', ['mmf'])];
    const openEpisodes = [{ rule: 'prednisone_during_taper', drug: 'mmf', episodeKey: 'k-other-rule' }];
    const result = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T21:00'), { openEpisodes }));
    expect(result.raise.map((e) => [e.rule, e.drug])).toEqual([['consecutive_same_drug', 'mmf']]);
    expect(result.resolve).toEqual(['k-other-rule']);
  });
});

describe('steroid withdrawal (prednisone during the taper)', () => {
  it('only misses on taper days count: misses after the taper ended are a plain missed-dose episode', () => {
    const doses = [dose('2027-03-01', '08:00', 'missed_reported', ['prednisone']), dose('2027-03-02', '08:00', 'missed_reported', ['prednisone'])];
    const rules = only({ anyPrednisoneDuringTaper: true, taperConsecutiveMisses: 2, consecutiveSameDrug: 2 });
    const taperActive = (localDate: string) => localDate < '2027-03-02';
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-03-02T12:00'), { taperActive }));
    expect(raise.map((e) => [e.rule, e.kind])).toEqual([['consecutive_same_drug', 'missed_dose']]);
  });
});

describe('no reply for N days', () => {
  it('a day with a taken dose ends the silence', () => {
    const doses = [
      dose('2027-01-07', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-08', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-09', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-09', '20:00', 'taken', ['mmf']),
      dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']),
    ];
    expect(evaluateMissedDoseRules(doses, only({ noReplyDays: 2 }), ctx(at('2027-01-10T12:00'))).raise).toEqual([]);
  });
});

describe('low response over N days', () => {
  const rules = only({ lowResponse: { share: 0.5, days: 3, minCheckIns: 4 } });
  // Days 08–10 are the last 3 days at `now` on the 10th; 1 of 4 known check-ins answered.
  const lowWindow = [
    dose('2027-01-08', '08:00', 'taken', ['mmf']),
    dose('2027-01-08', '20:00', 'missed_no_reply', ['mmf']),
    dose('2027-01-09', '08:00', 'missed_no_reply', ['mmf']),
    dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']),
  ];
  const now = ctx(at('2027-01-10T12:00'));

  it('raises when under the share of the known check-ins were answered, listing the unanswered ones', () => {
    const { raise } = evaluateMissedDoseRules(lowWindow, rules, now);
    expect(raise).toHaveLength(1);
    expect(raise[0]!.missedDoses.map((d) => d.checkInId)).toEqual(['ci-2027-01-08-20:00', 'ci-2027-01-09-08:00', 'ci-2027-01-10-08:00']);
  });

  it('counts only the last N local days: answers before the window do not lift the share', () => {
    const withOldAnswers = [
      dose('2027-01-06', '08:00', 'taken', ['mmf']),
      dose('2027-01-07', '08:00', 'taken', ['mmf']),
      dose('2027-01-07', '20:00', 'taken', ['mmf']),
      ...lowWindow,
    ];
    expect(evaluateMissedDoseRules(withOldAnswers, rules, now).raise).toHaveLength(1);
  });

  it('the first day of the window counts', () => {
    // Without the 08th's two check-ins only 2 are known: under minCheckIns.
    expect(evaluateMissedDoseRules(lowWindow, rules, now).raise).toHaveLength(1);
    expect(evaluateMissedDoseRules(lowWindow.slice(2), rules, now).raise).toEqual([]);
  });

  it('pending check-ins are not known yet: they do not make up minCheckIns', () => {
    // 3 known check-ins (1 answered) and one whose answer window is still open at `now`.
    const threeKnown = [lowWindow[0]!, lowWindow[2]!, lowWindow[3]!, dose('2027-01-10', '11:00', 'pending', ['mmf'])];
    expect(evaluateMissedDoseRules(threeKnown, rules, now).raise).toEqual([]);
  });

  it('exactly minCheckIns known check-ins are enough', () => {
    expect(lowWindow).toHaveLength(4);
    expect(evaluateMissedDoseRules(lowWindow, rules, now).raise).toHaveLength(1);
  });

  it('exactly the share answered is not low', () => {
    const half = [...lowWindow.slice(0, 3), dose('2027-01-10', '08:00', 'missed_reported', ['mmf'])];
    expect(evaluateMissedDoseRules(half, rules, now).raise).toEqual([]);
  });
});

describe('input checks', () => {
  it('rejects an evaluation instant that is not an ISO instant', () => {
    expect(() => evaluateMissedDoseRules([], only({}), ctx('yesterday'))).toThrow(new RangeError('not an ISO instant: yesterday'));
  });
});
