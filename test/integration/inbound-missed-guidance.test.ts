import { describe, expect, it, vi } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { doseCheckInHarness } from '../support/dose-checkin-harness.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-guidance-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});

/**
 * The missed-dose guidance ("do not double the next dose; call the study if …") answers a dose
 * check-in the patient has just answered "missed": it is bounded by the check-ins (one per check-in
 * whose outcome it changes), so neither the reply budget nor the repeat guard may withhold it. The
 * same word for the morning and the evening check-in is two answers, not a loop.
 * Through the real inbound handler on dynalite.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const PHONE = '+8613800138001';

const setup = () => doseCheckInHarness(local, protocol, PHONE);

describe('the missed-dose guidance is never withheld from a new "missed" answer', () => {
  it('the same word for the morning and the evening check-in (12 hours apart) gets the guidance twice', async () => {
    const s = await setup();
    const [morning, evening] = s.doses;
    expect(morning!.slot).toBe('morning');
    expect(evening!.slot).toBe('evening');
    expect(Date.parse(evening!.dueAt) - Date.parse(morning!.dueAt)).toBeLessThanOrEqual(12 * 3_600_000);
    await s.text('没吃', s.after(morning!, 10));
    const second = await s.text('没吃', s.after(evening!, 5));
    expect((await s.deps.reminders.get(s.patient.id, evening!.id, evening!.dueAt))?.outcome).toBe('missed_reported');
    expect(s.guidanceSent()).toBe(2);
    expect((await s.deps.messages.getInbound(second))?.withheldReplies ?? []).toEqual([]);
  });

  it('after the day\'s reply budget is spent, a new "missed" answer still gets the guidance; a second "missed" for the same check-in is budgeted', async () => {
    const s = await setup();
    const [morning] = s.doses;
    const budget = protocol.inbound.autoReplyBudgetPerNumberPerDay;
    // Varied unreadable texts before the check-in use up the day's budget.
    for (let i = 0; i <= budget; i++) await s.text(`这是什么意思${'？'.repeat(i + 1)}号码${i}`, new Date(Date.parse(morning!.dueAt) - (60 - i) * 60_000).toISOString());
    const withheld = s.sms.sent.length;
    expect(withheld).toBe(budget);
    await s.text('早上的药没吃', s.after(morning!, 10));
    expect(s.guidanceSent()).toBe(1);
    // The same answer again changes nothing: it is an ordinary (budgeted) reply, and the budget is spent.
    const again = await s.text('忘了吃', s.after(morning!, 20));
    expect(s.guidanceSent()).toBe(1);
    expect((await s.deps.messages.getInbound(again))?.withheldReplies).toEqual([{ purpose: 'dose_missed', reason: 'budget_spent' }]);
  });
});
