import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

describe('toolchain', () => {
  it('runs on Node 24, the same major as the Lambda runtime nodejs24.x', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });

  it('pins node@24 as a dev dependency so every npm script uses it', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.node).toMatch(/^\^?24\./);
  });
});
