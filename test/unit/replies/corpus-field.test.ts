import { describe, it, expect, afterAll } from 'vitest';
import { interpretationSchema } from '../../../shared/domain/replies/interpretation.ts';
import type { CorpusCase } from './corpus.ts';
import { fieldCorpus, fieldMisreads } from './corpus-field.ts';
import { formatTally, mismatches, read, tallyByIntent } from './evaluate.ts';

const key = (c: CorpusCase): string => `${c.ctx ?? 'none'}|${c.text}`;

afterAll(() => {
  console.log(formatTally('field corpus accuracy per expected intent (strict):', tallyByIntent(fieldCorpus, true)));
});

describe('field corpus (fifth session of 2026-12-05, written before the rules)', () => {
  it('each case once, and every listed misread is a case', () => {
    const keys = fieldCorpus.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of Object.keys(fieldMisreads)) expect(keys).toContain(k);
  });

  it.each(fieldCorpus.map((c) => [c.ctx ?? 'none', c.text, c] as const))('[%s] %j', (_ctx, _text, c) => {
    const r = read(c);
    expect(interpretationSchema.safeParse(r).success).toBe(true);
    const bad = mismatches(c, r, true);
    if (key(c) in fieldMisreads) expect(bad, `still misread (${fieldMisreads[key(c)]}): a fix shows here, move it out of fieldMisreads`).not.toEqual([]);
    else expect(bad).toEqual([]);
  });
});
