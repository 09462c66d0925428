import { describe, expect, it } from 'vitest';
import { forMonitor, REDACTED, withoutIdentifiers } from '#app/coordinator/redact.ts';

describe('forMonitor (issue 13 part 5: monitors see no free text)', () => {
  it('redacts every free-text field, keeps that one was given, and keeps codes and structure', () => {
    const entry = {
      action: 'patient.withdraw',
      reason: 'moved to Shenzhen to live with her daughter',
      before: { status: 'active', statusReason: null, phone: '+8613800138000' },
      after: { status: 'withdrawn', statusReason: 'moved to Shenzhen to live with her daughter', withdrawnAt: '2027-04-10T02:03:00.000Z' },
      review: { outcome: 'contacted_patient', note: 'Called, she is fine', confirmedItems: [{ term: 'Fever', grade: 1 }] },
      text: '发烧39度，我的手机 138 0013 8000',
      replies: [{ text: '吃了', receivedAt: '2027-01-04T12:00:00Z' }],
    };
    expect(forMonitor(entry)).toEqual({
      action: 'patient.withdraw',
      reason: REDACTED,
      before: { status: 'active', statusReason: null },
      after: { status: 'withdrawn', statusReason: REDACTED, withdrawnAt: '2027-04-10T02:03:00.000Z' },
      review: { outcome: 'contacted_patient', note: REDACTED, confirmedItems: [{ term: 'Fever', grade: 1 }] },
      text: REDACTED,
      replies: [{ text: REDACTED, receivedAt: '2027-01-04T12:00:00Z' }],
    });
  });

  it('keeps a reason that is a system code, and the fields a route names as generated text', () => {
    expect(forMonitor({ reason: 'end_of_study' })).toEqual({ reason: 'end_of_study' });
    expect(forMonitor({ week: '2027-W02', text: { en: 'Adherence 91 %' } }, { keep: ['text'] })).toEqual({ week: '2027-W02', text: { en: 'Adherence 91 %' } });
  });

  it('masks phone numbers written without + wherever text is left, but not dates, times, ids or counts', () => {
    const masked = forMonitor({
      title: 'call 138 0013 8000 or 13800138000 or (415) 555-2671 or 020-8888 6666',
      at: '2027-04-10T02:03:00.000Z',
      day: '2027-04-10',
      id: '3f2c0a9e-1111-4a4a-9b9b-0123456789ab',
      label: 'IGG4-001 took 0.75 g at 08:00, 12 of 14 doses, 1234567 ms',
    });
    expect(masked.title).toBe('call [redacted] or [redacted] or [redacted] or [redacted]');
    expect(masked.at).toBe('2027-04-10T02:03:00.000Z');
    expect(masked.day).toBe('2027-04-10');
    expect(masked.id).toBe('3f2c0a9e-1111-4a4a-9b9b-0123456789ab');
    expect(masked.label).toBe('IGG4-001 took 0.75 g at 08:00, 12 of 14 doses, [redacted] ms');
    const link = 'http://127.0.0.1:3000/local/exports/audit/2027-01-04/8b786a8f.csv?name=a.csv&expires=1796371200&sig=90s1b';
    expect(forMonitor({ url: link }).url).toBe(link);
  });

  it('withoutIdentifiers alone still drops phones and masks E.164, leaving free text', () => {
    expect(withoutIdentifiers({ phone: '+8613800138000', note: 'call +8613800138000' })).toEqual({ note: 'call [redacted]' });
  });
});
