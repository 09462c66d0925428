/** Outbound SMS behind a port: SNS Publish on AWS (or End User Messaging SendTextMessage), a local gateway locally. */
export interface SmsSender {
  /** Sends one SMS; resolves with the provider's message id. Throws SmsSendError. */
  send(message: { to: string; body: string }): Promise<{ messageId: string }>;
  /** Whether the provider's opt-out list holds this number (SNS CheckIfPhoneNumberIsOptedOut). */
  isOptedOut(phone: string): Promise<boolean>;
}

export type SmsFailureKind = 'transient' | 'permanent';

export class SmsSendError extends Error {
  constructor(
    readonly kind: SmsFailureKind,
    /** Short machine reason, never the number or the body: 'throttled', 'invalid_number', 'opted_out', 'provider_error' … */
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? reason);
    this.name = 'SmsSendError';
  }
}
