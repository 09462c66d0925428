import type { DigestRepository, StoredDigest } from '#ports/digests.ts';
import type { Page } from '#ports/patients.ts';
import { copy, page, sortedBy } from './support.ts';

/** Weekly digests in memory: created once per week, newest first, a publication lease and a once-only publication mark. */
export class MemoryDigestRepository implements DigestRepository {
  private readonly digests = new Map<string, StoredDigest & { publishLeaseUntil?: string }>();

  async createIfAbsent(digest: StoredDigest): Promise<{ created: boolean; digest: StoredDigest }> {
    const stored = this.digests.get(digest.week);
    if (stored) return { created: false, digest: view(stored) };
    this.digests.set(digest.week, copy(digest));
    return { created: true, digest: copy(digest) };
  }

  async get(week: string): Promise<StoredDigest | null> {
    const stored = this.digests.get(week);
    return stored ? view(stored) : null;
  }

  async list(cursor?: string, limit = 20): Promise<Page<StoredDigest>> {
    const result = page(sortedBy(this.digests.values(), (d) => d.week, true), cursor, limit, true);
    return { items: result.items.map(view), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }

  async claimPublication(week: string, now: string, leaseUntil: string): Promise<boolean> {
    const stored = this.digests.get(week);
    if (!stored || stored.publishedAt !== undefined || (stored.publishLeaseUntil !== undefined && !(stored.publishLeaseUntil < now))) return false;
    stored.publishLeaseUntil = leaseUntil;
    return true;
  }

  async markPublished(week: string, now: string): Promise<boolean> {
    const stored = this.digests.get(week);
    if (!stored || stored.publishedAt !== undefined) return false;
    stored.publishedAt = now;
    delete stored.publishLeaseUntil;
    return true;
  }
}

/** What the adapter returns: the digest's fields, never the lease. */
function view(stored: StoredDigest & { publishLeaseUntil?: string }): StoredDigest {
  const { publishLeaseUntil: _l, ...digest } = stored;
  return copy(digest);
}
