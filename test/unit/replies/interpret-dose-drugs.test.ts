// Dose answers that name drugs: which drug a "forgot" belongs to when a reply names two drugs and
// two dose phrases, and short replies to a dose question that must not be read as a menu choice.
// Written from the survivors of the whole-domain mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply, type OpenQuestion } from '#domain/replies/index.ts';

const dose: OpenQuestion = { kind: 'dose', checkInId: 'c1', drugs: ['prednisone', 'mmf'] };
const read = (text: string) => interpretReply(text, { openQuestion: dose });

describe('which drug was missed', () => {
  it.each([
    // "漏吃了" is one missed phrase, not a "吃了" (taken) inside it
    ['漏吃了泼尼松', ['prednisone']],
    // each drug goes with the nearest dose phrase, before or after it
    ['忘了mmf 泼尼松吃了', ['mmf']],
    ['吃了泼尼松 mmf忘了', ['mmf']],
    ['泼尼松吃了忘了mmf', ['mmf']],
    // a drug as near to "吃了" as to "忘了": missed (the safe reading)
    ['泼尼松吃了 mmf 忘了', ['mmf']],
    // a drug named in a clause without a dose phrase goes with the one missed phrase
    ['mmf，忘了', ['mmf']],
    ['忘了吃药，mmf', ['mmf']],
  ] as const)('%j → missed %j', (text, drugs) => {
    const r = read(text);
    expect(r.intent).toBe('dose_missed');
    expect(r.doseAnswer).toBe('missed');
    expect(r.answers).toBe('c1');
    expect(r.missedDrugs).toEqual(drugs);
  });

  it('a drug named alone, after another drug was missed, is not counted as missed too', () => {
    expect(read('mmf忘了，泼尼松呢').missedDrugs).toEqual(['mmf']);
  });
});

describe('a dose answer is read from what is left after a symptom', () => {
  it('"没发烧吃了": no fever, dose taken', () => {
    const r = read('没发烧吃了');
    expect(r.intent).toBe('dose_taken');
    expect(r.doseAnswer).toBe('taken');
    expect(r.items).toEqual([]);
  });

  it('"吃了 2": the dose phrase decides; the stray digit is not menu choice 2 (missed)', () => {
    expect(read('吃了 2').doseAnswer).toBe('taken');
  });
});

describe('a digit inside longer text is not the menu choice', () => {
  it.each(['alert(1)', 'hello world 1'])('%j → no dose answer', (text) => {
    const r = read(text);
    expect(r.doseAnswer).toBeUndefined();
    expect(r.answers).toBeUndefined();
    expect(r.intent).toBe('unclear');
  });

  it.each([['1', 'taken'], ['1 ok', 'taken'], ['2', 'missed']] as const)('%j → %s', (text, answer) => {
    expect(read(text).doseAnswer).toBe(answer);
  });
});
