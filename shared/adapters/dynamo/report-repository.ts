import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { PendingAudit } from '#ports/audit.ts';
import type { Page } from '#ports/patients.ts';
import { pendingUpdate } from './audit/outbox.ts';
import type { Report, ReportRepository } from '#ports/reports.ts';
import { isConditionalFailure, keys, stripKeys, ttlOf } from './keys.ts';
import { queryAll, queryPage } from './query.ts';

export class DynamoReportRepository implements ReportRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly studyTimeZone: string,
  ) {}

  async createIfAbsent(report: Report): Promise<{ created: boolean; report: Report }> {
    try {
      // The report is listed on its patient's page through its own gsi2 keys (no pointer item: one write, nothing to lose between two).
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.toItem(report), ConditionExpression: 'attribute_not_exists(pk)' }));
      return { created: true, report };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = await this.get(report.id);
      if (!stored) throw error;
      return { created: false, report: stored };
    }
  }

  async get(id: string): Promise<Report | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async listByStatus(status: 'open' | 'reviewed', cursor?: string, limit = 50): Promise<Page<Report>> {
    const page = await queryPage(
      this.doc,
      { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `REPORTS#${status}` } },
      cursor,
      limit,
    );
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  async review(id: string, review: NonNullable<Report['review']>, now: string, audit?: PendingAudit): Promise<Report | null> {
    const pending = pendingUpdate(audit);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(id),
          UpdateExpression: `SET #status = :reviewed, review = :review, updatedAt = :now, version = version + :one, gsi1pk = :pk${pending.set}`,
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':reviewed': 'reviewed', ':open': 'open', ':review': review, ':now': now, ':one': 1, ':pk': 'REPORTS#reviewed', ...pending.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? fromItem(out.Attributes) : null;
    } catch (error) {
      if (isConditionalFailure(error)) return null;
      throw error;
    }
  }

  async listWeek(isoWeek: string): Promise<Report[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.week(isoWeek), ':prefix': 'REPORT#' },
    });
    return items.map(fromItem);
  }

  /**
   * The patient's reports, oldest first: those on gsi2 `PATIENTREPORTS#<patientId>` (every report
   * written since 2026-12-05), and those from before, found through their pointer items
   * (`REPORTREF#…`, no longer written).
   */
  async listForPatient(patientId: string): Promise<Report[]> {
    const [indexed, refs] = await Promise.all([
      queryAll(this.doc, {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': patientReportsPk(patientId) },
      }),
      queryAll(this.doc, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `PATIENT#${patientId}`, ':prefix': 'REPORTREF#' },
      }),
    ]);
    const reports = indexed.map(fromItem);
    const seen = new Set(reports.map((r) => r.id));
    const older = await Promise.all(refs.filter((ref) => !seen.has(String(ref.reportId))).map((ref) => this.get(String(ref.reportId))));
    return [...reports, ...older.filter((r): r is Report => r !== null)].sort((a, b) => byKey(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`));
  }

  private toItem(report: Report): Record<string, unknown> {
    return {
      ...key(report.id),
      gsi1pk: `REPORTS#${report.status}`,
      gsi1sk: `${report.createdAt}#${report.id}`,
      gsi3pk: keys.week(isoWeekOfInstant(report.createdAt, this.studyTimeZone)),
      gsi3sk: `REPORT#${report.createdAt}#${report.id}`,
      ...(report.patientId ? { gsi2pk: patientReportsPk(report.patientId), gsi2sk: `${report.createdAt}#${report.id}` } : {}),
      ...(report.retainUntil ? { ttl: ttlOf(report.retainUntil) } : {}),
      entity: 'report',
      ...report,
    };
  }
}

const patientReportsPk = (patientId: string) => `PATIENTREPORTS#${patientId}`;

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function key(id: string) {
  return { pk: `REPORT#${id}`, sk: 'REPORT' };
}

function fromItem(item: Record<string, unknown>): Report {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as Report;
}
