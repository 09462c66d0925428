import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DigestRepository, StoredDigest } from '#ports/digests.ts';
import type { Page } from '#ports/patients.ts';
import { isConditionalFailure } from './keys.ts';
import { queryPage } from './query.ts';

const LIST = 'DIGESTS';

/**
 * Weekly digests: pk DIGEST#<week> / sk DIGEST, listed newest first through gsi1 DIGESTS / week.
 * The text and the structured JSON are stored gzip-compressed in one binary attribute: a digest
 * for thousands of patients stays far below DynamoDB's 400 KB item limit.
 */
export class DynamoDigestRepository implements DigestRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createIfAbsent(digest: StoredDigest): Promise<{ created: boolean; digest: StoredDigest }> {
    const { text, digest: structured, ...meta } = digest;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(digest.week),
            gsi1pk: LIST,
            gsi1sk: digest.week,
            entity: 'digest',
            ...meta,
            body: gzipSync(JSON.stringify({ text, digest: structured })),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, digest };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = await this.get(digest.week);
      if (!stored) throw error;
      return { created: false, digest: stored };
    }
  }

  async get(week: string): Promise<StoredDigest | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(week), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async list(cursor?: string, limit = 20): Promise<Page<StoredDigest>> {
    const page = await queryPage(
      this.doc,
      { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': LIST }, ScanIndexForward: false },
      cursor,
      limit,
    );
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  async claimPublication(week: string, now: string, leaseUntil: string): Promise<boolean> {
    return this.conditionalUpdate(week, {
      UpdateExpression: 'SET publishLeaseUntil = :lease',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(publishedAt) AND (attribute_not_exists(publishLeaseUntil) OR publishLeaseUntil < :now)',
      ExpressionAttributeValues: { ':lease': leaseUntil, ':now': now },
    });
  }

  async markPublished(week: string, now: string): Promise<boolean> {
    return this.conditionalUpdate(week, {
      UpdateExpression: 'SET publishedAt = :now REMOVE publishLeaseUntil',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(publishedAt)',
      ExpressionAttributeValues: { ':now': now },
    });
  }

  private async conditionalUpdate(week: string, input: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: key(week), ...input }));
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }
}

function key(week: string) {
  return { pk: `DIGEST#${week}`, sk: 'DIGEST' };
}

function fromItem(item: Record<string, unknown>): StoredDigest {
  const body = JSON.parse(gunzipSync(item.body as Uint8Array).toString('utf8')) as Pick<StoredDigest, 'text' | 'digest'>;
  return {
    week: String(item.week),
    language: item.language as StoredDigest['language'],
    subject: String(item.subject),
    text: body.text,
    digest: body.digest,
    createdAt: String(item.createdAt),
    ...(typeof item.publishedAt === 'string' ? { publishedAt: item.publishedAt } : {}),
  };
}
