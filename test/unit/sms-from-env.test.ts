import { describe, expect, it } from 'vitest';
import { aliyunSenderFromEnv, dailyCapFromEnv, smsSenderFromEnv, smsSignatureFromEnv, snsSenderFromEnv } from '#adapters/sms-from-env/index.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { inboundSmsEnvSchema, parseEnv } from '#config/env.ts';

const protocol = loadProtocolFile();
const SECRET = 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:aliyun-sms-AbCdEf';

describe('the SMS sender of an environment', () => {
  it('SNS environments get the SNS sender; the mainland the Alibaba one, built lazily (no secret read before the first SMS)', () => {
    expect(smsSenderFromEnv({ SMS_PROVIDER: 'sns' }, protocol)).toBeInstanceOf(SnsSmsSender);
    const mainland = smsSenderFromEnv({ SMS_PROVIDER: 'aliyun', ALIYUN_CREDENTIALS_SECRET_ARN: SECRET }, protocol);
    expect(mainland).not.toBeInstanceOf(SnsSmsSender);
    expect(typeof mainland.send).toBe('function');
  });

  it('a function deployed with one provider refuses the other, naming what it got', () => {
    expect(() => snsSenderFromEnv({ SMS_PROVIDER: 'aliyun' })).toThrow('sends through Amazon SNS only; SMS_PROVIDER is aliyun');
    expect(() => aliyunSenderFromEnv({ SMS_PROVIDER: 'sns' }, protocol)).toThrow('sends through Alibaba Cloud SMS only; SMS_PROVIDER is sns');
  });

  it('the mainland sender needs the protocol mapping and the credentials secret', () => {
    const { mainlandSms: _dropped, ...withoutSection } = protocol;
    expect(() => aliyunSenderFromEnv({ SMS_PROVIDER: 'aliyun', ALIYUN_CREDENTIALS_SECRET_ARN: SECRET }, withoutSection as typeof protocol)).toThrow('needs the protocol mainlandSms section');
    expect(() => aliyunSenderFromEnv({ SMS_PROVIDER: 'aliyun' }, protocol)).toThrow('needs ALIYUN_CREDENTIALS_SECRET_ARN');
  });

  it('the signature counted in each text: the registered one on the mainland, the configured one elsewhere; the daily cap on the mainland only', () => {
    expect(smsSignatureFromEnv({ SMS_PROVIDER: 'aliyun', SMS_SIGNATURE: '【其他】' }, protocol)).toBe(protocol.mainlandSms?.signName);
    expect(smsSignatureFromEnv({ SMS_PROVIDER: 'sns', SMS_SIGNATURE: '【协和医院】' }, protocol)).toBe('【协和医院】');
    expect(smsSignatureFromEnv({ SMS_PROVIDER: 'sns' }, protocol)).toBeUndefined();
    expect(dailyCapFromEnv({ SMS_PROVIDER: 'sns' }, protocol)).toBeUndefined();
    expect(dailyCapFromEnv({ SMS_PROVIDER: 'aliyun' }, protocol)).toEqual(expect.any(Number));
  });

  it("inbound-sms's environment refuses SMS_PROVIDER=aliyun at cold start (replies on the mainland are pulled by pull-sms)", () => {
    const base = { TABLE_NAME: 'trial', ALERT_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:alerts', CONSOLE_URL: 'https://console.example.org/' };
    expect(parseEnv(inboundSmsEnvSchema, base).SMS_PROVIDER).toBe('sns');
    expect(() => parseEnv(inboundSmsEnvSchema, { ...base, SMS_PROVIDER: 'aliyun' })).toThrow(/SMS_PROVIDER.*needs SMS_PROVIDER=sns/s);
  });
});
