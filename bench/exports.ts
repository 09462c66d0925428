/**
 * Exports at trial size (issue 13 part 4): the messages export with bodies of 60 patients over
 * 18 months (≈ 26 MB of CSV) and of twice that, each in a fresh process, through the export use
 * case into the local export store. Reports the file size and the process's peak memory above
 * its start: bounded (the same for 26 and 52 MB) because rows are streamed a patient at a time;
 * the child runs with the V8 heap capped at 96 MB (the old whole-string export could not finish in it).
 * Before (the whole CSV built in memory and returned as the body): 25.8 MB → 437 MB max RSS.
 *
 *   npm run bench -- exports
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './sms-parts.ts';

const child = fileURLToPath(new URL('./support/export-child.ts', import.meta.url));

function measure(patients: number, days: number): { bytes: number; rows: number; rssBeforeMB: number; peakRssMB: number; ms: number } {
  const out = execFileSync(process.execPath, ['--max-old-space-size=96', '--import', 'tsx', child, String(patients), String(days)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [label, patients] of [['60 patients × 18 months', 60], ['120 patients × 18 months', 120]] as const) {
    const m = measure(patients, 548);
    rows.push(
      { name: `messages export, ${label}: file`, value: Math.round(m.bytes / 1e4) / 100, unit: 'MB', note: `${m.rows} rows` },
      { name: `messages export, ${label}: peak RSS above start`, value: Math.round(m.peakRssMB - m.rssBeforeMB), unit: 'MB', note: `start ${Math.round(m.rssBeforeMB)} MB` },
      { name: `messages export, ${label}: duration`, value: Math.round(m.ms), unit: 'ms' },
    );
  }
  return rows;
}
