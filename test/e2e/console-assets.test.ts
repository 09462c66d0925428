import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAssetsModule } from '#functions/coordinator-api/console/generate-assets.ts';
import { consoleConfigResponse, consoleResponse } from '#functions/coordinator-api/console/serve.ts';

describe('console assets', () => {
  it('assets.ts is in sync with index.html, app.js and styles.css (run generate-assets.ts after editing them)', () => {
    const onDisk = readFileSync(new URL('../../functions/coordinator-api/console/assets.ts', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderAssetsModule());
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

  it('never writes markup from data: the page script has no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const script = readFileSync(new URL('../../functions/coordinator-api/console/app.js', import.meta.url), 'utf8');
    expect(script).not.toMatch(/\.innerHTML\s*=|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
