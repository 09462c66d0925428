import { afterEach, describe, expect, it } from 'vitest';
import { AliyunSmsSender } from '#adapters/aliyun/aliyun-sms-sender.ts';
import { dybaseapiClient, dysmsapiClient } from '#adapters/aliyun/client.ts';
import { MnsUpstream } from '#adapters/aliyun/mns-upstream.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import { pullSmsUpstream, UpstreamPullError, type PullOptions } from '#app/pull-sms-upstream.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import { AliyunFake, beijing } from '#infra/local/aliyun-fake.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const section = protocol.mainlandSms as NonNullable<Protocol['mainlandSms']>;
const local = useLocalDynamo();
const NOW = Date.parse('2027-01-16T02:00:00.000Z');
const PHONE = '+8613912345678';

const publisher: AlertPublisher = { publish: async () => {}, publishText: async () => {} };
let fake: AliyunFake | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function setup(options: { visibilityTimeoutMs?: number } = {}) {
  fake = AliyunFake.fromProtocol(protocol, { now: () => NOW, visibilityTimeoutMs: options.visibilityTimeoutMs ?? 0 });
  const host = await fake.start();
  const credentials = fake.credentials;
  const table = await local.freshTable();
  const doc = local.db.doc;
  const tz = protocol.studyTimeZone;
  const messages = new DynamoMessageLog(doc, table, tz);
  const sms = new AliyunSmsSender(dysmsapiClient(credentials, { endpoint: host, protocol: 'http' }), section, { sleep: async () => {} });
  const inbound: InboundSmsDeps = {
    patients: new DynamoPatientRepository(doc, table),
    reminders: new DynamoReminderRepository(doc, table, tz),
    reports: new DynamoReportRepository(doc, table, tz),
    messages,
    conversations: new DynamoConversationRepository(doc, table),
    alerts: new DynamoAlertRepository(doc, table, tz),
    publisher,
    audit: new DynamoAuditLog(doc, table),
    sms,
    clock: fixedClock(new Date(NOW + 60_000).toISOString()),
    protocol,
    smsSignature: section.signName,
  };
  const upstream = new MnsUpstream(dybaseapiClient(credentials, { endpoint: host, protocol: 'http' }), {
    queues: { reply: fake.queueNames.SmsUp, receipt: fake.queueNames.SmsReport },
    mnsEndpoint: `http://${host}`,
    waitSeconds: 0,
    now: () => NOW,
  });
  const patient = makePatient(protocol, { phone: PHONE });
  await inbound.patients.create(patient);
  const problems: Parameters<NonNullable<PullOptions['onProblem']>>[0][] = [];
  const pull = (o: Partial<PullOptions> = {}) => pullSmsUpstream({ upstream, receipts: messages, inbound }, { owner: 'pull-test', onProblem: (p) => problems.push(p), ...o });
  return { fake, inbound, messages, sms, patient, pull, problems };
}

describe('pull-sms: replies and receipts from the provider queues (MNS fake on 127.0.0.1)', () => {
  it('hands a reply to the inbound use case under the provider message id, and acknowledges it', async () => {
    const s = await setup();
    s.fake.reply('13912345678', '1', { sequenceId: 777 });
    const result = await s.pull();
    expect(result).toMatchObject({ replies: 1, duplicates: 0, poison: 0, left: 0 });
    const stored = await s.messages.getInbound('aliyun-up:777');
    expect(stored).toMatchObject({ from: PHONE, body: '1', patientId: s.patient.id });
    expect(stored?.processedAt).toBeDefined();
    expect(s.fake.pending('SmsUp')).toBe(0);
    // The MNS requests were signed with the queue token from QueryTokenForMnsQueue.
    expect(s.fake.requests.find((r) => r.action === 'QueryTokenForMnsQueue')?.query).toMatchObject({ MessageType: 'SmsUp', QueueName: s.fake.queueNames.SmsUp });
    expect(s.fake.requests.filter((r) => r.action.startsWith('MNS')).every((r) => /^MNS STS\.fake:/.test(r.authorization ?? ''))).toBe(true);
  });

  it('a duplicate push of the same reply (same sequence id, new queue message) is stored and processed once', async () => {
    const s = await setup();
    s.fake.reply('13912345678', 'TD', { sequenceId: 42 });
    s.fake.reply('13912345678', 'TD', { sequenceId: 42 });
    const result = await s.pull();
    expect(result).toMatchObject({ replies: 1, duplicates: 1 });
    expect(s.fake.pending('SmsUp')).toBe(0);
    expect((await s.inbound.patients.get(s.patient.id))?.smsOptOut).toBe(true);
    // One confirmation, through the approved stop_confirm template (no variables, signature added by the provider).
    expect(s.fake.sent.map((m) => [m.templateCode, m.text])).toEqual([['SMS_900000016', `【北京协和医院】${protocol.templates['zh-CN']['reply.stop_confirm']}`]]);
  });

  it('replies that arrive out of order are read in the order the patient sent them', async () => {
    const s = await setup();
    // Sent 09:58 "TD" (stop), 09:59 "START": delivered the other way round. START must win.
    s.fake.reply('13912345678', 'START', { sequenceId: 2, sendTime: beijing(NOW - 60_000) });
    s.fake.reply('13912345678', 'TD', { sequenceId: 1, sendTime: beijing(NOW - 120_000) });
    await s.pull();
    expect((await s.inbound.patients.get(s.patient.id))?.smsOptOut).toBe(false);
    const [first, second] = await Promise.all([s.messages.getInbound('aliyun-up:1'), s.messages.getInbound('aliyun-up:2')]);
    expect(Date.parse(first?.processedAt ?? '')).toBeLessThanOrEqual(Date.parse(second?.processedAt ?? ''));
  });

  it('a poison message is acknowledged and reported by queue id, and does not block the reply behind it', async () => {
    const s = await setup();
    const poisonId = s.fake.enqueue('SmsUp', '{"phone_number":"not a number","content":"secret text"}');
    s.fake.reply('13912345678', '2', { sequenceId: 9 });
    const result = await s.pull();
    expect(result).toMatchObject({ replies: 1, poison: 1 });
    expect(s.fake.pending('SmsUp')).toBe(0);
    expect(s.problems).toEqual([expect.objectContaining({ kind: 'reply', queueMessageId: poisonId, problem: 'poison' })]);
    expect(JSON.stringify(s.problems)).not.toContain('secret text');
    expect(JSON.stringify(s.problems)).not.toContain('not a number');
  });

  it('provider down: nothing is acknowledged, the run fails (alarm), the next run handles everything', async () => {
    const s = await setup();
    s.fake.reply('13912345678', '1', { sequenceId: 5 });
    s.fake.down = true;
    const error = await s.pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamPullError);
    expect((error as UpstreamPullError).result.unavailable).toEqual(['reply', 'receipt']);
    expect(s.fake.pending('SmsUp')).toBe(1);
    s.fake.down = false;
    expect(await s.pull()).toMatchObject({ replies: 1 });
    expect(s.fake.pending('SmsUp')).toBe(0);
  });

  it('writes delivered and failed receipts (with the carrier code) into the message log; the latest report wins', async () => {
    const s = await setup();
    const sent = await s.inbound.sms.send({ to: PHONE, body: 'x', template: { key: 'checkin.thanks', lang: 'zh-CN', params: {} } });
    await s.messages.recordOutbound({ id: 'reply:test', providerMessageId: sent.messageId, to: PHONE, body: 'x', parts: 1, sentAt: new Date(NOW).toISOString(), patientId: s.patient.id, studyId: s.patient.studyId, purpose: 'reply' });
    // The fake already queued a "delivered" receipt; a stale "failed" one reported earlier arrives after it.
    s.fake.enqueue('SmsReport', JSON.stringify({ biz_id: sent.messageId, success: false, err_code: 'MK:0001', report_time: beijing(NOW - 600_000) }));
    expect(await s.pull()).toMatchObject({ receipts: 1, duplicates: 1 });
    expect((await s.messages.getOutbound('reply:test'))?.delivery).toEqual({ status: 'delivered', reportedAt: new Date(Math.floor(NOW / 1000) * 1000).toISOString() });
    s.fake.receipt(sent.messageId, { success: false, errCode: 'UNDELIV' });
    await s.pull();
    // Same report second as the delivered one: not later, so unchanged.
    expect((await s.messages.getOutbound('reply:test'))?.delivery?.status).toBe('delivered');
  });

  it('a receipt that arrives before its outbound record is left for a later pull, then recorded', async () => {
    const s = await setup();
    s.fake.enqueue('SmsReport', JSON.stringify({ biz_id: 'biz-early^0', success: false, err_code: 'IC:0015', report_time: beijing(NOW) }));
    expect(await s.pull()).toMatchObject({ receipts: 0, left: 1 });
    expect(s.fake.pending('SmsReport')).toBe(1);
    await s.messages.recordOutbound({ id: 'reminder:r1', providerMessageId: 'biz-early^0', to: PHONE, body: 'x', parts: 1, sentAt: new Date(NOW).toISOString(), patientId: s.patient.id, studyId: s.patient.studyId, purpose: 'reminder' });
    expect(await s.pull()).toMatchObject({ receipts: 1 });
    expect((await s.messages.getOutbound('reminder:r1'))?.delivery).toMatchObject({ status: 'failed', reason: 'IC:0015' });
  });

  it('a receipt for no message of ours is dropped after maxDeliveries, not pulled forever', async () => {
    const s = await setup();
    s.fake.enqueue('SmsReport', JSON.stringify({ biz_id: 'biz-never^0', success: true, report_time: beijing(NOW) }));
    for (let i = 0; i < 2; i++) expect(await s.pull({ maxDeliveries: 3 })).toMatchObject({ left: 1 });
    expect(await s.pull({ maxDeliveries: 3 })).toMatchObject({ orphans: 1 });
    expect(s.fake.pending('SmsReport')).toBe(0);
  });
});
