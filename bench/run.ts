/**
 * `npm run bench`: runs every bench/*.ts module that exports `run(): Promise<BenchRow[]>`, prints
 * one table and writes the rows as JSON to bench/results/<timestamp>.json (and latest.json).
 * `npm run bench -- dispatch digest` runs only the named modules.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  /** A goal this figure is held to, printed beside it with whether this run met it. */
  goal?: string;
  met?: boolean;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

const rows: (BenchRow & { bench: string })[] = [];
const failures: string[] = [];
for (const name of modules) {
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run?: () => Promise<BenchRow[]> };
  if (typeof mod.run !== 'function') continue;
  const started = performance.now();
  try {
    for (const row of await mod.run()) rows.push({ bench: name, ...row });
    console.error(`bench ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failures.push(name);
    console.error(`bench ${name} failed:`, error);
  }
}

console.table(rows.map((r) => ({ bench: r.bench, name: r.name, value: r.value, unit: r.unit, floor: r.floor ?? '', goal: r.goal ?? '', met: r.met === undefined ? '' : r.met ? 'met' : 'NOT MET', note: r.note ?? '' })));
const goals = rows.filter((r) => r.met !== undefined);
if (goals.length > 0) console.log(`goals: ${goals.filter((r) => r.met).length} of ${goals.length} met${goals.some((r) => !r.met) ? `; not met: ${goals.filter((r) => !r.met).map((r) => r.name).join('; ')}` : ''}`);
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const report = { at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, rows };
writeFileSync(join(results, `${report.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(results, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
if (failures.length > 0) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
