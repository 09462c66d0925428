/**
 * Where finished exports are written, and how the caller downloads them: a short-lived link
 * that needs no other credential. On AWS an S3 bucket (KMS, private, deleted after a day) and a
 * presigned GET; locally a directory served by the local stack at a signed, expiring URL.
 * An export is written once, as a stream of chunks: it is never whole in memory.
 */
export interface ExportObject {
  /** Unique object name, e.g. `messages/2027-04-10/3f2c….csv` (no user input in it). */
  key: string;
  /** The name the browser saves it as. */
  filename: string;
  contentType: string;
}

export interface ExportLink {
  url: string;
  /** When the link stops working (ISO instant). */
  expiresAt: string;
}

export interface ExportStore {
  /** Writes the chunks as one object; resolves with its size once it is complete and readable. */
  write(object: ExportObject, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number }>;
  /** A link that downloads the object as `filename` for `ttlSeconds`. */
  link(object: ExportObject, ttlSeconds: number): Promise<ExportLink>;
}
