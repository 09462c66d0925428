import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from '#domain/zod.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { dybaseapiClient } from '#adapters/aliyun/client.ts';
import { loadAliyunCredentials } from '#adapters/aliyun/credentials.ts';
import { MnsUpstream } from '#adapters/aliyun/mns-upstream.ts';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { aliyunSenderFromEnv } from '#adapters/sms-from-env/aliyun.ts';
import { smsSignatureFromEnv } from '#adapters/sms-from-env/env.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { retryUnprocessedInbound, type RetryUnprocessedResult } from '#app/inbound/index.ts';
import { pullSmsUpstream, UpstreamPullError, type PullDeps, type PullResult } from '#app/pull-sms-upstream.ts';
import { parseEnv, pullSmsEnvSchema } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock } from '#ports/clock.ts';
import type { SmsUpstream } from '#ports/sms-upstream.ts';

const eventSchema = z.nullish(z.looseObject({}));

/** What a run did: the pull, then the retry of stored texts no run finished. */
export interface PullRunResult extends PullResult {
  retry: RetryUnprocessedResult;
}

/**
 * The retry after the pull starts another text only while this much of the run is left (the
 * function's timeout is 55 s; the pull itself stops fetching with 15 s left). Its default of 35 s
 * was sized for the 2-minute sweep that ran it before; 10 s covers one text's worst case.
 */
export const RETRY_RESERVE_MS = 10_000;
const LEASE_MARGIN_SECONDS = 5;

/**
 * pull-sms (env=cn, Scheduler every minute): replies and delivery receipts from the provider's
 * queues, then the retry of stored replies no run finished processing (docs/replies.md "Never
 * lost": on the mainland the function that processes replies owns their retry, as inbound-sms
 * does on SNS). The retry runs even when the provider is down (the texts are in the table), and
 * the run still fails afterwards so the alarm sees the outage. Logs carry queue message ids,
 * counts and reasons — never a number or a text.
 */
export function createPullHandler(deps: Omit<PullDeps, 'upstream'> & { upstream: SmsUpstream | (() => Promise<SmsUpstream>) }) {
  const logger = createLogger('pull-sms');
  const metrics = createMetrics('pull-sms');
  let upstream: SmsUpstream | undefined;
  return middy<unknown, PullRunResult, Error, Context>().handler(async (event, context) => {
    if (!eventSchema.safeParse(event).success) throw new Error('pull-sms: unexpected event');
    const owner = `pull:${context?.awsRequestId ?? randomUUID()}`;
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined;
    let result: PullResult | null = null;
    let pullError: unknown = null;
    try {
      upstream ??= typeof deps.upstream === 'function' ? await deps.upstream() : deps.upstream;
      result = await pullSmsUpstream(
        { ...deps, upstream },
        {
          owner,
          ...(remainingMs ? { remainingMs } : {}),
          onProblem: (p) => logger.warn('upstream message not handled', p),
        },
      );
    } catch (error) {
      pullError = error;
      if (error instanceof UpstreamPullError) {
        logger.error('provider pull failed', { unavailable: error.result.unavailable, causes: error.causes.map(safeError) });
        result = error.result;
      } else logger.error('provider pull could not start', { error: safeError(error) });
    }
    if (result) {
      record(metrics, result);
      if (result.replies + result.receipts + result.poison > 0) logger.info('pull run', { ...result });
    }

    // The retry leases each text for what is left of this run plus a margin (then the next run may take it).
    const left = remainingMs?.() ?? 0;
    let retry: RetryUnprocessedResult;
    try {
      retry = await retryUnprocessedInbound(deps.inbound, deps.inbound.clock.now(), {
        workerId: `retry:${owner}`,
        reserveMs: RETRY_RESERVE_MS,
        ...(remainingMs ? { remainingMs } : {}),
        ...(left > 0 ? { leaseSeconds: Math.ceil(left / 1000) + LEASE_MARGIN_SECONDS } : {}),
      });
    } catch (error) {
      logger.error('retry of unprocessed inbound texts failed', { error: safeError(error) });
      throw pullError ?? error;
    }
    if (retry.due > 0) logger.info('unprocessed inbound texts retried', { ...retry });
    metrics.addMetric('RetryDue', MetricUnit.Count, retry.due);
    metrics.addMetric('RetryProcessed', MetricUnit.Count, retry.processed);
    metrics.addMetric('RetryFailed', MetricUnit.Count, retry.failed);
    metrics.publishStoredMetrics();

    if (pullError || !result) throw pullError;
    return { ...result, retry };
  });
}

function record(metrics: ReturnType<typeof createMetrics>, result: PullResult): void {
  metrics.addMetric('PulledReplies', MetricUnit.Count, result.replies);
  metrics.addMetric('PulledReceipts', MetricUnit.Count, result.receipts);
  metrics.addMetric('PulledPoison', MetricUnit.Count, result.poison + result.orphans);
  metrics.addMetric('PullUnavailable', MetricUnit.Count, result.unavailable.length);
  metrics.publishStoredMetrics();
}

const env = parseEnv(pullSmsEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const messages = new DynamoMessageLog(doc, env.TABLE_NAME, protocol.studyTimeZone);
const smsSignature = smsSignatureFromEnv(env, protocol);

export const handler = createPullHandler({
  receipts: messages,
  upstream: async () => {
    const credentials = await loadAliyunCredentials(new SecretsManagerClient({}), env.ALIYUN_CREDENTIALS_SECRET_ARN as string);
    return new MnsUpstream(dybaseapiClient(credentials), {
      queues: { reply: env.ALIYUN_QUEUE_SMSUP, receipt: env.ALIYUN_QUEUE_SMSREPORT },
      ...(env.ALIYUN_MNS_ENDPOINT ? { mnsEndpoint: env.ALIYUN_MNS_ENDPOINT } : {}),
    });
  },
  inbound: {
    patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
    reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
    reports: new DynamoReportRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
    messages,
    conversations: new DynamoConversationRepository(doc, env.TABLE_NAME),
    alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
    publisher: new SnsAlertPublisher(new SNSClient({}), { coordinators: env.ALERT_TOPIC_ARN }, env.CONSOLE_URL),
    audit: new DynamoAuditLog(doc, env.TABLE_NAME),
    sms: aliyunSenderFromEnv(env, protocol),
    clock: systemClock,
    protocol,
    ...(smsSignature ? { smsSignature } : {}),
  },
});
