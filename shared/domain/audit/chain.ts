import { createHash } from 'node:crypto';

/**
 * The audit trail's hash chain (pure: no clock, no IO). Each entity's entries are numbered
 * 1, 2, 3 … and each stores `hash = SHA-256(prevHash ‖ canonical(content))`, where content is
 * every recorded field of the entry (never the chain fields themselves). Editing an entry breaks
 * its own hash; removing or reordering one breaks the next entry's `prevHash` or the numbering;
 * cutting the tail is caught by the daily anchor, which records each chain's head.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** The recorded fields that the hash covers (all but seq, prevHash and hash). */
export interface ChainContent {
  id: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason?: string;
  kind?: string;
  ref?: unknown;
}

/** What a writer hands in: the content without its id, before/after optional, kind defaulting to a write. */
export type ChainContentInput = Omit<ChainContent, 'id' | 'before' | 'after' | 'reason' | 'kind' | 'ref'> & {
  before?: unknown;
  after?: unknown;
  reason?: string | undefined;
  kind?: string | undefined;
  ref?: unknown;
};

/** The canonical content of a new entry (the same for every store, so their hashes agree). */
export function chainContentFrom(entry: ChainContentInput, id: string): ChainContent {
  return {
    id,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    kind: entry.kind ?? 'write',
    ...(entry.ref !== undefined ? { ref: entry.ref } : {}),
  };
}

export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

export type ChainedEntry = ChainContent & ChainLink;

/** JSON with object keys sorted at every depth and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

/** The hashed part of an entry. Optional fields take part only when present. */
export function contentOf(entry: ChainContent): ChainContent {
  return {
    id: entry.id,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    ...(entry.kind !== undefined ? { kind: entry.kind } : {}),
    ...(entry.ref !== undefined ? { ref: entry.ref } : {}),
  };
}

export function entryHash(prevHash: string, seq: number, content: ChainContent): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${canonicalJson(contentOf(content))}`).digest('hex');
}

/** Links `content` after `head` (or as the first entry when head is null). */
export function link(head: ChainLink | null, content: ChainContent): ChainedEntry {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...contentOf(content), seq, prevHash, hash: entryHash(prevHash, seq, content) };
}

export interface ChainBreak {
  /** `entityType:entityId` */
  entity: string;
  /** The first entry that does not hold: its number in the chain and its id (when there is one). */
  seq: number;
  entryId: string | null;
  problem: 'edited' | 'removed' | 'reordered' | 'forked' | 'truncated' | 'misplaced';
  detail: string;
}

/**
 * Walks one entity's chain as stored (ascending storage order, each with the position its key
 * gives it). Returns the first break, or null when every entry holds.
 */
export function verifyChain(entity: string, stored: readonly (ChainedEntry & { position: number })[]): ChainBreak | null {
  let prev: ChainLink | null = null;
  for (const entry of stored) {
    const expectedSeq = (prev?.seq ?? 0) + 1;
    if (entry.position !== entry.seq) {
      return { entity, seq: entry.position, entryId: entry.id, problem: 'reordered', detail: `entry stored at position ${entry.position} says it is number ${entry.seq}` };
    }
    if (entry.seq > expectedSeq) {
      return { entity, seq: expectedSeq, entryId: null, problem: 'removed', detail: `entry ${expectedSeq} is missing (the next one present is ${entry.seq})` };
    }
    if (entry.seq < expectedSeq) {
      return { entity, seq: entry.seq, entryId: entry.id, problem: 'forked', detail: `entry number ${entry.seq} appears twice` };
    }
    if (entry.hash !== entryHash(entry.prevHash, entry.seq, entry)) {
      return { entity, seq: entry.seq, entryId: entry.id, problem: 'edited', detail: `entry ${entry.seq} (${entry.id}) does not match its hash: its content was changed` };
    }
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      return {
        entity,
        seq: entry.seq,
        entryId: entry.id,
        problem: 'reordered',
        detail: `entry ${entry.seq} (${entry.id}) does not follow entry ${entry.seq - 1}: an entry before it was replaced, moved or removed`,
      };
    }
    prev = entry;
  }
  return null;
}

/** The deterministic id of the audit entry of one write: the entity written, its version after the write, and the action. */
export function writeEntryId(carrier: { kind: string; id: string }, version: number, action: string): string {
  return `${carrier.kind}:${carrier.id}@v${version}:${action}`;
}
