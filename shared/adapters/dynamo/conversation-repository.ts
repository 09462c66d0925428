import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertKind, UnresolvedAlertRef } from '#ports/alerts.ts';
import type { ConversationRepository, StoredConversation } from '#ports/conversations.ts';
import { ALERT_REF_PREFIX, unresolvedRefFilter, unresolvedRefsInOrder } from './alert-repository.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { ALL_SHARDS, isConditionalFailure, keys, queueShard, stripKeys } from './keys.ts';
import { queryAll } from './query.ts';

/** Sparse, sharded queue of open conversations sorted by step deadline (gsi2 `CONVO#<shard>`). */
export const conversationQueue = (shard: number) => `CONVO#${shard}`;

/**
 * `PATIENT#<id>` / `CONVERSATION`: the patient's current (or last) weekly check-in conversation.
 * While it is open it also sits in gsi2 `CONVO#<shard>` / `<deadline>#<patientId>`, so the sweep
 * finds timed-out conversations with one Query per shard; a closed one leaves the queue.
 */
export class DynamoConversationRepository implements ConversationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(patientId: string): Promise<StoredConversation | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key(patientId), ConsistentRead: true }));
    return Item ? fromItem(Item) : null;
  }

  /**
   * One Query of the patient's partition from the alert pointers to the conversation: the sort keys
   * `ALERTREF#…` and `CONVERSATION` are neighbours (nothing else of a patient sorts between them:
   * PROFILE, RANDOMIZATION, ITEM#… and VISIT#… all sort after), so the range holds exactly the two.
   * Pointers of resolved alerts and of other kinds are filtered out (read and paid for, not returned;
   * a filter may not name the sort key, hence the `entity` attribute).
   */
  async getWithUnresolvedAlerts(patientId: string, kinds: readonly AlertKind[]): Promise<{ conversation: StoredConversation | null; unresolvedAlerts: UnresolvedAlertRef[] }> {
    if (kinds.length === 0) return { conversation: await this.get(patientId), unresolvedAlerts: [] };
    const filter = unresolvedRefFilter(kinds);
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :refs AND :conversation',
      FilterExpression: `entity = :entity OR ${filter.expression}`,
      ExpressionAttributeValues: { ':pk': key(patientId).pk, ':refs': ALERT_REF_PREFIX, ':conversation': CONVERSATION_SK, ':entity': CONVERSATION_ENTITY, ...filter.values },
      ConsistentRead: true,
    });
    const stored = items.find((item) => item.sk === CONVERSATION_SK);
    return { conversation: stored ? fromItem(stored) : null, unresolvedAlerts: unresolvedRefsInOrder(items, kinds) };
  }

  async save(conversation: StoredConversation, expectedVersion: number | null): Promise<StoredConversation> {
    const stored: StoredConversation = { ...conversation, version: (expectedVersion ?? 0) + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(stored.patientId),
            ...(stored.deadline
              ? { gsi2pk: conversationQueue(queueShard(stored.patientId)), gsi2sk: `${stored.deadline}#${stored.patientId}` }
              : {}),
            entity: CONVERSATION_ENTITY,
            ...stored,
          },
          ...(expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return stored;
    } catch (error) {
      if (isConditionalFailure(error)) throw new StaleWriteError(`conversation of patient ${stored.patientId} changed meanwhile`);
      throw error;
    }
  }

  async listTimedOut(now: string, limit = 500): Promise<StoredConversation[]> {
    const perShard = await Promise.all(
      ALL_SHARDS.map((shard) =>
        queryAll(this.doc, {
          TableName: this.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :until',
          ExpressionAttributeValues: { ':pk': conversationQueue(shard), ':until': `${now}#~` },
        }),
      ),
    );
    return perShard
      .flat()
      .map(fromItem)
      .sort((a, b) => ((a.deadline ?? '') < (b.deadline ?? '') ? -1 : (a.deadline ?? '') > (b.deadline ?? '') ? 1 : 0))
      .slice(0, limit);
  }
}

const CONVERSATION_SK = 'CONVERSATION';
const CONVERSATION_ENTITY = 'conversation';

function key(patientId: string) {
  return { pk: keys.patient(patientId).pk, sk: CONVERSATION_SK };
}

function fromItem(item: Record<string, unknown>): StoredConversation {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as StoredConversation;
}
