/**
 * The daily worklist summary: the one routine push of a working day. Pure: it gets the open items
 * and the calendar, and returns the subject and the text. It lists study IDs and kinds only —
 * never a phone number, a message text, a symptom or a drug next to a study ID — and ends with
 * the console link.
 */
import { ALERT_KIND_LABELS, type AlertKind } from './alert-kinds.ts';
import { isWorkingDay, localDateOf, workingDaysBetween, type WorkingCalendar } from './working-time.ts';
import { formatInstant, formatPlainDate, parsePlainDate, zonedToUtc } from './zoned-time.ts';

export type SummaryLanguage = 'zh-CN' | 'en';

export interface SummaryItem {
  id: string;
  studyId: string | null;
  urgent: boolean;
  /** Kinds of the item and of the episodes grouped under it, in order of appearance. */
  kinds: readonly AlertKind[];
  /** Since when the item is open (its first problem). */
  createdAt: string;
  /** The latest problem filed in it. */
  latestAt: string;
  /** Study-local date until which it is put aside. */
  snoozedUntil?: string;
}

export interface DailySummaryInput {
  /** Study-local date of the summary. */
  localDate: string;
  /** The summary time (HH:mm, study time zone): "new" means since the previous working day's summary. */
  time: string;
  timeZone: string;
  weekdays: readonly number[];
  calendar: WorkingCalendar;
  overdueAfterWorkingDays: number;
  items: readonly SummaryItem[];
  consoleUrl: string;
  language: SummaryLanguage;
}

export interface SummaryLine {
  id: string;
  studyId: string | null;
  kinds: AlertKind[];
  since: string;
  workingDaysOpen: number;
  overdue: boolean;
}

export interface DailySummary {
  subject: string;
  text: string;
  urgentOpen: SummaryLine[];
  newItems: SummaryLine[];
  stillOpen: SummaryLine[];
  overdueItems: number;
  /** Items put aside (snoozed) today: counted, not listed. */
  snoozed: number;
}

/** The previous working day's summary instant (UTC ISO): what "new" is measured from. */
export function previousSummaryInstant(input: Pick<DailySummaryInput, 'localDate' | 'time' | 'timeZone' | 'weekdays' | 'calendar'>): string {
  let day = parsePlainDate(input.localDate);
  if (day === null) throw new RangeError(`not a local date YYYY-MM-DD: ${input.localDate}`);
  for (let guard = 0; guard < 60; guard++) {
    day--;
    if (isWorkingDay(formatPlainDate(day), input.weekdays, input.calendar)) break;
  }
  return formatInstant(zonedToUtc(formatPlainDate(day), input.time, input.timeZone));
}

const WORDS = {
  en: {
    subject: (date: string, n: number, o: number, d: number) => `Study worklist ${date}: ${n} new, ${o} open, ${d} overdue`,
    heading: (date: string, zone: string) => `IgG4-RD trial: today's worklist, ${date} (${zone}). Study IDs and kinds only.`,
    urgent: 'Urgent, still not acknowledged',
    fresh: 'New since the last summary',
    open: 'Still open',
    none: 'none',
    since: 'since',
    overdue: (d: number) => `OVERDUE (${d} working days)`,
    snoozed: (n: number) => `Put aside until a later date: ${n}`,
    link: 'Open the worklist',
    sep: ', ',
    part: '; ',
    colon: ': ',
    noStudyId: 'no study ID',
  },
  'zh-CN': {
    subject: (date: string, n: number, o: number, d: number) => `Study worklist ${date}: ${n} new, ${o} open, ${d} overdue`,
    heading: (date: string, zone: string) => `IgG4相关性疾病试验 今日待办 ${date}（${zone}）。仅显示研究编号和类型。`,
    urgent: '紧急、尚未确认',
    fresh: '自上次汇总以来新增',
    open: '仍未处理',
    none: '无',
    since: '始于',
    overdue: (d: number) => `已逾期（${d} 个工作日）`,
    snoozed: (n: number) => `已推迟处理：${n}`,
    link: '打开待办列表',
    sep: '，',
    part: '；',
    colon: '：',
    noStudyId: '无研究编号',
  },
} as const;

export function buildDailySummary(input: DailySummaryInput): DailySummary {
  const w = WORDS[input.language];
  const labels = ALERT_KIND_LABELS[input.language];
  const since = Date.parse(previousSummaryInstant(input));
  const visible = input.items.filter((i) => !i.snoozedUntil || i.snoozedUntil <= input.localDate);
  const line = (i: SummaryItem): SummaryLine => {
    const sinceDate = localDateOf(i.createdAt, input.timeZone);
    const workingDaysOpen = workingDaysBetween(sinceDate, input.localDate, input.weekdays, input.calendar);
    return { id: i.id, studyId: i.studyId, kinds: [...new Set(i.kinds)], since: sinceDate, workingDaysOpen, overdue: !i.urgent && workingDaysOpen >= input.overdueAfterWorkingDays };
  };
  const byAge = (a: SummaryItem, b: SummaryItem) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const urgentOpen = visible.filter((i) => i.urgent).sort(byAge).map(line);
  const routine = visible.filter((i) => !i.urgent).sort(byAge);
  const newItems = routine.filter((i) => Date.parse(i.latestAt) > since).map(line);
  const stillOpen = routine.filter((i) => Date.parse(i.latestAt) <= since).map(line);
  const overdueItems = [...newItems, ...stillOpen].filter((l) => l.overdue).length;

  const render = (l: SummaryLine) =>
    `  - ${l.studyId ?? w.noStudyId}${w.colon}${l.kinds.map((k) => labels[k]).join(w.sep)}${w.part}${w.since} ${l.since}${l.overdue ? `${w.part}${w.overdue(l.workingDaysOpen)}` : ''}`;
  const section = (title: string, lines: SummaryLine[]) => [`${title} (${lines.length}):`, ...(lines.length === 0 ? [`  ${w.none}`] : lines.map(render))];
  const link = `${input.consoleUrl.replace(/#.*$/, '')}#/today`;
  const lines = [
    w.heading(input.localDate, input.timeZone),
    '',
    ...(urgentOpen.length > 0 ? [...section(w.urgent, urgentOpen), ''] : []),
    ...section(w.fresh, newItems),
    '',
    ...section(w.open, stillOpen),
    ...(visible.length < input.items.length ? ['', w.snoozed(input.items.length - visible.length)] : []),
    '',
    `${w.link}: ${link}`,
  ];
  return {
    subject: w.subject(input.localDate, newItems.length, newItems.length + stillOpen.length, overdueItems),
    text: lines.join('\n'),
    urgentOpen,
    newItems,
    stillOpen,
    overdueItems,
    snoozed: input.items.length - visible.length,
  };
}
