import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-protocol.ts', ...args], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });

describe('npm run protocol:check', () => {
  it('accepts the shipped protocol and lists what the investigator must confirm', () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('valid — NCT05789017');
    expect(result.stdout).toContain('values still to confirm');
  });

  it('rejects a broken file with exit code 1, naming the field and the reason', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'protocol-check-')), 'broken.json');
    writeFileSync(file, JSON.stringify({ protocolId: 'X' }));
    const result = run(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken\.json[\s\S]*studyTimeZone: /);
  });
});
