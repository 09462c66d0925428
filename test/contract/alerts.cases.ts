import { describe, expect, it } from 'vitest';
import { isoWeekOfInstant } from '#domain/week.ts';
import type { Alert } from '#ports/alerts.ts';
import { ZONE, type Store } from './stores.ts';

const alert = (n: number, overrides: Partial<Alert> = {}): Alert => ({
  id: `alert-${n}`,
  kind: 'missed_dose',
  urgent: false,
  status: 'open',
  patientId: 'pat-1',
  studyId: 'IGG4-001',
  title: `IGG4-001: episode ${n}`,
  details: { drugs: ['prednisone'], count: n },
  episodeKey: `missed_dose:pat-1:${n}`,
  createdAt: `2027-02-0${n}T01:00:00.000Z`,
  updatedAt: `2027-02-0${n}T01:00:00.000Z`,
  escalationCount: 0,
  version: 1,
  ...overrides,
});

export function alertContract(store: Store): void {
  describe('alerts', () => {
    it('one alert per id: a second raise returns the stored one', async () => {
      const { alerts } = await store.fresh();
      expect(await alerts.createIfAbsent(alert(1))).toEqual({ created: true, alert: alert(1) });
      expect(await alerts.createIfAbsent({ ...alert(1), title: 'changed' })).toEqual({ created: false, alert: alert(1) });
      expect(await alerts.get('alert-1')).toEqual(alert(1));
      expect(await alerts.get('alert-none')).toBeNull();
    });

    it('lists by status oldest first, page by page; acknowledges once', async () => {
      const { alerts } = await store.fresh();
      for (const n of [3, 1, 2]) await alerts.createIfAbsent(alert(n));
      const first = await alerts.listByStatus('open', undefined, 2);
      expect(first.items.map((a) => a.id)).toEqual(['alert-1', 'alert-2']);
      expect((await alerts.listByStatus('open', first.nextCursor, 2)).items.map((a) => a.id)).toEqual(['alert-3']);
      const acked = await alerts.acknowledge('alert-2', 'coord-1', 'called', '2027-02-05T00:00:00.000Z');
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'coord-1', ackNote: 'called', version: 2 });
      expect(await alerts.acknowledge('alert-2', 'coord-2', 'again', '2027-02-05T00:00:01.000Z')).toBeNull();
      expect(await alerts.acknowledge('alert-none', 'coord-2', 'x', '2027-02-05T00:00:01.000Z')).toBeNull();
      expect((await alerts.listByStatus('open')).items.map((a) => a.id)).toEqual(['alert-1', 'alert-3']);
      expect((await alerts.listByStatus('acknowledged')).items.map((a) => a.id)).toEqual(['alert-2']);
    });

    it('escalation queue: open alerts whose time has come; re-scheduled, stopped, cancelled, and gone once acknowledged', async () => {
      const { alerts } = await store.fresh();
      await alerts.createIfAbsent(alert(1, { urgent: true, kind: 'red_flag', escalateAt: '2027-02-01T01:10:00.000Z' }));
      await alerts.createIfAbsent(alert(2, { urgent: true, kind: 'red_flag', escalateAt: '2027-02-02T01:10:00.000Z' }));
      await alerts.createIfAbsent(alert(3, { urgent: true, kind: 'red_flag', escalateAt: '2027-02-03T01:10:00.000Z' }));
      expect((await alerts.listDueEscalations('2027-02-01T01:09:59.000Z')).map((a) => a.id)).toEqual([]);
      expect((await alerts.listDueEscalations('2027-02-02T01:10:00.000Z')).map((a) => a.id)).toEqual(['alert-1', 'alert-2']);
      expect(await alerts.markEscalated('alert-1', '2027-02-02T01:10:00.000Z', '2027-02-04T00:00:00.000Z')).toBe(true);
      expect(await alerts.markEscalated('alert-2', '2027-02-02T01:10:00.000Z', null)).toBe(true);
      expect((await alerts.listDueEscalations('2027-02-03T12:00:00.000Z')).map((a) => a.id)).toEqual(['alert-3']);
      expect(await alerts.get('alert-1')).toMatchObject({ escalationCount: 1, escalateAt: '2027-02-04T00:00:00.000Z', version: 2 });
      expect((await alerts.get('alert-2'))!.escalateAt).toBeUndefined();
      expect(await alerts.cancelEscalation('alert-3', '2027-02-03T12:00:00.000Z')).toBe(true);
      await alerts.acknowledge('alert-1', 'coord-1', 'called', '2027-02-03T12:00:00.000Z');
      expect(await alerts.listDueEscalations('2027-03-01T00:00:00.000Z')).toEqual([]);
      expect(await alerts.markEscalated('alert-1', '2027-03-01T00:00:00.000Z', null)).toBe(false);
      expect(await alerts.cancelEscalation('alert-1', '2027-03-01T00:00:00.000Z')).toBe(false);
    });

    it('revise changes an alert; a resolution takes it off the unresolved list of its kind but not off the patient page', async () => {
      const { alerts } = await store.fresh();
      await alerts.createIfAbsent(alert(1));
      await alerts.createIfAbsent(alert(2, { patientId: 'pat-2', studyId: 'IGG4-002', episodeKey: 'missed_dose:pat-2:2' }));
      await alerts.createIfAbsent(alert(3, { kind: 'red_flag', urgent: true }));
      expect((await alerts.listUnresolved('missed_dose')).map((r) => r.alertId)).toEqual(['alert-1', 'alert-2']);
      expect(await alerts.listUnresolved('missed_dose', 'pat-2')).toEqual([{ alertId: 'alert-2', patientId: 'pat-2', episodeKey: 'missed_dose:pat-2:2', createdAt: alert(2).createdAt }]);
      const revised = await alerts.revise('alert-1', { title: 'IGG4-001: resolved', details: { resolved: true }, resolvedReason: 'answered late' }, '2027-02-06T00:00:00.000Z');
      expect(revised).toMatchObject({ title: 'IGG4-001: resolved', details: { resolved: true }, resolvedReason: 'answered late', version: 2 });
      expect((await alerts.listUnresolved('missed_dose')).map((r) => r.alertId)).toEqual(['alert-2']);
      // Several kinds of one patient at once: the same refs as one listUnresolved per kind, in the order of the kinds.
      await alerts.createIfAbsent(alert(4, { episodeKey: 'missed_dose:pat-1:4' }));
      const perKind = [...(await alerts.listUnresolved('red_flag', 'pat-1')), ...(await alerts.listUnresolved('missed_dose', 'pat-1'))];
      expect(perKind.map((r) => r.alertId)).toEqual(['alert-3', 'alert-4']);
      expect(await alerts.listUnresolvedForPatient('pat-1', ['red_flag', 'missed_dose'])).toEqual(perKind);
      expect(await alerts.listUnresolvedForPatient('pat-2', ['red_flag'])).toEqual([]);
      expect((await alerts.listForPatient('pat-1')).map((a) => a.id)).toEqual(['alert-1', 'alert-3', 'alert-4']);
      expect(await alerts.revise('alert-none', { title: 'x', details: {} }, '2027-02-06T00:00:00.000Z')).toBeNull();
      await alerts.markNotified('alert-3', '2027-02-03T01:00:01.000Z');
      expect((await alerts.get('alert-3'))!.notifiedAt).toBe('2027-02-03T01:00:01.000Z');
    });

    it('lists the alerts of an ISO week (study time zone)', async () => {
      const { alerts } = await store.fresh();
      for (const n of [1, 2, 3, 8]) await alerts.createIfAbsent(alert(n % 10, { id: `alert-w${n}`, createdAt: `2027-02-0${n}T01:00:00.000Z` }));
      const week = isoWeekOfInstant('2027-02-02T01:00:00.000Z', ZONE);
      const expected = [1, 2, 3, 8].filter((n) => isoWeekOfInstant(`2027-02-0${n}T01:00:00.000Z`, ZONE) === week).map((n) => `alert-w${n}`);
      expect((await alerts.listWeek(week)).map((a) => a.id)).toEqual(expected);
    });
  });
}
