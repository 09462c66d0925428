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
import { smsSenderFromEnv, smsSignatureFromEnv } from '#adapters/sms-sender-from-env.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { pullSmsUpstream, UpstreamPullError, type PullDeps, type PullResult } from '#app/pull-sms-upstream.ts';
import { parseEnv, pullSmsEnvSchema } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock } from '#ports/clock.ts';
import type { SmsUpstream } from '#ports/sms-upstream.ts';

const eventSchema = z.nullish(z.looseObject({}));

/**
 * pull-sms (env=cn, Scheduler every minute): replies and delivery receipts from the provider's
 * queues. Logs carry queue message ids, counts and reasons — never a number or a text.
 */
export function createPullHandler(deps: Omit<PullDeps, 'upstream'> & { upstream: SmsUpstream | (() => Promise<SmsUpstream>) }) {
  const logger = createLogger('pull-sms');
  const metrics = createMetrics('pull-sms');
  let upstream: SmsUpstream | undefined;
  return middy<unknown, PullResult, Error, Context>().handler(async (event, context) => {
    if (!eventSchema.safeParse(event).success) throw new Error('pull-sms: unexpected event');
    upstream ??= typeof deps.upstream === 'function' ? await deps.upstream() : deps.upstream;
    let result: PullResult;
    try {
      result = await pullSmsUpstream(
        { ...deps, upstream },
        {
          owner: `pull:${context?.awsRequestId ?? randomUUID()}`,
          ...(typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
          onProblem: (p) => logger.warn('upstream message not handled', p),
        },
      );
    } catch (error) {
      if (!(error instanceof UpstreamPullError)) throw error;
      logger.error('provider pull failed', { unavailable: error.result.unavailable, causes: error.causes.map(safeError) });
      result = error.result;
      record(metrics, result);
      throw error;
    }
    record(metrics, result);
    if (result.replies + result.receipts + result.poison > 0) logger.info('pull run', { ...result });
    return result;
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
    sms: smsSenderFromEnv(env, protocol),
    clock: systemClock,
    protocol,
    ...(smsSignature ? { smsSignature } : {}),
  },
});
