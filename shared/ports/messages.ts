/**
 * What the provider said about where a text came from, kept as received so a coordinator can judge
 * a spoofed sender (SMS cannot prove one): the End User Messaging payload's fields and the SNS envelope.
 */
export interface InboundOrigination {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword?: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string;
  snsMessageId?: string;
  snsTopicArn?: string;
  /** SNS Timestamp as sent. */
  snsTimestamp?: string;
  /** Any further payload fields the provider added (strings and numbers only, each at most 200 characters). */
  extra?: Record<string, string | number | boolean>;
}

/** Raw inbound SMS, stored before anything else happens to it. */
export interface InboundMessage {
  inboundMessageId: string;
  from: string;
  to: string;
  body: string;
  keyword?: string;
  previousPublishedMessageId?: string;
  receivedAt: string;
  patientId: string | null;
  studyId: string | null;
  processedAt?: string;
  interpretation?: Record<string, unknown>;
  replyIds?: string[];
  origination?: InboundOrigination;
  /** Deleted after this instant (texts from unknown numbers; DynamoDB TTL). Absent: kept. */
  retainUntil?: string;
  /** Processing attempts so far (each claim of the processing lease is one). */
  attempts?: number;
  /** When the last failed attempt ended and why (an error class name, never a text). */
  lastFailureAt?: string;
  lastFailure?: string;
  /** When the sweep may retry it (while unprocessed). */
  retryAt?: string;
  /** Replies decided but not sent (budget, repeat, auto-responder, country …). */
  withheldReplies?: { purpose: string; reason: string }[];
}

/** One unknown number's texts on one local day. */
export interface UnknownSenderTally {
  count: number;
  redFlags: number;
  firstAt: string;
  lastAt: string;
  /** The most recent inbound message ids (at most 20). */
  recentMessageIds: string[];
}

export interface OutboundMessage {
  id: string;
  providerMessageId: string;
  to: string;
  body: string;
  parts: number;
  sentAt: string;
  patientId: string | null;
  studyId: string | null;
  purpose: 'reminder' | 'reply' | 'conversation';
  reminderId?: string;
  reminderDueAt?: string;
  inReplyTo?: string;
  /** The carrier's delivery report, where the provider sends one (Alibaba Cloud SmsReport). */
  delivery?: { status: 'delivered' | 'failed'; reason?: string; reportedAt: string };
}

export interface MessageLog {
  /**
   * Idempotent on inboundMessageId: `created: false` for a redelivery (the stored one is returned).
   * With `lease`, a message this call creates is stored under that processing lease (one attempt
   * counted), as claimInboundProcessing would leave it: the same conditional write, no second request.
   */
  storeInbound(message: InboundMessage, lease?: { owner: string; until: string }): Promise<{ created: boolean; message: InboundMessage }>;
  /** Marks it processed and takes it out of the retry queue. */
  markInboundProcessed(
    inboundMessageId: string,
    update: { processedAt: string; interpretation?: Record<string, unknown>; replyIds?: string[]; withheldReplies?: { purpose: string; reason: string }[] },
  ): Promise<void>;
  getInbound(inboundMessageId: string): Promise<InboundMessage | null>;
  /** Idempotent on id. Also indexes the provider message id, so a reply's previousPublishedMessageId finds its reminder. */
  recordOutbound(message: OutboundMessage): Promise<void>;
  findOutboundByProviderId(providerMessageId: string): Promise<OutboundMessage | null>;
  /** Both directions, newest first. */
  listForPatient(patientId: string, limit?: number): Promise<(({ direction: 'in' } & InboundMessage) | ({ direction: 'out' } & OutboundMessage))[]>;
  listWeek(isoWeek: string): Promise<{ inbound: InboundMessage[]; outbound: OutboundMessage[] }>;
  /** At most one reply per unknown number per local day: true the first time for (phone, day). The claim expires with `retainUntil`. */
  claimUnknownSenderReply(phone: string, localDate: string, retainUntil?: string): Promise<boolean>;
  /**
   * One unit of a daily reply budget (`scope`: a sender, or all unknown numbers), idempotent on
   * `replyId` (a retry of the same reply is granted again without spending more): true while fewer
   * than `limit` replies were granted for (scope, day).
   */
  claimReplyBudget(scope: string, localDate: string, replyId: string, limit: number, retainUntil: string): Promise<boolean>;
  /** The sender's text received just before this one (same sender, any day), or null. */
  previousInbound(message: InboundMessage): Promise<InboundMessage | null>;
  /** Counts a text from an unknown number into its day (idempotent on inboundMessageId). */
  tallyUnknownSender(phone: string, localDate: string, entry: { inboundMessageId: string; receivedAt: string; redFlag: boolean }, retainUntil: string): Promise<UnknownSenderTally>;
  /**
   * Ends a failed attempt: releases the lease (if this owner holds it), records when and why, and
   * sets when the sweep may retry it. Returns the attempts made so far.
   */
  releaseInboundProcessing(inboundMessageId: string, owner: string, failure: { at: string; reason: string; retryAt: string }): Promise<{ attempts: number }>;
  /** Stored texts not processed whose retry time has come, oldest first (a sparse index; no Scan). */
  listUnprocessedInbound(now: string, limit?: number): Promise<InboundMessage[]>;
  /**
   * A processing lease on a stored inbound message, so concurrent deliveries of the same message
   * are processed by one invocation at a time: 'claimed' (yours until `now + leaseSeconds`),
   * 'processed' (already done: do nothing), 'busy' (another invocation holds an unexpired lease),
   * 'missing' (not stored). Each 'claimed' counts one attempt.
   */
  claimInboundProcessing(inboundMessageId: string, owner: string, now: string, leaseSeconds: number): Promise<'claimed' | 'processed' | 'busy' | 'missing'>;
  getOutbound(id: string): Promise<OutboundMessage | null>;
}
