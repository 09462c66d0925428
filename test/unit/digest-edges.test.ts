// Edges of the weekly digest that digest.test.ts's synthetic week did not pin (found by the domain
// mutation run, docs/testing.md): the week's first and last instant, an item opened after the
// digest was generated, the 48-hour line, which acknowledgements count, the order of every list,
// and the relapse decisions as a reader sees them in both languages. Each case builds a small
// week of its own inside the test (see docs/testing.md, "A measurement trap").
import { describe, expect, it } from 'vitest';
import { buildWeeklyDigest, digestInputSchema, isoWeekOf, renderDigestText, type DigestInput } from '#domain/digest.ts';

// 2027-W02 in Asia/Shanghai (UTC+8): [2027-01-10T16:00Z, 2027-01-17T16:00Z).
const WEEK_START = '2027-01-10T16:00:00.000Z';
const WEEK_END = '2027-01-17T16:00:00.000Z';
const GENERATED = '2027-01-18T00:00:00.000Z';

type Report = DigestInput['reports'][number];
type Alert = DigestInput['alerts'][number];

function week(extra: Partial<DigestInput> = {}): DigestInput {
  return {
    week: '2027-W02',
    timeZone: 'Asia/Shanghai',
    generatedAt: GENERATED,
    patients: [
      { studyId: 'IGG-001', arm: 'MMF', status: 'active', smsOptOut: false },
      { studyId: 'IGG-002', arm: 'LEF', status: 'completed', smsOptOut: false },
      { studyId: 'IGG-003', arm: 'LEF', status: 'completed', smsOptOut: false },
      { studyId: 'IGG-004', arm: null, status: 'active', smsOptOut: false },
    ],
    doseOutcomes: [],
    alerts: [],
    reports: [],
    visitsDueNextWeek: [],
    visitsMissed: [],
    relapseOverrules: [],
    sms: { sent: 0, parts: 0, failed: 0, costPerPartUsd: 0.03 },
    ...extra,
  };
}

function report(id: string, studyId: string, createdAt: string, extra: Partial<Report> = {}): Report {
  return { id, studyId, createdAt, status: 'open', intent: 'side_effect', items: [], redFlag: false, relapseSignal: false, ...extra };
}

function missedDose(id: string, studyId: string, createdAt: string, extra: Partial<Alert> = {}): Alert {
  return { id, studyId, kind: 'missed_dose', urgent: false, status: 'open', createdAt, ...extra };
}

const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('counts', () => {
  it('counts completed patients per arm and overall', () => {
    const digest = buildWeeklyDigest(week());
    expect(digest.overall.patients.completed).toBe(2);
    expect(digest.byArm.LEF.patients.completed).toBe(2);
    expect(digest.byArm.MMF.patients.completed).toBe(0);
    expect(digest.overall.patients.active).toBe(2);
  });
});

describe('the week is [Monday 00:00, next Monday 00:00) local', () => {
  it('an alert raised at the first instant counts, one raised at the next Monday 00:00 or a millisecond before the week does not', () => {
    const digest = buildWeeklyDigest(
      week({
        generatedAt: '2027-01-18T01:00:00.000Z',
        alerts: [
          missedDose('A1', 'IGG-001', WEEK_START, { status: 'acknowledged', acknowledgedAt: WEEK_START }),
          missedDose('A2', 'IGG-001', WEEK_END, { status: 'acknowledged', acknowledgedAt: WEEK_END }),
          missedDose('A3', 'IGG-001', plusMs(WEEK_START, -1), { status: 'acknowledged', acknowledgedAt: plusMs(WEEK_START, -1) }),
          missedDose('A4', 'IGG-001', plusMs(WEEK_END, -1), { status: 'acknowledged', acknowledgedAt: plusMs(WEEK_END, -1) }),
        ],
      }),
    );
    expect(digest.overall.missedDoseAlerts.raised).toBe(2);
    expect(digest.overall.missedDoseAlerts.acknowledged).toBe(2);
  });

  it('counts an acknowledgement only when the alert is acknowledged and the acknowledgement falls in the week', () => {
    const digest = buildWeeklyDigest(
      week({
        alerts: [
          // Raised this week, still open: raised 1, acknowledged 0.
          missedDose('A1', 'IGG-001', '2027-01-12T02:00:00.000Z'),
          // Re-opened after an acknowledgement this week: open now, so not acknowledged.
          missedDose('A2', 'IGG-001', '2027-01-12T03:00:00.000Z', { acknowledgedAt: '2027-01-12T04:00:00.000Z' }),
          // Acknowledged, but the week before.
          missedDose('A3', 'IGG-001', '2027-01-03T03:00:00.000Z', { status: 'acknowledged', acknowledgedAt: '2027-01-04T04:00:00.000Z' }),
        ],
      }),
    );
    expect(digest.overall.missedDoseAlerts.raised).toBe(2);
    expect(digest.overall.missedDoseAlerts.acknowledged).toBe(0);
    expect(digest.overall.missedDoseAlerts.stillOpen.map((a) => a.id)).toEqual(['A1', 'A2']);
  });
});

describe('lists of open items are as of the moment the digest was generated', () => {
  it('an open red flag from an earlier week is listed, a reviewed one from an earlier week is not, and one created after generation is not', () => {
    const digest = buildWeeklyDigest(
      week({
        reports: [
          report('R-old-open', 'IGG-001', '2027-01-02T03:00:00.000Z', { redFlag: true, relapseSignal: true }),
          report('R-old-reviewed', 'IGG-001', '2027-01-02T04:00:00.000Z', { redFlag: true, relapseSignal: true, status: 'reviewed' }),
          report('R-after', 'IGG-001', plusMs(GENERATED, 60_000), { redFlag: true, relapseSignal: true }),
          report('R-at', 'IGG-001', GENERATED, { redFlag: true, relapseSignal: true }),
        ],
      }),
    );
    expect(digest.overall.redFlags.map((r) => r.reportId)).toEqual(['R-old-open', 'R-at']);
    expect(digest.overall.relapseSignals.map((r) => r.reportId)).toEqual(['R-old-open', 'R-at']);
  });

  it('lists red flags and relapse signals oldest first, whatever order they come in', () => {
    const digest = buildWeeklyDigest(
      week({
        reports: [
          report('R3', 'IGG-001', '2027-01-15T03:00:00.000Z', { redFlag: true, relapseSignal: true }),
          report('R1', 'IGG-002', '2027-01-11T03:00:00.000Z', { redFlag: true, relapseSignal: true }),
          report('R2', 'IGG-004', '2027-01-13T03:00:00.000Z', { redFlag: true, relapseSignal: true }),
        ],
      }),
    );
    expect(digest.overall.redFlags.map((r) => r.reportId)).toEqual(['R1', 'R2', 'R3']);
    expect(digest.overall.relapseSignals.map((r) => r.reportId)).toEqual(['R1', 'R2', 'R3']);
  });

  it('a report unreviewed for exactly 48 hours is not yet "more than 48 h"; a minute more is', () => {
    const digest = buildWeeklyDigest(
      week({
        reports: [
          report('R48', 'IGG-001', plusMs(GENERATED, -48 * 3_600_000)),
          report('R48m', 'IGG-001', plusMs(GENERATED, -48 * 3_600_000 - 60_000)),
          report('R47', 'IGG-001', plusMs(GENERATED, -47 * 3_600_000)),
        ],
      }),
    );
    expect(digest.overall.unreviewedOver48h.map((r) => [r.reportId, r.ageHours])).toEqual([['R48m', 48]]);
  });
});

describe('order of the other lists', () => {
  it('sorts missed visits and due visits by date, then study ID; grade 3+ by time; relapse decisions by date, then study ID; unknown study IDs alphabetically', () => {
    const digest = buildWeeklyDigest(
      week({
        visitsMissed: [
          { studyId: 'IGG-002', visit: 'month 3', targetDate: '2027-01-14' },
          { studyId: 'IGG-003', visit: 'month 3', targetDate: '2027-01-12' },
          { studyId: 'IGG-001', visit: 'month 3', targetDate: '2027-01-14' },
        ],
        visitsDueNextWeek: [
          { studyId: 'IGG-003', visit: 'month 6', targetDate: '2027-01-21' },
          { studyId: 'IGG-001', visit: 'month 6', targetDate: '2027-01-19' },
        ],
        reports: [
          report('R2', 'IGG-001', '2027-01-14T03:00:00.000Z', { items: [{ term: 'Diarrhea', grade: 3 }] }),
          report('R1', 'IGG-002', '2027-01-12T03:00:00.000Z', { items: [{ term: 'Vomiting', grade: 4 }, { term: 'Nausea', grade: 2 }] }),
          report('R3', 'IGG-404', '2027-01-13T03:00:00.000Z', { items: [] }),
          report('R4', 'IGG-101', '2027-01-13T04:00:00.000Z', { items: [] }),
        ],
        relapseOverrules: [
          { studyId: 'IGG-003', visit: 'month 9', date: '2027-01-14', criterionMet: true, decision: false, reason: null, criterion: null },
          { studyId: 'IGG-001', visit: 'month 9', date: '2027-01-14', criterionMet: false, decision: true, reason: 'new orbital mass', criterion: null },
          { studyId: 'IGG-002', visit: 'month 9', date: '2027-01-12', criterionMet: true, decision: false, reason: 'chalazion', criterion: null },
        ],
      }),
    );
    expect(digest.overall.visitsMissed.map((v) => `${v.targetDate} ${v.studyId}`)).toEqual(['2027-01-12 IGG-003', '2027-01-14 IGG-001', '2027-01-14 IGG-002']);
    expect(digest.overall.visitsDueNextWeek.map((v) => v.studyId)).toEqual(['IGG-001', 'IGG-003']);
    expect(digest.overall.newGrade3Plus.map((i) => `${i.reportId} ${i.term} G${i.grade}`)).toEqual(['R1 Vomiting G4', 'R2 Diarrhea G3']);
    expect(digest.overall.relapseOverrules.map((o) => `${o.date} ${o.studyId}`)).toEqual(['2027-01-12 IGG-002', '2027-01-14 IGG-001', '2027-01-14 IGG-003']);
    expect(digest.unmatchedStudyIds).toEqual(['IGG-101', 'IGG-404']);
  });
});

describe('relapse decisions in the text', () => {
  const overrules: DigestInput['relapseOverrules'] = [
    { studyId: 'IGG-001', visit: 'month 9', date: '2027-01-14', criterionMet: false, decision: true, reason: 'new orbital mass', criterion: null },
    { studyId: 'IGG-002', visit: 'month 12', date: '2027-01-15', criterionMet: true, decision: false, reason: null, criterion: null },
  ];

  it('says in English whether the criterion was met, what the physician decided and why', () => {
    const text = renderDigestText(buildWeeklyDigest(week({ relapseOverrules: overrules })), 'en');
    expect(text).toContain('criterion not met, physician decided relapse; reason: new orbital mass');
    expect(text).toContain('criterion met, physician decided no relapse; reason: none given');
  });

  it('says the same in Chinese', () => {
    const text = renderDigestText(buildWeeklyDigest(week({ relapseOverrules: overrules })), 'zh-CN');
    expect(text).toContain('不符合复发标准，医生判断为复发；理由：new orbital mass');
    expect(text).toContain('符合复发标准，医生判断为未复发；理由：未填写');
  });
});

describe('what the digest refuses', () => {
  it.each([
    ['+86 138 0013 8000', 'an international number'],
    ['13800138000', 'a mainland mobile without +'],
    ['138-0013-8000', 'a number with dashes'],
  ])('a study ID that is a phone number: %s (%s)', (studyId) => {
    const result = digestInputSchema.safeParse(week({ patients: [{ studyId, arm: null, status: 'active', smsOptOut: false }] }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('a study ID, not a phone number');
  });

  it.each(['S-1234567', 'IGG4 2027-0001234', 'P1234567X', '123-45'])('but not a study ID with digits in it: %s', (studyId) => {
    expect(digestInputSchema.safeParse(week({ patients: [{ studyId, arm: null, status: 'active', smsOptOut: false }] })).success).toBe(true);
  });

  it('a time zone that does not exist', () => {
    const result = digestInputSchema.safeParse(week({ timeZone: 'Mars/Olympus_Mons' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['an IANA time zone']);
  });

  it('a date with a time, or not a date, for the ISO week', () => {
    expect(() => isoWeekOf('2027-01-11T10:00')).toThrow('not a local date: 2027-01-11T10:00');
    expect(() => isoWeekOf('x2027-01-11')).toThrow('not a local date: x2027-01-11');
    expect(isoWeekOf('2027-01-11')).toBe('2027-W02');
  });
});
