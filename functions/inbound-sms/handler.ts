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
import { smsSignatureFromEnv } from '#adapters/sms-from-env/env.ts';
import { snsSenderFromEnv } from '#adapters/sms-from-env/sns.ts';
import { handleInboundSms, retryUnprocessedInbound, type InboundResult, type InboundSmsDeps, type RetryUnprocessedResult } from '#app/inbound/index.ts';
import { inboundSmsEnvSchema, parseEnv } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { RETRY_UNPROCESSED_INBOUND_TASK, retryUnprocessedInboundEventSchema } from '#config/scheduled-tasks.ts';
import { systemClock } from '#ports/clock.ts';

export interface InboundBatchResult {
  processed: number;
  duplicates: number;
}

/** The scheduled retry's answer: what `retryUnprocessedInbound` did, named by its task. */
export interface InboundRetryResult extends RetryUnprocessedResult {
  task: typeof RETRY_UNPROCESSED_INBOUND_TASK;
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
 * Also, every `inbound.retryAfterMinutes`, a scheduled event carrying the task
 * `retry-unprocessed-inbound`: the texts no delivery finished are processed (docs/replies.md,
 * "Never lost"), under the same leases as deliveries, so it runs safely beside them.
 * Logs carry SNS MessageIds, inboundMessageIds, study IDs, intents and zod issue paths — never a
 * phone number, a message body or the event.
 */
export interface InboundHandlerOptions {
  logger?: Pick<ReturnType<typeof createLogger>, 'info' | 'warn' | 'error'>;
  metrics?: Pick<ReturnType<typeof createMetrics>, 'addMetric' | 'publishStoredMetrics'>;
}

const LEASE_MARGIN_SECONDS = 5;
/**
 * The scheduled retry starts another text only while this much of the invocation is left. The
 * function's timeout is 30 s (it bounds a delivery's lease, which must end before Lambda's retry
 * a minute later), so the retry's default reserve of 35 s (sized for the 2-minute sweep that ran
 * it before) would never start a text: 10 s covers one text's worst case (the SMS sender's backoff
 * budget is 6 s, its calls and DynamoDB's a few more) and leaves ~20 s of a run to start texts in.
 * A text still running at the timeout is not lost: its lease ends 5 s after the invocation could
 * and the next run takes it.
 */
export const RETRY_RESERVE_MS = 10_000;

export function createInboundHandler(deps: InboundSmsDeps, options: InboundHandlerOptions = {}) {
  const logger = options.logger ?? createLogger('inbound-sms');
  const metrics = options.metrics ?? createMetrics('inbound-sms');

  async function retryRun(invocationId: string, remainingMs: (() => number) | undefined, leaseSeconds: number | undefined): Promise<InboundRetryResult> {
    const result = await retryUnprocessedInbound(deps, deps.clock.now(), {
      workerId: `retry:${invocationId}`,
      reserveMs: RETRY_RESERVE_MS,
      ...(remainingMs ? { remainingMs } : {}),
      ...(leaseSeconds ? { leaseSeconds } : {}),
    });
    if (result.due > 0) logger.info('unprocessed inbound texts retried', { ...result });
    metrics.addMetric('inbound_retry_due', MetricUnit.Count, result.due);
    metrics.addMetric('inbound_retry_processed', MetricUnit.Count, result.processed);
    metrics.addMetric('inbound_retry_failed', MetricUnit.Count, result.failed);
    metrics.addMetric('inbound_unprocessed_alerts', MetricUnit.Count, result.alerted);
    metrics.publishStoredMetrics();
    return { task: RETRY_UNPROCESSED_INBOUND_TASK, ...result };
  }

  return middy<unknown, InboundBatchResult | InboundRetryResult, Error, Context>().handler(async (event, context): Promise<InboundBatchResult | InboundRetryResult> => {
    // Each invocation its own lease owner: two invocations must never share one (no context locally).
    const invocationId = context?.awsRequestId ?? randomUUID();
    // The lease lasts as long as this invocation can (plus a margin), so Lambda's retry a minute
    // after a timeout finds it free; a failure releases it at once.
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined;
    const remainingMs = remaining?.() ?? 0;
    const leaseSeconds = remainingMs > 0 ? Math.ceil(remainingMs / 1000) + LEASE_MARGIN_SECONDS : undefined;

    if (retryUnprocessedInboundEventSchema.safeParse(event).success) return retryRun(invocationId, remaining, leaseSeconds);
    const parsed = snsEventSchema.safeParse(event);
    if (!parsed.success) {
      logger.error('event is neither an SNS event nor the scheduled retry task', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) });
      throw new InboundBatchError(1, 1);
    }
    const records = parsed.data.Records;
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
// SMS retries live in the sender (throttling vs. ambiguous timeouts); alerts use the SDK's retries.
const smsSignature = smsSignatureFromEnv(env, protocol);
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
  sms: snsSenderFromEnv(env),
  clock: systemClock,
  protocol,
  ...(smsSignature ? { smsSignature } : {}),
});
