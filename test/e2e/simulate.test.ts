import { describe, expect, it } from 'vitest';
import { runSimulation, type SimulationOptions, type SimulationSummary } from '#infra/local/simulate.ts';
import { isQuietOracle, wallClock } from '../support/local-time-oracle.ts';

/**
 * A small accelerated trial through the real handlers (virtual clock, dynalite), checking the
 * promises the system makes to patients and coordinators over weeks of synthetic behaviour.
 */
const base: SimulationOptions = {
  seed: 7,
  patients: 4,
  months: 1.5,
  enrollDays: 7,
  start: '2027-01-04T00:00:00Z',
  coordinators: 2,
  costPerPartUsd: 0.03,
  dataDir: null,
  // No stranger and no auto-responder here: every SMS below must go to a patient of the cohort.
  floodingNumbers: 0,
  autoResponders: 0,
};

describe('npm run simulate, small cohort', () => {
  it('keeps the invariants: quiet hours, STOP, one SMS per reminder, every inbound stored', async () => {
    const violations: string[] = [];
    let checked = { outbox: 0, reminders: 0, texted: 0, optOuts: 0 };
    let checkedAlerts = 0;
    const summary = await runSimulation({
      ...base,
      optOutRate: 0.6, // make sure STOP/START happen in a cohort this small
      inspect: async (stack, run) => {
        const byPhone = new Map(run.patients.map((p) => [p.phone, p]));
        const { quietHours } = stack.protocol;

        // 1. No SMS in quiet hours, in the patient's own time zone (independent oracle, not the production isInQuietHours).
        for (const sms of run.outbox) {
          const patient = byPhone.get(sms.to);
          if (!patient) violations.push(`SMS to an unknown number at ${sms.sentAt}`);
          else if (isQuietOracle(wallClock(sms.sentAt, patient.timeZone).time, quietHours)) violations.push(`quiet hours: ${patient.studyId} at ${sms.sentAt} (${patient.timeZone})`);
        }

        // 2. Nothing after STOP but its one confirmation, until START.
        for (const optOut of run.optOuts.filter((o) => o.stopAt)) {
          const until = optOut.startAt ? Date.parse(optOut.startAt) : Number.POSITIVE_INFINITY;
          const after = run.outbox.filter((m) => m.to === optOut.phone && Date.parse(m.sentAt) >= Date.parse(optOut.stopAt) && Date.parse(m.sentAt) < until);
          if (after.length !== 1 || after[0]!.sentAt !== optOut.stopAt) violations.push(`after STOP ${byPhone.get(optOut.phone)?.studyId}: ${after.length} SMS (${after.map((m) => m.sentAt).join(', ')})`);
        }

        // 3. One SMS per reminder: every sent reminder's message id is in the outbox exactly once,
        //    and every SMS in the outbox is in the message log exactly once.
        const outboxIds = new Map<string, number>();
        for (const sms of run.outbox) outboxIds.set(sms.id, (outboxIds.get(sms.id) ?? 0) + 1);
        let logged = 0;
        for (const patient of run.patients.filter((p) => p.id)) {
          const reminders = await stack.repos.reminders.listForPatient(patient.id, '2026-12-01T00:00:00Z', '2029-01-01T00:00:00Z');
          const perReminder = new Map<string, number>();
          for (const reminder of reminders.filter((r) => r.state === 'sent')) {
            checked.reminders++;
            if (outboxIds.get(reminder.messageId ?? '') !== 1) violations.push(`reminder ${reminder.id}: message ${reminder.messageId} found ${outboxIds.get(reminder.messageId ?? '') ?? 0} times`);
          }
          const messages = await stack.repos.messages.listForPatient(patient.id, 100_000);
          for (const m of messages) {
            if (m.direction !== 'out') continue;
            logged++;
            if (m.purpose === 'reminder' && m.reminderId) perReminder.set(m.reminderId, (perReminder.get(m.reminderId) ?? 0) + 1);
          }
          for (const [id, n] of perReminder) if (n !== 1) violations.push(`reminder ${id} logged ${n} times`);
        }
        if (logged !== run.outbox.length) violations.push(`message log has ${logged} outbound SMS, the gateway sent ${run.outbox.length}`);

        // 4. Every SMS a patient sent is stored, with its text.
        for (const texted of run.texted) {
          const stored = await stack.repos.messages.getInbound(texted.inboundMessageId);
          if (stored?.body !== texted.body) violations.push(`inbound ${texted.inboundMessageId} not stored as sent`);
        }
        // 5. The worklist: every episode is a row or filed under a row of the same patient that exists (batched, never dropped).
        const alerts = [];
        for (const status of ['open', 'acknowledged', 'grouped'] as const) alerts.push(...(await stack.repos.alerts.listByStatus(status, undefined, 1000)).items);
        const byId = new Map(alerts.map((a) => [a.id, a]));
        for (const a of alerts.filter((x) => x.itemId !== undefined && x.itemId !== x.id)) {
          const item = byId.get(a.itemId!);
          if (!item || item.patientId !== a.patientId || (item.itemId !== undefined && item.itemId !== item.id)) violations.push(`episode ${a.id} (${a.kind}) filed under ${a.itemId}, not a row of its patient`);
          if (a.urgent) violations.push(`urgent episode ${a.id} grouped: urgent alerts are rows of their own`);
        }
        checkedAlerts = alerts.length;
        checked = { outbox: run.outbox.length, reminders: checked.reminders, texted: run.texted.length, optOuts: run.optOuts.filter((o) => o.stopAt).length };
      },
    });
    expect(violations).toEqual([]);
    // The run did something worth checking.
    expect(checked.outbox).toBeGreaterThan(150);
    expect(checked.reminders).toBeGreaterThan(100);
    expect(checked.texted).toBeGreaterThan(80);
    expect(checked.optOuts).toBeGreaterThanOrEqual(1);
    expect(summary.failedJobs).toBe(0);
    expect(checkedAlerts).toBeGreaterThan(0);
    expect(summary.items.episodes).toBe(checkedAlerts);
    expect(summary.items.total).toBeLessThanOrEqual(summary.items.episodes);
    expect(summary.inbound.stored).toBe(summary.inbound.texted);
    expect(summary.digestWeek).toMatch(/^2027-W\d{2}$/);
    expect(summary.digestText).toContain(summary.digestWeek);
  }, 180_000);

  it('is deterministic: the same seed gives the same numbers', async () => {
    const small = { ...base, patients: 2, months: 0.5, enrollDays: 2, seed: 3 };
    const strip = ({ wallSeconds: _w, cpuSeconds: _c, ...rest }: SimulationSummary) => rest;
    const first = strip(await runSimulation(small));
    const second = strip(await runSimulation(small));
    expect(second).toEqual(first);
    expect(first.smsSent).toBeGreaterThan(20);
  }, 120_000);
});
