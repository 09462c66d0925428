import type { DigestLanguage, WeeklyDigest } from '#domain/digest.ts';
import type { Page } from './patients.ts';

/** One weekly safety digest as stored: the readable text that was published and the structured version. */
export interface StoredDigest {
  /** ISO week in the study time zone, e.g. 2027-W02. */
  week: string;
  language: DigestLanguage;
  subject: string;
  text: string;
  digest: WeeklyDigest;
  createdAt: string;
  /** Absent until the text has been published to the coordinator topic. */
  publishedAt?: string;
}

export interface DigestRepository {
  /** Conditional create per week: a second run gets the stored digest back (`created: false`). */
  createIfAbsent(digest: StoredDigest): Promise<{ created: boolean; digest: StoredDigest }>;
  get(week: string): Promise<StoredDigest | null>;
  /** Newest week first, paginated. */
  list(cursor?: string, limit?: number): Promise<Page<StoredDigest>>;
  /** Takes the right to publish for a short lease; false when published already or another run holds the lease. */
  claimPublication(week: string, now: string, leaseUntil: string): Promise<boolean>;
  /** Records the publication once; false when it was already recorded. */
  markPublished(week: string, now: string): Promise<boolean>;
}
