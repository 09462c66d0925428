import { describe, expect, it } from 'vitest';
import { generateAllocationList } from '#domain/randomization.ts';
import type { StoredDigest } from '#ports/digests.ts';
import type { Store } from './stores.ts';

const digest = (week: string): StoredDigest => ({
  week,
  language: 'zh-CN',
  subject: `周报 ${week}`,
  text: `本周 ${week}`,
  digest: { week, counts: { patients: 3 } } as unknown as StoredDigest['digest'],
  createdAt: '2027-02-08T00:00:00.000Z',
});

export function digestContract(store: Store): void {
  describe('digests', () => {
    it('created once per week; newest first, page by page; published once under a lease', async () => {
      const { digests } = await store.fresh();
      for (const week of ['2027-W05', '2027-W07', '2027-W06']) expect((await digests.createIfAbsent(digest(week))).created).toBe(true);
      expect(await digests.createIfAbsent({ ...digest('2027-W06'), text: 'other' })).toEqual({ created: false, digest: digest('2027-W06') });
      const first = await digests.list(undefined, 2);
      expect(first.items.map((d) => d.week)).toEqual(['2027-W07', '2027-W06']);
      expect((await digests.list(first.nextCursor, 2)).items.map((d) => d.week)).toEqual(['2027-W05']);
      expect(await digests.claimPublication('2027-W06', '2027-02-08T00:00:00.000Z', '2027-02-08T00:05:00.000Z')).toBe(true);
      expect(await digests.claimPublication('2027-W06', '2027-02-08T00:01:00.000Z', '2027-02-08T00:06:00.000Z')).toBe(false);
      expect(await digests.claimPublication('2027-W06', '2027-02-08T00:05:01.000Z', '2027-02-08T00:10:00.000Z')).toBe(true);
      expect(await digests.markPublished('2027-W06', '2027-02-08T00:05:02.000Z')).toBe(true);
      expect(await digests.markPublished('2027-W06', '2027-02-08T00:05:03.000Z')).toBe(false);
      expect(await digests.claimPublication('2027-W06', '2027-02-09T00:00:00.000Z', '2027-02-09T00:05:00.000Z')).toBe(false);
      expect(await digests.get('2027-W06')).toEqual({ ...digest('2027-W06'), publishedAt: '2027-02-08T00:05:02.000Z' });
      expect(await digests.claimPublication('2027-W01', '2027-02-09T00:00:00.000Z', '2027-02-09T00:05:00.000Z')).toBe(false);
      expect(await digests.get('2027-W01')).toBeNull();
    });
  });

  describe('allocation list', () => {
    const setup = { seed: 'secret-seed', length: 6, arms: ['MMF', 'LEF'] as const, blockSizes: [2, 4], createdAt: '2027-01-01T00:00:00.000Z' };
    const list = generateAllocationList({ seed: setup.seed, length: setup.length, arms: setup.arms, blockSizes: setup.blockSizes });

    it('set up once: a second setup gets the first one back; not ready until the list is stored', async () => {
      const { allocations } = await store.fresh();
      expect(await allocations.setupOnce(setup)).toEqual(setup);
      expect(await allocations.setupOnce({ ...setup, seed: 'other' })).toEqual(setup);
      expect(await allocations.isReady()).toBe(false);
      expect(await allocations.draw('p1', '2027-07-01T00:00:00.000Z')).toBeNull();
      await allocations.storeList(list, '2027-01-01T00:00:00.000Z');
      expect(await allocations.isReady()).toBe(true);
      expect(await allocations.drawnCount()).toBe(0);
    });

    it('draws the slots in order, one per patient (a second draw returns the first), until the list is used up', async () => {
      const { allocations } = await store.fresh();
      await allocations.setupOnce(setup);
      await allocations.storeList(list, '2027-01-01T00:00:00.000Z');
      const drawn = [];
      for (let i = 1; i <= 6; i++) drawn.push(await allocations.draw(`p${i}`, `2027-07-0${i}T00:00:00.000Z`));
      expect(drawn.map((d) => d?.arm)).toEqual(list.map((s) => s.arm));
      expect(drawn.map((d) => d?.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await allocations.draw('p1', '2027-08-01T00:00:00.000Z')).toEqual(drawn[0]);
      expect(await allocations.getForPatient('p3')).toEqual({ patientId: 'p3', method: 'drawn', arm: list[2]!.arm, sequence: 3, at: '2027-07-03T00:00:00.000Z' });
      expect(await allocations.draw('p7', '2027-08-01T00:00:00.000Z')).toBeNull();
      expect(await allocations.drawnCount()).toBe(6);
      expect(await allocations.getForPatient('p7')).toBeNull();
    });

    it('an arm recorded elsewhere is one randomization: no draw, no second record', async () => {
      const { allocations } = await store.fresh();
      await allocations.setupOnce(setup);
      await allocations.storeList(list, '2027-01-01T00:00:00.000Z');
      expect(await allocations.recordExternal('p1', 'LEF', '2027-07-01T00:00:00.000Z')).toEqual({ patientId: 'p1', method: 'external', arm: 'LEF', at: '2027-07-01T00:00:00.000Z' });
      await expect(allocations.recordExternal('p1', 'MMF', '2027-07-02T00:00:00.000Z')).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(allocations.draw('p1', '2027-07-02T00:00:00.000Z')).rejects.toMatchObject({ name: 'ConflictError' });
      expect(await allocations.drawnCount()).toBe(0);
      const drawn = await allocations.draw('p2', '2027-07-02T00:00:00.000Z');
      await expect(allocations.recordExternal('p2', 'MMF', '2027-07-03T00:00:00.000Z')).rejects.toMatchObject({ name: 'ConflictError' });
      expect(drawn?.sequence).toBe(1);
    });
  });
}
