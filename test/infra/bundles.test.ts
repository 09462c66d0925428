import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_DIR, bundleWithInfo, FAKE_ENV, MAINLAND_FAKE_ENV } from '../../bench/cold-start.ts';
import { BUNDLE_GOAL_KIB, type SmsProviderName } from '../../infra/constructs/bundling.ts';

const root = resolve(import.meta.dirname, '..', '..', 'functions');
const functions = readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));

/**
 * Bundles larger than the goal today (issue 15 part 3), each with the ceiling it may not pass
 * (KiB): what keeps them above the goal is in docs/performance.md "Lean functions". Every other
 * bundle is held to BUNDLE_GOAL_KIB. Sizes are deterministic for a given lock file.
 */
const OVER_GOAL: Partial<Record<string, number>> = { 'coordinator-api': 725, 'dispatch-reminders': 306, 'inbound-sms': 500, 'pull-sms': 1660, 'sweep-adherence': 502 };

/**
 * Each function bundled as the CDK construct bundles it (infra/constructs/bundling.ts: the AWS SDK
 * left to the runtime, imported here from node_modules) must load in a fresh Node process with a
 * valid environment: a bundle that drags in local-only code (dynalite, LevelDB), CommonJS globals
 * or a static import of a package the bundle leaves out fails here, not at the first cold start on AWS.
 */
describe('Lambda bundles load', () => {
  it('there are eight functions (pull-sms is deployed in the mainland environment only)', () => {
    expect(functions.sort()).toEqual(['coordinator-api', 'daily-summary', 'dispatch-reminders', 'inbound-sms', 'plan-schedule', 'pull-sms', 'sweep-adherence', 'weekly-digest']);
  });

  const cases = functions.flatMap((name) => (name === 'pull-sms' ? [[name, 'aliyun']] : [[name, 'sns']]) as [string, SmsProviderName][]);
  it.each(cases)('%s (%s): bundles within its size, imports, exports a handler, without dynalite', async (name, provider) => {
    const { file, bytes, byPackage } = await bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `test-${name}-${provider}`), provider);
    const probe = join(file, '..', 'probe.mjs');
    writeFileSync(probe, `const m = await import(${JSON.stringify(file)}); process.stdout.write(typeof m.handler);`);
    const out = execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...(provider === 'aliyun' ? MAINLAND_FAKE_ENV : {}), AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8' });
    expect(out).toBe('function');
    expect(readFileSync(file, 'utf8')).not.toContain('dynalite');
    expect(Object.keys(byPackage).filter((p) => p.startsWith('@aws-sdk/') || (provider === 'sns' && p.startsWith('@alicloud/')))).toEqual([]);
    expect(Math.round(bytes / 1024)).toBeLessThanOrEqual(OVER_GOAL[name] ?? BUNDLE_GOAL_KIB);
  }, 60_000);

  it('the SNS bundles of the functions that send SMS leave the Alibaba Cloud SDK out, and never import it at load', async () => {
    for (const name of ['dispatch-reminders', 'sweep-adherence']) {
      const sns = await bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `test-${name}-sns-check`), 'sns');
      const aliyun = await bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `test-${name}-aliyun-check`), 'aliyun');
      expect(Object.keys(aliyun.byPackage).some((p) => p.startsWith('@alicloud/'))).toBe(true);
      // Left out means a dynamic import reached only with SMS_PROVIDER=aliyun, never a static one (that would fail at load).
      expect(readFileSync(sns.file, 'utf8')).not.toMatch(/(?:^|[;}\s])import\s*[^(;]*?from\s*["']@alicloud\//m);
    }
  }, 60_000);
});
