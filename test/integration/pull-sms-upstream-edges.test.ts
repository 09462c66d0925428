// The mainland upstream pull's edges (in-memory repositories, a scripted provider queue, fake
// clock): how much one run pulls, what it acknowledges, what it leaves for the next run, what it
// tells the operator (queue ids and reasons, never a number or a text), and how it fails.
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '#adapters/memory/index.ts';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import { pullSmsUpstream, UpstreamPullError, type PullOptions } from '#app/pull-sms-upstream.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { fixedClock } from '#ports/clock.ts';
import type { DeliveryReceipt, DeliveryReceiptLog, SmsUpstream, UpstreamContent, UpstreamKind, UpstreamMessage } from '#ports/sms-upstream.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const NOW = '2027-01-16T02:00:00.000Z';
const PHONE = '+8613800138000';
const sentAt = (minutesAgo: number) => new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString();

/**
 * A provider queue per kind, at least once: a received message is invisible until the next run
 * (`nextRun()`), and comes back then, one delivery more, unless acknowledged.
 */
class ScriptedUpstream implements SmsUpstream {
  down = false;
  readonly receives: { kind: UpstreamKind; max: number }[] = [];
  readonly acknowledged: { kind: UpstreamKind; handles: string[] }[] = [];
  private readonly queues: Record<UpstreamKind, { id: string; content: UpstreamContent; deliveries: number; inFlight: boolean }[]> = { reply: [], receipt: [] };

  enqueue(kind: UpstreamKind, id: string, content: UpstreamContent, deliveries = 0): void {
    this.queues[kind].push({ id, content, deliveries, inFlight: false });
  }
  pending(kind: UpstreamKind): string[] {
    return this.queues[kind].map((m) => m.id);
  }
  nextRun(): void {
    for (const kind of ['reply', 'receipt'] as const) for (const m of this.queues[kind]) m.inFlight = false;
  }
  async receive(kind: UpstreamKind, max: number): Promise<UpstreamMessage[]> {
    this.receives.push({ kind, max });
    if (this.down) throw Object.assign(new Error('ServiceUnavailable'), { name: 'AliyunCallError' });
    return this.queues[kind]
      .filter((m) => !m.inFlight)
      .slice(0, max)
      .map((m) => {
        m.inFlight = true;
        m.deliveries++;
        return { kind, queueMessageId: m.id, handle: `${m.id}@${m.deliveries}`, deliveryCount: m.deliveries, content: m.content };
      });
  }
  async acknowledge(kind: UpstreamKind, handles: string[]): Promise<void> {
    this.acknowledged.push({ kind, handles });
    this.queues[kind] = this.queues[kind].filter((m) => !handles.includes(`${m.id}@${m.deliveries}`));
  }
}

const reply = (n: number, text: string, extra: { to?: string; minutesAgo?: number } = {}): UpstreamContent => ({
  type: 'reply',
  reply: { providerMessageId: `aliyun-up:${n}`, from: PHONE, to: extra.to ?? '1069000000', text, sentAt: sentAt(extra.minutesAgo ?? 10) },
});
const receipt = (providerMessageId: string): UpstreamContent => ({ type: 'receipt', receipt: { providerMessageId, status: 'delivered', reportedAt: sentAt(1) } });

async function setup(receipts?: DeliveryReceiptLog) {
  const repos = memoryRepositories(protocol.studyTimeZone);
  const inbound: InboundSmsDeps = { ...repos, publisher: new RecordingAlertPublisher(), sms: new RecordingSmsSender(), clock: fixedClock(NOW), protocol };
  const patient = makePatient(protocol, { phone: PHONE });
  await repos.patients.create(patient);
  const upstream = new ScriptedUpstream();
  const problems: Parameters<NonNullable<PullOptions['onProblem']>>[0][] = [];
  const pull = (o: Partial<PullOptions> = {}) => pullSmsUpstream({ upstream, receipts: receipts ?? repos.messages, inbound }, { owner: 'run-1', onProblem: (p) => problems.push(p), ...o });
  return { repos, upstream, problems, pull, patient };
}

/** Receipts whose store keeps failing (a throttled table): the error's name only is reported. */
const failingReceipts: DeliveryReceiptLog = {
  recordDelivery: async (_receipt: DeliveryReceipt) => {
    throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
  },
};

describe('pull-sms upstream: one run (in memory, scripted provider queue)', () => {
  it('pulls batch after batch while they come back full, and stops after a short one', async () => {
    const s = await setup();
    for (let n = 1; n <= 5; n++) s.upstream.enqueue('reply', `q${n}`, reply(n, '1', { minutesAgo: 10 - n }));
    expect(await s.pull({ batchSize: 2 })).toEqual({ replies: 5, receipts: 0, duplicates: 0, poison: 0, orphans: 0, left: 0, unavailable: [] });
    // Replies: 2, 2, 1 (short: stop). Receipts: an empty queue.
    expect(s.upstream.receives).toEqual([
      { kind: 'reply', max: 2 },
      { kind: 'reply', max: 2 },
      { kind: 'reply', max: 2 },
      { kind: 'receipt', max: 2 },
    ]);
    expect(s.upstream.pending('reply')).toEqual([]);
  });

  it('pulls at most maxBatches batches of a kind in one run; the rest waits for the next run', async () => {
    const s = await setup();
    for (let n = 1; n <= 5; n++) s.upstream.enqueue('reply', `q${n}`, reply(n, '1', { minutesAgo: 10 - n }));
    expect(await s.pull({ batchSize: 2, maxBatches: 2 })).toMatchObject({ replies: 4, left: 0 });
    expect(s.upstream.receives.filter((r) => r.kind === 'reply')).toHaveLength(2);
    expect(s.upstream.pending('reply')).toEqual(['q5']);
  });

  it('starts no batch with less than 15 s of the run left; with 15 s it still does', async () => {
    const s = await setup();
    s.upstream.enqueue('reply', 'q1', reply(1, '1'));
    expect(await s.pull({ remainingMs: () => 14_999 })).toMatchObject({ replies: 0, left: 0 });
    expect(s.upstream.receives).toEqual([]);
    expect(await s.pull({ remainingMs: () => 15_000 })).toMatchObject({ replies: 1 });
    expect(s.upstream.pending('reply')).toEqual([]);
  });

  it('acknowledges exactly the handles of the messages it handled, and sends no acknowledgement when it handled none', async () => {
    const s = await setup();
    s.upstream.enqueue('reply', 'q1', reply(1, '1'));
    s.upstream.enqueue('receipt', 'r1', receipt('biz-not-yet^0')); // before its outbound record: left
    expect(await s.pull()).toMatchObject({ replies: 1, receipts: 0, left: 1 });
    expect(s.upstream.acknowledged).toEqual([{ kind: 'reply', handles: ['q1@1'] }]);
    expect(s.upstream.pending('receipt')).toEqual(['r1']);
  });

  it('stores a reply under the number the patient texted, or "provider" when the provider does not say', async () => {
    const s = await setup();
    s.upstream.enqueue('reply', 'q1', reply(1, '1', { to: '106900001234', minutesAgo: 5 }));
    s.upstream.enqueue('reply', 'q2', reply(2, '1', { to: '', minutesAgo: 4 }));
    await s.pull();
    expect((await s.repos.messages.getInbound('aliyun-up:1'))?.to).toBe('106900001234');
    expect((await s.repos.messages.getInbound('aliyun-up:2'))?.to).toBe('provider');
  });

  it('reports an unreadable body as poison with the zod paths only, and acknowledges it', async () => {
    const s = await setup();
    s.upstream.enqueue('reply', 'q-bad', { type: 'unreadable', issues: ['phone_number', 'send_time'] });
    expect(await s.pull()).toMatchObject({ poison: 1 });
    expect(s.problems).toEqual([{ kind: 'reply', queueMessageId: 'q-bad', problem: 'poison', detail: 'phone_number send_time' }]);
    expect(s.upstream.pending('reply')).toEqual([]);
  });

  it('a receipt for no message of ours is reported as an orphan with its delivery count when dropped', async () => {
    const s = await setup();
    s.upstream.enqueue('receipt', 'r-orphan', receipt('biz-never^0'), 2);
    expect(await s.pull({ maxDeliveries: 3 })).toMatchObject({ orphans: 1, left: 0 });
    expect(s.problems).toEqual([{ kind: 'receipt', queueMessageId: 'r-orphan', problem: 'orphan_receipt', detail: 'no outbound message after 3 deliveries' }]);
  });

  it('a message whose handling fails is left for the next run and reported by error name; at maxDeliveries it is dropped as poison and acknowledged', async () => {
    const s = await setup(failingReceipts);
    s.upstream.enqueue('receipt', 'r1', receipt('biz-1^0'));
    expect(await s.pull({ maxDeliveries: 2 })).toMatchObject({ receipts: 0, poison: 0, left: 1 });
    expect(s.upstream.acknowledged).toEqual([]);
    s.upstream.nextRun();
    expect(await s.pull({ maxDeliveries: 2 })).toEqual({ replies: 0, receipts: 0, duplicates: 0, poison: 1, orphans: 0, left: 0, unavailable: [] });
    expect(s.upstream.acknowledged).toEqual([{ kind: 'receipt', handles: ['r1@2'] }]);
    expect(s.problems).toEqual([
      { kind: 'receipt', queueMessageId: 'r1', problem: 'failed', detail: 'ProvisionedThroughputExceededException' },
      { kind: 'receipt', queueMessageId: 'r1', problem: 'dropped', detail: 'ProvisionedThroughputExceededException after 2 deliveries' },
    ]);
  });

  it('a reply another run is still processing is left unacknowledged; the same run retried (same owner) resumes it at once', async () => {
    const s = await setup();
    // Run "run-1" stored the reply from queue message q7 and died while processing it: its lease stands.
    await s.repos.messages.storeInbound(
      { inboundMessageId: 'aliyun-up:7', from: PHONE, to: '1069000000', body: '1', receivedAt: sentAt(3), patientId: s.patient.id, studyId: s.patient.studyId, retryAt: sentAt(-5) },
      { owner: 'run-1#q7', until: sentAt(-5) },
    );
    s.upstream.enqueue('reply', 'q7', reply(7, '1', { minutesAgo: 3 }), 1);
    expect(await s.pull({ owner: 'run-2' })).toMatchObject({ replies: 0, left: 1 });
    expect(s.upstream.acknowledged).toEqual([]);
    expect((await s.repos.messages.getInbound('aliyun-up:7'))?.processedAt).toBeUndefined();

    s.upstream.nextRun();
    expect(await s.pull({ owner: 'run-1' })).toMatchObject({ replies: 1, left: 0 });
    expect(s.upstream.acknowledged).toEqual([{ kind: 'reply', handles: ['q7@3'] }]);
    expect((await s.repos.messages.getInbound('aliyun-up:7'))?.processedAt).toBe(NOW);
  });

  it('the provider down: the run fails with UpstreamPullError naming the kinds that could not be pulled', async () => {
    const s = await setup();
    s.upstream.down = true;
    const error = await s.pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamPullError);
    expect((error as UpstreamPullError).name).toBe('UpstreamPullError');
    expect((error as UpstreamPullError).message).toBe('SMS provider pull failed for reply, receipt');
    expect((error as UpstreamPullError).causes.map((c) => (c as Error).name)).toEqual(['AliyunCallError', 'AliyunCallError']);
  });
});
