import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { dispatchReminders, outboundIdFor, type DispatchOptions } from '#app/dispatch-reminders.ts';
import { planPatient } from '#app/plan-schedule.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { fixedClock } from '#ports/clock.ts';
import type { ReminderRepository } from '#ports/schedule.ts';
import { SmsSendError } from '#ports/sms.ts';
import { dispatchWorld, raisedAlerts } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { numberedPatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();

// Enrolled Mon 2027-01-04, Asia/Shanghai. Mon 2027-02-01 (day 28) holds only the two doses:
// morning 08:00 local = 00:00Z (prednisone 35 mg + MMF 0.75 g), evening 20:00 local = 12:00Z (MMF).
const PLAN_AT = '2027-01-31T16:00:00.000Z'; // 00:00 local on Feb 1
const MORNING = '2027-02-01T00:00:00.000Z';
const EVENING = '2027-02-01T12:00:00.000Z';
const OPTIONS: DispatchOptions = { owner: 'run-1', leaseSeconds: 120, catchUpMinutes: 60 };

const patientNo = (n: number, overrides: Partial<Patient> = {}) => numberedPatient(protocol, n, overrides);

async function setup(options: { protocol?: Protocol; patients?: Patient[] } = {}) {
  const p = options.protocol ?? protocol;
  const table = await local.freshTable();
  const clock = fixedClock(PLAN_AT);
  const world = dispatchWorld(local.db.doc, table, p, clock);
  const enrolled = options.patients ?? [patientNo(1)];
  for (const patient of enrolled) {
    await world.patients.create(patient);
    await planPatient({ reminders: world.reminders, protocol: p }, patient, PLAN_AT, 1);
  }
  const items = async (patient = enrolled[0]!) => world.reminders.listForPatient(patient.id, '2027-01-01', '2027-03-01');
  const item = async (dueAt: string, patient = enrolled[0]!) => (await items(patient)).find((i) => Date.parse(i.dueAt) === Date.parse(dueAt))!;
  return { ...world, clock, table, enrolled, items, item };
}

describe('dispatch: exactly once', () => {
  it('sends the due reminder once, logs it as outbound, marks it sent with message id and parts; a second run sends nothing', async () => {
    const w = await setup({ patients: [patientNo(1), patientNo(2, { language: 'en' }), patientNo(3, { discreet: true })] });
    w.clock.set('2027-02-01T00:00:30Z');
    const result = await dispatchReminders(w.deps, OPTIONS);
    expect(result).toMatchObject({ due: 3, sent: 3, parts: 3, expired: 0, failed: 0 });
    expect(w.sms.sent.map((s) => s.body).sort()).toEqual([
      'Morning: prednisone 35mg, MMF 0.75g. Reply 1 taken, 2 missed',
      '早上服药：泼尼松 35mg、吗替麦考酚酯 0.75g。已服回复1，漏服回复2',
      '早上该吃药了。已服回复1，漏服回复2',
    ]);
    const morning = await w.item(MORNING);
    expect(morning).toMatchObject({ state: 'sent', messageId: expect.stringMatching(/^local-/), parts: 1, sentAt: '2027-02-01T00:00:30.000Z', outcome: 'pending' });
    expect(await w.messages.getOutbound(outboundIdFor(morning.id))).toMatchObject({ purpose: 'reminder', reminderId: morning.id, reminderDueAt: MORNING, providerMessageId: morning.messageId, studyId: 'IGG4-0001', parts: 1 });
    expect((await w.item(EVENING)).state).toBe('due');

    expect(await dispatchReminders(w.deps, { ...OPTIONS, owner: 'run-2' })).toMatchObject({ due: 0, sent: 0 });
    expect(w.sms.sent).toHaveLength(3);
  });

  it('four dispatchers racing over the same 40 due reminders send each exactly once', async () => {
    const patients = Array.from({ length: 40 }, (_, i) => patientNo(i + 1));
    const w = await setup({ patients });
    w.clock.set('2027-02-01T00:00:10Z');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => dispatchReminders(w.deps, { ...OPTIONS, owner, concurrency: 8 })));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(40);
    expect(w.sms.sent).toHaveLength(40);
    expect(new Set(w.sms.sent.map((s) => s.to)).size).toBe(40);
    for (const patient of patients) expect((await w.item(MORNING, patient)).state).toBe('sent');
  });

  it('crash after the claim: nothing is sent while the lease lives; after it, failed + delivery_unknown alert, never re-sent', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T00:00:05Z');
    const morning = await w.item(MORNING);
    expect(await w.reminders.claim(morning, 'crashed-run', w.clock.now(), 120)).toBe(true); // …and the process died

    w.clock.set('2027-02-01T00:01:00Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, skipped: 1 });

    w.clock.set('2027-02-01T00:02:10Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, deliveryUnknown: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'failed', reason: 'lease_expired_delivery_unknown' });
    expect((await raisedAlerts(w.alerts))).toHaveLength(1);
    expect((await raisedAlerts(w.alerts))[0]).toMatchObject({ kind: 'delivery_unknown', urgent: false, studyId: 'IGG4-0001', patientId: 'pat-0001' });
    // Routine lane: on the worklist, not pushed.
    expect(w.publisher.published).toHaveLength(0);
    expect(JSON.stringify((await raisedAlerts(w.alerts))[0])).not.toContain('+1555');

    w.clock.set('2027-02-01T00:03:00Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ due: 0, sent: 0 });
    expect(w.sms.sent).toHaveLength(0);
  });

  it('crash between the send and the sent mark: the outbound record completes it as sent, no second SMS, no alert', async () => {
    const w = await setup();
    let crashes = 1;
    const crashingReminders: ReminderRepository = Object.create(w.reminders, {
      markSent: {
        value: async (...args: Parameters<ReminderRepository['markSent']>) => {
          if (crashes-- > 0) throw new Error('process died before markSent');
          return w.reminders.markSent(...args);
        },
      },
    });
    w.clock.set('2027-02-01T00:00:05Z');
    expect(await dispatchReminders({ ...w.deps, reminders: crashingReminders }, OPTIONS)).toMatchObject({ sent: 1, unconfirmed: 1 });
    expect((await w.item(MORNING)).state).toBe('sending');

    w.clock.set('2027-02-01T00:01:00Z');
    expect(await dispatchReminders(w.deps, { ...OPTIONS, owner: 'run-2' })).toMatchObject({ sent: 0, skipped: 1 });
    w.clock.set('2027-02-01T00:02:30Z');
    expect(await dispatchReminders(w.deps, { ...OPTIONS, owner: 'run-3' })).toMatchObject({ sent: 0, recovered: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'sent', messageId: w.sms.sent[0]!.messageId, sentAt: '2027-02-01T00:00:05.000Z' });
    expect(w.sms.sent).toHaveLength(1);
    expect((await raisedAlerts(w.alerts))).toHaveLength(0);
  });

  it('crash between Publish and the outbound record (the one window): failed + alert, still only one SMS', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T00:00:05Z');
    const morning = await w.item(MORNING);
    await w.reminders.claim(morning, 'crashed-run', w.clock.now(), 120);
    await w.sms.send({ to: '+15555550001', body: 'sent, then the process died' });
    w.clock.set('2027-02-01T00:02:10Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, deliveryUnknown: 1 });
    expect(w.sms.sent).toHaveLength(1);
    expect((await raisedAlerts(w.alerts)).map((a) => a.kind)).toEqual(['delivery_unknown']);
  });
});

describe('dispatch: catch-up and expiry', () => {
  it('a run 30 minutes late still sends (inside the catch-up bound)', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T00:30:00Z');
    // The lag (due 08:00 local = 00:00Z, sent 00:30Z) feeds the DispatchLagSeconds alarm.
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 1, maxLagSeconds: 1800 });
  });

  it('past the catch-up bound an item is expired, not sent (no burst of stale reminders)', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T01:01:00Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, expired: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'expired', reason: 'catch_up_window_passed' });
    expect(w.sms.sent).toHaveLength(0);
  });

  it('past its validity an item is expired even with a generous catch-up bound', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T02:01:00Z'); // dose validity 120 min
    expect(await dispatchReminders(w.deps, { ...OPTIONS, catchUpMinutes: 180 })).toMatchObject({ sent: 0, expired: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'expired', reason: 'validity_passed' });
  });

  it('a late evening reminder is not sent inside quiet hours: it waits, then expires', async () => {
    const w = await setup();
    w.clock.set('2027-02-01T00:00:00Z');
    await dispatchReminders(w.deps, OPTIONS);
    w.clock.set('2027-02-01T13:40:00Z'); // 21:40 local: quiet hours started at 21:30
    expect(await dispatchReminders(w.deps, { ...OPTIONS, catchUpMinutes: 180 })).toMatchObject({ sent: 0, deferred: 1 });
    expect((await w.item(EVENING)).state).toBe('due');
    w.clock.set('2027-02-01T14:01:00Z');
    expect(await dispatchReminders(w.deps, { ...OPTIONS, catchUpMinutes: 180 })).toMatchObject({ sent: 0, expired: 1 });
    expect(w.sms.sent).toHaveLength(1);
  });
});

describe('dispatch: who may get SMS', () => {
  it.each([
    ['paused', { status: 'paused' as const }, 'patient_paused'],
    ['withdrawn', { status: 'withdrawn' as const }, 'patient_withdrawn'],
    ['opted out (STOP)', { smsOptOut: true }, 'sms_opt_out'],
  ])('a %s patient gets nothing even if an item is still queued', async (_label, change, reason) => {
    const w = await setup();
    const patient = w.enrolled[0]!;
    await w.patients.update({ ...patient, ...change }, patient.version);
    w.clock.set('2027-02-01T00:00:05Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, cancelled: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'cancelled', reason });
    expect(w.sms.sent).toHaveLength(0);
  });

  it("a number on the provider's opt-out list: checked before the day's first SMS, cancelled, coordinators alerted", async () => {
    const w = await setup();
    w.sms.optedOut.add('+15555550001');
    w.clock.set('2027-02-01T00:00:05Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, optedOut: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'cancelled', reason: 'provider_opted_out' });
    expect((await raisedAlerts(w.alerts)).map((a) => [a.kind, a.studyId])).toEqual([['opt_out', 'IGG4-0001']]);
  });

  it("the provider's opt-out: one alert per patient and local day, and the next day's reminders are checked again", async () => {
    const w = await setup();
    await planPatient({ reminders: w.reminders, protocol }, w.enrolled[0]!, PLAN_AT, 2);
    w.sms.optedOut.add('+15555550001');
    for (const at of [MORNING, EVENING, '2027-02-02T00:00:00.000Z']) {
      w.clock.set(at);
      await dispatchReminders(w.deps, { ...OPTIONS, owner: `run-${at}` });
    }
    expect(w.sms.sent).toHaveLength(0);
    expect((await w.item(EVENING)).reason).toBe('provider_opted_out');
    const alerts = await raisedAlerts(w.alerts);
    expect(alerts.map((a) => [a.kind, a.episodeKey])).toEqual([
      ['opt_out', 'provider_opt_out:pat-0001:2027-02-01'],
      ['opt_out', 'provider_opt_out:pat-0001:2027-02-02'],
    ]);
    expect(alerts[0]).toMatchObject({ urgent: false, studyId: 'IGG4-0001', details: { reason: 'provider_opted_out' } });
    expect(JSON.stringify(alerts)).not.toContain('+1555');
  });

  it("a failed opt-out check does not block the day's reminders", async () => {
    const w = await setup();
    w.sms.isOptedOut = async () => {
      throw new Error('provider unavailable');
    };
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 1, optedOut: 0 });
    expect(await raisedAlerts(w.alerts)).toEqual([]);
  });

  it('the opt-out list is asked once per patient per local day (before the first SMS only)', async () => {
    const w = await setup();
    w.clock.set(MORNING);
    await dispatchReminders(w.deps, OPTIONS);
    w.clock.set(EVENING);
    await dispatchReminders(w.deps, OPTIONS);
    expect(w.sms.sent).toHaveLength(2);
    expect(w.sms.optOutChecks).toBe(1);
  });

  it('the daily cap is a safety net: over it, reminders are cancelled, not sent', async () => {
    const capped: Protocol = { ...protocol, reminders: { ...protocol.reminders, dailyCapPerPatient: 1 } };
    const w = await setup({ protocol: capped });
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 1 });
    w.clock.set(EVENING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, dailyCap: 1 });
    expect(await w.item(EVENING)).toMatchObject({ state: 'cancelled', reason: 'daily_cap' });
  });

  it('a send that did not happen gives its slot of the day back: with a cap of 1, a throttled morning is still sent later', async () => {
    const capped: Protocol = { ...protocol, reminders: { ...protocol.reminders, dailyCapPerPatient: 1 } };
    const w = await setup({ protocol: capped });
    w.sms.failures.push(new SmsSendError('transient', 'throttled'));
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, released: 1 });
    w.clock.set('2027-02-01T00:01:00Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 1, dailyCap: 0 });
    w.clock.set(EVENING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, dailyCap: 1 });
  });
});

describe('dispatch: send failures and the time budget', () => {
  it('a transient failure (throttled past the retries) puts the item back; the next run sends it', async () => {
    const w = await setup();
    w.sms.failures.push(new SmsSendError('transient', 'throttled'));
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, released: 1 });
    expect((await w.item(MORNING)).state).toBe('due');
    w.clock.set('2027-02-01T00:01:00Z');
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 1 });
    expect((await w.item(MORNING)).attempts).toBe(2);
  });

  it('a permanent failure marks the item failed with the reason and alerts with the study ID only', async () => {
    const w = await setup();
    w.sms.failures.push(new SmsSendError('permanent', 'invalid_number'));
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, failed: 1 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'failed', reason: 'invalid_number' });
    expect((await raisedAlerts(w.alerts))).toHaveLength(1);
    expect((await raisedAlerts(w.alerts))[0]).toMatchObject({ kind: 'sms_failure', studyId: 'IGG4-0001', details: { reason: 'invalid_number' } });
    expect(JSON.stringify((await raisedAlerts(w.alerts))[0])).not.toContain('+1555');
  });

  it('an ambiguous send (timeout after the request left) is failed as delivery_unknown, never retried', async () => {
    const w = await setup();
    w.sms.failures.push(new SmsSendError('permanent', 'delivery_unknown'));
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, deliveryUnknown: 1 });
    w.clock.set('2027-02-01T00:05:00Z');
    await dispatchReminders(w.deps, OPTIONS);
    expect(w.sms.sent).toHaveLength(0);
    expect((await raisedAlerts(w.alerts)).map((a) => a.kind)).toEqual(['delivery_unknown']);
  });

  it('a number that cannot receive SMS is one coordinator alert per patient and local day, not one per reminder', async () => {
    // A wrong number fails every reminder: morning and evening of Feb 1 are one episode, Feb 2 morning a new one.
    const w = await setup();
    await planPatient({ reminders: w.reminders, protocol }, w.enrolled[0]!, PLAN_AT, 2);
    for (let i = 0; i < 3; i++) w.sms.failures.push(new SmsSendError('permanent', 'invalid_number'));
    for (const at of [MORNING, EVENING, '2027-02-02T00:00:00.000Z']) {
      w.clock.set(at);
      expect(await dispatchReminders(w.deps, { ...OPTIONS, owner: `run-${at}` })).toMatchObject({ sent: 0, failed: 1 });
    }
    const alerts = await raisedAlerts(w.alerts);
    expect(alerts.map((a) => [a.kind, a.episodeKey])).toEqual([
      ['sms_failure', 'sms_failure:pat-0001:2027-02-01'],
      ['sms_failure', 'sms_failure:pat-0001:2027-02-02'],
    ]);
    expect(alerts[0]).toMatchObject({ urgent: false, title: 'IGG4-0001: SMS could not be sent (invalid_number)', details: { reason: 'invalid_number', kind: 'dose', dueAt: MORNING } });
  });

  it('each reminder whose delivery is unknown is its own alert, naming the reminder (a coordinator checks each dose with the patient)', async () => {
    const w = await setup();
    w.sms.failures.push(new SmsSendError('permanent', 'delivery_unknown'), new SmsSendError('permanent', 'delivery_unknown'));
    for (const at of [MORNING, EVENING]) {
      w.clock.set(at);
      expect(await dispatchReminders(w.deps, { ...OPTIONS, owner: `run-${at}` })).toMatchObject({ deliveryUnknown: 1, failed: 0 });
    }
    const morning = await w.item(MORNING);
    const evening = await w.item(EVENING);
    expect(morning).toMatchObject({ state: 'failed', reason: 'delivery_unknown' });
    const alerts = await raisedAlerts(w.alerts);
    expect(alerts.map((a) => a.episodeKey).sort()).toEqual([`delivery_unknown:${morning.id}`, `delivery_unknown:${evening.id}`].sort());
    expect(alerts.find((a) => a.episodeKey === `delivery_unknown:${morning.id}`)).toMatchObject({
      kind: 'delivery_unknown',
      urgent: false,
      sourceId: morning.id,
      title: 'IGG4-0001: a dose reminder may or may not have been delivered',
      details: { reminderId: morning.id, reason: 'delivery_unknown', dueAt: MORNING },
    });
  });

  it('an unreadable send error (not an SmsSendError) is treated as "maybe sent": failed as delivery_unknown, never re-sent', async () => {
    const w = await setup();
    w.sms.failures.push(new Error('socket hang up'));
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, deliveryUnknown: 1, failed: 0, released: 0 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'failed', reason: 'delivery_unknown' });
    w.clock.set('2027-02-01T00:05:00Z');
    await dispatchReminders(w.deps, { ...OPTIONS, owner: 'run-2' });
    expect(w.sms.sent).toHaveLength(0);
  });

  it('a broken protocol template fails the item with template_error and alerts, instead of retrying every minute', async () => {
    const broken = structuredClone(protocol);
    broken.templates['zh-CN']['dose.reminder'] = '{slot}服药：{drugs}，{missing}';
    const w = await setup({ protocol: broken });
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, OPTIONS)).toMatchObject({ sent: 0, failed: 1, errors: 0 });
    expect(await w.item(MORNING)).toMatchObject({ state: 'failed', reason: 'template_error' });
    expect((await raisedAlerts(w.alerts)).map((a) => a.kind)).toEqual(['sms_failure']);
  });

  it('with too little time left nothing new is claimed: items stay due for the next run', async () => {
    const w = await setup({ patients: [patientNo(1), patientNo(2)] });
    w.clock.set(MORNING);
    expect(await dispatchReminders(w.deps, { ...OPTIONS, remainingMs: () => 4_000, reserveMs: 10_000 })).toMatchObject({ sent: 0, stoppedEarly: true });
    expect((await w.item(MORNING)).state).toBe('due');
  });
});
