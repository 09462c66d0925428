import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoMessageLog } from '#adapters/dynamo/message-log.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import type { InboundSmsDeps } from '#app/inbound/index.ts';
import type { Protocol } from '#domain/protocol.ts';

/** The inbound use case's repositories on one dynalite table (as the Lambda wires them), with the test's own edges (SMS, pushes, clock). */
export function dynamoInboundDeps(
  doc: DynamoDBDocumentClient,
  table: string,
  protocol: Protocol,
  edges: Pick<InboundSmsDeps, 'publisher' | 'sms' | 'clock'>,
): InboundSmsDeps {
  const tz = protocol.studyTimeZone;
  return {
    patients: new DynamoPatientRepository(doc, table),
    reminders: new DynamoReminderRepository(doc, table, tz),
    reports: new DynamoReportRepository(doc, table, tz),
    messages: new DynamoMessageLog(doc, table, tz),
    conversations: new DynamoConversationRepository(doc, table),
    alerts: new DynamoAlertRepository(doc, table, tz),
    audit: new DynamoAuditLog(doc, table),
    protocol,
    ...edges,
  };
}
