import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PendingAudit } from '#ports/audit.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { pendingItemAttributes } from './audit/outbox.ts';
import type { VisitRecord, VisitRepository } from '#ports/visits.ts';
import { isConditionalFailure, stripKeys } from './keys.ts';
import { queryAll } from './query.ts';

const key = (patientId: string, visitKey: string) => ({ pk: `PATIENT#${patientId}`, sk: `VISIT#${visitKey}` });

/** Visit records in the patient's partition (PATIENT#id / VISIT#key); optimistic versioning on replace. */
export class DynamoVisitRepository implements VisitRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(patientId: string, visitKey: string): Promise<VisitRecord | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(patientId, visitKey), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async put(record: VisitRecord, expectedVersion: number | null, audit?: PendingAudit): Promise<VisitRecord> {
    const stored: VisitRecord = { ...record, version: expectedVersion === null ? 1 : expectedVersion + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(record.patientId, record.visitKey), entity: 'visit', ...stored, ...pendingItemAttributes(audit) },
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw new StaleWriteError(`visit ${record.visitKey} changed meanwhile`);
      throw error;
    }
    return stored;
  }

  async listForPatient(patientId: string): Promise<VisitRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PATIENT#${patientId}`, ':prefix': 'VISIT#' },
    });
    return items.map(fromItem).sort((a, b) => a.date.localeCompare(b.date) || a.visitKey.localeCompare(b.visitKey));
  }
}

function fromItem(item: Record<string, unknown>): VisitRecord {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as VisitRecord;
}
