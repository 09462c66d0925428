// Free-text side effects: which intensity word belongs to which symptom (before it, after it, the
// clause's only one), and a symptom denied, resolved or tested negative. The corpus decides these
// only through whole replies; these cases pin the binding rules (written from the survivors of the
// whole-domain mutation run, docs/testing.md). Grades: a little → 1, a lot → 2, severe → 3.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });

describe('an intensity word grades its own symptom', () => {
  it.each([
    ['有点恶心，头痛很厉害', [['Nausea', 1], ['Headache', 3]]],
    ['恶心有点，头痛', [['Nausea', 1], ['Headache', null]]],
    ['很严重的头痛和有点恶心', [['Headache', 3], ['Nausea', 1]]],
    ['轻微恶心 严重头痛', [['Nausea', 1], ['Headache', 3]]],
    ['恶心，还有点头痛', [['Nausea', null], ['Headache', 1]]],
    ['恶心得很厉害', [['Nausea', 3]]],
    ['不太恶心', [['Nausea', 1]]],
    ['有点恶心恶心', [['Nausea', 1]]],
    ['头痛 轻微', [['Headache', 1]]],
    ['mild nausea and severe headache', [['Nausea', 1], ['Headache', 3]]],
    ['nausea mild, headache', [['Nausea', 1], ['Headache', null]]],
    ['a bit of nausea and a lot of headache', [['Nausea', 1], ['Headache', 2]]],
    ['headache a little', [['Headache', 1]]],
  ] as const)('%j', (text, graded) => {
    const r = read(text);
    expect(r.intent).toBe('side_effect');
    expect(r.items.map((i) => [i.term, i.grade])).toEqual(graded);
    // Grade 3 of any of these is a red flag (the same day); a grade 1–2 or ungraded one is not.
    expect(r.redFlag).toBe(graded.some(([, grade]) => grade === 3));
  });
});

describe('a symptom denied or gone is not reported', () => {
  it.each([
    ['不恶心了', ['Nausea']],
    ['没有再恶心', ['Nausea']],
    ['头痛好了', ['Headache']],
    ['no more nausea', ['Nausea']],
    ['nausea gone now', ['Nausea']],
    ['not nauseous any more', ['Nausea']],
  ] as const)('%j: resolved', (text, resolved) => {
    const r = read(text);
    expect(r.items).toEqual([]);
    expect(r.resolved).toEqual(resolved);
  });

  it.each(['no nausea', 'i dont have a headache', 'covid test negative', '新冠 阴性'])('%j: denied (nothing reported, nothing resolved)', (text) => {
    const r = read(text);
    expect(r.items).toEqual([]);
    expect(r.resolved ?? []).toEqual([]);
    expect(r.intent).toBe('unclear');
  });
});
