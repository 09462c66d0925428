/** Which kind of record an audit entry is: a change (write), a read of patient data, or the daily anchor. */
export type AuditKind = 'write' | 'read' | 'anchor';

/** The stored record an audited write changed (its outbox carries the pending entry). */
export interface AuditCarrier {
  kind: 'patient' | 'visit' | 'report' | 'alert' | 'digest' | 'reminder';
  /** patient: patient id; visit: `<patientId>/<visitKey>`; report, alert: their ids; digest: ISO week; reminder: `<patientId>/<dueAt>/<id>`. */
  id: string;
}

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
  /** Absent on entries written before read entries existed: a write. */
  kind?: AuditKind;
  /** A write's record and its version after the write (outbox entries): exactly one entry per version. */
  ref?: { carrier: AuditCarrier; version: number };
  /** Position in the entity's hash chain (1, 2, …), the previous entry's hash and this entry's (shared/domain/audit/chain.ts). */
  seq?: number;
  prevHash?: string;
  hash?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'seq' | 'prevHash' | 'hash'> & { id?: string };

/**
 * The entry a write carries in its own item (outbox). `fromSeq` is the entity chain's head when it
 * was prepared: the entry, if already appended, lies after it, so completing twice appends once.
 */
export interface PendingAudit extends AuditEntry {
  ref: { carrier: AuditCarrier; version: number };
  fromSeq: number;
}

/**
 * `newEntity: true` when the caller has just created the entity (or is about to, in the request the
 * prepared entry rides on), so its chain is almost surely empty: the store may link the entry as
 * the chain's first without reading the head. Only a hint — a chain that is not empty after all
 * makes the first put collide and the store reads on, exactly as with a racing writer — so it
 * changes the cost, never the chain.
 */
export interface AppendHint {
  newEntity?: boolean;
  /**
   * The entry is one of the entity's first few (its creation, say), in a chain that stays short:
   * the store may find an earlier append of the same id by reading the chain from its start instead
   * of keeping a receipt. Pass the same value on every call with that id (a retry included).
   */
  fromStart?: boolean;
}

/** Append-only: no update, no delete. */
export interface AuditLog {
  /**
   * Appends to the entity's hash chain. With an `id`, idempotent: the same id is appended once, however often it is called.
   * `newEntity`: see AppendHint.
   */
  append(entry: NewAuditEntry, hint?: AppendHint): Promise<AuditEntry>;
  /** The entity's chain, oldest first. */
  listForEntity(entityType: string, entityId: string): Promise<AuditEntry[]>;
  /** Entries in [from, to), across entities (export), via the month-partitioned index. */
  listBetween(from: string, to: string): Promise<AuditEntry[]>;
}

/**
 * The audit outbox: no write without its entry, no entry without its write. A use case prepares
 * the entry, hands it to the repository's write (which stores it in the same item, in the same
 * conditional request), then completes it (append idempotently, then clear it from the item).
 * An entry left pending by a crash is completed by `settle` (the next use case touching that
 * record) or by `completeStale` (the sweep).
 */
export interface AuditOutbox {
  prepare(entry: Omit<NewAuditEntry, 'ref'>, ref: { carrier: AuditCarrier; version: number }, hint?: AppendHint): Promise<PendingAudit>;
  complete(pending: PendingAudit): Promise<void>;
  /** Completes the entry the record still carries, if any. Call before deciding anything on the record. */
  settle(carrier: AuditCarrier): Promise<void>;
  /** Completes entries pending since before `olderThan` (crashed writes nobody touched since). Returns how many. */
  completeStale(olderThan: string, limit?: number): Promise<number>;
}

/** An entry as stored, with the chain position its storage key gives it (which a tampered item may contradict). */
export type StoredChainEntry = AuditEntry & { position: number };

/** What the verifier and the anchor read: the chains as stored. */
export interface AuditChainReader {
  /** Every entity that has a chain (the chain registry: its first entry lists it, in the same write). */
  listChains(): Promise<{ entityType: string; entityId: string }[]>;
  /** One chain's entries in storage-key order. */
  readChain(entityType: string, entityId: string): Promise<StoredChainEntry[]>;
  /** The chain's newest entry. */
  latest(entityType: string, entityId: string): Promise<AuditEntry | null>;
}

export type AuditTrail = AuditLog & AuditOutbox & AuditChainReader;
