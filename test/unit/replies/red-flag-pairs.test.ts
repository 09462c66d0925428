// Red flags that need two findings, and short dose answers: the rules the corpus reaches only as
// whole replies (written from the survivors of the whole-domain mutation run, docs/testing.md).
import { describe, expect, it } from 'vitest';
import { interpretReply, type OpenQuestion } from '#domain/replies/index.ts';

const read = (text: string, openQuestion: OpenQuestion | null = null) => interpretReply(text, { openQuestion });

describe('skin and mucosa: one site is a side effect, two different sites a red flag (possible SJS/TEN)', () => {
  it.each([
    ['起皮疹，嘴里也有溃疡', true],
    ['口腔溃疡，眼睛红', true],
    ['rash and mouth sores', true],
    ['起皮疹了', false],
    ['嘴里溃疡', false],
    ['眼睛红', false],
    ['荨麻疹', false],
    // the same site twice, or a rash with hives, is not two mucosal sites
    ['皮疹和荨麻疹', false],
    ['rash and hives', false],
    ['眼睛红，眼睛痛', false],
    ['red eyes and eye pain', false],
  ] as const)('%j → red flag %s', (text, red) => {
    const r = read(text);
    expect(r.intent).toBe('side_effect');
    expect(r.redFlag).toBe(red);
    expect(r.redFlagReasons ?? []).toEqual(red ? ['skin_mucosa'] : []);
  });
});

describe('fever: a red flag when stated or at 38 °C and above, not at a normal reading', () => {
  it.each([
    ['发烧', true, null], ['有点发烧', true, null], ['发烧38', true, 38], ['发烧 37.5', false, 37.5],
  ] as const)('%j → red flag %s', (text, red, celsius) => {
    const r = read(text);
    expect(r.redFlag).toBe(red);
    expect(r.temperatureC ?? null).toBe(celsius);
  });

  it('a normal temperature alone is no side effect at all', () => {
    expect(read('体温37.2')).toMatchObject({ intent: 'unclear', items: [], redFlag: false, temperatureC: 37.2 });
  });

  it('a possible relapse sign beside a fever is both a red flag and a relapse signal', () => {
    expect(read('眼皮肿，发烧39')).toMatchObject({ intent: 'side_effect', redFlag: true, relapseSignal: true, temperatureC: 39 });
    expect(read('眼皮肿了')).toMatchObject({ intent: 'symptom', redFlag: false, relapseSignal: true });
  });
});

describe('short answers to a dose question', () => {
  const dose: OpenQuestion = { kind: 'dose', checkInId: 'c1', drugs: ['prednisone', 'mmf'] };
  it.each(['1', '1 谢谢', '吃了 谢谢 医生', 'yes i took it', 'took it', 'i took my medicine this morning thanks'])('%j → taken', (text) => {
    expect(read(text, dose)).toMatchObject({ intent: 'dose_taken', doseAnswer: 'taken', answers: 'c1' });
  });

  it('"1 2" answers both ways: no answer', () => {
    const r = read('1 2', dose);
    expect(r.intent).toBe('unclear');
    expect(r.doseAnswer).toBeUndefined();
  });

  it('a taken answer with a symptom is the symptom, with the dose answer kept', () => {
    expect(read('taken, feeling dizzy', dose)).toMatchObject({ intent: 'side_effect', doseAnswer: 'taken', items: [{ term: 'Dizziness', grade: null }] });
  });
});
