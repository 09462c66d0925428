import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '#ports/audit.ts';
import { keys, stripKeys } from './keys.ts';
import { queryAll } from './query.ts';

let sequence = 0;

/** Append-only audit trail: conditional puts only; nothing here updates or deletes. */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(input: Omit<AuditEntry, 'id'> & { id?: string }): Promise<AuditEntry> {
    // Entries of one instant keep their write order: a per-process sequence leads the random part.
    const entry: AuditEntry = { ...input, id: input.id ?? `${String(++sequence).padStart(10, '0')}-${randomUUID()}` };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.audit(entry.entityType, entry.entityId),
          sk: `${entry.at}#${entry.id}`,
          gsi1pk: keys.auditMonth(entry.at),
          gsi1sk: `${entry.at}#${entry.id}`,
          entity: 'audit',
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return entry;
  }

  async listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]> {
    return this.queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.audit(entityType, entityId) } });
  }

  async listBetween(from: string, to: string): Promise<AuditEntry[]> {
    const months: string[] = [];
    const cursor = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
    const end = new Date(to);
    while (cursor <= end && months.length < 600) {
      months.push(cursor.toISOString().slice(0, 7));
      cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    }
    const entries: AuditEntry[] = [];
    for (const month of months) {
      entries.push(
        ...(await this.queryAll({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `AUDIT#${month}`, ':from': from, ':to': to },
        })),
      );
    }
    return entries.filter((e) => e.at >= from && e.at < to);
  }

  private async queryAll(input: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }): Promise<AuditEntry[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, ...input });
    return items.map((i) => {
      const { entity: _e, ...rest } = stripKeys(i);
      return rest as unknown as AuditEntry;
    });
  }
}
