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
  process.env.TABLE_NAME ??= 'trial-crisis-tests';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:us-east-1:000000000000:trial-alerts';
  process.env.CONSOLE_URL ??= 'https://console.example.org/';
  process.env.AWS_REGION ??= 'us-east-1';
});
const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');

/**
 * A text that is all polite filler but a STOP word is a command ("i want to stop"), unless it names a
 * symptom: "i just want it all to end" was read as END (STOP) and unsubscribed the patient, with a
 * STOP confirmation for an answer. It must be what it is: thoughts of death, an urgent red flag, the
 * urgent-contact text, and the patient still subscribed. Through the real inbound handler on dynalite.
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

describe('a message in crisis is never a command', () => {
  it('"i just want it all to end": an urgent red flag and the urgent-contact text, not an opt-out', async () => {
    const s = await setup();
    const id = await s.text('i just want it all to end', s.after(s.doses[0]!, 30));
    const patient = await s.deps.patients.get(s.patient.id);
    expect(patient?.smsOptOut ?? false).toBe(false);
    expect(patient?.status).toBe('active');
    const stored = await s.deps.messages.getInbound(id);
    expect(stored?.interpretation?.intent).toBe('side_effect');
    expect(stored?.interpretation?.redFlag).toBe(true);
    expect((stored?.interpretation?.items as { term: string }[] | undefined)?.map((i) => i.term)).toContain('Suicidal ideation');
    const alerts = (await s.deps.alerts.listForPatient(s.patient.id)).filter((a) => a.kind === 'red_flag');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.urgent).toBe(true);
    const urgent = renderTemplate(protocol, s.patient.language, 'reply.urgent', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
    const stop = renderTemplate(protocol, s.patient.language, 'reply.stop_confirm', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
    expect(s.sms.sent.map((m) => m.body)).toContain(urgent);
    expect(s.sms.sent.map((m) => m.body)).not.toContain(stop);
  });

  it('a plain "i want it to stop" with no symptom is still an opt-out', async () => {
    const s = await setup();
    await s.text('i want it to stop', s.after(s.doses[0]!, 30));
    expect((await s.deps.patients.get(s.patient.id))?.smsOptOut).toBe(true);
  });
});
