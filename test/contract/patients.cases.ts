import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { ConflictError, StaleWriteError } from '#ports/patients.ts';
import { makePatient } from '../support/patients.ts';
import type { Store } from './stores.ts';

const protocol = loadProtocolFile();
const patient = (n: number, overrides = {}) =>
  makePatient(protocol, { id: `pat-${n}`, studyId: `IGG4-${String(n).padStart(3, '0')}`, phone: `+155555501${String(n).padStart(2, '0')}`, ...overrides });

export function patientContract(store: Store): void {
  describe('patients', () => {
    it('enrolls and finds a patient by id, phone and study ID (any case); unknown ones are null', async () => {
      const { patients } = await store.fresh();
      const a = patient(1);
      await patients.create(a);
      expect(await patients.get(a.id)).toEqual(a);
      expect((await patients.findByPhone(a.phone))?.id).toBe(a.id);
      expect((await patients.findByStudyId('igg4-001'))?.id).toBe(a.id);
      expect(await patients.findByPhone('+15555550199')).toBeNull();
      expect(await patients.findByStudyId('IGG4-999')).toBeNull();
      expect(await patients.get('pat-none')).toBeNull();
    });

    it('refuses a second patient with the same phone or study ID, naming the field', async () => {
      const { patients } = await store.fresh();
      await patients.create(patient(1));
      await expect(patients.create(patient(2, { phone: patient(1).phone }))).rejects.toMatchObject({ name: 'ConflictError', field: 'phone' });
      await expect(patients.create(patient(3, { studyId: 'igg4-001' }))).rejects.toBeInstanceOf(ConflictError);
      // The refused enrollment left no claim behind.
      await patients.create(patient(4, { phone: patient(2).phone }));
      expect((await patients.listAll()).map((p) => p.id)).toEqual(['pat-1', 'pat-4']);
    });

    it('lists by status in study-ID order, page by page, and moves a patient on update', async () => {
      const { patients } = await store.fresh();
      for (const n of [3, 1, 5, 2, 4]) await patients.create(patient(n));
      await patients.update({ ...patient(4), status: 'paused' }, 1);
      const first = await patients.listByStatus('active', undefined, 2);
      expect(first.items.map((p) => p.studyId)).toEqual(['IGG4-001', 'IGG4-002']);
      const second = await patients.listByStatus('active', first.nextCursor, 2);
      expect(second.items.map((p) => p.studyId)).toEqual(['IGG4-003', 'IGG4-005']);
      const rest = second.nextCursor ? await patients.listByStatus('active', second.nextCursor, 2) : { items: [] };
      expect(rest.items).toEqual([]);
      expect((await patients.listByStatus('paused')).items.map((p) => p.id)).toEqual(['pat-4']);
      await expect(patients.listByStatus('active', 'not-a-cursor!')).rejects.toThrow();
    });

    it('an update from a stale version is refused; a phone change moves the uniqueness claim', async () => {
      const { patients } = await store.fresh();
      const a = patient(1);
      await patients.create(a);
      await patients.create(patient(2));
      const updated = await patients.update({ ...a, phone: '+15555550177' }, 1);
      expect(updated.version).toBe(2);
      await expect(patients.update({ ...a, discreet: true }, 1)).rejects.toBeInstanceOf(StaleWriteError);
      await expect(patients.update({ ...updated, phone: patient(2).phone }, 2)).rejects.toMatchObject({ field: 'phone' });
      expect(await patients.findByPhone(a.phone)).toBeNull();
      expect((await patients.findByPhone('+15555550177'))?.version).toBe(2);
      await patients.create(patient(9, { phone: a.phone }));
    });

    it('what a caller does to a patient it read does not change the store', async () => {
      const { patients } = await store.fresh();
      await patients.create(patient(1));
      const read = (await patients.get('pat-1'))!;
      read.doseTimes.morning = '11:11';
      expect((await patients.get('pat-1'))!.doseTimes.morning).toBe(patient(1).doseTimes.morning);
    });

    it('daily SMS slots: taken atomically up to the cap per local day, returned with the patient; a new day starts at zero', async () => {
      const { patients } = await store.fresh();
      await patients.create(patient(1));
      const first = await patients.reserveDailySms('pat-1', '2027-02-01', 2);
      expect(first).toEqual({ patient: patient(1), granted: true, count: 1 });
      // Concurrent takers never pass the cap.
      const racing = await Promise.all([1, 2, 3].map(() => patients.reserveDailySms('pat-1', '2027-02-01', 2)));
      expect(racing.filter((r) => r.granted)).toHaveLength(1);
      expect(racing.find((r) => !r.granted)).toEqual({ patient: patient(1), granted: false, count: 2 });
      expect(await patients.reserveDailySms('pat-1', '2027-02-02', 2)).toMatchObject({ granted: true, count: 1 });
      expect(await patients.reserveDailySms('pat-none', '2027-02-01', 2)).toEqual({ patient: null, granted: false, count: 0 });
    });

    it('a released slot can be taken again, never below zero; a profile update keeps the day\'s count', async () => {
      const { patients } = await store.fresh();
      await patients.create(patient(1));
      await patients.reserveDailySms('pat-1', '2027-02-01', 1);
      expect((await patients.reserveDailySms('pat-1', '2027-02-01', 1)).granted).toBe(false);
      await patients.releaseDailySms('pat-1', '2027-02-01');
      await patients.releaseDailySms('pat-1', '2027-02-01');
      await patients.releaseDailySms('pat-1', '2027-01-31');
      expect(await patients.reserveDailySms('pat-1', '2027-02-01', 1)).toMatchObject({ granted: true, count: 1 });
      const updated = await patients.update({ ...patient(1), doseTimes: { ...patient(1).doseTimes, morning: '09:00' } }, 1);
      expect(await patients.get('pat-1')).toEqual(updated);
      expect(await patients.reserveDailySms('pat-1', '2027-02-01', 1)).toMatchObject({ patient: updated, granted: false, count: 1 });
    });
  });
}
