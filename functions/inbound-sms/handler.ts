import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { parseInboundRecord, snsEventSchema } from '#adapters/sns/inbound-payload.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { SnsSmsSender } from '#adapters/sns/sns-sms-sender.ts';
import { handleInboundSms, type InboundResult, type InboundSmsDeps } from '#app/inbound/index.ts';
import { inboundSmsEnvSchema, parseEnv } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock } from '#ports/clock.ts';

export interface InboundBatchResult {
  processed: number;
  duplicates: number;
}

/** Thrown after the whole batch ran when any record failed: Lambda retries, then the DLQ / on-failure destination. */
export class InboundBatchError extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
  ) {
    super(`${failed} of ${total} inbound SMS record(s) failed; see the log by SNS MessageId`);
    this.name = 'InboundBatchError';
  }
}

class MalformedRecordError extends Error {
  constructor() {
    super('malformed inbound SMS record');
    this.name = 'MalformedRecordError';
  }
}

class BusyRecordError extends Error {
  constructor() {
    super('inbound message is being processed by another invocation');
    this.name = 'BusyRecordError';
  }
}

/**
 * inbound-sms: the SNS topic End User Messaging publishes two-way SMS to. Every record is handled
 * on its own (one bad record never blocks the others); when any failed, the handler throws at the
 * end so the event is retried and finally goes to the DLQ. A retry re-runs the good records too:
 * they are idempotent on inboundMessageId (stored once, processed once, one reply).
 * Logs carry SNS MessageIds, inboundMessageIds, study IDs, intents and zod issue paths — never a
 * phone number, a message body or the event.
 */
export interface InboundHandlerOptions {
  logger?: Pick<ReturnType<typeof createLogger>, 'info' | 'warn' | 'error'>;
  metrics?: Pick<ReturnType<typeof createMetrics>, 'addMetric' | 'publishStoredMetrics'>;
}

const LEASE_MARGIN_SECONDS = 5;

export function createInboundHandler(deps: InboundSmsDeps, options: InboundHandlerOptions = {}) {
  const logger = options.logger ?? createLogger('inbound-sms');
  const metrics = options.metrics ?? createMetrics('inbound-sms');
  return middy<unknown, InboundBatchResult, Error, Context>().handler(async (event, context): Promise<InboundBatchResult> => {
    const parsed = snsEventSchema.safeParse(event);
    if (!parsed.success) {
      logger.error('event is not an SNS event', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) });
      throw new InboundBatchError(1, 1);
    }
    const records = parsed.data.Records;
    // Each invocation its own lease owner: two invocations must never share one (no context locally).
    const invocationId = context?.awsRequestId ?? randomUUID();
    // The lease lasts as long as this invocation can (plus a margin), so Lambda's retry a minute
    // after a timeout finds it free; a failure releases it at once.
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
    const leaseSeconds = remainingMs > 0 ? Math.ceil(remainingMs / 1000) + LEASE_MARGIN_SECONDS : undefined;
    const settled = await Promise.allSettled(
      records.map(async (raw, index): Promise<InboundResult> => {
        const record = parseInboundRecord(raw);
        if (!record.ok) {
          logger.error('malformed inbound SMS record', { snsMessageId: record.snsMessageId, issues: record.issues });
          throw new MalformedRecordError();
        }
        const result = await handleInboundSms(deps, record.record, { workerId: `${invocationId}#${index}`, ...(leaseSeconds ? { leaseSeconds } : {}) });
        if (result.status === 'busy') {
          logger.warn('inbound message in progress elsewhere; retry', { snsMessageId: record.record.snsMessageId, inboundMessageId: result.inboundMessageId });
          throw new BusyRecordError();
        }
        logger.info('inbound SMS handled', {
          snsMessageId: record.record.snsMessageId,
          inboundMessageId: result.inboundMessageId,
          status: result.status,
          studyId: result.studyId,
          intent: result.intent,
          redFlag: result.redFlag,
          reports: result.reportIds.length,
          alerts: result.alertIds.length,
          replies: result.replyIds.length,
          withheldReplies: result.withheldReplies.map((w) => `${w.purpose}:${w.reason}`),
          ...(result.lateMinutes !== undefined ? { lateMinutes: result.lateMinutes } : {}),
        });
        for (const failure of result.replyFailures) logger.warn('reply not sent', { inboundMessageId: result.inboundMessageId, purpose: failure.purpose, reason: failure.reason });
        return result;
      }),
    );

    let processed = 0;
    let duplicates = 0;
    let failed = 0;
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        if (outcome.value.status === 'duplicate') duplicates++;
        else processed++;
        return;
      }
      failed++;
      const reason = outcome.reason as unknown;
      if (reason instanceof MalformedRecordError || reason instanceof BusyRecordError) return;
      const snsMessageId = (records[index] as { Sns?: { MessageId?: unknown } } | null)?.Sns?.MessageId;
      logger.error('inbound SMS record failed', { snsMessageId: typeof snsMessageId === 'string' ? snsMessageId : null, error: safeError(reason) });
    });
    metrics.addMetric('inbound_processed', MetricUnit.Count, processed);
    metrics.addMetric('inbound_duplicates', MetricUnit.Count, duplicates);
    metrics.addMetric('inbound_failed', MetricUnit.Count, failed);
    metrics.publishStoredMetrics();
    if (failed > 0) throw new InboundBatchError(failed, records.length);
    return { processed, duplicates };
  });
}

// Cold start: configuration fails loudly here, clients are reused across invocations.
const env = parseEnv(inboundSmsEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
// SMS retries live in SnsSmsSender (throttling vs. ambiguous timeouts); alerts use the SDK's retries.
const smsClient = new SNSClient({ maxAttempts: 1 });
const alertClient = new SNSClient({});

export const handler = createInboundHandler({
  patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
  reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  reports: new DynamoReportRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  messages: new DynamoMessageLog(doc, env.TABLE_NAME, protocol.studyTimeZone),
  conversations: new DynamoConversationRepository(doc, env.TABLE_NAME),
  alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  publisher: new SnsAlertPublisher(alertClient, { coordinators: env.ALERT_TOPIC_ARN }, env.CONSOLE_URL),
  audit: new DynamoAuditLog(doc, env.TABLE_NAME),
  sms: new SnsSmsSender(smsClient, {
    ...(env.SMS_SENDER_ID ? { senderId: env.SMS_SENDER_ID } : {}),
    ...(env.SMS_ORIGINATION_NUMBER ? { originationNumber: env.SMS_ORIGINATION_NUMBER } : {}),
    ...(env.SMS_MAX_PRICE_USD ? { maxPriceUsd: env.SMS_MAX_PRICE_USD } : {}),
    ...(env.SMS_SIGNATURE ? { signature: env.SMS_SIGNATURE } : {}),
  }),
  clock: systemClock,
  protocol,
  ...(env.SMS_SIGNATURE ? { smsSignature: env.SMS_SIGNATURE } : {}),
});
