import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '#ports/messages.ts';
import { renderTemplate } from '#domain/templates.ts';
import { startLocalStack, type LocalStack } from '#infra/local/stack.ts';

/**
 * "Never lost" through the local stack (docs/replies.md): a text whose delivery was killed after
 * it was stored (stored, leased, never processed) is processed by the retry on its owner's
 * schedule, as on AWS: inbound-sms's scheduled task every `inbound.retryAfterMinutes` (SNS), or
 * pull-sms after a pull (mainland, --sms=aliyun-fake). The sweep no longer does it.
 */
const START = '2027-01-04T00:00:00Z'; // Monday 08:00 in Beijing
const RECEIVED = '2027-01-04T00:01:00Z';
/** What a delivery killed mid-way leaves: the text stored with its lease (35 s: the function's 30 s + 5), attempt 1, never processed. */
const crashed = (id: string, from: string, patient: { id: string; studyId: string }): [InboundMessage, { owner: string; until: string }] => [
  { inboundMessageId: id, from, to: '+15555550100', body: '发烧39度', receivedAt: RECEIVED, patientId: patient.id, studyId: patient.studyId, retryAt: '2027-01-04T00:06:00Z' },
  { owner: 'killed-delivery#0', until: '2027-01-04T00:01:35Z' },
];

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function enroll(s: LocalStack, phone: string, studyId: string) {
  const enrolled = await s.callApi('POST', '/api/patients', {
    studyId,
    phone,
    timeZone: 'Asia/Shanghai',
    language: 'zh-CN',
    enrolledOn: '2027-01-04',
    doseTimes: { morning: '08:00', evening: '20:00' },
    prednisoneStartMg: 40,
    discreet: false,
  });
  expect(enrolled.status).toBe(201);
  return enrolled.body as { id: string; studyId: string };
}

describe('local stack: a text no delivery finished is retried on the new owner schedule', () => {
  it.each(['dynalite', 'memory'] as const)('SNS (%s): inbound-sms:retry-unprocessed-inbound runs at the retry time and processes it: urgent reply, red flag pushed late', async (store) => {
    stack = await startLocalStack({ dataDir: null, listen: false, virtualClock: START, planAtStart: false, store });
    const phone = '+12015550177';
    const patient = await enroll(stack, phone, 'RETRY-001');
    await stack.repos.messages.storeInbound(...crashed('in-killed-1', phone, patient));

    // Before its retry time nothing runs for it.
    const early = await stack.scheduler.advanceTo('2027-01-04T00:05:00Z');
    expect(early.runs.filter((r) => r.job.startsWith('inbound-sms'))).toEqual([]);
    const { runs } = await stack.scheduler.advanceTo('2027-01-04T00:20:00Z');
    const retries = runs.filter((r) => r.job === 'inbound-sms:retry-unprocessed-inbound');
    // The cadence every 5 minutes, from the text's retry time (00:06): 00:10, once; then the queue is empty.
    expect(retries).toEqual([{ job: 'inbound-sms:retry-unprocessed-inbound', at: '2027-01-04T00:10:00Z', ok: true }]);

    const stored = await stack.repos.messages.getInbound('in-killed-1');
    expect(stored?.processedAt).toBe('2027-01-04T00:10:00Z');
    const urgent = renderTemplate(stack.protocol, 'zh-CN', 'reply.urgent', { studyPhone: stack.protocol.contacts.studyPhone, urgentPhone: stack.protocol.contacts.urgentPhone });
    expect(stack.gateway.list({ to: phone }).map((m) => m.body)).toContain(urgent);
    expect(stack.inbox.list().filter((e) => e.kind === 'alert' && e.urgent && e.studyId === 'RETRY-001')).toHaveLength(1);
    // The red flag says how late it was processed: texted at 00:01, processed at 00:10.
    const [redFlag] = (await stack.repos.alerts.listByStatus('open')).items.filter((a) => a.kind === 'red_flag' && a.patientId === patient.id);
    expect(redFlag?.details).toMatchObject({ lateMinutes: 9, receivedAt: RECEIVED });
  }, 120_000);

  it('mainland (aliyun-fake): the pull job runs when a stored reply is due, and processes it after its (empty) pull', async () => {
    stack = await startLocalStack({ dataDir: null, listen: false, virtualClock: START, planAtStart: false, sms: 'aliyun-fake', store: 'memory' });
    const phone = '+8613912345677';
    const patient = await enroll(stack, phone, 'RETRY-CN-1');
    const [message, lease] = crashed('aliyun-up:9001', phone, patient);
    await stack.repos.messages.storeInbound({ ...message, to: '1069000000' }, lease);

    const { runs } = await stack.scheduler.advanceTo('2027-01-04T00:20:00Z');
    // Besides the pulls for the provider's receipts, one at the reply's retry time (00:06) with nothing at the provider.
    expect(runs).toContainEqual({ job: 'pull-sms', at: '2027-01-04T00:06:00Z', ok: true });
    expect(runs.filter((r) => !r.ok)).toEqual([]);
    expect((await stack.repos.messages.getInbound('aliyun-up:9001'))?.processedAt).toBe('2027-01-04T00:06:00Z');
    expect(stack.gateway.list({ to: phone }).length).toBeGreaterThanOrEqual(1);
    expect(stack.inbox.list().filter((e) => e.kind === 'alert' && e.urgent && e.studyId === 'RETRY-CN-1')).toHaveLength(1);
  }, 120_000);
});
