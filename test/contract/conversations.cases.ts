import { describe, expect, it } from 'vitest';
import type { StoredConversation } from '#ports/conversations.ts';
import { StaleWriteError } from '#ports/patients.ts';
import type { Store } from './stores.ts';

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
  });
}
