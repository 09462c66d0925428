import type { Alert } from './alerts.ts';

/** Delivers alerts to people (SNS topics with e-mail/SMS subscriptions on AWS; an in-memory inbox locally). */
export interface AlertPublisher {
  /** The message carries no phone numbers or message bodies: study ID, kind, and the alert id/link only. */
  publish(alert: Alert, channel: 'coordinators' | 'escalation'): Promise<void>;
  /** Free text already free of PHI (the weekly digest). */
  publishText(subject: string, text: string, channel: 'coordinators' | 'escalation'): Promise<void>;
}
