import { describe, it, expect, afterAll } from 'vitest';
import { interpretationSchema } from '../../../shared/domain/replies/interpretation.ts';
import type { CorpusCase } from './corpus.ts';
import { gapsCorpus, gapsMisreads } from './corpus-gaps.ts';
import { formatTally, mismatches, read, tallyByIntent } from './evaluate.ts';

const key = (c: CorpusCase): string => `${c.ctx ?? 'none'}|${c.text}`;

afterAll(() => {
  console.log(formatTally('gaps corpus accuracy per expected intent (strict):', tallyByIntent(gapsCorpus, true)));
});

describe('gaps corpus (2026-12-06, written before the rules)', () => {
  it('each case once, and every listed misread is a case', () => {
    const keys = gapsCorpus.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of Object.keys(gapsMisreads)) expect(keys).toContain(k);
  });

  it.each(gapsCorpus.map((c) => [c.ctx ?? 'none', c.text, c] as const))('[%s] %j', (_ctx, _text, c) => {
    const r = read(c);
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    const bad = mismatches(c, r, true);
    if (key(c) in gapsMisreads) expect(bad, `still misread (${gapsMisreads[key(c)]}): a fix shows here, move it out of gapsMisreads`).not.toEqual([]);
    else expect(bad).toEqual([]);
  });
});
