import type { PendingAudit } from '#ports/audit.ts';
import { pendingUpdate } from './audit/outbox.ts';
import { PutCommand, GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ScheduledItem } from '#domain/schedule.ts';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { MaterializeResult, ReminderRepository, StoredReminder } from '#ports/schedule.ts';
import { ALL_SHARDS, isConditionalFailure, keys, queueShard, stripKeys } from './keys.ts';
import { queryAll } from './query.ts';

/**
 * Reminders live in their patient's partition (ITEM#<dueAt>#<id>). While due or being sent they
 * also sit in the sparse, sharded due queue (gsi2 DUE#n); a sent dose check-in moves to the
 * answer queue (gsi2 AWAIT#n, sorted by the end of its answer window) until answered or swept.
 */
export class DynamoReminderRepository implements ReminderRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly studyTimeZone: string,
  ) {}

  async materialize(patientId: string, studyId: string, items: ScheduledItem[], window: { from: string; to: string }, now: string): Promise<MaterializeResult> {
    let created = 0;
    let unchanged = 0;
    for (const item of items) {
      const stored: StoredReminder = { ...item, studyId, state: 'due', attempts: 0, createdAt: now, updatedAt: now };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: this.toItem(stored),
            // A cancelled item that applies again (resume, opt-in) becomes due again; anything else is left alone.
            ConditionExpression: 'attribute_not_exists(pk) OR (#state = :cancelled AND dueAt > :now)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':cancelled': 'cancelled', ':now': now },
          }),
        );
        created++;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        unchanged++;
      }
    }
    const wanted = new Set(items.map((i) => i.id));
    let cancelled = 0;
    for (const stored of await this.listForPatient(patientId, window.from, window.to)) {
      if (stored.state === 'due' && !wanted.has(stored.id) && (await this.finish(stored, 'cancelled', 'no longer in the schedule', now))) cancelled++;
    }
    return { created, unchanged, cancelled };
  }

  async cancelFuture(patientId: string, from: string, reason: string, now: string): Promise<number> {
    let cancelled = 0;
    for (const stored of await this.listForPatient(patientId, from, '9999')) {
      if (stored.state === 'due' && (await this.finish(stored, 'cancelled', reason, now))) cancelled++;
    }
    return cancelled;
  }

  async get(patientId: string, id: string, dueAt: string): Promise<StoredReminder | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.reminder(patientId, dueAt, id), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  async listForPatient(patientId: string, from: string, to: string): Promise<StoredReminder[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `PATIENT#${patientId}`, ':from': `ITEM#${from}`, ':to': `ITEM#${to}` },
    });
    return items.map(fromItem);
  }

  async listDue(until: string, limit = 1000): Promise<StoredReminder[]> {
    return this.queryShardedQueue(keys.dueQueue, until, limit, (r) => r.dueAt);
  }

  async claim(item: StoredReminder, owner: string, now: string, leaseSeconds: number): Promise<boolean> {
    const leaseUntil = new Date(new Date(now).getTime() + leaseSeconds * 1000).toISOString();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reminder(item.patientId, item.dueAt, item.id),
          UpdateExpression: 'SET #state = :sending, leaseOwner = :owner, leaseUntil = :lease, attempts = if_not_exists(attempts, :zero) + :one, updatedAt = :now',
          ConditionExpression: '#state = :due',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':due': 'due', ':owner': owner, ':lease': leaseUntil, ':zero': 0, ':one': 1, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  async markSent(item: StoredReminder, owner: string, result: { messageId: string; parts: number; sentAt: string }): Promise<void> {
    const awaiting = item.kind === 'dose' && item.answerWindowEnd;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.reminder(item.patientId, item.dueAt, item.id),
        UpdateExpression: awaiting
          ? 'SET #state = :sent, messageId = :mid, parts = :parts, sentAt = :at, updatedAt = :at, outcome = :pending, gsi2pk = :await, gsi2sk = :awaitSk REMOVE leaseOwner, leaseUntil'
          : 'SET #state = :sent, messageId = :mid, parts = :parts, sentAt = :at, updatedAt = :at REMOVE leaseOwner, leaseUntil, gsi2pk, gsi2sk',
        ConditionExpression: '#state = :sending AND leaseOwner = :owner',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':sending': 'sending',
          ':owner': owner,
          ':mid': result.messageId,
          ':parts': result.parts,
          ':at': result.sentAt,
          ...(awaiting
            ? { ':pending': 'pending', ':await': keys.awaitQueue(queueShard(item.id)), ':awaitSk': `${item.answerWindowEnd}#${item.id}` }
            : {}),
        },
      }),
    );
  }

  async release(item: StoredReminder, owner: string, now: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reminder(item.patientId, item.dueAt, item.id),
          UpdateExpression: 'SET #state = :due, updatedAt = :now REMOVE leaseOwner, leaseUntil',
          ConditionExpression: '#state = :sending AND leaseOwner = :owner',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':due': 'due', ':sending': 'sending', ':owner': owner, ':now': now },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async finish(item: StoredReminder, state: 'expired' | 'failed' | 'cancelled', reason: string, now: string, owner?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reminder(item.patientId, item.dueAt, item.id),
          UpdateExpression: 'SET #state = :state, reason = :reason, updatedAt = :now REMOVE leaseOwner, leaseUntil, gsi2pk, gsi2sk',
          ConditionExpression: owner ? '#state = :sending AND leaseOwner = :owner' : '#state IN (:due, :sending)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': state,
            ':reason': reason,
            ':now': now,
            ':sending': 'sending',
            ...(owner ? { ':owner': owner } : { ':due': 'due' }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  async listAwaitingUntil(until: string, limit = 1000): Promise<StoredReminder[]> {
    return this.queryShardedQueue(keys.awaitQueue, until, limit, (r) => r.answerWindowEnd ?? '');
  }

  /** Reads one sparse queue (DUE# or AWAIT#) up to `until` from every shard, oldest first. */
  private async queryShardedQueue(
    queue: (shard: number) => string,
    until: string,
    limit: number,
    sortKey: (r: StoredReminder) => string,
  ): Promise<StoredReminder[]> {
    // Whole-second bound without milliseconds ("…T06:00:00Z#~") sorts after every stored instant of that second.
    const bound = `${new Date(until).toISOString().replace(/\.\d{3}Z$/, 'Z')}#~`;
    const perShard = await Promise.all(
      ALL_SHARDS.map(async (shard) => {
        const items: StoredReminder[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'gsi2',
              KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :until',
              ExpressionAttributeValues: { ':pk': queue(shard), ':until': bound },
              ExclusiveStartKey: start,
              Limit: Math.min(limit, 1000),
            }),
          );
          items.push(...(out.Items ?? []).map(fromItem));
          start = out.LastEvaluatedKey;
        } while (start && items.length < limit);
        return items;
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => (sortKey(a) === sortKey(b) ? a.id.localeCompare(b.id) : sortKey(a) < sortKey(b) ? -1 : 1))
      .slice(0, limit);
  }

  async recordSweepMissed(item: StoredReminder, now: string): Promise<'missed' | 'answered' | 'not_due'> {
    const key = keys.reminder(item.patientId, item.dueAt, item.id);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET outcome = :missed, sweptAt = :now, updatedAt = :now REMOVE gsi2pk, gsi2sk',
          // The window check is done by the caller on parsed instants; the condition guards the race with a reply.
          ConditionExpression: 'outcome = :pending',
          ExpressionAttributeValues: { ':missed': 'missed_no_reply', ':pending': 'pending', ':now': now },
        }),
      );
      return 'missed';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    // Either a reply won the race (then make sure it has left the answer queue) or the window is still open.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: 'attribute_exists(pk) AND outcome <> :pending AND begins_with(gsi2pk, :await)',
          ExpressionAttributeValues: { ':pending': 'pending', ':await': 'AWAIT#' },
        }),
      );
      return 'answered';
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    const stored = await this.get(item.patientId, item.id, item.dueAt);
    return stored && stored.outcome !== 'pending' ? 'answered' : 'not_due';
  }

  async listWeek(isoWeek: string): Promise<StoredReminder[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.week(isoWeek), ':prefix': 'REMINDER#' },
    });
    return items.map(fromItem);
  }

  async recordDoseAnswer(
    item: StoredReminder,
    answer: { outcome: 'taken' | 'missed_reported'; answeredAt: string; answerMessageId: string; missedDrugs?: string[] },
    now: string,
    audit?: PendingAudit,
  ): Promise<{ applied: boolean; previous: StoredReminder | null; displacedAudit?: PendingAudit }> {
    const pending = pendingUpdate(audit);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.reminder(item.patientId, item.dueAt, item.id),
          UpdateExpression: `SET outcome = :outcome, answeredAt = :at, answerMessageId = :mid, updatedAt = :now${pending.set} ${answer.missedDrugs?.length ? ', missedDrugs = :drugs REMOVE gsi2pk, gsi2sk' : 'REMOVE gsi2pk, gsi2sk, missedDrugs'}`,
          // The latest answer wins; the same message again (same answeredAt) rewrites the same values.
          ConditionExpression: 'kind = :dose AND #state = :sent AND (attribute_not_exists(answeredAt) OR answeredAt <= :at)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':outcome': answer.outcome,
            ':at': answer.answeredAt,
            ':mid': answer.answerMessageId,
            ':now': now,
            ':dose': 'dose',
            ':sent': 'sent',
            ...(answer.missedDrugs?.length ? { ':drugs': answer.missedDrugs } : {}),
            ...pending.values,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      // ALL_OLD shows the pending entry a crashed answer left (this write replaced it, or kept it when it carries none).
      const displaced = out.Attributes?.auditPending as PendingAudit | undefined;
      return { applied: true, previous: out.Attributes ? fromItem(out.Attributes) : null, ...(displaced ? { displacedAudit: displaced } : {}) };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.reminder(item.patientId, item.dueAt, item.id), ConsistentRead: true }));
      const displaced = Item?.auditPending as PendingAudit | undefined;
      return { applied: false, previous: Item ? fromItem(Item) : null, ...(displaced ? { displacedAudit: displaced } : {}) };
    }
  }

  private toItem(reminder: StoredReminder): Record<string, unknown> {
    return {
      ...keys.reminder(reminder.patientId, reminder.dueAt, reminder.id),
      gsi2pk: keys.dueQueue(queueShard(reminder.id)),
      gsi2sk: `${reminder.dueAt}#${reminder.id}`,
      gsi3pk: keys.week(isoWeekOfInstant(reminder.dueAt, this.studyTimeZone)),
      gsi3sk: `REMINDER#${reminder.dueAt}#${reminder.id}`,
      entity: 'reminder',
      ...reminder,
    };
  }
}

function fromItem(item: Record<string, unknown>): StoredReminder {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as StoredReminder;
}
