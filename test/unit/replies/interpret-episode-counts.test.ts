// How many stools or vomits a day a reply states, and which symptom that count grades: CTCAE
// diarrhoea < 4 → 1, 4–6 → 2, ≥ 7 → 3 (and ≥ 4 a day is a same-day flag); vomiting 1–2 → 1,
// 3–5 → 2, ≥ 6 → 3. Written from the survivors of the whole-domain mutation run of
// shared/domain/replies/interpret.ts: two-digit counts, singular units, and a count said in a
// clause of its own.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });
const grades = (text: string) => read(text).items.map((i) => [i.term, i.grade]);

describe('an English count of stools grades diarrhoea', () => {
  it.each([
    // two-digit counts
    ['diarrhea 10 times', 3],
    ['diarrhea x10', 3],
    ['diarrhea x 12', 3],
    // one stool, in the singular
    ['had 1 loose stool', 1],
    ['diarrhea, only 1 bowel movement today', 1],
    ['diarrhea only 1 stool today', 1],
  ] as const)('%j → Diarrhea grade %s', (text, grade) => {
    expect(grades(text)).toEqual([['Diarrhea', grade]]);
  });

  it('ten a day is a same-day flag', () => {
    const r = read('diarrhea 10 times');
    expect(r.redFlagReasons).toEqual(['diarrhea', 'grade_3_or_more']);
  });
});

describe('a count said in a clause of its own', () => {
  it('grades the diarrhoea even when a clause without a count sits between them', () => {
    const r = read('拉肚子，从昨晚开始，一天5次');
    expect(r.items).toEqual([{ term: 'Diarrhea', grade: 2 }]);
    expect(r.redFlagReasons).toEqual(['diarrhea']);
  });

  it('a count that belongs to vomiting does not grade the diarrhoea', () => {
    expect(grades('拉肚子，吐了3次')).toEqual([['Diarrhea', null], ['Vomiting', 2]]);
  });

  it('the nearest count is today\'s, not last week\'s', () => {
    const r = read('上周一天5次，后来好了，这两天又拉肚子，一天2次');
    expect(r.items).toEqual([{ term: 'Diarrhea', grade: 1 }]);
    expect(r.redFlag).toBe(false);
  });

  it('of two counts as near, the later one is read', () => {
    const r = read('昨天2次，拉肚子，今天4次');
    expect(r.items).toEqual([{ term: 'Diarrhea', grade: 2 }]);
    expect(r.redFlagReasons).toEqual(['diarrhea']);
  });
});
