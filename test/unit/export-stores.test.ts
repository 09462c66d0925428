import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import { PART_BYTES, S3ExportStore } from '#adapters/s3/s3-export-store.ts';
import { csvChunks } from '#app/coordinator/csv-stream.ts';
import { toCsv, type CsvCell } from '#domain/csv.ts';

const KEY = 'messages/2027-04-10/3f2c0a9e-1111-4a4a-9b9b-0123456789ab.csv';
const OBJECT = { key: KEY, filename: 'messages-2027-04-10.csv', contentType: 'text/csv; charset=utf-8' };

async function* chunksOf(...parts: string[]) {
  yield* parts;
}
async function text(iterable: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of iterable) out += chunk;
  return out;
}

describe('csvChunks (the streamed export CSV)', () => {
  it('writes byte for byte what toCsv writes: quoting, semicolons, formula starts, CRLF', async () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('=1+1', '-2', '+x', '@a', 'a;b', 'x,y', 'say "hi"', 'l1\nl2', '\t=1', '腹泻；三次'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 20 }), async (rows: CsvCell[][]) => {
        expect(await text(csvChunks(['a', 'b', 'c'], rows))).toBe(toCsv(['a', 'b', 'c'], rows));
      }),
      { numRuns: 200 },
    );
  });

  it('counts the rows and fails (rather than hangs) when a page read fails midway', async () => {
    const counted = { rows: 0 };
    expect(await text(csvChunks(['a'], [[1], [2]], counted))).toBe('a\r\n1\r\n2\r\n');
    expect(counted.rows).toBe(2);
    async function* failing() {
      yield [1];
      throw new Error('DynamoDB throttled');
    }
    await expect(text(csvChunks(['a'], failing()))).rejects.toThrow('DynamoDB throttled');
  });
});

describe('LocalExportStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-exports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let now = Math.floor(Date.now() / 1000) * 1000;
  const store = new LocalExportStore({ dir, baseUrl: () => 'http://127.0.0.1:3000/', nowMs: () => now });
  const read = async (url: string) => {
    const link = new URL(url);
    const opened = await store.open(decodeURIComponent(link.pathname.replace('/local/exports/', '')), link.searchParams);
    if (!opened.ok) return opened;
    let body = '';
    for await (const chunk of opened.stream) body += chunk;
    return { ...opened, body };
  };

  it('writes the chunks and serves them at a signed link until it expires', async () => {
    expect(await store.write(OBJECT, chunksOf('a,b\r\n', '1,2\r\n'))).toEqual({ bytes: 10 });
    const { url, expiresAt } = await store.link(OBJECT, 300);
    expect(url.startsWith('http://127.0.0.1:3000/local/exports/messages/2027-04-10/')).toBe(true);
    expect(expiresAt).toBe(new Date(now + 300_000).toISOString());
    expect(await read(url)).toMatchObject({ ok: true, body: 'a,b\r\n1,2\r\n', filename: 'messages-2027-04-10.csv', bytes: 10 });
    now += 300_000;
    expect(await read(url)).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/expired/) });
    now -= 300_000;
  });

  it('refuses a forged, re-aimed or lengthened link', async () => {
    await store.write(OBJECT, chunksOf('x\r\n'));
    const { url } = await store.link(OBJECT, 300);
    const other = new URL(url);
    other.searchParams.set('expires', String(Number(other.searchParams.get('expires')) + 3600));
    expect(await read(other.toString())).toMatchObject({ ok: false, status: 403 });
    const renamed = new URL(url);
    renamed.searchParams.set('name', 'x.csv');
    expect(await read(renamed.toString())).toMatchObject({ ok: false, status: 403 });
    const elsewhere = new URL(url.replace('messages/2027-04-10', 'audit/2027-04-10'));
    expect(await read(elsewhere.toString())).toMatchObject({ ok: false, status: 403 });
    const traversal = new URL(url);
    expect(await store.open('../api-token', traversal.searchParams)).toMatchObject({ ok: false, status: 403 });
    const stranger = new LocalExportStore({ dir, baseUrl: () => 'http://127.0.0.1:3000/', nowMs: () => now });
    const link = new URL(url);
    expect(await stranger.open(KEY, link.searchParams)).toMatchObject({ ok: false, status: 403 });
  });

  it('leaves no partial file when the rows fail, and deletes files older than a day on the next write', async () => {
    const failing = { key: KEY.replace('3f2c0a9e', '4f2c0a9e'), filename: 'm.csv', contentType: 'text/csv' };
    async function* broken() {
      yield 'a\r\n';
      throw new Error('read failed');
    }
    await expect(store.write(failing, broken())).rejects.toThrow('read failed');
    const files = () => readdirSync(join(dir, 'messages/2027-04-10'));
    expect(files().some((f) => f.startsWith('4f2c0a9e'))).toBe(false);
    const old = join(dir, KEY);
    utimesSync(old, new Date(now - 2 * 86_400_000), new Date(now - 2 * 86_400_000));
    await store.write({ ...OBJECT, key: KEY.replace('3f2c0a9e', '5f2c0a9e') }, chunksOf('y\r\n'));
    expect(files()).toEqual(['5f2c0a9e-1111-4a4a-9b9b-0123456789ab.csv']);
  });
});

describe('S3ExportStore', () => {
  const s3 = mockClient(S3Client);
  const client = new S3Client({ region: 'ap-southeast-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  const store = new S3ExportStore(client, 'trial-exports', 'arn:aws:kms:ap-southeast-1:123456789012:key/abc');
  beforeEach(() => {
    s3.reset();
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"etag-${input.PartNumber}"` }));
  });

  it('writes a small export with one KMS-encrypted PutObject', async () => {
    expect(await store.write(OBJECT, chunksOf('a,b\r\n', '1,2\r\n'))).toEqual({ bytes: 10 });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'trial-exports', Key: KEY, ContentLength: 10, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:ap-southeast-1:123456789012:key/abc' });
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('uploads a large export in 8 MiB parts (one part in memory) and completes it', async () => {
    const chunk = 'x'.repeat(1024 * 1024);
    async function* big() {
      for (let i = 0; i < 20; i++) yield chunk; // 20 MiB
    }
    expect(await store.write(OBJECT, big())).toEqual({ bytes: 20 * 1024 * 1024 });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ ServerSideEncryption: 'aws:kms', ContentType: 'text/csv; charset=utf-8' });
    expect(s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input.ContentLength)).toEqual([PART_BYTES, PART_BYTES, 4 * 1024 * 1024]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload!.Parts).toEqual([
      { ETag: '"etag-1"', PartNumber: 1 },
      { ETag: '"etag-2"', PartNumber: 2 },
      { ETag: '"etag-3"', PartNumber: 3 },
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('aborts the multipart upload when a page read fails midway', async () => {
    async function* broken() {
      yield 'x'.repeat(PART_BYTES);
      throw new Error('DynamoDB throttled');
    }
    await expect(store.write(OBJECT, broken())).rejects.toThrow('DynamoDB throttled');
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ UploadId: 'up-1', Key: KEY });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('links with a presigned GET valid for the given seconds that downloads under the export name', async () => {
    const before = Date.now();
    const { url, expiresAt } = await store.link(OBJECT, 300);
    const link = new URL(url);
    expect(link.hostname).toBe('trial-exports.s3.ap-southeast-1.amazonaws.com');
    expect(link.pathname).toBe(`/${KEY}`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(link.searchParams.get('response-content-disposition')).toBe('attachment; filename="messages-2027-04-10.csv"');
    expect(link.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(299_000);
    expect(Date.parse(expiresAt) - before).toBeLessThan(310_000);
  });
});
