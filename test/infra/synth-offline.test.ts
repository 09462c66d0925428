import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_SIDE_MODULES } from '#infra/constructs/bundling.ts';
import { FUNCTION_NAMES, PROJECT_ROOT } from '#infra/constructs/trial-function.ts';
import { SIDE_MODULES } from '../../shared/lazy/side-modules.ts';

/**
 * `cdk synth` exactly as CI and the IT person run it, but with no AWS credentials or settings
 * in the environment and a `docker` on PATH that only records being called: synthesis must
 * succeed offline, bundle every function with the local esbuild, and pass the cdk-nag packs
 * (the CLI path registers them; an unacknowledged finding fails synthesis).
 */
const outdir = mkdtempSync(join(tmpdir(), 'trial-cdk-out-'));
const fakeBin = mkdtempSync(join(tmpdir(), 'trial-fake-docker-'));
const dockerCalls = join(fakeBin, 'docker-calls.log');
let result: ReturnType<typeof spawnSync>;
let seconds = 0;

interface Manifest {
  artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
}

beforeAll(() => {
  writeFileSync(join(fakeBin, 'docker'), `#!/bin/sh\necho "$@" >> "${dockerCalls}"\nexit 1\n`);
  chmodSync(join(fakeBin, 'docker'), 0o755);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AWS_|CDK_)/.test(key) && key !== 'NODE_ENV') env[key] = value;
  }
  Object.assign(env, {
    PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
    // Point the SDK's credential chain at nothing: no files, no instance metadata.
    AWS_CONFIG_FILE: join(fakeBin, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(fakeBin, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  });
  const started = Date.now();
  result = spawnSync(join(PROJECT_ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '-c', 'env=dev', '-o', outdir], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  seconds = (Date.now() - started) / 1000;
}, 300_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(fakeBin, { recursive: true, force: true });
});

describe('cdk synth offline', () => {
  it('succeeds with no credentials and no Docker, cdk-nag included', () => {
    expect(result.status, `${String(result.stderr)}\n${String(result.stdout)}`).toBe(0);
    expect(existsSync(dockerCalls), 'docker was invoked').toBe(false);
    console.log(`cdk synth (6 functions bundled, nag packs) took ${seconds.toFixed(1)} s`);
  });

  it('writes both stacks and one minified ESM bundle with a source map per function', () => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
    expect(stacks.map(([id]) => id).sort()).toEqual(['TrialSms-dev-Stateful', 'TrialSms-dev-Stateless']);
    const template = JSON.parse(readFileSync(join(outdir, 'TrialSms-dev-Stateless.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string }; Environment?: { Variables: Record<string, string> } } }>;
    };
    const sizes: Record<string, string> = {};
    for (const fn of Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
      const name = fn.Properties.Environment!.Variables.POWERTOOLS_SERVICE_NAME!;
      const asset = join(outdir, `asset.${fn.Properties.Code!.S3Key.replace(/\.zip$/, '')}`);
      const code = readFileSync(join(asset, 'index.mjs'), 'utf8');
      // Beside index.mjs, the function's side modules (shared/lazy/), built by the construct's afterBundling hook.
      const sides = (FUNCTION_SIDE_MODULES[name] ?? []).map((side) => SIDE_MODULES[side].file);
      expect(readdirSync(asset).sort(), name).toEqual(['index.mjs', 'index.mjs.map', ...sides.flatMap((file) => [file, `${file}.map`])].sort());
      for (const file of sides) {
        const side = readFileSync(join(asset, file), 'utf8');
        expect(side, `${name}: ${file} is minified CommonJS`).toMatch(/module\.exports/);
        expect(code, `${name}: index.mjs loads ${file}`).toContain(`"${file}"`);
      }
      expect(code.startsWith("import { createRequire } from 'module'"), `${name}: ESM banner`).toBe(true);
      // Minified: few, long lines.
      expect(code.split('\n').length, name).toBeLessThan(code.length / 200 + 50);
      const bytes = statSync(join(asset, 'index.mjs')).size;
      expect(bytes, `${name} bundle size`).toBeLessThan(3 * 1024 * 1024);
      sizes[name] = `${(bytes / 1024).toFixed(0)} KiB`;
    }
    expect(Object.keys(sizes).sort()).toEqual([...FUNCTION_NAMES].sort());
    console.log('minified bundle sizes (index.mjs):', sizes);
  });
});
