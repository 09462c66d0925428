import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleFunction, FAKE_ENV, MAINLAND_FAKE_ENV } from '../../bench/cold-start.ts';

const root = resolve(import.meta.dirname, '..', '..', 'functions');
const functions = readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));

/**
 * Each function bundled as the CDK construct bundles it (esbuild, ESM, minified, node24) must load
 * in a fresh Node process with a valid environment: a bundle that drags in local-only code
 * (dynalite, LevelDB) or CommonJS globals fails here, not at the first cold start on AWS.
 */
describe('Lambda bundles load', () => {
  it('there are eight functions (pull-sms is deployed in the mainland environment only)', () => {
    expect(functions.sort()).toEqual(['coordinator-api', 'daily-summary', 'dispatch-reminders', 'inbound-sms', 'plan-schedule', 'pull-sms', 'sweep-adherence', 'weekly-digest']);
  });

  it.each(functions)('%s: bundles and imports, exporting a handler, without dynalite', async (name) => {
    const outdir = mkdtempSync(join(tmpdir(), `bundle-test-${name}-`));
    const file = await bundleFunction(join(root, name, 'handler.ts'), outdir);
    const probe = join(outdir, 'probe.mjs');
    writeFileSync(probe, `const m = await import(${JSON.stringify(file)}); process.stdout.write(typeof m.handler);`);
    const out = execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...(name === 'pull-sms' ? MAINLAND_FAKE_ENV : {}), AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8' });
    expect(out).toBe('function');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).not.toContain('dynalite');
  }, 60_000);
});
