import { afterAll, describe, expect, it } from 'vitest';
import { interpretationSchema } from '../../../shared/domain/replies/interpretation.ts';
import type { CorpusCase } from './corpus.ts';
import { blindCorpus, blindMisreads } from './corpus-blind.ts';
import { formatTally, mismatches, read, tallyByIntent } from './evaluate.ts';

const key = (c: CorpusCase): string => `${c.ctx ?? 'none'}|${c.text}`;

afterAll(() => {
  console.log(formatTally('blind corpus accuracy per expected intent (strict):', tallyByIntent(blindCorpus, true)));
});

describe('blind corpus (2026-12-06, written without reading the rules)', () => {
  it('100 cases, each once, and every listed misread is a case', () => {
    const keys = blindCorpus.map(key);
    expect(keys).toHaveLength(100);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of Object.keys(blindMisreads)) expect(keys).toContain(k);
  });

  it.each(blindCorpus.map((c) => [c.ctx ?? 'none', c.text, c] as const))('[%s] %j', (_ctx, _text, c) => {
    const r = read(c);
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    const bad = mismatches(c, r, true);
    if (key(c) in blindMisreads) expect(bad, `still misread (${blindMisreads[key(c)]}): a fix shows here, move it out of blindMisreads`).not.toEqual([]);
    else expect(bad).toEqual([]);
  });
});
