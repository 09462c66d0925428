import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { mainlandDailyCap, validateMainlandSms } from '#domain/mainland-sms.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { OutboundSms, SmsSender } from '#ports/sms.ts';
import { AliyunSmsSender } from './aliyun/aliyun-sms-sender.ts';
import { dysmsapiClient } from './aliyun/client.ts';
import { loadAliyunCredentials } from './aliyun/credentials.ts';
import { SnsSmsSender } from './sns/sns-sms-sender.ts';

export interface SmsEnv {
  SMS_PROVIDER: 'sns' | 'aliyun';
  SMS_SENDER_ID?: string | undefined;
  SMS_ORIGINATION_NUMBER?: string | undefined;
  SMS_SIGNATURE?: string | undefined;
  SMS_MAX_PRICE_USD?: string | undefined;
  ALIYUN_CREDENTIALS_SECRET_ARN?: string | undefined;
  ALIYUN_SMS_ENDPOINT?: string | undefined;
}

/** Builds the provider on first use (the Alibaba credentials are a Secrets Manager read), then reuses it. */
class LazySmsSender implements SmsSender {
  private sender: Promise<SmsSender> | undefined;
  constructor(private readonly build: () => Promise<SmsSender>) {}
  private get(): Promise<SmsSender> {
    this.sender ??= this.build().catch((error: unknown) => {
      this.sender = undefined; // a failed secret read is retried on the next call
      throw error;
    });
    return this.sender;
  }
  async send(message: OutboundSms) {
    return (await this.get()).send(message);
  }
  async isOptedOut(phone: string) {
    return (await this.get()).isOptedOut(phone);
  }
}

/**
 * The SMS provider of this environment: SNS (global regions) or Alibaba Cloud SMS (env=cn, the
 * protocol's mainlandSms mapping, validated here so a broken mapping fails the cold start).
 */
export function smsSenderFromEnv(env: SmsEnv, protocol: Protocol): SmsSender {
  if (env.SMS_PROVIDER === 'sns') {
    return new SnsSmsSender(new SNSClient({ maxAttempts: 1 }), {
      ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
      ...(env.SMS_ORIGINATION_NUMBER ? { originationNumber: env.SMS_ORIGINATION_NUMBER } : {}),
      ...(env.SMS_MAX_PRICE_USD ? { maxPriceUsd: env.SMS_MAX_PRICE_USD } : {}),
      ...(env.SMS_SIGNATURE ? { signature: env.SMS_SIGNATURE } : {}),
    });
  }
  const section = protocol.mainlandSms;
  if (!section) throw new Error('SMS_PROVIDER=aliyun needs the protocol mainlandSms section');
  const { problems } = validateMainlandSms(protocol);
  if (problems.length > 0) throw new Error(`protocol mainlandSms mapping is not ready (npm run protocol:check):\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
  const secretArn = env.ALIYUN_CREDENTIALS_SECRET_ARN;
  if (!secretArn) throw new Error('SMS_PROVIDER=aliyun needs ALIYUN_CREDENTIALS_SECRET_ARN');
  return new LazySmsSender(async () => {
    const credentials = await loadAliyunCredentials(new SecretsManagerClient({}), secretArn);
    return new AliyunSmsSender(dysmsapiClient(credentials, env.ALIYUN_SMS_ENDPOINT ? { endpoint: env.ALIYUN_SMS_ENDPOINT } : {}), section);
  });
}

/** The signature the provider prints: counted in the logged text and its parts. */
export function smsSignatureFromEnv(env: SmsEnv, protocol: Protocol): string | undefined {
  if (env.SMS_PROVIDER === 'aliyun') return protocol.mainlandSms?.signName;
  return env.SMS_SIGNATURE;
}

/** The reminder cap per patient and day when the provider's per-number limit is lower than the protocol's. */
export function dailyCapFromEnv(env: SmsEnv, protocol: Protocol): number | undefined {
  return env.SMS_PROVIDER === 'aliyun' && protocol.mainlandSms ? mainlandDailyCap(protocol, protocol.mainlandSms) : undefined;
}
