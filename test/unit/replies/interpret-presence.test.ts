// Whether a named symptom is there, denied, or gone: a negation must bind to its own symptom only,
// a negative test denies, a bleed that "stopped" is still reported, and "现在好了" resolves only the
// clause before it. Written from the survivors of the whole-domain mutation run of
// shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });

describe('a negation reaches only the symptom right after it', () => {
  it('"睡得不太好没有恶心": 不太 earlier in the clause does not undo 没有 → no nausea', () => {
    const r = read('睡得不太好没有恶心');
    expect(r.items).toEqual([]);
    expect(r.intent).toBe('unclear');
  });

  it('"没有恶心吃了药": nausea denied (not "gone"), the dose taken', () => {
    const r = read('没有恶心吃了药');
    expect(r.items).toEqual([]);
    expect(r.resolved).toBeUndefined();
    expect(r.intent).toBe('dose_taken');
  });

  it('an English "not" earlier in a mixed reply does not deny a Chinese symptom', () => {
    const r = read('i am not sure why 头痛');
    expect(r.items).toEqual([{ term: 'Headache', grade: null }]);
    expect(r.intent).toBe('side_effect');
  });

  it('"no headache now i am ok": the headache is gone', () => {
    const r = read('no headache now i am ok');
    expect(r.items).toEqual([]);
    expect(r.resolved).toEqual(['Headache']);
  });
});

describe('a negative test result', () => {
  it('"咳嗽 核酸阴性": the cough is still reported (the negative is the test, not the cough)', () => {
    const r = read('咳嗽 核酸阴性');
    expect(r.items).toEqual([{ term: 'Cough', grade: null }]);
    expect(r.redFlagReasons).toEqual(['respiratory']);
  });

  it('"新冠阴性": COVID denied, neither reported nor resolved', () => {
    const r = read('新冠阴性');
    expect(r.items).toEqual([]);
    expect(r.resolved).toBeUndefined();
  });
});

describe('one symptom gone does not make its neighbour gone', () => {
  it('"头痛 恶心好了": headache still there, nausea gone', () => {
    const r = read('头痛 恶心好了');
    expect(r.items).toEqual([{ term: 'Headache', grade: null }]);
    expect(r.resolved).toEqual(['Nausea']);
  });

  it('"有点头痛。前两天拉肚子，现在好了": only the diarrhoea is resolved', () => {
    const r = read('有点头痛。前两天拉肚子，现在好了');
    expect(r.items).toEqual([{ term: 'Headache', grade: 1 }]);
    expect(r.resolved).toEqual(['Diarrhea']);
  });

  it('"拉肚子，头痛": a second clause naming a symptom resolves nothing', () => {
    const r = read('拉肚子，头痛');
    expect(r.items.map((i) => i.term)).toEqual(['Diarrhea', 'Headache']);
    expect(r.resolved).toBeUndefined();
  });

  it('"头痛好了，今天又头痛了": back again → reported, not listed as resolved', () => {
    const r = read('头痛好了，今天又头痛了');
    expect(r.items).toEqual([{ term: 'Headache', grade: null }]);
    expect(r.resolved).toBeUndefined();
  });
});

describe('a bleed that stopped still needs a call today', () => {
  it.each(['便血已经停了', '便血，现在好了'])('%j → Lower GI hemorrhage, red flag', (text) => {
    const r = read(text);
    expect(r.items).toEqual([{ term: 'Lower gastrointestinal hemorrhage', grade: null }]);
    expect(r.redFlagReasons).toEqual(['gi_bleeding']);
    expect(r.resolved).toBeUndefined();
  });
});
