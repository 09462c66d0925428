import { describe, it, expect } from 'vitest';
import type { DoseStatus } from '../../shared/domain/adherence.ts';
import { resolveDoseStatus } from '../../shared/domain/adherence.ts';
import {
  DEFAULT_MISSED_DOSE_RULES,
  evaluateMissedDoseRules,
  missedDoseRulesSchema,
} from '../../shared/domain/missed-dose-rules.ts';
import { SH, at, ctx, dose, only } from '../support/dose-outcomes.ts';

const NY = 'America/New_York';

describe('missedDoseRulesSchema', () => {
  it('accepts the protocol defaults and rejects a zero threshold', () => {
    expect(missedDoseRulesSchema.parse(DEFAULT_MISSED_DOSE_RULES)).toEqual({
      consecutiveSameDrug: 2,
      missedInDays: { count: 3, days: 7 },
      anyPrednisoneDuringTaper: true,
      taperConsecutiveMisses: 2,
      noReplyDays: 3,
      lowResponse: { share: 0.5, days: 14, minCheckIns: 8, resolveShare: 0.7 },
    });
    // Hysteresis cannot clear below the raise threshold.
    expect(missedDoseRulesSchema.safeParse({ ...DEFAULT_MISSED_DOSE_RULES, lowResponse: { share: 0.5, days: 7, minCheckIns: 4, resolveShare: 0.4 } }).success).toBe(false);
    expect(missedDoseRulesSchema.safeParse({ ...DEFAULT_MISSED_DOSE_RULES, taperConsecutiveMisses: 0 }).success).toBe(false);
    expect(missedDoseRulesSchema.safeParse({ ...DEFAULT_MISSED_DOSE_RULES, noReplyDays: 0 }).success).toBe(false);
  });
});

describe('consecutive misses of the same drug', () => {
  const rules = only({ consecutiveSameDrug: 2 });
  const history = [
    dose('2027-01-10', '08:00', 'taken', ['mmf']),
    dose('2027-01-10', '20:00', 'missed_reported', ['mmf']),
    dose('2027-01-11', '08:00', 'missed_reported', ['mmf']),
  ];

  it('raises one episode for two misses in a row, with study ID, drug, dates and 14-day adherence', () => {
    const { raise, resolve } = evaluateMissedDoseRules(history, rules, ctx(at('2027-01-11T12:00')));
    expect(resolve).toEqual([]);
    expect(raise).toHaveLength(1);
    expect(raise[0]).toMatchObject({
      episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-10T20:00',
      studyId: 'IGG-007',
      rule: 'consecutive_same_drug',
      drug: 'mmf',
      firstMissedLocalDate: '2027-01-10',
      missedLocalDates: ['2027-01-10', '2027-01-11'],
      detectedAt: '2027-01-11T04:00:00.000Z',
    });
    expect(raise[0]).toMatchObject({ kind: 'missed_dose' });
    expect(raise[0]!.missedDoses.map((d) => d.status)).toEqual(['missed_reported', 'missed_reported']);
    expect(raise[0]!.adherence14d).toMatchObject({ due: 3, confirmed: 1, rate: 1 / 3 });
  });

  it('no reply is not a missed dose: unanswered check-ins neither start nor break a run of reported misses', () => {
    const silent = [dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']), dose('2027-01-10', '20:00', 'missed_no_reply', ['mmf']), dose('2027-01-11', '08:00', 'missed_no_reply', ['mmf'])];
    expect(evaluateMissedDoseRules(silent, rules, ctx(at('2027-01-11T12:00'))).raise).toEqual([]);
    const interleaved = [dose('2027-01-10', '08:00', 'missed_reported', ['mmf']), dose('2027-01-10', '20:00', 'missed_no_reply', ['mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['mmf'])];
    expect(evaluateMissedDoseRules(interleaved, rules, ctx(at('2027-01-11T12:00'))).raise.map((e) => e.missedLocalDates)).toEqual([['2027-01-10', '2027-01-11']]);
  });

  it('raises nothing new on the next sweep while the episode lasts, even as more doses are missed', () => {
    const open = [{ rule: 'consecutive_same_drug', drug: 'mmf', episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-10T20:00' }];
    const longer = [...history, dose('2027-01-11', '20:00', 'missed_reported', ['mmf'])];
    expect(evaluateMissedDoseRules(longer, rules, ctx(at('2027-01-12T00:00'), { openEpisodes: open }))).toEqual({ raise: [], resolve: [] });
  });

  it('does not raise a duplicate when the first miss has slid out of the outcomes passed in', () => {
    const open = [{ rule: 'consecutive_same_drug', drug: 'mmf', episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-10T20:00' }];
    const slid = [dose('2027-01-11', '08:00', 'missed_reported', ['mmf']), dose('2027-01-11', '20:00', 'missed_reported', ['mmf'])];
    expect(evaluateMissedDoseRules(slid, rules, ctx(at('2027-01-12T00:00'), { openEpisodes: open })).raise).toEqual([]);
  });

  it('ends the episode when a dose of that drug is taken, and a later run is a new episode', () => {
    const open = [{ rule: 'consecutive_same_drug', drug: 'mmf', episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-10T20:00' }];
    const afterTaken = [...history, dose('2027-01-11', '20:00', 'taken', ['mmf'])];
    expect(evaluateMissedDoseRules(afterTaken, rules, ctx(at('2027-01-12T00:00'), { openEpisodes: open }))).toEqual({
      raise: [],
      resolve: ['p1:consecutive_same_drug:mmf:2027-01-10T20:00'],
    });
    const newRun = [...afterTaken, dose('2027-01-12', '08:00', 'missed_reported', ['mmf']), dose('2027-01-12', '20:00', 'missed_reported', ['mmf'])];
    const { raise } = evaluateMissedDoseRules(newRun, rules, ctx(at('2027-01-13T00:00')));
    expect(raise.map((e) => e.episodeKey)).toEqual(['p1:consecutive_same_drug:mmf:2027-01-12T08:00']);
  });

  it('resolves instead of duplicating when a late "taken" reply revises a miss', () => {
    const open = [{ rule: 'consecutive_same_drug', drug: 'mmf', episodeKey: 'p1:consecutive_same_drug:mmf:2027-01-10T20:00' }];
    const revised = resolveDoseStatus(history[2]!, { kind: 'reply', answer: 'taken', at: at('2027-01-11T22:40') }).outcome;
    const result = evaluateMissedDoseRules([history[0]!, history[1]!, revised], rules, ctx(at('2027-01-11T22:45'), { openEpisodes: open }));
    expect(result).toEqual({ raise: [], resolve: ['p1:consecutive_same_drug:mmf:2027-01-10T20:00'] });
  });

  it('counts per drug: a partial miss (prednisone taken, MMF missed) continues only the MMF run', () => {
    const doses = [
      dose('2027-01-10', '08:00', 'missed_reported', ['prednisone', 'mmf'], SH, { missedDrugs: ['mmf'] }),
      dose('2027-01-11', '08:00', 'missed_reported', ['prednisone', 'mmf'], SH, { missedDrugs: ['mmf'] }),
    ];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00')));
    expect(raise.map((e) => e.drug)).toEqual(['mmf']);
    expect(raise[0]!.missedDoses.map((d) => d.status)).toEqual(['missed_reported', 'missed_reported']);
  });

  it('skips pending check-ins (not yet known) and ignores doses due after now', () => {
    const doses = [...history, dose('2027-01-11', '20:00', 'pending', ['mmf']), dose('2027-01-12', '08:00', 'taken', ['mmf'])];
    // now is before the 2027-01-12 dose: that "taken" must not end the episode yet.
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T21:00'))).raise).toHaveLength(1);
  });

  it('accepts outcomes in any order', () => {
    const shuffled = [history[2]!, history[0]!, history[1]!];
    expect(evaluateMissedDoseRules(shuffled, rules, ctx(at('2027-01-11T12:00'))).raise).toHaveLength(1);
  });

  it('rejects outcomes of several patients', () => {
    const other = { ...history[0]!, patientId: 'p2' };
    expect(() => evaluateMissedDoseRules([...history, other], rules, ctx(at('2027-01-11T12:00')))).toThrow(RangeError);
  });
});

describe('prednisone stopped during the taper (reported misses in a row)', () => {
  const rules = only({ anyPrednisoneDuringTaper: true, consecutiveSameDrug: 2 });
  const taperUntil = (last: string) => (d: string) => d <= last;

  it('one missed prednisone dose is a slip, not a stop: no steroid-withdrawal episode (default: 2 in a row)', () => {
    const doses = [dose('2027-01-10', '08:00', 'taken', ['prednisone', 'mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['prednisone', 'mmf'])];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'), { taperActive: taperUntil('2027-06-30') })).raise).toEqual([]);
  });

  it('raises on two reported prednisone misses in a row while the taper is active, anchored on the first', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_reported', ['prednisone', 'mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['prednisone', 'mmf'])];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'), { taperActive: taperUntil('2027-06-30') }));
    expect(raise.filter((e) => e.rule === 'prednisone_during_taper').map((e) => e.episodeKey)).toEqual(['p1:prednisone_during_taper:prednisone:2027-01-10T08:00']);
    expect(raise.find((e) => e.rule === 'prednisone_during_taper')!.kind).toBe('steroid_withdrawal');
  });

  it('the run length is a protocol value: 1 makes a single miss urgent again', () => {
    const doses = [dose('2027-01-10', '08:00', 'taken', ['prednisone', 'mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['prednisone', 'mmf'])];
    const { raise } = evaluateMissedDoseRules(doses, { ...rules, taperConsecutiveMisses: 1 }, ctx(at('2027-01-11T12:00'), { taperActive: taperUntil('2027-06-30') }));
    expect(raise.map((e) => e.episodeKey)).toEqual(['p1:prednisone_during_taper:prednisone:2027-01-11T08:00']);
  });

  it('an unanswered taper check-in is silence, not a steroid withdrawal', () => {
    const doses = [dose('2027-01-10', '08:00', 'taken', ['prednisone', 'mmf']), dose('2027-01-11', '08:00', 'missed_no_reply', ['prednisone', 'mmf'])];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'), { taperActive: taperUntil('2027-06-30') })).raise).toEqual([]);
  });

  it('does not raise after the taper has ended', () => {
    const doses = [dose('2027-07-01', '08:00', 'missed_reported', ['prednisone'])];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-07-01T12:00'), { taperActive: taperUntil('2027-06-30') })).raise).toEqual([]);
  });

  it('gives one alert, not two, when prednisone misses also meet the consecutive rule', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_reported', ['prednisone']), dose('2027-01-11', '08:00', 'missed_reported', ['prednisone'])];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'), { taperActive: taperUntil('2027-06-30') }));
    expect(raise.map((e) => e.rule)).toEqual(['prednisone_during_taper']);
  });
});

describe('missed check-ins within N local days', () => {
  const rules = only({ missedInDays: { count: 3, days: 7 } });

  it('raises when 3 check-ins are missed in the last 7 local days, anchored on the latest miss', () => {
    const doses = [
      dose('2027-01-05', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-07', '08:00', 'taken', ['mmf']),
      dose('2027-01-08', '20:00', 'missed_reported', ['mmf']),
      dose('2027-01-11', '08:00', 'missed_reported', ['mmf']),
    ];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00')));
    expect(raise).toHaveLength(1);
    expect(raise[0]).toMatchObject({
      episodeKey: 'p1:missed_in_days:any:2027-01-11T08:00',
      drug: null,
      missedLocalDates: ['2027-01-05', '2027-01-08', '2027-01-11'],
    });
  });

  it('counts reported misses only: unanswered check-ins in the window do not add up to an episode', () => {
    const doses = [
      dose('2027-01-05', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-08', '20:00', 'missed_reported', ['mmf']),
      dose('2027-01-11', '08:00', 'missed_no_reply', ['mmf']),
    ];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'))).raise).toEqual([]);
  });

  it('resolves once misses age out of the window', () => {
    const doses = [
      dose('2027-01-05', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-08', '20:00', 'missed_reported', ['mmf']),
      dose('2027-01-11', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-12', '08:00', 'taken', ['mmf']),
    ];
    const open = [{ rule: 'missed_in_days', drug: null, episodeKey: 'p1:missed_in_days:any:2027-01-11T08:00' }];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'), { openEpisodes: open })).resolve).toEqual([]);
    // On 2027-01-12 the window is 01-06..01-12: the 01-05 miss is out, 2 remain.
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-12T09:00'), { openEpisodes: open })).resolve).toEqual([
      'p1:missed_in_days:any:2027-01-11T08:00',
    ]);
  });

  it('counts local calendar days across the DST change in America/New_York (not 7 × 24 h)', () => {
    // DST starts 2027-03-14 02:00 local. 08:00 EST = 13:00Z before; 08:00 EDT = 12:00Z after.
    const doses = [
      dose('2027-03-13', '08:00', 'missed_reported', ['lef'], NY),
      dose('2027-03-16', '08:00', 'missed_reported', ['lef'], NY),
      dose('2027-03-19', '08:00', 'missed_reported', ['lef'], NY),
    ];
    expect(doses[0]!.dueAt).toBe('2027-03-13T13:00:00.000Z');
    expect(doses[1]!.dueAt).toBe('2027-03-16T12:00:00.000Z');
    // now = 03-20 08:30 EDT = 12:30Z. now − 168 h = 03-13 12:30Z would include the 03-13 miss;
    // the last 7 local days are 03-14..03-20, which hold only 2 misses.
    const now = at('2027-03-20T08:30', NY);
    expect(now).toBe('2027-03-20T12:30:00.000Z');
    expect(evaluateMissedDoseRules(doses, rules, ctx(now, { timeZone: NY })).raise).toEqual([]);
    // One local day earlier (03-19 23:00 EDT) the window is 03-13..03-19: 3 misses.
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-03-19T23:00', NY), { timeZone: NY })).raise).toHaveLength(1);
  });
});

describe('DST and the 14-day adherence window', () => {
  it('links doses across spring-forward as consecutive and measures 14 local days', () => {
    const doses = [
      dose('2027-03-06', '08:00', 'taken', ['lef'], NY), // before the 14-day window (03-07..03-20)
      dose('2027-03-07', '08:00', 'taken', ['lef'], NY), // 03-07 00:00 EST = 05:00Z: inside
      dose('2027-03-13', '08:00', 'missed_reported', ['lef'], NY),
      dose('2027-03-14', '08:00', 'missed_reported', ['lef'], NY), // 23 h later in UTC
    ];
    const { raise } = evaluateMissedDoseRules(doses, only({ consecutiveSameDrug: 2 }), ctx(at('2027-03-20T08:30', NY), { timeZone: NY }));
    expect(raise.map((e) => e.episodeKey)).toEqual(['p1:consecutive_same_drug:lef:2027-03-13T08:00']);
    expect(raise[0]!.adherence14d).toMatchObject({ due: 3, confirmed: 1 });
  });
});

describe('no reply for N days with doses due', () => {
  const rules = only({ noReplyDays: 3 });

  it('counts only days that had doses due: a day without doses neither counts nor breaks the run', () => {
    const doses = [
      dose('2027-01-09', '08:00', 'taken', ['lef']),
      dose('2027-01-10', '08:00', 'missed_no_reply', ['lef']),
      // 2027-01-11: nothing due (e.g. paused)
      dose('2027-01-12', '08:00', 'missed_no_reply', ['lef']),
    ];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-12T12:00'))).raise).toEqual([]);
    const third = [...doses, dose('2027-01-13', '08:00', 'missed_no_reply', ['lef'])];
    const { raise } = evaluateMissedDoseRules(third, rules, ctx(at('2027-01-13T12:00')));
    expect(raise).toHaveLength(1);
    expect(raise[0]).toMatchObject({
      episodeKey: 'p1:no_reply_days:any:2027-01-10T08:00',
      missedLocalDates: ['2027-01-10', '2027-01-12', '2027-01-13'],
    });
  });

  it('is broken by any answer, even "missed": the patient is reachable', () => {
    const doses = [
      dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-11', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-12', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-12', '20:00', 'missed_reported', ['mmf']),
    ];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-13T00:00'))).raise).toEqual([]);
  });

  it('attributes a dose whose reply window crosses local midnight to the day it was due', () => {
    // Doses at 23:00 local with 3-hour windows ending 02:00 the next day.
    const doses = [
      dose('2027-01-10', '23:00', 'missed_no_reply', ['lef']),
      dose('2027-01-11', '23:00', 'missed_no_reply', ['lef']),
      dose('2027-01-12', '23:00', 'missed_no_reply', ['lef']),
    ];
    // 2027-01-13 02:30 local: three silent days (10, 11, 12), not four, and the 13th has nothing due yet.
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-13T02:30')));
    expect(raise[0]?.missedLocalDates).toEqual(['2027-01-10', '2027-01-11', '2027-01-12']);
    // A "taken" reply at 00:40 on the 13th answers the 12th's dose: no episode, and an open one resolves.
    const answered = [doses[0]!, doses[1]!, resolveDoseStatus(doses[2]!, { kind: 'reply', answer: 'taken', at: at('2027-01-13T00:40') }).outcome];
    const open = [{ rule: 'no_reply_days', drug: null, episodeKey: raise[0]!.episodeKey }];
    expect(evaluateMissedDoseRules(answered, rules, ctx(at('2027-01-13T02:30'), { openEpisodes: open }))).toEqual({
      raise: [],
      resolve: ['p1:no_reply_days:any:2027-01-10T23:00'],
    });
  });

  it('waits for a day with only pending check-ins instead of counting or breaking on it', () => {
    const doses = [
      dose('2027-01-10', '08:00', 'missed_no_reply', ['lef']),
      dose('2027-01-11', '08:00', 'missed_no_reply', ['lef']),
      dose('2027-01-12', '08:00', 'pending', ['lef']),
    ];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-12T09:00'))).raise).toEqual([]);
  });
});

describe('low response over N days', () => {
  const rules = only({ lowResponse: { share: 0.5, days: 7, minCheckIns: 4 } });

  it('raises low_response when under half of the known check-ins of 7 days were answered', () => {
    const doses = [
      dose('2027-01-06', '08:00', 'taken', ['mmf']),
      dose('2027-01-07', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-08', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-09', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']),
      dose('2027-01-11', '08:00', 'pending', ['mmf']),
    ];
    const { raise } = evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T09:00')));
    expect(raise).toHaveLength(1);
    expect(raise[0]).toMatchObject({ rule: 'low_response', kind: 'low_response', episodeKey: 'p1:low_response:any:2027-01-10T08:00' });
    // Exactly half answered is not "under half".
    const half = [...doses.slice(0, 4), dose('2027-01-10', '08:00', 'taken', ['mmf'])];
    expect(evaluateMissedDoseRules(half, rules, ctx(at('2027-01-11T09:00'))).raise).toEqual([]);
  });

  it('needs at least minCheckIns known check-ins', () => {
    const doses = [dose('2027-01-10', '08:00', 'missed_no_reply', ['mmf']), dose('2027-01-11', '08:00', 'missed_no_reply', ['mmf'])];
    expect(evaluateMissedDoseRules(doses, rules, ctx(at('2027-01-11T12:00'))).raise).toEqual([]);
  });

  it('total silence is left to the no-reply rule (it waits its N days)', () => {
    const silent = ['07', '08', '09', '10'].map((d) => dose(`2027-01-${d}`, '08:00', 'missed_no_reply', ['mmf']));
    expect(evaluateMissedDoseRules(silent, rules, ctx(at('2027-01-10T12:00'))).raise).toEqual([]);
  });

  it('total silence is one no_reply item, not a low_response item as well', () => {
    const silent = [dose('2027-01-05', '08:00', 'taken', ['mmf']), ...['06', '07', '08', '09', '10'].map((d) => dose(`2027-01-${d}`, '08:00', 'missed_no_reply', ['mmf']))];
    const both = only({ noReplyDays: 3, lowResponse: { share: 0.5, days: 7, minCheckIns: 4 } });
    expect(evaluateMissedDoseRules(silent, both, ctx(at('2027-01-10T12:00'))).raise.map((e) => e.kind)).toEqual(['no_reply']);
  });
});

describe('low response with hysteresis (resolveShare)', () => {
  const rules = only({ lowResponse: { share: 0.5, days: 7, minCheckIns: 4, resolveShare: 0.7 } });
  const open = [{ rule: 'low_response', drug: null, episodeKey: 'p1:low_response:any:2027-01-09T08:00' }];
  // Seven daily check-ins ending 2027-01-13, `answered` of them answered (the latest ones), the rest unanswered.
  const week = (answered: number) =>
    ['07', '08', '09', '10', '11', '12', '13'].map((d, i) => dose(`2027-01-${d}`, '08:00', i >= 7 - answered ? 'taken' : 'missed_no_reply', ['lef']));
  const now = at('2027-01-13T12:00');

  it('an open episode lasts while the share is back over `share` but under `resolveShare`: one item, not a flip a day', () => {
    // 4 of 7 = 57 %: over the 50 % that raises, under the 70 % that clears.
    expect(evaluateMissedDoseRules(week(4), rules, ctx(now, { openEpisodes: open }))).toEqual({ raise: [], resolve: [] });
    // Without hysteresis the same week ends the episode.
    expect(evaluateMissedDoseRules(week(4), only({ lowResponse: { share: 0.5, days: 7, minCheckIns: 4 } }), ctx(now, { openEpisodes: open })).resolve).toEqual([open[0]!.episodeKey]);
  });

  it('ends once `resolveShare` is answered again, and not a check-in earlier', () => {
    // 5 of 7 = 71 % ≥ 70 %: recovered.
    expect(evaluateMissedDoseRules(week(5), rules, ctx(now, { openEpisodes: open })).resolve).toEqual([open[0]!.episodeKey]);
    // Exactly at the threshold counts as recovered: 7 of 10 = 70 %.
    const ten = [...week(7), ...['10', '11', '12'].map((d) => dose(`2027-01-${d}`, '20:00', 'missed_no_reply', ['lef']))];
    expect(evaluateMissedDoseRules(ten, rules, ctx(now, { openEpisodes: open })).resolve).toEqual([open[0]!.episodeKey]);
  });

  it('does not raise a second episode while one is open, and raises a new one with the usual threshold when none is', () => {
    expect(evaluateMissedDoseRules(week(2), rules, ctx(now, { openEpisodes: open }))).toEqual({ raise: [], resolve: [] });
    const fresh = evaluateMissedDoseRules(week(2), rules, ctx(now));
    expect(fresh.raise.map((e) => e.rule)).toEqual(['low_response']);
    // Not raised at 4 of 7 without an open episode: hysteresis only holds, it never lowers the bar to start.
    expect(evaluateMissedDoseRules(week(4), rules, ctx(now)).raise).toEqual([]);
  });

  it('total silence holds an open episode (it is no recovery), too few known check-ins with nothing unanswered ends it', () => {
    expect(evaluateMissedDoseRules(week(0), rules, ctx(now, { openEpisodes: open })).resolve).toEqual([]);
    const twoAnswered = [dose('2027-01-12', '08:00', 'taken', ['lef']), dose('2027-01-13', '08:00', 'taken', ['lef'])];
    expect(evaluateMissedDoseRules(twoAnswered, rules, ctx(now, { openEpisodes: open })).resolve).toEqual([open[0]!.episodeKey]);
    expect(evaluateMissedDoseRules([], rules, ctx(now, { openEpisodes: open })).resolve).toEqual([open[0]!.episodeKey]);
  });
});

describe('silence hysteresis: no_reply and low_response share a way out', () => {
  const rules = only({ noReplyDays: 3, lowResponse: { share: 0.5, days: 7, minCheckIns: 4, resolveShare: 0.7 } });
  const noReplyOpen = [{ rule: 'no_reply_days', drug: null, episodeKey: 'p1:no_reply_days:any:2027-01-07T08:00' }];
  const lowOpen = [{ rule: 'low_response', drug: null, episodeKey: 'p1:low_response:any:2027-01-06T08:00' }];
  const days = (statuses: DoseStatus[]) => statuses.map((status, i) => dose(`2027-01-${String(7 + i).padStart(2, '0')}`, '08:00', status, ['lef']));
  const now = at('2027-01-13T12:00');

  it('one answer after the silent days does not end a no-reply episode; answering again does', () => {
    // Silent 07–11, answered 12 and 13: 2 of 7 answered, far from the 70 % that ends silence.
    const back = days(['missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'taken', 'taken']);
    expect(evaluateMissedDoseRules(back, rules, ctx(now, { openEpisodes: noReplyOpen }))).toEqual({ raise: [], resolve: [] });
    // The low-response condition holds too (2 of 7), but the open silence episode covers it: no second episode.
    expect(evaluateMissedDoseRules(back, rules, ctx(now)).raise.map((e) => e.rule)).toEqual(['low_response']);
    // 5 of 7 answered: the patient is answering again.
    const recovered = days(['missed_no_reply', 'missed_no_reply', 'taken', 'taken', 'taken', 'taken', 'taken']);
    expect(evaluateMissedDoseRules(recovered, rules, ctx(now, { openEpisodes: noReplyOpen })).resolve).toEqual([noReplyOpen[0]!.episodeKey]);
  });

  it('without hysteresis (no resolveShare) a no-reply episode ends at the first answer, as before', () => {
    const plain = only({ noReplyDays: 3, lowResponse: { share: 0.5, days: 7, minCheckIns: 4 } });
    const back = days(['missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'taken']);
    expect(evaluateMissedDoseRules(back, plain, ctx(now, { openEpisodes: noReplyOpen })).resolve).toEqual([noReplyOpen[0]!.episodeKey]);
  });

  it('a patient in a low-response episode who then goes quiet for days gets a no-reply episode (worse, not more of the same)', () => {
    const quiet = days(['taken', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply']);
    expect(evaluateMissedDoseRules(quiet, rules, ctx(now)).raise.map((e) => e.rule)).toEqual(['no_reply_days']);
    const withLow = evaluateMissedDoseRules(quiet, rules, ctx(now, { openEpisodes: lowOpen }));
    expect(withLow.raise.map((e) => e.rule)).toEqual(['no_reply_days']);
    // The low-response episode is held, not ended, by total silence.
    expect(withLow.resolve).toEqual([]);
  });

  it('a new silent run after the patient answered again is a new no-reply episode, and ends the held one', () => {
    // Episode opened on the run starting 01-07; the patient answered on 01-10; silent again 01-11 to 01-13.
    const again = days(['missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'taken', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply']);
    const result = evaluateMissedDoseRules(again, rules, ctx(now, { openEpisodes: noReplyOpen }));
    expect(result.raise.map((e) => e.episodeKey)).toEqual(['p1:no_reply_days:any:2027-01-11T08:00']);
    expect(result.resolve).toEqual([noReplyOpen[0]!.episodeKey]);
    // The stored episode of that run, found open on the next evaluation: nothing new.
    const next = evaluateMissedDoseRules(again, rules, ctx(now, { openEpisodes: [{ rule: 'no_reply_days', drug: null, episodeKey: 'p1:no_reply_days:any:2027-01-11T08:00' }] }));
    expect(next).toEqual({ raise: [], resolve: [] });
  });

  it('one long silence is one episode although the history the rules see slides past its first day', () => {
    // The episode began on 01-01; the rules now see 01-07..01-13, all silent: the run seems to start on 01-07.
    const longOpen = [{ rule: 'no_reply_days', drug: null, episodeKey: 'p1:no_reply_days:any:2027-01-01T08:00' }];
    const silent = days(Array<DoseStatus>(7).fill('missed_no_reply'));
    expect(evaluateMissedDoseRules(silent, rules, ctx(now, { openEpisodes: longOpen }))).toEqual({ raise: [], resolve: [] });
  });

  it('a late answer that only trims the start of the same silent run is not a new run', () => {
    // The run that opened the episode started 01-07; a late "taken" for 01-07 makes it start 01-08: the same silence.
    const trimmed = [...days(['taken', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply'])];
    expect(evaluateMissedDoseRules(trimmed, rules, ctx(now, { openEpisodes: noReplyOpen }))).toEqual({ raise: [], resolve: [] });
  });

  it('an answer one day into the held run (a late answer) does not make the rest of it a new run', () => {
    // Episode from the run starting 01-07; a late answer for 01-08; silent 01-09 to 01-13: only 2 days after the episode began.
    const late = days(['missed_no_reply', 'taken', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply']);
    expect(evaluateMissedDoseRules(late, rules, ctx(now, { openEpisodes: noReplyOpen }))).toEqual({ raise: [], resolve: [] });
  });

  it('answering is recovery with exactly minCheckIns known, and nothing silent is raised for a patient who answers some', () => {
    // Four check-ins known, three answered (75 % ≥ 70 %): the held low-response episode ends.
    const four = [dose('2027-01-10', '08:00', 'missed_no_reply', ['lef']), ...['11', '12', '13'].map((d) => dose(`2027-01-${d}`, '08:00', 'taken', ['lef']))];
    expect(evaluateMissedDoseRules(four, rules, ctx(now, { openEpisodes: lowOpen })).resolve).toEqual([lowOpen[0]!.episodeKey]);
    // No episode open, some answered, two silent days: nothing at all (not even a held no-reply).
    const some = days(['taken', 'missed_no_reply', 'taken', 'taken', 'taken', 'missed_no_reply', 'missed_no_reply']);
    expect(evaluateMissedDoseRules(some, rules, ctx(now))).toEqual({ raise: [], resolve: [] });
  });

  it('reported misses are not silence: a missed-dose episode still starts during a silence episode', () => {
    const misses = days(['missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_no_reply', 'missed_reported', 'missed_reported', 'missed_reported']);
    const both = { ...rules, consecutiveSameDrug: 2 };
    expect(evaluateMissedDoseRules(misses, both, ctx(now, { openEpisodes: noReplyOpen })).raise.map((e) => e.rule)).toEqual(['consecutive_same_drug']);
  });
});

describe('the default rules together', () => {
  it('leaves unknown rule ids in openEpisodes alone and resolves episodes of a rule switched off', () => {
    const open = [
      { rule: 'someone_elses_rule', drug: null, episodeKey: 'k1' },
      { rule: 'no_reply_days', drug: null, episodeKey: 'k2' },
    ];
    const result = evaluateMissedDoseRules([], { ...DEFAULT_MISSED_DOSE_RULES, noReplyDays: null }, ctx(at('2027-01-12T09:00'), { openEpisodes: open }));
    expect(result).toEqual({ raise: [], resolve: ['k2'] });
  });

  it('rejects an unknown time zone', () => {
    expect(() => evaluateMissedDoseRules([], DEFAULT_MISSED_DOSE_RULES, ctx(at('2027-01-12T09:00'), { timeZone: 'Nowhere/Else' }))).toThrow(RangeError);
  });
});
