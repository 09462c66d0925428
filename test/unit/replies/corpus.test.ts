import { describe, it, expect, afterAll } from 'vitest';
import { interpretationSchema, type Interpretation } from '../../../shared/domain/replies/interpretation.ts';
import { corpus, knownMisreads, type CorpusCase } from './corpus.ts';
import { mismatches, read } from './evaluate.ts';

function run(c: CorpusCase): Interpretation {
  return read(c);
}

const tally = new Map<string, { n: number; ok: number }>();

afterAll(() => {
  const rows = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((s, [, v]) => s + v.n, 0);
  const ok = rows.reduce((s, [, v]) => s + v.ok, 0);
  const lines = rows.map(([k, v]) => `${k.padEnd(12)} ${String(v.ok).padStart(4)}/${String(v.n).padEnd(4)} ${((100 * v.ok) / v.n).toFixed(1)}%`);
  console.log(['reply corpus accuracy per expected intent (kept cases):', ...lines, `${'total'.padEnd(12)} ${String(ok).padStart(4)}/${total}  (+${knownMisreads.length} known misreads)`].join('\n'));
});

describe('reply corpus', () => {
  it('has at least 170 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(170);
  });

  it.each(corpus.map((c, i) => [i, c.ctx ?? 'none', c.text, c] as const))('#%i [%s] %j', (_i, _ctx, _text, c) => {
    const r = run(c);
    const bad = mismatches(c, r);
    const t = tally.get(c.intent) ?? { n: 0, ok: 0 };
    tally.set(c.intent, { n: t.n + 1, ok: t.ok + (bad.length === 0 ? 1 : 0) });
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    expect(bad).toEqual([]);
  });

  it.each(knownMisreads.map((c) => [c.text, c] as const))('known misread still misread: %j', (_text, c) => {
    const r = run(c);
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    expect(mismatches(c, r)).not.toEqual([]);
  });
});
