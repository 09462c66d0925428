// What a reply means as the answer to each question the system asks: which drug a dose answer
// names as missed, the severity scale, the yes/no screen and the numbered symptom menu. The corpus
// decides these only through the final intent; these cases pin the readers themselves (written from
// the survivors of the whole-domain mutation run, docs/testing.md).
import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { interpretReply, type OpenQuestion } from '#domain/replies/index.ts';

const protocol = loadProtocolFile();
const items = protocol.checkIns.proItems.map((i) => ({ key: i.key, term: i.term }));
const read = (text: string, openQuestion: OpenQuestion) => interpretReply(text, { openQuestion });

describe('a dose answer: taken, missed, and which drug was missed', () => {
  const dose: OpenQuestion = { kind: 'dose', checkInId: 'c1', drugs: ['prednisone', 'mmf'] };
  it.each([
    ['泼尼松吃了，吗替麦考酚酯忘了', 'missed', ['mmf']],
    ['吃了泼尼松 忘了mmf', 'missed', ['mmf']],
    ['没吃 泼尼松', 'missed', ['prednisone']],
    ['忘了吃吗替麦考酚酯', 'missed', ['mmf']],
    ['mmf missed', 'missed', ['mmf']],
    ['took pred, forgot mmf', 'missed', ['mmf']],
    ['忘了吃药', 'missed', undefined],
    ['2', 'missed', undefined],
    ['吃了', 'taken', undefined],
  ] as const)('%j → %s %j', (text, answer, missedDrugs) => {
    const r = read(text, dose);
    expect(r.answers).toBe('c1');
    expect(r.doseAnswer).toBe(answer);
    expect(r.missedDrugs).toEqual(missedDrugs);
  });
});

describe('the severity question (0 none … 4 very severe)', () => {
  const severity: OpenQuestion = { kind: 'side_effect_severity', checkInId: 'c1', itemKey: items[0]!.key, term: items[0]!.term };
  it.each([
    ['3', 3], ['  3 ', 3], ['0', 0], ['无', 0], ['没有', 0], ['没有了', 0], ['中', 2], ['一般', 2], ['中等程度', 2], ['重', 3], ['重的', 3], ['有点', 1], ['很严重', 3],
  ] as const)('%j → %s', (text, value) => {
    const r = read(text, severity);
    expect(r.intent).toBe('answer');
    expect(r.answer).toEqual({ kind: 'severity', value });
    expect(r.items).toEqual(value === 0 ? [] : [{ term: items[0]!.term, grade: Math.min(value, 3) }]);
    expect(r.redFlag).toBe(value >= 3);
  });

  it.each(['5', '2 3', '3次', '3.5'])('%j is no answer: out of the scale, two numbers, or a measurement', (text) => {
    const r = read(text, severity);
    expect(r.answer).toBeUndefined();
    expect(r.intent).toBe('unclear');
  });
});

describe('the yes/no screen ("any side effects this week? 1 yes, 2 no")', () => {
  const screen: OpenQuestion = { kind: 'side_effect_screen', checkInId: 'c1' };
  it.each([
    ['1', true], ['有', true], ['有 一点', true], ['yes please', true], ['y', true],
    ['2', false], ['没有 啊', false], ['no thanks', false], ['n', false],
  ] as const)('%j → %s', (text, value) => {
    expect(read(text, screen).answer).toEqual({ kind: 'yes_no', value });
  });

  it('a number that is neither choice is no answer', () => {
    expect(read('3', screen)).toMatchObject({ intent: 'unclear' });
  });
});

describe('the numbered symptom menu (10 items)', () => {
  const menu: OpenQuestion = { kind: 'side_effect_items', checkInId: 'c1', items };
  it.each([
    ['1 3', ['diarrhea', 'vomiting']],
    ['1,2', ['diarrhea', 'nausea']],
    ['10', ['fever']],
    ['没有', []],
  ] as const)('%j → %j', (text, keys) => {
    expect(items).toHaveLength(10);
    expect(read(text, menu).answer).toEqual({ kind: 'items', keys });
  });

  it.each(['99', '3次', '25'])('%j is no answer (no such item; a count; two digits are not split on a menu of more than 9)', (text) => {
    expect(read(text, menu).answer).toBeUndefined();
  });
});
