import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mainlandDailyCap, validateMainlandSms } from '#domain/mainland-sms.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { OutboundSms, SmsSender } from '#ports/sms.ts';
import { AliyunSmsSender } from '../aliyun/aliyun-sms-sender.ts';
import { dysmsapiClient } from '../aliyun/client.ts';
import { loadAliyunCredentials } from '../aliyun/credentials.ts';
import type { SmsEnv } from './env.ts';

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
 * Alibaba Cloud SMS (mainland China, env=cn): the sender of pull-sms, which only mainland
 * environments deploy. The protocol's mainlandSms mapping is validated here, so a broken mapping
 * fails the cold start.
 */
export function aliyunSenderFromEnv(env: SmsEnv, protocol: Protocol): SmsSender {
  if (env.SMS_PROVIDER !== 'aliyun') throw new Error(`this function sends through Alibaba Cloud SMS only; SMS_PROVIDER is ${env.SMS_PROVIDER}`);
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

/** The reminder cap per patient and day when the provider's per-number limit is lower than the protocol's. */
export function dailyCapFromEnv(env: SmsEnv, protocol: Protocol): number | undefined {
  return env.SMS_PROVIDER === 'aliyun' && protocol.mainlandSms ? mainlandDailyCap(protocol, protocol.mainlandSms) : undefined;
}
