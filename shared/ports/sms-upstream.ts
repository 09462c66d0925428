/**
 * Messages the SMS provider holds for us to pull (no public webhook): patients' replies
 * ("upstream", MO) and delivery receipts. At-least-once: a message stays with the provider until
 * acknowledged and comes back (with a higher delivery count) when it is not.
 */
export type UpstreamKind = 'reply' | 'receipt';

/** A patient's SMS to the study, as the provider reports it. */
export interface UpstreamReply {
  /** The provider's id of this SMS (stable across redeliveries and duplicate pushes). */
  providerMessageId: string;
  /** Sender, E.164. */
  from: string;
  /** The number or extension it was sent to. */
  to: string;
  text: string;
  /** When the patient sent it (UTC ISO). */
  sentAt: string;
}

/** What became of one SMS we sent. */
export interface DeliveryReceipt {
  /** The id the provider gave when it accepted the SMS (SendSms BizId). */
  providerMessageId: string;
  status: 'delivered' | 'failed';
  /** The carrier's code for a failure (never a number or a text). */
  reason?: string;
  /** When the carrier reported (UTC ISO). */
  reportedAt: string;
}

export type UpstreamContent =
  | { type: 'reply'; reply: UpstreamReply }
  | { type: 'receipt'; receipt: DeliveryReceipt }
  /** A body that is not what the provider documents: zod paths only (no values). */
  | { type: 'unreadable'; issues: string[] };

export interface UpstreamMessage {
  kind: UpstreamKind;
  /** The queue's id of this message. */
  queueMessageId: string;
  /** Opaque token that acknowledges this delivery (changes with every delivery). */
  handle: string;
  /** How many times it has been delivered, this one included. */
  deliveryCount: number;
  content: UpstreamContent;
}

export interface SmsUpstream {
  /** Up to `max` messages of one kind; [] when none. Throws when the provider cannot be reached. */
  receive(kind: UpstreamKind, max: number): Promise<UpstreamMessage[]>;
  /** Acknowledges delivered messages: they will not come back. */
  acknowledge(kind: UpstreamKind, handles: string[]): Promise<void>;
}

/** Delivery receipts into the message log. */
export interface DeliveryReceiptLog {
  /**
   * Sets the delivery outcome of the outbound message with this provider id: 'recorded', or
   * 'unchanged' when a later (or the same) report is already there, or 'unknown_message' when no
   * outbound message has that id (yet).
   */
  recordDelivery(receipt: DeliveryReceipt): Promise<'recorded' | 'unchanged' | 'unknown_message'>;
}
