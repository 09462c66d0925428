// Dose answers at their edges (in-memory repositories, fixed clock): which check-in a reply naming
// the other dose time answers, which drugs a partial miss keeps, what the audit trail says of an
// answer that was refused or changed nothing, and when an answer is evaluated against the
// missed-dose rules again (a corrected miss raises the steroid-withdrawal alert at once).
import { describe, expect, it, vi } from 'vitest';
import { emptyResult, type Run } from '#app/inbound/run.ts';
import { recordDoseAnswer } from '#app/inbound/dose-answers.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Interpretation } from '#domain/replies/interpretation.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import { memoryInbound } from '../support/inbound-memory.ts';

const protocol = loadProtocolFile();
// A patient enrolled 2027-01-04 (prednisone taper active). Asia/Shanghai: 08:00 = 00:00Z, 20:00 = 12:00Z.
const DAY1_MORNING = '2027-01-15T00:00:00.000Z';
const MORNING = '2027-01-16T00:00:00.000Z';
const EVENING = '2027-01-16T12:00:00.000Z';
const at = (base: string, minutes: number) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

async function world() {
  const w = memoryInbound(protocol, MORNING);
  const patient = await w.enroll();
  const stored = async (item: StoredReminder) => (await w.repos.reminders.get(patient.id, item.id, item.dueAt))!;
  return { ...w, patient, stored };
}

describe('a reply naming the other dose time of the day', () => {
  it('texted to the morning reminder after the evening one went, "晚上的药吃了" answers the evening check-in', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('晚上的药吃了', at(EVENING, 30), { previous: morning.providerMessageId }));
    expect(result.doseCheckInId).toBe(evening.id);
    expect((await w.stored(evening)).outcome).toBe('taken');
    expect((await w.stored(morning)).outcome).toBe('pending');
  });

  it('after the evening reminder, "早上的药吃了" answers the morning check-in, not the evening one', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('早上的药吃了', at(EVENING, 5)));
    expect(result.doseCheckInId).toBe(morning.id);
    expect((await w.stored(morning)).outcome).toBe('taken');
    expect((await w.stored(evening)).outcome).toBe('pending');
  });

  it('the morning dose moved from 08:00 to 09:00 after the 08:00 reminder went, both sent: "早上的药吃了" after the evening reminder answers the 09:00 one', async () => {
    const w = await world();
    const early = await w.sendReminder(w.patient, MORNING, 'dose');
    const moved = { ...w.patient, doseTimes: { ...w.patient.doseTimes, morning: '09:00' } };
    const late = await w.sendReminder(moved, at(MORNING, 60), 'dose');
    const evening = await w.sendReminder(moved, EVENING, 'dose');
    const result = await w.deliver(w.text('早上的药吃了', at(EVENING, 5), { previous: evening.providerMessageId }));
    expect(result.doseCheckInId).toBe(late.id);
    expect((await w.stored(late)).outcome).toBe('taken');
    expect((await w.stored(early)).outcome).toBe('pending');
    expect((await w.stored(evening)).outcome).toBe('pending');
  });

  it('a reply texted the instant the evening reminder was sent may answer it', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('晚上的药吃了', EVENING, { previous: morning.providerMessageId }));
    expect(result.doseCheckInId).toBe(evening.id);
  });

  it('a reply texted before the evening reminder was sent, processed after it, does not answer it', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const evening = await w.sendReminder(w.patient, EVENING, 'dose');
    const result = await w.deliver(w.text('晚上的药吃了', at(EVENING, -1), { previous: morning.providerMessageId }), at(EVENING, 10));
    expect(result.doseCheckInId).toBeUndefined();
    expect((await w.stored(evening)).outcome).toBe('pending');
    expect((await w.stored(morning)).outcome).toBe('pending');
  });
});

/** The dose-answer step alone for a text `minutes` after the check-in was sent. */
function runFor(w: Awaited<ReturnType<typeof world>>, inboundMessageId: string, receivedAt: string): Run {
  w.clock.set(receivedAt);
  return { deps: w.deps, message: { inboundMessageId, receivedAt }, now: receivedAt, resumed: false, result: emptyResult(inboundMessageId, w.patient.studyId) } as unknown as Run;
}
const missed = (missedDrugs?: string[]) => ({ doseAnswer: 'missed', ...(missedDrugs ? { missedDrugs } : {}) }) as unknown as Interpretation;

describe('which drugs a reported miss keeps (the morning check-in: prednisone and MMF)', () => {
  it('a miss naming one of its two drugs keeps that drug', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await recordDoseAnswer(runFor(w, 'in-1', at(MORNING, 10)), morning, missed(['prednisone']), w.patient);
    expect(await w.stored(morning)).toMatchObject({ outcome: 'missed_reported', missedDrugs: ['prednisone'], answerMessageId: 'in-1' });
  });

  it('a miss naming both of its drugs is a whole miss: no drug list kept', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await recordDoseAnswer(runFor(w, 'in-1', at(MORNING, 10)), morning, missed(['prednisone', 'mmf']), w.patient);
    const stored = await w.stored(morning);
    expect(stored.outcome).toBe('missed_reported');
    expect(stored).not.toHaveProperty('missedDrugs');
  });

  it('a miss naming only a drug that is not on the check-in (leflunomide) is a whole miss', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await recordDoseAnswer(runFor(w, 'in-1', at(MORNING, 10)), morning, missed(['lef']), w.patient);
    const stored = await w.stored(morning);
    expect(stored.outcome).toBe('missed_reported');
    expect(stored).not.toHaveProperty('missedDrugs');
  });

  it('a "taken" answer keeps no drug list, even when the reading named drugs', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    const taken = { doseAnswer: 'taken', missedDrugs: ['mmf'] } as unknown as Interpretation;
    await recordDoseAnswer(runFor(w, 'in-1', at(MORNING, 10)), morning, taken, w.patient);
    const stored = await w.stored(morning);
    expect(stored.outcome).toBe('taken');
    expect(stored).not.toHaveProperty('missedDrugs');
  });

  it('a miss naming no drug is a whole miss', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await recordDoseAnswer(runFor(w, 'in-1', at(MORNING, 10)), morning, missed(), w.patient);
    const stored = await w.stored(morning);
    expect(stored.outcome).toBe('missed_reported');
    expect(stored).not.toHaveProperty('missedDrugs');
  });
});

describe('the checkin.answer entries in the audit trail', () => {
  it('an earlier "2" delivered after a later "1" is refused and leaves no answer entry; only the "1" is audited', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await w.deliver(w.text('1', at(MORNING, 20), { id: 'in-late' }));
    await w.deliver(w.text('2', at(MORNING, 10), { id: 'in-early' }), at(MORNING, 30));
    expect((await w.stored(morning)).outcome).toBe('taken');
    const entries = await w.repos.audit.listForEntity('reminder', morning.id);
    expect(entries.map((e) => [e.id, e.before, e.after])).toEqual([['checkin.answer:in-late', { outcome: 'pending' }, { outcome: 'taken', inboundMessageId: 'in-late' }]]);
  });

  it('a second "1" on a check-in already taken records no second answer entry', async () => {
    const w = await world();
    const morning = await w.sendReminder(w.patient, MORNING, 'dose');
    await w.deliver(w.text('1', at(MORNING, 10), { id: 'in-a' }));
    const second = await w.deliver(w.text('好的，吃了', at(MORNING, 15), { id: 'in-b' }));
    expect(second.doseCheckInId).toBe(morning.id);
    expect((await w.stored(morning)).answerMessageId).toBe('in-b');
    expect((await w.repos.audit.listForEntity('reminder', morning.id)).map((e) => e.id)).toEqual(['checkin.answer:in-a']);
  });
});

describe('a second answer to the same check-in is evaluated again only if it changes what the rules read', () => {
  /** Prednisone missed yesterday morning (a whole miss), and today's morning check-in sent. */
  async function afterYesterdaysMiss() {
    const w = await world();
    const yesterday = await w.sendReminder(w.patient, DAY1_MORNING, 'dose');
    await recordDoseAnswer(runFor(w, 'in-0', at(DAY1_MORNING, 10)), yesterday, missed(), w.patient);
    const today = await w.sendReminder(w.patient, MORNING, 'dose');
    const withdrawals = async () => (await w.repos.alerts.listForPatient(w.patient.id)).filter((a) => a.kind === 'steroid_withdrawal');
    const evaluations = vi.spyOn(w.repos.alerts, 'listUnresolvedForPatient');
    const answer = async (id: string, minutes: number, interpretation: Interpretation) => {
      evaluations.mockClear();
      await recordDoseAnswer(runFor(w, id, at(MORNING, minutes)), await w.stored(today), interpretation, w.patient);
      return evaluations.mock.calls.length;
    };
    return { ...w, today, withdrawals, answer };
  }

  it('"MMF missed", then corrected to "prednisone missed": the second prednisone miss in a row raises the urgent withdrawal alert at once', async () => {
    const w = await afterYesterdaysMiss();
    expect(await w.answer('in-1', 10, missed(['mmf']))).toBe(1);
    expect(await w.withdrawals()).toEqual([]);
    expect(await w.answer('in-2', 20, missed(['prednisone']))).toBe(1);
    expect(await w.withdrawals()).toEqual([expect.objectContaining({ urgent: true })]);
  });

  it('"MMF missed", then "missed them all": the whole miss raises the withdrawal alert at once', async () => {
    const w = await afterYesterdaysMiss();
    await w.answer('in-1', 10, missed(['mmf']));
    expect(await w.answer('in-2', 20, missed())).toBe(1);
    expect(await w.withdrawals()).toEqual([expect.objectContaining({ urgent: true })]);
  });

  it('a whole miss, then "only MMF missed": evaluated again', async () => {
    const w = await afterYesterdaysMiss();
    await w.answer('in-1', 10, missed());
    expect(await w.answer('in-2', 20, missed(['mmf']))).toBe(1);
  });

  it('the same partial miss texted twice: the second is not evaluated again', async () => {
    const w = await afterYesterdaysMiss();
    expect(await w.answer('in-1', 10, missed(['mmf']))).toBe(1);
    expect(await w.answer('in-2', 20, missed(['mmf']))).toBe(0);
  });

  it('a whole miss texted twice: the second is not evaluated again', async () => {
    const w = await afterYesterdaysMiss();
    expect(await w.answer('in-1', 10, missed())).toBe(1);
    expect(await w.answer('in-2', 20, missed())).toBe(0);
  });
});
