// The daily worklist summary as the coordinator reads it (pure, no store): what counts as new since
// the previous working day's summary, when an item is overdue, what a snooze hides, the exact text
// and subject. Until now only the dynalite test of the use case reached this code, so the domain
// mutation run found it unpinned (docs/testing.md).
import { describe, expect, it } from 'vitest';
import { buildDailySummary, previousSummaryInstant, type DailySummaryInput, type SummaryItem } from '#domain/daily-summary.ts';

const TZ = 'Asia/Shanghai';
/** Shanghai local time → UTC ISO. */
const sh = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const WEEKDAYS = [1, 2, 3, 4, 5];
const NO_CALENDAR = { holidays: [], workingWeekendDays: [] };

const item = (id: string, createdLocal: string, extra: Partial<SummaryItem> = {}): SummaryItem => ({
  id,
  studyId: `IGG4-${id}`,
  urgent: false,
  kinds: ['missed_dose'],
  createdAt: sh(createdLocal),
  latestAt: sh(createdLocal),
  ...extra,
});

/** Monday 18 Jan 2027, 09:00 Shanghai: the previous summary was Friday 15 Jan 09:00. */
const input = (items: SummaryItem[], extra: Partial<DailySummaryInput> = {}): DailySummaryInput => ({
  localDate: '2027-01-18',
  time: '09:00',
  timeZone: TZ,
  weekdays: WEEKDAYS,
  calendar: NO_CALENDAR,
  overdueAfterWorkingDays: 2,
  items,
  consoleUrl: 'https://console.example.org/#/alerts',
  language: 'en',
  ...extra,
});

describe('the previous summary ("new" is measured from it)', () => {
  it('is the previous working day at the summary time, in the study zone', () => {
    const at = { localDate: '2027-01-18', time: '09:00', timeZone: TZ, weekdays: WEEKDAYS, calendar: NO_CALENDAR };
    expect(previousSummaryInstant(at)).toBe('2027-01-15T01:00:00.000Z'); // Monday → Friday 09:00 +08
    expect(previousSummaryInstant({ ...at, localDate: '2027-01-19' })).toBe('2027-01-18T01:00:00.000Z');
  });

  it('skips a holiday, and counts a make-up weekend working day', () => {
    const at = { localDate: '2027-01-18', time: '09:00', timeZone: TZ, weekdays: WEEKDAYS };
    expect(previousSummaryInstant({ ...at, calendar: { holidays: ['2027-01-15'], workingWeekendDays: [] } })).toBe('2027-01-14T01:00:00.000Z');
    expect(previousSummaryInstant({ ...at, calendar: { holidays: [], workingWeekendDays: ['2027-01-16'] } })).toBe('2027-01-16T01:00:00.000Z');
  });
});

describe('the worklist summary', () => {
  it('sorts items into urgent, new and still open, with the exact text a coordinator reads', () => {
    const summary = buildDailySummary(
      input([
        // Open since Wednesday, nothing new: 3 working days (Thu, Fri, Mon) ≥ 2 → overdue.
        item('0003', '2027-01-13T10:00'),
        // Open since Thursday, a new problem on Saturday: new, and overdue (Fri, Mon).
        item('0001', '2027-01-14T11:00', { kinds: ['missed_dose', 'supply', 'missed_dose'], latestAt: sh('2027-01-16T08:00') }),
        // Friday after the summary: new, 1 working day (Mon), not overdue.
        item('0002', '2027-01-15T09:01', { kinds: ['no_reply'] }),
        // Urgent items are listed apart and never counted overdue.
        item('0004', '2027-01-11T10:00', { urgent: true, kinds: ['red_flag'] }),
        { ...item('x', '2027-01-15T08:00', { kinds: ['unknown_sender'] }), studyId: null },
      ]),
    );
    expect(summary.subject).toBe('Study worklist 2027-01-18: 2 new, 4 open, 2 overdue');
    expect(summary.text).toBe(
      [
        "IgG4-RD trial: today's worklist, 2027-01-18 (Asia/Shanghai). Study IDs and kinds only.",
        '',
        'Urgent, still not acknowledged (1):',
        '  - IGG4-0004: red flag; since 2027-01-11',
        '',
        'New since the last summary (2):',
        '  - IGG4-0001: missed doses reported, medicine supply; since 2027-01-14; OVERDUE (2 working days)',
        '  - IGG4-0002: no reply; since 2027-01-15',
        '',
        'Still open (2):',
        '  - IGG4-0003: missed doses reported; since 2027-01-13; OVERDUE (3 working days)',
        '  - no study ID: unknown sender; since 2027-01-15',
        '',
        'Open the worklist: https://console.example.org/#/today',
      ].join('\n'),
    );
    expect(summary.overdueItems).toBe(2);
    expect(summary.urgentOpen.map((l) => [l.id, l.overdue, l.workingDaysOpen])).toEqual([['0004', false, 5]]);
    expect(summary.newItems.map((l) => l.id)).toEqual(['0001', '0002']);
    expect(summary.newItems[0]!.kinds).toEqual(['missed_dose', 'supply']);
    expect(summary.stillOpen.map((l) => l.id)).toEqual(['0003', 'x']);
    expect(summary.snoozed).toBe(0);
  });

  it('a problem filed exactly at the previous summary is not new; a millisecond later it is', () => {
    const atSummary = buildDailySummary(input([item('0001', '2027-01-15T09:00')]));
    expect([atSummary.newItems.length, atSummary.stillOpen.length]).toEqual([0, 1]);
    const after = buildDailySummary(input([item('0001', '2027-01-15T09:00', { latestAt: '2027-01-15T01:00:00.001Z' })]));
    expect([after.newItems.length, after.stillOpen.length]).toEqual([1, 0]);
  });

  it('an item is overdue from exactly the configured number of working days', () => {
    const lines = buildDailySummary(input([item('fri', '2027-01-15T08:00'), item('thu', '2027-01-14T10:00')], { overdueAfterWorkingDays: 2 }));
    expect(lines.overdueItems).toBe(1);
    expect(lines.stillOpen.map((l) => [l.id, l.workingDaysOpen, l.overdue])).toEqual([
      ['thu', 2, true],
      ['fri', 1, false],
    ]);
  });

  it('the opening date is the study-local date, not the UTC one', () => {
    // 01:30 on Friday in Shanghai is still Thursday in UTC.
    const s = buildDailySummary(input([item('0001', '2027-01-15T01:30')]));
    expect(s.stillOpen[0]!.since).toBe('2027-01-15');
    expect(s.stillOpen[0]!.workingDaysOpen).toBe(1);
  });

  it('items put aside until a later date are counted, not listed; from that date they are back', () => {
    const items = [item('0001', '2027-01-13T10:00', { snoozedUntil: '2027-01-19' }), item('0002', '2027-01-13T10:00', { snoozedUntil: '2027-01-18' })];
    const s = buildDailySummary(input(items));
    expect(s.snoozed).toBe(1);
    expect(s.stillOpen.map((l) => l.id)).toEqual(['0002']);
    expect(s.text).toContain('\n\nPut aside until a later date: 1\n\nOpen the worklist');
    expect(buildDailySummary(input(items, { localDate: '2027-01-19' })).snoozed).toBe(0);
  });

  it('urgent items are listed oldest first', () => {
    const s = buildDailySummary(input([item('late', '2027-01-14T10:00', { urgent: true }), item('early', '2027-01-12T10:00', { urgent: true })]));
    expect(s.urgentOpen.map((l) => l.id)).toEqual(['early', 'late']);
  });

  it('equal opening times are listed by id; empty sections say so; no urgent section without urgent items', () => {
    const s = buildDailySummary(input([item('b', '2027-01-13T10:00'), item('a', '2027-01-13T10:00')]));
    expect(s.stillOpen.map((l) => l.id)).toEqual(['a', 'b']);
    expect(s.text).toContain('New since the last summary (0):\n  none\n');
    expect(s.text).not.toContain('Urgent');
    expect(s.subject).toBe('Study worklist 2027-01-18: 0 new, 2 open, 2 overdue');
  });

  it('in Chinese', () => {
    const s = buildDailySummary(input([item('0001', '2027-01-13T10:00'), { ...item('x', '2027-01-15T10:00'), studyId: null }], { language: 'zh-CN', consoleUrl: 'https://console.example.org/' }));
    expect(s.text).toBe(
      [
        'IgG4相关性疾病试验 今日待办 2027-01-18（Asia/Shanghai）。仅显示研究编号和类型。',
        '',
        '自上次汇总以来新增 (1):',
        '  - 无研究编号：报告漏服；始于 2027-01-15',
        '',
        '仍未处理 (1):',
        '  - IGG4-0001：报告漏服；始于 2027-01-13；已逾期（3 个工作日）',
        '',
        '打开待办列表: https://console.example.org/#/today',
      ].join('\n'),
    );
  });
});
