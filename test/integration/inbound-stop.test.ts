/**
 * STOP during the weekly check-in conversation, through the inbound use case against dynalite
 * (issue 18 parts 1 and 2). STOP closes the open conversation (opted_out), files what the patient
 * reported so far as the conversation's report — selected symptoms not yet rated kept with grade
 * null — takes it off the timeout queue, and sends only the STOP confirmation.
 *
 * Checked against two mutants (see /work/notes/issue-18.md): the domain's STOP path without the
 * unrated items (the reported bug), and the use case without the conversation close.
 */
import { describe, expect, it } from 'vitest';
import type { InboundSmsRecord } from '#adapters/sns/inbound-payload.ts';
import { conversationReportIdFor, expireConversations, handleInboundSms, reportIdFor, type InboundSmsDeps } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { renderTemplate } from '#domain/templates.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import type { SmsSender } from '#ports/sms.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();

// Saturday 2027-01-16 (Asia/Shanghai): weekly check-in at 19:00 (11:00Z).
const CHECKIN = '2027-01-16T11:00:00.000Z';
const min = (m: number) => new Date(Date.parse(CHECKIN) + m * 60_000).toISOString();

class RecordingSms implements SmsSender {
  readonly sent: { to: string; body: string; messageId: string }[] = [];
  async send(message: { to: string; body: string }): Promise<{ messageId: string }> {
    const messageId = `prov-out-${this.sent.length + 1}`;
    this.sent.push({ ...message, messageId });
    return { messageId };
  }
  async isOptedOut(): Promise<boolean> {
    return false;
  }
}

const silentPublisher: AlertPublisher = { publish: async () => {}, publishText: async () => {} };

async function setup() {
  const table = await local.freshTable();
  const doc = local.db.doc;
  const clock = fixedClock(CHECKIN);
  const sms = new RecordingSms();
  const deps = dynamoInboundDeps(doc, table, protocol, { publisher: silentPublisher, sms, clock });
  const patient = makePatient(protocol, { id: 'pat-stop-1', studyId: 'IGG4-051', phone: '+15555550151' });
  await deps.patients.create(patient);
  const checkInId = await sendCheckIn(deps, patient);
  return { deps, clock, sms, patient, checkInId };
}

/** Plans the day and "sends" the weekly check-in as the dispatcher would. */
async function sendCheckIn(deps: InboundSmsDeps, patient: Patient): Promise<string> {
  const window = { from: '2027-01-15T16:00:00.000Z', to: '2027-01-17T16:00:00.000Z' };
  await deps.reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, '2027-01-15T15:00:00.000Z');
  const item = (await deps.reminders.listForPatient(patient.id, CHECKIN, `${CHECKIN}~`)).find((r) => r.kind === 'checkin')!;
  expect(await deps.reminders.claim(item, 'dispatch-test', CHECKIN, 60)).toBe(true);
  await deps.reminders.markSent(item, 'dispatch-test', { messageId: `prov-${item.id}`, parts: 1, sentAt: CHECKIN });
  await deps.messages.recordOutbound({
    id: `reminder:${item.id}`,
    providerMessageId: `prov-${item.id}`,
    to: patient.phone,
    body: 'checkin',
    parts: 1,
    sentAt: CHECKIN,
    patientId: patient.id,
    studyId: patient.studyId,
    purpose: 'reminder',
    reminderId: item.id,
    reminderDueAt: item.dueAt,
  });
  return item.id;
}

type Setup = Awaited<ReturnType<typeof setup>>;

let counter = 0;
async function deliver(s: Setup, body: string, at: string) {
  counter++;
  const record: InboundSmsRecord = {
    snsMessageId: `sns-stop-${counter}`,
    receivedAt: at,
    payload: { originationNumber: s.patient.phone, destinationNumber: '+15555550100', messageKeyword: 'KEYWORD_1', messageBody: body, inboundMessageId: `in-stop-${counter}` },
  };
  s.clock.set(at);
  s.clock.advanceMinutes(0.05);
  await handleInboundSms(s.deps, record);
  return record.payload.inboundMessageId;
}

const stopConfirm = renderTemplate(protocol, 'zh-CN', 'reply.stop_confirm', { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone });

/** Replies the patient sends before STOP, and what the conversation report must then hold. */
const steps: { name: string; before: string[]; items: { term: string; grade: number | null }[] | null }[] = [
  { name: 'at the items menu (said yes, nothing picked)', before: ['是'], items: null },
  { name: 'at the items re-ask', before: ['是', '？？'], items: null },
  { name: 'at the first severity question', before: ['是', '1 3'], items: [{ term: 'Diarrhea', grade: null }, { term: 'Vomiting', grade: null }] },
  { name: 'after rating the first of two symptoms (the reported bug)', before: ['是', '1 3', '2'], items: [{ term: 'Diarrhea', grade: 2 }, { term: 'Vomiting', grade: null }] },
  { name: 'at a severity re-ask after one rating', before: ['是', '1 3', '2', '？？'], items: [{ term: 'Diarrhea', grade: 2 }, { term: 'Vomiting', grade: null }] },
];

describe('STOP during the weekly check-in conversation (inbound use case, dynalite)', () => {
  for (const step of steps) {
    it(`${step.name}: closes it as opted out, keeps every picked symptom, sends only the STOP confirmation`, async () => {
      const s = await setup();
      for (const [i, text] of step.before.entries()) await deliver(s, text, min(2 + i));
      const open = await s.deps.conversations.get(s.patient.id);
      expect(open?.state.step).not.toBe('done');
      expect(open?.deadline).not.toBeNull();
      const sentBefore = s.sms.sent.length;

      const stopId = await deliver(s, 'STOP', min(10));

      // Opted out, and only the confirmation went out (no next conversation question, no thanks).
      expect((await s.deps.patients.get(s.patient.id))?.smsOptOut).toBe(true);
      expect(s.sms.sent.slice(sentBefore).map((m) => m.body)).toEqual([stopConfirm]);
      // The conversation is closed and off the timeout queue.
      const closed = await s.deps.conversations.get(s.patient.id);
      expect(closed).toMatchObject({ deadline: null, state: { step: 'done', endReason: 'opted_out' } });
      expect(await s.deps.conversations.listTimedOut('2099-01-01T00:00:00.000Z')).toEqual([]);
      // What the patient reported so far is filed as the conversation's report.
      const reports = await s.deps.reports.listForPatient(s.patient.id);
      const conversationReport = reports.find((r) => r.source === 'checkin_conversation');
      if (step.items === null) {
        expect(conversationReport).toBeUndefined();
        expect(closed?.reportId).toBeUndefined();
      } else {
        expect(conversationReport).toMatchObject({ id: conversationReportIdFor(s.patient.id, s.checkInId), answersCheckInId: s.checkInId, text: expect.stringContaining(step.before.filter((t) => t !== '？？').join('\n')) });
        expect(conversationReport!.interpretation).toMatchObject({ items: step.items, endReason: 'opted_out' });
        expect(closed?.reportId).toBe(conversationReport!.id);
      }
      // The STOP text itself is stored and queued as its own report.
      expect(reports.find((r) => r.id === reportIdFor(stopId))).toMatchObject({ source: 'sms', text: 'STOP' });
    });
  }

  it('STOP closes the open conversation: a later sweep has nothing to expire and files nothing more', async () => {
    const s = await setup();
    await deliver(s, '是', min(2));
    await deliver(s, '1 3', min(3));
    await deliver(s, '2', min(4));
    await deliver(s, 'STOP', min(5));

    // Long past the step timeout: the conversation was already closed by STOP, not left for the sweep.
    const later = new Date(Date.parse(min(5)) + (protocol.checkIns.stepTimeoutMinutes + 60) * 60_000).toISOString();
    expect(await expireConversations(s.deps, later)).toEqual({ expired: 0, reports: 0 });
    const closed = await s.deps.conversations.get(s.patient.id);
    expect(closed?.state.endReason).toBe('opted_out');
    expect((await s.deps.reports.listForPatient(s.patient.id)).filter((r) => r.source === 'checkin_conversation')).toHaveLength(1);
  });

  it('a STOP redelivered (SNS at least once) changes nothing more: one conversation report, one confirmation', async () => {
    const s = await setup();
    await deliver(s, '是', min(2));
    await deliver(s, '1 3', min(3));
    counter++;
    const record: InboundSmsRecord = {
      snsMessageId: `sns-stop-${counter}`,
      receivedAt: min(4),
      payload: { originationNumber: s.patient.phone, destinationNumber: '+15555550100', messageKeyword: 'KEYWORD_1', messageBody: '退订', inboundMessageId: `in-stop-${counter}` },
    };
    s.clock.set(min(4));
    await handleInboundSms(s.deps, record);
    await handleInboundSms(s.deps, { ...record, snsMessageId: `${record.snsMessageId}-again` });
    expect(s.sms.sent.filter((m) => m.body === stopConfirm)).toHaveLength(1);
    const reports = (await s.deps.reports.listForPatient(s.patient.id)).filter((r) => r.source === 'checkin_conversation');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.interpretation.items).toEqual([
      { term: 'Diarrhea', grade: null },
      { term: 'Vomiting', grade: null },
    ]);
  });
});
