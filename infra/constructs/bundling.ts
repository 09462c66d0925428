/**
 * How every function is bundled (esbuild through NodejsFunction): one definition for the CDK
 * construct, the cold-start bench and the bundle test, so what is measured is what is deployed.
 * Constants only, no runtime code. Decision and figures: docs/performance.md "Lean functions".
 */

/**
 * Provided by the nodejs24.x runtime, not bundled: the AWS SDK v3. This is what CDK's
 * NodejsFunction did by default all along (`externalModules` unset = `['@aws-sdk/*']`); it is
 * written out here so the bench and the bundle test leave it out too, and import it from
 * node_modules as the runtime does.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'] as const;

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
