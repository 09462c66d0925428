import { SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '#ports/sms.ts';
import { SnsSmsSender } from '../sns/sns-sms-sender.ts';
import type { SmsEnv } from './env.ts';

/** Amazon SNS (global regions): the sender of inbound-sms, which only SNS environments deploy. */
export function snsSenderFromEnv(env: SmsEnv): SmsSender {
  if (env.SMS_PROVIDER !== 'sns') throw new Error(`this function sends through Amazon SNS only; SMS_PROVIDER is ${env.SMS_PROVIDER}`);
  return new SnsSmsSender(new SNSClient({ maxAttempts: 1 }), {
    ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
    ...(env.SMS_ORIGINATION_NUMBER ? { originationNumber: env.SMS_ORIGINATION_NUMBER } : {}),
    ...(env.SMS_MAX_PRICE_USD ? { maxPriceUsd: env.SMS_MAX_PRICE_USD } : {}),
    ...(env.SMS_SIGNATURE ? { signature: env.SMS_SIGNATURE } : {}),
  });
}
