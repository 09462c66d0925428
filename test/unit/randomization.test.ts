import { describe, it, expect } from 'vitest';
import { createSeededUint32, generateAllocationList, type Allocation } from '../../shared/domain/randomization.ts';

const options = (seed: string, length: number) =>
  ({ seed, length, arms: ['MMF', 'LEF'], blockSizes: [2, 4] }) as const;

function blocksOf(list: Allocation[]): Allocation[][] {
  const blocks = new Map<number, Allocation[]>();
  for (const a of list) blocks.set(a.block, [...(blocks.get(a.block) ?? []), a]);
  return [...blocks.values()];
}

describe('generateAllocationList', () => {
  it('is deterministic: the same seed regenerates the same list (an auditor can reproduce it)', () => {
    expect(generateAllocationList(options('trial-seed-A', 60))).toEqual(generateAllocationList(options('trial-seed-A', 60)));
  });

  it('gives different lists for different seeds', () => {
    const a = generateAllocationList(options('trial-seed-A', 60)).map((x) => x.arm).join();
    const b = generateAllocationList(options('trial-seed-B', 60)).map((x) => x.arm).join();
    expect(a).not.toBe(b);
  });

  it('numbers allocations 1..length and returns exactly length entries', () => {
    const list = generateAllocationList(options('s', 61));
    expect(list).toHaveLength(61);
    expect(list.map((a) => a.sequence)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it('balances every complete block 1:1', () => {
    const list = generateAllocationList(options('balance', 1000));
    const blocks = blocksOf(list);
    for (const block of blocks.slice(0, -1)) {
      expect(block).toHaveLength(block[0]!.blockSize);
      expect(block.filter((a) => a.arm === 'MMF')).toHaveLength(block.length / 2);
    }
  });

  it('never lets the running imbalance exceed 2 (half the largest block)', () => {
    for (const seed of ['x1', 'x2', 'x3', 'x4', 'x5']) {
      let diff = 0;
      for (const a of generateAllocationList(options(seed, 2000))) {
        diff += a.arm === 'MMF' ? 1 : -1;
        expect(Math.abs(diff)).toBeLessThanOrEqual(2);
      }
    }
  });

  it('keeps the proportion within 0.5 ± 0.01 over 10,000 and exactly 0.5 at every complete block end', () => {
    const list = generateAllocationList(options('proportion', 10_000));
    const mmf = list.filter((a) => a.arm === 'MMF').length;
    expect(Math.abs(mmf / list.length - 0.5)).toBeLessThanOrEqual(0.01);
    const blocks = blocksOf(list);
    const lastComplete = blocks.at(-1)!.length === blocks.at(-1)![0]!.blockSize ? blocks.length : blocks.length - 1;
    let seen = 0;
    let mmfSoFar = 0;
    for (const block of blocks.slice(0, lastComplete)) {
      seen += block.length;
      mmfSoFar += block.filter((a) => a.arm === 'MMF').length;
      expect(mmfSoFar * 2).toBe(seen);
    }
  });

  it('draws block sizes from {2, 4} and uses both', () => {
    const sizes = new Set(blocksOf(generateAllocationList(options('sizes', 500))).map((b) => b[0]!.blockSize));
    expect([...sizes].sort()).toEqual([2, 4]);
  });

  it('does not let one arm lead the first allocations systematically (first arm ~ 50% across seeds)', () => {
    const firstMmf = Array.from({ length: 2000 }, (_, i) => generateAllocationList(options(`seed-${i}`, 1))[0]!.arm).filter(
      (arm) => arm === 'MMF',
    ).length;
    expect(firstMmf / 2000).toBeGreaterThan(0.45);
    expect(firstMmf / 2000).toBeLessThan(0.55);
  });

  it('rejects block sizes that cannot be balanced, and bad lengths', () => {
    expect(() => generateAllocationList({ ...options('s', 10), blockSizes: [3] })).toThrow(RangeError);
    expect(() => generateAllocationList({ ...options('s', 10), blockSizes: [] })).toThrow(RangeError);
    expect(() => generateAllocationList(options('s', -1))).toThrow(RangeError);
    expect(() => generateAllocationList(options('', 10))).toThrow(RangeError);
  });

  it('returns an empty list for length 0', () => {
    expect(generateAllocationList(options('s', 0))).toEqual([]);
  });
});

describe('createSeededUint32', () => {
  it('produces a fixed sequence per seed (pins the algorithm: a change would silently alter stored lists)', () => {
    const next = createSeededUint32('pin');
    expect([next(), next(), next()]).toEqual([1884162978, 1310369559, 2579023017]);
  });

  it('pins the first allocations for a known seed', () => {
    const list = generateAllocationList(options('pin', 12)).map((a) => `${a.arm}/${a.blockSize}`);
    expect(list.join(' ')).toBe('MMF/2 LEF/2 LEF/4 MMF/4 MMF/4 LEF/4 LEF/4 LEF/4 MMF/4 MMF/4 LEF/2 MMF/2');
  });
});

describe('the allocation list an auditor regenerates (found by the domain mutation run, docs/testing.md)', () => {
  it('is this exact list for a seed: arms, block numbers 1, 2, 3 … and block sizes', () => {
    const list = generateAllocationList(options('trial-seed-A', 12)).map((a) => `${a.sequence}:${a.arm}:${a.block}/${a.blockSize}`);
    expect(list).toEqual(['1:LEF:1/2', '2:MMF:1/2', '3:MMF:2/4', '4:LEF:2/4', '5:LEF:2/4', '6:MMF:2/4', '7:LEF:3/2', '8:MMF:3/2', '9:LEF:4/2', '10:MMF:4/2', '11:MMF:5/2', '12:LEF:5/2']);
  });

  it.each([
    [{ blockSizes: [0] }, 'block size 0 must be a positive multiple of 2'],
    [{ blockSizes: [-2] }, 'block size -2 must be a positive multiple of 2'],
    [{ blockSizes: [2.5] }, 'block size 2.5 must be a positive multiple of 2'],
    [{ blockSizes: [4, 3] }, 'block size 3 must be a positive multiple of 2'],
    [{ blockSizes: [] }, 'blockSizes must not be empty'],
    [{ arms: ['MMF', 'MMF'] }, 'arms must be two different arms'],
    [{ length: 1.5 }, 'length must be a non-negative integer'],
    [{ seed: '' }, 'seed must not be empty'],
  ] as const)('refuses %j: %s', (change, message) => {
    expect(() => generateAllocationList({ ...options('s', 10), ...change } as Parameters<typeof generateAllocationList>[0])).toThrow(new RangeError(message));
  });
});
