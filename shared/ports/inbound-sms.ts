/**
 * An inbound SMS as the inbound use case receives it, whichever transport carried it (the SNS
 * two-way topic, or a mainland provider's reply queue pulled by pull-sms). The adapters validate
 * the transport's format (zod) and hand over this shape.
 */
export interface InboundSmsPayload {
  originationNumber: string;
  destinationNumber: string;
  messageKeyword?: string | undefined;
  /** May be empty (a blank SMS is still stored). */
  messageBody: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string | undefined;
  /** Fields the provider adds over time are kept (origination metadata). */
  [extra: string]: unknown;
}

/** A parsed inbound SMS with its envelope facts. */
export interface InboundSmsRecord {
  snsMessageId: string;
  /** UTC ISO instant (SNS Timestamp, normalized). */
  receivedAt: string;
  payload: InboundSmsPayload;
  /** The SNS envelope as sent (origination metadata kept on the stored message). */
  snsTopicArn?: string;
  snsTimestamp?: string;
}
