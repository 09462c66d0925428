// The stored reading of a plain reply is exactly its fields: nothing empty, nothing undefined
// (what is absent is absent), and a reply that is not text reads as an empty one. Written from
// the survivors of the whole-domain mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply, type OpenQuestion } from '#domain/replies/index.ts';

const none = { openQuestion: null };
const dose: OpenQuestion = { kind: 'dose', checkInId: 'c1', drugs: ['prednisone', 'mmf'] };

describe('exact readings', () => {
  it('"吃了" to a dose question', () => {
    expect(interpretReply('吃了', { openQuestion: dose })).toStrictEqual({
      intent: 'dose_taken', items: [], redFlag: false, relapseSignal: false, language: 'zh', answers: 'c1', doseAnswer: 'taken',
    });
  });

  it('"头痛" with no question', () => {
    expect(interpretReply('头痛', none)).toStrictEqual({
      intent: 'side_effect', items: [{ term: 'Headache', grade: null }], redFlag: false, relapseSignal: true, language: 'zh', relapseSignals: ['headache'],
    });
  });

  it('"药快吃完了" (running out, no drug named)', () => {
    expect(interpretReply('药快吃完了', none)).toStrictEqual({
      intent: 'supply', items: [], redFlag: false, relapseSignal: false, language: 'zh',
    });
  });

  it('"hello" with no question', () => {
    expect(interpretReply('hello', none)).toStrictEqual({
      intent: 'unclear', items: [], redFlag: false, relapseSignal: false, language: 'en',
    });
  });

  it('"忘了吃药" to a dose question (no drug named)', () => {
    expect(interpretReply('忘了吃药', { openQuestion: dose })).toStrictEqual({
      intent: 'dose_missed', items: [], redFlag: false, relapseSignal: false, language: 'zh', answers: 'c1', doseAnswer: 'missed',
    });
  });
});

describe('a reply that is not text', () => {
  it.each([null, undefined, 12345, ['stop']])('%j → unclear, language unknown', (value) => {
    expect(interpretReply(value as unknown as string, none)).toStrictEqual({
      intent: 'unclear', items: [], redFlag: false, relapseSignal: false, language: 'unknown',
    });
  });
});
