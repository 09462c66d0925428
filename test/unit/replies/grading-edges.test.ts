// The exact edges of the grades and red flags interpretReply gives a free-text reply (CTCAE v5.0),
// which the corpus cases only sample (found by mutation testing, docs/testing.md): fever by
// temperature, diarrhoea and vomiting by episodes a day, which temperatures are read at all,
// and the skin/mucosa combinations that make a rash or red eyes a red flag.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '../../../shared/domain/replies/interpret.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });
const grades = (text: string) => Object.fromEntries(read(text).items.map((i) => [i.term, i.grade]));

describe('fever grade by temperature (CTCAE: 38.0–39.0 → 1, >39.0–40.0 → 2, >40.0 → 3)', () => {
  it.each([
    ['体温37.9度', 37.9, null, []],
    ['体温38度', 38, 1, ['fever']],
    ['体温39度', 39, 1, ['fever']],
    ['体温39.1度', 39.1, 2, ['fever']],
    ['体温40度', 40, 2, ['fever']],
    ['体温40.1度', 40.1, 3, ['fever', 'grade_3_or_more']],
  ])('%s: %s °C → grade %s', (text, temperatureC, grade, reasons) => {
    const r = read(text);
    expect(r.temperatureC).toBe(temperatureC);
    expect(r.items).toEqual(grade === null ? [] : [{ term: 'Fever', grade }]);
    expect(r.redFlag).toBe(reasons.length > 0);
    expect(r.redFlagReasons ?? []).toEqual(reasons);
  });
});

describe('which numbers are read as a body temperature (34–44 °C; 93–113 without a unit is Fahrenheit)', () => {
  it.each([
    ['体温33度', undefined],
    ['体温34度', 34],
    ['体温44度', 44],
    ['体温45度', undefined],
    ['temp 93', undefined], // 33.9 °C
    ['temp 94', 34.4],
    ['temp 111', 43.9],
    ['93.2F', 34],
    ['111.2F', 44],
    ['111.4F', undefined], // 44.1 °C
    ['temp 113', undefined], // 45 °C
    ['fever of 100.4', 38],
  ])('%s → %s', (text, temperatureC) => {
    expect(read(text).temperatureC).toBe(temperatureC);
  });

  it('a fever named with an impossible number is still a fever, ungraded', () => {
    const r = read('fever 44.1');
    expect(r.temperatureC).toBeUndefined();
    expect(r.items).toEqual([{ term: 'Fever', grade: null }]);
    expect(r.redFlagReasons).toEqual(['fever']);
  });
});

describe('diarrhoea and vomiting graded by episodes a day', () => {
  it.each([
    ['拉肚子3次', 1, false],
    ['拉肚子4次', 2, true],
    ['拉肚子6次', 2, true],
    ['拉肚子7次', 3, true],
  ])('%s → Diarrhea grade %s, red flag %s (≥ 4 a day)', (text, grade, red) => {
    expect(grades(text)).toEqual({ Diarrhea: grade });
    expect(read(text).redFlagReasons?.includes('diarrhea') ?? false).toBe(red);
  });

  it.each([
    ['吐了2次', 1],
    ['吐了3次', 2],
    ['吐了5次', 2],
    ['吐了6次', 3],
  ])('%s → Vomiting grade %s', (text, grade) => {
    expect(grades(text)).toEqual({ Vomiting: grade });
    expect(read(text).redFlag).toBe(grade >= 3);
  });

  it('a count grades only diarrhoea and vomiting, not a headache or a cough in the same clause', () => {
    expect(grades('头痛3次')).toEqual({ Headache: null });
    expect(grades('咳嗽5次')).toEqual({ Cough: null });
  });

  it('diarrhoea with blood or with a fever is a red flag whatever the count', () => {
    expect(read('拉肚子，便血').redFlagReasons).toEqual(['diarrhea', 'gi_bleeding']);
    expect(read('拉肚子3次，体温38度').redFlagReasons).toEqual(['diarrhea', 'fever']);
    expect(read('拉肚子3次，体温37.9度').redFlag).toBe(false);
  });
});

describe('skin and mucosa: a red flag only in combination (possible SJS/TEN)', () => {
  it.each([
    ['皮疹', false],
    ['口腔溃疡', false],
    ['皮疹，荨麻疹', false], // hives do not count
    ['口腔溃疡，荨麻疹', false],
    ['眼睛痛，荨麻疹', false],
    ['眼睛红，眼睛痛', false], // red, painful eyes: one eye problem, not two sites
    ['皮疹，口腔溃疡', true],
    ['皮疹，眼睛红', true],
    ['眼睛红，皮疹', true],
    ['眼睛红，口腔溃疡', true],
  ])('%s → red flag %s', (text, red) => {
    const r = read(text);
    expect(r.redFlag).toBe(red);
    expect(r.redFlagReasons ?? []).toEqual(red ? ['skin_mucosa'] : []);
  });
});
