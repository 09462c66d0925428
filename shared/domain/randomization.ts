/**
 * Concealed permuted-block randomization, 1:1, with block sizes drawn at random.
 *
 * Random block sizes (2 and 4 by default) keep the allocation balanced at every block end
 * while making the next arm hard to guess from the previous ones. The list is generated
 * once from a secret seed and stored; whoever enrolls sees only the next allocation.
 *
 * The PRNG is hand-written on purpose: the list must be reproducible from its seed forever
 * (an auditor regenerates it), with no dependency whose algorithm could change. It is
 * cyrb128 (string → 128-bit state) feeding sfc32 (Chris Doty-Humphrey's Small Fast Counter),
 * both public-domain, well-tested and a dozen lines each. It is not a cryptographic
 * generator: concealment comes from keeping the seed secret, and the seed should be long
 * and random (e.g. 32 bytes from a CSPRNG, hex-encoded).
 */

import type { Arm } from './protocol.ts';
export type { Arm };

export interface AllocationListOptions {
  seed: string;
  length: number;
  arms: readonly [Arm, Arm];
  blockSizes: readonly number[];
}

export interface Allocation {
  /** 1-based position in the list: the n-th patient randomized gets sequence n. */
  sequence: number;
  arm: Arm;
  /** 1-based block number. */
  block: number;
  blockSize: number;
}

/** cyrb128: hashes a string into four 32-bit words (the sfc32 seed). */
function cyrb128(input: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A seeded generator of unsigned 32-bit integers (sfc32). Deterministic per seed. */
export function createSeededUint32(seed: string): () => number {
  let [a, b, c, d] = cyrb128(seed);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes poorly in its first few rounds.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Unbiased integer in [0, n) by rejection sampling (no modulo bias, even for tiny n). */
function uniformInt(nextUint32: () => number, n: number): number {
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  for (;;) {
    const x = nextUint32();
    if (x < limit) return x % n;
  }
}

/**
 * Generates the allocation list. Each block holds each arm exactly blockSize/2 times, in a
 * random order (Fisher–Yates); each block's size is drawn uniformly from `blockSizes`.
 * When `length` is not a block boundary, the last block is cut short (and may be unbalanced
 * by at most half its size); generate a list longer than the trial needs to avoid that.
 */
export function generateAllocationList(options: AllocationListOptions): Allocation[] {
  const { seed, length, arms, blockSizes } = options;
  if (seed.length === 0) throw new RangeError('seed must not be empty');
  if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  if (arms[0] === arms[1]) throw new RangeError('arms must be two different arms');
  if (blockSizes.length === 0) throw new RangeError('blockSizes must not be empty');
  for (const size of blockSizes) {
    if (!Number.isInteger(size) || size <= 0 || size % arms.length !== 0) {
      throw new RangeError(`block size ${size} must be a positive multiple of ${arms.length}`);
    }
  }

  const next = createSeededUint32(seed);
  const list: Allocation[] = [];
  let block = 0;
  while (list.length < length) {
    block += 1;
    const blockSize = blockSizes[uniformInt(next, blockSizes.length)]!;
    const cells: Arm[] = [];
    for (let i = 0; i < blockSize / arms.length; i++) cells.push(...arms);
    for (let i = cells.length - 1; i > 0; i--) {
      const j = uniformInt(next, i + 1);
      [cells[i], cells[j]] = [cells[j]!, cells[i]!];
    }
    for (const arm of cells) {
      if (list.length === length) break;
      list.push({ sequence: list.length + 1, arm, block, blockSize });
    }
  }
  return list;
}
