/**
 * An acknowledgement ("收到", "好的", "ok", 👍) answering a dose reminder: taken by default (the
 * protocol's `inbound.acknowledgementIsTaken`, docs/replies.md); a study that wants an explicit
 * answer turns it off, and then the check-in stays pending and the patient is asked again.
 */
import { describe, expect, it } from 'vitest';
import { handleInboundSms } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { parseProtocol, type Protocol } from '#domain/protocol.ts';
import { computeSchedule } from '#domain/schedule.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import type { SmsSender } from '#ports/sms.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';

const shipped = loadProtocolFile();
const local = useLocalDynamo();
const MORNING = '2027-01-16T00:00:00.000Z'; // 08:00 Asia/Shanghai, the morning dose reminder

function withAcknowledgementIsTaken(value: boolean): Protocol {
  const doc = structuredClone(shipped);
  doc.inbound.acknowledgementIsTaken = value;
  return parseProtocol(doc);
}

async function afterMorningReminder(protocol: Protocol) {
  const table = await local.freshTable();
  const clock = fixedClock(MORNING);
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
  const deliver = (body: string) => {
    clock.set('2027-01-16T00:20:00.000Z');
    return handleInboundSms(deps, { snsMessageId: 'sns-ack', receivedAt: '2027-01-16T00:20:00.000Z', payload: { originationNumber: patient.phone, destinationNumber: '+15555550100', messageBody: body, inboundMessageId: 'in-ack', previousPublishedMessageId: `prov-${item.id}` } });
  };
  const outcome = async () => (await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome;
  return { deliver, outcome, sent };
}

describe('an acknowledgement answering a dose reminder', () => {
  it('the shipped protocol says so: taken', async () => {
    expect(shipped.inbound.acknowledgementIsTaken).toBe(true);
    const { deliver, outcome } = await afterMorningReminder(shipped);
    expect((await deliver('收到')).intent).toBe('dose_taken');
    expect(await outcome()).toBe('taken');
  });

  it.each(['收到', '好的', 'OK', '👍'])('turned off: %j leaves the check-in pending and asks again', async (body) => {
    const protocol = withAcknowledgementIsTaken(false);
    const { deliver, outcome, sent } = await afterMorningReminder(protocol);
    expect((await deliver(body)).intent).toBe('unclear');
    expect(await outcome()).toBe('pending');
    expect(sent).toHaveLength(1);
  });

  it.each(['是的', 'yes', '吃了', '1'])('turned off: an answer (%j) is still taken', async (body) => {
    const { deliver, outcome } = await afterMorningReminder(withAcknowledgementIsTaken(false));
    expect((await deliver(body)).intent).toBe('dose_taken');
    expect(await outcome()).toBe('taken');
  });
});

describe('the protocol value', () => {
  it('defaults to true when a protocol file leaves it out', () => {
    const doc = structuredClone(shipped) as unknown as { inbound: Record<string, unknown> };
    delete doc.inbound.acknowledgementIsTaken;
    expect(parseProtocol(doc).inbound.acknowledgementIsTaken).toBe(true);
  });
});
