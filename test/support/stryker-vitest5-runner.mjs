// Stryker's vitest runner (@stryker-mutator/vitest-runner 9.6.1) on Vitest 5: a wrapper that makes
// its per-test filter select the tests it should. Remove it once the runner names tests the Vitest 5
// way (stryker-js issue 6210; fix proposed in PRs 6214/6220, not released in 9.x).
//
// The defect: the runner names a test by joining its suite chain with spaces
// ("countSmsParts: GSM-7 returns zero parts") and, for each mutant, sets that as vitest's
// testNamePattern. Vitest 5 matches the pattern against the chain joined with ' > '
// ("countSmsParts: GSM-7 > returns zero parts"), so it matches nothing: every mutant with per-test
// coverage ran zero tests and was reported Survived (the tell: "Ran 0.00 tests per mutant").
//
// The fix, the same as the upstream PRs: name every test by vitest's own `fullTestName`, in the
// three places the runner uses a name — the coverage ids recorded in the test process (the setup
// file), the dry run's test results, and the failing tests of a mutant run. The filter the runner
// then builds from those names is exactly what Vitest 5 matches.
import fs from 'node:fs';
import path from 'node:path';
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as vitestRunnerPlugins } from '@stryker-mutator/vitest-runner';

const upstream = vitestRunnerPlugins.find((plugin) => plugin.kind === PluginKind.TestRunner && plugin.name === 'vitest');
if (upstream === undefined) throw new Error('@stryker-mutator/vitest-runner no longer exports the "vitest" test runner plugin');

// The line of the runner's setup file (copied into each test process) that names a test for coverage.
const SETUP_TEST_ID = "return `${test.file?.filepath ?? 'unknown.js'}#${collectTestName(test)}`;";
const SETUP_TEST_ID_FIXED = "return `${test.file?.filepath ?? 'unknown.js'}#${test.fullTestName ?? collectTestName(test)}`;";

/** The runner's own name for a test: the suite chain joined with spaces. */
function spaceJoinedName(task) {
  const parts = [task.name];
  for (let suite = task.suite; suite; suite = suite.suite) parts.unshift(suite.name);
  return parts.join(' ').trim();
}

function testsOf(suite) {
  return (suite.tasks ?? []).flatMap((task) => (task.type === 'suite' ? testsOf(task) : task.type === 'test' ? [task] : []));
}

class FullTestNameVitestRunner {
  constructor(inner) {
    this.inner = inner;
  }

  capabilities() {
    return this.inner.capabilities();
  }

  async init() {
    await this.inner.init();
    const setupFile = this.inner.localSetupFile;
    const setup = await fs.promises.readFile(setupFile, 'utf8');
    if (!setup.includes(SETUP_TEST_ID)) {
      throw new Error(`${setupFile}: the vitest runner's setup no longer has the line this wrapper fixes; check whether the runner now supports Vitest 5 and drop test/support/stryker-vitest5-runner.mjs`);
    }
    await fs.promises.writeFile(setupFile, setup.replace(SETUP_TEST_ID, SETUP_TEST_ID_FIXED));
  }

  async dryRun(options) {
    const result = await this.inner.dryRun(options);
    if (result.status !== 'complete') return result;
    const rename = this.renamesOfLastRun();
    return { ...result, tests: result.tests.map((test) => ({ ...test, id: rename.id(test.id), name: rename.name(test.id, test.name) })) };
  }

  async mutantRun(options) {
    const result = await this.inner.mutantRun(options);
    if (result.status !== 'killed') return result;
    const rename = this.renamesOfLastRun();
    return { ...result, killedBy: result.killedBy.map(rename.id) };
  }

  dispose() {
    return this.inner.dispose();
  }

  /** From the runner's ids (space-joined) to vitest's full test names, for the tests of the last run. */
  renamesOfLastRun() {
    const byId = new Map();
    for (const file of this.inner.ctx.state.getFiles()) {
      const relativeFile = path.relative(process.cwd(), file.filepath).replace(/\\/g, '/');
      for (const test of testsOf(file)) {
        byId.set(`${relativeFile}#${spaceJoinedName(test)}`, { id: `${relativeFile}#${test.fullTestName}`, name: test.fullTestName });
      }
    }
    return {
      id: (id) => byId.get(id)?.id ?? id,
      name: (id, name) => byId.get(id)?.name ?? name,
    };
  }
}

function createFullTestNameVitestRunner(injector) {
  return new FullTestNameVitestRunner(upstream.factory(injector));
}
createFullTestNameVitestRunner.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'vitest-fulltestname', createFullTestNameVitestRunner)];
