import { describe, expect, it, vi } from 'vitest';
import { memoryRepositories } from '#adapters/memory/index.ts';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import { UpstreamPullError } from '#app/pull-sms-upstream.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { fixedClock } from '#ports/clock.ts';
import type { SmsUpstream, UpstreamKind, UpstreamMessage } from '#ports/sms-upstream.ts';
import { lambdaContext } from '#infra/local/lambda-events.ts';
import { RecordingAlertPublisher, RecordingSmsSender } from '../support/dispatch-fakes.ts';
import { makePatient } from '../support/patients.ts';

// The handler module parses its environment at load (cold start), as on AWS: the mainland's.
vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'trial-unit-tests',
    ALERT_TOPIC_ARN: 'arn:aws-cn:sns:cn-north-1:123456789012:trial-alerts',
    CONSOLE_URL: 'https://console.example.cn/',
    SMS_PROVIDER: 'aliyun',
    ALIYUN_CREDENTIALS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:aliyun-sms-AbCdEf',
    ALIYUN_QUEUE_SMSUP: 'Alicom-Queue-1234567890123456-SmsUp',
    ALIYUN_QUEUE_SMSREPORT: 'Alicom-Queue-1234567890123456-SmsReport',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  process.env.AWS_REGION ??= 'cn-north-1';
});
const { createPullHandler, RETRY_RESERVE_MS } = await import('#functions/pull-sms/handler.ts');

/**
 * pull-sms on the mainland owns the retry of stored replies no run finished (docs/replies.md,
 * "Never lost"): after each pull, and even when the provider is down. The repositories are the
 * in-memory ones (held to the DynamoDB adapters by the contract tests); the provider is a stub.
 */
const protocol = loadProtocolFile();
const NOW = '2027-01-16T02:00:00.000Z';
const PHONE = '+8613912345678';
/** The function's timeout (infra/stacks/stateless-stack.ts). */
const TIMEOUT_MS = 55_000;

class StubUpstream implements SmsUpstream {
  down = false;
  readonly queued: Record<UpstreamKind, UpstreamMessage[]> = { reply: [], receipt: [] };
  async receive(kind: UpstreamKind, max: number): Promise<UpstreamMessage[]> {
    if (this.down) throw Object.assign(new Error('ServiceUnavailable'), { name: 'AliyunCallError' });
    return this.queued[kind].splice(0, max);
  }
  async acknowledge(): Promise<void> {}
}

async function setup() {
  const repos = memoryRepositories(protocol.studyTimeZone);
  const sms = new RecordingSmsSender();
  const clock = fixedClock(NOW);
  const inbound: InboundSmsDeps = { ...repos, publisher: new RecordingAlertPublisher(), sms, clock, protocol };
  const upstream = new StubUpstream();
  const patient = makePatient(protocol, { phone: PHONE });
  await repos.patients.create(patient);
  // A reply stored by an earlier run whose processing failed (its retry time has come).
  await repos.messages.storeInbound({
    inboundMessageId: 'aliyun-up:41',
    from: PHONE,
    to: '1069000000',
    body: '帮助',
    receivedAt: '2027-01-16T01:50:00.000Z',
    patientId: patient.id,
    studyId: patient.studyId,
    retryAt: '2027-01-16T01:55:00.000Z',
  });
  const handler = createPullHandler({ receipts: repos.messages, upstream, inbound });
  return { repos, sms, upstream, handler };
}

const scheduled = { source: 'trial-sms.scheduler', job: 'pull-sms', scheduledTime: NOW };

describe('pull-sms handler: the retry of stored replies after each pull', () => {
  it('processes a stored reply no run finished, within the 55 s timeout; the next run finds nothing', async () => {
    const s = await setup();
    const result = await s.handler(scheduled, lambdaContext('pull-sms', TIMEOUT_MS));
    expect(result).toMatchObject({ replies: 0, receipts: 0, retry: { due: 1, processed: 1, busy: 0, failed: 0, alerted: 0 } });
    expect((await s.repos.messages.getInbound('aliyun-up:41'))?.processedAt).toBeDefined();
    expect(s.sms.countTo(PHONE)).toBe(1);
    expect((await s.handler(scheduled, lambdaContext('pull-sms', TIMEOUT_MS))).retry).toMatchObject({ due: 0, processed: 0 });
    expect(s.sms.countTo(PHONE)).toBe(1);
  });

  it('the provider down: the stored reply is still processed, then the run fails (the alarm sees the outage)', async () => {
    const s = await setup();
    s.upstream.down = true;
    await expect(s.handler(scheduled, lambdaContext('pull-sms', TIMEOUT_MS))).rejects.toBeInstanceOf(UpstreamPullError);
    expect((await s.repos.messages.getInbound('aliyun-up:41'))?.processedAt).toBeDefined();
    expect(s.sms.countTo(PHONE)).toBe(1);
  });

  it(`starts no stored reply with less than ${RETRY_RESERVE_MS / 1000} s of the run left; with half the run left (a long pull) it does`, async () => {
    const s = await setup();
    const result = await s.handler(scheduled, lambdaContext('pull-sms', RETRY_RESERVE_MS - 2_000));
    expect(result.retry).toMatchObject({ due: 1, processed: 0 });
    expect((await s.repos.messages.getInbound('aliyun-up:41'))?.processedAt).toBeUndefined();
    // 30 s left: under the retry's default reserve (35 s, sized for the 2-minute sweep), above this one.
    expect((await s.handler(scheduled, lambdaContext('pull-sms', 30_000))).retry).toMatchObject({ due: 1, processed: 1 });
  });
});
