// The adherence sweep on dynalite, as its integration tests drive it: a patient's dose check-ins
// materialized from the real schedule, sent the way dispatch-reminders sends them, answered through
// the real conditional write inbound-sms uses (`recordDoseAnswer`), and every DynamoDB command the
// sweep makes recorded by name.
import { expect } from 'vitest';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertRepository } from '#adapters/dynamo/alert-repository.ts';
import { DynamoAuditLog } from '#adapters/dynamo/audit-log.ts';
import { documentClient } from '#adapters/dynamo/local-dynamo.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { SnsAlertPublisher } from '#adapters/sns/sns-alert-publisher.ts';
import type { SweepDeps } from '#app/sweep-adherence.ts';
import type { Patient } from '#domain/patient.ts';
import type { Protocol } from '#domain/protocol.ts';
import { computeSchedule } from '#domain/schedule.ts';
import type { StoredReminder } from '#ports/schedule.ts';
import type { useLocalDynamo } from './dynamo.ts';

export const COORDINATORS = 'arn:aws:sns:cn-north-1:123456789012:coordinators';
export const ESCALATION = 'arn:aws:sns:cn-north-1:123456789012:escalation';

/** A DocumentClient on its own DynamoDBClient whose every command name is recorded (the sweep's only connection). */
function recordingDoc(local: ReturnType<typeof useLocalDynamo>): { doc: DynamoDBDocumentClient; commands: string[] } {
  const client = new DynamoDBClient({ endpoint: local.db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  return { doc: documentClient(client), commands };
}

/**
 * A fresh table with `patient` enrolled and its dose check-ins of `window` materialized (not sent).
 * `send` does what dispatch-reminders does (claim, send, record sent: the check-in enters the answer
 * queue); `answer` what inbound-sms does with an answer; `outcome` reads a check-in's outcome back.
 */
export async function sweepSetup(
  local: ReturnType<typeof useLocalDynamo>,
  protocol: Protocol,
  patient: Patient,
  window = { from: '2027-01-12T00:00:00.000Z', to: '2027-01-14T00:00:00.000Z' },
) {
  const tz = protocol.studyTimeZone;
  const table = await local.freshTable();
  const seed = {
    patients: new DynamoPatientRepository(local.db.doc, table),
    reminders: new DynamoReminderRepository(local.db.doc, table, tz),
  };
  const { doc, commands } = recordingDoc(local);
  const deps: SweepDeps = {
    reminders: new DynamoReminderRepository(doc, table, tz),
    patients: new DynamoPatientRepository(doc, table),
    alerts: new DynamoAlertRepository(doc, table, tz),
    publisher: new SnsAlertPublisher(new SNSClient({ region: 'cn-north-1' }), { coordinators: COORDINATORS, escalation: ESCALATION }, 'https://console.example.org/'),
    audit: new DynamoAuditLog(doc, table),
    protocol,
  };
  await seed.patients.create(patient);
  const items = computeSchedule(patient, protocol, window).filter((i) => i.kind === 'dose');
  await seed.reminders.materialize(patient.id, patient.studyId, items, window, '2027-01-11T00:00:00Z');
  const stored = await seed.reminders.listForPatient(patient.id, window.from, window.to);
  const doses = stored.filter((i) => i.kind === 'dose');
  const send = async (item: StoredReminder) => {
    expect(await seed.reminders.claim(item, 'dispatch', item.dueAt, 60)).toBe(true);
    await seed.reminders.markSent(item, 'dispatch', { messageId: `msg-${item.id}`, parts: 1, sentAt: item.dueAt });
  };
  const answer = async (item: StoredReminder, outcome: 'taken' | 'missed_reported', at: string) => {
    const sent = await seed.reminders.get(item.patientId, item.id, item.dueAt);
    expect((await seed.reminders.recordDoseAnswer(sent!, { outcome, answeredAt: at, answerMessageId: `in-${item.id}-${at}` }, at)).applied).toBe(true);
  };
  const outcome = async (item: StoredReminder) => (await seed.reminders.get(item.patientId, item.id, item.dueAt))?.outcome;
  const auditOf = (entityType: string, entityId: string) => new DynamoAuditLog(local.db.doc, table).listForEntity(entityType, entityId);
  return { table, deps, commands, doses, send, answer, outcome, auditOf };
}
