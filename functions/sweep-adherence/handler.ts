import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { createLogger, createMetrics, MetricUnit, safeError } from '#adapters/observability.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { maintainAuditTrail } from '#app/audit/maintain-audit-trail.ts';
import { expireConversations } from '#app/inbound/index.ts';
import { sweepAdherence, type SweepDeps, type SweepResult } from '#app/sweep-adherence.ts';
import { parseEnv, sweepAdherenceEnvSchema } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock, type Clock } from '#ports/clock.ts';

export interface SweepHandlerDeps extends SweepDeps {
  clock: Clock;
  /** Closes check-in conversations whose step timed out (inbound-sms owns them and files the partial answers). Required: a sweep that forgets it leaves conversations open for ever. */
  expireConversations: (now: string) => Promise<{ expired: number; reports: number }>;
}

const logger = createLogger('sweep-adherence');
const metrics = createMetrics('sweep-adherence');

/**
 * The sweep as a Lambda handler; the local stack and tests pass their own repositories and clock.
 * It texts no one: the retry of inbound texts no delivery finished belongs to the functions that
 * process replies (inbound-sms on a schedule, pull-sms after each pull; docs/replies.md "Never lost").
 */
export function createSweepHandler(deps: SweepHandlerDeps) {
  type Summary = SweepResult & { conversationsExpired: number; auditPendingCompleted: number; auditDaysAnchored: number };
  return middy<unknown, Summary, Error, Context>().handler(async (): Promise<Summary> => {
    const now = deps.clock.now();
    try {
      const result = await sweepAdherence(deps, now);
      const conversations = await deps.expireConversations(now);
      const auditTrail = await maintainAuditTrail(deps, now);
      const summary = {
        ...result,
        conversationsExpired: conversations.expired,
        auditPendingCompleted: auditTrail.pendingCompleted,
        auditDaysAnchored: auditTrail.anchoredDays.length,
      };
      logger.info('adherence sweep done', summary);
      for (const [name, value] of Object.entries(summary)) metrics.addMetric(`sweep_${name}`, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
      return summary;
    } catch (error) {
      logger.error('adherence sweep failed', { error: safeError(error) });
      throw error;
    }
  });
}

const env = parseEnv(sweepAdherenceEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sns = new SNSClient({});

const conversations = new DynamoConversationRepository(doc, env.TABLE_NAME);
const reports = new DynamoReportRepository(doc, env.TABLE_NAME, protocol.studyTimeZone);
const audit = new DynamoAuditLog(doc, env.TABLE_NAME);

export const handler = createSweepHandler({
  reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
  alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  publisher: new SnsAlertPublisher(sns, { coordinators: env.ALERT_TOPIC_ARN, escalation: env.ESCALATION_TOPIC_ARN }, env.CONSOLE_URL),
  audit,
  protocol,
  clock: systemClock,
  expireConversations: (now) => expireConversations({ conversations, reports, audit, protocol }, now),
});
