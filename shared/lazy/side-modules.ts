/**
 * Side modules: code only a few requests need, built for Lambda into its own file beside the
 * function's index.mjs (same asset, same zip) and required on first use, so it is neither in
 * index.mjs nor parsed at cold start. Everywhere else (tests, the local stack, scripts) the same
 * code is imported directly. How it works: shared/lazy/README.md; figures: docs/performance.md
 * "Lazy side modules". Constants only: infra/constructs/bundling.ts builds each `entry` to `file`.
 */
export interface SideModule {
  readonly name: string;
  /** The module's code, from the repository root. */
  readonly entry: string;
  /** Its file beside index.mjs. */
  readonly file: string;
  /** Loaded at init (while index.mjs is imported, when the configuration is read), not on a request: part of every cold start that needs it. */
  readonly atInit?: true;
}

// One constant each, so that a bundle carries the names of the side modules it loads and no others
// (test/infra/bundles.test.ts reads them to check each function's asset list).
/** OpenCC's traditional → simplified dictionaries and converter (~62 KiB): only for replies with a Han character. */
export const OPENCC_SIDE = { name: 'opencc', entry: 'shared/domain/replies/opencc.ts', file: 'opencc.cjs' } as const satisfies SideModule;
/** libphonenumber-js with its full metadata (~190 KiB): only enrolment and phone changes. */
export const PHONE_SIDE = { name: 'phone', entry: 'shared/domain/phone.ts', file: 'phone.cjs' } as const satisfies SideModule;
/** The coordinator console's static files (~110 KiB): only page loads, not API calls. */
export const CONSOLE_ASSETS_SIDE = { name: 'console-assets', entry: 'functions/coordinator-api/console/assets.ts', file: 'console-assets.cjs' } as const satisfies SideModule;

/** The OpenAPI document (~20 KiB of code: zod-openapi and the builder, replaced by the generated JSON): only GET /openapi.json. */
export const OPENAPI_SIDE = { name: 'openapi', entry: 'functions/coordinator-api/openapi-document.ts', file: 'openapi.cjs' } as const satisfies SideModule;

/**
 * The CSV export use case (~20 KiB: the dataset tables, the CSV stream and csv-stringify): only export requests.
 * Errors it throws itself are its own copies of any error class: it throws none the handler maps (adapters' errors come from index.mjs).
 */
export const EXPORT_DATASET_SIDE = { name: 'export-dataset', entry: 'shared/app/coordinator/export-dataset.ts', file: 'export-dataset.cjs' } as const satisfies SideModule;

/**
 * The verifier of each identity provider: aws-jwt-verify (~16 KiB) for AUTH_MODE=cognito, jose (~18 KiB) for AUTH_MODE=oidc.
 * Not rarely used: a deployment uses one of them on every request. Each is loaded **at init**, when the handler reads
 * AUTH_MODE, so a cold start still parses exactly the verifier the deployment uses (and the other one never).
 */
export const AUTH_COGNITO_SIDE = { name: 'auth-cognito', entry: 'functions/coordinator-api/auth-cognito.ts', file: 'auth-cognito.cjs', atInit: true } as const satisfies SideModule;
export const AUTH_OIDC_SIDE = { name: 'auth-oidc', entry: 'functions/coordinator-api/auth-oidc.ts', file: 'auth-oidc.cjs', atInit: true } as const satisfies SideModule;

/** Every side module by name (literal keys, not computed ones: esbuild then drops the map from bundles that do not use it). */
export const SIDE_MODULES = { opencc: OPENCC_SIDE, phone: PHONE_SIDE, 'console-assets': CONSOLE_ASSETS_SIDE, openapi: OPENAPI_SIDE, 'export-dataset': EXPORT_DATASET_SIDE, 'auth-cognito': AUTH_COGNITO_SIDE, 'auth-oidc': AUTH_OIDC_SIDE } as const;

export type SideModuleName = keyof typeof SIDE_MODULES;

/** The package.json `imports` condition under which `#lazy/<name>` resolves to the loader (shared/lazy/<name>.lazy.ts) instead of the code itself (<name>.eager.ts). */
export const LAZY_CONDITION = 'lambda-bundle';
