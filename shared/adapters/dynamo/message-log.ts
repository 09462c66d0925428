import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { senderRef } from '#domain/inbound-guards.ts';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { InboundMessage, MessageLog, OutboundMessage, UnknownSenderTally } from '#ports/messages.ts';
import type { DeliveryReceipt, DeliveryReceiptLog } from '#ports/sms-upstream.ts';
import { ALL_SHARDS, isConditionalFailure, keys, queueShard, stripKeys, ttlOf } from './keys.ts';
import { queryAll } from './query.ts';

const UNKNOWN = 'UNKNOWN';
/** Ids remembered per unknown sender and day to count each text once (a flood past this is still counted, approximately). */
const TALLY_IDS_KEPT = 200;
const TALLY_ATTEMPTS = 8;

/** Messages of a patient (`MSGS#<patientId>`), or of one unknown number (`MSGS#UNKNOWN#<senderRef>`). */
function messagesPk(message: { patientId: string | null; from?: string; to?: string }, direction: 'in' | 'out'): string {
  if (message.patientId) return `MSGS#${message.patientId}`;
  const number = direction === 'in' ? message.from : message.to;
  return number ? `MSGS#${UNKNOWN}${senderRef(number)}` : `MSGS#${UNKNOWN}`;
}

/** An outbound record in gsi4 `PROVIDERMSG#<provider message id>` (outbound records never join the audit outbox or the inbox). */
function providerIdKeys(providerMessageId: string, outboundId: string) {
  return { gsi4pk: `PROVIDERMSG#${providerMessageId}`, gsi4sk: `OUTBOUND#${outboundId}` };
}

/** While a stored text is unprocessed it sits in gsi4 `INBOX#<shard>` / `<retryAt>#<id>`. */
function inboxKeys(inboundMessageId: string, retryAt: string) {
  return { gsi4pk: keys.inbox(queueShard(inboundMessageId)), gsi4sk: `${retryAt}#${inboundMessageId}` };
}

export class DynamoMessageLog implements MessageLog, DeliveryReceiptLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly studyTimeZone: string,
  ) {}

  async storeInbound(message: InboundMessage, lease?: { owner: string; until: string }): Promise<{ created: boolean; message: InboundMessage }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `INBOUND#${message.inboundMessageId}`,
            sk: 'MSG',
            gsi1pk: messagesPk(message, 'in'),
            gsi1sk: `${message.receivedAt}#IN#${message.inboundMessageId}`,
            gsi3pk: keys.week(isoWeekOfInstant(message.receivedAt, this.studyTimeZone)),
            gsi3sk: `INBOUND#${message.receivedAt}#${message.inboundMessageId}`,
            ...(message.processedAt ? {} : inboxKeys(message.inboundMessageId, message.retryAt ?? message.receivedAt)),
            ...(message.retainUntil ? { ttl: ttlOf(message.retainUntil) } : {}),
            entity: 'inbound',
            ...message,
            // The processing lease rides on the write that stores the text (what claimInboundProcessing sets).
            ...(lease ? { leaseOwner: lease.owner, leaseUntil: lease.until, attempts: 1 } : {}),
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

  async markInboundProcessed(
    inboundMessageId: string,
    update: { processedAt: string; interpretation?: Record<string, unknown>; replyIds?: string[]; withheldReplies?: { purpose: string; reason: string }[] },
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `INBOUND#${inboundMessageId}`, sk: 'MSG' },
        UpdateExpression: 'SET processedAt = :at, interpretation = :i, replyIds = :r, withheldReplies = :w REMOVE gsi4pk, gsi4sk, retryAt, leaseOwner, leaseUntil',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': update.processedAt, ':i': update.interpretation ?? null, ':r': update.replyIds ?? [], ':w': update.withheldReplies ?? [] },
      }),
    );
  }

  async releaseInboundProcessing(inboundMessageId: string, owner: string, failure: { at: string; reason: string; retryAt: string }): Promise<{ attempts: number }> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `INBOUND#${inboundMessageId}`, sk: 'MSG' },
          UpdateExpression: 'SET lastFailureAt = :at, lastFailure = :reason, retryAt = :retry, gsi4pk = :qpk, gsi4sk = :qsk REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(processedAt) AND leaseOwner = :owner',
          ExpressionAttributeValues: {
            ':at': failure.at,
            ':reason': failure.reason.slice(0, 100),
            ':retry': failure.retryAt,
            ':qpk': inboxKeys(inboundMessageId, failure.retryAt).gsi4pk,
            ':qsk': inboxKeys(inboundMessageId, failure.retryAt).gsi4sk,
            ':owner': owner,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { attempts: Number(out.Attributes?.attempts ?? 0) };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      // Processed meanwhile, or the lease had passed to another invocation: theirs to finish.
      return { attempts: (await this.getInbound(inboundMessageId))?.attempts ?? 0 };
    }
  }

  async listUnprocessedInbound(now: string, limit = 100): Promise<InboundMessage[]> {
    const perShard = await Promise.all(
      ALL_SHARDS.map((shard) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi4',
            KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk <= :until',
            ExpressionAttributeValues: { ':pk': keys.inbox(shard), ':until': `${now}#~` },
            Limit: limit,
          }),
        ),
      ),
    );
    return perShard
      .flatMap((out) => out.Items ?? [])
      .map((item) => ({ order: String(item.gsi4sk), message: clean(item) as unknown as InboundMessage }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .slice(0, limit)
      .map((e) => e.message);
  }

  async previousInbound(message: InboundMessage): Promise<InboundMessage | null> {
    let start: Record<string, unknown> | undefined;
    // The sender's history interleaves our replies: a few small pages find the text before this one.
    for (let page = 0; page < 5; page++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': messagesPk(message, 'in'), ':before': `${message.receivedAt}#IN#${message.inboundMessageId}` },
          ScanIndexForward: false,
          Limit: 10,
          ExclusiveStartKey: start,
        }),
      );
      const found = (out.Items ?? []).find((item) => item.entity === 'inbound' && item.from === message.from && item.inboundMessageId !== message.inboundMessageId);
      if (found) return clean(found) as unknown as InboundMessage;
      start = out.LastEvaluatedKey;
      if (!start) return null;
    }
    return null;
  }

  async claimReplyBudget(scope: string, localDate: string, replyId: string, limit: number, retainUntil: string): Promise<boolean> {
    const key = { pk: `REPLYBUDGET#${scope}`, sk: `DAY#${localDate}` };
    if (limit <= 0) return false;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one, entity = :entity, #ttl = :ttl ADD granted :ids',
          ConditionExpression: '(attribute_not_exists(#n) OR #n < :limit) AND NOT contains(granted, :id)',
          ExpressionAttributeNames: { '#n': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':id': replyId, ':ids': new Set([replyId]), ':entity': 'replyBudget', ':ttl': ttlOf(retainUntil) },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const granted = Item?.granted as Set<string> | undefined;
    return granted?.has(replyId) ?? false;
  }

  async tallyUnknownSender(phone: string, localDate: string, entry: { inboundMessageId: string; receivedAt: string; redFlag: boolean }, retainUntil: string): Promise<UnknownSenderTally> {
    const key = { pk: `UNKNOWNSENDER#${phone}`, sk: `DAY#${localDate}` };
    for (let attempt = 0; attempt < TALLY_ATTEMPTS; attempt++) {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const current = Item as (UnknownSenderTally & { seen: string[]; version: number }) | undefined;
      if (current?.seen.includes(entry.inboundMessageId)) return tallyOf(current);
      const next = {
        count: (current?.count ?? 0) + 1,
        redFlags: (current?.redFlags ?? 0) + (entry.redFlag ? 1 : 0),
        firstAt: current && current.firstAt < entry.receivedAt ? current.firstAt : entry.receivedAt,
        lastAt: current && current.lastAt > entry.receivedAt ? current.lastAt : entry.receivedAt,
        recentMessageIds: [...(current?.recentMessageIds ?? []), entry.inboundMessageId].slice(-20),
        seen: [...(current?.seen ?? []), entry.inboundMessageId].slice(-TALLY_IDS_KEPT),
        version: (current?.version ?? 0) + 1,
      };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, entity: 'unknownSenderDay', ttl: ttlOf(retainUntil), ...next },
            ...(current ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': current.version } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return tallyOf(next);
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw new Error('unknown sender tally kept changing');
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
            gsi1pk: messagesPk(message, 'out'),
            gsi1sk: `${message.sentAt}#OUT#${message.id}`,
            gsi3pk: keys.week(isoWeekOfInstant(message.sentAt, this.studyTimeZone)),
            gsi3sk: `OUTBOUND#${message.sentAt}#${message.id}`,
            // The record is its own provider-id pointer (sparse gsi4): one write per SMS, not two.
            ...providerIdKeys(message.providerMessageId, message.id),
            entity: 'outbound',
            ...message,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Already recorded (a retry after a lost answer): the same item, index keys included.
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async findOutboundByProviderId(providerMessageId: string): Promise<OutboundMessage | null> {
    const key = await this.outboundKeyByProviderId(providerMessageId);
    if (!key) return null;
    if (key.item) return clean(key.item) as unknown as OutboundMessage;
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `OUTBOUND#${key.outboundId}`, sk: 'MSG' } }));
    return Item ? (clean(Item) as unknown as OutboundMessage) : null;
  }

  /**
   * The outbound record of a provider message id: one Query of gsi4 (the index is eventually
   * consistent; a reply or a receipt comes seconds to hours after the send). Records written before
   * the index keys existed are found through their old pointer item (PROVIDERMSG#<id>/PTR), read only
   * when the index has nothing.
   */
  private async outboundKeyByProviderId(providerMessageId: string): Promise<{ outboundId: string; item?: Record<string, unknown> } | null> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': providerIdKeys(providerMessageId, '').gsi4pk },
        Limit: 1,
      }),
    );
    const item = Items?.[0];
    if (item) return { outboundId: String(item.id), item };
    const { Item: ptr } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROVIDERMSG#${providerMessageId}`, sk: 'PTR' }, ConsistentRead: true }));
    return ptr?.outboundId ? { outboundId: String(ptr.outboundId) } : null;
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
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(processedAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner)',
          ExpressionAttributeValues: { ':owner': owner, ':until': leaseUntil, ':now': now, ':one': 1 },
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
    const ptr = await this.outboundKeyByProviderId(receipt.providerMessageId);
    if (!ptr) return 'unknown_message';
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

  async claimUnknownSenderReply(phone: string, localDate: string, retainUntil?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `UNKNOWNSENDER#${phone}`, sk: `REPLY#${localDate}`, entity: 'unknownSenderReply', ...(retainUntil ? { ttl: ttlOf(retainUntil) } : {}) },
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

function tallyOf(t: UnknownSenderTally): UnknownSenderTally {
  return { count: t.count, redFlags: t.redFlags, firstAt: t.firstAt, lastAt: t.lastAt, recentMessageIds: t.recentMessageIds };
}

function clean(item: Record<string, unknown>): Record<string, unknown> {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest;
}
