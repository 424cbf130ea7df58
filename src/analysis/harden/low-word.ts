// SPDX-License-Identifier: Apache-2.0
// The arithmetic of harden's 32-bit rewrite (kernel-experiments.md §1). On a 64-bit ABI the
// filter sees all 64 bits of a register, but for an `int` parameter the kernel acts on the low 32
// only (the syscall wrappers cast: SYSCALL_DEFINEx → __se_sys_*). A condition is rewritten into
// a set of low words that holds whatever the high word is, expressed as SCMP_CMP_MASKED_EQ
// conditions whose masks lie inside the low 32 bits (libseccomp then tests `hi & 0 == 0`, always
// true, and the low word: exactly "the low word is in the set").
//
// Which set: for a rule that lets calls through (or otherwise weakens the verdict) the largest
// set S' with S' × every high word ⊆ the original set (∀ hi), so nothing is let through that was
// not before; for a rule that denies, the smallest S' with the original ⊆ S' × every high word
// (∃ hi), so everything denied before stays denied. Comparisons are libseccomp's: unsigned
// 64-bit, MASKED_EQ is (arg & value) == valueTwo.

import type { CmpOp } from '../../resolve/types.js';

const LOW_MAX = 0xffff_ffffn;

/** A set of 32-bit words: everything, nothing, unions of ranges, or one mask/value cube. */
export type LowSet =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'ranges'; readonly ranges: ReadonlyArray<readonly [number, number]> }
  | { readonly kind: 'cube'; readonly mask: number; readonly value: number };

/** One condition `(low word & mask) == value`. */
export interface Block {
  readonly mask: number;
  readonly value: number;
}

const ALL: LowSet = { kind: 'all' };
const NONE: LowSet = { kind: 'none' };

function ranges(...rs: Array<readonly [bigint, bigint]>): LowSet {
  const kept = rs.filter(([a, b]) => a <= b);
  if (kept.length === 0) return NONE;
  if (kept.length === 1 && kept[0]![0] === 0n && kept[0]![1] === LOW_MAX) return ALL;
  return { kind: 'ranges', ranges: kept.map(([a, b]) => [Number(a), Number(b)] as const) };
}

const lo = (v: bigint) => v & LOW_MAX;
const hiZero = (v: bigint) => v <= LOW_MAX;

/**
 * Would the upper half change this condition's answer toward the rule's action? For a rule that
 * permits (`permitting`), NE/GT/GE can be met by setting high bits (and EQ/MASKED_EQ with a datum
 * above 32 bits can be met only so); for a deny, EQ/LT/LE and a MASKED_EQ whose mask has high bits
 * can be dodged by them.
 */
export function dodgeable(op: CmpOp, value: bigint, permitting: boolean, valueTwo = 0n): boolean {
  // A permitting EQ or MASKED_EQ whose datum has high bits lets a call through only by its upper
  // half: its 32-bit twin (upper half 0), which the kernel runs the same, is not let through.
  if (permitting) return op === 'NE' || op === 'GT' || op === 'GE' || (op === 'EQ' && value > LOW_MAX) || (op === 'MASKED_EQ' && (valueTwo & value) > LOW_MAX);
  return op === 'EQ' || op === 'LT' || op === 'LE' || (op === 'MASKED_EQ' && value > LOW_MAX);
}

/** Low words w such that (h, w) meets the condition for every high word h (∀ hi). */
export function lowForAll(op: CmpOp, value: bigint, valueTwo: bigint): LowSet {
  valueTwo &= value;
  switch (op) {
    case 'NE': return ranges([0n, lo(value) - 1n], [lo(value) + 1n, LOW_MAX]);
    case 'GT': return hiZero(value) ? ranges([value + 1n, LOW_MAX]) : NONE;
    case 'GE': return hiZero(value) ? ranges([value, LOW_MAX]) : NONE;
    case 'MASKED_EQ': return hiZero(value) && hiZero(valueTwo) ? cube(value, valueTwo) : NONE;
    default: return NONE; // EQ, LT, LE fail for some high word
  }
}

/** Low words w such that (h, w) meets the condition for some high word h (∃ hi). */
export function lowForSome(op: CmpOp, value: bigint, valueTwo: bigint): LowSet {
  valueTwo &= value;
  switch (op) {
    case 'EQ': return ranges([lo(value), lo(value)]);
    case 'LT': return hiZero(value) ? ranges([0n, value - 1n]) : ALL;
    case 'LE': return hiZero(value) ? ranges([0n, value]) : ALL;
    case 'MASKED_EQ': return cube(lo(value), lo(valueTwo));
    default: return ALL; // NE, GT, GE hold for some high word whatever the low word
  }
}

/** Low words w such that (0, w) meets the condition: what the kernel sees when the high word is 0. */
export function lowAtZero(op: CmpOp, value: bigint, valueTwo: bigint): LowSet {
  valueTwo &= value;
  const small = hiZero(value);
  switch (op) {
    case 'EQ': return small ? ranges([value, value]) : NONE;
    case 'NE': return small ? ranges([0n, value - 1n], [value + 1n, LOW_MAX]) : ALL;
    case 'LT': return small ? ranges([0n, value - 1n]) : ALL;
    case 'LE': return small ? ranges([0n, value]) : ALL;
    case 'GT': return small ? ranges([value + 1n, LOW_MAX]) : NONE;
    case 'GE': return small ? ranges([value, LOW_MAX]) : NONE;
    case 'MASKED_EQ': return (valueTwo >> 32n) !== 0n ? NONE : cube(lo(value), lo(valueTwo));
  }
}

function cube(mask: bigint, value: bigint): LowSet {
  if ((value & ~mask) !== 0n) return NONE;
  return mask === 0n ? ALL : { kind: 'cube', mask: Number(mask), value: Number(value) };
}

/** The intersection of range sets (cubes are not intersected: undefined). */
export function intersect(a: LowSet, b: LowSet): LowSet | undefined {
  if (a.kind === 'none' || b.kind === 'none') return NONE;
  if (a.kind === 'all') return b;
  if (b.kind === 'all') return a;
  if (a.kind !== 'ranges' || b.kind !== 'ranges') return undefined;
  const out: Array<readonly [bigint, bigint]> = [];
  for (const [a0, a1] of a.ranges) for (const [b0, b1] of b.ranges) out.push([BigInt(Math.max(a0, b0)), BigInt(Math.min(a1, b1))]);
  return ranges(...out);
}

/**
 * [a, b] as aligned blocks: mask = 0xffffffff & ~(2^k − 1), value = the block's start, each block
 * as large as its start's alignment and the range allow (at most 62 blocks for any range).
 */
export function alignedBlocks(a: number, b: number): Block[] {
  const out: Block[] = [];
  let start = a;
  while (start <= b) {
    let size = 1;
    // grow while the start stays aligned and the block stays inside [a, b]
    while (size < 0x1_0000_0000 && start % (size * 2) === 0 && start + size * 2 - 1 <= b) size *= 2;
    out.push({ mask: (0xffff_ffff - (size - 1)) >>> 0, value: start >>> 0 });
    start += size;
  }
  return out;
}

/** The blocks of a low-word set; undefined for `all` (no condition needed). */
export function blocksOf(set: LowSet): Block[] | undefined {
  switch (set.kind) {
    case 'all': return undefined;
    case 'none': return [];
    case 'cube': return [{ mask: set.mask >>> 0, value: set.value >>> 0 }];
    case 'ranges': return set.ranges.flatMap(([a, b]) => alignedBlocks(a, b));
  }
}
