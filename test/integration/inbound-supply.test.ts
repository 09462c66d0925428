/**
 * Issue 12 part 3 / issue 17: a supply problem ("药吃完了", "ran out of prednisone") after a dose
 * reminder is not a dose answer: the check-in is not marked taken (today "药吃完了" read as
 * "dose taken": a gap in the steroid counted as adherence); the reply is queued for review with
 * intent `supply` and the drug named. An explicit dose answer in another clause still counts.
 */
import { describe, expect, it } from 'vitest';
import { handleInboundSms, reportIdFor } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule } from '#domain/schedule.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import type { SmsSender } from '#ports/sms.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const MORNING = '2027-01-16T00:00:00.000Z'; // 08:00 Asia/Shanghai, the morning dose reminder

const sms: SmsSender = { send: async () => ({ messageId: `out-${Math.random()}` }), isOptedOut: async () => false };
const publisher: AlertPublisher = { publish: async () => {}, publishText: async () => {} };

async function afterMorningReminder() {
  const table = await local.freshTable();
  const doc = local.db.doc;
  const clock = fixedClock(MORNING);
  const deps = dynamoInboundDeps(doc, table, protocol, { publisher, sms, clock });
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
    clock.set('2027-01-16T00:20:00.000Z');
    return handleInboundSms(deps, { snsMessageId: `sns-s${n}`, receivedAt: '2027-01-16T00:20:00.000Z', payload: { originationNumber: patient.phone, destinationNumber: '+15555550100', messageBody: body, inboundMessageId: `in-s${n}`, previousPublishedMessageId: `prov-${item.id}` } });
  };
  return { deps, patient, item, deliver };
}

describe('supply replies on the inbound path', () => {
  it.each(['药吃完了', '泼尼松吃完了，还没去医院拿药', 'I ran out of prednisone'])('%j after the dose reminder: not recorded as taken, queued as supply with the drug', async (body) => {
    const { deps, patient, item, deliver } = await afterMorningReminder();
    const result = await deliver(body);
    expect(result.intent).toBe('supply');
    expect((await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome).not.toBe('taken');
    const report = await deps.reports.get(reportIdFor(result.inboundMessageId));
    expect(report?.interpretation.intent).toBe('supply');
    expect(report?.interpretation.doseAnswer).toBeUndefined();
    if (body !== '药吃完了') expect(report?.interpretation.supplyDrugs).toEqual(['prednisone']);
  });

  it('"吃了，不过药快没了": the dose is recorded as taken and the supply problem is queued', async () => {
    const { deps, patient, item, deliver } = await afterMorningReminder();
    const result = await deliver('吃了，不过药快没了');
    expect(result.intent).toBe('supply');
    expect((await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome).toBe('taken');
    expect((await deps.reports.get(reportIdFor(result.inboundMessageId)))?.interpretation).toMatchObject({ intent: 'supply', doseAnswer: 'taken' });
  });
});
