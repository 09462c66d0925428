import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProtocolFile } from '#config/protocol-loader.ts';

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

  it('prints the mainland template texts to submit, with their variables', () => {
    const result = run();
    expect(result.stdout).toContain('Templates to submit for approval');
    expect(result.stdout).toContain('text:      ${slot}服药：${drugs}。已服回复1，漏服回复2');
    expect(result.stdout).toMatch(/variable: {2}\$\{drugs\} \(drugs, at most \d+ characters\)/);
  });

  it('rejects a broken mainland mapping with exit code 1, naming each problem', () => {
    const doc = structuredClone(loadProtocolFile());
    const templates = doc.mainlandSms?.templates['zh-CN'];
    if (!templates) throw new Error('shipped protocol has no zh-CN mapping');
    delete templates['reply.help'];
    templates['dose.reminder'] = { code: 'SMS_900000001', variables: { slot: 'slot' } };
    const file = join(mkdtempSync(join(tmpdir(), 'protocol-check-')), 'mapping.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = run(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('mainlandSms.templates.zh-CN.reply.help: has no approved template code');
    expect(result.stderr).toContain('{drugs} changes per message: map it to a provider variable');
  });
});
