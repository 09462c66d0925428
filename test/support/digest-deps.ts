import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoDigestRepository } from '#adapters/dynamo/digest-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { DynamoVisitRepository } from '#adapters/dynamo/visit-repository.ts';
import type { WeeklyDigestDeps } from '#app/weekly-digest.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';

/** The weekly digest's repositories on one dynalite table (as the Lambda wires them), in English, at USD 0.05 a part. */
export function dynamoDigestDeps(doc: DynamoDBDocumentClient, table: string, protocol: Protocol, publisher: AlertPublisher): WeeklyDigestDeps {
  const tz = protocol.studyTimeZone;
  return {
    patients: new DynamoPatientRepository(doc, table),
    reminders: new DynamoReminderRepository(doc, table, tz),
    reports: new DynamoReportRepository(doc, table, tz),
    alerts: new DynamoAlertRepository(doc, table, tz),
    messages: new DynamoMessageLog(doc, table, tz),
    visits: new DynamoVisitRepository(doc, table),
    digests: new DynamoDigestRepository(doc, table),
    publisher,
    audit: new DynamoAuditLog(doc, table),
    protocol,
    smsCostPerPartUsd: 0.05,
    language: 'en',
    consoleUrl: 'https://console.example.org/',
  };
}
