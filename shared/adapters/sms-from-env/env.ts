import type { Protocol } from '#domain/protocol.ts';

/** The SMS settings of a function's environment (shared/config/env.ts `smsEnvSchema`). */
export interface SmsEnv {
  SMS_PROVIDER: 'sns' | 'aliyun';
  SMS_SENDER_ID?: string | undefined;
  SMS_ORIGINATION_NUMBER?: string | undefined;
  SMS_SIGNATURE?: string | undefined;
  SMS_MAX_PRICE_USD?: string | undefined;
  ALIYUN_CREDENTIALS_SECRET_ARN?: string | undefined;
  ALIYUN_SMS_ENDPOINT?: string | undefined;
}

/** The signature the provider prints: counted in the logged text and its parts. */
export function smsSignatureFromEnv(env: SmsEnv, protocol: Protocol): string | undefined {
  if (env.SMS_PROVIDER === 'aliyun') return protocol.mainlandSms?.signName;
  return env.SMS_SIGNATURE;
}
