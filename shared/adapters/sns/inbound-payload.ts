import * as z from '#domain/zod.ts';
import type { InboundSmsRecord } from '#ports/inbound-sms.ts';

export type { InboundSmsRecord } from '#ports/inbound-sms.ts';

/**
 * The two-way SMS message AWS End User Messaging publishes to the inbound SNS topic
 * (../shared/brief/sms-facts.md), and the SNS record that carries it to Lambda as a JSON string.
 * Unknown extra fields are kept (AWS adds fields over time); the ones we rely on are checked.
 */

/** A sender number: E.164 for handsets; short codes and long codes without "+" also occur. */
const senderNumber = z.string().check(z.regex(/^\+?[0-9]{3,15}$/, 'must be a phone number (E.164) or a short code'));

export const inboundSmsPayloadSchema = z.looseObject({
  originationNumber: senderNumber,
  destinationNumber: z.string().check(z.minLength(1), z.maxLength(32)),
  messageKeyword: z.optional(z.string().check(z.maxLength(64))),
  /** May be empty (a blank SMS is still stored); 1,600 characters is ten concatenated parts and then some. */
  messageBody: z.string().check(z.maxLength(1600)),
  inboundMessageId: z.string().check(z.minLength(1), z.maxLength(200)),
  previousPublishedMessageId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});
export type InboundSmsPayload = z.infer<typeof inboundSmsPayloadSchema>;

/** One record of the Lambda SNS event (fields beyond these are ignored). */
export const snsEventRecordSchema = z.looseObject({
  EventSource: z.optional(z.literal('aws:sns')),
  Sns: z.looseObject({
    MessageId: z.string().check(z.minLength(1)),
    TopicArn: z.optional(z.string()),
    /** When SNS accepted the message: the message's receivedAt. */
    Timestamp: z.iso.datetime({ offset: true }),
    Message: z.string(),
  }),
});
export type SnsEventRecord = z.infer<typeof snsEventRecordSchema>;

export const snsEventSchema = z.looseObject({ Records: z.array(z.unknown()) });

export type InboundParseResult =
  | { ok: true; record: InboundSmsRecord }
  /** `issues` are zod paths and codes only: safe to log (no values, no message bodies, no numbers). */
  | { ok: false; snsMessageId: string | null; issues: { path: string; code: string }[] };

/** Validates one SNS record and its End User Messaging payload. Never throws. */
export function parseInboundRecord(raw: unknown): InboundParseResult {
  const record = snsEventRecordSchema.safeParse(raw);
  const snsMessageId = messageIdOf(raw);
  if (!record.success) return { ok: false, snsMessageId, issues: issuesOf(record.error) };
  let json: unknown;
  try {
    json = JSON.parse(record.data.Sns.Message);
  } catch {
    return { ok: false, snsMessageId, issues: [{ path: 'Sns.Message', code: 'invalid_json' }] };
  }
  const payload = inboundSmsPayloadSchema.safeParse(json);
  if (!payload.success) return { ok: false, snsMessageId, issues: issuesOf(payload.error, 'Sns.Message') };
  return {
    ok: true,
    record: {
      snsMessageId: record.data.Sns.MessageId,
      receivedAt: new Date(record.data.Sns.Timestamp).toISOString(),
      payload: payload.data,
      ...(record.data.Sns.TopicArn ? { snsTopicArn: record.data.Sns.TopicArn } : {}),
      snsTimestamp: record.data.Sns.Timestamp,
    },
  };
}

function messageIdOf(raw: unknown): string | null {
  const id = (raw as { Sns?: { MessageId?: unknown } } | null)?.Sns?.MessageId;
  return typeof id === 'string' && id.length <= 200 ? id : null;
}

function issuesOf(error: z.core.$ZodError, prefix?: string): { path: string; code: string }[] {
  return error.issues.map((i) => ({ path: [...(prefix ? [prefix] : []), ...i.path.map(String)].join('.') || '(record)', code: i.code }));
}
