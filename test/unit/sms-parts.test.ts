import { describe, it, expect } from 'vitest';
import { countSmsParts, withSignature } from '../../shared/domain/sms-parts.ts';

describe('countSmsParts: GSM-7', () => {
  it('fits 160 basic characters in one part and splits at 161 into 153-character parts', () => {
    expect(countSmsParts('a'.repeat(160))).toEqual({ encoding: 'GSM-7', characters: 160, parts: 1, perPart: 160 });
    expect(countSmsParts('a'.repeat(161))).toEqual({ encoding: 'GSM-7', characters: 161, parts: 2, perPart: 153 });
  });

  it('fits 306 characters (2 × 153) in two parts and needs a third at 307', () => {
    expect(countSmsParts('a'.repeat(306)).parts).toBe(2);
    expect(countSmsParts('a'.repeat(307)).parts).toBe(3);
  });

  it('counts extension characters { } [ ] ~ \\ | ^ € as two septets each', () => {
    for (const ch of ['{', '}', '[', ']', '~', '\\', '|', '^', '€']) {
      expect(countSmsParts(ch)).toEqual({ encoding: 'GSM-7', characters: 2, parts: 1, perPart: 160 });
    }
    // 158 + 2 = 160 septets: one part; 159 + 2 = 161: two parts.
    expect(countSmsParts('a'.repeat(158) + '€').parts).toBe(1);
    expect(countSmsParts('a'.repeat(159) + '€').parts).toBe(2);
  });

  it('does not split an escape sequence across parts (152 + € would straddle the 153 boundary)', () => {
    // 152 septets, then € (2 septets) cannot share part 1 (154 > 153), so € opens part 2,
    // and 151 more fill part 2 to exactly 153: 305 septets in 2 parts.
    expect(countSmsParts('a'.repeat(152) + '€' + 'a'.repeat(151)).parts).toBe(2);
    // One more septet no longer fits part 2 (154): a third part although 306 septets would fit 2 × 153.
    const straddling = countSmsParts('a'.repeat(152) + '€' + 'a'.repeat(152));
    expect(straddling.characters).toBe(306);
    expect(straddling.parts).toBe(3);
  });

  it('treats accented Latin letters of the GSM table (é, ü, Ñ) as one septet and keeps GSM-7', () => {
    expect(countSmsParts('Café über Ñ')).toEqual({ encoding: 'GSM-7', characters: 11, parts: 1, perPart: 160 });
  });

  it('returns zero parts for an empty message', () => {
    expect(countSmsParts('')).toEqual({ encoding: 'GSM-7', characters: 0, parts: 0, perPart: 160 });
  });
});

describe('countSmsParts: UCS-2', () => {
  it('fits 70 Chinese characters in one part and splits at 71 into 67-character parts', () => {
    expect(countSmsParts('药'.repeat(70))).toEqual({ encoding: 'UCS-2', characters: 70, parts: 1, perPart: 70 });
    expect(countSmsParts('药'.repeat(71))).toEqual({ encoding: 'UCS-2', characters: 71, parts: 2, perPart: 67 });
  });

  it('fits 134 units (2 × 67) in two parts and needs a third at 135', () => {
    expect(countSmsParts('药'.repeat(134)).parts).toBe(2);
    expect(countSmsParts('药'.repeat(135)).parts).toBe(3);
  });

  it('switches the whole message to UCS-2 for one non-GSM character', () => {
    // 100 ASCII letters would be one GSM-7 part; one Chinese character makes 101 UCS-2 units: 2 parts.
    expect(countSmsParts('a'.repeat(100) + '好')).toEqual({ encoding: 'UCS-2', characters: 101, parts: 2, perPart: 67 });
  });

  it('counts an emoji as two UTF-16 code units', () => {
    expect(countSmsParts('👍')).toEqual({ encoding: 'UCS-2', characters: 2, parts: 1, perPart: 70 });
    expect(countSmsParts('a'.repeat(68) + '👍').parts).toBe(1); // 70 units
    expect(countSmsParts('a'.repeat(69) + '👍').parts).toBe(2); // 71 units
  });

  it('counts extension characters as one unit once the message is UCS-2', () => {
    expect(countSmsParts('{好}').characters).toBe(3);
  });

  it('counts a realistic Chinese reminder with its signature', () => {
    const text = withSignature('您好，请记得今天早上按医嘱服药。服药后请回复1，未服药请回复2。', '协和医院');
    // 【协和医院】 is 6 units; the body is 32 units.
    expect(countSmsParts(text)).toEqual({ encoding: 'UCS-2', characters: 38, parts: 1, perPart: 70 });
  });
});

describe('withSignature', () => {
  it('prepends the registered signature in 【】, with or without brackets given', () => {
    expect(withSignature('请回复1', '协和医院')).toBe('【协和医院】请回复1');
    expect(withSignature('请回复1', '【协和医院】')).toBe('【协和医院】请回复1');
  });

  it('leaves the text unchanged when no signature is configured', () => {
    expect(withSignature('Reply 1', undefined)).toBe('Reply 1');
    expect(withSignature('Reply 1', '  ')).toBe('Reply 1');
  });

  it('does not sign a message twice', () => {
    expect(withSignature('【协和医院】请回复1', '协和医院')).toBe('【协和医院】请回复1');
  });

  it('rejects a signature shorter than two characters', () => {
    expect(() => withSignature('x', '协')).toThrow(RangeError);
  });
});
