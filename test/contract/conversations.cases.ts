import { describe, expect, it } from 'vitest';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { ADHERENCE_ALERT_KINDS } from '#domain/missed-dose-rules.ts';
import { computeSchedule } from '#domain/schedule.ts';
import type { Alert, AlertKind } from '#ports/alerts.ts';
import type { StoredConversation } from '#ports/conversations.ts';
import { StaleWriteError } from '#ports/patients.ts';
import { makePatient } from '../support/patients.ts';
import type { Store } from './stores.ts';

const protocol = loadProtocolFile();

const alertOf = (n: number, patientId: string, kind: AlertKind): Alert => ({
  id: `alert-${n}`,
  kind,
  urgent: kind === 'red_flag',
  status: 'open',
  patientId,
  studyId: patientId.toUpperCase(),
  title: `${patientId}: ${kind} ${n}`,
  details: {},
  episodeKey: `${kind}:${patientId}:${n}`,
  createdAt: `2027-02-${String(n).padStart(2, '0')}T01:00:00.000Z`,
  updatedAt: `2027-02-${String(n).padStart(2, '0')}T01:00:00.000Z`,
  escalationCount: 0,
  version: 1,
});

const conversation = (patientId: string, deadline: string | null): StoredConversation => ({
  patientId,
  studyId: patientId.toUpperCase(),
  checkInDueAt: '2027-02-01T02:00:00Z',
  state: { checkInId: 'c1', step: 'screen', startedAt: '2027-02-01T02:00:00Z', stepStartedAt: '2027-02-01T02:00:00Z', selected: [], severityIndex: 0, answers: [], reasks: 0, urgent: false } as unknown as StoredConversation['state'],
  replies: [],
  relapseSignal: false,
  language: 'zh',
  deadline,
  createdAt: '2027-02-01T02:00:00Z',
  updatedAt: '2027-02-01T02:00:00Z',
  version: 0,
});

export function conversationContract(store: Store): void {
  describe('conversations', () => {
    it('saved at the expected version only; open ones whose deadline passed, by deadline', async () => {
      const { conversations } = await store.fresh();
      expect((await conversations.save(conversation('p1', '2027-02-01T06:00:00Z'), null)).version).toBe(1);
      await expect(conversations.save(conversation('p1', '2027-02-01T06:00:00Z'), null)).rejects.toBeInstanceOf(StaleWriteError);
      await conversations.save(conversation('p2', '2027-02-01T04:00:00Z'), null);
      await conversations.save(conversation('p3', null), null);
      expect((await conversations.listTimedOut('2027-02-01T03:59:59Z')).map((c) => c.patientId)).toEqual([]);
      expect((await conversations.listTimedOut('2027-02-01T06:00:00Z')).map((c) => c.patientId)).toEqual(['p2', 'p1']);
      expect((await conversations.listTimedOut('2027-02-01T06:00:00Z', 1)).map((c) => c.patientId)).toEqual(['p2']);
      await expect(conversations.save({ ...conversation('p2', null) }, 2)).rejects.toBeInstanceOf(StaleWriteError);
      expect((await conversations.save({ ...conversation('p2', null) }, 1)).version).toBe(2);
      expect((await conversations.listTimedOut('2027-03-01T00:00:00Z')).map((c) => c.patientId)).toEqual(['p1']);
      expect(await conversations.get('p2')).toMatchObject({ deadline: null, version: 2 });
      expect(await conversations.get('p9')).toBeNull();
    });

    it('the conversation and the unresolved alerts of some kinds in one read: the same as get + listUnresolvedForPatient', async () => {
      const { conversations, alerts, patients, reminders } = await store.fresh();
      const patient = makePatient(protocol, { id: 'p1', studyId: 'IGG4-101', phone: '+15555550111' });
      // Everything else a patient has (profile, schedule items) must not leak into the answer.
      await patients.create(patient);
      const window = { from: '2027-02-01T00:00:00.000Z', to: '2027-02-03T00:00:00.000Z' };
      await reminders.materialize(patient.id, patient.studyId, computeSchedule(patient, protocol, window), window, '2027-01-31T16:00:00.000Z');
      const none = await conversations.getWithUnresolvedAlerts('p1', ADHERENCE_ALERT_KINDS);
      expect(none).toEqual({ conversation: null, unresolvedAlerts: [] });

      await alerts.createIfAbsent(alertOf(3, 'p1', 'missed_dose'));
      await alerts.createIfAbsent(alertOf(1, 'p1', 'missed_dose'));
      await alerts.createIfAbsent(alertOf(2, 'p1', 'red_flag'));
      await alerts.createIfAbsent(alertOf(4, 'p1', 'no_reply'));
      await alerts.createIfAbsent(alertOf(5, 'p1', 'missed_dose'));
      await alerts.createIfAbsent(alertOf(6, 'p2', 'missed_dose'));
      await alerts.revise('alert-5', { title: 'resolved', details: {}, resolvedReason: 'late_taken_reply' }, '2027-02-06T00:00:00.000Z');
      // Alerts without a conversation: the alerts alone.
      const kinds: AlertKind[] = ['missed_dose', 'no_reply'];
      expect(await conversations.getWithUnresolvedAlerts('p1', kinds)).toEqual({ conversation: null, unresolvedAlerts: await alerts.listUnresolvedForPatient('p1', kinds) });
      expect((await conversations.getWithUnresolvedAlerts('p1', kinds)).unresolvedAlerts.map((r) => r.alertId)).toEqual(['alert-1', 'alert-3', 'alert-4']);

      await conversations.save(conversation('p1', '2027-02-01T06:00:00Z'), null);
      const both = await conversations.getWithUnresolvedAlerts('p1', kinds);
      expect(both.conversation).toEqual(await conversations.get('p1'));
      expect(both.conversation).toMatchObject({ patientId: 'p1', version: 1 });
      expect(both.unresolvedAlerts).toEqual(await alerts.listUnresolvedForPatient('p1', kinds));
      expect((await conversations.getWithUnresolvedAlerts('p1', ['red_flag'])).unresolvedAlerts.map((r) => r.alertId)).toEqual(['alert-2']);
      expect(await conversations.getWithUnresolvedAlerts('p1', [])).toEqual({ conversation: both.conversation, unresolvedAlerts: [] });
      // Another patient's conversation and alerts stay theirs.
      expect(await conversations.getWithUnresolvedAlerts('p2', kinds)).toEqual({ conversation: null, unresolvedAlerts: await alerts.listUnresolvedForPatient('p2', kinds) });
      expect((await conversations.getWithUnresolvedAlerts('p2', kinds)).unresolvedAlerts.map((r) => r.alertId)).toEqual(['alert-6']);
    });
  });
}
