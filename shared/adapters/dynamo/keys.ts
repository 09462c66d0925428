import { QUEUE_SHARDS } from '#config/table.ts';
import { shardOf } from '#domain/ids.ts';

/** Key builders for every entity of the single table (see docs/data-model.md). */
export const keys = {
  patient: (id: string) => ({ pk: `PATIENT#${id}`, sk: 'PROFILE' }),
  patientsByStatus: (status: string) => `PATIENTS#${status}`,
  phoneClaim: (phone: string) => ({ pk: `PHONE#${phone}`, sk: 'CLAIM' }),
  studyIdClaim: (studyId: string) => ({ pk: `STUDY#${studyId.toUpperCase()}`, sk: 'CLAIM' }),
  reminder: (patientId: string, dueAt: string, id: string) => ({ pk: `PATIENT#${patientId}`, sk: `ITEM#${dueAt}#${id}` }),
  dueQueue: (shard: number) => `DUE#${shard}`,
  awaitQueue: (shard: number) => `AWAIT#${shard}`,
  week: (isoWeek: string) => `WEEK#${isoWeek}`,
  inbox: (shard: number) => `INBOX#${shard}`,
  audit: (entityType: string, entityId: string) => `AUDIT#${entityType}#${entityId}`,
  auditMonth: (at: string) => `AUDIT#${at.slice(0, 7)}`,
  /** An audit chain entry: its number in the entity's chain, zero-padded so the sort key orders the chain. */
  auditEntry: (seq: number) => `E#${String(seq).padStart(12, '0')}`,
  /** An idempotent append's receipt (the entry as first asked for, and the chain head then). */
  auditReceipt: (id: string) => `R#${id}`,
  /** The sparse outbox index (gsi4): records carrying an audit entry not yet appended (inbound messages, in INBOX#n there, never carry one). */
  auditOutbox: 'OUTBOX',
  /** The chain registry: one item per entity chain, so the verifier finds every chain without a Scan. */
  auditChains: 'AUDIT#CHAINS',
  report: (id: string) => ({ pk: `REPORT#${id}`, sk: 'REPORT' }),
  alert: (id: string) => ({ pk: `ALERT#${id}`, sk: 'ALERT' }),
  digest: (week: string) => ({ pk: `DIGEST#${week}`, sk: 'DIGEST' }),
  visit: (patientId: string, visitKey: string) => ({ pk: `PATIENT#${patientId}`, sk: `VISIT#${visitKey}` }),
} as const;

export function queueShard(id: string): number {
  return shardOf(id, QUEUE_SHARDS);
}

export const ALL_SHARDS = Array.from({ length: QUEUE_SHARDS }, (_, i) => i);

/** Strips the table's key, index and TTL attributes (and a pending audit entry, see audit/outbox.ts) from a stored item. */
export function stripKeys<T extends Record<string, unknown>>(
  item: T,
): Omit<T, 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk' | 'gsi3pk' | 'gsi3sk' | 'gsi4pk' | 'gsi4sk' | 'auditPending' | 'ttl'> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, gsi4pk: _g, gsi4sk: _h, auditPending: _p, ttl: _ttl, ...rest } = item;
  return rest;
}

export function isConditionalFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new Error('invalid cursor');
}

/** The TTL attribute's value (epoch seconds) for an ISO instant. */
export function ttlOf(isoInstant: string): number {
  return Math.floor(Date.parse(isoInstant) / 1000);
}
