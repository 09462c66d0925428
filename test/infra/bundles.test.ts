import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_DIR, bundleWithInfo, FAKE_ENV, MAINLAND_FAKE_ENV } from '../../bench/cold-start.ts';
import { BUNDLE_GOAL_KIB } from '../../infra/constructs/bundling.ts';

const root = resolve(import.meta.dirname, '..', '..', 'functions');
const functions = readdirSync(root).filter((name) => existsSync(join(root, name, 'handler.ts')));

/**
 * Bundles larger than the goal today (issue 15 part 3), each with the ceiling it may not pass
 * (KiB): what keeps them above the goal is in docs/performance.md "Lean functions". Every other
 * bundle is held to BUNDLE_GOAL_KIB. Sizes are deterministic for a given lock file.
 */
// luxon left every bundle (shared/domain/zoned-time.ts, branch `lux`, 2026-12-05): −67 KiB each; ceilings at the new size + 1 KiB.
// The reply rules of the field corpus (ordinals, day-by-day counts, negation fixes) then added 2 KiB to the two reply paths: 339 / 344.
// Each reply path then carried its own provider only (shared/adapters/sms-from-env/, 2026-12-05): inbound-sms 339 → 326 without the
// Alibaba sender, the mainland template checks and the Secrets Manager client; pull-sms 344 → 342 without the SNS sender.
const OVER_GOAL: Partial<Record<string, number>> = { 'coordinator-api': 658, 'inbound-sms': 326, 'pull-sms': 342 };

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

  /** Imported with the mainland environment (SMS_PROVIDER=aliyun): pull-sms exists only there, dispatch-reminders everywhere. */
  const MAINLAND = new Set(['dispatch-reminders', 'pull-sms']);
  /** Deployed where SNS delivers replies only (infra/stacks/stateless-stack.ts): the SNS sender, no Alibaba code, no Secrets Manager. */
  const SNS_ONLY = new Set(['inbound-sms']);
  /** Functions that text no one carry no SMS sender at all (neither provider), nor the reply pipeline's Chinese converter. */
  const NO_SMS = new Set(['sweep-adherence', 'weekly-digest', 'daily-summary', 'plan-schedule']);
  /** The official Alibaba Cloud SDK and what it brings: no bundle carries them (shared/adapters/aliyun/client.ts signs its own calls). */
  const ALIBABA_SDK = /^(?:@alicloud\/|@darabonba\/|lodash$|moment|xmlbuilder$|ws$|xml2js$|httpx$|kitx$)/;
  it.each(functions)('%s: bundles within its size, imports, exports a handler, without dynalite or the Alibaba Cloud SDK', async (name) => {
    const { file, bytes, byPackage } = await bundleWithInfo(join(root, name, 'handler.ts'), join(BUNDLE_DIR, `test-${name}`));
    const probe = join(file, '..', 'probe.mjs');
    writeFileSync(probe, `const m = await import(${JSON.stringify(file)}); process.stdout.write(typeof m.handler);`);
    const envs = MAINLAND.has(name) ? (name === 'pull-sms' ? [MAINLAND_FAKE_ENV] : [{}, MAINLAND_FAKE_ENV]) : [{}];
    for (const env of envs) {
      const out = execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...env, AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8' });
      expect(out).toBe('function');
    }
    expect(readFileSync(file, 'utf8')).not.toContain('dynalite');
    expect(Object.keys(byPackage).filter((p) => p.startsWith('@aws-sdk/') || ALIBABA_SDK.test(p))).toEqual([]);
    // Dates and zones are shared/domain/zoned-time.ts's (Intl): luxon (69 KiB, not tree-shakeable) is a test oracle only.
    expect(Object.keys(byPackage).filter((p) => p === 'luxon')).toEqual([]);
    if (MAINLAND.has(name)) expect(readFileSync(file, 'utf8')).toContain('ACS3-HMAC-SHA256');
    if (SNS_ONLY.has(name)) {
      const code = readFileSync(file, 'utf8');
      expect(code).toContain('CheckIfPhoneNumberIsOptedOut');
      expect(code).not.toContain('ACS3-HMAC-SHA256');
      expect(code).not.toContain('@aws-sdk/client-secrets-manager');
      // Configured for the mainland by mistake, it refuses to load and says why (not at the first reply).
      let refused = '';
      try {
        execFileSync(process.execPath, [probe], { env: { ...process.env, ...FAKE_ENV, ...MAINLAND_FAKE_ENV, AWS_LAMBDA_FUNCTION_NAME: name }, encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        refused = String((error as { stderr?: string }).stderr);
      }
      expect(refused).toContain('needs SMS_PROVIDER=sns');
    }
    if (name === 'pull-sms') expect(readFileSync(file, 'utf8')).not.toContain('CheckIfPhoneNumberIsOptedOut');
    if (NO_SMS.has(name)) {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toContain('ACS3-HMAC-SHA256');
      expect(code).not.toContain('CheckIfPhoneNumberIsOptedOut');
      expect(Object.keys(byPackage)).not.toContain('opencc-js');
    }
    expect(Math.round(bytes / 1024)).toBeLessThanOrEqual(OVER_GOAL[name] ?? BUNDLE_GOAL_KIB);
  }, 60_000);
});

/** No shipped code imports luxon (a dev dependency, the tests' oracle): the bundles above, and the local stack's scheduler. */
describe('luxon stays out of shipped code', () => {
  it('no file under shared/, functions/ or infra/ imports it', () => {
    const repo = resolve(import.meta.dirname, '..', '..');
    const files = ['shared', 'functions', 'infra'].flatMap((dir) =>
      readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f)),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => /from ['"]luxon['"]|import\(['"]luxon['"]\)|require\(['"]luxon['"]\)/.test(readFileSync(join(repo, f), 'utf8')))).toEqual([]);
  });
});
