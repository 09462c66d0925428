// Edges of the missed-dose and silence rules that the boundaries file did not pin (found by the
// domain mutation run, docs/testing.md): which open episodes hold back low response, the order of
// episodes raised at once, a new silent run after the patient answered, and the input refusals.
import { describe, expect, it } from 'vitest';
import { evaluateMissedDoseRules } from '#domain/missed-dose-rules.ts';
import { at, ctx, dose, only } from '../support/dose-outcomes.ts';

describe('low response and the episodes already open', () => {
  // 1 of 4 known check-ins answered in the last 3 days: low response.
  const lowWindow = () => [
    dose('2027-01-08', '08:00', 'taken', ['mmf']),
    dose('2027-01-08', '20:00', 'missed_no_reply', ['mmf']),
    dose('2027-01-09', '08:00', 'missed_no_reply', ['mmf']),
    dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']),
  ];
  const rules = only({ lowResponse: { share: 0.5, days: 3, minCheckIns: 4 } });

  it('an open missed-dose episode (not a silence one) does not hold back a low-response episode', () => {
    const openEpisodes = [{ rule: 'consecutive_same_drug', drug: 'mmf', episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-01T08:00' }];
    const { raise } = evaluateMissedDoseRules(lowWindow(), rules, ctx(at('2027-01-10T12:00'), { openEpisodes }));
    expect(raise.map((e) => e.rule)).toEqual(['low_response']);
  });

  it('an open no-reply episode does hold it back', () => {
    const openEpisodes = [{ rule: 'no_reply_days', drug: null, episodeKey: 'p1:no_reply_days:any:2027-01-01T08:00' }];
    const { raise } = evaluateMissedDoseRules(lowWindow(), rules, ctx(at('2027-01-10T12:00'), { openEpisodes }));
    expect(raise).toEqual([]);
  });
});

describe('several episodes raised at once', () => {
  it('come in the order of their drug names, whatever the order of the drugs on the check-in', () => {
    const doses = [
      dose('2027-01-10', '08:00', 'missed_reported', ['prednisone', 'mmf']),
      dose('2027-01-10', '20:00', 'missed_reported', ['prednisone', 'mmf']),
    ];
    const { raise } = evaluateMissedDoseRules(doses, only({ consecutiveSameDrug: 2 }), ctx(at('2027-01-10T21:00')));
    expect(raise.map((e) => e.drug)).toEqual(['mmf', 'prednisone']);
  });

  it('a taper rule that would alert at no miss at all raises nothing when nothing was missed', () => {
    const doses = [dose('2027-01-10', '08:00', 'taken', ['prednisone'])];
    const rules = only({ anyPrednisoneDuringTaper: true, taperConsecutiveMisses: 0 });
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-10T21:00'), { taperActive: () => true })).raise).toEqual([]);
  });
});

describe('a new silent run after the patient answered again', () => {
  // No reply for 2 days opens an episode; the open one began with the silence of 2027-01-03.
  const rules = only({ noReplyDays: 2 });
  const openEpisodes = [{ rule: 'no_reply_days', drug: null, episodeKey: 'p1:no_reply_days:any:2027-01-03T08:00' }];

  it('starting exactly noReplyDays after the old episode began, with an answer between, it is a new episode and the old one ends', () => {
    // Answered the 4th; silent the 5th and 6th: the new run starts 2 days after the 3rd.
    const doses = [
      dose('2027-01-03', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-04', '08:00', 'taken', ['mmf']),
      dose('2027-01-05', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-06', '08:00', 'missed_no_reply', ['mmf']),
    ];
    const { raise, resolve } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-06T12:00'), { openEpisodes }));
    expect(raise.map((e) => e.episodeKey)).toEqual(['p1:no_reply_days:any:2027-01-05T08:00']);
    expect(resolve).toEqual(['p1:no_reply_days:any:2027-01-03T08:00']);
  });

  it('with no answer after the old episode began, the same silence is the same episode', () => {
    const doses = ['2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06'].map((d) => dose(d, '08:00', 'missed_no_reply', ['mmf']));
    const { raise, resolve } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-06T12:00'), { openEpisodes }));
    expect(raise).toEqual([]);
    expect(resolve).toEqual([]);
  });
});

describe('input checks', () => {
  it('names an unknown time zone', () => {
    expect(() => evaluateMissedDoseRules([], only({}), ctx(at('2027-01-10T12:00'), { timeZone: 'Mars/Olympus_Mons' }))).toThrow(
      new RangeError('unknown time zone: Mars/Olympus_Mons'),
    );
  });

  it('refuses the outcomes of two patients in one evaluation', () => {
    const doses = [dose('2027-01-10', '08:00', 'taken', ['mmf']), { ...dose('2027-01-10', '20:00', 'taken', ['mmf']), patientId: 'p2' }];
    expect(() => evaluateMissedDoseRules(doses, only({}), ctx(at('2027-01-10T21:00')))).toThrow(new RangeError('evaluateMissedDoseRules takes one patient at a time'));
  });
});
