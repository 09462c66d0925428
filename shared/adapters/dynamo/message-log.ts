import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { InboundMessage, MessageLog, OutboundMessage } from '#ports/messages.ts';
import type { DeliveryReceipt, DeliveryReceiptLog } from '#ports/sms-upstream.ts';
import { isConditionalFailure, keys, stripKeys } from './keys.ts';
import { queryAll } from './query.ts';

const UNKNOWN = 'UNKNOWN';

export class DynamoMessageLog implements MessageLog, DeliveryReceiptLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly studyTimeZone: string,
  ) {}

  async storeInbound(message: InboundMessage): Promise<{ created: boolean; message: InboundMessage }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `INBOUND#${message.inboundMessageId}`,
            sk: 'MSG',
            gsi1pk: `MSGS#${message.patientId ?? UNKNOWN}`,
            gsi1sk: `${message.receivedAt}#IN#${message.inboundMessageId}`,
            gsi3pk: keys.week(isoWeekOfInstant(message.receivedAt, this.studyTimeZone)),
            gsi3sk: `INBOUND#${message.receivedAt}#${message.inboundMessageId}`,
            entity: 'inbound',
            ...message,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, message };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const stored = await this.getInbound(message.inboundMessageId);
      if (!stored) throw error;
      return { created: false, message: stored };
    }
  }

  async markInboundProcessed(inboundMessageId: string, update: { processedAt: string; interpretation?: Record<string, unknown>; replyIds?: string[] }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `INBOUND#${inboundMessageId}`, sk: 'MSG' },
        UpdateExpression: 'SET processedAt = :at, interpretation = :i, replyIds = :r',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': update.processedAt, ':i': update.interpretation ?? null, ':r': update.replyIds ?? [] },
      }),
    );
  }

  async getInbound(inboundMessageId: string): Promise<InboundMessage | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `INBOUND#${inboundMessageId}`, sk: 'MSG' }, ConsistentRead: true }));
    return Item ? (clean(Item) as unknown as InboundMessage) : null;
  }

  async recordOutbound(message: OutboundMessage): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `OUTBOUND#${message.id}`,
            sk: 'MSG',
            gsi1pk: `MSGS#${message.patientId ?? UNKNOWN}`,
            gsi1sk: `${message.sentAt}#OUT#${message.id}`,
            gsi3pk: keys.week(isoWeekOfInstant(message.sentAt, this.studyTimeZone)),
            gsi3sk: `OUTBOUND#${message.sentAt}#${message.id}`,
            entity: 'outbound',
            ...message,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Already recorded (a retry after a lost answer): still make sure the pointer exists below.
      if (!isConditionalFailure(error)) throw error;
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `PROVIDERMSG#${message.providerMessageId}`, sk: 'PTR', entity: 'providerMessage', outboundId: message.id },
      }),
    );
  }

  async findOutboundByProviderId(providerMessageId: string): Promise<OutboundMessage | null> {
    const { Item: ptr } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROVIDERMSG#${providerMessageId}`, sk: 'PTR' } }));
    if (!ptr?.outboundId) return null;
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `OUTBOUND#${String(ptr.outboundId)}`, sk: 'MSG' } }));
    return Item ? (clean(Item) as unknown as OutboundMessage) : null;
  }

  /** Newest first, at most `limit` items: pages through the index only until `limit` are read. */
  async listForPatient(patientId: string, limit = 100): Promise<(({ direction: 'in' } & InboundMessage) | ({ direction: 'out' } & OutboundMessage))[]> {
    if (!(limit >= 1)) return [];
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `MSGS#${patientId}` },
          ScanIndexForward: false,
          Limit: Math.min(limit - items.length, 1000),
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit).map((item) =>
      item.entity === 'inbound'
        ? { direction: 'in' as const, ...(clean(item) as unknown as InboundMessage) }
        : { direction: 'out' as const, ...(clean(item) as unknown as OutboundMessage) },
    );
  }

  async listWeek(isoWeek: string): Promise<{ inbound: InboundMessage[]; outbound: OutboundMessage[] }> {
    const query = (prefix: string) =>
      queryAll(this.doc, {
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.week(isoWeek), ':prefix': prefix },
      });
    const [inbound, outbound] = await Promise.all([query('INBOUND#'), query('OUTBOUND#')]);
    return {
      inbound: inbound.map((i) => clean(i) as unknown as InboundMessage),
      outbound: outbound.map((i) => clean(i) as unknown as OutboundMessage),
    };
  }

  async claimInboundProcessing(inboundMessageId: string, owner: string, now: string, leaseSeconds: number): Promise<'claimed' | 'processed' | 'busy' | 'missing'> {
    const leaseUntil = new Date(Date.parse(now) + leaseSeconds * 1000).toISOString();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `INBOUND#${inboundMessageId}`, sk: 'MSG' },
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(processedAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
          ExpressionAttributeValues: { ':owner': owner, ':until': leaseUntil, ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const stored = await this.getInbound(inboundMessageId);
    if (!stored) return 'missing';
    return stored.processedAt ? 'processed' : 'busy';
  }

  /** The latest report wins (receipts arrive in any order and more than once). */
  async recordDelivery(receipt: DeliveryReceipt): Promise<'recorded' | 'unchanged' | 'unknown_message'> {
    const { Item: ptr } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROVIDERMSG#${receipt.providerMessageId}`, sk: 'PTR' }, ConsistentRead: true }));
    if (!ptr?.outboundId) return 'unknown_message';
    const delivery = { status: receipt.status, reportedAt: receipt.reportedAt, ...(receipt.reason ? { reason: receipt.reason } : {}) };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `OUTBOUND#${String(ptr.outboundId)}`, sk: 'MSG' },
          UpdateExpression: 'SET delivery = :d',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(delivery) OR delivery.reportedAt < :at)',
          ExpressionAttributeValues: { ':d': delivery, ':at': receipt.reportedAt },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionalFailure(error)) return 'unchanged';
      throw error;
    }
  }

  async getOutbound(id: string): Promise<OutboundMessage | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `OUTBOUND#${id}`, sk: 'MSG' }, ConsistentRead: true }));
    return Item ? (clean(Item) as unknown as OutboundMessage) : null;
  }

  async claimUnknownSenderReply(phone: string, localDate: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `UNKNOWNSENDER#${phone}`, sk: `REPLY#${localDate}`, entity: 'unknownSenderReply' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }
}

function clean(item: Record<string, unknown>): Record<string, unknown> {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest;
}
