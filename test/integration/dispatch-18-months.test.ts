// The whole trial's reminders for two patients (one per arm), planned and dispatched on a fake
// clock for 18 months: minutes of wall time, so it lives in its own file, which the mutation run
// of shared/app leaves out (it would run for every dispatch mutant; the tests of
// dispatch.test.ts decide the same mutants in seconds: stryker.config.mjs).
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { dispatchReminders, type DispatchOptions } from '#app/dispatch-reminders.ts';
import { planPatient } from '#app/plan-schedule.ts';
import type { Patient } from '#domain/patient.ts';
import { computeSchedule } from '#domain/schedule.ts';
import { fixedClock } from '#ports/clock.ts';
import { dispatchWorld } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { numberedPatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const OPTIONS: DispatchOptions = { owner: 'run-1', leaseSeconds: 120, catchUpMinutes: 60 };

const patientNo = (n: number, overrides: Partial<Patient> = {}) => numberedPatient(protocol, n, overrides);

describe('18 months of two patients (one per arm) on a fake clock', () => {
  it('sends exactly the schedule: MMF 1187 SMS, LEF 838, per phase and kind', { timeout: 300_000 }, async () => {
    const table = await local.freshTable();
    const clock = fixedClock('2027-01-03T16:00:00Z');
    const w = dispatchWorld(local.db.doc, table, protocol, clock);
    const mmf = patientNo(1, { arm: 'MMF', randomizedOn: '2027-07-05' });
    const lef = patientNo(2, { arm: 'LEF', randomizedOn: '2027-07-05' });
    for (const p of [mmf, lef]) await w.patients.create(p);

    // Events: the planner daily at 00:05 local (16:05Z), the dispatcher at each distinct due time.
    const whole = { from: '2027-01-01T00:00:00Z', to: '2028-08-01T00:00:00Z' };
    const dueTimes = new Set([mmf, lef].flatMap((p) => computeSchedule(p, protocol, whole).map((i) => i.dueAt)));
    const events: { at: string; run: 'plan' | 'dispatch' }[] = [...dueTimes].map((at) => ({ at: new Date(at).toISOString(), run: 'dispatch' as const }));
    for (let day = Date.parse('2027-01-02T16:05:00Z'); day < Date.parse('2028-07-10T00:00:00Z'); day += 86_400_000) events.push({ at: new Date(day).toISOString(), run: 'plan' });
    events.sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? -1 : 1));

    let dispatched = 0;
    for (const event of events) {
      clock.set(event.at);
      if (event.run === 'plan') {
        for (const p of [mmf, lef]) await planPatient({ reminders: w.reminders, protocol }, p, event.at, 2);
      } else {
        dispatched += (await dispatchReminders(w.deps, { ...OPTIONS, owner: `run-${event.at}` })).sent;
      }
    }

    const sentBy = async (p: Patient) => {
      const counts: Record<string, number> = {};
      for (const item of await w.reminders.listForPatient(p.id, '2027', '2029')) {
        expect(item.state).toBe('sent');
        counts[`${item.phase}:${item.kind}`] = (counts[`${item.phase}:${item.kind}`] ?? 0) + 1;
      }
      return counts;
    };
    expect(await sentBy(mmf)).toEqual({ 'induction:dose': 366, 'induction:checkin': 25, 'induction:visit': 6, 'maintenance:dose': 730, 'maintenance:checkin': 52, 'maintenance:visit': 8 });
    expect(await sentBy(lef)).toEqual({ 'induction:dose': 366, 'induction:checkin': 25, 'induction:visit': 6, 'maintenance:dose': 365, 'maintenance:checkin': 52, 'maintenance:lab': 16, 'maintenance:visit': 8 });
    expect(w.sms.countTo(mmf.phone)).toBe(1187);
    expect(w.sms.countTo(lef.phone)).toBe(838);
    expect(dispatched).toBe(1187 + 838);
    // Maintenance SMS name the arm's drug only.
    expect(w.sms.sent.filter((s) => s.to === lef.phone && s.body.includes('吗替麦考酚酯')).length).toBe(366); // every induction dose, morning and evening
    expect(w.sms.sent.filter((s) => s.to === lef.phone && s.body.includes('来氟米特')).length).toBe(365);
  });
});

