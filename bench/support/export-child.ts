/**
 * One export in a fresh process, so its peak memory is the export's own: the trial-sized
 * messages export (with bodies) through the export use case into a local store. Prints one JSON
 * line: bytes, rows, rss before, peak rss (sampled every 5 ms and the kernel's max), duration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalExportStore } from '#adapters/exports/local-export-store.ts';
import { exportDataset } from '#app/coordinator/export-dataset.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { exportFixture } from './export-data.ts';

const patients = Number(process.argv[2] ?? 60);
const days = Number(process.argv[3] ?? 548);
const dir = mkdtempSync(join(tmpdir(), 'bench-exports-'));
const deps = { ...exportFixture(loadProtocolFile(), { patients, days }), exportStore: new LocalExportStore({ dir, baseUrl: () => 'http://127.0.0.1/' }) };
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const started = performance.now();
const result = await exportDataset(deps, 'messages', { role: 'coordinator', includeBodies: true, now: '2028-07-05T00:00:00Z' });
const ms = performance.now() - started;
clearInterval(timer);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ bytes: result.bytes, rows: result.rows, rssBeforeMB: rssBefore / 2 ** 20, peakRssMB: Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20, ms })}\n`);
