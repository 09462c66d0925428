import type { Language, TemplateKey } from '#domain/protocol.ts';

/**
 * Which protocol template an SMS was rendered from, with the values of its placeholders.
 * Mainland-China providers send only pre-approved templates: they get this instead of the text.
 */
export interface SmsTemplateRef {
  key: TemplateKey;
  lang: Language;
  /** Placeholder values as rendered into the text (strings, never the phone number). */
  params: Record<string, string>;
}

export interface OutboundSms {
  to: string;
  /** The full text the patient reads (signature included where the provider adds one): logged and counted. */
  body: string;
  /** The template behind `body`; required by template-only providers (Alibaba Cloud SMS). */
  template?: SmsTemplateRef;
}

/** Outbound SMS behind a port: SNS Publish on AWS, Alibaba Cloud SMS in mainland China, a local gateway locally. */
export interface SmsSender {
  /** Sends one SMS; resolves with the provider's message id. Throws SmsSendError. */
  send(message: OutboundSms): Promise<{ messageId: string }>;
  /** Whether the provider's opt-out list holds this number (SNS CheckIfPhoneNumberIsOptedOut; false where the provider has none). */
  isOptedOut(phone: string): Promise<boolean>;
}

export type SmsFailureKind = 'transient' | 'permanent';

export class SmsSendError extends Error {
  constructor(
    readonly kind: SmsFailureKind,
    /** Short machine reason, never the number or the body: 'throttled', 'invalid_number', 'opted_out', 'provider_error', 'template_not_approved' … */
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? reason);
    this.name = 'SmsSendError';
  }
}
