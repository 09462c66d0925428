import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_FILES, renderAssetPathsModule, renderAssetsModule, renderTermsModule } from '#functions/coordinator-api/console/generate-assets.ts';
import { consoleConfigResponse, consolePaths, consoleResponse } from '#functions/coordinator-api/console/serve.ts';
import { CONSOLE_ASSET_PATHS } from '#functions/coordinator-api/console/asset-paths.ts';
import { CONSOLE_ASSETS } from '#functions/coordinator-api/console/assets.ts';

describe('console assets', () => {
  it('assets.ts is in sync with every console file (run generate-assets.ts after editing them)', () => {
    const onDisk = readFileSync(new URL('../../functions/coordinator-api/console/assets.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderAssetsModule());
  });

  it('asset-paths.ts is in sync too, and lists exactly the paths of assets.ts (the API routes on it without loading the files)', () => {
    const onDisk = readFileSync(new URL('../../functions/coordinator-api/console/asset-paths.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderAssetPathsModule());
    expect(CONSOLE_ASSET_PATHS).toEqual(Object.keys(CONSOLE_ASSETS));
    expect(consolePaths()).toEqual(['/', ...Object.keys(CONSOLE_ASSETS)]);
  });

  it('lib/ctcae-terms.js is in sync with shared/domain/ctcae-terms.ts (the console shows the same Chinese CTCAE names as the digest)', () => {
    const onDisk = readFileSync(new URL('../../functions/coordinator-api/console/lib/ctcae-terms.js', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderTermsModule());
  });

  it('serves the page with a strict content security policy and nothing else', () => {
    const page = consoleResponse('/');
    expect(page?.statusCode).toBe(200);
    expect(page?.headers['content-type']).toMatch(/^text\/html/);
    expect(page?.headers['content-security-policy']).toContain("script-src 'self'");
    expect(consoleResponse('/app.js')?.headers['content-type']).toMatch(/^text\/javascript/);
    expect(consoleResponse('/../package.json')).toBeNull();
    expect(consoleResponse('/api/patients')).toBeNull();
    expect(JSON.parse(consoleConfigResponse({ auth: 'cognito', cognito: { domain: 'https://x.auth.example', clientId: 'abc' } }).body)).toEqual({ auth: 'cognito', cognito: { domain: 'https://x.auth.example', clientId: 'abc' } });
  });

  it('never writes markup from data: no console module uses innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const scripts = CONSOLE_FILES.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(10);
    for (const name of scripts) {
      const script = readFileSync(new URL(`../../functions/coordinator-api/console/${name}`, import.meta.url), 'utf8');
      expect(script, name).not.toMatch(/\.innerHTML\s*=|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it('is one ES module per view: every module app.js reaches is served, and every import names a served file', () => {
    const served = new Set(consolePaths());
    for (const name of CONSOLE_FILES.filter((n) => n.endsWith('.js'))) {
      const script = readFileSync(new URL(`../../functions/coordinator-api/console/${name}`, import.meta.url), 'utf8');
      for (const [, spec] of script.matchAll(/^import [^;]+ from '([^']+)';$/gm)) {
        const target = new URL(spec!, `https://console.test/${name}`).pathname;
        expect(served.has(target), `${name} imports ${spec}`).toBe(true);
        expect(consoleResponse(target)?.headers['content-type']).toMatch(/^text\/javascript/);
      }
    }
  });
});
