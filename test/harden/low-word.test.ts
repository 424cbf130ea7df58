// SPDX-License-Identifier: Apache-2.0
// Table tests of harden's low-word arithmetic (src/analysis/harden/low-word.ts): aligned blocks,
// the ∀hi / ∃hi sets of each comparison, checked exhaustively against libseccomp's 64-bit
// comparison on sampled words and high words.

import { describe, expect, it } from 'vitest';
import { join64 } from '../../src/bits.js';
import type { CmpOp } from '../../src/resolve/types.js';
import { alignedBlocks, blocksOf, dodgeable, intersect, lowAtZero, lowForAll, lowForSome, type LowSet } from '../../src/analysis/harden/low-word.js';

function cmp(op: CmpOp, arg: bigint, value: bigint, valueTwo: bigint): boolean {
  switch (op) {
    case 'EQ': return arg === value;
    case 'NE': return arg !== value;
    case 'LT': return arg < value;
    case 'LE': return arg <= value;
    case 'GT': return arg > value;
    case 'GE': return arg >= value;
    case 'MASKED_EQ': return (arg & value) === (valueTwo & value); // libseccomp masks the datum
  }
}

function member(set: LowSet, w: number): boolean {
  const blocks = blocksOf(set);
  return blocks === undefined || blocks.some((b) => ((w & b.mask) >>> 0) === b.value);
}

describe('alignedBlocks', () => {
  it.each([
    [41, 0xffffffff, 30],
    [0, 37, 3],
    [39, 39, 1],
    [0, 0xfffffffe, 32],
    [1, 0xffffffff, 32],
    [0x80000000, 0xffffffff, 1],
  ])('[%i, %i] is %i blocks covering exactly the range', (a, b, count) => {
    const blocks = alignedBlocks(a, b);
    expect(blocks).toHaveLength(count);
    for (const blk of blocks) expect(blk.value & ~blk.mask).toBe(0);
    for (const w of [a, b, a - 1, b + 1, (a + b) >>> 1, 0, 0xffffffff, 40, 41, 42]) {
      if (w < 0 || w > 0xffffffff) continue;
      const inside = w >= a && w <= b;
      expect(blocks.filter((blk) => ((w & blk.mask) >>> 0) === blk.value).length, `word ${w}`).toBe(inside ? 1 : 0);
    }
  });
  it('gives the blocks the issue names for socket a0 > 40', () => {
    expect(alignedBlocks(41, 0xffffffff).slice(0, 4)).toEqual([
      { mask: 0xffffffff, value: 41 }, { mask: 0xfffffffe, value: 42 }, { mask: 0xfffffffc, value: 44 }, { mask: 0xfffffff0, value: 48 },
    ]);
  });
});

describe('dodgeable (kernel-experiments.md §1: which comparisons the upper half defeats)', () => {
  it.each([
    ['NE', 40n, true, true], ['GT', 40n, true, true], ['GE', 40n, true, true],
    ['EQ', 40n, true, false], ['LT', 40n, true, false], ['LE', 40n, true, false], ['MASKED_EQ', 0xffffffffn, true, false],
    ['EQ', 40n, false, true], ['LT', 40n, false, true], ['LE', 40n, false, true], ['MASKED_EQ', 0xffffffff00000000n, false, true],
    ['MASKED_EQ', 0xffffffffn, false, false], ['NE', 40n, false, false], ['GT', 40n, false, false], ['GE', 40n, false, false],
    ['EQ', 0x1_0000_0000n, true, true],
  ] as const)('%s %s, permitting=%s → %s', (op, value, permitting, expected) => {
    expect(dodgeable(op, value, permitting)).toBe(expected);
  });
});

const CASES: ReadonlyArray<readonly [CmpOp, bigint, bigint]> = [
  ['NE', 40n, 0n], ['NE', 0n, 0n], ['NE', 0x1_0000_0028n, 0n], ['GT', 40n, 0n], ['GT', 0xffffffffn, 0n], ['GT', 0x1_0000_0000n, 0n],
  ['GE', 38n, 0n], ['GE', 0n, 0n], ['EQ', 40n, 0n], ['EQ', 0x1_0000_0028n, 0n], ['LT', 38n, 0n], ['LT', 0n, 0n], ['LT', 0x2_0000_0000n, 0n],
  ['LE', 40n, 0n], ['LE', 0xffffffffn, 0n], ['MASKED_EQ', 0xffff_ffff_0000_0006n, 6n], ['MASKED_EQ', 6n, 6n], ['MASKED_EQ', 0xf0n, 0x0fn], ['MASKED_EQ', 0x400_0000_0000n, 0xffffffffn],
];
const WORDS = [0, 1, 2, 5, 6, 7, 37, 38, 39, 40, 41, 42, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const HIGHS = [0, 1, 2, 0xffffffff];

describe('low-word sets agree with the 64-bit comparison', () => {
  it.each(CASES)('%s %s (valueTwo %s): ∀hi, ∃hi and hi = 0', (op, value, valueTwo) => {
    for (const w of WORDS) {
      const at = HIGHS.map((h) => cmp(op, join64(h, w), value, valueTwo));
      // ∀hi is a subset of "every high word meets it"; ∃hi a superset of "some high word does" (on the sampled ones).
      if (member(lowForAll(op, value, valueTwo), w)) expect(at.every(Boolean), `∀ ${w}`).toBe(true);
      if (at.some(Boolean)) expect(member(lowForSome(op, value, valueTwo), w), `∃ ${w}`).toBe(true);
      expect(member(lowAtZero(op, value, valueTwo), w), `0:${w}`).toBe(at[0]);
    }
  });
  it('∀hi is exact for the comparisons harden rewrites in permitting rules', () => {
    for (const [op, value] of [['NE', 40n], ['GT', 40n], ['GE', 38n]] as const) {
      for (const w of WORDS) expect(member(lowForAll(op, value, 0n), w)).toBe(HIGHS.every((h) => cmp(op, join64(h, w), value, 0n)));
    }
  });
  it('a permitting MASKED_EQ is dodgeable only when its (masked) datum has high bits', () => {
    expect(dodgeable('MASKED_EQ', 0x1_ffff_ffffn, true, 0x1_0000_0001n)).toBe(true);
    expect(dodgeable('MASKED_EQ', 0x1_ffff_ffffn, true, 1n)).toBe(false);
    expect(dodgeable('MASKED_EQ', 0xffffffffn, true, 0x1_0000_0001n)).toBe(false); // the datum is masked first
  });
  it('intersects ranges: a0 > 40 && a0 <= 0xffffffff is [41, 0xffffffff]', () => {
    const set = intersect(lowAtZero('GT', 40n, 0n), lowAtZero('LE', 0xffffffffn, 0n));
    expect(set).toEqual({ kind: 'ranges', ranges: [[41, 0xffffffff]] });
    expect(intersect(lowAtZero('GT', 40n, 0n), lowAtZero('MASKED_EQ', 6n, 6n))).toBeUndefined();
  });
});
