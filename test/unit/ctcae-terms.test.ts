// Chinese labels of the CTCAE terms: every term the reply interpreter can produce has one, so a
// Chinese reader never meets a bare English term the lexicon added later.
import { describe, expect, it } from 'vitest';
import { CTCAE_TERMS_ZH, ctcaeTermLabel } from '#domain/ctcae-terms.ts';
import { LEXICON, TERMS } from '#domain/replies/lexicon.ts';

describe('CTCAE term labels', () => {
  it('every term of the lexicon has a Chinese name, and the map holds no term the lexicon lacks', () => {
    const terms = new Set([...LEXICON.map((e) => e.term), ...Object.values(TERMS)]);
    expect([...terms].filter((t) => !(t in CTCAE_TERMS_ZH))).toEqual([]);
    expect(Object.keys(CTCAE_TERMS_ZH).filter((t) => !terms.has(t))).toEqual([]);
  });

  it('every Chinese name is Chinese and names one term', () => {
    const names = Object.values(CTCAE_TERMS_ZH);
    for (const name of names) expect(name).toMatch(/^[\u4e00-\u9fff][\u4e00-\u9fff、－（）]*$/u);
    expect(new Set(names).size).toBe(names.length);
  });

  it('labels in Chinese, keeps the English term in English, and shows an unknown term as it is', () => {
    expect(ctcaeTermLabel('Diarrhea', 'zh-CN')).toBe('腹泻');
    expect(ctcaeTermLabel('Diarrhea', 'en')).toBe('Diarrhea');
    expect(ctcaeTermLabel('Hiccups', 'zh-CN')).toBe('Hiccups');
  });
});
