/**
 * Messages the SMS provider holds for us to pull (no public webhook): patients' replies
 * ("upstream", MO) and delivery receipts. At-least-once: a message stays with the provider until
 * acknowledged, and comes back (with a higher delivery count) when it is not.
 */
export type UpstreamKind = 'reply' | 'receipt';

export interface UpstreamMessage {
  kind: UpstreamKind;
  /** The provider's id of this queue message: the de-duplication key. */
  providerMessageId: string;
  /** Opaque token that acknowledges this delivery (changes with every delivery). */
  handle: string;
  /** How many times it has been delivered, this one included. */
  deliveryCount: number;
  /** When the provider queued it (UTC ISO). */
  enqueuedAt: string;
  /** The message body as the provider wrote it (JSON text); parsed by the use case. */
  body: string;
}

export interface SmsUpstream {
  /** Up to `max` messages of one kind; [] when none. Throws when the provider cannot be reached. */
  receive(kind: UpstreamKind, max: number): Promise<UpstreamMessage[]>;
  /** Acknowledges delivered messages: they will not come back. */
  acknowledge(kind: UpstreamKind, handles: string[]): Promise<void>;
}
