import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interpretReply, type OpenQuestion } from '#domain/replies/interpret.ts';

/**
 * The inbound flow reads no open question for HELP, START and STOP (shared/app/inbound/patient-message.ts;
 * STOP reads only the conversation it closes): that is only right if a text read as one of them
 * without a question is read the same way, field for field, whatever question is open.
 */
const QUESTIONS: OpenQuestion[] = [
  { kind: 'dose', checkInId: 'chk-1', drugs: ['prednisone', 'mycophenolate'] },
  { kind: 'side_effect_screen', checkInId: 'chk-2' },
  { kind: 'side_effect_items', checkInId: 'chk-2', items: [{ key: 'nausea', term: 'Nausea' }, { key: 'diarrhea', term: 'Diarrhea' }] },
  { kind: 'side_effect_severity', checkInId: 'chk-2', itemKey: 'nausea', term: 'Nausea' },
];

const COMMANDS = ['HELP', 'help', 'Help please', '帮助', '?', '？', 'START', 'start', 'unstop', '开始', 'YES', 'STOP', 'stop', 'TD', 'td', '退订', 'Stop please', 'unsubscribe'];
const CONTEXT_FREE = new Set(['help', 'opt_in', 'opt_out']);

describe('HELP, START and STOP are read the same whatever question is open', () => {
  it.each(COMMANDS)('%s', (text) => {
    const bare = interpretReply(text, { openQuestion: null });
    if (!CONTEXT_FREE.has(bare.intent)) return;
    for (const openQuestion of QUESTIONS) expect(interpretReply(text, { openQuestion })).toEqual(bare);
  });

  it('the list holds each command (the cases above are not vacuous)', () => {
    const intents = new Set(COMMANDS.map((text) => interpretReply(text, { openQuestion: null }).intent));
    for (const intent of CONTEXT_FREE) expect(intents).toContain(intent);
  });

  it('for any text read as HELP, START or STOP without a question', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 12 }), fc.constantFrom(...COMMANDS).map((c) => ` ${c}。`)), fc.constantFrom(...QUESTIONS), (text, openQuestion) => {
        const bare = interpretReply(text, { openQuestion: null });
        if (CONTEXT_FREE.has(bare.intent)) expect(interpretReply(text, { openQuestion })).toEqual(bare);
      }),
      { numRuns: 2000 },
    );
  });
});
