/**
 * Cold-start proxy: each function bundled as CDK bundles it (infra/constructs/bundling.ts: esbuild,
 * ESM, minified, node24, the AWS SDK left to the runtime; one bundle per function whatever the SMS
 * provider, chosen at run time), its size against the goal, then the time to import the bundle in
 * a fresh Node 24 process (median of several runs) against the goal, beside two baselines measured
 * in the same run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_CONDITIONS, BUNDLE_GOAL_KIB, BUNDLING, ESBUILD_BIN, FUNCTION_SIDE_MODULES, RUNTIME_PROVIDED_MODULES, sideModuleEsbuildArgs } from '../infra/constructs/bundling.ts';
import { SIDE_MODULES, type SideModule, type SideModuleName } from '../shared/lazy/side-modules.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  /** The goal this figure is held to (issue 15 part 3), and whether this run met it. */
  goal?: string;
  met?: boolean;
  note?: string;
}

/** Goal of issue 15 part 3: a cold import (module load, the runtime's SDK included) within this on the dev box. */
export const COLD_IMPORT_GOAL_MS = 100;

export const FAKE_ENV: Record<string, string> = {
  TABLE_NAME: 'bench-table',
  PLAN_DAYS: '3',
  DISPATCH_LEASE_SECONDS: '120',
  DISPATCH_CATCH_UP_MINUTES: '60',
  ALERT_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:alerts',
  ESCALATION_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:escalation',
  CONSOLE_URL: 'https://console.example.org',
  SMS_COST_PER_PART_USD: '0.02',
  AUTH_MODE: 'cognito',
  COGNITO_USER_POOL_ID: 'cn-north-1_example',
  COGNITO_CLIENT_ID: 'exampleclientid',
  EXPORT_BUCKET: 'trial-sms-bench-exports',
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

/** What the mainland-only pull-sms function needs besides FAKE_ENV (SMS_PROVIDER=aliyun and its queues). */
export const MAINLAND_FAKE_ENV: Record<string, string> = {
  SMS_PROVIDER: 'aliyun',
  ALIYUN_CREDENTIALS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:aliyun-sms-AbCdEf',
  ALIYUN_QUEUE_SMSUP: 'Alicom-Queue-1234567890123456-SmsUp',
  ALIYUN_QUEUE_SMSREPORT: 'Alicom-Queue-1234567890123456-SmsReport',
};

/** Where bundles are written: inside the repository, so an import of `@aws-sdk/*` (left out, as the runtime provides it) resolves from node_modules. */
export const BUNDLE_DIR = resolve(import.meta.dirname, '..', '.bundles');

export interface BundleInfo {
  /** index.mjs: what Lambda parses at every cold start (the goal's measure). */
  file: string;
  bytes: number;
  /** Output bytes of index.mjs per npm package (or per top folder of this repository). */
  byPackage: Record<string, number>;
  /** The side modules built beside index.mjs (infra/constructs/bundling.ts FUNCTION_SIDE_MODULES), loaded on first use. */
  sides: { name: SideModuleName; file: string; bytes: number }[];
  /** index.mjs and the side files: the function's whole code asset (source maps aside). */
  assetBytes: number;
}

const REPO_ROOT = resolve(import.meta.dirname, '..');

/** One function bundled exactly as the CDK construct bundles it (infra/constructs/bundling.ts). */
export async function bundleFunction(entry: string, outdir: string): Promise<string> {
  return (await bundleWithInfo(entry, outdir)).file;
}

/**
 * index.mjs with the construct's esbuild options (and its `lambda-bundle` condition), then each of
 * the function's side modules with the very arguments the construct's afterBundling hook runs.
 * The function is the entry's folder name (functions/<name>/handler.ts) unless given.
 */
export async function bundleWithInfo(entry: string, outdir: string, functionName = basename(dirname(entry))): Promise<BundleInfo> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: false,
    charset: 'utf8',
    mainFields: [...BUNDLING.mainFields],
    conditions: [...BUNDLE_CONDITIONS],
    banner: { js: BUNDLING.banner },
    external: [...RUNTIME_PROVIDED_MODULES],
    metafile: true,
    logLevel: 'silent',
  });
  const byPackage: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
    }
  }
  const sides = (FUNCTION_SIDE_MODULES[functionName] ?? []).map((name) => {
    execFileSync(join(REPO_ROOT, ESBUILD_BIN), sideModuleEsbuildArgs(name, REPO_ROOT, outdir, { sourceMap: false }), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = join(outdir, SIDE_MODULES[name].file);
    return { name, file, bytes: statSync(file).size };
  });
  const bytes = statSync(outfile).size;
  return { file: outfile, bytes, byPackage, sides, assetBytes: bytes + sides.reduce((sum, side) => sum + side.bytes, 0) };
}

/** The asset row's note: the side files by when they load (on first use, or at init: the one the configuration names). */
function sideModulesNote(sides: BundleInfo['sides']): string {
  const atInit = (side: BundleInfo['sides'][number]) => (SIDE_MODULES[side.name] as SideModule).atInit === true;
  const list = (group: BundleInfo['sides']) => group.map((side) => `${basename(side.file)} ${Math.round(side.bytes / 1024)}`).join(', ');
  const groups = [
    { label: 'side modules, loaded on first use', sides: sides.filter((side) => !atInit(side)) },
    { label: `loaded at init, the one the configuration names (the cold import below: AUTH_MODE=${FAKE_ENV.AUTH_MODE})`, sides: sides.filter(atInit) },
  ];
  return groups.filter((group) => group.sides.length > 0).map((group) => `${group.label}: ${list(group.sides)}`).join('; ');
}

function probeMillis(file: string, body: string, env: Record<string, string>): number {
  const probe = join(file, '..', 'probe.mjs');
  writeFileSync(probe, `const t = performance.now(); ${body} process.stdout.write(String(performance.now() - t));`);
  return Number(execFileSync(process.execPath, [probe], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

function importMillis(file: string, env: Record<string, string>): number {
  return probeMillis(file, `await import(${JSON.stringify(file)});`, env);
}

/**
 * The bundle's own share of a cold import, in CPU time: the AWS SDK imported first in the same
 * process, then the bundle's import timed with process.cpuUsage. CPU time moves far less with the
 * shared box's load than wall time, so a bundle change shows here when the wall figures drown in noise.
 */
function ownImportCpuMillis(file: string, env: Record<string, string>): number {
  const probe = join(file, '..', 'probe-own.mjs');
  writeFileSync(
    probe,
    `await Promise.all([${SDK_PACKAGES.map((p) => `import('${p}')`).join(', ')}]); const c = process.cpuUsage(); await import(${JSON.stringify(file)}); const u = process.cpuUsage(c); process.stdout.write(String((u.user + u.system) / 1000));`,
  );
  return Number(execFileSync(process.execPath, [probe], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Every AWS SDK package a function imports (from the runtime): loaded before ownImportCpuMillis times the bundle. */
const SDK_PACKAGES = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sns', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager'];

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const tenth = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The error a bundle throws at import, in one line (the stack of a minified bundle is noise). */
function importError(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? error);
  return (/^\w*Error: .*$/m.exec(stderr)?.[0] ?? stderr.split('\n').find((l) => l.trim()) ?? 'unknown error').slice(0, 160);
}

/** Deployed in the mainland environment only: imported with its environment (SMS_PROVIDER=aliyun and its queues). */
const MAINLAND_ONLY = new Set(['pull-sms']);

export async function run(runs = 5): Promise<BenchRow[]> {
  const root = resolve(import.meta.dirname, '..', 'functions');
  const rows: BenchRow[] = [];
  rmSync(BUNDLE_DIR, { recursive: true, force: true });

  // Same-run baselines, interleaved with each function's imports so both see the same load on
  // this shared box: a fresh Node doing nothing, and the AWS SDK every function loads from the
  // runtime's node_modules (left out of the bundles, imported here from node_modules as Lambda would).
  const baselineDir = join(BUNDLE_DIR, '_baseline');
  mkdirSync(baselineDir, { recursive: true });
  const emptyFile = join(baselineDir, 'empty.mjs');
  writeFileSync(emptyFile, 'export {};\n');
  const nodeStart = () => {
    const t = performance.now();
    execFileSync(process.execPath, ['-e', '0']);
    return performance.now() - t;
  };
  const sdkImport = () => probeMillis(emptyFile, "await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb'), import('@aws-sdk/client-sns')]);", FAKE_ENV);
  const allStarts: number[] = [];
  const allSdk: number[] = [];

  for (const name of readdirSync(root).sort()) {
    const entry = join(root, name, 'handler.ts');
    if (!existsSync(entry)) continue;
    // One bundle per function: the SMS provider is an environment variable read at run time.
    const info = await bundleWithInfo(entry, join(BUNDLE_DIR, name));
    const kib = Math.round(info.bytes / 1024);
    const largest = Object.entries(info.byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([pkg, bytes]) => `${pkg} ${Math.round(bytes / 1024)}`)
      .join(', ');
    rows.push({
      name: `bundle size ${name}`,
      value: kib,
      unit: 'KiB index.mjs (minified, AWS SDK not bundled)',
      goal: `≤ ${BUNDLE_GOAL_KIB}`,
      met: kib <= BUNDLE_GOAL_KIB,
      note: `largest: ${largest}`,
    });
    if (info.sides.length > 0) {
      rows.push({
        name: `asset size ${name}`,
        value: Math.round(info.assetBytes / 1024),
        unit: 'KiB index.mjs + side modules',
        note: sideModulesNote(info.sides),
      });
    }
    const mainland = MAINLAND_ONLY.has(name);
    const env = { ...FAKE_ENV, ...(mainland ? MAINLAND_FAKE_ENV : {}), AWS_LAMBDA_FUNCTION_NAME: name };
    try {
      const rounds = Array.from({ length: runs }, () => ({ start: nodeStart(), sdk: sdkImport(), ms: importMillis(info.file, env), own: ownImportCpuMillis(info.file, env) }));
      const ms = tenth(median(rounds.map((r) => r.ms)));
      const start = median(rounds.map((r) => r.start));
      const sdk = median(rounds.map((r) => r.sdk));
      allStarts.push(...rounds.map((r) => r.start));
      allSdk.push(...rounds.map((r) => r.sdk));
      rows.push({
        name: `cold import ${name}${mainland ? ' (aliyun)' : ''}`,
        value: ms,
        unit: `ms (median of ${runs})`,
        goal: `≤ ${COLD_IMPORT_GOAL_MS}`,
        met: ms <= COLD_IMPORT_GOAL_MS,
        note: `same rounds: Node start ${tenth(start)} ms, SDK import ${tenth(sdk)} ms; ${round2(ms / sdk)}× the SDK import, ${round2(ms / start)}× a Node start`,
      });
      rows.push({
        name: `own import CPU ${name}${mainland ? ' (aliyun)' : ''}`,
        value: tenth(median(rounds.map((r) => r.own))),
        unit: `ms CPU (median of ${runs})`,
        note: 'the bundle alone: the AWS SDK imported first in the same process, then CPU time (user + system) of importing the bundle',
      });
    } catch (error) {
      // A bundle that cannot even be imported would fail every cold start on Lambda: shown, not hidden.
      rows.push({ name: `cold import ${name}`, value: NaN, unit: 'ms', goal: `≤ ${COLD_IMPORT_GOAL_MS}`, met: false, note: `IMPORT FAILED: ${importError(error)}` });
    }
  }
  rows.unshift(
    { name: 'baseline: fresh Node 24 start and exit (wall)', value: tenth(median(allStarts)), unit: `ms (median of ${allStarts.length}, interleaved)`, note: 'the machine now: on the shared 2-core box this moves with the other sessions\' load' },
    { name: 'baseline: import the AWS SDK (client-dynamodb, lib-dynamodb, client-sns) from node_modules', value: tenth(median(allSdk)), unit: `ms (median of ${allSdk.length}, interleaved)`, note: 'part of every function\'s cold import (the runtime provides the SDK; not bundled)' },
  );
  return rows;
}
