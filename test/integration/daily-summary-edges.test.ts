// The daily worklist summary's edges as a coordinator and an auditor see them (in-memory adapters,
// fake clock): only urgent items open, the audit entry of each run, a run that died mid-send, and
// a worklist longer than one page of the status index.
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '#adapters/memory/index.ts';
import { raiseAlert } from '#app/alerts.ts';
import { sendDailySummary, SUMMARY_ACTOR, type DailySummaryDeps } from '#app/daily-summary.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { AlertKind } from '#domain/alert-kinds.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';

const base = loadProtocolFile();
const TZ = base.studyTimeZone;
/** Shanghai local time → UTC ISO. */
const sh = (local: string) => new Date(`${local}:00+08:00`).toISOString();
const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

class Inbox implements AlertPublisher {
  readonly alerts: { alert: Alert; channel: string }[] = [];
  readonly texts: { subject: string; text: string; channel: string }[] = [];
  /** How many of the next publishText calls fail (a run that dies while publishing). */
  failNext = 0;
  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.alerts.push({ alert, channel });
  }
  async publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SNS unavailable');
    }
    this.texts.push({ subject, text, channel });
  }
}

function setup(protocol: Protocol = base) {
  const repos = memoryRepositories(TZ);
  const inbox = new Inbox();
  const deps = {
    alerts: repos.alerts,
    publisher: inbox,
    audit: repos.audit,
    protocol,
    language: 'en' as const,
    consoleUrl: 'https://console.example.org/',
  } satisfies DailySummaryDeps;
  const raise = (kind: AlertKind, patient: string, key: string, at: string) =>
    raiseAlert(deps, { kind, episodeKey: key, patientId: `pat-${patient}`, studyId: `IGG4-${patient}`, title: `IGG4-${patient}`, details: {}, now: at, actor: 'test' });
  const summaryEntries = async (localDate: string) =>
    (await repos.audit.listForEntity('daily_summary', localDate)).map(({ at, actor, action, entityType, entityId, before, after }) => ({ at, actor, action, entityType, entityId, before, after }));
  return { deps, inbox, raise, summaryEntries };
}

describe('daily worklist summary: edges (in memory, fake clock)', () => {
  it('is sent when the only open items are urgent ones still not acknowledged, even though no routine item is open', async () => {
    const { deps, inbox, raise } = setup();
    // Monday evening a red flag; nobody acknowledged it by Tuesday's summary.
    await raise('red_flag', '0007', 'rf', sh('2027-01-11T20:00'));
    const tuesday = await sendDailySummary(deps, sh('2027-01-12T09:00'));
    expect(tuesday).toEqual({ localDate: '2027-01-12', status: 'sent', newItems: 0, openItems: 0, overdueItems: 0 });
    expect(inbox.texts).toHaveLength(1);
    expect(inbox.texts[0]!.channel).toBe('coordinators');
    expect(inbox.texts[0]!.text).toContain('Urgent, still not acknowledged (1):\n  - IGG4-0007: ');
  });

  it('records each run in the audit trail: a sent summary as daily_summary.send with its counts and the channel', async () => {
    const { deps, raise, summaryEntries } = setup();
    await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'));
    await raise('supply', '0001', 'b', sh('2027-01-11T15:00'));
    await raise('no_reply', '0002', 'c', sh('2027-01-08T10:00')); // Friday before: still open, not new
    await raise('red_flag', '0003', 'd', sh('2027-01-11T18:00'));
    await sendDailySummary(deps, sh('2027-01-12T09:00'));
    expect(await summaryEntries('2027-01-12')).toEqual([
      {
        at: sh('2027-01-12T09:00'),
        actor: SUMMARY_ACTOR,
        action: 'daily_summary.send',
        entityType: 'daily_summary',
        entityId: '2027-01-12',
        before: null,
        after: { newItems: 1, openItems: 2, overdueItems: 1, urgentOpen: 1, snoozed: 0, channel: 'coordinators' },
      },
    ]);
  });

  it('records a day with nothing open as daily_summary.skip_empty (nothing pushed), and as daily_summary.send when the protocol sends empty summaries', async () => {
    const quiet = setup();
    expect((await sendDailySummary(quiet.deps, sh('2027-01-12T09:00'))).status).toBe('empty');
    expect(quiet.inbox.texts).toHaveLength(0);
    expect(await quiet.summaryEntries('2027-01-12')).toEqual([
      {
        at: sh('2027-01-12T09:00'),
        actor: SUMMARY_ACTOR,
        action: 'daily_summary.skip_empty',
        entityType: 'daily_summary',
        entityId: '2027-01-12',
        before: null,
        after: { newItems: 0, openItems: 0, overdueItems: 0, urgentOpen: 0, snoozed: 0, channel: null },
      },
    ]);

    const loud = setup({ ...base, alerts: { ...base.alerts, dailySummary: { ...base.alerts.dailySummary, sendWhenEmpty: true } } });
    expect((await sendDailySummary(loud.deps, sh('2027-01-12T09:00'))).status).toBe('sent');
    expect(loud.inbox.texts).toHaveLength(1);
    expect((await loud.summaryEntries('2027-01-12')).map((e) => [e.action, (e.after as { channel: unknown }).channel])).toEqual([['daily_summary.send', 'coordinators']]);
  });

  it('a run that died while publishing holds the day for 120 seconds; a run after that sends it (once)', async () => {
    const { deps, inbox, raise, summaryEntries } = setup();
    await raise('missed_dose', '0001', 'a', sh('2027-01-11T10:00'));
    const first = sh('2027-01-12T09:00');
    inbox.failNext = 1;
    await expect(sendDailySummary(deps, first)).rejects.toThrow('SNS unavailable');
    expect(inbox.texts).toHaveLength(0);
    // Another invocation within the lease stands back (the first might still be sending).
    expect((await sendDailySummary(deps, plusSeconds(first, 1))).status).toBe('in_progress');
    expect((await sendDailySummary(deps, plusSeconds(first, 119))).status).toBe('in_progress');
    expect((await sendDailySummary(deps, plusSeconds(first, 120))).status).toBe('in_progress');
    expect(inbox.texts).toHaveLength(0);
    // After the lease: sent, and from then on sent once.
    expect((await sendDailySummary(deps, plusSeconds(first, 121))).status).toBe('sent');
    expect((await sendDailySummary(deps, plusSeconds(first, 300))).status).toBe('already_sent');
    expect(inbox.texts).toHaveLength(1);
    expect((await summaryEntries('2027-01-12')).map((e) => [e.at, e.action])).toEqual([[plusSeconds(first, 121), 'daily_summary.send']]);
  });

  it('counts every open item when there are more than one page (200) of them', async () => {
    const { deps, inbox, raise } = setup();
    for (let n = 1; n <= 205; n++) await raise('no_reply', String(n).padStart(4, '0'), `e${n}`, sh('2027-01-11T10:00'));
    const tuesday = await sendDailySummary(deps, sh('2027-01-12T09:00'));
    expect(tuesday).toEqual({ localDate: '2027-01-12', status: 'sent', newItems: 205, openItems: 205, overdueItems: 0 });
    expect(inbox.texts[0]!.subject).toBe('Study worklist 2027-01-12: 205 new, 205 open, 0 overdue');
    expect(inbox.texts[0]!.text).toContain('IGG4-0205: no reply');
  });
});
