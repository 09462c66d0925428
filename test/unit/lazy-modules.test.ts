import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { FUNCTION_SIDE_MODULES } from '#infra/constructs/bundling.ts';
import { loadSideModule } from '../../shared/lazy/load.ts';
import { LAZY_CONDITION, SIDE_MODULES } from '../../shared/lazy/side-modules.ts';
import type * as ConsoleEager from '../../shared/lazy/console-assets.eager.ts';
import type * as ConsoleLazy from '../../shared/lazy/console-assets.lazy.ts';
import type * as CognitoEager from '../../shared/lazy/auth-cognito.eager.ts';
import type * as CognitoLazy from '../../shared/lazy/auth-cognito.lazy.ts';
import type * as OidcEager from '../../shared/lazy/auth-oidc.eager.ts';
import type * as OidcLazy from '../../shared/lazy/auth-oidc.lazy.ts';
import type * as ExportEager from '../../shared/lazy/export-dataset.eager.ts';
import type * as ExportLazy from '../../shared/lazy/export-dataset.lazy.ts';
import type * as OpenApiEager from '../../shared/lazy/openapi.eager.ts';
import type * as OpenApiLazy from '../../shared/lazy/openapi.lazy.ts';
import type * as OpenccEager from '../../shared/lazy/opencc.eager.ts';
import type * as OpenccLazy from '../../shared/lazy/opencc.lazy.ts';
import type * as PhoneEager from '../../shared/lazy/phone.eager.ts';
import type * as PhoneLazy from '../../shared/lazy/phone.lazy.ts';

/**
 * Lazy side modules (shared/lazy/): `#lazy/<name>` is the code itself here (the `default`
 * condition) and a loader in the Lambda bundles (`lambda-bundle`); both must offer the same
 * exports. What the built bundles do is in test/infra/bundles.test.ts.
 */
const repo = new URL('../../', import.meta.url);

describe('lazy side modules', () => {
  it('package.json maps #lazy/* to the loader under the bundle condition and to the code otherwise', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', repo), 'utf8')) as { imports: Record<string, unknown> };
    expect(pkg.imports['#lazy/*']).toEqual({ [LAZY_CONDITION]: './shared/lazy/*.lazy.ts', default: './shared/lazy/*.eager.ts' });
  });

  it.each(Object.values(SIDE_MODULES))('$name: its code, its eager and lazy variants exist; the loaders load under its own name', (side) => {
    expect(existsSync(new URL(side.entry, repo))).toBe(true);
    expect(existsSync(new URL(`shared/lazy/${side.name}.eager.ts`, repo))).toBe(true);
    expect(existsSync(new URL(`shared/lazy/${side.name}.lazy.ts`, repo))).toBe(true);
    expect(side.file).toBe(`${side.name}.cjs`);
  });

  it('every side module is carried by some function, and only known ones are', () => {
    const carried = new Set(Object.values(FUNCTION_SIDE_MODULES).flat());
    expect([...carried].sort()).toEqual(Object.keys(SIDE_MODULES).sort());
  });

  it('the eager and lazy variants export the same things with the same types', () => {
    // Checked by tsc (npm run typecheck): `#lazy/*` takes its types from the eager file.
    expectTypeOf<keyof typeof OpenccLazy>().toEqualTypeOf<keyof typeof OpenccEager>();
    expectTypeOf<typeof OpenccLazy.createTraditionalToSimplified>().toEqualTypeOf<typeof OpenccEager.createTraditionalToSimplified>();
    expectTypeOf<keyof typeof PhoneLazy>().toEqualTypeOf<keyof typeof PhoneEager>();
    expectTypeOf<typeof PhoneLazy.checkMobileNumber>().toEqualTypeOf<typeof PhoneEager.checkMobileNumber>();
    expectTypeOf<PhoneLazy.PhoneCheck>().toEqualTypeOf<PhoneEager.PhoneCheck>();
    expectTypeOf<keyof typeof ConsoleLazy>().toEqualTypeOf<keyof typeof ConsoleEager>();
    expectTypeOf<typeof ConsoleLazy.consoleAssets>().toEqualTypeOf<typeof ConsoleEager.consoleAssets>();
    expectTypeOf<keyof typeof OpenApiLazy>().toEqualTypeOf<keyof typeof OpenApiEager>();
    expectTypeOf<typeof OpenApiLazy.openApiJson>().toEqualTypeOf<typeof OpenApiEager.openApiJson>();
    expectTypeOf<keyof typeof ExportLazy>().toEqualTypeOf<keyof typeof ExportEager>();
    expectTypeOf<typeof ExportLazy.exportDataset>().toEqualTypeOf<typeof ExportEager.exportDataset>();
    expectTypeOf<ExportLazy.ExportDeps>().toEqualTypeOf<ExportEager.ExportDeps>();
    expectTypeOf<ExportLazy.ExportResult>().toEqualTypeOf<ExportEager.ExportResult>();
    expectTypeOf<keyof typeof CognitoLazy>().toEqualTypeOf<keyof typeof CognitoEager>();
    expectTypeOf<typeof CognitoLazy.cognitoVerifier>().toEqualTypeOf<typeof CognitoEager.cognitoVerifier>();
    expectTypeOf<keyof typeof OidcLazy>().toEqualTypeOf<keyof typeof OidcEager>();
    expectTypeOf<typeof OidcLazy.oidcVerifier>().toEqualTypeOf<typeof OidcEager.oidcVerifier>();
    expectTypeOf<OidcLazy.OidcVerifierOptions>().toEqualTypeOf<OidcEager.OidcVerifierOptions>();
  });

  it('a side file missing beside index.mjs fails at first use, naming the file, the folder and the fix', () => {
    // Run from source, the loader looks beside shared/lazy/load.ts, where no side file is ever built.
    expect(() => loadSideModule(SIDE_MODULES.phone)).toThrow(
      /^Side module "phone" is missing: no phone\.cjs beside .*\/shared\/lazy\/index\.mjs\. The function's asset was built without it: infra\/constructs\/bundling\.ts FUNCTION_SIDE_MODULES must list "phone" for this function \(built from shared\/domain\/phone\.ts\)\.$/,
    );
    // Not cached: a later call fails the same way (no half-loaded state).
    expect(() => loadSideModule(SIDE_MODULES.phone)).toThrow(/is missing/);
  });
});
