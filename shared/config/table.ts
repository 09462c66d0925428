/**
 * The single DynamoDB table: key schema and indexes. One source of truth used by the CDK
 * stateful stack, the local stack (dynalite) and the tests. Constants only, no runtime code.
 * docs/data-model.md lists every entity and access pattern.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES = [
  /** Lists by status/owner: patients by status, reports/alerts by status, messages by patient, digests, audit by month. */
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Work queues, sparse and sharded: reminders due (DUE#n) and dose check-ins awaiting an answer (AWAIT#n); also a patient's reports (PATIENTREPORTS#<patientId>). */
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Everything that happened in one ISO week (study time zone), for the weekly digest. */
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /**
   * Sparse, three disjoint uses: the audit outbox (OUTBOX: records whose write still carries its
   * audit entry, oldest first), the inbound retry queue (INBOX#n: texts not yet processed, by
   * retry time) and the outbound records by provider message id (PROVIDERMSG#<id>: a reply or a
   * delivery receipt finds the SMS it refers to). Message items never join the outbox, and an
   * outbound record is never in the inbox, so no item needs two.
   */
  { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
] as const;

/** DynamoDB TTL attribute (epoch seconds): items that carry it are deleted after that time (texts from unknown numbers). */
export const TABLE_TTL_ATTRIBUTE = 'ttl';

/** Shards of the due-time queue: a minute's reminders for many patients spread over this many partitions. */
export const QUEUE_SHARDS = 4;

export const TABLE_ENV_VAR = 'TABLE_NAME';
