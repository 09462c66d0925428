// The two number readers of the reply interpreter, case by case: a temperature in any way patients
// write one (the fever grade and the red flag hang on it), and the episodes a day of diarrhoea or
// vomiting (the grade). The corpus tests only see the grade these numbers lead to, so a reader that
// misread "华氏 101.5" or "十几次" by a little went unnoticed (the whole-domain mutation run,
// docs/testing.md). Inputs are as the interpreter passes them: folded to lower case, half-width.
import { describe, expect, it } from 'vitest';
import { parseEpisodeCount, parseTemperatureC } from '#domain/replies/interpret.ts';

describe('parseTemperatureC: the highest body temperature stated, in °C', () => {
  it.each([
    // spoken Chinese "39度2" = 39.2
    ['39度2', 39.2], ['39 度 2', 39.2], ['发烧39度2', 39.2],
    // Celsius with a unit
    ['38.5°c', 38.5], ['38.5 ° c', 38.5], ['38.55°c', 38.6], ['38°', 38], ['38度', 38], ['38.5摄氏度', 38.5], ['38.5c', 38.5],
    // Fahrenheit with a unit, converted and rounded to 0.1
    ['101f', 38.3], ['101 °f', 38.3], ['101°f', 38.3], ['101华氏度', 38.3], ['华氏101', 38.3], ['华氏 101.5', 38.6], ['100.4f', 38],
    // a temperature word, then a number: Celsius, or Fahrenheit when it can only be Fahrenheit
    ['体温38.7', 38.7], ['发烧 39', 39], ['fever 38.5', 38.5], ['temp 101', 38.3], ['temperature of 102', 38.9], ['量了37.8', 37.8], ['烧到40了', 40], ['体温36', 36],
    // a bare decimal in the body range
    ['39.2', 39.2],
    // Chinese numerals
    ['三十九度', 39], ['三十八度五', 38.5], ['三十八度半', 38.5], ['四十度', 40], ['四十一度', 41], ['三十五度', 35],
    // the highest of several
    ['39.2 and 38.1', 39.2], ['38度 39度2', 39.2],
    // a degree number of 93 or more is Fahrenheit
    ['95度', 35],
  ] as const)('%j → %s', (text, celsius) => {
    expect(parseTemperatureC(text)).toBe(celsius);
  });

  it.each([
    '发烧39mg', '发烧2天', '发烧39次', '吃了37.5mg', '37.5 g', '1039.2', '39.25', '10度', '45度', '93f', '112f', '114f', 'no fever', '',
  ])('%j → none (a dose, a count, a day, outside 34–44 °C, or no number)', (text) => {
    expect(parseTemperatureC(text)).toBeNull();
  });
});

describe('parseEpisodeCount: episodes a day', () => {
  it.each([
    ['拉肚子5次', 5], ['拉了3回', 3], ['跑了两趟', 2], ['吐了三遍', 3], ['五六次', 6], ['十几次', 11], ['十来次', 10], ['十多次', 11],
    ['十次', 10], ['十二次', 12], ['二十次', 20], ['二十五次', 25], ['99次', 99],
    ['diarrhea 6 times', 6], ['6 time', 6], ['3x', 3], ['x8', 8], ['x 8', 8], ['4 bowel movements', 4], ['3 stools', 3], ['5 loose stools', 5],
    ['once', 1], ['twice', 2], ['three times', 3], ['one time', 1], ['twelve times', 12],
    ['2x 3x', 3], ['拉肚子5次，吐了2次', 5],
  ] as const)('%j → %s', (clause, count) => {
    expect(parseEpisodeCount(clause)).toBe(count);
  });

  it.each(['两次药', '吃了2次药', 'x8.5', 'three', '0次', '100次', 'box8', 'ab3x', '3xl', ''])('%j → none (doses of a drug, no count, or not a count)', (clause) => {
    expect(parseEpisodeCount(clause)).toBeNull();
  });
});
