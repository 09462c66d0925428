import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { alertIdFor, raiseAlert } from '#app/alerts.ts';
import { parseCsv } from '#domain/csv.ts';
import type { WeeklyDigest } from '#domain/digest.ts';
import { API_ROUTES } from '#functions/coordinator-api/handler.ts';
import type { Alert } from '#ports/alerts.ts';
import type { Report } from '#ports/reports.ts';
import { ENROLL_BODY, MONITOR_TOKEN, useApi } from '../support/api-harness.ts';

/** Every route of the coordinator API against dynalite, through the real handler. */
const api = useApi();

const csvObjects = (text: string) => {
  const [headers, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(headers!.map((h, i) => [h, row[i]])));
};

function report(overrides: Partial<Report> & { id: string; patientId: string; receivedAt: string }): Report {
  return {
    studyId: 'IGG4-001',
    inboundMessageId: `in-${overrides.id}`,
    createdAt: overrides.receivedAt,
    updatedAt: overrides.receivedAt,
    text: '发烧39度 +8613800138000',
    interpretation: { intent: 'side_effect', items: [{ term: 'Fever', grade: 2 }], redFlag: true, relapseSignal: false },
    source: 'sms',
    status: 'open',
    version: 1,
    ...overrides,
  };
}

function alert(id: string, patientId: string, createdAt: string): Alert {
  return {
    id,
    kind: 'red_flag',
    urgent: true,
    status: 'open',
    patientId,
    studyId: 'IGG4-001',
    title: 'IGG4-001: fever',
    details: { term: 'Fever' },
    episodeKey: `ep-${id}`,
    createdAt,
    updatedAt: createdAt,
    escalationCount: 0,
    version: 1,
  };
}

describe('patients routes', () => {
  it('POST, GET list (all and by status with cursor), GET one, PATCH (re-plans, audited)', async () => {
    const { call, enroll, deps, clock, planned } = await api.setup();
    const a = await enroll();
    const b = await enroll({ studyId: 'IGG4-002', phone: '+8613800138002' });
    await enroll({ studyId: 'IGG4-003', phone: '+8613800138003' });

    const all = await call('GET', '/api/patients');
    expect(all.json.items.map((p: { studyId: string }) => p.studyId)).toEqual(['IGG4-001', 'IGG4-002', 'IGG4-003']);
    const page1 = await call('GET', '/api/patients', { query: { status: 'active', limit: '2' } });
    expect(page1.json.items).toHaveLength(2);
    const page2 = await call('GET', '/api/patients', { query: { status: 'active', limit: '2', cursor: page1.json.nextCursor } });
    expect([...page1.json.items, ...page2.json.items].map((p: { id: string }) => p.id).sort()).toEqual([a.id, b.id, all.json.items[2].id].sort());

    clock.set('2027-01-05T02:00:00Z');
    const patch = await call('PATCH', `/api/patients/${a.id}`, { body: { doseTimes: { morning: '09:00', evening: '21:00' }, discreet: true, reason: 'works late' } });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ doseTimes: { morning: '09:00', evening: '21:00' }, discreet: true, version: 2 });
    expect(planned.at(-1)).toMatchObject({ id: a.id, discreet: true });
    const detail = await call('GET', `/api/patients/${a.id}`);
    const doses = detail.json.upcomingReminders.filter((r: { kind: string }) => r.kind === 'dose');
    expect(doses.length).toBeGreaterThan(0);
    expect(new Set(doses.map((r: { localTime: string }) => r.localTime))).toEqual(new Set(['09:00', '21:00']));
    const entry = (await deps.audit.listForEntity('patient', a.id)).find((e) => e.action === 'patient.update');
    expect(entry).toMatchObject({
      actor: 'local:coordinator',
      at: '2027-01-05T02:00:00.000Z',
      before: { doseTimes: { morning: '08:00', evening: '20:00' }, discreet: false },
      after: { doseTimes: { morning: '09:00', evening: '21:00' }, discreet: true },
      reason: 'works late',
    });
  });

  it('POST status: pause cancels future reminders, resume re-plans, withdraw is final; each audited with its reason', async () => {
    const { call, enroll, deps, clock } = await api.setup();
    const p = await enroll();
    clock.advanceMinutes(1);
    const pause = await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'pause', reason: 'in hospital' } });
    expect(pause.status).toBe(200);
    expect(pause.json.patient.status).toBe('paused');
    expect(pause.json.cancelledReminders).toBeGreaterThan(0);
    expect((await call('GET', `/api/patients/${p.id}`)).json.upcomingReminders).toEqual([]);
    expect((await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'pause', reason: 'again' } })).status).toBe(409);
    clock.advanceMinutes(1);
    const resume = await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'resume', reason: 'discharged' } });
    expect(resume.json.patient.status).toBe('active');
    expect((await call('GET', `/api/patients/${p.id}`)).json.upcomingReminders.length).toBeGreaterThan(0);
    clock.advanceMinutes(1);
    const withdraw = await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'withdraw', reason: 'consent withdrawn' } });
    expect(withdraw.json.patient).toMatchObject({ status: 'withdrawn', withdrawnAt: '2027-01-04T02:03:00.000Z' });
    expect((await call('GET', `/api/patients/${p.id}`)).json.upcomingReminders).toEqual([]);
    expect((await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'resume', reason: 'oops' } })).status).toBe(409);
    expect((await call('PATCH', `/api/patients/${p.id}`, { body: { discreet: true } })).status).toBe(409);
    // The writes (the GETs in between left read entries: test/integration/api-audit-reads.test.ts).
    const trail = (await deps.audit.listForEntity('patient', p.id)).filter((e) => e.kind === 'write');
    expect(trail.map((e) => [e.action, e.reason ?? null])).toEqual([
      ['patient.enroll', null],
      ['patient.pause', 'in hospital'],
      ['patient.resume', 'discharged'],
      ['patient.withdraw', 'consent withdrawn'],
    ]);
    expect((await call('POST', `/api/patients/${p.id}/status`, { body: { action: 'withdraw' } })).json.errors).toEqual([{ path: 'reason', message: expect.any(String) }]);
  });

  it('POST visits: appointment (re-plans), unscheduled visit, completed visit with RI and relapse; unknown visit key 400', async () => {
    const { call, enroll, deps, clock } = await api.setup();
    const p = await enroll();
    clock.set('2027-01-28T02:00:00Z');
    const appt = await call('POST', `/api/patients/${p.id}/visits`, { body: { kind: 'appointment', visitKey: 'm1', date: '2027-02-05', reason: 'holiday' } });
    expect(appt.status).toBe(200);
    expect(appt.json.patient.appointments).toEqual({ m1: '2027-02-05' });
    const detail = await call('GET', `/api/patients/${p.id}`);
    expect(detail.json.visits.find((v: { key: string }) => v.key === 'm1').date).toBe('2027-02-05');
    clock.advanceMinutes(1);
    const unscheduled = await call('POST', `/api/patients/${p.id}/visits`, { body: { kind: 'unscheduled', date: '2027-03-01', reason: 'possible relapse' } });
    expect(unscheduled.json.visitKey).toBe('unscheduled_20270301');
    clock.advanceMinutes(1);
    const done = await call('POST', `/api/patients/${p.id}/visits`, {
      body: { kind: 'completed', visitKey: 'unscheduled_20270301', date: '2027-03-01', riTotal: 6, response: 'partial', relapse: { decision: true, organs: ['pancreas'] } },
    });
    expect(done.status).toBe(200);
    expect(done.json.record).toMatchObject({ relapse: true, relapseOrgans: ['pancreas'], riTotal: 6, scheduled: false, recordedBy: 'local:coordinator' });
    clock.advanceMinutes(1);
    const correction = await call('POST', `/api/patients/${p.id}/visits`, {
      body: { kind: 'completed', visitKey: 'unscheduled_20270301', date: '2027-03-01', riTotal: 5, response: 'partial', relapse: { decision: true, organs: ['pancreas'] } },
    });
    expect(correction.json.record.version).toBe(2);
    expect((await call('POST', `/api/patients/${p.id}/visits`, { body: { kind: 'completed', visitKey: 'm99', date: '2027-03-01', relapse: { decision: false } } })).json.errors).toEqual([
      { path: 'visitKey', message: expect.stringContaining('m99') },
    ]);
    const writes = (await deps.audit.listForEntity('patient', p.id)).filter((e) => e.kind === 'write');
    expect(writes.map((e) => e.action)).toEqual(['patient.enroll', 'visit.appointment', 'visit.add_unscheduled', 'visit.record', 'visit.correct']);
    const correct = writes.at(-1)!;
    expect(correct).toMatchObject({ before: { riTotal: 6 }, after: { riTotal: 5 } });
  });
});

describe('review queue and alerts', () => {
  it('GET /api/reports?status=open oldest first with cursor pages; GET one; POST review once (409 after), audited', async () => {
    const { call, enroll, deps, clock } = await api.setup();
    const p = await enroll();
    for (const [id, at] of [['r2', '2027-01-05T03:00:00Z'], ['r1', '2027-01-05T01:00:00Z'], ['r3', '2027-01-06T01:00:00Z']] as const) {
      await deps.reports.createIfAbsent(report({ id, patientId: p.id, receivedAt: at }));
    }
    const first = await call('GET', '/api/reports', { query: { status: 'open', limit: '2' } });
    const second = await call('GET', '/api/reports', { query: { status: 'open', limit: '2', cursor: first.json.nextCursor } });
    expect([...first.json.items, ...second.json.items].map((r: Report) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect((await call('GET', '/api/reports/r1')).json.text).toContain('发烧');
    const monitorView = await call('GET', '/api/reports/r1', { token: MONITOR_TOKEN });
    expect(monitorView.json.text).toBeUndefined();
    expect(monitorView.text).not.toContain('138000');

    clock.set('2027-01-06T02:00:00Z');
    const review = await call('POST', '/api/reports/r1/review', {
      body: { outcome: 'adverse_event_recorded', note: 'called, 38.6', confirmedItems: [{ term: 'Fever', grade: 1 }] },
    });
    expect(review.status).toBe(200);
    expect(review.json).toMatchObject({ status: 'reviewed', review: { outcome: 'adverse_event_recorded', reviewedBy: 'local:coordinator', confirmedItems: [{ term: 'Fever', grade: 1 }] } });
    expect((await call('POST', '/api/reports/r1/review', { body: { outcome: 'no_action' } })).status).toBe(409);
    expect((await call('POST', '/api/reports/r1/review', { body: { outcome: 'shrug' } })).json.errors[0].path).toBe('outcome');
    expect((await call('GET', '/api/reports')).json.items.map((r: Report) => r.id)).toEqual(['r2', 'r3']);
    expect((await call('GET', '/api/reports', { query: { status: 'reviewed' } })).json.items.map((r: Report) => r.id)).toEqual(['r1']);
    const audit = await call('GET', '/api/audit', { query: { entity: 'report:r1' } });
    expect(audit.json.items).toEqual([
      expect.objectContaining({ action: 'report.review', before: { status: 'open', items: [{ term: 'Fever', grade: 2 }] }, after: expect.objectContaining({ confirmedItems: [{ term: 'Fever', grade: 1 }] }) }),
    ]);
  });

  it('GET /api/alerts?status=open and POST acknowledge (note required; once), audited', async () => {
    const { call, enroll, deps } = await api.setup();
    const p = await enroll();
    const id = alertIdFor('test-episode');
    await deps.alerts.createIfAbsent(alert(id, p.id, '2027-01-04T01:00:00Z'));
    expect((await call('GET', '/api/alerts', { query: { status: 'open' } })).json.items.map((a: Alert) => a.id)).toEqual([id]);
    expect((await call('GET', `/api/patients/${p.id}`)).json.openAlerts.map((a: Alert) => a.id)).toEqual([id]);
    expect((await call('POST', `/api/alerts/${id}/acknowledge`, { body: { note: '  ' } })).status).toBe(400);
    const ack = await call('POST', `/api/alerts/${id}/acknowledge`, { body: { note: 'called the patient' } });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'local:coordinator' });
    expect((await call('POST', `/api/alerts/${id}/acknowledge`, { body: { note: 'again' } })).status).toBe(409);
    expect((await call('GET', '/api/alerts')).json.items).toEqual([]);
    expect((await call('GET', '/api/audit', { query: { entity: `alert:${id}` } })).json.items.map((e: { action: string }) => e.action)).toEqual(['alert.acknowledge']);
  });
});

describe('Today: the worklist', () => {
  it('GET /api/worklist: urgent first, then one row per patient with its problems; acknowledge with an outcome; snooze', async () => {
    const { call, enroll, deps, clock } = await api.setup();
    const a = await enroll();
    const b = await enroll({ studyId: 'IGG4-002', phone: '+8613800138002' });
    const now = clock.now();
    const alerting = { alerts: deps.alerts, publisher: { publish: async () => {}, publishText: async () => {} }, audit: deps.audit, protocol: deps.protocol };
    const raise = (kind: 'missed_dose' | 'supply' | 'red_flag' | 'no_reply', patient: typeof a, key: string, minutes: number) =>
      raiseAlert(alerting, { kind, episodeKey: key, patientId: patient.id, studyId: patient.studyId, title: `${patient.studyId}: ${kind}`, details: {}, now: new Date(Date.parse(now) + minutes * 60_000).toISOString(), actor: 'test' });
    const itemA = (await raise('missed_dose', a, 'k1', 1)).alert;
    await raise('supply', a, 'k2', 2);
    const itemB = (await raise('no_reply', b, 'k3', 3)).alert;
    const urgent = (await raise('red_flag', b, 'k4', 4)).alert;

    const today = await call('GET', '/api/worklist');
    expect(today.status).toBe(200);
    expect(today.json.items.map((r: { id: string; kinds: string[]; urgent: boolean }) => [r.id, r.urgent, r.kinds])).toEqual([
      [urgent.id, true, ['red_flag']],
      [itemA.id, false, ['missed_dose', 'supply']],
      [itemB.id, false, ['no_reply']],
    ]);
    expect(today.json.items[1]).toMatchObject({ studyId: a.studyId, adherence14d: expect.objectContaining({ reportedMissed: 0, unanswered: 0 }), lastReplyAt: null });
    // The open list keeps its contract: each item with kind, urgent, studyId (grouped episodes are not listed on their own).
    expect((await call('GET', '/api/alerts', { query: { status: 'open' } })).json.items.map((x: Alert) => [x.kind, x.urgent, x.studyId]).sort()).toEqual(
      [['missed_dose', false, a.studyId], ['no_reply', false, b.studyId], ['red_flag', true, b.studyId]].sort(),
    );

    expect((await call('POST', `/api/alerts/${itemA.id}/acknowledge`, { body: { note: 'called', outcome: 'maybe' } })).status).toBe(400);
    const acked = await call('POST', `/api/alerts/${itemA.id}/acknowledge`, { body: { note: 'called; refill tomorrow', outcome: 'called' } });
    expect(acked.json).toMatchObject({ status: 'acknowledged', ackOutcome: 'called' });
    expect((await call('POST', `/api/alerts/${urgent.id}/snooze`, { body: { until: '2099-01-01' } })).status).toBe(409);
    expect((await call('POST', `/api/alerts/${itemB.id}/snooze`, { body: { until: '2000-01-01' } })).status).toBe(400);
    expect((await call('POST', `/api/alerts/${itemB.id}/snooze`, { body: { until: '2099-01-01' } })).json).toMatchObject({ snoozedUntil: '2099-01-01', status: 'open' });
    expect((await call('GET', '/api/worklist')).json.items.map((r: { id: string }) => r.id)).toEqual([urgent.id]);
    expect((await call('GET', '/api/worklist', { query: { includeSnoozed: 'true' } })).json.items.map((r: { id: string }) => r.id)).toEqual([urgent.id, itemB.id]);
    expect((await call('POST', `/api/alerts/${itemB.id}/snooze`, { body: { until: null } })).json.snoozedUntil).toBeUndefined();
  });
});

describe('digests', () => {
  it('GET /api/digests newest first, GET /api/digests/{week}; a malformed week is 400', async () => {
    const { call, deps } = await api.setup();
    for (const week of ['2027-W01', '2027-W02']) {
      await deps.digests.createIfAbsent({ week, language: 'zh-CN', subject: `digest ${week}`, text: `text ${week}`, digest: { week } as unknown as WeeklyDigest, createdAt: '2027-01-11T00:00:00Z' });
    }
    const list = await call('GET', '/api/digests', { token: MONITOR_TOKEN });
    expect(list.json.items.map((d: { week: string }) => d.week)).toEqual(['2027-W02', '2027-W01']);
    const one = await call('GET', '/api/digests/2027-W01', { token: MONITOR_TOKEN });
    expect(one.json).toMatchObject({ week: '2027-W01', text: 'text 2027-W01' });
    expect((await call('GET', '/api/digests/2027-13')).json.errors[0].path).toBe('path.week');
  });
});

describe('exports (CSV parsed back)', () => {
  async function seeded() {
    const ctx = await api.setup({ now: '2027-01-04T02:00:00Z' });
    const { enroll, deps, clock, call } = ctx;
    const a = await enroll();
    clock.advanceMinutes(1);
    const b = await enroll({ studyId: 'IGG4-002', phone: '+8613800138002' });
    // One evening dose check-in sent and answered "taken", for patient a.
    const [dose] = (await deps.reminders.listForPatient(a.id, '2027-01-04T00:00:00Z', '2027-01-05T00:00:00Z')).filter((r) => r.kind === 'dose');
    expect(await deps.reminders.claim(dose!, 'test', '2027-01-04T12:00:00Z', 60)).toBe(true);
    await deps.reminders.markSent(dose!, 'test', { messageId: 'sns-1', parts: 1, sentAt: '2027-01-04T12:00:00Z' });
    const sent = (await deps.reminders.get(a.id, dose!.id, dose!.dueAt))!;
    await deps.reminders.recordDoseAnswer(sent, { outcome: 'taken', answeredAt: '2027-01-04T12:10:00Z', answerMessageId: 'in-1' }, '2027-01-04T12:10:00Z');
    // Messages both ways.
    await deps.messages.recordOutbound({ id: 'out-1', providerMessageId: 'sns-1', to: a.phone, body: '请服药 MMF 0.75g', parts: 1, sentAt: '2027-01-04T12:00:00Z', patientId: a.id, studyId: a.studyId, purpose: 'reminder', reminderId: dose!.id });
    await deps.messages.storeInbound({ inboundMessageId: 'in-1', from: a.phone, to: '+12125550101', body: '吃了', receivedAt: '2027-01-04T12:10:00Z', patientId: a.id, studyId: a.studyId });
    // A reviewed side-effect report whose grade was corrected.
    await deps.reports.createIfAbsent(report({ id: 'r1', patientId: a.id, receivedAt: '2027-01-05T01:00:00Z' }));
    await call('POST', '/api/reports/r1/review', { body: { outcome: 'adverse_event_recorded', confirmedItems: [{ term: 'Fever', grade: 1 }, { term: 'Chills', grade: 1 }] } });
    // Visits: a relapses at m3; b withdraws after m1.
    clock.set('2027-04-10T02:00:00Z');
    await call('POST', `/api/patients/${a.id}/visits`, { body: { kind: 'completed', visitKey: 'm1', date: '2027-02-03', riTotal: 2, response: 'partial', relapse: { decision: false } } });
    clock.advanceMinutes(1);
    await call('POST', `/api/patients/${a.id}/visits`, { body: { kind: 'completed', visitKey: 'm3', date: '2027-04-05', riTotal: 5, response: 'none', relapse: { decision: true, organs: ['pancreas', 'bile duct'] } } });
    clock.advanceMinutes(1);
    await call('POST', `/api/patients/${b.id}/visits`, { body: { kind: 'completed', visitKey: 'm1', date: '2027-02-03', riTotal: 1, response: 'complete', relapse: { decision: false } } });
    clock.advanceMinutes(1);
    await call('POST', `/api/patients/${b.id}/status`, { body: { action: 'withdraw', reason: 'moved away' } });
    return { ...ctx, a, b };
  }

  it('patients: study IDs, never a phone, for either role', async () => {
    const { call } = await seeded();
    for (const token of [undefined, MONITOR_TOKEN]) {
      const res = await call('GET', '/api/exports/patients.csv', token ? { token } : {});
      expect(res.json).toMatchObject({ dataset: 'patients', filename: 'patients-2027-04-10.csv', rows: 2, bytes: Buffer.byteLength(res.text) });
      expect(res.download?.filename).toBe('patients-2027-04-10.csv');
      expect(res.text).not.toContain('+86');
      const rows = csvObjects(res.text);
      expect(rows.map((r) => [r.studyId, r.status])).toEqual([['IGG4-001', 'active'], ['IGG4-002', 'withdrawn']]);
      expect(Object.keys(rows[0]!)).not.toContain('phone');
    }
  });

  it('doses: one row per drug of each sent check-in, with its status', async () => {
    const { call } = await seeded();
    const rows = csvObjects((await call('GET', '/api/exports/doses.csv')).text).filter((r) => r.status === 'taken');
    expect(rows.map((r) => [r.studyId, r.drug, r.amount, r.localDate, r.localTime, r.arm])).toEqual([['IGG4-001', 'mmf', '0.75', '2027-01-04', '20:00', 'unrandomized']]);
  });

  it('side-effects: reported and confirmed grades per term', async () => {
    const { call } = await seeded();
    const rows = csvObjects((await call('GET', '/api/exports/side-effects.csv')).text);
    expect(rows.map((r) => [r.studyId, r.term, r.reportedGrade, r.confirmedGrade, r.confirmed, r.reviewOutcome])).toEqual([
      ['IGG4-001', 'Fever', '2', '1', 'true', 'adverse_event_recorded'],
      ['IGG4-001', 'Chills', '', '1', 'true', 'adverse_event_recorded'],
    ]);
  });

  it('visits: RI, response, relapse and time to first relapse (event) or censoring at withdrawal', async () => {
    const { call } = await seeded();
    const rows = csvObjects((await call('GET', '/api/exports/visits.csv')).text);
    const a = rows.filter((r) => r.studyId === 'IGG4-001');
    expect(a.map((r) => [r.visitKey, r.studyDay, r.riTotal, r.response, r.relapse, r.relapseOrgans])).toEqual([
      ['m1', '30', '2', 'partial', 'false', ''],
      ['m3', '91', '5', 'none', 'true', 'pancreas;bile duct'],
    ]);
    expect(a.every((r) => r.timeToFirstRelapseDays === '91' && r.relapseEvent === '1' && r.censorReason === 'relapse')).toBe(true);
    const b = rows.filter((r) => r.studyId === 'IGG4-002');
    expect(b.map((r) => [r.timeToFirstRelapseDays, r.relapseEvent, r.censorReason])).toEqual([['96', '0', 'withdrawn']]);
  });

  it('messages: no bodies and no phones unless a coordinator asks for bodies', async () => {
    const { call } = await seeded();
    const plain = await call('GET', '/api/exports/messages.csv');
    expect(plain.text).not.toContain('吃了');
    expect(plain.text).not.toContain('+86');
    expect(csvObjects(plain.text).map((r) => [r.studyId, r.direction, r.purpose])).toEqual([
      ['IGG4-001', 'out', 'reminder'],
      ['IGG4-001', 'in', 'reply'],
    ]);
    const withBodies = csvObjects((await call('GET', '/api/exports/messages.csv', { query: { includeBodies: 'true' } })).text);
    expect(withBodies.map((r) => r.body)).toEqual(['请服药 MMF 0.75g', '吃了']);
    expect((await call('GET', '/api/exports/messages.csv', { token: MONITOR_TOKEN })).text).not.toContain('吃了');
  });

  it('audit: every write, in time order; monitors get it without phone numbers', async () => {
    const { call, a } = await seeded();
    const rows = csvObjects((await call('GET', '/api/exports/audit.csv')).text);
    // Time order; a visit record and the appointment it sets share one instant.
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort());
    expect(rows.map((r) => `${r.at!.slice(0, 16)} ${r.action}`).sort()).toEqual(
      [
        '2027-01-04T02:00 patient.enroll',
        '2027-01-04T02:01 patient.enroll',
        '2027-01-04T02:01 report.review',
        '2027-04-10T02:00 visit.record',
        '2027-04-10T02:00 visit.appointment',
        '2027-04-10T02:01 visit.record',
        '2027-04-10T02:01 visit.appointment',
        '2027-04-10T02:02 visit.record',
        '2027-04-10T02:02 visit.appointment',
        '2027-04-10T02:03 patient.withdraw',
      ].sort(),
    );
    expect(JSON.parse(rows[0]!.after!).phone).toBe(a.phone);
    const monitor = await call('GET', '/api/exports/audit.csv', { token: MONITOR_TOKEN });
    expect(monitor.text).not.toContain('+86');
    // The monitor's export also lists the coordinator's export just before it (a read entry).
    const monitorRows = csvObjects(monitor.text);
    expect(monitorRows.filter((r) => r.kind === 'write')).toHaveLength(rows.length);
    expect(monitorRows.filter((r) => r.kind === 'read').map((r) => r.action)).toEqual(['read.export']);
    const ranged = csvObjects((await call('GET', '/api/exports/audit.csv', { query: { from: '2027-04-01T00:00:00Z', to: '2027-05-01T00:00:00Z' } })).text);
    expect(ranged.filter((r) => r.kind === 'write').map((r) => r.action)).toEqual(rows.slice(3).map((r) => r.action));
  });

  it('an unknown dataset is 400', async () => {
    const { call } = await api.setup();
    expect((await call('GET', '/api/exports/secrets.csv')).json.errors[0].path).toBe('path.dataset');
  });
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document listing every route with its method', async () => {
    const { call } = await api.setup();
    const doc = (await call('GET', '/openapi.json', { token: null })).json;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = [
      'POST /api/patients',
      'GET /api/patients',
      'GET /api/patients/{id}',
      'GET /api/patients/{id}/messages',
      'PATCH /api/patients/{id}',
      'POST /api/patients/{id}/status',
      'POST /api/patients/{id}/randomization',
      'POST /api/patients/{id}/visits',
      'GET /api/reports',
      'GET /api/reports/{id}',
      'POST /api/reports/{id}/review',
      'GET /api/alerts',
      'POST /api/alerts/{id}/acknowledge',
      'POST /api/alerts/{id}/snooze',
      'GET /api/worklist',
      'GET /api/digests',
      'GET /api/digests/{week}',
      'GET /api/exports/{dataset}.csv',
      'GET /api/audit',
      'GET /api/audit/verify',
      'GET /openapi.json',
    ];
    expect(listed.sort()).toEqual(expected.sort());
    expect(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(expected.filter((e) => e !== 'GET /openapi.json').sort());
    // Generated from the request schemas: the enroll body carries the contract's fields and rejects others.
    const enroll = doc.components.schemas.EnrollPatient;
    expect(enroll.required.sort()).toEqual(['enrolledOn', 'phone', 'studyId']);
    expect(Object.keys(enroll.properties)).toEqual(expect.arrayContaining(Object.keys(ENROLL_BODY)));
    expect(enroll.additionalProperties).toBe(false);
    expect(doc.paths['/api/patients'].post['x-roles']).toEqual(['coordinator']);
    // The patient page's reads: the thread (coordinators only) and the daily adherence series.
    expect(doc.paths['/api/patients/{id}/messages'].get['x-roles']).toEqual(['coordinator']);
    expect(doc.paths['/api/patients/{id}/messages'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:limit']);
    expect(Object.keys(doc.components.schemas.ThreadMessage.properties).sort()).toEqual(['at', 'body', 'direction', 'id', 'interpretation', 'parts', 'purpose']);
    expect(doc.components.schemas.PatientDetail.required).toContain('adherenceSeries');
    expect(Object.keys(doc.components.schemas.PatientDetail.properties.adherence.properties).sort()).toEqual(['last14Days', 'last28Days', 'last90Days', 'sinceEnrollment']);
    expect(doc.components.schemas.AdherencePoint.required.sort()).toEqual(['confirmed', 'due', 'localDate', 'pending', 'rate', 'reportedMissed', 'unanswered']);
  });
});
