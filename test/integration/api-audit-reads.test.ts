import { describe, expect, it } from 'vitest';
import { MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

/**
 * Reads of patient data are recorded: one read entry per request (actor, what, which ids; never
 * the data), on the patient's chain for a one-patient read, on the day's access chain for a read
 * across patients; shown by GET /api/audit beside the writes and included in the audit export.
 */
const api = useApi();
const NOW = '2027-01-04T02:00:00Z';

describe('read entries (HIPAA 164.312(b))', () => {
  it('patient detail, messages, a report with text and the history each append one read entry to the patient, without the data', async () => {
    const { call, enroll, deps } = await api.setup({ now: NOW });
    const patient = await enroll();
    await deps.reports.createIfAbsent({
      id: 'rep-1', patientId: patient.id, studyId: patient.studyId, inboundMessageId: 'in-1', receivedAt: NOW, createdAt: NOW, updatedAt: NOW,
      text: 'my rash is back', interpretation: { intent: 'symptom', items: [], redFlag: false, relapseSignal: false }, source: 'sms', status: 'open', version: 1,
    });
    expect((await call('GET', `/api/patients/${patient.id}`)).status).toBe(200);
    expect((await call('GET', `/api/patients/${patient.id}/messages`)).status).toBe(200);
    expect((await call('GET', '/api/reports/rep-1')).status).toBe(200);
    expect((await call('GET', '/api/reports/rep-1', { token: MONITOR_TOKEN })).status).toBe(200);
    const history = await call('GET', '/api/audit', { query: { entity: `patient:${patient.id}` } });
    expect(history.status).toBe(200);
    const kinds = (history.json.items as { kind?: string; action: string; actor: string; after: Record<string, unknown> }[]).map((e) => `${e.kind}:${e.action}:${e.actor}`);
    expect(kinds).toEqual([
      'write:patient.enroll:local:coordinator',
      'read:read.patient.profile:local:coordinator',
      'read:read.patient.messages:local:coordinator',
      'read:read.report.text:local:coordinator',
      'read:read.report.text:local:monitor',
    ]);
    const reads = (history.json.items as { kind?: string; after: Record<string, unknown> }[]).filter((e) => e.kind === 'read');
    for (const read of reads) {
      expect(read.after.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(read.after)).not.toMatch(/rash|\+86|13800138000/);
    }
    expect(reads.at(-1)!.after).toMatchObject({ reportId: 'rep-1', withText: false });
    // Reading the history was itself recorded (it holds the enrollment's phone number).
    const again = await call('GET', '/api/audit', { query: { entity: `patient:${patient.id}` } });
    expect((again.json.items as { action: string }[]).at(-1)!.action).toBe('read.patient.history');
  });

  it('a read across patients (list, review queue, export) is one entry naming the ids, on the day’s access chain; the audit export includes read entries', async () => {
    const { call, enroll } = await api.setup({ now: NOW });
    const a = await enroll();
    const b = await enroll({ studyId: 'IGG4-002', phone: '+8613800138001' });
    expect((await call('GET', '/api/patients')).status).toBe(200);
    expect((await call('GET', '/api/reports')).status).toBe(200);
    const csv = await call('GET', '/api/exports/messages.csv', { query: { includeBodies: 'true' } });
    expect(csv.status).toBe(200);
    const access = await call('GET', '/api/audit', { query: { entity: 'access:2027-01-04' } });
    const entries = access.json.items as { action: string; after: Record<string, unknown>; seq: number }[];
    expect(entries.map((e) => e.action)).toEqual(['read.patients.list', 'read.reports.queue', 'read.export']);
    expect(new Set(entries[0]!.after.patientIds as string[])).toEqual(new Set([a.id, b.id]));
    expect(entries[2]!.after).toMatchObject({ dataset: 'messages', includeBodies: true });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    const auditCsv = await call('GET', '/api/exports/audit.csv');
    expect(auditCsv.text).toContain('read.patients.list');
    expect(auditCsv.text).toContain('read.export');
    expect(auditCsv.text.split('\n')[0]).toContain('kind');
  });
});
