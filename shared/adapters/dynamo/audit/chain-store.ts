import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { link, type ChainContent, type ChainedEntry, type ChainLink } from '#domain/audit/chain.ts';
import type { AuditEntry, StoredChainEntry } from '#ports/audit.ts';
import { isConditionalFailure, keys, stripKeys } from '../keys.ts';
import { queryAll } from '../query.ts';

const ENTRY_FROM = (seq: number) => keys.auditEntry(Math.max(seq, 0));
const ENTRY_END = 'E#~';
/** Racing appenders retry on the new head; more losses than this in a row means something is wrong. */
const MAX_RACES = 25;

export function entryFromItem(item: Record<string, unknown>): AuditEntry {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as AuditEntry;
}

/**
 * One entity's hash chain in its partition AUDIT#<type>#<id>: entries at E#<seq>, written only by
 * conditional put (attribute_not_exists), so two writers that read the same head cannot both link
 * to it: the loser reads the new head and links after it. Nothing here updates or deletes.
 */
export class AuditChainStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The chain's last entry (strongly consistent), or null for an empty chain. */
  async head(entityType: string, entityId: string): Promise<(ChainLink & { id: string }) | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.audit(entityType, entityId), ':from': ENTRY_FROM(0), ':to': ENTRY_END },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? { seq: Number(item.seq), hash: String(item.hash), prevHash: String(item.prevHash), id: String(item.id) } : null;
  }

  /**
   * Appends `content` to its entity's chain. With `fromSeq` (the head when the entry was first
   * asked for), idempotent: if an entry with this id lies after it, that one is returned and
   * nothing is written.
   */
  async append(content: ChainContent, fromSeq: number | null, knownHead?: (ChainLink & { id: string }) | null): Promise<ChainedEntry> {
    let from = fromSeq;
    for (let race = 0; race < MAX_RACES; race++) {
      let head: (ChainLink & { id: string }) | null;
      if (race === 0 && knownHead !== undefined) {
        // The caller read the head just now and knows the entry is not in the chain: link to it (a racing writer makes the put fail).
        head = knownHead;
      } else if (from === null) {
        head = await this.head(content.entityType, content.entityId);
      } else {
        const after = await queryAll(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.audit(content.entityType, content.entityId), ':from': ENTRY_FROM(from), ':to': ENTRY_END },
          ConsistentRead: true,
        });
        const mine = after.find((i) => i.id === content.id);
        if (mine) return entryFromItem(mine) as ChainedEntry;
        const last = after.at(-1);
        head = last ? { seq: Number(last.seq), hash: String(last.hash), prevHash: String(last.prevHash), id: String(last.id) } : null;
      }
      const entry = link(head, content);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: keys.audit(entry.entityType, entry.entityId),
              sk: keys.auditEntry(entry.seq),
              gsi1pk: keys.auditMonth(entry.at),
              gsi1sk: `${entry.at}#${entry.id}`,
              entity: 'audit',
              // The chain registry: a chain's first entry lists it in the sparse registry index, in
              // the same conditional put (no separate registration request, none to lose in a crash).
              ...(entry.seq === 1 ? { gsi2pk: keys.auditChains, gsi2sk: `${entry.entityType}#${entry.entityId}` } : {}),
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return entry;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        // Another writer linked to the same head first: read on from there (our id may be among theirs).
        from = from === null ? null : (head?.seq ?? from);
      }
    }
    throw new Error(`audit chain ${content.entityType}:${content.entityId}: lost ${MAX_RACES} appends in a row`);
  }

  /**
   * An append with a caller-chosen id, once however often it is called: the first call leaves an
   * immutable receipt (the entry as first asked for, and the head then); every call appends from
   * that receipt, which finds the entry if an earlier call already appended it.
   */
  async appendOnce(content: ChainContent, assumeEmpty = false, fromStart = false): Promise<ChainedEntry> {
    // `fromStart` (a short chain, the entity's first entries): no receipt; every call reads the chain
    // from its start, which finds the entry if an earlier call appended it. One request less on the
    // first call, and the same on a retry, for chains of a few entries.
    if (fromStart) return this.append(content, 0, assumeEmpty ? null : undefined);
    const pk = keys.audit(content.entityType, content.entityId);
    const receiptKey = { pk, sk: keys.auditReceipt(content.id) };
    // `assumeEmpty` (an entity created just now): the head is taken to be none, not read. If the chain
    // has entries after all, the put at E#1 collides and append reads on from 0 (the receipt's
    // fromSeq 0 is always safe: the entry can only lie after it).
    const head = assumeEmpty ? null : await this.head(content.entityType, content.entityId);
    let first = false;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...receiptKey, entity: 'auditReceipt', fromSeq: head?.seq ?? 0, entry: content },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      first = true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
    // A fresh receipt: no earlier call got as far as appending, so the head read above is where it goes.
    if (first) return this.append(content, head?.seq ?? 0, head);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: receiptKey, ConsistentRead: true }));
    if (!Item) throw new Error(`audit receipt ${content.id} vanished`);
    return this.append(Item.entry as ChainContent, Number(Item.fromSeq));
  }

  /**
   * Every chain: those whose first entry is in the registry index, and those registered by an item
   * of their own in AUDIT#CHAINS (how chains were registered before the index; read so that a table
   * written by an earlier version lists them too). Each chain once, sorted.
   */
  async listChains(): Promise<{ entityType: string; entityId: string }[]> {
    const [indexed, legacy] = await Promise.all([
      queryAll(this.doc, { TableName: this.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditChains } }),
      queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditChains } }),
    ]);
    const chains = new Map<string, { entityType: string; entityId: string }>();
    for (const item of [...indexed, ...legacy]) {
      const chain = { entityType: String(item.entityType), entityId: String(item.entityId) };
      chains.set(`${chain.entityType}#${chain.entityId}`, chain);
    }
    return [...chains.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, chain]) => chain);
  }

  async latest(entityType: string, entityId: string): Promise<AuditEntry | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.audit(entityType, entityId), ':from': ENTRY_FROM(0), ':to': ENTRY_END },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0] ? entryFromItem(out.Items[0]) : null;
  }

  /** Every entry of the chain, oldest first (entries from before the chain, keyed by time, come first). */
  async list(entityType: string, entityId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.audit(entityType, entityId) },
      ConsistentRead: true,
    });
    return items.filter((i) => i.entity === 'audit').map(entryFromItem);
  }

  /** The stored items of one chain with their key position (for the verifier: what the keys say, not what the items claim). */
  async listStored(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
  }

  async readChain(entityType: string, entityId: string): Promise<StoredChainEntry[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.audit(entityType, entityId), ':from': ENTRY_FROM(0), ':to': ENTRY_END },
      ConsistentRead: true,
    });
    return items.map((i) => ({ ...entryFromItem(i), position: Number(String(i.sk).slice(2)) }));
  }
}
