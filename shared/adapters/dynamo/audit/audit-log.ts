import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chainContentFrom, writeEntryId } from '#domain/audit/chain.ts';
import type { AppendHint, AuditCarrier, AuditEntry, AuditTrail, NewAuditEntry, PendingAudit, StoredChainEntry } from '#ports/audit.ts';
import { isConditionalFailure, keys } from '../keys.ts';
import { queryAll } from '../query.ts';
import { AuditChainStore, entryFromItem } from './chain-store.ts';
import { carrierKey } from './outbox.ts';

let sequence = 0;

/**
 * The audit trail in the main table: per-entity hash chains (AUDIT#<type>#<id> / E#<seq>), the
 * month index for exports, and the outbox (pending entries carried by the written records, listed
 * in the sparse gsi4 until appended). Append-only: the only UpdateItem here clears a pending entry
 * from a *carrier* record (patient, report …), never from an audit item.
 */
export class DynamoAuditLog implements AuditTrail {
  private readonly chains: AuditChainStore;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.chains = new AuditChainStore(doc, tableName);
  }

  async append(input: NewAuditEntry, hint: AppendHint = {}): Promise<AuditEntry> {
    if (input.id) return (await this.chains.appendOnce(chainContentFrom(input, input.id), hint.newEntity === true, hint.fromStart === true)) as AuditEntry;
    // Entries of one instant keep their write order in the month index: a per-process sequence leads the random part.
    return (await this.chains.append(chainContentFrom(input, `${String(++sequence).padStart(10, '0')}-${randomUUID()}`), null)) as AuditEntry;
  }

  async listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]> {
    return this.chains.list(entityType, entityId);
  }

  listChains(): Promise<{ entityType: string; entityId: string }[]> {
    return this.chains.listChains();
  }

  readChain(entityType: string, entityId: string): Promise<StoredChainEntry[]> {
    return this.chains.readChain(entityType, entityId);
  }

  latest(entityType: string, entityId: string): Promise<AuditEntry | null> {
    return this.chains.latest(entityType, entityId);
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
      const items = await queryAll(this.doc, {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `AUDIT#${month}`, ':from': from, ':to': to },
      });
      entries.push(...items.map(entryFromItem));
    }
    return entries.filter((e) => e.at >= from && e.at < to);
  }

  async prepare(entry: Omit<NewAuditEntry, 'ref'>, ref: { carrier: AuditCarrier; version: number }, hint: AppendHint = {}): Promise<PendingAudit> {
    // A new entity's chain is taken to be empty (fromSeq 0 is always safe: the entry can only lie after it).
    const head = hint.newEntity ? null : await this.chains.head(entry.entityType, entry.entityId);
    const id = entry.id ?? writeEntryId(ref.carrier, ref.version, entry.action);
    const pending = { ...chainContentFrom({ ...entry, ref }, id), ref, fromSeq: head?.seq ?? 0 } as PendingAudit;
    this.preparedHeads.set(pending, head);
    return pending;
  }

  /**
   * The head each pending entry prepared by this process was prepared on: the entry cannot be in
   * the chain up to it, so completing that same object links to it without reading the chain again
   * (a racing writer makes the conditional put fail, and the append reads on from `fromSeq`). A
   * pending entry read back from its record (settle, completeStale) is not in here.
   */
  private readonly preparedHeads = new WeakMap<PendingAudit, Awaited<ReturnType<AuditChainStore['head']>>>();

  async complete(pending: PendingAudit): Promise<void> {
    const { fromSeq, ...rest } = pending;
    await this.chains.append(chainContentFrom(rest, pending.id), fromSeq, this.preparedHeads.get(pending));
    await this.clear(carrierKey(pending.ref.carrier), pending.id);
  }

  async settle(carrier: AuditCarrier): Promise<void> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: carrierKey(carrier), ConsistentRead: true }));
    if (Item?.auditPending) await this.complete(Item.auditPending as PendingAudit);
  }

  async completeStale(olderThan: string, limit = 100): Promise<number> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
        ExpressionAttributeValues: { ':pk': keys.auditOutbox, ':before': olderThan },
        Limit: limit,
      }),
    );
    let completed = 0;
    for (const item of out.Items ?? []) {
      // The index lags: read the record itself and complete what it still carries.
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }));
      if (!Item?.auditPending) continue;
      await this.complete(Item.auditPending as PendingAudit);
      completed++;
    }
    return completed;
  }

  /** Takes the pending entry off its record, only if it is still that entry (a newer write may carry its own). */
  private async clear(key: { pk: string; sk: string }, pendingId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE auditPending, gsi4pk, gsi4sk',
          ConditionExpression: 'auditPending.id = :id',
          ExpressionAttributeValues: { ':id': pendingId },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }
}
