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
 * phone got the reminder twice.
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
  const faulty = (plan?: FaultyDynamo['plan']) => {
    const dynamo = faultyDynamo(local.db.endpoint, plan);
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

describe('DynamoDB throttling and conditional-check races', () => {
  it('three dispatchers at once on a table that throttles every 5th call and loses every 7th UpdateItem answer: each reminder once, none lost', async () => {
    const w = await setup(30);
    // Queries (the due queue) are throttled less often, so that the item-level writes see most faults.
    const plan: FaultyDynamo['plan'] = (n, command) =>
      command === 'QueryCommand' ? (n % 11 === 4 ? 'throttle' : null) : n % 5 === 2 ? 'throttle' : command === 'UpdateItemCommand' && n % 7 === 3 ? 'lost_answer' : null;
    const dispatchers = ['a', 'b', 'c'].map(() => w.faulty(plan));
    // All three share the one recording SMS gateway, so deliveries are counted across dispatchers.
    const run = (owner: string) =>
      Promise.allSettled(dispatchers.map((d, i) => dispatchReminders({ ...d.world.deps, sms: w.world.sms }, { ...OPTIONS, owner: `${owner}-${i}`, concurrency: 4 })));

    w.clock.set('2027-02-01T00:00:10.000Z');
    await run('minute-1');
    w.clock.set('2027-02-01T00:03:10.000Z'); // leases of anything stuck in `sending` have expired
    await run('minute-4');
    // The table recovers: two clean runs finish what is left.
    for (const at of ['2027-02-01T00:06:10.000Z', '2027-02-01T00:09:10.000Z']) {
      w.clock.set(at);
      await dispatchReminders(w.world.deps, { ...OPTIONS, owner: `clean-${at}` });
    }

    const injected = dispatchers.reduce((n, d) => ({ throttle: n.throttle + d.dynamo.injected.throttle, lost: n.lost + d.dynamo.injected.lost_answer }), { throttle: 0, lost: 0 });
    expect(injected.throttle).toBeGreaterThan(10);
    expect(injected.lost).toBeGreaterThan(3);
    const outcome = await w.settled(w.world.sms.sent);
    if (process.env.FAULTS_VERBOSE) {
      const phones = new Set(w.world.sms.sent.map((s) => s.to));
      const failedWithSms = (await Promise.all(w.enrolled.map(async (p) => ((await w.world.reminders.listForPatient(p.id, WINDOW.from, WINDOW.to))[0]!.state === 'failed' && phones.has(p.phone) ? 1 : 0)))).reduce<number>((a, b) => a + b, 0);
      console.log('three dispatchers on a faulty table:', JSON.stringify({ injected, outcome, failedWithSms }));
    }
    expect(outcome.sent ?? 0).toBeGreaterThanOrEqual(15);
    expect((outcome.sent ?? 0) + (outcome['failed/delivery_unknown'] ?? 0) + (outcome['failed/lease_expired_delivery_unknown'] ?? 0)).toBe(30);
    for (const d of dispatchers) d.dynamo.destroy();
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
