import { describe, expect, it } from 'vitest';
import { parseCsv } from '#domain/csv.ts';
import { MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

const REASON = 'moved to Shenzhen, daughter 138 0013 8001 will call';

/** Issue 13 part 5: monitors see no free text, in the API's answers and in the exports. */
describe('monitor role: free text redacted everywhere', () => {
  const api = useApi();

  async function withdrawn() {
    const ctx = await api.setup();
    const patient = await ctx.enroll();
    ctx.clock.advanceMinutes(1);
    const res = await ctx.call('POST', `/api/patients/${patient.id}/status`, { body: { action: 'withdraw', reason: REASON } });
    expect(res.status, res.text).toBe(200);
    return { ...ctx, patient };
  }

  it('a reviewed report as a monitor reads it: the review note redacted, no number in any form', async () => {
    const { call, deps, patient, clock } = await withdrawn();
    await deps.reports.createIfAbsent({
      id: 'r-monitor', patientId: patient.id, studyId: patient.studyId, inboundMessageId: 'in-1', receivedAt: clock.now(), createdAt: clock.now(), updatedAt: clock.now(),
      text: '发烧39度 call me 138 0013 8001', interpretation: { intent: 'symptom_report', items: [{ term: 'Fever', grade: 2 }], redFlag: false, relapseSignal: false },
      source: 'sms', status: 'open', version: 1,
    });
    const review = await call('POST', '/api/reports/r-monitor/review', { body: { outcome: 'contacted_patient', note: 'called her daughter on 13800138001', confirmedItems: [{ term: 'Fever', grade: 1 }] } });
    expect(review.status, review.text).toBe(200);
    const coordinator = await call('GET', '/api/reports/r-monitor');
    expect(coordinator.json.review.note).toBe('called her daughter on 13800138001');
    const monitor = await call('GET', '/api/reports/r-monitor', { token: MONITOR_TOKEN });
    expect(monitor.status).toBe(200);
    expect(monitor.json.review).toMatchObject({ outcome: 'contacted_patient', note: '[redacted]', confirmedItems: [{ term: 'Fever', grade: 1 }] });
    for (const leak of ['daughter', '8001', '发烧', '+86']) expect(monitor.text).not.toContain(leak);
    const list = await call('GET', '/api/reports', { token: MONITOR_TOKEN, query: { status: 'reviewed' } });
    for (const leak of ['daughter', '8001']) expect(list.text).not.toContain(leak);
  });

  it('the audit export as a monitor gets it: reason column and before/after without free text', async () => {
    const { call } = await withdrawn();
    const rows = (text: string) => {
      const [header, ...body] = parseCsv(text);
      return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
    };
    const coordinator = rows((await call('GET', '/api/exports/audit.csv')).text);
    expect(coordinator.find((r) => r.action === 'patient.withdraw')!.reason).toBe(REASON);
    const monitorText = (await call('GET', '/api/exports/audit.csv', { token: MONITOR_TOKEN })).text;
    expect(monitorText).not.toContain('Shenzhen');
    expect(monitorText).not.toContain('8001');
    const withdraw = rows(monitorText).find((r) => r.action === 'patient.withdraw')!;
    expect(withdraw.reason).toBe('[redacted]');
    expect(JSON.parse(withdraw.after!)).toMatchObject({ status: 'withdrawn', statusReason: '[redacted]' });
  });
});
