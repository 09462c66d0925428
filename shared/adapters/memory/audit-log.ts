import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog } from '#ports/audit.ts';
import { byKey, conditionalFailure, copy } from './support.ts';

let sequence = 0;

/** Append-only audit trail in memory: an id is written once; by entity and by time, in `at#id` order. */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];
  private readonly byEntity = new Map<string, AuditEntry[]>();
  private readonly keys = new Set<string>();

  async append(input: Omit<AuditEntry, 'id'> & { id?: string }): Promise<AuditEntry> {
    const entry: AuditEntry = { ...copy(input), id: input.id ?? `${String(++sequence).padStart(10, '0')}-${randomUUID()}` };
    const entity = `${entry.entityType}#${entry.entityId}`;
    const key = `${entity}#${entry.at}#${entry.id}`;
    if (this.keys.has(key)) throw conditionalFailure();
    this.keys.add(key);
    insertSorted(this.entries, entry);
    let list = this.byEntity.get(entity);
    if (!list) this.byEntity.set(entity, (list = []));
    insertSorted(list, entry);
    return copy(entry);
  }

  async listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]> {
    return (this.byEntity.get(`${entityType}#${entityId}`) ?? []).map(copy);
  }

  async listBetween(from: string, to: string): Promise<AuditEntry[]> {
    return this.entries.filter((e) => e.at >= from && e.at < to).map(copy);
  }
}

function insertSorted(list: AuditEntry[], entry: AuditEntry): void {
  const key = `${entry.at}#${entry.id}`;
  let at = list.length;
  while (at > 0 && byKey(`${list[at - 1]!.at}#${list[at - 1]!.id}`, key) > 0) at--;
  list.splice(at, 0, entry);
}
