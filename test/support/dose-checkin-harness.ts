import { planPatient } from '#app/plan-schedule.ts';
import type { Protocol } from '#domain/protocol.ts';
import { renderTemplate } from '#domain/templates.ts';
import { fixedClock } from '#ports/clock.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from './dispatch-fakes.ts';
import type { useLocalDynamo } from './dynamo.ts';
import { dynamoInboundDeps } from './inbound-deps.ts';
import { makePatient } from './patients.ts';
import { snsTextEvent } from './sns-text.ts';

/**
 * One enrolled patient whose dose check-ins of the first two local days were sent, and the real
 * inbound handler on dynalite to text it: `text(body, at)` is one SNS delivery. The test file sets
 * the handler's environment (vi.hoisted) before calling this; the handler module is imported here,
 * after it.
 */
export async function doseCheckInHarness(local: ReturnType<typeof useLocalDynamo>, protocol: Protocol, phone = '+8613800138001') {
  const { createInboundHandler } = await import('#functions/inbound-sms/handler.ts');
  const table = await local.freshTable();
  const clock = fixedClock('2027-01-04T00:00:00.000Z');
  const sms = new RecordingSmsSender();
  const deps = dynamoInboundDeps(local.db.doc, table, protocol, { publisher: new RecordingAlertPublisher(), sms, clock });
  const patient = makePatient(protocol, { id: 'pat-0001', studyId: 'IGG4-001', phone: phone, enrolledOn: '2027-01-04' });
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
    await handler(snsTextEvent({ from: phone, body, inboundMessageId: id, at }), lambdaContext('inbound-sms', 30_000));
    return id;
  };
  const after = (dose: StoredReminder, minutes: number) => new Date(Date.parse(dose.dueAt) + minutes * 60_000).toISOString();
  const guidance = renderTemplate(protocol, patient.language, 'reply.dose_missed', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });
  const guidanceSent = () => sms.sent.filter((m) => m.body === guidance).length;
  return { deps, sms, patient, doses, text, after, guidanceSent };
}

