/**
 * What a coordinator reads on the worklist for each missed-dose and silence rule (the sweep's
 * titles and details), and how a stored check-in becomes a dose outcome for the rules. Pure: the
 * episodes come from the real rules (evaluateMissedDoseRules), the protocol from the study's file.
 * Written against the survivors of `STRYKER_SCOPE=app npm run mutation -- --mutate shared/app/sweep-adherence.ts`.
 */
import { describe, expect, it } from 'vitest';
import { missedDoseDetails, missedDoseTitle, toDoseOutcome } from '#app/sweep-adherence.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { evaluateMissedDoseRules, type MissedDoseEpisode, type MissedDoseRules } from '#domain/missed-dose-rules.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { at, ctx, dose, only } from '../support/dose-outcomes.ts';

const protocol = loadProtocolFile();

function episodeOf(rules: MissedDoseRules, history: Parameters<typeof evaluateMissedDoseRules>[0], now: string, taperActive = false): MissedDoseEpisode {
  const { raise } = evaluateMissedDoseRules(history, rules, ctx(now, { taperActive: () => taperActive }));
  expect(raise).toHaveLength(1);
  return raise[0]!;
}

describe('worklist titles and details, one per rule', () => {
  it('consecutive misses of one drug: how many, the drug by name, the first and last date', () => {
    const episode = episodeOf(only({ consecutiveSameDrug: 2 }), [dose('2027-01-10', '20:00', 'missed_reported', ['mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['mmf'])], at('2027-01-11T12:00'));
    expect(missedDoseTitle(protocol, episode)).toBe('IGG-007: 2 reported missed MMF doses in a row (2027-01-10 to 2027-01-11)');
    expect(missedDoseDetails(protocol, episode)).toMatchObject({
      rule: 'consecutive_same_drug',
      drug: 'mmf',
      drugName: 'MMF',
      kind: 'missed_dose',
      firstMissedLocalDate: '2027-01-10',
      missedLocalDates: ['2027-01-10', '2027-01-11'],
      missedDoses: [expect.objectContaining({ checkInId: 'ci-2027-01-10-20:00' }), expect.objectContaining({ checkInId: 'ci-2027-01-11-08:00' })],
      adherence14d: { rate: 0, due: 2, confirmed: 0, reportedMissed: 2, unanswered: 0, pending: 0 },
      detectedAt: at('2027-01-11T12:00'),
    });
  });

  it('prednisone during the taper: the drug and the one date when a single day', () => {
    const episode = episodeOf(only({ anyPrednisoneDuringTaper: true, taperConsecutiveMisses: 1 }), [dose('2027-01-11', '08:00', 'missed_reported', ['prednisone', 'mmf'], undefined, { missedDrugs: ['prednisone'] })], at('2027-01-11T12:00'), true);
    expect(missedDoseTitle(protocol, episode)).toBe('IGG-007: reported missing prednisone during the taper (2027-01-11)');
    expect(missedDoseDetails(protocol, episode)).toMatchObject({ rule: 'prednisone_during_taper', drug: 'prednisone', drugName: 'prednisone', kind: 'steroid_withdrawal' });
  });

  it('misses within N days: the count and the protocol window in days', () => {
    const history = [
      dose('2027-01-08', '08:00', 'missed_reported', ['mmf']),
      dose('2027-01-08', '20:00', 'taken', ['mmf']),
      dose('2027-01-09', '20:00', 'missed_reported', ['mmf']),
      dose('2027-01-10', '08:00', 'taken', ['mmf']),
      dose('2027-01-11', '08:00', 'missed_reported', ['mmf']),
    ];
    const episode = episodeOf(only({ missedInDays: { count: 3, days: 7 } }), history, at('2027-01-11T12:00'));
    expect(missedDoseTitle(protocol, episode)).toBe(`IGG-007: 3 reported missed doses in ${protocol.missedDoseRules.missedInDays.days} days (2027-01-08 to 2027-01-11)`);
    expect(missedDoseDetails(protocol, episode)).toMatchObject({ rule: 'missed_in_days', drug: null, drugName: null });
  });

  it('no reply for N days: the number of silent days, never called a missed dose', () => {
    const silent = ['2027-01-09', '2027-01-10', '2027-01-11'].flatMap((d) => [dose(d, '08:00', 'missed_no_reply', ['mmf']), dose(d, '20:00', 'missed_no_reply', ['mmf'])]);
    const episode = episodeOf(only({ noReplyDays: 3 }), [dose('2027-01-08', '20:00', 'taken', ['mmf']), ...silent], at('2027-01-12T02:00'));
    const title = missedDoseTitle(protocol, episode);
    expect(title).toBe('IGG-007: no reply for 3 days (2027-01-09 to 2027-01-11)');
    expect(title).not.toMatch(/missed/);
    expect(missedDoseDetails(protocol, episode)).toMatchObject({ rule: 'no_reply_days', kind: 'no_reply', drug: null });
  });

  it('low response: the window in days, how many went unanswered, and answered (confirmed or reported missed) of the known check-ins', () => {
    const days = Array.from({ length: 12 }, (_, i) => `2027-01-${String(i + 2).padStart(2, '0')}`);
    // 12 days, one check-in a day: 3 taken, 1 reported missed, 8 unanswered, none pending.
    const history = days.map((d, i) => dose(d, '08:00', i % 4 === 0 ? 'taken' : i === 1 ? 'missed_reported' : 'missed_no_reply', ['mmf']));
    const episode = episodeOf(only({ lowResponse: { share: 0.5, days: 14, minCheckIns: 8, resolveShare: 0.7 } }), history, at('2027-01-13T20:00'));
    expect(episode.adherence14d).toMatchObject({ due: 12, confirmed: 3, reportedMissed: 1, pending: 0 });
    expect(missedDoseTitle(protocol, episode)).toBe(`IGG-007: few check-ins answered in ${protocol.silenceRules.lowResponse.days} days (${episode.missedDoses.length} unanswered; 14-day: 4/12 answered)`);
    expect(missedDoseDetails(protocol, episode)).toMatchObject({ rule: 'low_response', kind: 'low_response', adherence14d: { due: 12, confirmed: 3, reportedMissed: 1, unanswered: 8, pending: 0 } });
  });

  it('a drug the protocol does not name keeps its id in the title (a renamed drug never breaks the worklist)', () => {
    const episode = episodeOf(only({ consecutiveSameDrug: 2 }), [dose('2027-01-10', '20:00', 'missed_reported', ['tacrolimus']), dose('2027-01-11', '08:00', 'missed_reported', ['tacrolimus'])], at('2027-01-11T12:00'));
    expect(missedDoseTitle(protocol, episode)).toBe('IGG-007: 2 reported missed tacrolimus doses in a row (2027-01-10 to 2027-01-11)');
    expect(missedDoseDetails(protocol, episode)).toMatchObject({ drug: 'tacrolimus', drugName: 'tacrolimus' });
  });

  it('titles carry the study ID, never a phone number', () => {
    const episode = episodeOf(only({ consecutiveSameDrug: 2 }), [dose('2027-01-10', '20:00', 'missed_reported', ['mmf']), dose('2027-01-11', '08:00', 'missed_reported', ['mmf'])], at('2027-01-11T12:00'));
    expect(missedDoseTitle(protocol, episode)).not.toMatch(/\+\d{6,}/);
  });
});

describe('toDoseOutcome: a stored check-in as the rules see it', () => {
  const sent: StoredReminder = {
    id: 'r-1',
    patientId: 'p1',
    studyId: 'IGG-007',
    kind: 'dose',
    phase: 'maintenance',
    localDate: '2027-08-02',
    localTime: '08:00',
    timeZone: 'Asia/Shanghai',
    dueAt: '2027-08-02T00:00:00.000Z',
    answerWindowEnd: '2027-08-02T03:00:00.000Z',
    doses: [{ drug: 'mmf', amount: 0.75, unit: 'g' }],
    state: 'sent',
    outcome: 'missed_reported',
    missedDrugs: ['mmf'],
    answeredAt: '2027-08-02T01:00:00.000Z',
    createdAt: '2027-07-30T00:00:00.000Z',
    updatedAt: '2027-08-02T01:00:00.000Z',
    attempts: 1,
  } as StoredReminder;

  it('a sent dose check-in: its drugs, status, window end, the drugs reported missed, the arm in maintenance', () => {
    expect(toDoseOutcome(sent, 'LEF')).toEqual({
      checkInId: 'r-1',
      patientId: 'p1',
      studyId: 'IGG-007',
      arm: 'LEF',
      phase: 'maintenance',
      localDate: '2027-08-02',
      localTime: '08:00',
      dueAt: '2027-08-02T00:00:00.000Z',
      windowEnd: '2027-08-02T03:00:00.000Z',
      drugs: ['mmf'],
      status: 'missed_reported',
      missedDrugs: ['mmf'],
      answeredAt: '2027-08-02T01:00:00.000Z',
    });
  });

  it('in induction there is no arm yet; an empty list of missed drugs means all of them (left out)', () => {
    const outcome = toDoseOutcome({ ...sent, phase: 'induction', missedDrugs: [], answeredAt: undefined } as StoredReminder, 'LEF');
    expect(outcome?.arm).toBeNull();
    expect(outcome).not.toHaveProperty('missedDrugs');
    expect(outcome).not.toHaveProperty('answeredAt');
  });

  it('without an answer window the window ends at the due time', () => {
    expect(toDoseOutcome({ ...sent, answerWindowEnd: undefined } as StoredReminder, null)?.windowEnd).toBe(sent.dueAt);
  });

  it.each([
    ['a visit reminder', { kind: 'visit' }],
    ['a dose reminder never sent (cancelled, expired, failed)', { state: 'cancelled' }],
    ['a check-in without an outcome (not a question)', { outcome: undefined }],
    ['a dose item without drugs', { doses: [] }],
  ])('%s is not a dose outcome', (_label, change) => {
    expect(toDoseOutcome({ ...sent, ...change } as StoredReminder, 'MMF')).toBeNull();
  });
});
