// Whole-message commands: a repeated 退订 is still an opt-out, a misspelt "stop" is never one
// (a guess must not unsubscribe a patient), and a question mark alone asks for help while a
// question mark before a symptom does not. Written from the survivors of the whole-domain
// mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });

describe('opt-out', () => {
  it.each(['退订退订', '退订退订退订', 'stopstop'])('%j (the command repeated) → opt_out', (text) => {
    expect(read(text).intent).toBe('opt_out');
  });

  it.each(['stopp', 'sstop', 'tdd'])('%j (a misspelling) → not an opt-out', (text) => {
    expect(read(text).intent).not.toBe('opt_out');
  });
});

describe('help', () => {
  it.each(['??', '？？', '? ?'])('%j → help', (text) => {
    expect(read(text).intent).toBe('help');
  });

  it('"？我发烧了" is a fever report, not a request for help', () => {
    const r = read('？我发烧了');
    expect(r.intent).toBe('side_effect');
    expect(r.items).toEqual([{ term: 'Fever', grade: null }]);
  });
});
