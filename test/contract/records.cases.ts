import { describe, expect, it } from 'vitest';
import { isoWeekOfInstant } from '#domain/week.ts';
import { StaleWriteError } from '#ports/patients.ts';
import type { Report } from '#ports/reports.ts';
import type { VisitRecord } from '#ports/visits.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { makePatient } from '../support/patients.ts';
import { ZONE, type Store } from './stores.ts';

const protocol = loadProtocolFile();

const report = (n: number, overrides: Partial<Report> = {}): Report => ({
  id: `report-${n}`,
  patientId: 'pat-1',
  studyId: 'IGG4-001',
  inboundMessageId: `in-${n}`,
  receivedAt: `2027-02-0${n}T02:00:00.000Z`,
  createdAt: `2027-02-0${n}T02:00:01.000Z`,
  updatedAt: `2027-02-0${n}T02:00:01.000Z`,
  text: `发烧${n}`,
  interpretation: { intent: 'side_effect', items: [{ term: 'Fever', grade: 2 }], redFlag: false, relapseSignal: false },
  source: 'sms',
  status: 'open',
  version: 1,
  ...overrides,
});
const visit = (key: string, date: string): VisitRecord => ({
  patientId: 'pat-1',
  visitKey: key,
  scheduled: true,
  date,
  riTotal: 1,
  response: 'partial',
  relapse: false,
  relapseOrgans: [],
  recordedBy: 'coord-1',
  recordedAt: `${date}T03:00:00.000Z`,
  version: 0,
});

export function recordContract(store: Store): void {
  describe('reports', () => {
    it('created once; the review queue oldest first; reviewed once; by patient and by week', async () => {
      const { reports } = await store.fresh();
      for (const n of [3, 1, 2]) expect((await reports.createIfAbsent(report(n))).created).toBe(true);
      await reports.createIfAbsent(report(4, { patientId: null, studyId: null, source: 'unknown_sender' }));
      expect(await reports.createIfAbsent({ ...report(1), text: 'other' })).toEqual({ created: false, report: report(1) });
      const first = await reports.listByStatus('open', undefined, 2);
      expect(first.items.map((r) => r.id)).toEqual(['report-1', 'report-2']);
      expect((await reports.listByStatus('open', first.nextCursor, 5)).items.map((r) => r.id)).toEqual(['report-3', 'report-4']);
      const review = { outcome: 'no_action' as const, note: 'ok', confirmedItems: [], reviewedBy: 'coord-1', reviewedAt: '2027-02-05T00:00:00.000Z' };
      expect(await reports.review('report-2', review, '2027-02-05T00:00:00.000Z')).toMatchObject({ status: 'reviewed', review, version: 2 });
      expect(await reports.review('report-2', review, '2027-02-05T00:00:01.000Z')).toBeNull();
      expect((await reports.listByStatus('reviewed')).items.map((r) => r.id)).toEqual(['report-2']);
      expect((await reports.listForPatient('pat-1')).map((r) => r.id)).toEqual(['report-1', 'report-2', 'report-3']);
      const week = isoWeekOfInstant(report(2).createdAt, ZONE);
      expect((await reports.listWeek(week)).map((r) => r.id)).toEqual([1, 2, 3, 4].filter((n) => isoWeekOfInstant(report(n).createdAt, ZONE) === week).map((n) => `report-${n}`));
      expect(await reports.get('report-none')).toBeNull();
    });
  });

  describe('audit log', () => {
    it('appends; lists by entity and by [from, to) across months; same-instant entries keep their write order', async () => {
      const { audit } = await store.fresh();
      const base = { actor: 'coord-1', entityType: 'patient', entityId: 'p1', before: null, after: { n: 1 } };
      await audit.append({ ...base, at: '2027-01-31T23:00:00.000Z', action: 'a' });
      for (const action of ['b', 'c', 'd']) await audit.append({ ...base, at: '2027-02-10T01:00:00.000Z', action });
      await audit.append({ ...base, entityType: 'report', entityId: 'r1', at: '2027-03-01T00:00:00.000Z', action: 'e' });
      const withId = await audit.append({ ...base, id: 'fixed-id', at: '2027-02-11T00:00:00.000Z', action: 'f' });
      expect(withId.id).toBe('fixed-id');
      // An id is appended once, however often it is asked for.
      expect(await audit.append({ ...base, id: 'fixed-id', at: '2027-02-11T00:00:00.000Z', action: 'f' })).toEqual(withId);
      expect((await audit.listForEntity('patient', 'p1')).map((e) => e.action)).toEqual(['a', 'b', 'c', 'd', 'f']);
      expect((await audit.listBetween('2027-01-31T00:00:00.000Z', '2027-03-01T00:00:00.000Z')).map((e) => e.action)).toEqual(['a', 'b', 'c', 'd', 'f']);
      expect((await audit.listBetween('2027-02-01T00:00:00.000Z', '2027-03-01T00:00:01.000Z')).map((e) => e.action)).toEqual(['b', 'c', 'd', 'f', 'e']);
      expect(await audit.listForEntity('report', 'none')).toEqual([]);
    });
  });

  describe('audit hash chain and outbox', () => {
    it('chains each entity 1, 2, 3 … each entry linked to the one before', async () => {
      const { audit } = await store.fresh();
      const base = { actor: 'coord-1', entityType: 'patient', entityId: 'p1', before: null, after: null };
      for (const action of ['a', 'b', 'c']) await audit.append({ ...base, at: '2027-02-10T01:00:00.000Z', action });
      const chain = await audit.listForEntity('patient', 'p1');
      expect(chain.map((e) => [e.seq, e.action, e.kind])).toEqual([[1, 'a', 'write'], [2, 'b', 'write'], [3, 'c', 'write']]);
      expect(chain[1]!.prevHash).toBe(chain[0]!.hash);
      expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    });

    it('a write carries its entry; settle appends it once; complete twice appends once; a stale one is completed by the sweep', async () => {
      const { audit, patients } = await store.fresh();
      const patient = makePatient(protocol);
      const enroll = await audit.prepare({ at: patient.createdAt, actor: 'coord-1', action: 'patient.enroll', entityType: 'patient', entityId: patient.id, before: null, after: { status: 'active' } }, { carrier: { kind: 'patient', id: patient.id }, version: 1 });
      expect(enroll.id).toBe(`patient:${patient.id}@v1:patient.enroll`);
      await patients.create(patient, enroll);
      expect(await audit.listForEntity('patient', patient.id)).toEqual([]);
      await audit.settle({ kind: 'patient', id: patient.id });
      await audit.settle({ kind: 'patient', id: patient.id });
      await audit.complete(enroll);
      expect((await audit.listForEntity('patient', patient.id)).map((e) => e.id)).toEqual([enroll.id]);
      const pause = await audit.prepare({ at: '2027-02-01T00:00:00.000Z', actor: 'coord-1', action: 'patient.pause', entityType: 'patient', entityId: patient.id, before: null, after: { status: 'paused' } }, { carrier: { kind: 'patient', id: patient.id }, version: 2 });
      await patients.update({ ...patient, status: 'paused' }, 1, pause);
      expect(await patients.get(patient.id)).not.toHaveProperty('auditPending');
      expect(await audit.completeStale('2027-02-01T00:00:00.000Z')).toBe(0);
      expect(await audit.completeStale('2027-02-02T00:00:00.000Z')).toBe(1);
      expect(await audit.completeStale('2027-02-02T00:00:00.000Z')).toBe(0);
      expect((await audit.listForEntity('patient', patient.id)).map((e) => [e.seq, e.action])).toEqual([[1, 'patient.enroll'], [2, 'patient.pause']]);
    });
  });

  describe('visits', () => {
    it('created once, replaced at the expected version only; listed by date', async () => {
      const { visits } = await store.fresh();
      expect((await visits.put(visit('m6', '2027-07-05'), null)).version).toBe(1);
      await visits.put(visit('m3', '2027-04-05'), null);
      await expect(visits.put(visit('m6', '2027-07-05'), null)).rejects.toBeInstanceOf(StaleWriteError);
      await expect(visits.put({ ...visit('m6', '2027-07-05'), riTotal: 4 }, 2)).rejects.toBeInstanceOf(StaleWriteError);
      expect((await visits.put({ ...visit('m6', '2027-07-05'), riTotal: 4 }, 1)).version).toBe(2);
      expect(await visits.get('pat-1', 'm6')).toMatchObject({ riTotal: 4, version: 2 });
      expect((await visits.listForPatient('pat-1')).map((v) => v.visitKey)).toEqual(['m3', 'm6']);
      expect(await visits.get('pat-1', 'm9')).toBeNull();
      expect(await visits.listForPatient('pat-2')).toEqual([]);
    });
  });
}
