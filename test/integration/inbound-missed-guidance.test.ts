import { describe, expect, it, vi } from 'vitest';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { renderTemplate } from '#domain/templates.ts';
import { fixedClock } from '#ports/clock.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'trial-guidance-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');

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

async function setup() {
  const table = await local.freshTable();
  const clock = fixedClock('2027-01-04T00:00:00.000Z');
  const sms = new RecordingSmsSender();
  const deps = dynamoInboundDeps(local.db.doc, table, protocol, { publisher: new RecordingAlertPublisher(), sms, clock });
  const patient = makePatient(protocol, { id: 'pat-0001', studyId: 'IGG4-001', phone: PHONE, enrolledOn: '2027-01-04' });
  await deps.patients.create(patient);
  await planPatient({ reminders: deps.reminders, protocol }, patient, '2027-01-04T00:00:00.000Z');
  // The dose check-ins of the first two local days, sent at their time.
  const doses: StoredReminder[] = [];
  for (const item of await deps.reminders.listForPatient(patient.id, '2027-01-03T16:00:00.000Z', '2027-01-05T16:00:00.000Z')) {
    if (item.kind !== 'dose' || !item.answerWindowEnd) continue;
    await deps.reminders.claim(item, 'test-owner', item.dueAt, 120);
    await deps.reminders.markSent(item, 'test-owner', { messageId: `sns-${item.id}`, parts: 1, sentAt: item.dueAt });
    doses.push((await deps.reminders.get(patient.id, item.id, item.dueAt))!);
  }
  doses.sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1));
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createInboundHandler(deps, { logger: quiet, metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined } as never });
  let n = 0;
  /** One SNS delivery at `at`; returns the message id. */
  const text = async (body: string, at: string) => {
    clock.set(at);
    const id = `in-${++n}`;
    await handler(
      {
        Records: [
          {
            EventSource: 'aws:sns',
            Sns: {
              MessageId: `sns-${id}`,
              TopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound',
              Timestamp: at,
              Message: JSON.stringify({ originationNumber: PHONE, destinationNumber: '+8610690000', messageKeyword: 'KEYWORD_1', messageBody: body, inboundMessageId: id }),
            },
          },
        ],
      },
      lambdaContext('inbound-sms', 30_000),
    );
    return id;
  };
  const after = (dose: StoredReminder, minutes: number) => new Date(Date.parse(dose.dueAt) + minutes * 60_000).toISOString();
  const guidance = renderTemplate(protocol, patient.language, 'reply.dose_missed', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
  const guidanceSent = () => sms.sent.filter((m) => m.body === guidance).length;
  return { deps, sms, patient, doses, text, after, guidanceSent };
}

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
