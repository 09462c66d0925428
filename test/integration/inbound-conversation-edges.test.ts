// The weekly check-in conversation at its edges (in-memory repositories, fixed clock): what its
// report carries (the last reply's id and time, a relapse sign from any reply, the patient's
// language), a redelivered reply that was applied before its processing crashed, a new week's
// conversation after last week's, and the sweep closing timed-out steps while others write.
import { describe, expect, it, vi } from 'vitest';
import { conversationReportIdFor, expireConversations } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { StoredConversation } from '#ports/conversations.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { SmsSendError } from '#ports/sms.ts';
import { memoryInbound, replyText } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// Saturday 2027-01-16, weekly check-in at 19:00 Asia/Shanghai (11:00Z); the next one a week later.
const CHECKIN = '2027-01-16T11:00:00.000Z';
const NEXT_WEEK = '2027-01-23T11:00:00.000Z';
const at = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

async function inCheckIn(start = CHECKIN) {
  const w = memoryInbound(protocol, start);
  const patient = await w.enroll();
  const checkIn = await w.sendReminder(patient, start, 'checkin');
  const conversation = async () => (await w.repos.conversations.get(patient.id))!;
  const reply = (body: string, minutes: number, id?: string) => w.deliver(w.text(body, at(start, minutes), id ? { id } : {}));
  return { ...w, patient, checkIn, conversation, reply };
}

/** Makes the next save lose to a real concurrent write: `meanwhile` is stored (as a racing writer would) and the save is refused. */
function raceNextSave(w: Awaited<ReturnType<typeof inCheckIn>>, meanwhile: (current: StoredConversation) => StoredConversation) {
  const original = w.repos.conversations.save.bind(w.repos.conversations);
  return vi.spyOn(w.repos.conversations, 'save').mockImplementationOnce(async () => {
    const current = (await w.repos.conversations.get(w.patient.id))!;
    await original(meanwhile(current), current.version);
    throw new StaleWriteError('changed meanwhile');
  });
}

describe('the conversation report', () => {
  it('names the last reply (id and time), and is in the language the patient wrote in', async () => {
    const w = await inCheckIn();
    await w.reply('是', 5, 'cv-1');
    await w.reply('1 3', 7, 'cv-2');
    await w.reply('2', 9, 'cv-3');
    await w.reply('1', 10, 'cv-4');
    const report = await w.repos.reports.get(conversationReportIdFor(w.patient.id, w.checkIn.id));
    expect(report).toMatchObject({ source: 'checkin_conversation', inboundMessageId: 'cv-4', receivedAt: at(CHECKIN, 10), text: '是\n1 3\n2\n1' });
    expect(report!.interpretation).toMatchObject({ items: [{ term: 'Diarrhea', grade: 2 }, { term: 'Vomiting', grade: 1 }], relapseSignal: false, language: 'zh' });
  });

  it('a relapse sign in an early reply is kept to the end of the conversation', async () => {
    const w = await inCheckIn();
    await w.reply('是，眼睛肿了', 5);
    expect((await w.conversation()).relapseSignal).toBe(true);
    await w.reply('1', 7);
    await w.reply('2', 9);
    const report = await w.repos.reports.get(conversationReportIdFor(w.patient.id, w.checkIn.id));
    expect(report!.interpretation).toMatchObject({ items: [{ term: 'Diarrhea', grade: 2 }], relapseSignal: true });
  });
});

describe('a reply redelivered after its processing crashed', () => {
  it('is not applied twice: the same next question is sent again', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    const menuAnswer = w.text('1 3', at(CHECKIN, 7), { id: 'cv-menu' });
    // The conversation was saved, then the question's send failed (transient): the delivery fails.
    w.sms.failures.push(new SmsSendError('transient', 'throttled'));
    await expect(w.deliver(menuAnswer)).rejects.toThrow(SmsSendError);
    const saved = await w.conversation();
    expect(saved.state).toMatchObject({ step: 'severity', selected: [{ key: 'diarrhea' }, { key: 'vomiting' }] });
    const again = await w.deliver(menuAnswer, at(CHECKIN, 8));
    expect(again.status).toBe('processed');
    const after = await w.conversation();
    expect(after.state).toEqual(saved.state);
    expect(after.replies.map((r) => r.inboundMessageId)).toEqual(saved.replies.map((r) => r.inboundMessageId));
    expect(w.sms.sent.at(-1)?.body).toBe(replyText(protocol, 'zh-CN', 'checkin.severity_question', { item: '腹泻' }));
  });
});

describe('a reply racing another write of the conversation', () => {

  it('the conversation was written meanwhile (same check-in): the reply is applied on a fresh read, once', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    raceNextSave(w, (c) => ({ ...c, updatedAt: at(CHECKIN, 6) }));
    await w.reply('1 3', 7, 'cv-menu');
    const conversation = await w.conversation();
    expect(conversation.state).toMatchObject({ step: 'severity', selected: [{ key: 'diarrhea' }, { key: 'vomiting' }] });
    expect(conversation.replies.filter((r) => r.inboundMessageId === 'cv-menu')).toHaveLength(1);
    expect(w.sms.sent.at(-1)?.body).toBe(replyText(protocol, 'zh-CN', 'checkin.severity_question', { item: '腹泻' }));
  });

  it("another check-in's conversation took its place meanwhile: the reply is not applied to it and gets no question", async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    raceNextSave(w, (c) => ({ ...c, state: { ...c.state, checkInId: 'another-check-in' } }));
    const sentBefore = w.sms.sent.length;
    const result = await w.reply('1 3', 7, 'cv-menu');
    expect(result.status).toBe('processed');
    const conversation = await w.conversation();
    expect(conversation.state).toMatchObject({ checkInId: 'another-check-in', step: 'items' });
    expect(conversation.replies.map((r) => r.inboundMessageId)).not.toContain('cv-menu');
    expect(w.sms.sent.slice(sentBefore).map((m) => m.body)).not.toContain(replyText(protocol, 'zh-CN', 'checkin.severity_question', { item: '腹泻' }));
  });

  it('a conversation that keeps changing: five attempts, then the text fails (to be retried)', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    let calls = 0;
    vi.spyOn(w.repos.conversations, 'save').mockImplementation(async () => {
      calls++;
      if (calls > 10) throw new Error('runaway retry loop');
      throw new StaleWriteError('changed meanwhile');
    });
    const failure = w.reply('1 3', 7);
    await expect(failure).rejects.toThrow(StaleWriteError);
    await expect(failure).rejects.toThrow('conversation of patient pat-0001 kept changing');
    expect(calls).toBe(5);
  });

  it('a failing store (not a stale write) fails the text at once', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const save = vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(throttled);
    await expect(w.reply('1 3', 7)).rejects.toBe(throttled);
    expect(save).toHaveBeenCalledTimes(1);
  });
});

describe("a new week's conversation", () => {
  it("starts afresh after last week's finished: only this week's replies, this week's check-in", async () => {
    const w = await inCheckIn();
    await w.reply('是，眼睛肿了', 5);
    await w.reply('1', 7);
    await w.reply('2', 9);
    expect((await w.conversation()).state.step).toBe('done');
    const next = await w.sendReminder(w.patient, NEXT_WEEK, 'checkin');
    await w.deliver(w.text('1', at(NEXT_WEEK, 5), { id: 'cv-week2' }));
    const conversation = await w.conversation();
    expect(conversation).toMatchObject({ checkInDueAt: NEXT_WEEK, relapseSignal: false, createdAt: at(NEXT_WEEK, 5) });
    expect(conversation.state).toMatchObject({ checkInId: next.id, step: 'items' });
    expect(conversation.replies.map((r) => r.inboundMessageId)).toEqual(['cv-week2']);
  });
});

describe('the sweep closing timed-out steps (expireConversations)', () => {
  const DEADLINE = at(CHECKIN, 5 + 720);

  it('a step that timed out with nothing picked closes the conversation without a report', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    const reads = vi.spyOn(w.repos.conversations, 'get');
    expect(await expireConversations(w.deps, DEADLINE)).toEqual({ expired: 1, reports: 0 });
    expect(reads, 'the listed conversation is closed as listed, not read again').not.toHaveBeenCalled();
    expect((await w.conversation()).state).toMatchObject({ step: 'done', endReason: 'timed_out' });
  });

  it('its close losing to another write (a stale write) is retried on a fresh read', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    await w.reply('1 3', 6);
    // Another writer updates it meanwhile without restarting the step (it stays timed out).
    const save = raceNextSave(w, (c) => ({ ...c, updatedAt: at(CHECKIN, 700) }));
    expect(await expireConversations(w.deps, at(CHECKIN, 6 + 720))).toEqual({ expired: 1, reports: 1 });
    expect(save).toHaveBeenCalledTimes(2);
    expect((await w.conversation()).state).toMatchObject({ step: 'done', endReason: 'timed_out' });
  });

  it('a conversation that keeps changing: five attempts, then left for the next sweep', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    let calls = 0;
    vi.spyOn(w.repos.conversations, 'save').mockImplementation(async () => {
      calls++;
      if (calls > 10) throw new Error('runaway retry loop');
      throw new StaleWriteError('changed meanwhile');
    });
    expect(await expireConversations(w.deps, DEADLINE)).toEqual({ expired: 0, reports: 0 });
    expect(calls).toBe(5);
  });

  it('a failing store (not a stale write) fails the sweep', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(throttled);
    await expect(expireConversations(w.deps, DEADLINE)).rejects.toBe(throttled);
  });

  it('the patient answered after the sweep listed it (the step restarted): not closed', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    const listed = await w.conversation();
    await w.reply('1 3', 700);
    vi.spyOn(w.repos.conversations, 'listTimedOut').mockResolvedValueOnce([listed]);
    expect(await expireConversations(w.deps, DEADLINE)).toEqual({ expired: 0, reports: 0 });
    expect((await w.conversation()).state).toMatchObject({ step: 'severity' });
  });
});

describe('the next text closing a timed-out step', () => {
  it('the sweep closed it at the same moment (a stale write): the text is still processed', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    await w.reply('2', 6);
    vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(new StaleWriteError('closed meanwhile'));
    const result = await w.reply('3', 6 + 721);
    expect(result.status).toBe('processed');
  });

  it('a failing store (not a stale write) fails the text, to be retried', async () => {
    const w = await inCheckIn();
    await w.reply('1', 5);
    await w.reply('2', 6);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    vi.spyOn(w.repos.conversations, 'save').mockRejectedValueOnce(throttled);
    await expect(w.reply('3', 6 + 721)).rejects.toBe(throttled);
  });
});
