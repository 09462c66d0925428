// Which intensity word grades which symptom when a clause names more than one thing: a word before
// a symptom binds to it, else one just after, else the clause's only one; an intensity word that
// is part of a fixed symptom phrase ("心跳很快", "不太舒服") grades nothing; the highest of several
// readings of one symptom is kept. Grades: a little → 1, very → 2, severe → 3. Written from the
// survivors of the whole-domain mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });
const grades = (text: string) => read(text).items.map((i) => [i.term, i.grade]);

describe('two symptoms in one clause, one intensity word', () => {
  it.each([
    // before the second symptom: it is the second one's
    ['头痛有点恶心', [['Headache', null], ['Nausea', 1]]],
    ['有点恶心头痛', [['Nausea', 1], ['Headache', null]]],
    // after the second symptom: not the first one's
    ['恶心头痛很厉害', [['Nausea', null], ['Headache', 3]]],
    ['恶心 很厉害的头痛', [['Nausea', null], ['Headache', 3]]],
    // one word each
    ['有点恶心头痛很厉害', [['Nausea', 1], ['Headache', 3]]],
    // six characters between the word and its symptom still bind
    ['有点今天早上开始恶心头痛', [['Nausea', 1], ['Headache', null]]],
  ] as const)('%j', (text, graded) => {
    expect(grades(text)).toEqual(graded);
  });
});

describe('an intensity word after a symptom, a few words later', () => {
  it.each([
    ['nausea that is really bad and a headache', [['Nausea', 3], ['Headache', null]]],
    ['nausea which is really bad and a headache', [['Nausea', 3], ['Headache', null]]],
  ] as const)('%j', (text, graded) => {
    const r = read(text);
    expect(r.items.map((i) => [i.term, i.grade])).toEqual(graded);
    expect(r.redFlagReasons).toContain('grade_3_or_more');
  });

  it('the only symptom of a clause takes its only intensity word, however far', () => {
    const r = read('头痛从昨天晚上开始到现在都很厉害');
    expect(r.items).toEqual([{ term: 'Headache', grade: 3 }]);
    expect(r.redFlagReasons).toEqual(['grade_3_or_more']);
  });
});

describe('a symptom keeps the intensity word bound to it', () => {
  it('"有点恶心特别是早上": 特别 (especially) does not make slight nausea severe', () => {
    const r = read('有点恶心特别是早上');
    expect(r.items).toEqual([{ term: 'Nausea', grade: 1 }]);
    expect(r.redFlag).toBe(false);
  });

  it('"一直很严重的恶心": the strongest of the words before it wins', () => {
    const r = read('一直很严重的恶心');
    expect(r.items).toEqual([{ term: 'Nausea', grade: 3 }]);
    expect(r.redFlagReasons).toEqual(['grade_3_or_more']);
  });
});

describe('an intensity word inside a fixed symptom phrase grades nothing', () => {
  it.each([
    ['心跳很快', 'Palpitations'],
    ['不太舒服', 'Malaise'],
  ] as const)('%j → %s, ungraded', (text, term) => {
    expect(read(text).items).toEqual([{ term, grade: null }]);
  });
});

describe('the same symptom said twice keeps its highest grade', () => {
  it.each([
    ['早上有点恶心，晚上恶心得很厉害', 3],
    ['昨天恶心得很厉害，今天有点恶心', 3],
    ['有点头痛，后来头痛很厉害', 3],
  ] as const)('%j → %s', (text, grade) => {
    const r = read(text);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]!.grade).toBe(grade);
    expect(r.redFlagReasons).toContain('grade_3_or_more');
  });
});
