import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { dispatchReminders, type DispatchDeps, type DispatchOptions } from '#app/dispatch-reminders.ts';
import { planPatient } from '#app/plan-schedule.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Patient } from '#domain/patient.ts';
import { fixedClock } from '#ports/clock.ts';
import { dispatchWorld, raisedAlerts } from '../support/dispatch-fakes.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';
import { deadWhenKilled, expectDispatchSettled, faultyDynamo, killAfter, type Delivery, type FaultyDynamo } from './support.ts';

/**
 * Faults during dispatch, against dynalite: SNS throttling bursts and timeouts behind the real
 * SnsSmsSender, DynamoDB throttling and lost answers with three dispatchers racing, and a
 * dispatcher killed at each step between the claim and the sent mark. After each, every reminder
 * is settled (sent once, or failed with an alert, or expired/cancelled with a reason) and no
 * phone got the reminder twice. Runs happen as on AWS: one a minute, the clock moving only by
 * the calls a run makes and by the next invocation, never jumping past every lease.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

// Patients enrolled Mon 2027-01-04; Mon 2027-02-01 08:00 Beijing (00:00Z) is their morning dose check-in.
const PLAN_AT = '2027-01-31T16:00:00.000Z';
const MORNING = '2027-02-01T00:00:00.000Z';
const WINDOW = { from: MORNING, to: '2027-02-01T00:00:01.000Z' };
const OPTIONS: DispatchOptions = { owner: 'run', leaseSeconds: 120, catchUpMinutes: 60, concurrency: 1 };

function patients(n: number): Patient[] {
  return Array.from({ length: n }, (_, i) => {
    const id = String(i + 1).padStart(4, '0');
    return makePatient(protocol, { id: `pat-${id}`, studyId: `IGG4-${id}`, phone: `+1555555${id}` });
  });
}

async function setup(count: number) {
  const table = await local.freshTable();
  const clock = fixedClock(PLAN_AT);
  const world = dispatchWorld(local.db.doc, table, protocol, clock);
  const enrolled = patients(count);
  for (const patient of enrolled) {
    await world.patients.create(patient);
    await planPatient({ reminders: world.reminders, protocol }, patient, PLAN_AT, 1);
  }
  /** The same repositories on a client whose calls can fail. */
  const faulty = (plan?: FaultyDynamo['plan'], onCall?: (command: string) => void) => {
    const dynamo = faultyDynamo(local.db.endpoint, plan, onCall);
    return { dynamo, world: dispatchWorld(dynamo.doc, table, protocol, clock) };
  };
  const settled = (deliveries: Delivery[]) => expectDispatchSettled(world, enrolled, deliveries, WINDOW);
  return { table, clock, world, enrolled, faulty, settled };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
const timedOut = () => Object.assign(new Error('socket timed out after the request was sent'), { name: 'TimeoutError' });

describe('SNS throttling bursts and timeouts', () => {
  it('throttled sends are retried with backoff, then released and sent next minute; a timeout is never re-sent but failed with an alert', async () => {
    const w = await setup(24);
    const deliveries: Delivery[] = [];
    let call = 0;
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut: false });
    sns.on(PublishCommand).callsFake((input: { PhoneNumber: string; Message: string }) => {
      const n = call++;
      // Calls 3–15: a 13-call throttling burst (two sends exhaust their 5 attempts, a third gets through).
      if (n >= 3 && n < 16) throw throttled();
      // Call 20: SNS accepted it but the answer never came back; call 25: it never arrived.
      if (n === 20 || n === 25) {
        if (n === 20) deliveries.push({ to: input.PhoneNumber, body: input.Message });
        throw timedOut();
      }
      if (n >= 30 && n < 34) throw throttled();
      deliveries.push({ to: input.PhoneNumber, body: input.Message });
      return { MessageId: `sns-${n}` };
    });
    const slept: number[] = [];
    const sender = new SnsSmsSender(new SNSClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), { sleep: async (ms) => void slept.push(ms), random: () => 0.5 });
    const deps: DispatchDeps = { ...w.world.deps, sms: sender };

    w.clock.set('2027-02-01T00:00:30.000Z');
    const first = await dispatchReminders(deps, { ...OPTIONS, owner: 'minute-1' });
    expect(first).toMatchObject({ due: 24, released: 2, deliveryUnknown: 2, errors: 0 });
    expect(slept.length).toBeGreaterThanOrEqual(13);
    expect(Math.max(...slept)).toBeLessThanOrEqual(1000);

    w.clock.set('2027-02-01T00:01:30.000Z');
    const second = await dispatchReminders(deps, { ...OPTIONS, owner: 'minute-2' });
    expect(second).toMatchObject({ sent: 2, released: 0 });
    w.clock.set('2027-02-01T00:02:30.000Z');
    expect(await dispatchReminders(deps, { ...OPTIONS, owner: 'minute-3' })).toMatchObject({ due: 0, sent: 0 });

    expect(await w.settled(deliveries)).toEqual({ sent: 22, 'failed/delivery_unknown': 2 });
    expect(deliveries).toHaveLength(23); // 22 sent + the one that went out before its timeout
    expect((await raisedAlerts(w.world.alerts)).filter((a) => a.kind === 'delivery_unknown')).toHaveLength(2);
  });
});

describe('DynamoDB throttling and lost answers, with the clock moving as Lambda and the Scheduler move it', () => {
  /**
   * EventBridge Scheduler invokes the dispatcher once a minute (reserved concurrency 1, so runs
   * never overlap; no retry), a run may last 55 s (the function timeout; `remainingMs` stops it
   * early), and time passes inside a run: 40 ms per DynamoDB call and 150 ms per SMS send on the
   * virtual clock. No jump: the clock only moves by calls and by the next minute's invocation.
   */
  async function minuteByMinute(w: Awaited<ReturnType<typeof setup>>, faultyMinutes: number, totalMinutes: number, plan: FaultyDynamo['plan']) {
    const advance = (ms: number) => w.clock.set(new Date(Date.parse(w.clock.now()) + ms).toISOString());
    const faulty = w.faulty(plan, () => advance(40));
    const clean = w.faulty(() => null, () => advance(40));
    const gateway = w.world.sms;
    const sms: DispatchDeps['sms'] = {
      send: async (message) => {
        advance(150);
        return gateway.send(message);
      },
      isOptedOut: async (phone) => {
        advance(40);
        return gateway.isOptedOut(phone);
      },
    };
    const runs: { minute: number; result?: Awaited<ReturnType<typeof dispatchReminders>>; error?: string }[] = [];
    for (let minute = 0; minute < totalMinutes; minute++) {
      // The scheduled invocation for this minute starts a little after the minute mark (never before the last run ended).
      const start = Math.max(Date.parse(MORNING) + minute * 60_000 + 300, Date.parse(w.clock.now()));
      w.clock.set(new Date(start).toISOString());
      const deadline = start + 55_000;
      const world = minute < faultyMinutes ? faulty.world : clean.world;
      try {
        const result = await dispatchReminders(
          { ...world.deps, sms },
          { ...OPTIONS, owner: `minute-${minute}`, concurrency: 4, remainingMs: () => deadline - Date.parse(w.clock.now()) },
        );
        runs.push({ minute, result });
      } catch (error) {
        runs.push({ minute, error: (error as Error).name }); // the invocation fails; the next minute's runs anyway
      }
      expect(Date.parse(w.clock.now()), `minute ${minute}: the run ended within the function timeout`).toBeLessThanOrEqual(deadline);
    }
    faulty.dynamo.destroy();
    clean.dynamo.destroy();
    return { injected: faulty.dynamo.injected, runs };
  }

  it('throttling every 5th call and losing every 7th UpdateItem answer for 5 minutes: every patient gets the reminder exactly once, none written off as "delivery unknown" without its SMS', async () => {
    const w = await setup(30);
    // Queries (the due queue) are throttled less often, so that the item-level writes see most faults.
    const plan: FaultyDynamo['plan'] = (n, command) =>
      command === 'QueryCommand' ? (n % 11 === 4 ? 'throttle' : null) : n % 5 === 2 ? 'throttle' : command === 'UpdateItemCommand' && n % 7 === 3 ? 'lost_answer' : null;
    const { injected, runs } = await minuteByMinute(w, 5, 10, plan);
    expect(injected.throttle).toBeGreaterThan(10);
    expect(injected.lost_answer).toBeGreaterThan(3);

    // The invariant: each reminder sent exactly once (one SMS, state sent, outbound record). All
    // SMS sends succeed here and the table recovers well inside the catch-up window, so nothing
    // may end expired, cancelled or failed: a "delivery unknown" for a reminder that never reached
    // the provider would be a reminder lost with a false alarm.
    // The invariant: every patient got the reminder exactly once. Each reminder ends sent (one SMS,
    // outbound record), or — only where the SMS did reach the provider but its record could not be
    // written in time — failed as "delivery unknown" with an alert naming it. All SMS sends succeed
    // here and the table recovers well inside the catch-up window, so nothing may end expired,
    // cancelled, or failed without its SMS: that would be a reminder lost behind a false alarm.
    const outcome = await w.settled(w.world.sms.sent);
    const trace = JSON.stringify({ outcome, runs: runs.map((r) => r.error ?? r.result?.sent) });
    for (const patient of w.enrolled) expect(w.world.sms.countTo(patient.phone), `${patient.studyId} ${trace}`).toBe(1);
    expect(Object.keys(outcome).filter((k) => k !== 'sent' && k !== 'failed/lease_expired_delivery_unknown'), trace).toEqual([]);
    expect(w.world.publisher.published.map((a) => a.kind).filter((k) => k !== 'delivery_unknown')).toEqual([]);
    // The last runs had nothing left to do.
    expect(runs.at(-1)?.result).toMatchObject({ due: 0, sent: 0 });
  });

  it('a table that fails every call for 3 minutes, then recovers: every reminder still sent exactly once, late but within the catch-up window', async () => {
    const w = await setup(12);
    const { runs } = await minuteByMinute(w, 3, 8, () => 'throttle');
    expect(runs.slice(0, 3).every((r) => r.error !== undefined)).toBe(true);
    expect(await w.settled(w.world.sms.sent)).toEqual({ sent: 12 });
    for (const patient of w.enrolled) expect(w.world.sms.countTo(patient.phone)).toBe(1);
  });

  it('a run cut short by the Lambda deadline leaves the rest for the next minute: each reminder once', async () => {
    const w = await setup(30);
    // A slow table: 1.5 s per call, so one 55 s run cannot send 30 reminders.
    const advance = (ms: number) => w.clock.set(new Date(Date.parse(w.clock.now()) + ms).toISOString());
    const slow = w.faulty(() => null, () => advance(1500));
    const sent: number[] = [];
    for (let minute = 0; minute < 6; minute++) {
      const start = Math.max(Date.parse(MORNING) + minute * 60_000 + 300, Date.parse(w.clock.now()));
      w.clock.set(new Date(start).toISOString());
      const deadline = start + 55_000;
      const result = await dispatchReminders({ ...slow.world.deps, sms: w.world.sms }, { ...OPTIONS, owner: `minute-${minute}`, remainingMs: () => deadline - Date.parse(w.clock.now()) });
      sent.push(result.sent);
      expect(Date.parse(w.clock.now())).toBeLessThanOrEqual(deadline);
    }
    slow.dynamo.destroy();
    expect(sent[0]).toBeGreaterThan(0);
    expect(sent[0]).toBeLessThan(30);
    expect(await w.settled(w.world.sms.sent)).toEqual({ sent: 30 });
  });
});

describe('a dispatcher killed mid-send', () => {
  /** Process A dies at the chosen step (every later call of A fails); process B runs after the lease expired. */
  async function killedAt(step: 'claim' | 'send' | 'recordOutbound') {
    const w = await setup(4);
    let killed = false;
    const kill = () => {
      killed = true;
    };
    const dead = <T extends object>(port: T) => deadWhenKilled(port, () => killed);
    const a = w.world.deps;
    const depsA: DispatchDeps = {
      ...a,
      reminders: step === 'claim' ? killAfter(dead(a.reminders), 'claim', kill) : dead(a.reminders),
      sms: step === 'send' ? killAfter(dead(a.sms), 'send', kill) : dead(a.sms),
      messages: step === 'recordOutbound' ? killAfter(dead(a.messages), 'recordOutbound', kill) : dead(a.messages),
      patients: dead(a.patients),
      alerting: { ...a.alerting, alerts: dead(a.alerting.alerts), audit: dead(a.alerting.audit), publisher: dead(a.alerting.publisher) },
    };
    w.clock.set('2027-02-01T00:00:05.000Z');
    const runA = await dispatchReminders(depsA, { ...OPTIONS, owner: 'process-a' });
    expect(killed).toBe(true);
    expect(runA.sent).toBeLessThanOrEqual(1);

    w.clock.set('2027-02-01T00:01:00.000Z'); // lease still alive: B leaves A's item alone
    const early = await dispatchReminders(w.world.deps, { ...OPTIONS, owner: 'process-b-early' });
    expect(early.skipped).toBe(1);
    w.clock.set('2027-02-01T00:02:10.000Z');
    await dispatchReminders(w.world.deps, { ...OPTIONS, owner: 'process-b' });
    w.clock.set('2027-02-01T00:03:10.000Z');
    expect(await dispatchReminders(w.world.deps, { ...OPTIONS, owner: 'process-c' })).toMatchObject({ due: 0, sent: 0 });
    return { w, outcome: await w.settled(w.world.sms.sent) };
  }

  it('between claim and send: no SMS, the item fails as delivery unknown with an alert after the lease; the others are sent by the next run', async () => {
    const { w, outcome } = await killedAt('claim');
    expect(outcome).toEqual({ sent: 3, 'failed/lease_expired_delivery_unknown': 1 });
    expect(w.world.sms.countTo('+15555550001')).toBe(0);
    expect((await raisedAlerts(w.world.alerts)).map((p) => p.kind)).toEqual(['delivery_unknown']);
  });

  it('between send and record (the one window): one SMS, never a second; failed as delivery unknown with an alert', async () => {
    const { w, outcome } = await killedAt('send');
    expect(outcome).toEqual({ sent: 3, 'failed/lease_expired_delivery_unknown': 1 });
    expect(w.world.sms.countTo('+15555550001')).toBe(1);
    expect((await raisedAlerts(w.world.alerts)).map((p) => p.kind)).toEqual(['delivery_unknown']);
  });

  it('between record and sent mark: completed as sent from the outbound record, one SMS, no alert', async () => {
    const { w, outcome } = await killedAt('recordOutbound');
    expect(outcome).toEqual({ sent: 4 });
    expect(w.world.sms.sent).toHaveLength(4);
    expect((await raisedAlerts(w.world.alerts))).toHaveLength(0);
  });
});
