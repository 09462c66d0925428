import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '#adapters/dynamo/keys.ts';
import { DynamoReminderRepository } from '#adapters/dynamo/reminder-repository.ts';
import { forEachLimited } from '#app/plan-schedule.ts';

/**
 * The dispatch floor, issued directly against the same dynalite: the fewest requests the design
 * needs per reminder — read the patient (phone, status), claim (conditional UpdateItem), record the
 * outbound message (PutItem), mark sent (conditional UpdateItem) — plus the due-queue queries, with
 * the same concurrency and nothing else (no rendering, no cap query, no SMS). It leaves the
 * reminders `due` (the updates only touch a bench attribute) so the real dispatch runs after it.
 */
export async function measureDispatchFloor(doc: DynamoDBDocumentClient, table: string, timeZone: string, now: string, concurrency: number): Promise<{ seconds: number; reminders: number }> {
  const started = performance.now();
  const due = await new DynamoReminderRepository(doc, table, timeZone).listDue(now, 1_000_000);
  await forEachLimited(due, concurrency, async (item) => {
    const key = keys.reminder(item.patientId, item.dueAt, item.id);
    await doc.send(new GetCommand({ TableName: table, Key: keys.patient(item.patientId), ConsistentRead: true }));
    const touch = (value: string) =>
      doc.send(new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'SET benchFloor = :v', ConditionExpression: '#state = :due', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: { ':v': value, ':due': 'due' } }));
    await touch('claimed');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `BENCHFLOOR#${item.id}`, sk: 'MSG', to: '+8613900000000', body: '早上服药：泼尼松 35mg、吗替麦考酚酯 0.75g。已服回复1，漏服回复2', parts: 1, sentAt: now }, ConditionExpression: 'attribute_not_exists(pk)' }));
    await touch('sent');
  });
  return { seconds: (performance.now() - started) / 1000, reminders: due.length };
}
