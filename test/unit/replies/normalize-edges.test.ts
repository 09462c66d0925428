// Edges of reply normalization the corpus cannot see (found by the domain mutation run,
// docs/testing.md): the typo distance against a reference, which words may be corrected, dots
// between words, and number ranges written with 、 that must stay one clause.
import { describe, expect, it } from 'vitest';
import { cleanFolded, correctTypo, editDistance, normalizeClauses } from '#domain/replies/normalize.ts';

/** Optimal string alignment distance, textbook form (full matrix, no cap): the oracle. */
function referenceOsa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Every word over {a, b, c} up to `max` letters. */
function words(max: number): string[] {
  const out = [''];
  for (let k = 0; out.length < 3 ** (max + 1); k++) {
    const w = out[k]!;
    if (w.length === max) break;
    for (const ch of 'abc') out.push(w + ch);
  }
  return out;
}

describe('editDistance', () => {
  it('agrees with the textbook distance, capped at max + 1, on every pair of short words', () => {
    const all = words(4);
    let pairs = 0;
    for (const a of all) {
      for (const b of all) {
        for (const max of [1, 2]) {
          expect([a, b, max, editDistance(a, b, max)]).toEqual([a, b, max, Math.min(referenceOsa(a, b), max + 1)]);
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(10_000);
  });

  it('counts swapped neighbours as one edit, also at the start and at the end of a word', () => {
    expect(editDistance('ab', 'ba', 1)).toBe(1);
    expect(editDistance('nasuea', 'nausea', 1)).toBe(1);
    expect(editDistance('anusea', 'nausea', 1)).toBe(1);
    expect(editDistance('nauesa', 'nausea', 1)).toBe(1);
    expect(editDistance('nausae', 'nausea', 1)).toBe(1);
  });
});

describe('correctTypo', () => {
  it('corrects a word one edit from a symptom or answer word', () => {
    expect(['fevr', 'nausae', 'headahce', 'coughh', 'tken', 'taaken'].map(correctTypo)).toEqual(['fever', 'nausea', 'headache', 'cough', 'taken', 'taken']);
  });

  it('never changes the first letter, and leaves a word with a digit in it alone', () => {
    expect(correctTypo('mausea')).toBe('mausea');
    expect(correctTypo('naus3a')).toBe('naus3a');
  });
});

describe('cleaning', () => {
  it('a dot between words separates them; a dot between digits is a decimal point', () => {
    expect(cleanFolded('taken.thanks')).toBe('taken thanks');
    expect(cleanFolded('fever 38.5')).toBe('fever 38.5');
  });
});

describe('clauses', () => {
  it('a count range written with 、 stays one clause, two-digit ends included', () => {
    expect(normalizeClauses('一天6、10次')).toHaveLength(1);
    expect(normalizeClauses('一天6、7次')).toHaveLength(1);
    expect(normalizeClauses('拉了十、十二次')).toHaveLength(1);
    expect(normalizeClauses('拉了六、七次')).toHaveLength(1);
  });

  it('but 、 between two symptoms still separates them', () => {
    expect(normalizeClauses('头痛、恶心')).toEqual(['头痛', '恶心']);
  });
});
