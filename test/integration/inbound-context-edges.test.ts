// Which open question a reply answers when a dose check-in and the weekly check-in are both open
// (in-memory repositories, fixed clock): the one the provider names first, else the one asked
// last; and a reply redelivered after a crash is read against the question it was first read against.
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { SmsSendError } from '#ports/sms.ts';
import { memoryInbound } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// Saturday 2027-01-16, weekly check-in at 19:00 Asia/Shanghai (11:00Z).
const CHECKIN = '2027-01-16T11:00:00.000Z';
const at = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();
// The symptom menu (checkin.items_menu) as the patient receives it.
const MENU = '请回复编号（可多个）：1腹泻 2恶心 3呕吐 4腹痛 5口腔溃疡 6皮疹 7咳嗽 8气短 9乏力 10发热';

/** A patient whose evening dose is at `evening` local time; the dose check-in due `doseOffset` minutes from the weekly check-in, both sent. */
async function bothOpen(evening: string, doseOffset: number) {
  const w = memoryInbound(protocol, CHECKIN);
  const patient = await w.enroll({ doseTimes: { morning: '08:00', evening } } as Partial<Patient>);
  const dose = await w.sendReminder(patient, at(CHECKIN, doseOffset), 'dose');
  const checkIn = await w.sendReminder(patient, CHECKIN, 'checkin');
  const doseOutcome = async () => (await w.repos.reminders.get(patient.id, dose.id, dose.dueAt))!.outcome;
  const step = async () => (await w.repos.conversations.get(patient.id))?.state.step ?? null;
  return { ...w, patient, dose, checkIn, doseOutcome, step };
}

describe('a "1" while the dose check-in (18:30) and the weekly check-in (19:00) are both open', () => {
  it('without a reference answers the weekly check-in, asked last: the symptom menu follows, the dose stays pending', async () => {
    const w = await bothOpen('18:30', -30);
    const result = await w.deliver(w.text('1', at(CHECKIN, 5)));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.doseOutcome()).toBe('pending');
    expect(await w.step()).toBe('items');
    expect(w.sms.sent.map((s) => s.body)).toEqual([MENU]);
  });

  it('sent in reply to the dose reminder answers the dose check-in ("taken"), though the weekly check-in was asked later', async () => {
    const w = await bothOpen('18:30', -30);
    const result = await w.deliver(w.text('1', at(CHECKIN, 5), { previous: w.dose.providerMessageId }));
    expect(result.doseCheckInId).toBe(w.dose.id);
    expect(await w.doseOutcome()).toBe('taken');
    expect(await w.step()).toBeNull();
  });

  it('sent in reply to the weekly check-in answers it: the symptom menu follows, the dose stays pending', async () => {
    const w = await bothOpen('18:30', -30);
    const result = await w.deliver(w.text('1', at(CHECKIN, 5), { previous: w.checkIn.providerMessageId }));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.doseOutcome()).toBe('pending');
    expect(await w.step()).toBe('items');
  });
});

describe('a "1" while the weekly check-in (19:00) and the dose check-in (20:00) are both open', () => {
  it('without a reference answers the dose check-in, asked last', async () => {
    const w = await bothOpen('20:00', 60);
    const result = await w.deliver(w.text('1', at(CHECKIN, 65)));
    expect(result.doseCheckInId).toBe(w.dose.id);
    expect(await w.doseOutcome()).toBe('taken');
    expect(await w.step()).toBeNull();
  });

  it('sent in reply to the weekly check-in answers it, though the dose reminder came later', async () => {
    const w = await bothOpen('20:00', 60);
    const result = await w.deliver(w.text('1', at(CHECKIN, 65), { previous: w.checkIn.providerMessageId }));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.doseOutcome()).toBe('pending');
    expect(await w.step()).toBe('items');
    expect(w.sms.sent.map((s) => s.body)).toEqual([MENU]);
  });

  it('sent in reply to the dose reminder answers the dose check-in', async () => {
    const w = await bothOpen('20:00', 60);
    const result = await w.deliver(w.text('1', at(CHECKIN, 65), { previous: w.dose.providerMessageId }));
    expect(result.doseCheckInId).toBe(w.dose.id);
    expect(await w.doseOutcome()).toBe('taken');
    expect(await w.step()).toBeNull();
  });
});

describe('a "1" while a dose check-in and the weekly check-in were both sent at 19:00', () => {
  it('without a reference answers the weekly check-in (the symptom menu follows), the dose stays pending', async () => {
    const w = await bothOpen('19:00', 0);
    const result = await w.deliver(w.text('1', at(CHECKIN, 5)));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.doseOutcome()).toBe('pending');
    expect(await w.step()).toBe('items');
  });
});

describe('a weekly check-in reply redelivered after its processing crashed', () => {
  it('is read against the question it answered the first time: "是" again sends the menu again and files no report', async () => {
    const w = memoryInbound(protocol, CHECKIN);
    const patient = await w.enroll();
    await w.sendReminder(patient, CHECKIN, 'checkin');
    const yes = w.text('是', at(CHECKIN, 5), { id: 'cv-yes' });
    // The conversation moved to the symptom menu, then the menu's send failed (transient): the delivery fails.
    w.sms.failures.push(new SmsSendError('transient', 'throttled'));
    await expect(w.deliver(yes)).rejects.toThrow(SmsSendError);
    expect((await w.repos.conversations.get(patient.id))!.state.step).toBe('items');
    const again = await w.deliver(yes, at(CHECKIN, 6));
    expect(again).toMatchObject({ status: 'processed', intent: 'answer', reportIds: [], alertIds: [] });
    expect(w.sms.sent.map((s) => s.body)).toEqual([MENU]);
    expect((await w.repos.conversations.get(patient.id))!.replies.map((r) => r.inboundMessageId)).toEqual(['cv-yes']);
  });
});

describe('which dose check-in a "1" without a reference answers', () => {
  // A patient enrolled 2027-01-04 (prednisone taper active). Asia/Shanghai: 08:00 = 00:00Z, 20:00 = 12:00Z.
  const MORNING = '2027-01-16T00:00:00.000Z';
  const EVENING = '2027-01-16T12:00:00.000Z';

  async function doses() {
    const w = memoryInbound(protocol, MORNING);
    const patient = await w.enroll();
    const outcome = async (item: { id: string; dueAt: string }) => (await w.repos.reminders.get(patient.id, item.id, item.dueAt))!.outcome;
    return { ...w, patient, outcome };
  }

  it('texted the instant the evening reminder was sent, answers it', async () => {
    const w = await doses();
    await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('1', EVENING));
    expect(result.doseCheckInId).toBe(evening.id);
    expect(await w.outcome(evening)).toBe('taken');
  });

  it('texted a minute before the evening reminder was sent and processed after it, answers nothing (the morning window has closed)', async () => {
    const w = await doses();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('1', at(EVENING, -1)), at(EVENING, 10));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.outcome(evening)).toBe('pending');
    expect(await w.outcome(morning)).toBe('pending');
  });

  it('a text received after the evening check-in fell due but before its delayed send does not answer it', async () => {
    const w = await doses();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = (await w.repos.reminders.listForPatient(w.patient.id, EVENING, `${EVENING}~`)).find((r) => r.kind === 'dose' && r.dueAt === EVENING)!;
    expect(await w.repos.reminders.claim(evening, 'dispatch-test', at(EVENING, 3), 60)).toBeTruthy();
    await w.repos.reminders.markSent(evening, 'dispatch-test', { messageId: 'prov-late', parts: 1, sentAt: at(EVENING, 3) });
    const result = await w.deliver(w.text('1', at(EVENING, 1)), at(EVENING, 10));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.outcome(evening)).toBe('pending');
    expect(await w.outcome(morning)).toBe('pending');
  });

  it('does not answer an evening check-in that is due but was never sent', async () => {
    const w = await doses();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = (await w.repos.reminders.listForPatient(w.patient.id, EVENING, `${EVENING}~`)).find((r) => r.kind === 'dose' && r.dueAt === EVENING)!;
    const result = await w.deliver(w.text('1', at(EVENING, 5)));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.repos.reminders.get(w.patient.id, evening.id, evening.dueAt)).not.toHaveProperty('answerMessageId');
    expect(await w.outcome(evening)).toBeUndefined();
    expect(await w.outcome(morning)).toBe('pending');
  });

  it('texted at the last instant of the morning answer window (14:00), answers the morning check-in', async () => {
    const w = await doses();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const result = await w.deliver(w.text('1', at(MORNING, protocol.reminders.doseAnswerWindowMinutes)));
    expect(result.doseCheckInId).toBe(morning.id);
    expect(await w.outcome(morning)).toBe('taken');
  });

  it('texted a minute after the morning answer window closed, answers nothing', async () => {
    const w = await doses();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const result = await w.deliver(w.text('1', at(MORNING, protocol.reminders.doseAnswerWindowMinutes + 1)));
    expect(result.doseCheckInId).toBeUndefined();
    expect(await w.outcome(morning)).toBe('pending');
  });
});

describe('when a reply starts the weekly check-in conversation', () => {
  it('a "是" exactly the step timeout after the check-in was sent starts no conversation', async () => {
    const w = memoryInbound(protocol, CHECKIN);
    const patient = await w.enroll();
    await w.sendReminder(patient, CHECKIN, 'checkin');
    await w.deliver(w.text('是', at(CHECKIN, protocol.checkIns.stepTimeoutMinutes)));
    expect(await w.repos.conversations.get(patient.id)).toBeNull();
  });

  it('a "是" a minute before the step timeout starts it: the symptom menu follows', async () => {
    const w = memoryInbound(protocol, CHECKIN);
    const patient = await w.enroll();
    await w.sendReminder(patient, CHECKIN, 'checkin');
    await w.deliver(w.text('是', at(CHECKIN, protocol.checkIns.stepTimeoutMinutes - 1)));
    expect((await w.repos.conversations.get(patient.id))!.state.step).toBe('items');
    expect(w.sms.sent.map((s) => s.body)).toEqual([MENU]);
  });
});

describe('a STOP while the weekly check-in conversation is open', () => {
  async function stopAfter(minutes: number) {
    const w = memoryInbound(protocol, CHECKIN);
    const patient = await w.enroll();
    await w.sendReminder(patient, CHECKIN, 'checkin');
    await w.deliver(w.text('是', at(CHECKIN, 5)));
    await w.deliver(w.text('STOP', at(CHECKIN, 5 + minutes)));
    return (await w.repos.conversations.get(patient.id))!.state;
  }

  it('within the step timeout closes it as opted out', async () => {
    expect(await stopAfter(60)).toMatchObject({ step: 'done', endReason: 'opted_out' });
  });

  it('after the step timed out closes it as timed out (the sweep had not run yet), not as opted out', async () => {
    expect(await stopAfter(protocol.checkIns.stepTimeoutMinutes + 1)).toMatchObject({ step: 'done', endReason: 'timed_out' });
  });
});
