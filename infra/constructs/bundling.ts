/**
 * How every function is bundled (esbuild through NodejsFunction): one definition for the CDK
 * construct, the cold-start bench and the bundle test, so what is measured is what is deployed.
 * Constants and pure functions only, no runtime code. Decision and figures: docs/performance.md
 * "Lean functions" and "Lazy side modules".
 */
import { LAZY_CONDITION, SIDE_MODULES, type SideModuleName } from '../../shared/lazy/side-modules.ts';

/**
 * Provided by the nodejs24.x runtime, not bundled: the AWS SDK v3. This is what CDK's
 * NodejsFunction did by default all along (`externalModules` unset = `['@aws-sdk/*']`); it is
 * written out here so the bench and the bundle test leave it out too, and import it from
 * node_modules as the runtime does.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'] as const;

/**
 * The esbuild `conditions` of index.mjs: `lambda-bundle` makes `#lazy/<name>` (package.json
 * `imports`) resolve to the side module's loader instead of its code. Setting conditions drops
 * esbuild's implicit `module` condition, so it is named again: packages resolve as before.
 */
export const BUNDLE_CONDITIONS = [LAZY_CONDITION, 'module'] as const;

/** The esbuild options the construct passes (bench/cold-start.ts builds with the same). */
export const BUNDLING = {
  format: 'esm',
  minify: true,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** Goal of issue 15 part 3: each bundle at most this many KiB minified (the AWS SDK excluded, see above). */
export const BUNDLE_GOAL_KIB = 300;

/**
 * The side modules each function's asset carries beside index.mjs (shared/lazy/side-modules.ts).
 * A function whose index.mjs loads a side module not listed here fails at that first use with a
 * clear error; test/infra/bundles.test.ts checks this list against what each bundle loads.
 */
export const FUNCTION_SIDE_MODULES: Readonly<Partial<Record<string, readonly SideModuleName[]>>> = {
  'inbound-sms': ['opencc'],
  'pull-sms': ['opencc'],
  'coordinator-api': ['phone', 'console-assets', 'openapi', 'export-dataset', 'auth-cognito', 'auth-oidc'],
};

/**
 * The esbuild command-line arguments (after the esbuild binary) that build one side module into
 * `outputDir`: the same target, minification, charset, main fields and externals as index.mjs, as
 * CommonJS (index.mjs requires it synchronously; a .cjs file is CommonJS whatever package.json
 * says). The CDK construct runs them in its afterBundling hook, the bench and the bundle test run
 * the very same arguments: one definition. Paths are absolute.
 */
export function sideModuleEsbuildArgs(name: SideModuleName, projectRoot: string, outputDir: string, options: { sourceMap: boolean }): string[] {
  const { entry, file } = SIDE_MODULES[name];
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  return [
    `${root}${entry}`,
    '--bundle',
    '--platform=node',
    '--format=cjs',
    `--target=${BUNDLING.target}`,
    ...(BUNDLING.minify ? ['--minify'] : []),
    '--charset=utf8',
    `--main-fields=${BUNDLING.mainFields.join(',')}`,
    `--conditions=${BUNDLE_CONDITIONS.join(',')}`,
    ...RUNTIME_PROVIDED_MODULES.map((external) => `--external:${external}`),
    ...(options.sourceMap ? ['--sourcemap'] : []),
    '--log-level=warning',
    `--outfile=${outputDir}/${file}`,
  ];
}

/** The local esbuild (the one NodejsFunction bundles index.mjs with, `forceDockerBundling: false`). */
export const ESBUILD_BIN = 'node_modules/.bin/esbuild';
