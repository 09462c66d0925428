// Edges of dose outcomes and adherence that adherence.test.ts did not pin (found by mutation
// testing, docs/testing.md): the daily series' days, the sweep's flag, answers arriving at the same
// instant, and which drugs a "missed" answer names.
import { describe, it, expect } from 'vitest';
import { computeAdherence, dailyAdherenceSeries, drugStatus, resolveDoseStatus, type DoseOutcome } from '../../shared/domain/adherence.ts';

function outcome(dueAt: string, over: Partial<DoseOutcome> = {}): DoseOutcome {
  return {
    checkInId: `ci-${dueAt}`,
    patientId: 'p1',
    studyId: 'IGG-007',
    arm: null,
    phase: 'induction',
    localDate: dueAt.slice(0, 10),
    localTime: dueAt.slice(11, 16),
    dueAt,
    windowEnd: dueAt.replace('T00', 'T03'),
    drugs: ['prednisone', 'mmf'],
    status: 'pending',
    ...over,
  };
}

describe('dailyAdherenceSeries', () => {
  it('counts every check-in of a day, and starts at the earliest day whatever the input order', () => {
    const series = dailyAdherenceSeries(
      [
        outcome('2027-01-12T00:00:00.000Z', { status: 'taken' }),
        outcome('2027-01-10T00:00:00.000Z', { status: 'taken' }),
        outcome('2027-01-10T08:00:00.000Z', { status: 'missed_reported' }),
      ],
      'UTC',
    );
    expect(series.map((p) => [p.date, p.due, p.confirmed, p.rate])).toEqual([
      ['2027-01-10', 2, 1, 0.5],
      ['2027-01-11', 0, 0, null],
      ['2027-01-12', 1, 1, 1],
    ]);
  });

  it('is empty without outcomes', () => {
    expect(dailyAdherenceSeries([], 'Asia/Shanghai')).toEqual([]);
  });
});

describe('computeAdherence', () => {
  it('rejects an outcome whose dueAt is not an instant instead of counting it nowhere', () => {
    expect(() => computeAdherence([outcome('not a date')], { from: '2027-01-01T00:00:00.000Z', to: '2027-02-01T00:00:00.000Z' })).toThrow(RangeError);
  });
});

describe('resolveDoseStatus', () => {
  const due = '2027-01-10T00:00:00.000Z';

  it('the sweep after the window closed reports a change', () => {
    const swept = resolveDoseStatus(outcome(due), { kind: 'no_reply_sweep', at: '2027-01-10T05:00:00.000Z' });
    expect(swept).toMatchObject({ changed: true, reason: 'window_closed_without_reply', outcome: { status: 'missed_no_reply' } });
  });

  it('a late "missed" after no reply is recorded as such', () => {
    const late = resolveDoseStatus(outcome(due, { status: 'missed_no_reply' }), { kind: 'reply', answer: 'missed', at: '2027-01-10T06:00:00.000Z' });
    expect(late).toMatchObject({ changed: true, reason: 'late_missed_after_no_reply', outcome: { status: 'missed_reported' } });
  });

  it('a second answer arriving at the same instant as the recorded one is applied, not ignored', () => {
    const at = '2027-01-10T01:00:00.000Z';
    const taken = outcome(due, { status: 'taken', answeredAt: at });
    const revised = resolveDoseStatus(taken, { kind: 'reply', answer: 'missed', at });
    expect(revised).toMatchObject({ changed: true, reason: 'answer_revised', outcome: { status: 'missed_reported' } });
  });

  it('a "missed" naming only drugs the check-in did not ask about counts as all of its drugs missed', () => {
    const missed = resolveDoseStatus(outcome(due), { kind: 'reply', answer: 'missed', missedDrugs: ['lef'], at: '2027-01-10T01:00:00.000Z' });
    expect(missed.outcome.missedDrugs).toBeUndefined();
    expect(['prednisone', 'mmf'].map((d) => drugStatus(missed.outcome, d))).toEqual(['missed_reported', 'missed_reported']);
  });

  it('changing which drugs were missed is a revision; naming the same drugs again is not', () => {
    const three = { drugs: ['prednisone', 'mmf', 'lef'] };
    const first = resolveDoseStatus(outcome(due, three), { kind: 'reply', answer: 'missed', missedDrugs: ['mmf'], at: '2027-01-10T01:00:00.000Z' }).outcome;
    const other = resolveDoseStatus(first, { kind: 'reply', answer: 'missed', missedDrugs: ['lef'], at: '2027-01-10T02:00:00.000Z' });
    expect(other).toMatchObject({ changed: true, reason: 'answer_revised' });
    const more = resolveDoseStatus(first, { kind: 'reply', answer: 'missed', missedDrugs: ['mmf', 'lef'], at: '2027-01-10T02:00:00.000Z' });
    expect(more).toMatchObject({ changed: true, reason: 'answer_revised' });
    const all = resolveDoseStatus(first, { kind: 'reply', answer: 'missed', at: '2027-01-10T02:00:00.000Z' });
    expect(all).toMatchObject({ changed: true, reason: 'answer_revised' });
    const again = resolveDoseStatus(first, { kind: 'reply', answer: 'missed', missedDrugs: ['mmf'], at: '2027-01-10T02:00:00.000Z' });
    expect(again).toMatchObject({ changed: false, reason: 'same_answer_repeated' });
    const two = resolveDoseStatus(outcome(due, three), { kind: 'reply', answer: 'missed', missedDrugs: ['mmf', 'lef'], at: '2027-01-10T01:00:00.000Z' }).outcome;
    const reordered = resolveDoseStatus(two, { kind: 'reply', answer: 'missed', missedDrugs: ['lef', 'mmf'], at: '2027-01-10T02:00:00.000Z' });
    expect(reordered).toMatchObject({ changed: false, reason: 'same_answer_repeated' });
  });
});
