import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportLink, ExportObject, ExportStore } from '#ports/export-store.ts';

/** Object keys the use case makes: dataset/day/uuid.csv. Anything else is refused before it touches the disk. */
const KEY = /^[a-z-]{1,32}\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.csv$/;
const FILENAME = /^[A-Za-z0-9._-]{1,100}$/;
const DAY_MS = 86_400_000;

export interface LocalExportStoreOptions {
  /** The directory the exports live in (the local stack: <data dir>/exports). */
  dir: string;
  /** The stack's own origin, e.g. http://127.0.0.1:3000/ (known once the server listens). */
  baseUrl: () => string;
  /** Signs the links (default: 32 random bytes, so links die with the process that made them). */
  secret?: Buffer;
  /** Wall-clock milliseconds (links expire in real time, as S3's do, whatever a virtual clock says). */
  nowMs?: () => number;
  /** Files older than this are deleted on the next write (S3: the bucket's lifecycle rule). Default one day. */
  retentionMs?: number;
}

export type OpenedExport =
  | { ok: true; stream: ReadStream; filename: string; bytes: number }
  | { ok: false; status: 403 | 404; reason: string };

/**
 * The export store of the local stack: a directory, and links to the local server's
 * `GET /local/exports/<key>?name=…&expires=…&sig=…`, signed with HMAC-SHA256 (key, name and
 * expiry) so that a link can be neither forged, nor re-aimed at another file, nor used late.
 */
export class LocalExportStore implements ExportStore {
  private readonly secret: Buffer;
  private readonly nowMs: () => number;
  private readonly retentionMs: number;

  constructor(private readonly options: LocalExportStoreOptions) {
    this.secret = options.secret ?? randomBytes(32);
    this.nowMs = options.nowMs ?? Date.now;
    this.retentionMs = options.retentionMs ?? DAY_MS;
  }

  async write(object: ExportObject, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number }> {
    if (!KEY.test(object.key)) throw new Error('invalid export key');
    await this.purgeExpired();
    const path = join(this.options.dir, object.key);
    await mkdir(dirname(path), { recursive: true });
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    // Written under a temporary name and renamed when complete: a link never serves half a file.
    const partial = `${path}.part`;
    try {
      await pipeline(Readable.from(chunks), count, createWriteStream(partial, { mode: 0o600 }));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    await rename(partial, path);
    return { bytes };
  }

  async link(object: ExportObject, ttlSeconds: number): Promise<ExportLink> {
    if (!KEY.test(object.key) || !FILENAME.test(object.filename)) throw new Error('invalid export key or file name');
    const expires = Math.floor(this.nowMs() / 1000) + ttlSeconds;
    const query = new URLSearchParams({ name: object.filename, expires: String(expires), sig: this.sign(object.key, object.filename, expires) });
    const url = new URL(`local/exports/${object.key}?${query}`, this.options.baseUrl()).toString();
    return { url, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** Checks a link's signature and expiry, then opens the file (the local server streams it). */
  async open(key: string, params: URLSearchParams): Promise<OpenedExport> {
    const name = params.get('name') ?? '';
    const expires = Number(params.get('expires'));
    const sig = params.get('sig') ?? '';
    if (!KEY.test(key) || !FILENAME.test(name) || !Number.isInteger(expires)) return { ok: false, status: 403, reason: 'invalid link' };
    const expected = Buffer.from(this.sign(key, name, expires));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403, reason: 'invalid link' };
    if (this.nowMs() >= expires * 1000) return { ok: false, status: 403, reason: 'the link has expired; export again' };
    const path = join(this.options.dir, key);
    try {
      const info = await stat(path);
      return { ok: true, stream: createReadStream(path), filename: name, bytes: info.size };
    } catch {
      return { ok: false, status: 404, reason: 'the export is gone (exports are kept one day); export again' };
    }
  }

  private sign(key: string, name: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${name}\n${expires}`).digest('base64url');
  }

  /** The local lifecycle rule: files older than the retention are deleted. */
  private async purgeExpired(): Promise<void> {
    const cutoff = this.nowMs() - this.retentionMs;
    let entries: string[];
    try {
      entries = await readdir(this.options.dir, { recursive: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.endsWith('.csv')) continue;
      const path = join(this.options.dir, entry);
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}
