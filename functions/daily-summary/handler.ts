import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { sendDailySummary, type DailySummaryDeps, type DailySummaryResult } from '#app/daily-summary.ts';
import { dailySummaryEnvSchema, parseEnv } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock, type Clock } from '#ports/clock.ts';

export interface DailySummaryHandlerDeps extends DailySummaryDeps {
  clock: Clock;
}

const logger = createLogger('daily-summary');
const metrics = createMetrics('daily-summary');

/**
 * The daily worklist summary as a Lambda handler (EventBridge Scheduler, daily at the protocol
 * time in the study time zone). The use case decides working days and holidays, and sends once.
 */
export function createDailySummaryHandler(deps: DailySummaryHandlerDeps) {
  return middy().handler(async (): Promise<DailySummaryResult> => {
    const now = deps.clock.now();
    try {
      const result = await sendDailySummary(deps, now);
      logger.info('daily summary', { ...result });
      metrics.addMetric('daily_summary_sent', MetricUnit.Count, result.status === 'sent' ? 1 : 0);
      metrics.addMetric('worklist_open_items', MetricUnit.Count, result.openItems);
      metrics.addMetric('worklist_overdue_items', MetricUnit.Count, result.overdueItems);
      metrics.publishStoredMetrics();
      return result;
    } catch (error) {
      logger.error('daily summary failed', { error: safeError(error) });
      throw error;
    }
  });
}

const env = parseEnv(dailySummaryEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createDailySummaryHandler({
  alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  publisher: new SnsAlertPublisher(new SNSClient({}), { coordinators: env.ALERT_TOPIC_ARN }, env.CONSOLE_URL),
  audit: new DynamoAuditLog(doc, env.TABLE_NAME),
  protocol,
  language: env.DIGEST_LANGUAGE,
  consoleUrl: env.CONSOLE_URL,
  clock: systemClock,
});
