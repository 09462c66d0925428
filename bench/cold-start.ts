/**
 * Cold-start proxy: each function bundled as CDK bundles it (esbuild, ESM, minified, node24),
 * then the time to import the bundle in a fresh Node 24 process (median of several runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  note?: string;
}

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

export async function bundleFunction(entry: string, outdir: string): Promise<string> {
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: false,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
}

function importMillis(file: string): number {
  const probe = join(file, '..', 'probe.mjs');
  writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`);
  return Number(execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The error a bundle throws at import, in one line (the stack of a minified bundle is noise). */
function importError(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? error);
  return (/^\w*Error: .*$/m.exec(stderr)?.[0] ?? stderr.split('\n').find((l) => l.trim()) ?? 'unknown error').slice(0, 160);
}

export async function run(runs = 5): Promise<BenchRow[]> {
  const root = resolve(import.meta.dirname, '..', 'functions');
  const rows: BenchRow[] = [];
  for (const name of readdirSync(root).sort()) {
    const entry = join(root, name, 'handler.ts');
    if (!existsSync(entry)) continue;
    const outdir = mkdtempSync(join(tmpdir(), `bundle-${name}-`));
    const file = await bundleFunction(entry, outdir);
    rows.push({ name: `bundle size ${name}`, value: Math.round(statSync(file).size / 1024), unit: 'KiB (minified)' });
    try {
      const times = Array.from({ length: runs }, () => importMillis(file)).sort((a, b) => a - b);
      rows.push({ name: `cold import ${name}`, value: Math.round(times[Math.floor(runs / 2)]! * 10) / 10, unit: `ms (median of ${runs})` });
    } catch (error) {
      // A bundle that cannot even be imported would fail every cold start on Lambda: shown, not hidden.
      rows.push({ name: `cold import ${name}`, value: NaN, unit: 'ms', note: `IMPORT FAILED: ${importError(error)}` });
    }
  }
  return rows;
}
