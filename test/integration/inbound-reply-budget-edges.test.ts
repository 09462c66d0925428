// Replies to a patient at their edges (in-memory repositories, fixed clock): the per-number daily
// budget's routine reply_budget item, the worklist item when the urgent-contact text is refused
// (and none for an ordinary reply refused), and the check-in a conversation question belongs to.
import { describe, expect, it } from 'vitest';
import { replyIdFor } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { senderRef } from '#domain/inbound-guards.ts';
import { SmsSendError } from '#ports/sms.ts';
import { memoryInbound, PATIENT_PHONE, replyText } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
const START = '2027-01-16T02:00:00.000Z'; // 10:00 Asia/Shanghai, 2027-01-16
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();
const BUDGET = protocol.inbound.autoReplyBudgetPerNumberPerDay;

async function world() {
  const w = memoryInbound(protocol, START);
  const patient = await w.enroll();
  const openItems = async (kind: string) => (await w.repos.alerts.listByStatus('open')).items.filter((a) => a.kind === kind);
  return { ...w, patient, openItems };
}

describe('the per-number daily reply budget', () => {
  it(`after ${BUDGET} answered unreadable texts the next is withheld with one routine reply_budget item naming the patient; a further one adds none`, async () => {
    const w = await world();
    const results = [];
    for (let i = 0; i <= BUDGET + 1; i++) results.push(await w.deliver(w.text(`看不懂的话 ${'啊'.repeat(i + 1)}`, at(i * 3), { id: `in-${i}` })));
    expect(w.sms.sent.map((s) => s.body)).toEqual(Array.from({ length: BUDGET }, () => replyText(protocol, 'zh-CN', 'reply.unclear')));
    expect(results.map((r) => r.withheldReplies)).toEqual([...Array.from({ length: BUDGET }, () => []), [{ purpose: 'unclear', reason: 'budget_spent' }], [{ purpose: 'unclear', reason: 'budget_spent' }]]);
    const items = await w.openItems('reply_budget');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      patientId: w.patient.id,
      studyId: w.patient.studyId,
      title: `${w.patient.studyId}: automatic replies stopped for today (${BUDGET} sent); further texts are stored for review, not answered`,
    });
    // Routine, as the protocol's lanes say, and not flagged as raised urgent by the raiser either.
    expect(items[0]!.details).toEqual({ studyId: w.patient.studyId, sender: senderRef(PATIENT_PHONE), localDate: '2027-01-16', budget: BUDGET, firstWithheldMessageId: `in-${BUDGET}` });
    expect(results[BUDGET]!.alertIds).toEqual([items[0]!.id]);
    expect(results[BUDGET + 1]!.alertIds).toEqual([]);
  });
});

describe('the budget of two patients', () => {
  it('is counted per number: each gets its own replies and its own reply_budget item', async () => {
    const w = await world();
    const other = await w.enroll({ id: 'pat-0002', studyId: 'IGG4-002', phone: '+8613800138001' });
    for (const [n, from] of [PATIENT_PHONE, other.phone].entries()) {
      for (let i = 0; i <= BUDGET; i++) await w.deliver(w.text(`看不懂的话 ${'啊'.repeat(i + 1)}`, at(n * 30 + i * 3), { from }));
    }
    expect(w.sms.sent.map((s) => s.to)).toEqual([...Array.from({ length: BUDGET }, () => PATIENT_PHONE), ...Array.from({ length: BUDGET }, () => other.phone)]);
    expect((await w.openItems('reply_budget')).map((a) => a.studyId).sort()).toEqual([w.patient.studyId, 'IGG4-002']);
  });
});

describe('a reply the provider refused (permanent failure)', () => {
  it('the urgent-contact text after a red flag: a worklist item to call the sender, listed with the text\'s alerts', async () => {
    const w = await world();
    w.sms.failures.push(new SmsSendError('permanent', 'blocked number'));
    const result = await w.deliver(w.text('发烧39.5度', START, { id: 'in-rf' }));
    expect(result.replyFailures).toEqual([{ purpose: 'urgent', reason: 'blocked number' }]);
    const [item] = await w.openItems('sms_failure');
    expect(item).toMatchObject({
      patientId: w.patient.id,
      title: `${w.patient.studyId}: the urgent-contact text after a red flag was not sent (blocked number); call the sender`,
      details: { studyId: w.patient.studyId, inboundMessageId: 'in-rf', reason: 'blocked number' },
    });
    expect(result.alertIds).toContain(item!.id);
    expect(new Set(result.alertIds).size).toBe(result.alertIds.length);
  });

  it('an ordinary reply (the unclear text): recorded as failed, no worklist item', async () => {
    const w = await world();
    w.sms.failures.push(new SmsSendError('permanent', 'blocked number'));
    const result = await w.deliver(w.text('看不懂的话', START));
    expect(result.replyFailures).toEqual([{ purpose: 'unclear', reason: 'blocked number' }]);
    expect(await w.openItems('sms_failure')).toEqual([]);
  });
});

describe('a weekly check-in question sent as a reply', () => {
  it('is recorded against the check-in it belongs to, so an answer to it names that check-in', async () => {
    const w = await world();
    const checkIn = await w.sendReminder(w.patient, '2027-01-16T11:00:00.000Z', 'checkin');
    await w.deliver(w.text('是', '2027-01-16T11:05:00.000Z', { id: 'in-yes' }));
    expect(await w.repos.messages.getOutbound(replyIdFor('in-yes', 'conversation'))).toMatchObject({ purpose: 'conversation', reminderId: checkIn.id, reminderDueAt: checkIn.dueAt });
  });
});
