import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { interpretReply, type ReplyContext } from '../../../shared/domain/replies/interpret.ts';
import { interpretationSchema } from '../../../shared/domain/replies/interpretation.ts';
import { CONTEXTS } from './corpus.ts';

const contexts: ReplyContext[] = Object.values(CONTEXTS);

describe('interpretReply is total', () => {
  it.each([
    ['empty', ''],
    ['10,000 chars', '发烧'.repeat(5000)],
    ['10,000 ascii', 'diarrhea 9 times '.repeat(600)],
    ['lone surrogates', '\uD800\uDC00\uD800 \uDFFF'],
    ['astral planes', '\u{1F600}\u{20000}\u{E0001}\u{10FFFF}'],
    ['control chars', '\u0000\u0007\u001b[31m'],
    ['rtl + zero width', '\u202Eevil\u200B\u200D'],
    ['only punctuation', '，。！？、；：……'],
    ['huge number', '9'.repeat(400)],
  ])('%s', (_name, text) => {
    for (const ctx of contexts) expect(interpretationSchema.safeParse(interpretReply(text, ctx)).success).toBe(true);
  });

  it('accepts a missing context', () => {
    expect(interpretReply('1', undefined as unknown as ReplyContext).intent).toBe('unclear');
    expect(interpretReply(null as unknown as string, { openQuestion: null }).intent).toBe('unclear');
  });

  it('any unicode string, any context → schema-valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...contexts), (text, ctx) => {
        expect(interpretationSchema.safeParse(interpretReply(text, ctx)).success).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a character from each of the 17 Unicode planes, alone, mixed into a reply and repeated 5,000 times', () => {
    for (let plane = 0; plane <= 16; plane++) {
      for (const offset of [0x4e2d % 0x10000, 0xfffd]) {
        const char = String.fromCodePoint(plane * 0x10000 + offset);
        for (const text of [char, `1${char}`, `发烧${char}39度`, char.repeat(5000)]) {
          for (const ctx of contexts) expect(interpretationSchema.safeParse(interpretReply(text, ctx)).success, `plane ${plane}`).toBe(true);
        }
      }
    }
  });

  it('random bodies of 10,000 characters from all of Unicode → schema-valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 10_000, maxLength: 10_000 }), fc.constantFrom(...contexts), (text, ctx) => {
        expect(interpretationSchema.safeParse(interpretReply(text, ctx)).success).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('long inputs stay fast', () => {
    // Under mutation testing (instrumented code, shared CPU) the budget is Stryker's own timeout.
    const budget = process.env.STRYKER_MUTATOR_WORKER === undefined ? 2000 : 60_000;
    const t0 = performance.now();
    interpretReply('我今天拉肚子很严重，发烧39度，眼睛黄，'.repeat(500), CONTEXTS.items);
    expect(performance.now() - t0).toBeLessThan(budget);
  });
});
