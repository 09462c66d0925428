import middy from '@middy/core';
import * as z from '#domain/zod.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import { createLogger, safeError } from '#adapters/observability.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import { previousIsoWeek, runWeeklyDigest, type WeeklyDigestDeps } from '#app/weekly-digest.ts';
import { parseEnv, weeklyDigestEnvSchema } from '#config/env.ts';
import { bundledProtocol } from '#config/protocol.ts';
import { systemClock, type Clock } from '#ports/clock.ts';

/** Scheduler input: `{}` (the week before the current one) or `{ "week": "2027-W02" }` to (re)build a given week. */
export const digestEventSchema = z.looseObject({
  week: z.optional(z.string().check(z.regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'week must be an ISO week such as 2027-W02'))),
});

export interface DigestHandlerDeps extends WeeklyDigestDeps {
  clock: Clock;
}

export interface DigestHandlerResult {
  week: string;
  status: 'published' | 'already_published' | 'in_progress';
  built: boolean;
}

const logger = createLogger('weekly-digest');

export function createDigestHandler(deps: DigestHandlerDeps) {
  return middy().handler(async (event: unknown): Promise<DigestHandlerResult> => {
    const parsed = digestEventSchema.safeParse(event ?? {});
    if (!parsed.success) throw new Error(`invalid digest input: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const now = deps.clock.now();
    const week = parsed.data.week ?? previousIsoWeek(now, deps.protocol.studyTimeZone);
    try {
      const result = await runWeeklyDigest(deps, { week, now });
      logger.info('weekly digest', { week, status: result.status, built: result.built });
      return { week, status: result.status, built: result.built };
    } catch (error) {
      logger.error('weekly digest failed', { week, error: safeError(error) });
      throw error;
    }
  });
}

const env = parseEnv(weeklyDigestEnvSchema);
const protocol = bundledProtocol();
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const sns = new SNSClient({});

export const handler = createDigestHandler({
  patients: new DynamoPatientRepository(doc, env.TABLE_NAME),
  reminders: new DynamoReminderRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  reports: new DynamoReportRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  alerts: new DynamoAlertRepository(doc, env.TABLE_NAME, protocol.studyTimeZone),
  messages: new DynamoMessageLog(doc, env.TABLE_NAME, protocol.studyTimeZone),
  visits: new DynamoVisitRepository(doc, env.TABLE_NAME),
  digests: new DynamoDigestRepository(doc, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(sns, { coordinators: env.ALERT_TOPIC_ARN }, env.CONSOLE_URL ?? 'https://console.invalid/'),
  audit: new DynamoAuditLog(doc, env.TABLE_NAME),
  protocol,
  smsCostPerPartUsd: env.SMS_COST_PER_PART_USD,
  language: env.DIGEST_LANGUAGE,
  ...(env.CONSOLE_URL ? { consoleUrl: env.CONSOLE_URL } : {}),
  clock: systemClock,
});
