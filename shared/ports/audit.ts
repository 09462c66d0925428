export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason?: string;
}

/** Append-only: no update, no delete. */
export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id'> & { id?: string }): Promise<AuditEntry>;
  listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]>;
  /** Entries in [from, to), across entities (export), via the month-partitioned index. */
  listBetween(from: string, to: string): Promise<AuditEntry[]>;
}
