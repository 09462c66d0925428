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
  /** Idempotent on inboundMessageId: `created: false` for a redelivery (the stored one is returned). */
  storeInbound(message: InboundMessage): Promise<{ created: boolean; message: InboundMessage }>;
  markInboundProcessed(inboundMessageId: string, update: { processedAt: string; interpretation?: Record<string, unknown>; replyIds?: string[] }): Promise<void>;
  getInbound(inboundMessageId: string): Promise<InboundMessage | null>;
  /** Idempotent on id. Also indexes the provider message id, so a reply's previousPublishedMessageId finds its reminder. */
  recordOutbound(message: OutboundMessage): Promise<void>;
  findOutboundByProviderId(providerMessageId: string): Promise<OutboundMessage | null>;
  /** Both directions, newest first. */
  listForPatient(patientId: string, limit?: number): Promise<(({ direction: 'in' } & InboundMessage) | ({ direction: 'out' } & OutboundMessage))[]>;
  listWeek(isoWeek: string): Promise<{ inbound: InboundMessage[]; outbound: OutboundMessage[] }>;
  /** At most one reply per unknown number per local day: true the first time for (phone, day). */
  claimUnknownSenderReply(phone: string, localDate: string): Promise<boolean>;
  /**
   * A processing lease on a stored inbound message, so concurrent deliveries of the same message
   * are processed by one invocation at a time: 'claimed' (yours until `now + leaseSeconds`),
   * 'processed' (already done: do nothing), 'busy' (another invocation holds an unexpired lease),
   * 'missing' (not stored).
   */
  claimInboundProcessing(inboundMessageId: string, owner: string, now: string, leaseSeconds: number): Promise<'claimed' | 'processed' | 'busy' | 'missing'>;
  getOutbound(id: string): Promise<OutboundMessage | null>;
}
