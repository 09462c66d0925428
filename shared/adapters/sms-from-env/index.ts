import type { Protocol } from '#domain/protocol.ts';
import type { SmsSender } from '#ports/sms.ts';
import { aliyunSenderFromEnv } from './aliyun.ts';
import type { SmsEnv } from './env.ts';
import { snsSenderFromEnv } from './sns.ts';

export type { SmsEnv } from './env.ts';
export { smsSignatureFromEnv } from './env.ts';
export { aliyunSenderFromEnv, dailyCapFromEnv } from './aliyun.ts';
export { snsSenderFromEnv } from './sns.ts';

/**
 * The SMS provider of this environment, for a function deployed with either (dispatch-reminders):
 * SNS (global regions) or Alibaba Cloud SMS (env=cn). A function deployed with one provider only
 * imports that provider's module (inbound-sms: ./sns.ts; pull-sms: ./aliyun.ts), so it neither
 * carries nor loads the other's code and SDK clients.
 */
export function smsSenderFromEnv(env: SmsEnv, protocol: Protocol): SmsSender {
  return env.SMS_PROVIDER === 'sns' ? snsSenderFromEnv(env) : aliyunSenderFromEnv(env, protocol);
}
