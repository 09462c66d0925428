import { buildDailySummary, type SummaryItem, type SummaryLanguage } from '#domain/daily-summary.ts';
import type { Protocol } from '#domain/protocol.ts';
import { isWorkingDay, localDateOf } from '#domain/working-time.ts';
import { zonedOfInstant } from '#domain/zoned-time.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert, AlertRepository, AlertStatus } from '#ports/alerts.ts';
import type { AuditLog } from '#ports/audit.ts';

export const SUMMARY_ACTOR = 'system:daily-summary';
/** A run that died while publishing lets another run take over after this long. */
const LEASE_SECONDS = 120;

export interface DailySummaryDeps {
  alerts: AlertRepository;
  publisher: AlertPublisher;
  audit: AuditLog;
  protocol: Protocol;
  language: SummaryLanguage;
  consoleUrl: string;
}

export type DailySummaryStatus = 'sent' | 'empty' | 'already_sent' | 'in_progress' | 'not_working_day' | 'too_early';

export interface DailySummaryResult {
  localDate: string;
  status: DailySummaryStatus;
  newItems: number;
  openItems: number;
  overdueItems: number;
}

async function allWithStatus(alerts: AlertRepository, status: AlertStatus): Promise<Alert[]> {
  const all: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await alerts.listByStatus(status, cursor, 200);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Open items with the kinds and the latest time of the episodes grouped under them. */
export async function openWorklistItems(alerts: AlertRepository): Promise<{ item: Alert; members: Alert[] }[]> {
  const [open, grouped] = await Promise.all([allWithStatus(alerts, 'open'), allWithStatus(alerts, 'grouped')]);
  const byItem = new Map<string, Alert[]>();
  for (const member of grouped) if (member.itemId) byItem.set(member.itemId, [...(byItem.get(member.itemId) ?? []), member]);
  return open.map((item) => ({ item, members: (byItem.get(item.id) ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt)) }));
}

export function summaryItemOf(item: Alert, members: readonly Alert[]): SummaryItem {
  const all = [item, ...members];
  return {
    id: item.id,
    studyId: item.studyId,
    urgent: item.urgent,
    kinds: all.map((a) => a.kind),
    createdAt: item.createdAt,
    latestAt: all.map((a) => a.createdAt).sort().at(-1)!,
    ...(item.snoozedUntil ? { snoozedUntil: item.snoozedUntil } : {}),
  };
}

/**
 * The daily worklist summary (the one routine push of a working day). Steps: skip a day that is
 * not a working day (protocol weekdays and calendar) and a run before the protocol time → claim
 * the day's marker (a second run, or a retry after it was sent, stops here: sent once) → read the
 * open items and their grouped episodes through the status index (no Scan) → build (pure) →
 * publish to the coordinators (never to the investigator) → record the marker. A run that dies
 * between publishing and recording re-sends after the lease (at least once, never silently lost).
 */
export async function sendDailySummary(deps: DailySummaryDeps, now: string): Promise<DailySummaryResult> {
  const { protocol } = deps;
  const zone = protocol.studyTimeZone;
  const config = protocol.alerts.dailySummary;
  const localDate = localDateOf(now, zone);
  const result = (status: DailySummaryStatus, counts = { newItems: 0, openItems: 0, overdueItems: 0 }): DailySummaryResult => ({ localDate, status, ...counts });
  if (!isWorkingDay(localDate, protocol.alerts.workingHours.weekdays, protocol.alerts.calendar)) return result('not_working_day');
  const localTime = zonedOfInstant(now, zone).time;
  if (localTime < config.time) return result('too_early');

  const leaseUntil = new Date(Date.parse(now) + LEASE_SECONDS * 1000).toISOString();
  const claim = await deps.alerts.claimDailySummary(localDate, now, leaseUntil);
  if (claim === 'sent') return result('already_sent');
  if (claim === 'busy') return result('in_progress');

  const items = await openWorklistItems(deps.alerts);
  const summary = buildDailySummary({
    localDate,
    time: config.time,
    timeZone: zone,
    weekdays: protocol.alerts.workingHours.weekdays,
    calendar: protocol.alerts.calendar,
    overdueAfterWorkingDays: protocol.alerts.worklist.overdueAfterWorkingDays,
    items: items.map(({ item, members }) => summaryItemOf(item, members)),
    consoleUrl: deps.consoleUrl,
    language: deps.language,
  });
  const counts = { newItems: summary.newItems.length, openItems: summary.newItems.length + summary.stillOpen.length, overdueItems: summary.overdueItems };
  const empty = counts.openItems === 0 && summary.urgentOpen.length === 0;
  const pushed = !empty || config.sendWhenEmpty;
  if (pushed) await deps.publisher.publishText(summary.subject, summary.text, 'coordinators');
  await deps.alerts.markDailySummarySent(localDate, now, { subject: summary.subject, ...counts });
  await deps.audit.append({
    at: now,
    actor: SUMMARY_ACTOR,
    action: pushed ? 'daily_summary.send' : 'daily_summary.skip_empty',
    entityType: 'daily_summary',
    entityId: localDate,
    before: null,
    // The channel it went to; none when nothing was pushed (an audit reader must not see a push that did not happen).
    after: { ...counts, urgentOpen: summary.urgentOpen.length, snoozed: summary.snoozed, channel: pushed ? 'coordinators' : null },
  });
  return result(pushed ? 'sent' : 'empty', counts);
}
