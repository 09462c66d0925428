import { afterAll, describe, expect, it } from 'vitest';
import { interpretationSchema } from '../../../shared/domain/replies/interpretation.ts';
import type { CorpusCase } from './corpus.ts';
import { formatTally, mismatches, read, tallyByIntent } from './evaluate.ts';

/** A case's key in a misreads list: `<ctx>|<text>`. */
export const corpusKey = (c: CorpusCase): string => `${c.ctx ?? 'none'}|${c.text}`;

/**
 * One strict corpus as a test suite: each case once, every listed misread a case, each case read
 * right — or, if listed in `misreads`, still read wrong (a fix shows as a failure that asks to move
 * it out of the list, so the list stays the truth). Prints the accuracy per intent after the run.
 */
export function corpusSuite(title: string, cases: readonly CorpusCase[], misreads: Readonly<Record<string, string>>, listName: string, options: { size?: number } = {}): void {
  afterAll(() => {
    console.log(formatTally(`${title}: accuracy per expected intent (strict):`, tallyByIntent([...cases], true)));
  });

  describe(title, () => {
    it(`${options.size === undefined ? '' : `${options.size} cases, `}each once, and every listed misread is a case`, () => {
      const keys = cases.map(corpusKey);
      if (options.size !== undefined) expect(keys).toHaveLength(options.size);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of Object.keys(misreads)) expect(keys).toContain(k);
    });

    it.each(cases.map((c) => [c.ctx ?? 'none', c.text, c] as const))('[%s] %j', (_ctx, _text, c) => {
      const r = read(c);
      expect(interpretationSchema.safeParse(r).success).toBe(true);
      const bad = mismatches(c, r, true);
      const k = corpusKey(c);
      if (k in misreads) expect(bad, `still misread (${misreads[k]}): a fix shows here, move it out of ${listName}`).not.toEqual([]);
      else expect(bad).toEqual([]);
    });
  });
}
