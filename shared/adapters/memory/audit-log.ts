import { randomUUID } from 'node:crypto';
import { chainContentFrom, link, writeEntryId, type ChainContent, type ChainedEntry } from '#domain/audit/chain.ts';
import type { AuditCarrier, AuditEntry, AuditTrail, NewAuditEntry, PendingAudit, StoredChainEntry } from '#ports/audit.ts';
import { byKey, copy } from './support.ts';

let sequence = 0;

const carrierKey = (carrier: AuditCarrier) => `${carrier.kind}:${carrier.id}`;

/**
 * The pending audit entries the in-memory records carry (the outbox). A repository write that is
 * given a PendingAudit stores it here in the same synchronous step as the record itself, which
 * is what the DynamoDB adapters' single conditional request guarantees.
 */
export class MemoryAuditCarriers {
  private readonly pending = new Map<string, PendingAudit>();

  carry(audit: PendingAudit | undefined): void {
    if (audit) this.pending.set(carrierKey(audit.ref.carrier), copy(audit));
  }

  get(carrier: AuditCarrier): PendingAudit | null {
    const pending = this.pending.get(carrierKey(carrier));
    return pending ? copy(pending) : null;
  }

  /** Takes the entry off its record, only if it is still that entry (a newer write may carry its own). */
  clear(carrier: AuditCarrier, id: string): void {
    if (this.pending.get(carrierKey(carrier))?.id === id) this.pending.delete(carrierKey(carrier));
  }

  olderThan(instant: string, limit: number): PendingAudit[] {
    return [...this.pending.values()]
      .filter((p) => `${p.at}#${p.id}` < instant)
      .sort((a, b) => byKey(`${a.at}#${a.id}`, `${b.at}#${b.id}`))
      .slice(0, limit)
      .map(copy);
  }
}

/**
 * The audit trail in memory: per-entity hash chains (the same `link` as the DynamoDB adapter),
 * an id appended once however often it is asked for, the time index for exports, and the outbox.
 */
export class MemoryAuditLog implements AuditTrail {
  private readonly chains = new Map<string, ChainedEntry[]>();
  private readonly byTime: ChainedEntry[] = [];

  constructor(private readonly carriers: MemoryAuditCarriers) {}

  async append(input: NewAuditEntry): Promise<AuditEntry> {
    if (input.id) {
      const existing = this.chain(input.entityType, input.entityId).find((e) => e.id === input.id);
      if (existing) return copy(existing) as AuditEntry;
      return this.link(chainContentFrom(input, input.id));
    }
    return this.link(chainContentFrom(input, `${String(++sequence).padStart(10, '0')}-${randomUUID()}`));
  }

  async listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]> {
    return this.chain(entityType, entityId).map((e) => copy(e) as AuditEntry);
  }

  async listBetween(from: string, to: string): Promise<AuditEntry[]> {
    return this.byTime.filter((e) => e.at >= from && e.at < to).map((e) => copy(e) as AuditEntry);
  }

  async prepare(entry: Omit<NewAuditEntry, 'ref'>, ref: { carrier: AuditCarrier; version: number }): Promise<PendingAudit> {
    const head = this.chain(entry.entityType, entry.entityId).at(-1);
    const id = entry.id ?? writeEntryId(ref.carrier, ref.version, entry.action);
    return { ...chainContentFrom({ ...entry, ref }, id), ref, fromSeq: head?.seq ?? 0 } as PendingAudit;
  }

  async complete(pending: PendingAudit): Promise<void> {
    const { fromSeq, ...rest } = pending;
    const appended = this.chain(rest.entityType, rest.entityId).some((e) => e.seq > fromSeq && e.id === pending.id);
    if (!appended) this.link(chainContentFrom(rest, pending.id));
    this.carriers.clear(pending.ref.carrier, pending.id);
  }

  async settle(carrier: AuditCarrier): Promise<void> {
    const pending = this.carriers.get(carrier);
    if (pending) await this.complete(pending);
  }

  async completeStale(olderThan: string, limit = 100): Promise<number> {
    let completed = 0;
    for (const pending of this.carriers.olderThan(olderThan, limit)) {
      await this.complete(pending);
      completed++;
    }
    return completed;
  }

  async listChains(): Promise<{ entityType: string; entityId: string }[]> {
    return [...this.chains.entries()].filter(([, chain]) => chain.length > 0).map(([, chain]) => ({ entityType: chain[0]!.entityType, entityId: chain[0]!.entityId }));
  }

  async readChain(entityType: string, entityId: string): Promise<StoredChainEntry[]> {
    return this.chain(entityType, entityId).map((e) => ({ ...(copy(e) as AuditEntry), position: e.seq }));
  }

  async latest(entityType: string, entityId: string): Promise<AuditEntry | null> {
    const last = this.chain(entityType, entityId).at(-1);
    return last ? (copy(last) as AuditEntry) : null;
  }

  private chain(entityType: string, entityId: string): ChainedEntry[] {
    const key = `${entityType}#${entityId}`;
    let chain = this.chains.get(key);
    if (!chain) this.chains.set(key, (chain = []));
    return chain;
  }

  private link(content: ChainContent): AuditEntry {
    const chain = this.chain(content.entityType, content.entityId);
    const entry = link(chain.at(-1) ?? null, copy(content));
    chain.push(entry);
    const key = `${entry.at}#${entry.id}`;
    let at = this.byTime.length;
    while (at > 0 && byKey(`${this.byTime[at - 1]!.at}#${this.byTime[at - 1]!.id}`, key) > 0) at--;
    this.byTime.splice(at, 0, entry);
    return copy(entry) as AuditEntry;
  }
}
