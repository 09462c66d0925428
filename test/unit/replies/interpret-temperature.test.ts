// Temperatures as patients write them, read through the whole interpreter: the value stored
// (temperatureC) and the fever grade and red flag it leads to. Each case is one a unit, a decimal
// or a neighbouring word could make the reader take or miss (written from the survivors of the
// whole-domain mutation run of shared/domain/replies/interpret.ts).
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });

describe('a temperature with a unit letter right after the number', () => {
  it.each([
    // "c" / "f" followed by another word is still the unit
    ['38c today', 38],
    ['101f today', 38.3],
    // "华氏" after the number, with or without "度"
    ['101华氏', 38.3],
    // two decimals in Fahrenheit are both read before converting (100.85 °F = 38.25 °C → 38.3)
    ['100.85f', 38.3],
    ['101.55f', 38.6],
    // 华氏 before the number, two decimals kept
    ['华氏100.85', 38.3],
  ] as const)('%j → %s °C', (text, celsius) => {
    expect(read(text).temperatureC).toBe(celsius);
  });

  it('"38c today" is a grade 1 fever and a same-day flag', () => {
    const r = read('38c today');
    expect(r.intent).toBe('side_effect');
    expect(r.items).toEqual([{ term: 'Fever', grade: 1 }]);
    expect(r.redFlagReasons).toEqual(['fever']);
  });
});

describe('a temperature word, then a number', () => {
  it.each([
    // Fahrenheit after "temp", two decimals kept
    ['temp 100.85', 38.3],
    // 37.96 °C rounds to 38.0: a fever
    ['体温37.96', 38],
    // a count later in the same run of text ("吃了1片") does not make 39 a dose
    ['体温39吃了1片布洛芬', 39],
  ] as const)('%j → %s °C', (text, celsius) => {
    expect(read(text).temperatureC).toBe(celsius);
  });

  it('"体温37.96" is read as a fever (grade 1)', () => {
    expect(read('体温37.96').items).toEqual([{ term: 'Fever', grade: 1 }]);
  });
});

describe('a bare decimal in the body range', () => {
  it('"41.5" is a grade 3 fever', () => {
    const r = read('41.5');
    expect(r.temperatureC).toBe(41.5);
    expect(r.items).toEqual([{ term: 'Fever', grade: 3 }]);
    expect(r.redFlagReasons).toEqual(['fever', 'grade_3_or_more']);
  });

  it.each([['40.2', 40.2], ['42.0', 42]] as const)('%j → %s °C', (text, celsius) => {
    expect(read(text).temperatureC).toBe(celsius);
  });
});

describe('a number followed, later in the word, by 度 is not a temperature', () => {
  it('"泼尼松吃了40mg温度正常": a dose and a normal temperature, no fever', () => {
    const r = read('泼尼松吃了40mg温度正常');
    expect(r.temperatureC).toBeUndefined();
    expect(r.items).toEqual([]);
    expect(r.intent).toBe('dose_taken');
  });
});
