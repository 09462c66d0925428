import { beforeEach, describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import type { DoseOutcome, DoseStatus } from '../../shared/domain/adherence.ts';
import { buildWeeklyDigest, digestInputSchema, isoWeekOf, renderDigestText, weekBounds, type DigestInput, type WeeklyDigest } from '../../shared/domain/digest.ts';

const SH = 'Asia/Shanghai';

function dose(studyId: string, arm: 'MMF' | 'LEF' | null, localDate: string, localTime: string, status: DoseStatus, drugs: string[], extra: Partial<DoseOutcome> = {}): DoseOutcome {
  const due = DateTime.fromISO(`${localDate}T${localTime}`, { zone: SH });
  return {
    checkInId: `${studyId}-${localDate}-${localTime}`,
    patientId: `patient-${studyId}`,
    studyId,
    arm,
    phase: arm === null ? 'induction' : 'maintenance',
    localDate,
    localTime,
    dueAt: due.toUTC().toISO()!,
    windowEnd: due.plus({ hours: 3 }).toUTC().toISO()!,
    drugs,
    status,
    ...extra,
  };
}

/** A fixed synthetic week, 2027-W02 (Mon 2027-01-11 .. Sun 2027-01-17, Asia/Shanghai = UTC+8). */
function syntheticWeek(): DigestInput {
  return {
    week: '2027-W02',
    timeZone: SH,
    generatedAt: '2027-01-18T00:00:00.000Z', // Monday 08:00 local
    patients: [
      { studyId: 'IGG-001', arm: 'MMF', status: 'active', smsOptOut: false },
      { studyId: 'IGG-002', arm: 'MMF', status: 'active', smsOptOut: true },
      { studyId: 'IGG-003', arm: 'LEF', status: 'active', smsOptOut: false },
      { studyId: 'IGG-004', arm: 'LEF', status: 'paused', smsOptOut: false },
      { studyId: 'IGG-005', arm: null, status: 'active', smsOptOut: false },
      { studyId: 'IGG-006', arm: null, status: 'withdrawn', smsOptOut: false },
    ],
    doseOutcomes: [
      // MMF: 2 taken, 1 reported missed, 1 unanswered, 1 pending → 2/4 = 50 %
      dose('IGG-001', 'MMF', '2027-01-11', '08:00', 'taken', ['mmf']),
      dose('IGG-001', 'MMF', '2027-01-11', '20:00', 'taken', ['mmf']),
      dose('IGG-001', 'MMF', '2027-01-12', '08:00', 'missed_reported', ['mmf']),
      dose('IGG-001', 'MMF', '2027-01-12', '20:00', 'missed_no_reply', ['mmf']),
      dose('IGG-001', 'MMF', '2027-01-17', '20:00', 'pending', ['mmf']),
      // LEF: 3/3 = 100 %
      dose('IGG-003', 'LEF', '2027-01-11', '08:00', 'taken', ['lef']),
      dose('IGG-003', 'LEF', '2027-01-12', '08:00', 'taken', ['lef']),
      dose('IGG-003', 'LEF', '2027-01-13', '08:00', 'taken', ['lef']),
      // Not randomized: taken; prednisone taken but MMF missed; unanswered → 1/3 = 33 %;
      // prednisone 2/3 = 67 %, MMF 1/3 = 33 %.
      dose('IGG-005', null, '2027-01-11', '08:00', 'taken', ['prednisone', 'mmf']),
      dose('IGG-005', null, '2027-01-12', '08:00', 'missed_reported', ['prednisone', 'mmf'], { missedDrugs: ['mmf'] }),
      dose('IGG-005', null, '2027-01-13', '08:00', 'missed_no_reply', ['prednisone', 'mmf']),
      // Sunday 2027-01-10 08:00 local: the week before, must not count.
      dose('IGG-005', null, '2027-01-10', '08:00', 'missed_no_reply', ['prednisone', 'mmf']),
    ],
    alerts: [
      { id: 'A1', studyId: 'IGG-001', kind: 'missed_dose', urgent: false, status: 'open', createdAt: '2027-01-12T14:00:00.000Z' },
      { id: 'A2', studyId: 'IGG-005', kind: 'missed_dose', urgent: false, status: 'acknowledged', createdAt: '2027-01-13T03:00:00.000Z', acknowledgedAt: '2027-01-13T05:00:00.000Z' },
      { id: 'A3', studyId: 'IGG-004', kind: 'missed_dose', urgent: false, status: 'open', createdAt: '2027-01-04T01:00:00.000Z' },
      { id: 'A4', studyId: 'IGG-003', kind: 'missed_dose', urgent: false, status: 'acknowledged', createdAt: '2027-01-05T02:00:00.000Z', acknowledgedAt: '2027-01-11T01:00:00.000Z' },
      { id: 'A5', studyId: 'IGG-003', kind: 'red_flag', urgent: true, status: 'open', createdAt: '2027-01-14T02:00:00.000Z' },
      { id: 'A6', studyId: 'IGG-002', kind: 'sms_failure', urgent: false, status: 'open', createdAt: '2027-01-15T00:00:00.000Z' },
    ],
    reports: [
      // The reviewer confirmed grade 3 where the patient's reply read as grade 1: the confirmed item wins.
      { id: 'R1', studyId: 'IGG-001', createdAt: '2027-01-12T02:15:00.000Z', status: 'reviewed', intent: 'side_effect', items: [{ term: 'Diarrhea', grade: 1 }], confirmedItems: [{ term: 'Diarrhea', grade: 3 }], redFlag: true, relapseSignal: false },
      { id: 'R2', studyId: 'IGG-002', createdAt: '2027-01-13T01:00:00.000Z', status: 'open', intent: 'side_effect', items: [{ term: 'Nausea', grade: 1 }, { term: 'Diarrhea', grade: 1 }], redFlag: false, relapseSignal: false },
      { id: 'R3', studyId: 'IGG-003', createdAt: '2027-01-14T02:00:00.000Z', status: 'open', intent: 'side_effect', items: [{ term: 'Cough', grade: 2 }, { term: 'Fever', grade: 3 }], redFlag: true, relapseSignal: false },
      { id: 'R4', studyId: 'IGG-005', createdAt: '2027-01-16T12:00:00.000Z', status: 'open', intent: 'symptom', items: [{ term: 'Rash maculo-papular', grade: null }], redFlag: false, relapseSignal: true },
      // Previous week, still open: not in this week's side effects, but still listed as open.
      { id: 'R5', studyId: 'IGG-004', createdAt: '2027-01-02T03:00:00.000Z', status: 'open', intent: 'symptom', items: [{ term: 'Fatigue', grade: 1 }], redFlag: false, relapseSignal: true },
      // A study ID missing from the patient list: counted under All only, and named.
      { id: 'R6', studyId: 'IGG-099', createdAt: '2027-01-15T03:00:00.000Z', status: 'reviewed', intent: 'side_effect', items: [{ term: 'Nausea', grade: 1 }], redFlag: false, relapseSignal: false },
    ],
    visitsDueNextWeek: [
      { studyId: 'IGG-003', visit: 'month 9', targetDate: '2027-01-20' },
      { studyId: 'IGG-001', visit: 'month 12', targetDate: '2027-01-19' },
    ],
    visitsMissed: [{ studyId: 'IGG-004', visit: 'month 3', targetDate: '2027-01-12' }],
    relapseOverrules: [
      { studyId: 'IGG-003', visit: 'month 9', date: '2027-01-13', criterionMet: true, decision: false, reason: 'chalazion, not dacryoadenitis', criterion: 'criterion met: RI +3 since month 6 visit (1 → 4)' },
    ],
    sms: { sent: 150, parts: 210, failed: 3, costPerPartUsd: 0.0316 },
  };
}

describe('isoWeekOf and weekBounds', () => {
  it('names ISO weeks, including the week-year at a year boundary', () => {
    expect(isoWeekOf('2027-01-11')).toBe('2027-W02');
    expect(isoWeekOf('2027-01-17')).toBe('2027-W02');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // a Friday: belongs to the last week of 2026
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(() => isoWeekOf('2027-13-01')).toThrow(RangeError);
  });

  it('spans Monday 00:00 local to the next Monday 00:00 local, in UTC', () => {
    expect(weekBounds('2027-W02', SH)).toEqual({ fromUtc: '2027-01-10T16:00:00.000Z', toUtc: '2027-01-17T16:00:00.000Z' });
  });

  it('gives a 167-hour week when DST starts (America/New_York, 2027-03-14)', () => {
    const { fromUtc, toUtc } = weekBounds('2027-W10', 'America/New_York');
    expect({ fromUtc, toUtc }).toEqual({ fromUtc: '2027-03-08T05:00:00.000Z', toUtc: '2027-03-15T04:00:00.000Z' });
    expect((Date.parse(toUtc) - Date.parse(fromUtc)) / 3_600_000).toBe(167);
  });

  it('rejects a week that does not exist', () => {
    expect(() => weekBounds('2027-W53', SH)).toThrow(RangeError);
    expect(() => weekBounds('2027-02', SH)).toThrow(RangeError);
  });
});

describe('buildWeeklyDigest on a fixed synthetic week', () => {
  // Built in a beforeEach, neither in the describe body nor in a beforeAll: Stryker records which
  // test covers which mutant between its own beforeEach and afterEach, so code run while the file
  // is collected or in a beforeAll is covered by no test, and the mutants in it were run against
  // tests that never looked at the digest (docs/testing.md, "A measurement trap").
  let digest: WeeklyDigest;
  beforeEach(() => {
    digest = buildWeeklyDigest(syntheticWeek());
  });

  it('counts patients per arm and overall', () => {
    expect(digest.overall.patients).toEqual({ enrolled: 6, active: 4, paused: 1, withdrawn: 1, completed: 0, optedOut: 1 });
    expect(digest.byArm.MMF.patients).toEqual({ enrolled: 2, active: 2, paused: 0, withdrawn: 0, completed: 0, optedOut: 1 });
    expect(digest.byArm.LEF.patients).toEqual({ enrolled: 2, active: 1, paused: 1, withdrawn: 0, completed: 0, optedOut: 0 });
    expect(digest.byArm.unrandomized.patients).toEqual({ enrolled: 2, active: 1, paused: 0, withdrawn: 1, completed: 0, optedOut: 0 });
  });

  it('computes adherence per arm from this week only (the Sunday before is excluded)', () => {
    expect(digest.byArm.MMF.adherence).toMatchObject({ due: 5, confirmed: 2, reportedMissed: 1, unanswered: 1, pending: 1, rate: 0.5 });
    expect(digest.byArm.LEF.adherence.rate).toBe(1);
    expect(digest.byArm.unrandomized.adherence).toMatchObject({ due: 3, confirmed: 1, rate: 1 / 3 });
    expect(digest.byArm.unrandomized.adherence.byDrug['prednisone']!.rate).toBe(2 / 3);
    // 6 confirmed of 11 due, 1 pending → 6/10.
    expect(digest.overall.adherence).toMatchObject({ due: 11, confirmed: 6, rate: 0.6 });
    expect(digest.overall.adherence.byDrug['mmf']!.rate).toBe(3 / 7);
  });

  it('counts missed-dose alerts raised and acknowledged this week, and lists every open one oldest first', () => {
    expect(digest.overall.missedDoseAlerts.raised).toBe(2); // A1, A2
    expect(digest.overall.missedDoseAlerts.acknowledged).toBe(2); // A2, and A4 raised last week
    expect(digest.overall.missedDoseAlerts.stillOpen.map((a) => a.id)).toEqual(['A3', 'A1']);
    expect(digest.byArm.LEF.missedDoseAlerts).toMatchObject({ raised: 0, acknowledged: 1 });
    expect(digest.overall.otherOpenAlerts).toEqual({ red_flag: 1, sms_failure: 1 });
  });

  it('tallies side effects by CTCAE term and grade, preferring the reviewer-confirmed grade', () => {
    expect(digest.overall.sideEffects).toEqual([
      { term: 'Cough', grade: 2, reports: 1, patients: 1 },
      { term: 'Diarrhea', grade: 1, reports: 1, patients: 1 },
      { term: 'Diarrhea', grade: 3, reports: 1, patients: 1 },
      { term: 'Fever', grade: 3, reports: 1, patients: 1 },
      { term: 'Nausea', grade: 1, reports: 2, patients: 2 },
      { term: 'Rash maculo-papular', grade: null, reports: 1, patients: 1 },
    ]);
    expect(digest.overall.newGrade3Plus.map((s) => `${s.studyId} ${s.term} ${s.grade} ${s.reviewed}`)).toEqual([
      'IGG-001 Diarrhea 3 true',
      'IGG-003 Fever 3 false',
    ]);
  });

  it('lists red flags, possible relapse and reports unreviewed for more than 48 h, including older open ones', () => {
    expect(digest.overall.redFlags.map((r) => r.reportId)).toEqual(['R1', 'R3']);
    expect(digest.overall.relapseSignals.map((r) => r.reportId)).toEqual(['R5', 'R4']);
    expect(digest.overall.unreviewedOver48h.map((r) => [r.reportId, r.ageHours])).toEqual([
      ['R5', 381],
      ['R2', 119],
      ['R3', 94],
    ]);
  });

  it('estimates SMS cost from parts, and names study IDs missing from the patient list', () => {
    expect(digest.sms).toEqual({ sent: 150, parts: 210, failed: 3, estimatedCostUsd: 6.64 });
    expect(digest.unmatchedStudyIds).toEqual(['IGG-099']);
  });

  it('renders the English digest exactly', () => {
    expect(renderDigestText(digest, 'en')).toBe(
      [
        'IgG4-RD trial: weekly safety digest, 2027-W02',
        'Week 2027-01-11 to 2027-01-17 (Asia/Shanghai). Generated 2027-01-18 08:00.',
        'Study IDs only. Open items are listed as of the time generated.',
        '',
        'PATIENTS',
        '  All: 6 enrolled: 4 active, 1 paused, 1 withdrawn, 0 completed; 1 opted out of SMS',
        '  MMF: 2 enrolled: 2 active, 0 paused, 0 withdrawn, 0 completed; 1 opted out of SMS',
        '  LEF: 2 enrolled: 1 active, 1 paused, 0 withdrawn, 0 completed; 0 opted out of SMS',
        '  Not yet randomized: 2 enrolled: 1 active, 0 paused, 1 withdrawn, 0 completed; 0 opted out of SMS',
        '',
        'ADHERENCE (doses confirmed / doses with a known outcome)',
        '  All: 60% (6/10); of the answered 75%; 2 reported missed, 2 unanswered, 1 pending; LEF 100%, MMF 43%, prednisone 67%',
        '  MMF: 50% (2/4); of the answered 67%; 1 reported missed, 1 unanswered, 1 pending; MMF 50%',
        '  LEF: 100% (3/3); of the answered 100%; 0 reported missed, 0 unanswered, 0 pending; LEF 100%',
        '  Not yet randomized: 33% (1/3); of the answered 50%; 1 reported missed, 1 unanswered, 0 pending; MMF 33%, prednisone 67%',
        '',
        'MISSED-DOSE ALERTS',
        '  Raised this week 2, acknowledged 2, still open 2',
        '  Still open, oldest first:',
        '    - IGG-004 (LEF), open since 2027-01-04 09:00',
        '    - IGG-001 (MMF), open since 2027-01-12 22:00',
        '  Other open alerts: red flag 1, SMS failure 1',
        '',
        'SIDE EFFECTS REPORTED THIS WEEK (CTCAE term, grade × reports)',
        '  All: Cough G2 ×1; Diarrhea G1 ×1; Diarrhea G3 ×1; Fever G3 ×1; Nausea G1 ×2; Rash maculo-papular ungraded ×1',
        '  MMF: Diarrhea G1 ×1; Diarrhea G3 ×1; Nausea G1 ×1',
        '  LEF: Cough G2 ×1; Fever G3 ×1',
        '  Not yet randomized: Rash maculo-papular ungraded ×1',
        '  New grade 3 or higher:',
        '    - IGG-001 (MMF): Diarrhea G3, 2027-01-12 10:15, reviewed',
        '    - IGG-003 (LEF): Fever G3, 2027-01-14 10:00, NOT REVIEWED',
        '',
        'RED FLAGS',
        '  - IGG-001 (MMF) 2027-01-12 10:15, reviewed',
        '  - IGG-003 (LEF) 2027-01-14 10:00, NOT REVIEWED',
        '',
        'POSSIBLE RELAPSE',
        '  - IGG-004 (LEF) 2027-01-02 11:00, NOT REVIEWED',
        '  - IGG-005 (not randomized) 2027-01-16 20:00, NOT REVIEWED',
        '',
        'RELAPSE DECISIONS THAT DIFFER FROM THE RI CRITERION',
        '  - IGG-003 (LEF) month 9, 2027-01-13, criterion met, physician decided no relapse; reason: chalazion, not dacryoadenitis',
        '',
        'REPORTS UNREVIEWED FOR MORE THAN 48 H',
        '  - IGG-004 (LEF) 2027-01-02 11:00, 381 h',
        '  - IGG-002 (MMF) 2027-01-13 09:00, 119 h',
        '  - IGG-003 (LEF) 2027-01-14 10:00, 94 h',
        '',
        'VISITS',
        '  Due next week:',
        '    - IGG-001 (MMF) month 12, 2027-01-19',
        '    - IGG-003 (LEF) month 9, 2027-01-20',
        '  Missed:',
        '    - IGG-004 (LEF) month 3, 2027-01-12',
        '',
        'SMS',
        '  Sent 150, parts 210, failed 3; estimated cost USD 6.64',
        '',
        'Study IDs not in the patient list (counted under All only): IGG-099',
        '',
      ].join('\n'),
    );
  });

  it('renders the Chinese digest exactly, with the same numbers as the English one and the CTCAE terms by their Chinese names', () => {
    expect(renderDigestText(digest, 'zh-CN')).toBe(
      [
        'IgG4相关性疾病试验 每周安全摘要 2027-W02',
        '周期：2027-01-11 至 2027-01-17（Asia/Shanghai），生成于 2027-01-18 08:00。',
        '仅显示研究编号。未处理事项以生成时为准。',
        '',
        '【患者】',
        '  全部：入组 6：在组 4，暂停 1，退出 1，完成 0；退订短信 1',
        '  MMF组：入组 2：在组 2，暂停 0，退出 0，完成 0；退订短信 1',
        '  LEF组：入组 2：在组 1，暂停 1，退出 0，完成 0；退订短信 0',
        '  未随机：入组 2：在组 1，暂停 0，退出 1，完成 0；退订短信 0',
        '',
        '【服药依从性】（确认服药 / 结果已知的剂量）',
        '  全部：60%（6/10）；已回复中确认服药 75%；报告漏服 2，未回复 2，待回复 1；LEF 100%，MMF 43%，泼尼松 67%',
        '  MMF组：50%（2/4）；已回复中确认服药 67%；报告漏服 1，未回复 1，待回复 1；MMF 50%',
        '  LEF组：100%（3/3）；已回复中确认服药 100%；报告漏服 0，未回复 0，待回复 0；LEF 100%',
        '  未随机：33%（1/3）；已回复中确认服药 50%；报告漏服 1，未回复 1，待回复 0；MMF 33%，泼尼松 67%',
        '',
        '【漏服提醒】',
        '  本周新增 2，已确认 2，仍未处理 2',
        '  仍未处理（最早在前）：',
        '    - IGG-004（LEF组），自 2027-01-04 09:00 起',
        '    - IGG-001（MMF组），自 2027-01-12 22:00 起',
        '  其他未处理提醒：红旗症状 1，短信发送失败 1',
        '',
        '【本周报告的不良反应】（CTCAE 术语，分级 × 报告数）',
        '  全部：咳嗽 2级 ×1；腹泻 1级 ×1；腹泻 3级 ×1；发热 3级 ×1；恶心 1级 ×2；斑丘疹 未分级 ×1',
        '  MMF组：腹泻 1级 ×1；腹泻 3级 ×1；恶心 1级 ×1',
        '  LEF组：咳嗽 2级 ×1；发热 3级 ×1',
        '  未随机：斑丘疹 未分级 ×1',
        '  新出现 3 级及以上：',
        '    - IGG-001（MMF组）：腹泻 3级，2027-01-12 10:15，已审核',
        '    - IGG-003（LEF组）：发热 3级，2027-01-14 10:00，未审核',
        '',
        '【红旗症状】',
        '  - IGG-001（MMF组） 2027-01-12 10:15，已审核',
        '  - IGG-003（LEF组） 2027-01-14 10:00，未审核',
        '',
        '【疑似复发】',
        '  - IGG-004（LEF组） 2027-01-02 11:00，未审核',
        '  - IGG-005（未随机） 2027-01-16 20:00，未审核',
        '',
        '【复发判断与 RI 标准不一致】',
        '  - IGG-003（LEF组） month 9，2027-01-13，符合复发标准，医生判断为未复发；理由：chalazion, not dacryoadenitis',
        '',
        '【超过 48 小时未审核的报告】',
        '  - IGG-004（LEF组） 2027-01-02 11:00，381 小时',
        '  - IGG-002（MMF组） 2027-01-13 09:00，119 小时',
        '  - IGG-003（LEF组） 2027-01-14 10:00，94 小时',
        '',
        '【访视】',
        '  下周应访视：',
        '    - IGG-001（MMF组） month 12，2027-01-19',
        '    - IGG-003（LEF组） month 9，2027-01-20',
        '  已错过：',
        '    - IGG-004（LEF组） month 3，2027-01-12',
        '',
        '【短信】',
        '  发送 150 条，计费 210 段，失败 3 条；估计费用 6.64 美元',
        '',
        '不在患者名单中的研究编号（仅计入“全部”）：IGG-099',
        '',
      ].join('\n'),
    );
  });

  it('says "none" in empty sections instead of leaving them out', () => {
    const empty = buildWeeklyDigest({ ...syntheticWeek(), alerts: [], reports: [], visitsDueNextWeek: [], visitsMissed: [], doseOutcomes: [] });
    const text = renderDigestText(empty, 'en');
    expect(text).toContain('RED FLAGS\n  - none\n');
    expect(text).toContain('  All: n/a (0/0); of the answered n/a; 0 reported missed, 0 unanswered, 0 pending\n');
    expect(text).toContain('  Raised this week 0, acknowledged 0, still open 0\n');
    expect(text).not.toContain('Study IDs not in the patient list');
    // No open alerts: neither the "still open" list header nor the other-alerts line.
    expect(text).not.toContain('Still open, oldest first');
    expect(text).not.toContain('Other open alerts');
    const zh = renderDigestText(empty, 'zh-CN');
    expect(zh).toContain('  全部：无\n  MMF组：无\n  LEF组：无\n  未随机：无\n  新出现 3 级及以上：\n    - 无\n');
    expect(zh).toContain('  全部：无数据（0/0）；已回复中确认服药 无数据；报告漏服 0，未回复 0，待回复 0\n');
    expect(zh).not.toContain('仍未处理（最早在前）');
    expect(zh).not.toContain('其他未处理提醒');
    expect(zh).not.toContain('不在患者名单中');
  });
});

describe('digest privacy', () => {
  it('drops fields the digest does not need (phone numbers, free text) from its input', () => {
    const input = syntheticWeek() as DigestInput & { patients: Record<string, unknown>[]; reports: Record<string, unknown>[] };
    input.patients[0]!['phone'] = '+8613800138000';
    input.reports[0]!['rawText'] = '拉肚子好几次了';
    const digest = buildWeeklyDigest(input);
    const everything = JSON.stringify(digest) + renderDigestText(digest, 'en') + renderDigestText(digest, 'zh-CN');
    expect(everything).not.toContain('13800138000');
    expect(everything).not.toContain('拉肚子');
  });

  it('refuses a study ID that looks like a phone number', () => {
    const input = syntheticWeek();
    input.patients[0] = { ...input.patients[0]!, studyId: '+86 138 0013 8000' };
    expect(digestInputSchema.safeParse(input).success).toBe(false);
    expect(() => buildWeeklyDigest(input)).toThrow();
  });
});
