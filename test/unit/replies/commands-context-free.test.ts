import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpretReply, type OpenQuestion } from '#domain/replies/interpret.ts';

/**
 * The inbound flow reads no open question for HELP and START (shared/app/inbound/patient-message.ts):
 * that is only right if a text read as HELP or START without a question is read the same way,
 * field for field, whatever question is open.
 */
const QUESTIONS: OpenQuestion[] = [
  { kind: 'dose', checkInId: 'chk-1', drugs: ['prednisone', 'mycophenolate'] },
  { kind: 'side_effect_screen', checkInId: 'chk-2' },
  { kind: 'side_effect_items', checkInId: 'chk-2', items: [{ key: 'nausea', term: 'Nausea' }, { key: 'diarrhea', term: 'Diarrhea' }] },
  { kind: 'side_effect_severity', checkInId: 'chk-2', itemKey: 'nausea', term: 'Nausea' },
];

const COMMANDS = ['HELP', 'help', 'Help please', '帮助', '?', '？', 'START', 'start', 'unstop', '开始', 'YES'];

describe('HELP and START are read the same whatever question is open', () => {
  it.each(COMMANDS)('%s', (text) => {
    const bare = interpretReply(text, { openQuestion: null });
    if (bare.intent !== 'help' && bare.intent !== 'opt_in') return;
    for (const openQuestion of QUESTIONS) expect(interpretReply(text, { openQuestion })).toEqual(bare);
  });

  it('for any text read as HELP or START without a question', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 12 }), fc.constantFrom(...COMMANDS).map((c) => ` ${c}。`)), fc.constantFrom(...QUESTIONS), (text, openQuestion) => {
        const bare = interpretReply(text, { openQuestion: null });
        if (bare.intent === 'help' || bare.intent === 'opt_in') expect(interpretReply(text, { openQuestion })).toEqual(bare);
      }),
      { numRuns: 2000 },
    );
  });
});
