import { describe, expect, it, vi } from 'vitest';

// The handler module parses its environment at load (as on Lambda); give it one before imports run.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unused-by-the-factory';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:cn-north-1:123456789012:coordinators';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'cn-north-1';
});
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { acknowledgeAlert, snoozeAlert } from '#app/acknowledge-alert.ts';
import { raiseAlert } from '#app/alerts.ts';
import { sendDailySummary, type DailySummaryDeps } from '#app/daily-summary.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { AlertKind } from '#domain/alert-kinds.ts';
import { buildDailySummary } from '#domain/daily-summary.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';
import { fixedClock } from '#ports/clock.ts';
import { createDailySummaryHandler } from '#functions/daily-summary/handler.ts';
import { useLocalDynamo } from '../support/dynamo.ts';

const base = loadProtocolFile();
const local = useLocalDynamo();
const TZ = base.studyTimeZone;
/** Shanghai local time → UTC ISO. */
const sh = (local: string) => new Date(`${local}:00+08:00`).toISOString();

class Inbox implements AlertPublisher {
  readonly alerts: { alert: Alert; channel: string }[] = [];
  readonly texts: { subject: string; text: string; channel: string }[] = [];
  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.alerts.push({ alert, channel });
  }
  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.texts.push({ subject, text, channel });
  }
}

async function setup(protocol: Protocol = base) {
  const table = await local.freshTable();
  const inbox = new Inbox();
  const deps = {
    alerts: new DynamoAlertRepository(local.db.doc, table, TZ),
    publisher: inbox,
    audit: new DynamoAuditLog(local.db.doc, table),
    protocol,
    language: 'en' as const,
    consoleUrl: 'https://console.example.org/',
  } satisfies DailySummaryDeps;
  const raise = (kind: AlertKind, patient: string, key: string, at: string) =>
    raiseAlert(deps, {
      kind,
      episodeKey: key,
      patientId: `pat-${patient}`,
      studyId: `IGG4-${patient}`,
      title: `IGG4-${patient}: fever 39.2 and ran out of prednisone, phone +8613800138000`,
      details: {},
      now: at,
      actor: 'test',
    });
  return { deps, inbox, raise };
}

describe('daily worklist summary (dynalite, fake clock)', () => {
  it('lists new and still-open items by study ID and kind, once per working day, with the console link and nothing sensitive', async () => {
    const { deps, inbox, raise } = await setup();
    // Mon 11 Jan 2027: two problems of 0001 (one item), one of 0002.
    await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'));
    await raise('supply', '0001', 'b', sh('2027-01-11T15:00'));
    await raise('no_reply', '0002', 'c', sh('2027-01-11T16:00'));
    expect(inbox.alerts).toHaveLength(0); // routine: nothing pushed on its own

    // Before 09:00 on Tuesday: too early.
    expect((await sendDailySummary(deps, sh('2027-01-12T08:59'))).status).toBe('too_early');
    const tuesday = await sendDailySummary(deps, sh('2027-01-12T09:00'));
    expect(tuesday).toMatchObject({ localDate: '2027-01-12', status: 'sent', newItems: 2, openItems: 2, overdueItems: 0 });
    expect(inbox.texts).toHaveLength(1);
    const { subject, text, channel } = inbox.texts[0]!;
    expect(channel).toBe('coordinators');
    expect(subject).toBe('Study worklist 2027-01-12: 2 new, 2 open, 0 overdue');
    expect(text).toContain('IGG4-0001: missed doses reported, medicine supply; since 2027-01-11');
    expect(text).toContain('IGG4-0002: no reply; since 2027-01-11');
    expect(text).toContain('https://console.example.org/#/today');
    for (const secret of ['fever', 'prednisone', '+86', '13800138000', '39.2']) expect(text + subject).not.toContain(secret);

    // The same scheduled run twice (a Lambda retry, or a second invocation): sent once.
    expect((await sendDailySummary(deps, sh('2027-01-12T09:00'))).status).toBe('already_sent');
    expect((await sendDailySummary(deps, sh('2027-01-12T15:00'))).status).toBe('already_sent');
    expect(inbox.texts).toHaveLength(1);

    // Wednesday: nothing new; both are still open, and after 2 working days overdue.
    const wednesday = await sendDailySummary(deps, sh('2027-01-13T09:00'));
    expect(wednesday).toMatchObject({ status: 'sent', newItems: 0, openItems: 2, overdueItems: 2 });
    expect(inbox.texts[1]!.text).toContain('IGG4-0002: no reply; since 2027-01-11; OVERDUE (2 working days)');
    // Overdue items are not pushed on their own, and nothing went to the investigator.
    expect(inbox.alerts).toHaveLength(0);
    expect(inbox.texts.every((t) => t.channel === 'coordinators')).toBe(true);
  });

  it('a new problem of a patient already listed makes the item new again; acknowledged and snoozed items leave the list', async () => {
    const { deps, inbox, raise } = await setup();
    const first = (await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'))).alert;
    const second = (await raise('no_reply', '0002', 'b', sh('2027-01-11T10:00'))).alert;
    const third = (await raise('sms_failure', '0003', 'c', sh('2027-01-11T10:00'))).alert;
    await sendDailySummary(deps, sh('2027-01-12T09:00'));
    await raise('low_response', '0001', 'd', sh('2027-01-12T11:00'));
    await acknowledgeAlert(deps, second.id, 'coordinator:li', 'called, fine', sh('2027-01-12T12:00'), 'called');
    expect(await snoozeAlert(deps, third.id, 'coordinator:li', '2027-01-15', sh('2027-01-12T12:00'), '2027-01-12')).toMatchObject({ snoozedUntil: '2027-01-15' });
    const wednesday = await sendDailySummary(deps, sh('2027-01-13T09:00'));
    expect(wednesday).toMatchObject({ newItems: 1, openItems: 1 });
    const text = inbox.texts[1]!.text;
    expect(text).toContain('IGG4-0001: missed doses reported, low response; since 2027-01-11');
    expect(text).not.toContain('IGG4-0002');
    expect(text).not.toContain('IGG4-0003');
    expect(text).toContain('Put aside until a later date: 1');
    // On the snooze date it is back.
    const friday = await sendDailySummary(deps, sh('2027-01-15T09:00'));
    expect(friday.openItems).toBe(2);
    expect(first.id).toBeDefined();
  });

  it('weekends and protocol holidays get no summary; a make-up working Saturday does; "new" spans the days off', async () => {
    const protocol: Protocol = {
      ...base,
      alerts: { ...base.alerts, calendar: { holidays: ['2027-01-18'], workingWeekendDays: ['2027-01-23'] } },
    };
    const { deps, inbox, raise } = await setup(protocol);
    await raise('missed_dose', '0001', 'a', sh('2027-01-15T10:00')); // Friday, after nothing
    expect((await sendDailySummary(deps, sh('2027-01-16T09:00'))).status).toBe('not_working_day'); // Saturday
    expect((await sendDailySummary(deps, sh('2027-01-17T09:00'))).status).toBe('not_working_day'); // Sunday
    await raise('no_reply', '0002', 'b', sh('2027-01-17T20:00'));
    expect((await sendDailySummary(deps, sh('2027-01-18T09:00'))).status).toBe('not_working_day'); // Monday holiday
    expect(inbox.texts).toHaveLength(0);
    // Tuesday: everything since Friday's summary time is new.
    const tuesday = await sendDailySummary(deps, sh('2027-01-19T09:00'));
    expect(tuesday).toMatchObject({ status: 'sent', newItems: 2, overdueItems: 0 });
    expect((await sendDailySummary(deps, sh('2027-01-23T09:00'))).status).toBe('sent'); // make-up Saturday
  });

  it('nothing open: no push (protocol sendWhenEmpty false), still marked so a rerun does not look again', async () => {
    const { deps, inbox } = await setup();
    expect(await sendDailySummary(deps, sh('2027-01-12T09:00'))).toMatchObject({ status: 'empty', openItems: 0 });
    expect(inbox.texts).toHaveLength(0);
    expect((await sendDailySummary(deps, sh('2027-01-12T09:05'))).status).toBe('already_sent');
    const { deps: loud, inbox: loudInbox } = await setup({ ...base, alerts: { ...base.alerts, dailySummary: { ...base.alerts.dailySummary, sendWhenEmpty: true } } });
    expect((await sendDailySummary(loud, sh('2027-01-12T09:00'))).status).toBe('sent');
    expect(loudInbox.texts[0]!.subject).toBe('Study worklist 2027-01-12: 0 new, 0 open, 0 overdue');
  });

  it('two runs racing for the same day: one sends, the other stands back', async () => {
    const { deps, inbox, raise } = await setup();
    await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'));
    const results = await Promise.all([sendDailySummary(deps, sh('2027-01-12T09:00')), sendDailySummary(deps, sh('2027-01-12T09:00'))]);
    expect(results.map((r) => r.status).sort()).toEqual(['in_progress', 'sent']);
    expect(inbox.texts).toHaveLength(1);
  });

  it('the Lambda handler runs it with the injected clock', async () => {
    const { deps, inbox, raise } = await setup();
    await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'));
    const handler = createDailySummaryHandler({ ...deps, clock: fixedClock(sh('2027-01-12T09:00')) });
    expect(await handler({}, {} as never)).toMatchObject({ status: 'sent', openItems: 1 });
    expect(inbox.texts).toHaveLength(1);
  });
});

describe('buildDailySummary (pure)', () => {
  const input = {
    localDate: '2027-01-12',
    time: '09:00',
    timeZone: TZ,
    weekdays: [1, 2, 3, 4, 5],
    calendar: { holidays: [], workingWeekendDays: [] },
    overdueAfterWorkingDays: 2,
    consoleUrl: 'https://c.example/#/old',
    language: 'zh-CN' as const,
  };

  it('renders Chinese labels, urgent items still unacknowledged first, and routine items oldest first', () => {
    const summary = buildDailySummary({
      ...input,
      items: [
        { id: 'b', studyId: 'IGG4-0002', urgent: false, kinds: ['no_reply'], createdAt: sh('2027-01-08T10:00'), latestAt: sh('2027-01-08T10:00') },
        { id: 'a', studyId: 'IGG4-0001', urgent: false, kinds: ['supply', 'supply'], createdAt: sh('2027-01-05T10:00'), latestAt: sh('2027-01-05T10:00') },
        { id: 'u', studyId: 'IGG4-0009', urgent: true, kinds: ['red_flag'], createdAt: sh('2027-01-12T07:00'), latestAt: sh('2027-01-12T07:00') },
      ],
    });
    expect(summary.urgentOpen.map((l) => l.studyId)).toEqual(['IGG4-0009']);
    expect(summary.stillOpen.map((l) => [l.studyId, l.kinds, l.workingDaysOpen, l.overdue])).toEqual([
      ['IGG4-0001', ['supply'], 5, true],
      ['IGG4-0002', ['no_reply'], 2, true],
    ]);
    expect(summary.text).toContain('IGG4-0001：药品供应；始于 2027-01-05；已逾期（5 个工作日）');
    expect(summary.text).toContain('红旗症状');
    expect(summary.text).toContain('https://c.example/#/today');
    expect(summary.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
