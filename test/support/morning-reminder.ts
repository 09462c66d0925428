// A patient on dynalite whose morning dose reminder (2027-01-16 08:00 Asia/Shanghai) has just been
// sent, the way dispatch-reminders sends it, and a `deliver` that hands inbound-sms a reply to it
// 20 minutes later (naming the reminder as the provider does). Shared by the inbound tests that
// are about how one reply to a dose reminder is read and recorded.
import { handleInboundSms } from '#app/inbound/index.ts';
import type { Protocol } from '#domain/protocol.ts';
import { computeSchedule } from '#domain/schedule.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import type { SmsSender } from '#ports/sms.ts';
import type { useLocalDynamo } from './dynamo.ts';
import { dynamoInboundDeps } from './inbound-deps.ts';
import { makePatient } from './patients.ts';

export const MORNING = '2027-01-16T00:00:00.000Z'; // 08:00 Asia/Shanghai
const REPLY_AT = '2027-01-16T00:20:00.000Z';

export async function afterMorningReminder(local: ReturnType<typeof useLocalDynamo>, protocol: Protocol) {
  const table = await local.freshTable();
  const clock = fixedClock(MORNING);
  /** Bodies of the texts sent to the patient (replies), in order. */
  const sent: string[] = [];
  const sms: SmsSender = {
    send: async (message) => {
      sent.push(message.body);
      return { messageId: `out-${sent.length}` };
    },
    isOptedOut: async () => false,
  };
  const publisher: AlertPublisher = { publish: async () => {}, publishText: async () => {} };
  const deps = dynamoInboundDeps(local.db.doc, table, protocol, { publisher, sms, clock });
  const patient = makePatient(protocol, {});
  await deps.patients.create(patient);
  const window = { from: '2027-01-15T16:00:00.000Z', to: '2027-01-17T16:00:00.000Z' };
  await deps.reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, '2027-01-15T15:00:00.000Z');
  const item = (await deps.reminders.listForPatient(patient.id, MORNING, `${MORNING}~`)).find((r) => r.kind === 'dose')!;
  await deps.reminders.claim(item, 'dispatch-test', MORNING, 60);
  await deps.reminders.markSent(item, 'dispatch-test', { messageId: `prov-${item.id}`, parts: 1, sentAt: MORNING });
  await deps.messages.recordOutbound({ id: `reminder:${item.id}`, providerMessageId: `prov-${item.id}`, to: patient.phone, body: 'reminder', parts: 1, sentAt: MORNING, patientId: patient.id, studyId: patient.studyId, purpose: 'reminder', reminderId: item.id, reminderDueAt: item.dueAt });
  let n = 0;
  const deliver = (body: string) => {
    n++;
    clock.set(REPLY_AT);
    return handleInboundSms(deps, { snsMessageId: `sns-r${n}`, receivedAt: REPLY_AT, payload: { originationNumber: patient.phone, destinationNumber: '+15555550100', messageBody: body, inboundMessageId: `in-r${n}`, previousPublishedMessageId: `prov-${item.id}` } });
  };
  /** The check-in's outcome as stored now. */
  const outcome = async () => (await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome;
  return { deps, patient, item, deliver, outcome, sent };
}
