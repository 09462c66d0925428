import { describe, it, expect } from 'vitest';
import { correctTypo, editDistance, normalize, normalizeClauses, toSimplified, MAX_INPUT_CHARS } from '../../../shared/domain/replies/normalize.ts';
import { Converter as Converter2 } from 'opencc-js';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TSPhrases from 'opencc-js/dict/TSPhrases';
import HKVariantsRevPhrases from 'opencc-js/dict/HKVariantsRevPhrases';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import TWVariantsRevPhrases from 'opencc-js/dict/TWVariantsRevPhrases';
import { Converter } from 'opencc-js/t2cn';
import { corpus } from './corpus.ts';
import { holdoutCorpus } from './corpus-holdout.ts';
import { nurseCorpus } from './corpus-nurse.ts';

describe('normalize', () => {
  it.each([
    ['１', '1'],
    ['２、５', '2 5'],
    ['ＳＴＯＰ', 'stop'],
    ['Took It!!', 'took it'],
    ['38.5度', '38.5度'],
    ['３８．５℃', '38.5°c'],
    ['101℉', '101°f'],
    ['发烧39.2。', '发烧39.2'],
    ['end.', 'end'],
    ['  多   空格  ', '多 空格'],
    ["didn't", 'didnt'],
    ['吃了👍', '吃了 ok'],
    ['✅', 'ok'],
    ['❌', 'no'],
    ['😊😊', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('maps the traditional characters of the lexicon to simplified', () => {
    expect(toSimplified('發燒')).toBe('发烧');
    expect(toSimplified('瀉嘔黃腫藥謝幫訂')).toBe('泻呕黄肿药谢帮订');
    expect(toSimplified('懷孕')).toBe('怀孕');
    expect(toSimplified('頭髮')).toBe('头发');
    expect(toSimplified('噁心')).toBe('恶心');
    expect(toSimplified('沒吃強的松')).toBe('没吃强的松');
    // OpenCC (phrase-aware, Taiwan variants): characters the old hand-written map did not have
    expect(toSimplified('最近睡不著')).toBe('最近睡不着');
    expect(toSimplified('下巴下麵腫起來了')).toBe('下巴下面肿起来了');
    expect(toSimplified('起了蕁麻疹，心情很憂鬱')).toBe('起了荨麻疹，心情很忧郁');
    expect(toSimplified('口乾舌燥，腰痠背痛')).toBe('口干舌燥，腰酸背痛');
    expect(toSimplified('plain English 123')).toBe('plain English 123');
    expect(normalize('退訂')).toBe('退订');
  });

  it("converts exactly as opencc-js's t2cn build (tw → cn) on every entry of its dictionaries and every corpus reply, as written and in Taiwan and Hong Kong writing", () => {
    // The bundle carries opencc-js's core and the tw → cn dictionaries only (normalize.ts): this holds it to the full build.
    const full = Converter({ from: 'tw', to: 'cn' });
    const toTaiwan = Converter2({ from: 'cn', to: 'tw' });
    const toHongKong = Converter2({ from: 'cn', to: 'hk' });
    const inputs: string[] = ['什麼', '怎麼辦', '著名', '睡不著'];
    for (const dict of [TWVariantsRev, TWVariantsRevPhrases, TSCharacters, TSPhrases, HKVariantsRevPhrases]) for (const entry of dict.split('|')) inputs.push(...entry.split(' '));
    for (const c of [...corpus, ...holdoutCorpus, ...nurseCorpus]) inputs.push(c.text, toTaiwan(c.text), toHongKong(c.text));
    expect(inputs.length).toBeGreaterThan(10_000);
    const differing = inputs.filter((text) => toSimplified(text) !== full(text));
    expect(differing).toEqual([]);
  });

  it.each([
    ['tkaen', 'taken'],
    ['tooken', 'taken'],
    ['missd', 'missed'],
    ['fevr', 'fever'],
    ['diarhea', 'diarrhea'],
    ['diarrhoea', 'diarrhea'],
    ['vomitting', 'vomiting'],
    ['headach', 'headache'],
    ['nausia', 'nausea'],
    ['pregnat', 'pregnant'],
    ['jaundise', 'jaundice'],
  ])('corrects typo %s → %s', (w, fixed) => {
    expect(correctTypo(w)).toBe(fixed);
  });

  it.each(['never', 'fewer', 'token', 'cancer', 'thirty', 'month', 'couch', 'tried', 'stood', 'smelling', 'other', 'about', 'ok', 'no'])(
    'leaves the real word %s alone',
    (w) => {
      expect(correctTypo(w)).toBe(w);
    },
  );

  it('never fuzzes into an opt-out keyword', () => {
    expect(correctTypo('stpo')).toBe('stpo');
    expect(correctTypo('cancer')).toBe('cancer');
    expect(correctTypo('unsubscribr')).toBe('unsubscribr');
  });

  it('computes Damerau (OSA) distance with a cap', () => {
    expect(editDistance('tkaen', 'taken')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('splits clauses on punctuation and "but", not on decimal points', () => {
    expect(normalizeClauses('吃了，但是有点恶心')).toEqual(['吃了', '有点恶心']);
    expect(normalizeClauses('mild nausea but severe headache')).toEqual(['mild nausea', 'severe headache']);
    expect(normalizeClauses('fever 38.5. chills')).toEqual(['fever 38.5', 'chills']);
  });

  it('is bounded and total on hostile input', () => {
    expect(normalize('a'.repeat(10_000)).length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    expect(() => normalize('\uD800\uDFFF\uDBFF')).not.toThrow();
    expect(normalize(undefined as unknown as string)).toBe('');
    expect(normalize('\u{1F600}\u{10FFFF}\u0000')).toBe('');
  });
});

describe('typo correction and clause edges (found by the domain mutation run, docs/testing.md)', () => {
  it.each([
    ['headche', 'headache'], // a letter missing
    ['feverr', 'fever'], // a letter too many
    ['tirde', 'tired'], // the last two letters swapped
  ])('corrects the one-edit typo %s → %s', (w, fixed) => {
    expect(correctTypo(w)).toBe(fixed);
  });

  it('leaves a word alone when two keywords are one edit away (vomite: vomit or vomited?)', () => {
    expect(correctTypo('vomite')).toBe('vomite');
  });

  it('does not guess words shorter than 5 letters ("cogh", "blod" stay as written)', () => {
    expect(correctTypo('cogh')).toBe('cogh');
    expect(correctTypo('blod')).toBe('blod');
  });

  it('trusts the first letter: "mausea" is not guessed to be nausea', () => {
    expect(correctTypo('mausea')).toBe('mausea');
  });

  it('counts a length difference as edits, up to the cap', () => {
    expect(editDistance('abc', 'abcd', 1)).toBe(1);
    expect(editDistance('abc', 'abcde', 1)).toBe(2);
    expect(editDistance('ab', 'ba', 1)).toBe(1);
    expect(editDistance('fever', 'fevre', 1)).toBe(1);
    expect(editDistance('fever', 'ferve', 1)).toBe(2);
  });

  it('a count range "6、7次" / "六、七次" stays one clause; a list of menu numbers splits', () => {
    expect(normalizeClauses('大便一天6、7次，稀的')).toEqual(['大便一天6 7次', '稀的']);
    expect(normalizeClauses('吐了六、七次')).toEqual(['吐了六七次']);
    expect(normalizeClauses('1、2')).toEqual(['1', '2']);
  });
});
