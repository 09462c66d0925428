// The audit trail's hash chain and daily anchor, as an auditor checking the trail sees them: every
// recorded field is covered by the hash, each kind of tampering is reported as what it is and
// where, and the stored ids and day boundaries do not move. These pure functions had no domain
// unit test (only integration tests through the DynamoDB chain store), so the domain mutation run
// found them unpinned (docs/testing.md).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chainContentFrom,
  entryHash,
  GENESIS_HASH,
  link,
  verifyChain,
  writeEntryId,
  type ChainContent,
  type ChainedEntry,
} from '#domain/audit/chain.ts';
import { anchorId, ANCHOR_CATCH_UP_DAYS, dayBounds, dayHeads, daysToAnchor } from '#domain/audit/anchor.ts';

const content = (n: number, extra: Partial<ChainContent> = {}): ChainContent =>
  chainContentFrom(
    { at: `2027-01-16T0${n}:00:00.000Z`, actor: 'coordinator:alice', action: 'patient.update', entityType: 'patient', entityId: 'p1', after: { version: n }, ...extra },
    `e${n}`,
  );

/** A chain of `n` entries built as a writer would, each stored at the position of its number. */
function chain(n: number): (ChainedEntry & { position: number })[] {
  const out: (ChainedEntry & { position: number })[] = [];
  for (let i = 1; i <= n; i++) {
    const entry = link(out.at(-1) ?? null, content(i));
    out.push({ ...entry, position: entry.seq });
  }
  return out;
}

describe('linking entries', () => {
  it('numbers entries from 1, the first after the genesis hash, each after the one before', () => {
    const [a, b, c] = chain(3);
    expect([a!.seq, b!.seq, c!.seq]).toEqual([1, 2, 3]);
    expect(a!.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(b!.prevHash).toBe(a!.hash);
    expect(c!.prevHash).toBe(b!.hash);
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyChain('patient:p1', chain(3))).toBeNull();
  });

  it('the hash is SHA-256 of the previous hash, the number and the canonical content (stores must agree on it)', () => {
    const c = content(1);
    expect(entryHash(GENESIS_HASH, 1, c)).toBe(link(null, c).hash);
    // The hashed text, written out: a change to it would make every stored entry look edited.
    const text =
      '{"action":"patient.update","actor":"coordinator:alice","after":{"version":1},"at":"2027-01-16T01:00:00.000Z",' +
      '"before":null,"entityId":"p1","entityType":"patient","id":"e1","kind":"write"}';
    expect(entryHash(GENESIS_HASH, 1, c)).toBe(createHash('sha256').update(`${GENESIS_HASH}\n1\n${text}`).digest('hex'));
    expect(entryHash(GENESIS_HASH, 2, c)).not.toBe(entryHash(GENESIS_HASH, 1, c));
    expect(entryHash('f'.repeat(64), 1, c)).not.toBe(entryHash(GENESIS_HASH, 1, c));
  });

  it('a new entry records before/after as null when absent, a write by default, and reason/ref only when given', () => {
    const plain = chainContentFrom({ at: 't', actor: 'a', action: 'x', entityType: 'patient', entityId: 'p1' }, 'id1');
    expect(plain).toEqual({ id: 'id1', at: 't', actor: 'a', action: 'x', entityType: 'patient', entityId: 'p1', before: null, after: null, kind: 'write' });
    expect(Object.keys(plain)).not.toContain('reason');
    expect(Object.keys(plain)).not.toContain('ref');
    const full = chainContentFrom(
      { at: 't', actor: 'a', action: 'x', entityType: 'patient', entityId: 'p1', before: { v: 1 }, after: { v: 2 }, reason: 'typo', kind: 'read', ref: { alert: 'a1' } },
      'id2',
    );
    expect(full).toEqual({ id: 'id2', at: 't', actor: 'a', action: 'x', entityType: 'patient', entityId: 'p1', before: { v: 1 }, after: { v: 2 }, reason: 'typo', kind: 'read', ref: { alert: 'a1' } });
  });

  it('a linked entry stores exactly its content and the chain fields', () => {
    const e = link(null, content(1, { reason: 'r' }));
    expect(Object.keys(e).sort()).toEqual(['action', 'actor', 'after', 'at', 'before', 'entityId', 'entityType', 'hash', 'id', 'kind', 'prevHash', 'reason', 'seq']);
  });

  it('an entry written before `kind` existed (no kind field) still verifies', () => {
    const { kind: _kind, ...old } = content(1);
    const entry = link(null, old as ChainContent);
    expect('kind' in entry).toBe(false);
    expect(verifyChain('patient:p1', [{ ...entry, position: 1 }])).toBeNull();
    expect(entry.hash).not.toBe(link(null, content(1)).hash);
  });
});

describe('verifying a chain: each kind of tampering is named, at the first entry that does not hold', () => {
  it.each([
    ['id', 'e9'],
    ['at', '2027-01-16T09:00:00.000Z'],
    ['actor', 'coordinator:mallory'],
    ['action', 'patient.delete'],
    ['entityType', 'alert'],
    ['entityId', 'p2'],
    ['before', { version: 0 }],
    ['after', { version: 99 }],
    ['reason', 'cover-up'],
    ['kind', 'read'],
    ['ref', { x: 1 }],
  ])('an edited %s breaks the entry\'s own hash', (field, value) => {
    const stored = chain(3);
    stored[1] = { ...stored[1]!, [field]: value };
    expect(verifyChain('patient:p1', stored)).toEqual({
      entity: 'patient:p1',
      seq: 2,
      entryId: field === 'id' ? 'e9' : 'e2',
      problem: 'edited',
      detail: `entry 2 (${field === 'id' ? 'e9' : 'e2'}) does not match its hash: its content was changed`,
    });
  });

  it('a removed entry: the number missing is reported, without an id', () => {
    const stored = chain(3);
    stored.splice(1, 1);
    expect(verifyChain('patient:p1', stored)).toEqual({ entity: 'patient:p1', seq: 2, entryId: null, problem: 'removed', detail: 'entry 2 is missing (the next one present is 3)' });
  });

  it('an entry stored at another position than its number is reordered', () => {
    const stored = chain(3);
    stored[2] = { ...stored[2]!, position: 4 };
    expect(verifyChain('patient:p1', stored)).toEqual({ entity: 'patient:p1', seq: 4, entryId: 'e3', problem: 'reordered', detail: 'entry stored at position 4 says it is number 3' });
  });

  it('a number that appears twice is a fork', () => {
    const stored = chain(2);
    const twin = link(stored[0]!, content(7));
    stored.push({ ...twin, position: 2 });
    expect(verifyChain('patient:p1', stored)).toEqual({ entity: 'patient:p1', seq: 2, entryId: 'e7', problem: 'forked', detail: 'entry number 2 appears twice' });
  });

  it('an entry replaced by one that hashes right but follows another entry', () => {
    const stored = chain(3);
    const forged = link({ seq: 1, prevHash: GENESIS_HASH, hash: 'a'.repeat(64) }, content(5));
    stored[1] = { ...forged, position: 2 };
    expect(verifyChain('patient:p1', stored)).toEqual({
      entity: 'patient:p1',
      seq: 2,
      entryId: 'e5',
      problem: 'reordered',
      detail: 'entry 2 (e5) does not follow entry 1: an entry before it was replaced, moved or removed',
    });
  });

  it('a first entry that does not start at the genesis hash', () => {
    const first = link({ seq: 0, prevHash: GENESIS_HASH, hash: 'b'.repeat(64) }, content(1));
    expect(verifyChain('patient:p1', [{ ...first, position: 1 }])?.problem).toBe('reordered');
  });

  it('only the first break is reported', () => {
    const stored = chain(4);
    stored[1] = { ...stored[1]!, actor: 'x' };
    stored[3] = { ...stored[3]!, actor: 'y' };
    expect(verifyChain('patient:p1', stored)?.seq).toBe(2);
  });

  it('an empty chain holds', () => {
    expect(verifyChain('patient:p1', [])).toBeNull();
  });
});

describe('canonical JSON (one text per value, so two stores hash alike)', () => {
  it('sorts keys at every depth, drops undefined members, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([undefined, null, true, 'é'])).toBe('[null,null,true,"é"]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ 'k"': 1 })).toBe('{"k\\"":1}');
  });

  it('refuses a number JSON cannot represent', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow('canonicalJson: non-finite number');
    expect(canonicalJson(1.5)).toBe('1.5');
  });
});

describe('stored ids', () => {
  it('the audit entry of a write is named by the entity, its version after the write and the action', () => {
    expect(writeEntryId({ kind: 'patient', id: 'p1' }, 3, 'patient.update')).toBe('patient:p1@v3:patient.update');
    expect(anchorId('2027-01-16')).toBe('anchor:2027-01-16');
  });
});

describe('daily anchor', () => {
  it('lists the newest entry of each entity that changed that day, by entity, without the anchors themselves', () => {
    const heads = dayHeads([
      { entityType: 'patient', entityId: 'p2', seq: 4, hash: 'h4' },
      { entityType: 'patient', entityId: 'p2', seq: 6, hash: 'h6' },
      { entityType: 'patient', entityId: 'p2', seq: 5, hash: 'h5' },
      { entityType: 'alert', entityId: 'a1', seq: 1, hash: 'a' },
      { entityType: 'audit', entityId: 'anchor', seq: 9, hash: 'x' },
      { entityType: 'audit', entityId: 'other', seq: 2, hash: 'o' },
      { entityType: 'patient', entityId: 'p3', hash: 'no-seq' },
      { entityType: 'patient', entityId: 'p4', seq: 1 },
    ]);
    expect(heads).toEqual([
      { entity: 'alert:a1', seq: 1, hash: 'a' },
      { entity: 'audit:other', seq: 2, hash: 'o' },
      { entity: 'patient:p2', seq: 6, hash: 'h6' },
    ]);
  });

  it('a day is [00:00, next 00:00) UTC, across month and year ends', () => {
    expect(dayBounds('2027-01-16')).toEqual({ from: '2027-01-16T00:00:00.000Z', to: '2027-01-17T00:00:00.000Z' });
    expect(dayBounds('2027-12-31')).toEqual({ from: '2027-12-31T00:00:00.000Z', to: '2028-01-01T00:00:00.000Z' });
    expect(dayBounds('2028-02-28').to).toBe('2028-02-29T00:00:00.000Z');
  });

  it('a day is anchored one hour after it ends, not before', () => {
    expect(daysToAnchor(null, '2027-01-17T00:59:59.999Z')).toEqual(['2027-01-15']);
    expect(daysToAnchor(null, '2027-01-17T01:00:00.000Z')).toEqual(['2027-01-16']);
    expect(daysToAnchor('2027-01-15', '2027-01-17T00:59:00.000Z')).toEqual([]);
    expect(daysToAnchor('2027-01-15', '2027-01-17T01:00:00.000Z')).toEqual(['2027-01-16']);
  });

  it('catches up the missed days oldest first, at most 14 in one run', () => {
    expect(daysToAnchor('2027-01-10', '2027-01-14T02:00:00.000Z')).toEqual(['2027-01-11', '2027-01-12', '2027-01-13']);
    const many = daysToAnchor('2026-12-01', '2027-01-17T02:00:00.000Z');
    expect(ANCHOR_CATCH_UP_DAYS).toBe(14);
    expect(many).toHaveLength(14);
    expect(many[0]).toBe('2026-12-02');
    expect(many.at(-1)).toBe('2026-12-15');
  });
});
