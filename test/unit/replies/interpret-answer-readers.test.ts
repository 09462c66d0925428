// Replies to the symptom questions: the 0–4 severity scale (a measurement in the same reply is not
// the answer), the yes/no screen and the numbered menu. Written from the survivors of the
// whole-domain mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { interpretReply, type OpenQuestion } from '#domain/replies/index.ts';

const severityOf = (term: string): OpenQuestion => ({ kind: 'side_effect_severity', checkInId: 'v1', itemKey: 'k', term });
const read = (text: string, openQuestion: OpenQuestion) => interpretReply(text, { openQuestion });

describe('severity: a number with a unit is a measurement, the bare digit is the answer', () => {
  it.each([
    ['3, for 1 day', 3],
    ['3, lasted 1 hour', 3],
    ['3 for 1 week now', 3],
    ['2, happened 1 time', 2],
    ['3，一天10次', 3],
    ['3, on 7.5mg pred', 3],
    ['2，体温37°c', 2],
    ['2，体温37°', 2],
    ['2，体温37c', 2],
    ['体温37c，2', 2],
    ['2 temp 99f', 2],
    ['temp 99f, 2', 2],
    ['2，体温37.5', 2],
  ] as const)('%j → severity %s', (text, value) => {
    const r = read(text, severityOf('Nausea'));
    expect(r.intent).toBe('answer');
    expect(r.answer).toEqual({ kind: 'severity', value });
    expect(r.answers).toBe('v1');
  });
});

describe('severity: words', () => {
  it.each([
    ['完全没有', 0],
    ['一点也没有', 0],
    ['not bad', 1],
    ['中度到重度', 3],
  ] as const)('%j → %s', (text, value) => {
    expect(read(text, severityOf('Nausea')).answer).toEqual({ kind: 'severity', value });
  });

  it('"5" is off the 0–4 scale: no answer', () => {
    const r = read('5', severityOf('Nausea'));
    expect(r.answer).toBeUndefined();
    expect(r.intent).toBe('unclear');
  });
});

describe('severity: the reply names a symptom too', () => {
  it('"恶心 2" (the symptom asked about, and a number) → severity 2, an answer', () => {
    const r = read('恶心 2', severityOf('Nausea'));
    expect(r.intent).toBe('answer');
    expect(r.answer).toEqual({ kind: 'severity', value: 2 });
    expect(r.items).toEqual([{ term: 'Nausea', grade: 2 }]);
  });

  it('"很恶心 4": the number the patient gives wins over the word', () => {
    expect(read('很恶心 4', severityOf('Nausea')).answer).toEqual({ kind: 'severity', value: 4 });
  });

  it('"头痛3" (another symptom) is not a severity of nausea', () => {
    const r = read('头痛3', severityOf('Nausea'));
    expect(r.answer).toBeUndefined();
    expect(r.intent).toBe('side_effect');
    expect(r.items).toEqual([{ term: 'Headache', grade: null }]);
  });

  it('"恶心 头痛 2": the severity of nausea, and the headache kept', () => {
    const r = read('恶心 头痛 2', severityOf('Nausea'));
    expect(r.answer).toEqual({ kind: 'severity', value: 2 });
    expect(r.items).toEqual([{ term: 'Headache', grade: null }, { term: 'Nausea', grade: 2 }]);
  });

  it('"腿有点肿" asked about leg swelling → severity 1 from the words, an answer', () => {
    const r = read('腿有点肿', severityOf('Edema limbs'));
    expect(r.intent).toBe('answer');
    expect(r.answer).toEqual({ kind: 'severity', value: 1 });
    expect(r.items).toEqual([{ term: 'Edema limbs', grade: 1 }]);
  });

  it('"腿肿 2" asked about leg swelling → severity 2, an answer', () => {
    const r = read('腿肿 2', severityOf('Edema limbs'));
    expect(r.intent).toBe('answer');
    expect(r.items).toEqual([{ term: 'Edema limbs', grade: 2 }]);
  });

  it('"头痛，腿肿，2" → the headache is kept beside the graded leg swelling', () => {
    const r = read('头痛，腿肿，2', severityOf('Edema limbs'));
    expect(r.answer).toEqual({ kind: 'severity', value: 2 });
    expect(r.items).toEqual([{ term: 'Headache', grade: null }, { term: 'Edema limbs', grade: 2 }]);
  });
});

describe('the yes/no screen', () => {
  const screen: OpenQuestion = { kind: 'side_effect_screen', checkInId: 's1' };
  it.each(['no not really', '没有 都挺好', '无 挺好的'])('%j → no', (text) => {
    const r = read(text, screen);
    expect(r.intent).toBe('answer');
    expect(r.answer).toEqual({ kind: 'yes_no', value: false });
  });

  it('a symptom named instead of yes → yes, and the symptom reported', () => {
    const r = read('有点头痛', screen);
    expect(r.answer).toEqual({ kind: 'yes_no', value: true });
    expect(r.answers).toBe('s1');
    expect(r.items).toEqual([{ term: 'Headache', grade: 1 }]);
  });
});

describe('the numbered menu', () => {
  const protocol = loadProtocolFile();
  const items = protocol.checkIns.proItems.map((i) => ({ key: i.key, term: i.term })).slice(0, 3);
  const menu: OpenQuestion = { kind: 'side_effect_items', checkInId: 'i1', items };

  it('"no new symptoms" → none of them', () => {
    const r = read('no new symptoms', menu);
    expect(r.answer).toEqual({ kind: 'items', keys: [] });
    expect(r.answers).toBe('i1');
  });

  it('"1和3，其他0" → items 1 and 3 (0 is no item)', () => {
    expect(read('1和3，其他0', menu).answer).toEqual({ kind: 'items', keys: [items[0]!.key, items[2]!.key] });
  });

  it('"11" on a short menu → item 1, once', () => {
    expect(read('11', menu).answer).toEqual({ kind: 'items', keys: [items[0]!.key] });
  });

  it('a symptom that is not on the menu is a side effect, not a menu answer', () => {
    const r = read('头痛', menu);
    expect(r.answer).toBeUndefined();
    expect(r.intent).toBe('side_effect');
  });
});
