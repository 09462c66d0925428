import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { isoWeekOfInstant } from '#domain/week.ts';
import { makePatient } from '../support/patients.ts';
import { ZONE, type Store } from './stores.ts';

const protocol = loadProtocolFile();
const patient = makePatient(protocol, { arm: 'MMF', randomizedOn: '2027-07-05' });
const window = { from: '2027-02-01T00:00:00.000Z', to: '2027-02-04T00:00:00.000Z' };
const now = '2027-01-31T16:00:00.000Z';
const items = () => computeSchedule(patient, protocol, window);

async function withSchedule(store: Store) {
  const repos = await store.fresh();
  await repos.reminders.materialize(patient.id, patient.studyId, items(), window, now);
  return repos;
}

/** Claims and sends the first due dose check-in; returns it as the dispatcher had it. */
async function sendFirstDose(store: Store) {
  const repos = await withSchedule(store);
  const dose = (await repos.reminders.listDue('2027-02-04T00:00:00Z')).find((r) => r.kind === 'dose' && r.answerWindowEnd)!;
  expect(await repos.reminders.claim(dose, 'owner-1', dose.dueAt, 60)).toBe(true);
  await repos.reminders.markSent(dose, 'owner-1', { messageId: 'mid-1', parts: 1, sentAt: dose.dueAt });
  return { ...repos, dose };
}

export function reminderContract(store: Store): void {
  describe('reminders', () => {
    it('materializing the same window twice writes nothing new; items list in due order', async () => {
      const { reminders } = await store.fresh();
      const all = items();
      expect(await reminders.materialize(patient.id, patient.studyId, all, window, now)).toEqual({ created: all.length, unchanged: 0, cancelled: 0 });
      expect(await reminders.materialize(patient.id, patient.studyId, all, window, now)).toEqual({ created: 0, unchanged: all.length, cancelled: 0 });
      const stored = await reminders.listForPatient(patient.id, window.from, window.to);
      expect(stored.map((r) => r.id)).toEqual([...all].sort((a, b) => `${a.dueAt}#${a.id}`.localeCompare(`${b.dueAt}#${b.id}`)).map((r) => r.id));
      expect(stored[0]).toMatchObject({ state: 'due', studyId: patient.studyId, attempts: 0, createdAt: now });
      expect(await reminders.listForPatient(patient.id, '2027-02-02T00:00:00Z', '2027-02-03T00:00:00Z')).toEqual(stored.filter((r) => r.dueAt >= '2027-02-02T00:00:00Z' && r.dueAt < '2027-02-03T00:00:00Z'));
      expect(await reminders.listForPatient('pat-none', window.from, window.to)).toEqual([]);
    });

    it('cancels what no longer applies after a change of dose time; a cancelled item that applies again is due again', async () => {
      const { reminders } = await withSchedule(store);
      const moved = computeSchedule({ ...patient, doseTimes: { morning: '09:00', evening: '20:00' } }, protocol, window);
      expect((await reminders.materialize(patient.id, patient.studyId, moved, window, now)).cancelled).toBe(3);
      const stored = await reminders.listForPatient(patient.id, window.from, window.to);
      expect(stored.filter((r) => r.state === 'due' && r.slot === 'morning').map((r) => r.localTime)).toEqual(['09:00', '09:00', '09:00']);
      expect(stored.filter((r) => r.state === 'cancelled').every((r) => r.reason === 'no longer in the schedule')).toBe(true);
      expect((await reminders.materialize(patient.id, patient.studyId, items(), window, now)).created).toBe(3);
    });

    it('the due queue: due items up to a whole-second bound, oldest first, never sent or cancelled ones', async () => {
      const { reminders } = await withSchedule(store);
      const expected = items()
        .filter((i) => i.dueAt <= '2027-02-02T00:00:00Z')
        .sort((a, b) => (a.dueAt === b.dueAt ? a.id.localeCompare(b.id) : a.dueAt < b.dueAt ? -1 : 1));
      expect((await reminders.listDue('2027-02-02T00:00:00.000Z')).map((d) => d.id)).toEqual(expected.map((i) => i.id));
      expect((await reminders.listDue('2027-02-02T00:00:00.000Z', 2)).map((d) => d.id)).toEqual(expected.slice(0, 2).map((i) => i.id));
      const first = expected[0]!;
      expect((await reminders.listDue(first.dueAt)).map((d) => d.id)).toContain(first.id);
      await reminders.cancelFuture(patient.id, '2027-02-01T12:00:00Z', 'paused', now);
      expect((await reminders.listDue('2027-02-04T00:00:00Z')).every((r) => r.dueAt < '2027-02-01T12:00:00Z')).toBe(true);
    });

    it('claim is exclusive; a released item is due again; finish by the lease owner only', async () => {
      const { reminders } = await withSchedule(store);
      const [first, second] = await reminders.listDue('2027-02-04T00:00:00Z');
      const wins = await Promise.all(['a', 'b', 'c'].map((owner) => reminders.claim(first!, owner, '2027-02-01T00:00:10.000Z', 60)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const owner = ['a', 'b', 'c'][wins.indexOf(true)]!;
      expect(await reminders.get(patient.id, first!.id, first!.dueAt)).toMatchObject({ state: 'sending', leaseOwner: owner, attempts: 1 });
      await reminders.release(first!, 'someone-else', '2027-02-01T00:00:20.000Z');
      expect((await reminders.get(patient.id, first!.id, first!.dueAt))!.state).toBe('sending');
      await reminders.release(first!, owner, '2027-02-01T00:00:20.000Z');
      const released = (await reminders.get(patient.id, first!.id, first!.dueAt))!;
      expect(released.state).toBe('due');
      expect(released.leaseOwner).toBeUndefined();
      expect(await reminders.claim(first!, 'd', '2027-02-01T00:01:00.000Z', 60)).toBe(true);
      expect((await reminders.get(patient.id, first!.id, first!.dueAt))!.attempts).toBe(2);
      expect(await reminders.finish(first!, 'failed', 'invalid_number', '2027-02-01T00:01:01Z', 'not-d')).toBe(false);
      expect(await reminders.finish(first!, 'failed', 'invalid_number', '2027-02-01T00:01:01Z', 'd')).toBe(true);
      expect(await reminders.finish(first!, 'expired', 'again', '2027-02-01T00:01:02Z')).toBe(false);
      expect(await reminders.finish(second!, 'expired', 'stale', '2027-02-01T00:01:02Z')).toBe(true);
      expect((await reminders.listDue('2027-02-04T00:00:00Z')).map((r) => r.id)).not.toContain(second!.id);
      expect(await reminders.get(patient.id, second!.id, second!.dueAt)).toMatchObject({ state: 'expired', reason: 'stale' });
    });

    it('a sent dose check-in leaves the due queue for the answer queue until its window ends', async () => {
      const { reminders, dose } = await sendFirstDose(store);
      expect((await reminders.listDue('2027-02-04T00:00:00Z')).map((r) => r.id)).not.toContain(dose.id);
      expect(await reminders.get(patient.id, dose.id, dose.dueAt)).toMatchObject({ state: 'sent', messageId: 'mid-1', parts: 1, outcome: 'pending', attempts: 1 });
      expect(await reminders.listAwaitingUntil(new Date(Date.parse(dose.answerWindowEnd!) - 1000).toISOString())).toEqual([]);
      expect((await reminders.listAwaitingUntil(dose.answerWindowEnd!)).map((r) => r.id)).toEqual([dose.id]);
      expect(await reminders.claim(dose, 'e', dose.dueAt, 60)).toBe(false);
      await expect(reminders.markSent(dose, 'owner-1', { messageId: 'mid-2', parts: 1, sentAt: dose.dueAt })).rejects.toThrow();
    });

    it('the sweep records no reply once; a later answer wins over it; an older answer never wins over a newer one', async () => {
      const { reminders, dose } = await sendFirstDose(store);
      expect(await reminders.recordSweepMissed(dose, '2027-02-05T00:00:00Z')).toBe('missed');
      expect(await reminders.listAwaitingUntil('2027-03-01T00:00:00Z')).toEqual([]);
      expect(await reminders.get(patient.id, dose.id, dose.dueAt)).toMatchObject({ outcome: 'missed_no_reply', sweptAt: '2027-02-05T00:00:00Z' });
      expect(await reminders.recordSweepMissed(dose, '2027-02-05T00:15:00Z')).toBe('answered');
      const late = await reminders.recordDoseAnswer(dose, { outcome: 'missed_reported', answeredAt: '2027-02-05T01:00:00Z', answerMessageId: 'in-2', missedDrugs: ['prednisone'] }, '2027-02-05T01:00:01Z');
      expect(late.applied).toBe(true);
      expect(late.previous).toMatchObject({ outcome: 'missed_no_reply' });
      const older = await reminders.recordDoseAnswer(dose, { outcome: 'taken', answeredAt: '2027-02-05T00:30:00Z', answerMessageId: 'in-1' }, '2027-02-05T01:00:02Z');
      expect(older.applied).toBe(false);
      expect(older.previous).toMatchObject({ outcome: 'missed_reported', missedDrugs: ['prednisone'] });
      const newer = await reminders.recordDoseAnswer(dose, { outcome: 'taken', answeredAt: '2027-02-05T02:00:00Z', answerMessageId: 'in-3' }, '2027-02-05T02:00:01Z');
      expect(newer.applied).toBe(true);
      const stored = (await reminders.get(patient.id, dose.id, dose.dueAt))!;
      expect(stored).toMatchObject({ outcome: 'taken', answerMessageId: 'in-3', answeredAt: '2027-02-05T02:00:00Z' });
      expect(stored.missedDrugs).toBeUndefined();
    });

    it('an answer before the sweep takes the check-in off the answer queue; the sweep then reports it answered', async () => {
      const { reminders, dose } = await sendFirstDose(store);
      const answered = await reminders.recordDoseAnswer(dose, { outcome: 'taken', answeredAt: dose.dueAt, answerMessageId: 'in-1' }, dose.dueAt);
      expect(answered).toMatchObject({ applied: true, previous: { outcome: 'pending' } });
      expect(await reminders.listAwaitingUntil('2027-03-01T00:00:00Z')).toEqual([]);
      expect(await reminders.recordSweepMissed(dose, '2027-02-05T00:00:00Z')).toBe('answered');
      const due = (await reminders.listDue('2027-02-04T00:00:00Z'))[0]!;
      expect(await reminders.recordSweepMissed(due, '2027-02-05T00:00:00Z')).toBe('answered');
      const unsent = items().find((i) => i.kind === 'dose' && i.id !== dose.id)!;
      expect((await reminders.recordDoseAnswer({ ...unsent, studyId: patient.studyId, state: 'due', attempts: 0, createdAt: now, updatedAt: now }, { outcome: 'taken', answeredAt: now, answerMessageId: 'in-9' }, now)).applied).toBe(false);
    });

    it('changing a reminder one read (in place) never changes the store', async () => {
      const { reminders } = await withSchedule(store);
      const [first] = await reminders.listDue('2027-02-04T00:00:00Z');
      try {
        (first as { state: string }).state = 'sent';
        first!.doses?.splice(0);
      } catch {
        /* a frozen record refuses the change: as good */
      }
      expect(await reminders.get(patient.id, items()[0]!.id, items()[0]!.dueAt)).toMatchObject({ state: 'due', doses: items()[0]!.doses });
    });

    it('cancelFuture cancels only due items from the given instant on; lists by ISO week', async () => {
      const { reminders } = await withSchedule(store);
      const n = await reminders.cancelFuture(patient.id, '2027-02-02T00:00:00.000Z', 'withdrawn', now);
      const stored = await reminders.listForPatient(patient.id, window.from, window.to);
      expect(stored.filter((s) => s.state === 'cancelled')).toHaveLength(n);
      expect(n).toBeGreaterThan(0);
      expect(stored.filter((s) => s.state === 'due').every((s) => s.dueAt < '2027-02-02T00:00:00.000Z')).toBe(true);
      const week = isoWeekOfInstant('2027-02-02T00:00:00Z', ZONE);
      const inWeek = await reminders.listWeek(week);
      expect(inWeek.map((r) => r.id)).toEqual(stored.filter((r) => isoWeekOfInstant(r.dueAt, ZONE) === week).map((r) => r.id));
      expect(await reminders.listWeek('2030-W01')).toEqual([]);
    });
  });
}
