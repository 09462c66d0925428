import { readdirSync } from 'node:fs';

// Mutation testing (StrykerJS) of the pure domain and the use cases: `npm run mutation`.
// How to run it and read it: docs/testing.md. Not part of `npm test` (it takes minutes to hours).
//
// Scope: STRYKER_SCOPE=domain | app | all (default all). Each scope keeps its own incremental
// file, so running one scope never throws away the other's results.
// CPU: concurrency 1 by default (the shared build machine has 2 cores); raise it with
// `npm run mutation -- --concurrency 2` on a machine of your own.

// Per scope: the files mutated, and the test files run against them. The pure domain is tested
// without mocks by test/unit; the use cases also by test/integration (dynalite). Left out:
// test/e2e (spawns the local stack, a browser), test/infra (CDK synth), test/faults and
// test/fuzz (minutes each under instrumentation, and they kill nothing the others miss).
const unit = ['test/unit/**/*.test.ts'];
// The domain is measured by its own tests: test/unit without the tests of handlers, adapters and the
// coordinator API. Those load the whole handler graph (seconds per mutant run, for mutants a domain
// test already decides), and the handler tests re-import every module (vi.resetModules), which makes
// each module-level constant a "hybrid" static mutant that Stryker then runs against that one
// cold-start test only, where it always survives. So the domain score is a lower bound.
const notDomainTests = /^(api-.*|.*-handler|export-stores|sns-.*|oidc-auth|redact|toolchain|protocol-check)\.test\.ts$/;
const domainUnit = [
  ...readdirSync('test/unit').filter((name) => name.endsWith('.test.ts') && !notDomainTests.test(name)).map((name) => `test/unit/${name}`),
  'test/unit/replies/**/*.test.ts',
];
// Left out of the app's tests: the two trial-length tests (18 months of dispatch; a 60-patient,
// 18-month export), minutes each. Per-test coverage would run them against every mutant they touch
// (every dispatch mutant); the short tests of the same files decide those mutants in seconds.
const trialLength = new Set(['test/integration/dispatch-18-months.test.ts', 'test/integration/export-size.test.ts']);
const appTests = [
  ...unit,
  ...readdirSync('test/integration').filter((name) => name.endsWith('.test.ts')).map((name) => `test/integration/${name}`).filter((file) => !trialLength.has(file)),
];
const scopes = {
  domain: { mutate: ['shared/domain/**/*.ts'], testFiles: domainUnit },
  app: { mutate: ['shared/app/**/*.ts'], testFiles: appTests },
  all: { mutate: ['shared/domain/**/*.ts', 'shared/app/**/*.ts'], testFiles: appTests },
};
const scope = process.env.STRYKER_SCOPE ?? 'all';
if (!(scope in scopes)) throw new Error(`STRYKER_SCOPE must be one of ${Object.keys(scopes).join(', ')}, got ${scope}`);
// A batch (a subset of files, `--mutate a.ts,b.ts`) gets its own incremental file and reports, so
// batches run side by side or one after another never overwrite each other's results:
// STRYKER_BATCH=app-b1 → reports/mutation/app-b1{-incremental.json,.json,.html}.
const name = process.env.STRYKER_BATCH ?? scope;
if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`STRYKER_BATCH must be lower-case letters, digits and dashes, got ${name}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  // The vitest runner, wrapped so that its per-test filter works on Vitest 5 (without the wrapper
  // every covered mutant ran zero tests and "survived"): see test/support/stryker-vitest5-runner.mjs.
  testRunner: 'vitest-fulltestname',
  plugins: ['@stryker-mutator/*', './test/support/stryker-vitest5-runner.mjs'],
  vitest: {
    configFile: 'vitest.config.ts',
    // Per mutated file, run only the test files that import it (vitest related); then, per mutant,
    // only the tests that covered it (coverageAnalysis perTest).
    related: true,
  },
  coverageAnalysis: 'perTest',
  testFiles: scopes[scope].testFiles,
  mutate: scopes[scope].mutate,
  checkers: ['typescript'],
  // The checker's program is shared/ and types/ only: the whole project (CDK, tests, scripts) made
  // each check 2.6x slower and the checker process 2.9 GB, for mutants of shared/ that only
  // shared/ can fail to compile against.
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  concurrency: 1,
  // Static mutants (module-level constants: alphabets, default rules, zod schemas) each need a
  // full reload and every test: minutes apiece on this machine. They are reported as ignored.
  ignoreStatic: true,
  // A busy shared machine: be generous before calling a mutant a timeout.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  // Incremental: only mutants in changed code, or covered by changed tests, are run again. The
  // file is git-ignored (reports/ in .gitignore): it is a cache of one machine's last run, large,
  // rewritten on every run, and would conflict on every merge of parallel branches.
  incremental: true,
  incrementalFile: `reports/mutation/${name}-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 85, low: 75, break: null },
  ignorePatterns: ['cdk.out', '.local-data', 'bench/results', 'reports', 'test-results', 'coverage'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
