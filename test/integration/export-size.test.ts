import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { parseCsv } from '#domain/csv.ts';
import { localTokenVerifier } from '#functions/coordinator-api/auth.ts';
import { createApiHandler, type ApiDeps } from '#functions/coordinator-api/handler.ts';
import { fixedClock } from '#ports/clock.ts';
import type { ExportObject } from '#ports/export-store.ts';
import { exportFixture } from '../../bench/support/export-data.ts';
import { apiEvent, COORDINATOR_TOKEN } from '../support/api-harness.ts';

/** API Gateway / Lambda refuse a response body over about 6 MB. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

/**
 * The statistician's export at trial size: 60 patients over 18 months with message bodies is
 * about 26 MB of CSV. It goes to the export store in small chunks (never one string) and the API
 * answers with a link far below the response limit. Peak memory is measured in `npm run bench -- exports`.
 */
describe('export at trial size (issue 13 part 4)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-size-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes ≥ 25 MB of messages CSV to the store in chunks and answers with a link', { timeout: 180_000 }, async () => {
    const protocol = loadProtocolFile();
    const store = new LocalExportStore({ dir, baseUrl: () => 'http://127.0.0.1:3000/' });
    let largestChunk = 0;
    let written: ExportObject | undefined;
    const watched: LocalExportStore = Object.assign(Object.create(store) as LocalExportStore, {
      async write(object: ExportObject, chunks: AsyncIterable<string | Uint8Array>) {
        written = object;
        async function* measured() {
          for await (const chunk of chunks) {
            largestChunk = Math.max(largestChunk, Buffer.byteLength(chunk));
            yield chunk;
          }
        }
        return store.write(object, measured());
      },
    });
    const deps = {
      ...exportFixture(protocol, { patients: 60, days: 548 }),
      exports: watched,
      clock: fixedClock('2028-07-05T00:00:00Z'),
      auth: localTokenVerifier({ coordinatorToken: COORDINATOR_TOKEN }),
      digests: { list: async () => ({ items: [] }), get: async () => null },
    } as unknown as ApiDeps;
    const handler = createApiHandler(deps);
    const result = (await handler(apiEvent('GET', '/api/exports/messages.csv', { query: { includeBodies: 'true' } }), { awsRequestId: 'r' } as Context)) as APIGatewayProxyStructuredResultV2;

    expect(result.statusCode).toBe(200);
    expect(Buffer.byteLength(result.body ?? '')).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    const link = JSON.parse(result.body!) as { url: string; rows: number; bytes: number; filename: string };
    expect(link.filename).toBe('messages-2028-07-05.csv');
    expect(link.rows).toBe(60 * 548 * 4);
    expect(link.bytes).toBeGreaterThanOrEqual(25 * 1024 * 1024);
    expect(largestChunk).toBeLessThan(1024 * 1024);

    // The link opens the whole file; read it line by line, as a spreadsheet would.
    const url = new URL(link.url);
    const file = await store.open(written!.key, url.searchParams);
    if (!file.ok) throw new Error(file.reason);
    expect(file.bytes).toBe(link.bytes);
    let lines = 0;
    let last = '';
    for await (const line of createInterface({ input: file.stream, crlfDelay: Infinity })) {
      if (lines === 0) expect(line).toBe('studyId,direction,at,purpose,parts,messageId,reminderId,body');
      lines++;
      last = line;
    }
    expect(lines).toBe(link.rows + 1);
    expect(parseCsv(last)[0]!.slice(0, 3)).toEqual(['IGG4-060', 'in', '2028-07-04T12:10:00.000Z']);
  });
});
