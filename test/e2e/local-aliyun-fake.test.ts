import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#infra/local/stack.ts';

/** `npm start -- --sms=aliyun-fake`: the same flow as env=cn, end to end through the local stack. */
describe('local stack with the Alibaba Cloud SMS adapter against the provider fake', () => {
  let stack: LocalStack;
  const PHONE = '+8613912345678';
  beforeAll(async () => {
    // Monday 2027-01-04 07:50 in Beijing: the 08:00 dose reminder is ten minutes away.
    stack = await startLocalStack({ dataDir: null, listen: false, virtualClock: '2027-01-03T23:50:00Z', planAtStart: false, sms: 'aliyun-fake' });
    const enrolled = await stack.callApi('POST', '/api/patients', {
      studyId: 'CN-001',
      phone: PHONE,
      timeZone: 'Asia/Shanghai',
      language: 'zh-CN',
      enrolledOn: '2027-01-04',
      doseTimes: { morning: '08:00', evening: '20:00' },
      prednisoneStartMg: 40,
      discreet: false,
    });
    expect(enrolled.status).toBe(201);
  }, 120_000);
  afterAll(() => stack?.close());

  it('sends the reminder through the approved template, records its delivery, and takes the reply through the pull', async () => {
    await stack.scheduler.advanceTo('2027-01-04T00:03:00Z');
    const [reminder] = stack.gateway.list({ to: PHONE });
    expect(reminder?.body).toMatch(/^【北京协和医院】早上服药：泼尼松 40mg、吗替麦考酚酯 0\.75g。已服回复1，漏服回复2$/);
    const patients = await stack.repos.patients.listAll();
    const patient = patients.find((p) => p.studyId === 'CN-001');
    const messages = await stack.repos.messages.listForPatient(patient!.id);
    const out = messages.find((m) => m.direction === 'out');
    // The receipt the provider queued was pulled by the minute job into the message log.
    expect(out && 'delivery' in out ? out.delivery?.status : undefined).toBe('delivered');

    const answer = await stack.textIn({ from: PHONE, body: '1' });
    expect(answer.inboundMessageId).toMatch(/^aliyun-up:\d+$/);
    const stored = await stack.repos.messages.getInbound(answer.inboundMessageId);
    expect(stored?.interpretation?.intent).toBe('dose_taken');
  }, 120_000);
});
