import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from '#domain/zod.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { dailyCapFromEnv, smsSenderFromEnv, smsSignatureFromEnv } from '#adapters/sms-from-env/index.ts';
import { dispatchReminders, type DispatchDeps, type DispatchResult } from '#app/dispatch-reminders.ts';
import { dispatchRemindersEnvSchema, parseEnv } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { withSignature } from '#domain/sms-parts.ts';
import { systemClock } from '#ports/clock.ts';

/** EventBridge Scheduler sends the input we configure (`{}`), or a scheduled-event envelope locally: nothing in it is needed. */
const dispatchEventSchema = z.nullish(z.looseObject({}));

export interface DispatchConfig {
  leaseSeconds: number;
  catchUpMinutes: number;
  signature?: string;
  concurrency?: number;
  /** Lower reminder cap per patient and day (the mainland provider's per-number limit). */
  dailyCap?: number;
}

const DEFAULT_CONFIG: DispatchConfig = { leaseSeconds: 120, catchUpMinutes: 60 };

const logger = createLogger('dispatch-reminders');
const metrics = createMetrics('dispatch-reminders');

/** The dispatcher as a Lambda handler; the local stack and tests inject their repositories, SMS gateway and clock. */
export function createDispatchHandler(deps: DispatchDeps, config: Partial<DispatchConfig> = {}) {
  const settings = { ...DEFAULT_CONFIG, ...config };
  return middy<unknown, DispatchResult, Error, Context>().handler(async (event, context): Promise<DispatchResult> => {
    const parsed = dispatchEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`dispatch-reminders: unexpected event (${parsed.error.issues.map((i) => i.message).join('; ')})`);
    try {
      const result = await dispatchReminders(deps, {
        owner: `dispatch:${context?.awsRequestId ?? randomUUID()}`,
        leaseSeconds: settings.leaseSeconds,
        catchUpMinutes: settings.catchUpMinutes,
        ...(settings.signature ? { signature: settings.signature } : {}),
        ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
        ...(settings.dailyCap !== undefined ? { dailyCap: settings.dailyCap } : {}),
        ...(typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
        onItemError: (studyId, error) => logger.error('reminder left for the next run', { studyId, error: safeError(error) }),
      });
      const { stoppedEarly, ...counts } = result;
      if (result.due > 0 || stoppedEarly) logger.info('dispatch run', { ...counts, stoppedEarly });
      if (result.errors > 0 || result.unconfirmed > 0) logger.warn('dispatch run left items for the next run', { errors: result.errors, unconfirmed: result.unconfirmed });
      metrics.addMetric('SmsParts', MetricUnit.Count, result.parts);
      metrics.addMetric('RemindersSent', MetricUnit.Count, result.sent);
      // The lag alarm (infra: DISPATCH_LAG_METRIC) watches this; 0 when nothing was sent.
      metrics.addMetric('DispatchLagSeconds', MetricUnit.Seconds, result.maxLagSeconds);
      for (const name of ['expired', 'failed', 'released', 'deliveryUnknown', 'dailyCap', 'errors'] as const) metrics.addMetric(`Reminders_${name}`, MetricUnit.Count, result[name]);
      metrics.publishStoredMetrics();
      return result;
    } catch (error) {
      logger.error('dispatch run failed', { error: safeError(error) });
      throw error;
    }
  });
}

const env = parseEnv(dispatchRemindersEnvSchema);
// A malformed signature fails the cold start, not every send.
if (env.SMS_SIGNATURE) withSignature('', env.SMS_SIGNATURE);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const alertSns = new SNSClient({});
// SNS or Alibaba Cloud per SMS_PROVIDER; each sender retries itself (throttling vs. ambiguous timeouts).
const signature = smsSignatureFromEnv(env, protocol);
const dailyCap = dailyCapFromEnv(env, protocol);

export const handler = createDispatchHandler(
  {
    reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
    patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
    messages: new DynamoMessageLog(doc, env.TABLE_NAME, protocol.studyTimeZone),
    sms: smsSenderFromEnv(env, protocol),
    protocol,
    alerting: {
      alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
      publisher: new SnsAlertPublisher(alertSns, { coordinators: env.ALERT_TOPIC_ARN }, env.CONSOLE_URL),
      audit: new DynamoAuditLog(doc, env.TABLE_NAME),
      protocol,
    },
    clock: systemClock,
  },
  {
    leaseSeconds: env.DISPATCH_LEASE_SECONDS,
    catchUpMinutes: env.DISPATCH_CATCH_UP_MINUTES,
    ...(signature ? { signature } : {}),
    ...(dailyCap !== undefined ? { dailyCap } : {}),
  },
);
