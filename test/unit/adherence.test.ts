import { describe, it, expect } from 'vitest';
import {
  adherenceByArm,
  computeAdherence,
  dailyAdherenceSeries,
  doseOutcomeSchema,
  resolveDoseStatus,
  type DoseOutcome,
} from '../../shared/domain/adherence.ts';

function dose(over: Partial<DoseOutcome> & Pick<DoseOutcome, 'checkInId' | 'dueAt'>): DoseOutcome {
  return {
    patientId: 'p1',
    studyId: 'IGG-001',
    arm: null,
    phase: 'induction',
    localDate: over.dueAt.slice(0, 10),
    localTime: '08:00',
    windowEnd: new Date(Date.parse(over.dueAt) + 4 * 3600_000).toISOString(),
    drugs: ['prednisone', 'mmf'],
    status: 'taken',
    ...over,
  };
}

const week = { from: '2027-01-11T00:00:00.000Z', to: '2027-01-18T00:00:00.000Z' };

describe('computeAdherence', () => {
  const outcomes = [
    dose({ checkInId: 'a', dueAt: '2027-01-11T00:00:00.000Z', status: 'taken' }), // on `from`: included
    dose({ checkInId: 'b', dueAt: '2027-01-12T00:00:00.000Z', status: 'taken' }),
    dose({ checkInId: 'c', dueAt: '2027-01-13T00:00:00.000Z', status: 'missed_reported', missedDrugs: ['mmf'] }),
    dose({ checkInId: 'd', dueAt: '2027-01-14T00:00:00.000Z', status: 'missed_no_reply' }),
    dose({ checkInId: 'e', dueAt: '2027-01-17T23:00:00.000Z', status: 'pending' }),
    dose({ checkInId: 'f', dueAt: '2027-01-18T00:00:00.000Z', status: 'missed_no_reply' }), // on `to`: excluded
    dose({ checkInId: 'g', dueAt: '2027-01-10T23:59:59.000Z', status: 'missed_no_reply' }), // before: excluded
  ];

  it('counts check-ins due in [from, to) and rates confirmed ÷ (due − pending)', () => {
    const result = computeAdherence(outcomes, week);
    expect(result).toMatchObject({ due: 5, confirmed: 2, reportedMissed: 1, unanswered: 1, pending: 1 });
    expect(result.rate).toBe(2 / 4);
  });

  it('breaks down per drug, a partial miss counting as taken for the drug not missed', () => {
    const { byDrug } = computeAdherence(outcomes, week);
    expect(byDrug['prednisone']).toEqual({ due: 5, confirmed: 3, reportedMissed: 0, unanswered: 1, pending: 1, rate: 3 / 4 });
    expect(byDrug['mmf']).toEqual({ due: 5, confirmed: 2, reportedMissed: 1, unanswered: 1, pending: 1, rate: 2 / 4 });
  });

  it('returns a null rate (not 0 or 100 %) when nothing is known yet', () => {
    expect(computeAdherence([], week).rate).toBeNull();
    expect(computeAdherence([dose({ checkInId: 'x', dueAt: '2027-01-12T00:00:00.000Z', status: 'pending' })], week).rate).toBeNull();
  });
});

describe('adherenceByArm', () => {
  it('groups by the arm at the time of the dose, with not-yet-randomized apart, and an overall total', () => {
    const outcomes = [
      dose({ checkInId: '1', dueAt: '2027-01-12T00:00:00.000Z', arm: 'MMF', status: 'taken' }),
      dose({ checkInId: '2', dueAt: '2027-01-12T12:00:00.000Z', arm: 'MMF', status: 'missed_no_reply' }),
      dose({ checkInId: '3', dueAt: '2027-01-12T00:00:00.000Z', arm: 'LEF', drugs: ['lef'], status: 'taken' }),
      dose({ checkInId: '4', dueAt: '2027-01-12T00:00:00.000Z', arm: null, status: 'missed_reported' }),
    ];
    const result = adherenceByArm(outcomes, week);
    expect(result.MMF.rate).toBe(0.5);
    expect(result.LEF.rate).toBe(1);
    expect(result.LEF.byDrug).toEqual({ lef: expect.objectContaining({ confirmed: 1 }) });
    expect(result.unrandomized.rate).toBe(0);
    expect(result.overall).toMatchObject({ due: 4, confirmed: 2, rate: 0.5 });
  });
});

describe('dailyAdherenceSeries', () => {
  it('groups by local date in the given zone and fills days without doses', () => {
    const outcomes = [
      // 2027-01-11 23:30 Shanghai = 15:30Z: day 11 locally, whatever UTC says.
      dose({ checkInId: '1', dueAt: '2027-01-11T15:30:00.000Z', status: 'taken' }),
      // 2027-01-12 00:30 Shanghai = 2027-01-11T16:30Z: day 12 locally.
      dose({ checkInId: '2', dueAt: '2027-01-11T16:30:00.000Z', status: 'missed_no_reply' }),
      dose({ checkInId: '3', dueAt: '2027-01-14T00:00:00.000Z', status: 'pending' }),
    ];
    expect(dailyAdherenceSeries(outcomes, 'Asia/Shanghai')).toEqual([
      { date: '2027-01-11', due: 1, confirmed: 1, reportedMissed: 0, unanswered: 0, pending: 0, rate: 1 },
      { date: '2027-01-12', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 1, pending: 0, rate: 0 },
      { date: '2027-01-13', due: 0, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 0, rate: null },
      { date: '2027-01-14', due: 1, confirmed: 0, reportedMissed: 0, unanswered: 0, pending: 1, rate: null },
    ]);
  });

  it('returns an empty series for no outcomes and rejects an unknown zone', () => {
    expect(dailyAdherenceSeries([], 'UTC')).toEqual([]);
    expect(() => dailyAdherenceSeries([], 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('resolveDoseStatus', () => {
  const pending = dose({ checkInId: 'c1', dueAt: '2027-01-12T00:00:00.000Z', windowEnd: '2027-01-12T04:00:00.000Z', status: 'pending' });

  it('records a first "taken" answer with its time', () => {
    const r = resolveDoseStatus(pending, { kind: 'reply', answer: 'taken', at: '2027-01-12T00:10:00.000Z' });
    expect(r).toMatchObject({ changed: true, previousStatus: 'pending', reason: 'answered' });
    expect(r.outcome).toMatchObject({ status: 'taken', answeredAt: '2027-01-12T00:10:00.000Z' });
  });

  it('marks missed_no_reply only after the window has closed', () => {
    expect(resolveDoseStatus(pending, { kind: 'no_reply_sweep', at: '2027-01-12T03:59:00.000Z' })).toMatchObject({
      changed: false,
      reason: 'window_still_open',
    });
    const r = resolveDoseStatus(pending, { kind: 'no_reply_sweep', at: '2027-01-12T04:00:00.000Z' });
    expect(r.outcome.status).toBe('missed_no_reply');
  });

  it('never lets the sweep override an answer', () => {
    const taken = { ...pending, status: 'taken' as const, answeredAt: '2027-01-12T00:10:00.000Z' };
    expect(resolveDoseStatus(taken, { kind: 'no_reply_sweep', at: '2027-01-12T05:00:00.000Z' })).toMatchObject({
      changed: false,
      outcome: taken,
    });
  });

  it('lets a late "taken" after the sweep win: missed_no_reply → taken', () => {
    const noReply = resolveDoseStatus(pending, { kind: 'no_reply_sweep', at: '2027-01-12T04:15:00.000Z' }).outcome;
    const r = resolveDoseStatus(noReply, { kind: 'reply', answer: 'taken', at: '2027-01-12T14:40:00.000Z' });
    expect(r).toMatchObject({ changed: true, previousStatus: 'missed_no_reply', reason: 'late_taken_after_no_reply' });
    expect(r.outcome).toMatchObject({ status: 'taken', answeredAt: '2027-01-12T14:40:00.000Z' });
  });

  it('keeps a reported miss unless a later "taken" arrives for the same check-in, and records the revision', () => {
    const missed = resolveDoseStatus(pending, { kind: 'reply', answer: 'missed', at: '2027-01-12T01:00:00.000Z' }).outcome;
    expect(missed.status).toBe('missed_reported');
    const earlierTaken = resolveDoseStatus(missed, { kind: 'reply', answer: 'taken', at: '2027-01-12T00:30:00.000Z' });
    expect(earlierTaken).toMatchObject({ changed: false, reason: 'older_answer_ignored' });
    const laterTaken = resolveDoseStatus(missed, { kind: 'reply', answer: 'taken', at: '2027-01-12T02:00:00.000Z' });
    expect(laterTaken).toMatchObject({ changed: true, previousStatus: 'missed_reported', reason: 'answer_revised' });
    expect(laterTaken.outcome).toMatchObject({ status: 'taken', answeredAt: '2027-01-12T02:00:00.000Z' });
    expect(laterTaken.outcome.missedDrugs).toBeUndefined();
  });

  it('treats a repeated identical answer as no change (SMS redelivery, double texting)', () => {
    const taken = resolveDoseStatus(pending, { kind: 'reply', answer: 'taken', at: '2027-01-12T00:10:00.000Z' }).outcome;
    const again = resolveDoseStatus(taken, { kind: 'reply', answer: 'taken', at: '2027-01-12T00:12:00.000Z' });
    expect(again).toMatchObject({ changed: false, reason: 'same_answer_repeated', outcome: taken });
  });

  it('keeps only the missed drugs that belong to the check-in; all of them means a plain miss', () => {
    const partial = resolveDoseStatus(pending, { kind: 'reply', answer: 'missed', missedDrugs: ['mmf', 'lef'], at: '2027-01-12T01:00:00.000Z' });
    expect(partial.outcome.missedDrugs).toEqual(['mmf']);
    const all = resolveDoseStatus(pending, { kind: 'reply', answer: 'missed', missedDrugs: ['mmf', 'prednisone'], at: '2027-01-12T01:00:00.000Z' });
    expect(all.outcome.missedDrugs).toBeUndefined();
  });

  it('does not mutate the outcome it was given', () => {
    const copy = structuredClone(pending);
    resolveDoseStatus(pending, { kind: 'reply', answer: 'missed', at: '2027-01-12T01:00:00.000Z' });
    expect(pending).toEqual(copy);
  });
});

describe('doseOutcomeSchema', () => {
  it('accepts a well-formed outcome and rejects a malformed local time', () => {
    const ok = dose({ checkInId: 'z', dueAt: '2027-01-12T00:00:00.000Z' });
    expect(doseOutcomeSchema.parse(ok)).toEqual(ok);
    expect(doseOutcomeSchema.safeParse({ ...ok, localTime: '8:00' }).success).toBe(false);
  });
});
