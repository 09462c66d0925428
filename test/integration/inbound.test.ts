import { describe, expect, it } from 'vitest';
import type { InboundSmsRecord } from '#adapters/sns/inbound-payload.ts';
import { expireConversations, handleInboundSms, reportIdFor } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { renderTemplate } from '#domain/templates.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';
import { fixedClock } from '#ports/clock.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { SmsSendError, type SmsSender } from '#ports/sms.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { dynamoInboundDeps } from '../support/inbound-deps.ts';
import { makePatient } from '../support/patients.ts';
import { sendReminderAsDispatcher } from '../support/send-reminder.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();

// Saturday 2027-01-16 (Asia/Shanghai): morning dose 08:00 (00:00Z), weekly check-in 19:00 (11:00Z), evening dose 20:00 (12:00Z).
const MORNING = '2027-01-16T00:00:00.000Z';
const CHECKIN = '2027-01-16T11:00:00.000Z';
const EVENING = '2027-01-16T12:00:00.000Z';

class RecordingSms implements SmsSender {
  readonly sent: { to: string; body: string; messageId: string }[] = [];
  /** Errors thrown by the next sends, in order. */
  readonly failures: Error[] = [];
  async send(message: { to: string; body: string }): Promise<{ messageId: string }> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const messageId = `prov-out-${this.sent.length + 1}`;
    this.sent.push({ to: message.to, body: message.body, messageId });
    return { messageId };
  }
  async isOptedOut(): Promise<boolean> {
    return false;
  }
}

class RecordingPublisher implements AlertPublisher {
  readonly published: { alert: Alert; channel: string }[] = [];
  async publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void> {
    this.published.push({ alert, channel });
  }
  async publishText(): Promise<void> {}
}

async function setup(start = MORNING) {
  const table = await local.freshTable();
  const doc = local.db.doc;
  const clock = fixedClock(start);
  const sms = new RecordingSms();
  const publisher = new RecordingPublisher();
  const deps = dynamoInboundDeps(doc, table, protocol, { publisher, sms, clock });
  return { deps, clock, sms, publisher };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function enroll(s: Setup, overrides: Partial<Patient> = {}): Promise<Patient> {
  const patient = makePatient(protocol, overrides);
  await s.deps.patients.create(patient);
  return patient;
}

/** Plans the day and "sends" the item due at `dueAt` as the dispatcher would: sent + outbound record with a provider id. */
function sendReminder(s: Setup, patient: Patient, dueAt: string, kind: StoredReminder['kind']): Promise<StoredReminder & { providerMessageId: string }> {
  return sendReminderAsDispatcher(s.deps, protocol, patient, kind, dueAt, { from: '2027-01-15T16:00:00.000Z', to: '2027-01-17T16:00:00.000Z' }, '2027-01-15T15:00:00.000Z');
}

let counter = 0;
function sms(body: string, at: string, options: { from?: string; id?: string; previous?: string } = {}): InboundSmsRecord {
  counter++;
  return {
    snsMessageId: `sns-${counter}`,
    receivedAt: at,
    payload: {
      originationNumber: options.from ?? '+15555550101',
      destinationNumber: '+15555550100',
      messageKeyword: 'KEYWORD_1',
      messageBody: body,
      inboundMessageId: options.id ?? `in-${counter}`,
      ...(options.previous ? { previousPublishedMessageId: options.previous } : {}),
    },
  };
}

async function deliver(s: Setup, record: InboundSmsRecord) {
  s.clock.set(record.receivedAt);
  s.clock.advanceMinutes(0.05);
  return handleInboundSms(s.deps, record);
}

const text = (lang: 'zh-CN' | 'en', key: Parameters<typeof renderTemplate>[2], params: Record<string, string> = {}) =>
  renderTemplate(protocol, lang, key, { studyPhone: protocol.contacts.studyPhone, urgentPhone: protocol.contacts.urgentPhone, ...params });

describe('dose answers', () => {
  it('"1" records taken on the check-in it answers, takes it off the answer queue, and files no report', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, MORNING, 'dose');
    const result = await deliver(s, sms('1', '2027-01-16T00:10:00.000Z'));
    expect(result).toMatchObject({ status: 'processed', intent: 'dose_taken', doseCheckInId: checkIn.id, reportIds: [], replyIds: [] });
    const stored = await s.deps.reminders.get(patient.id, checkIn.id, checkIn.dueAt);
    expect(stored).toMatchObject({ outcome: 'taken', answeredAt: '2027-01-16T00:10:00.000Z', answerMessageId: result.inboundMessageId });
    expect((await s.deps.reminders.listAwaitingUntil('2099-01-01T00:00:00Z')).map((r) => r.id)).not.toContain(checkIn.id);
    expect(s.sms.sent).toHaveLength(0);
    expect((await s.deps.reports.listByStatus('open')).items).toHaveLength(0);
    expect((await s.deps.messages.getInbound(result.inboundMessageId))?.processedAt).toBeDefined();
  });

  it('"忘了吃" records a reported miss, queues a report with the check-in, and sends the missed-dose text', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, MORNING, 'dose');
    const result = await deliver(s, sms('忘了吃', '2027-01-16T01:00:00.000Z'));
    expect((await s.deps.reminders.get(patient.id, checkIn.id, checkIn.dueAt))?.outcome).toBe('missed_reported');
    const report = await s.deps.reports.get(reportIdFor(result.inboundMessageId));
    expect(report).toMatchObject({ patientId: patient.id, text: '忘了吃', answersCheckInId: checkIn.id, source: 'sms', status: 'open' });
    expect(report?.interpretation).toMatchObject({ intent: 'dose_missed', answers: checkIn.id });
    expect(s.sms.sent).toEqual([{ to: patient.phone, body: text('zh-CN', 'reply.dose_missed'), messageId: 'prov-out-1' }]);
    const audit = await s.deps.audit.listForEntity('report', report!.id);
    expect(audit).toEqual([expect.objectContaining({ action: 'report.create', actor: 'patient-sms' })]);
  });

  it('a reply naming the morning dose, sent after the evening reminder, answers the morning check-in (late), not the evening one', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const morning = await sendReminder(s, patient, MORNING, 'dose');
    const evening = await sendReminder(s, patient, EVENING, 'dose');
    const result = await deliver(s, sms('今天早上的药吃了', '2027-01-16T12:05:00.000Z'));
    expect(result.doseCheckInId).toBe(morning.id);
    expect((await s.deps.reminders.get(patient.id, morning.id, morning.dueAt))?.outcome).toBe('taken');
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('pending');
  });

  it('a reply naming a dose time that was not sent that day records nothing and is queued for review', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const evening = await sendReminder(s, patient, EVENING, 'dose');
    const result = await deliver(s, sms('took my morning pills', '2027-01-16T12:05:00.000Z'));
    expect(result.doseCheckInId).toBeUndefined();
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('pending');
    expect(result.reportIds).toHaveLength(1);
  });

  it('prednisone reported missed two mornings in a row during the taper raises an urgent steroid-withdrawal alert at once (one miss is a slip, not a stop)', async () => {
    const s = await setup();
    const patient = await enroll(s); // enrolled 2027-01-04: day 12, prednisone 40 mg in the morning dose
    await sendReminder(s, patient, MORNING, 'dose');
    await deliver(s, sms('忘了吃强的松', '2027-01-16T01:00:00.000Z'));
    expect((await s.deps.alerts.listByStatus('open')).items.filter((a) => a.kind === 'steroid_withdrawal')).toEqual([]);
    const nextMorning = '2027-01-17T00:00:00.000Z';
    s.clock.set(nextMorning);
    await sendReminder(s, patient, nextMorning, 'dose');
    s.clock.set('2027-01-17T01:00:00.000Z');
    await deliver(s, sms('今天的强的松也没吃', '2027-01-17T01:00:00.000Z'));
    const alerts = (await s.deps.alerts.listByStatus('open')).items.filter((a) => a.kind === 'steroid_withdrawal');
    expect(alerts).toEqual([expect.objectContaining({ urgent: true, studyId: patient.studyId, patientId: patient.id })]);
    expect(s.publisher.published.filter((p) => p.alert.kind === 'steroid_withdrawal')).toHaveLength(1);
    // The same reply delivered again raises nothing new (one alert per episode).
    await deliver(s, sms('今天的强的松也没吃', '2027-01-17T01:05:00.000Z'));
    expect((await s.deps.alerts.listByStatus('open')).items.filter((a) => a.kind === 'steroid_withdrawal')).toHaveLength(1);
  });

  it('supply problems in both languages: out of prednisone (or of unnamed medicine) during the taper is an urgent steroid withdrawal, pushed; out of MMF is a routine supply item', async () => {
    const s = await setup();
    const patient = await enroll(s); // enrolled 2027-01-04: day 12, taper active
    await deliver(s, sms('泼尼松吃完了，还没去医院拿药', '2027-01-16T01:00:00.000Z', { id: 'sup-1' }));
    await deliver(s, sms('out of pills', '2027-01-16T01:10:00.000Z', { id: 'sup-2' }));
    await deliver(s, sms('ran out of MMF', '2027-01-16T01:20:00.000Z', { id: 'sup-3' }));
    const mine = (await s.deps.alerts.listForPatient(patient.id)).map((a) => [a.kind, a.urgent, a.details.drugs]);
    expect(mine).toEqual([
      ['steroid_withdrawal', true, ['prednisone']],
      ['steroid_withdrawal', true, []],
      ['supply', false, ['mmf']],
    ]);
    expect(s.publisher.published.map((p) => p.alert.kind)).toEqual(['steroid_withdrawal', 'steroid_withdrawal']);
    // A supply text is not a dose answer: nothing was recorded as taken.
    expect(JSON.stringify(await s.deps.alerts.listForPatient(patient.id))).not.toContain(patient.phone);
  });

  it('a reply naming an earlier check-in (previousPublishedMessageId) is recorded there even after a later one was sent', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const morning = await sendReminder(s, patient, MORNING, 'dose');
    const evening = await sendReminder(s, patient, EVENING, 'dose');
    await deliver(s, sms('2', '2027-01-16T12:05:00.000Z', { previous: morning.providerMessageId }));
    expect((await s.deps.reminders.get(patient.id, morning.id, morning.dueAt))?.outcome).toBe('missed_reported');
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('pending');
    // Without the reference, the latest check-in is the one being answered.
    await deliver(s, sms('1', '2027-01-16T12:06:00.000Z'));
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('taken');
  });

  it('a late "taken" (naming its check-in) after the sweep marked it missed_no_reply wins', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, MORNING, 'dose');
    expect(await s.deps.reminders.recordSweepMissed(checkIn, '2027-01-16T06:15:00.000Z')).toBe('missed');
    const result = await deliver(s, sms('吃了', '2027-01-16T07:30:00.000Z', { previous: checkIn.providerMessageId }));
    expect(result.doseCheckInId).toBe(checkIn.id);
    expect(await s.deps.reminders.get(patient.id, checkIn.id, checkIn.dueAt)).toMatchObject({ outcome: 'taken', answeredAt: '2027-01-16T07:30:00.000Z' });
    const audit = await s.deps.audit.listForEntity('reminder', checkIn.id);
    expect(audit).toEqual([expect.objectContaining({ action: 'checkin.answer', before: { outcome: 'missed_no_reply' }, after: expect.objectContaining({ outcome: 'taken' }) })]);
  });

  it('without a reference, a text after the window closed changes no check-in: it is stored and queued', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const evening = await sendReminder(s, patient, EVENING, 'dose'); // window ends 01:00 local (17:00Z)
    expect(await s.deps.reminders.recordSweepMissed(evening, '2027-01-16T17:15:00.000Z')).toBe('missed');
    const result = await deliver(s, sms('吃了', '2027-01-16T23:50:00.000Z')); // 07:50 next morning
    expect(result.doseCheckInId).toBeUndefined();
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('missed_no_reply');
    expect((await s.deps.reports.get(reportIdFor(result.inboundMessageId)))?.interpretation).toMatchObject({ intent: 'dose_taken' });
  });

  it('answers delivered out of order: the later-sent answer wins', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, MORNING, 'dose');
    await deliver(s, sms('1', '2027-01-16T00:20:00.000Z'));
    // An earlier "2" arrives late (SNS does not keep order): it is stored and reported but does not overwrite.
    const early = sms('2', '2027-01-16T00:10:00.000Z');
    s.clock.set('2027-01-16T00:30:00.000Z');
    await handleInboundSms(s.deps, early);
    expect((await s.deps.reminders.get(patient.id, checkIn.id, checkIn.dueAt))?.outcome).toBe('taken');
  });
});

describe('red flags and relapse signs', () => {
  it('fever on immunosuppression: urgent alert (no text, no phone), report, and the urgent-contact reply', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const result = await deliver(s, sms('发烧39度，咳嗽', '2027-01-16T03:00:00.000Z'));
    expect(result).toMatchObject({ intent: 'side_effect', redFlag: true });
    const reportId = reportIdFor(result.inboundMessageId);
    const report = await s.deps.reports.get(reportId);
    expect(report?.interpretation).toMatchObject({ redFlag: true, items: [{ term: 'Fever', grade: 1 }, { term: 'Cough', grade: null }] });
    const alerts = (await s.deps.alerts.listByStatus('open')).items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'red_flag', urgent: true, studyId: patient.studyId, sourceId: reportId });
    expect(alerts[0]!.details).toMatchObject({ studyId: patient.studyId, reportId, items: [{ term: 'Fever', grade: 1 }, { term: 'Cough', grade: null }] });
    const serialized = JSON.stringify(alerts[0]);
    expect(serialized).not.toContain(patient.phone);
    expect(serialized).not.toContain('发烧');
    expect(s.publisher.published.map((p) => [p.alert.kind, p.channel])).toEqual([['red_flag', 'coordinators']]);
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('zh-CN', 'reply.urgent')]);
    expect(s.sms.sent[0]!.body).toContain(protocol.contacts.urgentPhone);
  });

  it('a relapse sign raises a routine relapse_signal alert and a thank-you', async () => {
    const s = await setup();
    const patient = await enroll(s, { language: 'en' });
    const result = await deliver(s, sms('eyelids swollen', '2027-01-16T03:00:00.000Z'));
    expect(result.intent).toBe('symptom');
    const alerts = (await s.deps.alerts.listByStatus('open')).items;
    expect(alerts).toEqual([expect.objectContaining({ kind: 'relapse_signal', urgent: false, studyId: patient.studyId })]);
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('en', 'checkin.thanks')]);
  });
});

describe('weekly side-effect check-in conversation', () => {
  it('screen → items → severities over several messages, then one report with the CTCAE grades', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('1', '2027-01-16T11:05:00.000Z', { previous: checkIn.providerMessageId }));
    expect(s.sms.sent.at(-1)?.body).toContain('1腹泻 2恶心 3呕吐');
    // The menu answer arrives without a reference: the open conversation is the question.
    await deliver(s, sms('1 3', '2027-01-16T11:07:00.000Z'));
    expect(s.sms.sent.at(-1)?.body).toBe(text('zh-CN', 'checkin.severity_question', { item: '腹泻' }));
    // The patient answers the menu question they got from us (previousPublishedMessageId = our conversation SMS).
    await deliver(s, sms('2', '2027-01-16T11:09:00.000Z', { previous: s.sms.sent.at(-1)!.messageId }));
    expect(s.sms.sent.at(-1)?.body).toBe(text('zh-CN', 'checkin.severity_question', { item: '呕吐' }));
    await deliver(s, sms('1', '2027-01-16T11:10:00.000Z'));
    expect(s.sms.sent.at(-1)?.body).toBe(text('zh-CN', 'checkin.thanks'));
    const reports = await s.deps.reports.listForPatient(patient.id);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ source: 'checkin_conversation', answersCheckInId: checkIn.id, text: '1\n1 3\n2\n1' });
    expect(reports[0]!.interpretation).toMatchObject({ intent: 'side_effect', items: [{ term: 'Diarrhea', grade: 2 }, { term: 'Vomiting', grade: 1 }], redFlag: false });
    const conversation = await s.deps.conversations.get(patient.id);
    expect(conversation).toMatchObject({ deadline: null, reportId: reports[0]!.id, state: { step: 'done', endReason: 'completed' } });
    expect(await s.deps.conversations.listTimedOut('2099-01-01T00:00:00Z')).toHaveLength(0);
  });

  it('"no" at the screen closes it with thanks and files nothing', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s, { language: 'en' });
    await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('no', '2027-01-16T11:02:00.000Z'));
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('en', 'checkin.thanks')]);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(0);
  });

  it('a timed-out step stores the partial answers as a report (the sweep calls expireConversations, found without a Scan)', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s);
    const checkIn = await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('1', '2027-01-16T11:05:00.000Z'));
    await deliver(s, sms('1 3', '2027-01-16T11:07:00.000Z'));
    await deliver(s, sms('2', '2027-01-16T11:09:00.000Z'));
    const deadline = '2027-01-16T23:09:00.000Z'; // step started 11:09 + 720 min
    expect((await s.deps.conversations.get(patient.id))?.deadline).toBe(deadline);
    expect(await expireConversations(s.deps, '2027-01-16T23:08:00.000Z')).toEqual({ expired: 0, reports: 0 });
    expect(await expireConversations(s.deps, deadline)).toEqual({ expired: 1, reports: 1 });
    const reports = await s.deps.reports.listForPatient(patient.id);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ source: 'checkin_conversation', answersCheckInId: checkIn.id });
    expect(reports[0]!.interpretation).toMatchObject({ items: [{ term: 'Diarrhea', grade: 2 }, { term: 'Vomiting', grade: null }], endReason: 'timed_out' });
    expect(await s.deps.audit.listForEntity('report', reports[0]!.id)).toEqual([expect.objectContaining({ actor: 'system:inbound-sms' })]);
    // A second sweep finds nothing.
    expect(await expireConversations(s.deps, '2027-01-17T06:00:00.000Z')).toEqual({ expired: 0, reports: 0 });
  });

  it('the next inbound message also closes a timed-out step before it is read', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s);
    await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('1', '2027-01-16T11:05:00.000Z'));
    await deliver(s, sms('2', '2027-01-16T11:06:00.000Z')); // nausea
    const result = await deliver(s, sms('3', '2027-01-17T03:00:00.000Z')); // 21 h later: not a severity any more
    expect(result.intent).toBe('unclear');
    const reports = await s.deps.reports.listForPatient(patient.id);
    const conversationReport = reports.find((r) => r.source === 'checkin_conversation');
    expect(conversationReport?.interpretation).toMatchObject({ items: [{ term: 'Nausea', grade: null }], endReason: 'timed_out' });
    expect(reports.find((r) => r.source === 'sms')?.text).toBe('3');
  });

  it('a severe rating mid-conversation raises the urgent alert at once and ends with the urgent thank-you', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s);
    await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('1', '2027-01-16T11:05:00.000Z'));
    await deliver(s, sms('1', '2027-01-16T11:06:00.000Z'));
    const severe = await deliver(s, sms('4', '2027-01-16T11:07:00.000Z'));
    expect(severe.redFlag).toBe(true);
    expect((await s.deps.alerts.listByStatus('open')).items).toEqual([expect.objectContaining({ kind: 'red_flag', urgent: true })]);
    expect(s.sms.sent.at(-1)?.body).toBe(text('zh-CN', 'checkin.thanks_urgent'));
    const conversationReport = (await s.deps.reports.listForPatient(patient.id)).find((r) => r.source === 'checkin_conversation');
    expect(conversationReport?.interpretation).toMatchObject({ items: [{ term: 'Diarrhea', grade: 3 }], redFlag: true });
  });

  it('when a dose check-in and the conversation are both open, "5 7" (no dose answer) goes to the conversation', async () => {
    const s = await setup(CHECKIN);
    const patient = await enroll(s);
    await sendReminder(s, patient, CHECKIN, 'checkin');
    await deliver(s, sms('1', '2027-01-16T11:05:00.000Z'));
    const evening = await sendReminder(s, patient, EVENING, 'dose');
    // The most recent question is the dose check-in, but "5 7" is no dose answer; it is a menu answer.
    await deliver(s, sms('5 7', '2027-01-16T12:03:00.000Z'));
    expect((await s.deps.conversations.get(patient.id))?.state).toMatchObject({ step: 'severity', selected: [{ key: 'mouth_sores' }, { key: 'cough' }] });
    expect((await s.deps.reminders.get(patient.id, evening.id, evening.dueAt))?.outcome).toBe('pending');
  });
});

describe('idempotency', () => {
  it('the same message delivered 3 times concurrently: one stored message, one report, one alert, one reply', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const record = sms('发烧38.5度', '2027-01-16T03:00:00.000Z', { id: 'dup-1' });
    s.clock.set('2027-01-16T03:00:01.000Z');
    const results = await Promise.all([0, 1, 2].map(() => handleInboundSms(s.deps, record)));
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 'processed')) expect(['busy', 'duplicate']).toContain(r.status);
    const messages = await s.deps.messages.listForPatient(patient.id);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(messages.filter((m) => m.direction === 'out')).toHaveLength(1);
    expect(s.sms.sent).toHaveLength(1);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(1);
    expect((await s.deps.alerts.listByStatus('open')).items).toHaveLength(1);
    expect(s.publisher.published).toHaveLength(1);
    // Delivered once more later: nothing new.
    expect((await handleInboundSms(s.deps, record)).status).toBe('duplicate');
    expect(s.sms.sent).toHaveLength(1);
  });

  it('a delivery that crashed halfway (send throttled) resumes on redelivery without doubles', async () => {
    const s = await setup();
    const patient = await enroll(s);
    const record = sms('i am pregnant', '2027-01-16T03:00:00.000Z', { id: 'crash-1' });
    s.sms.failures.push(new SmsSendError('transient', 'throttled'));
    s.clock.set('2027-01-16T03:00:01.000Z');
    await expect(handleInboundSms(s.deps, record)).rejects.toThrow(SmsSendError);
    expect((await s.deps.alerts.listByStatus('open')).items).toHaveLength(1);
    // The failed run released its lease and counted the attempt: Lambda's retry a minute later processes it.
    expect(await s.deps.messages.getInbound('crash-1')).toMatchObject({ attempts: 1, lastFailure: 'SmsSendError' });
    s.clock.advanceMinutes(1);
    const resumed = await handleInboundSms(s.deps, record);
    expect(resumed.status).toBe('processed');
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('zh-CN', 'reply.urgent')]);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(1);
    expect((await s.deps.alerts.listByStatus('open')).items).toHaveLength(1);
    expect(s.publisher.published).toHaveLength(1);
    expect(await s.deps.audit.listForEntity('report', reportIdFor('crash-1'))).toHaveLength(1);
  });
});

describe('STOP / START / HELP', () => {
  it('STOP: opted out (audited), future reminders cancelled, one confirmation, a routine opt_out alert; START re-plans', async () => {
    const s = await setup();
    const patient = await enroll(s, { language: 'en' });
    await sendReminder(s, patient, MORNING, 'dose');
    const futureDue = async () => (await s.deps.reminders.listForPatient(patient.id, '2027-01-16T00:30:00.000Z', '9999')).filter((r) => r.state === 'due');
    expect((await futureDue()).length).toBeGreaterThan(0);

    await deliver(s, sms('STOP', '2027-01-16T00:30:00.000Z'));
    expect((await s.deps.patients.get(patient.id))?.smsOptOut).toBe(true);
    expect(await futureDue()).toHaveLength(0);
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('en', 'reply.stop_confirm')]);
    expect((await s.deps.alerts.listByStatus('open')).items).toEqual([expect.objectContaining({ kind: 'opt_out', urgent: false })]);
    expect(await s.deps.audit.listForEntity('patient', patient.id)).toEqual([
      expect.objectContaining({ action: 'patient.sms_opt_out', actor: 'patient-sms', before: { smsOptOut: false }, after: { smsOptOut: true } }),
    ]);

    // A second STOP while opted out: stored and queued, but no second confirmation or alert.
    await deliver(s, sms('退订', '2027-01-16T00:40:00.000Z'));
    expect(s.sms.sent).toHaveLength(1);
    expect((await s.deps.alerts.listByStatus('open')).items).toHaveLength(1);

    await deliver(s, sms('START', '2027-01-16T01:00:00.000Z'));
    expect((await s.deps.patients.get(patient.id))?.smsOptOut).toBe(false);
    expect((await futureDue()).length).toBeGreaterThan(0);
    expect(s.sms.sent.at(-1)?.body).toBe(text('en', 'reply.start_confirm'));
  });

  it('a withdrawn patient: messages stored and queued, no ordinary reply; HELP still answered', async () => {
    const s = await setup();
    const patient = await enroll(s, { status: 'withdrawn', withdrawnAt: '2027-01-10T00:00:00.000Z' });
    const plain = await deliver(s, sms('1', '2027-01-16T01:00:00.000Z'));
    expect(plain.reportIds).toHaveLength(1);
    expect(s.sms.sent).toHaveLength(0);
    await deliver(s, sms('帮助', '2027-01-16T01:05:00.000Z'));
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('zh-CN', 'reply.help')]);
    expect(await s.deps.reports.listForPatient(patient.id)).toHaveLength(2);
  });
});

describe('unknown numbers', () => {
  it('kept for review without creating a patient; at most one neutral reply per local day', async () => {
    const s = await setup();
    await enroll(s);
    const stranger = '+15555550999';
    const first = await deliver(s, sms('hello who is this', '2027-01-16T02:00:00.000Z', { from: stranger }));
    expect(first.studyId).toBeNull();
    const report = await s.deps.reports.get(reportIdFor(first.inboundMessageId));
    expect(report).toMatchObject({ source: 'unknown_sender', patientId: null, text: 'hello who is this' });
    await deliver(s, sms('STOP', '2027-01-16T03:00:00.000Z', { from: stranger }));
    expect(s.sms.sent).toEqual([expect.objectContaining({ to: stranger, body: text('en', 'reply.unknown_number') })]);
    // 2027-01-17 in Shanghai starts at 16:00Z.
    await deliver(s, sms('STOP', '2027-01-16T16:30:00.000Z', { from: stranger }));
    expect(s.sms.sent.map((m) => m.body)).toEqual([text('en', 'reply.unknown_number'), text('en', 'reply.stop_confirm')]);
    expect(await s.deps.patients.listAll()).toHaveLength(1);
  });
});
