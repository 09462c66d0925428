import { describe, expect, it } from 'vitest';
import { checkMobileNumber } from '#domain/phone.ts';

describe('checkMobileNumber (issue 17 part 3: numbers a phone company would accept)', () => {
  it.each([
    ['CN mobile', '+86 138 0013 8000', '+8613800138000', 'CN', 'MOBILE'],
    ['CN mobile, dashes', '+86 139-1234-5678', '+8613912345678', 'CN', 'MOBILE'],
    ['GB mobile', '+44 7400 123456', '+447400123456', 'GB', 'MOBILE'],
    ['US (mobile and landlines share ranges)', '+1 (415) 555-2671', '+14155552671', 'US', 'FIXED_LINE_OR_MOBILE'],
    ['US fictional 555-01xx range', '+1 201 555 0101', '+12015550101', 'US', 'FIXED_LINE_OR_MOBILE'],
  ])('accepts a %s and gives E.164', (_label, input, e164, country, type) => {
    expect(checkMobileNumber(input)).toEqual({ ok: true, e164, country, type });
  });

  it.each([
    ['CN landline (Beijing)', '+86 10 6915 6114', '+86 10 6915 6114 is a landline: it cannot receive SMS'],
    ['CN landline (Shanghai)', '+86 21 6437 0045', 'is a landline'],
    ['GB landline (London)', '+44 20 7946 0000', '+44 20 7946 0000 is a landline'],
    ['GB VoIP', '+44 56 1234 5678', 'is an internet (VoIP) number'],
    ['US toll-free', '+1 800 555 0199', 'is a toll-free number'],
    ['CN number one digit short', '+86 138 0013 800', 'is not a valid phone number in CN'],
    ['US area code that does not exist', '+1 555 555 0101', 'is not a valid phone number'],
    ['number without +', '13800138000', 'must be a mobile number with + and the country code'],
    ['letters', '+86 138 abc', 'must be a mobile number with + and the country code'],
  ])('refuses a %s, saying why', (_label, input, message) => {
    const checked = checkMobileNumber(input);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.message).toContain(message);
  });
});
