import { describe, expect, it } from 'vitest';
import { sendWindowVerdict } from '#app/dispatch-reminders.ts';

const quietHours = { start: '21:30', end: '07:30' };
const rules = { catchUpMinutes: 60, quietHours };
// 08:00 in Beijing; dose validity 120 min.
const morning = { dueAt: '2027-02-01T00:00:00.000Z', expiresAt: '2027-02-01T02:00:00.000Z', timeZone: 'Asia/Shanghai' };
// 21:00 in Beijing.
const evening = { dueAt: '2027-02-01T13:00:00.000Z', expiresAt: '2027-02-01T15:00:00.000Z', timeZone: 'Asia/Shanghai' };

describe('sendWindowVerdict: when a due item may be sent', () => {
  it('not before its due time', () => {
    expect(sendWindowVerdict(morning, '2027-01-31T23:59:59.000Z', rules)).toEqual({ action: 'wait' });
  });

  it('at its due time and while late within the catch-up bound', () => {
    expect(sendWindowVerdict(morning, '2027-02-01T00:00:00.000Z', rules)).toEqual({ action: 'send' });
    expect(sendWindowVerdict(morning, '2027-02-01T01:00:00.000Z', rules)).toEqual({ action: 'send' });
  });

  it('more than the catch-up bound late: expired, even inside its validity', () => {
    expect(sendWindowVerdict(morning, '2027-02-01T01:00:01.000Z', rules)).toEqual({ action: 'expire', reason: 'catch_up_window_passed' });
  });

  it('past its validity: expired, whatever the catch-up bound', () => {
    expect(sendWindowVerdict(morning, '2027-02-01T02:00:01.000Z', { ...rules, catchUpMinutes: 180 })).toEqual({ action: 'expire', reason: 'validity_passed' });
  });

  it("inside quiet hours of the item's time zone: deferred, and expired if quiet hours outlast its validity", () => {
    expect(sendWindowVerdict(evening, '2027-02-01T13:29:00.000Z', rules)).toEqual({ action: 'send' }); // 21:29
    expect(sendWindowVerdict(evening, '2027-02-01T13:40:00.000Z', rules)).toEqual({ action: 'defer', reason: 'quiet_hours' }); // 21:40
    expect(sendWindowVerdict(evening, '2027-02-01T15:00:01.000Z', { ...rules, catchUpMinutes: 180 })).toEqual({ action: 'expire', reason: 'validity_passed' });
  });

  it('quiet hours are local: 21:40 UTC is 05:40 in Beijing (quiet) but 16:40 in New York (not)', () => {
    const at = '2027-02-01T21:40:00.000Z';
    const item = (timeZone: string) => ({ dueAt: '2027-02-01T21:30:00.000Z', expiresAt: '2027-02-01T23:30:00.000Z', timeZone });
    expect(sendWindowVerdict(item('Asia/Shanghai'), at, rules).action).toBe('defer');
    expect(sendWindowVerdict(item('America/New_York'), at, rules).action).toBe('send');
  });

  it('compares instants, not strings: "…00Z" and "…00.000Z" are the same moment', () => {
    expect(sendWindowVerdict({ ...morning, expiresAt: '2027-02-01T02:00:00Z' }, '2027-02-01T01:59:59.500Z', { ...rules, catchUpMinutes: 180 })).toEqual({ action: 'send' });
  });
});
