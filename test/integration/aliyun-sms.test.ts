import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliyunSmsSender } from '#adapters/aliyun/aliyun-sms-sender.ts';
import { dysmsapiClient } from '#adapters/aliyun/client.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { renderMessage } from '#domain/templates.ts';
import { AliyunFake } from '#infra/local/aliyun-fake.ts';
import { failure } from '../support/sms-failure.ts';

const protocol = loadProtocolFile();
const section = protocol.mainlandSms as NonNullable<Protocol['mainlandSms']>;
const PHONE = '+8613912345678';

let fake: AliyunFake;
let sleeps: number[];

async function sender(options: ConstructorParameters<typeof AliyunSmsSender>[2] = {}) {
  return new AliyunSmsSender(dysmsapiClient(fake.credentials, { endpoint: host, protocol: 'http' }), section, {
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
    timeoutMs: 400,
    ...options,
  });
}
let host: string;

const dose = () => {
  const rendered = renderMessage(protocol, 'zh-CN', 'dose.reminder', { slot: '早上', drugs: '泼尼松 30mg、吗替麦考酚酯 0.75g' });
  return { to: PHONE, body: `【${section.signName}】${rendered.text}`, template: rendered.template };
};

beforeEach(async () => {
  fake = AliyunFake.fromProtocol(protocol);
  host = await fake.start();
  sleeps = [];
});
afterEach(async () => {
  await fake.stop();
});

describe('AliyunSmsSender (signed ACS3-HMAC-SHA256 calls) against the fake SendSms API', () => {
  it('sends the approved template code, the registered signature and the variables as TemplateParam JSON', async () => {
    const message = dose();
    const { messageId } = await (await sender()).send(message);
    expect(messageId).toMatch(/\^0$/);
    const request = fake.requests.find((r) => r.action === 'SendSms');
    expect(request?.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI-local-fake,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/);
    expect(request?.rejected).toBeUndefined(); // the fake verified the signature
    expect(request?.query).toEqual({
      PhoneNumbers: '13912345678',
      SignName: '北京协和医院',
      TemplateCode: 'SMS_900000001',
      TemplateParam: JSON.stringify({ slot: '早上', drugs: '泼尼松 30mg、吗替麦考酚酯 0.75g' }),
    });
    // What the handset shows is what the message log keeps.
    expect(fake.sent[0]?.text).toBe(message.body);
  });

  it('sends a template without variables without TemplateParam, its constants already in the approved text', async () => {
    const rendered = renderMessage(protocol, 'zh-CN', 'reply.help', { studyPhone: protocol.contacts.studyPhone });
    await (await sender()).send({ to: PHONE, body: `【${section.signName}】${rendered.text}`, template: rendered.template });
    expect(fake.requests.at(-1)?.query).not.toHaveProperty('TemplateParam');
    expect(fake.sent[0]?.text).toBe(`【北京协和医院】${rendered.text}`);
  });

  it('retries throttling (HTTP 400 Throttling.User) with backoff, then sends once', async () => {
    fake.failNext({ status: 400, code: 'Throttling.User', message: 'Request was denied due to user flow control.' }, { status: 503, code: 'ServiceUnavailable' });
    await (await sender()).send(dose());
    expect(fake.sent).toHaveLength(1);
    expect(sleeps).toEqual([200, 400]);
  });

  it('gives up on lasting throttling as transient (the dispatcher releases the reminder for the next run)', async () => {
    fake.failNext(...Array.from({ length: 4 }, () => ({ status: 400, code: 'Throttling.User' })));
    const error = await failure((await sender()).send(dose()));
    expect([error.kind, error.reason]).toEqual(['transient', 'throttled']);
    expect(fake.sent).toHaveLength(0);
  });

  it('an invalid number is permanent: invalid_number (refused before the call, or answered isv.MOBILE_NUMBER_ILLEGAL)', async () => {
    const local = await failure((await sender()).send({ ...dose(), to: '+8612345678901' }));
    expect([local.kind, local.reason]).toEqual(['permanent', 'invalid_number']);
    expect(fake.requests).toHaveLength(0); // 12… is no mainland mobile number
    // A number the carrier database rejects: HTTP 200 with the business code, as the provider answers.
    fake.failNext({ status: 200, code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号' });
    const remote = await failure((await sender()).send(dose()));
    expect([remote.kind, remote.reason, remote.message]).toEqual(['permanent', 'invalid_number', 'isv.MOBILE_NUMBER_ILLEGAL']);
    expect(sleeps).toEqual([]);
  });

  it('a number outside the mainland is refused without a call (domestic templates reach +86 only)', async () => {
    const error = await failure((await sender()).send({ ...dose(), to: '+15555550100' }));
    expect([error.kind, error.reason]).toEqual(['permanent', 'invalid_number']);
    expect(fake.requests).toHaveLength(0);
  });

  it('a template the provider has not approved is permanent: template_not_approved', async () => {
    await fake.stop();
    const templates = { ...AliyunFake.fromProtocol(protocol)['options'].templates };
    delete templates['SMS_900000001'];
    fake = new AliyunFake({ signName: section.signName, templates });
    host = await fake.start();
    const error = await failure((await sender()).send(dose()));
    expect([error.kind, error.reason, error.message]).toEqual(['permanent', 'template_not_approved', 'isv.SMS_TEMPLATE_ILLEGAL']);
  });

  it('a signature the provider does not know is permanent: signature_not_approved', async () => {
    await fake.stop();
    fake = AliyunFake.fromProtocol(protocol, { signName: '协和' });
    host = await fake.start();
    const error = await failure((await sender()).send(dose()));
    expect(error.reason).toBe('signature_not_approved');
  });

  it("the provider's per-number daily limit is permanent for that message: provider_number_limit", async () => {
    await fake.stop();
    fake = AliyunFake.fromProtocol(protocol, { perNumberPerDay: 2 });
    host = await fake.start();
    const s = await sender();
    await s.send(dose());
    await s.send(dose());
    const error = await failure(s.send(dose()));
    expect([error.kind, error.reason]).toEqual(['permanent', 'provider_number_limit']);
  });

  it('a timeout after the request left is delivery_unknown and never retried (at most once)', async () => {
    fake.failNext('hang');
    const error = await failure((await sender()).send(dose()));
    expect([error.kind, error.reason]).toEqual(['permanent', 'delivery_unknown']);
    expect(fake.requests.filter((r) => r.action === 'SendSms')).toHaveLength(1);
  });

  it('a refused connection (nothing sent) is retried, then transient', async () => {
    await fake.stop();
    const error = await failure((await sender({ retry: { maxAttempts: 2 } })).send(dose()));
    expect([error.kind, error.reason]).toEqual(['transient', 'network']);
  });

  it('a message without its template, or with an unmapped one, is never sent as a guess', async () => {
    const s = await sender();
    expect((await failure(s.send({ to: PHONE, body: 'hello' }))).reason).toBe('template_not_mapped');
    const en = renderMessage(protocol, 'en', 'checkin.thanks');
    expect((await failure(s.send({ to: PHONE, body: en.text, template: en.template }))).reason).toBe('template_not_mapped');
    expect(fake.requests).toHaveLength(0);
  });
});
