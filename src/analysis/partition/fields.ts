// SPDX-License-Identifier: Apache-2.0
// A region seen as struct seccomp_data's fields rather than its 16 words: the syscall number,
// and each 64-bit field (instruction_pointer, args[0..5]) as one set of 64-bit values where the
// high and low words' sets combine into a short list of 64-bit intervals (`a0 != 40` is the two
// intervals [0, 39] and [41, 2^64-1], although the program tested the words apart). Where they do
// not (masked tests, or a range of high words times a range of low words), the two word sets
// are given as they are. Which word is high depends on the ABI's byte order (../../seccomp/data.ts).
// Unions of such sets, where one set holds them exactly, serve explain's folding and diff's rows.

import type { Endian } from '../../arch/arch.js';
import { argOffset, ipOffset } from '../../seccomp/data.js';
import type { Region } from './region.js';
import { isFullWord, unionWordSets, wordSetKey, type WordSet } from './word-set.js';

export type Values64 =
  | { readonly kind: 'any' }
  /** Flat sorted disjoint closed intervals of u64: [lo0, hi0, lo1, hi1, …]. */
  | { readonly kind: 'intervals'; readonly intervals: readonly bigint[] }
  /** The high and low words' sets, when no short interval list holds their product. */
  | { readonly kind: 'words'; readonly hi: WordSet; readonly lo: WordSet };

export const U64_MAX = 0xffff_ffff_ffff_ffffn;
const FULL: WordSet = { intervals: [0, 0xffffffff], masked: [], witness: 0 };
/** How many distinct high words a set may have and still be listed value by value. */
const MAX_HIGH_VALUES = 8;

/** The union of closed u64 intervals, in any order, as a flat sorted disjoint list. */
export function unionIntervals64(pairs: Array<readonly [bigint, bigint]>): bigint[] {
  pairs.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0));
  const out: bigint[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1n) { if (hi > out[n - 1]!) out[n - 1] = hi; }
    else out.push(lo, hi);
  }
  return out;
}

const pairsOf = (...lists: ReadonlyArray<readonly bigint[]>): Array<[bigint, bigint]> =>
  lists.flatMap((iv) => Array.from({ length: iv.length / 2 }, (_, i): [bigint, bigint] => [iv[2 * i]!, iv[2 * i + 1]!]));

function merge(iv: bigint[]): bigint[] {
  return unionIntervals64(pairsOf(iv));
}

function count(s: WordSet): number {
  let n = 0;
  for (let i = 0; i < s.intervals.length; i += 2) n += s.intervals[i + 1]! - s.intervals[i]! + 1;
  return n;
}

/** The 64-bit values of a field whose high and low words have these sets. */
export function values64(hi: WordSet | undefined, lo: WordSet | undefined): Values64 {
  const h = hi ?? FULL;
  const l = lo ?? FULL;
  if (isFullWord(h) && isFullWord(l)) return { kind: 'any' };
  if (h.masked.length > 0 || l.masked.length > 0) return { kind: 'words', hi: h, lo: l };
  const out: bigint[] = [];
  if (isFullWord(l)) {
    for (let i = 0; i < h.intervals.length; i += 2) out.push(BigInt(h.intervals[i]!) << 32n, (BigInt(h.intervals[i + 1]!) << 32n) | 0xffff_ffffn);
    return { kind: 'intervals', intervals: merge(out) };
  }
  if (count(h) > MAX_HIGH_VALUES) return { kind: 'words', hi: h, lo: l };
  for (let i = 0; i < h.intervals.length; i += 2) {
    for (let v = h.intervals[i]!; v <= h.intervals[i + 1]!; v++) {
      const base = BigInt(v) << 32n;
      for (let j = 0; j < l.intervals.length; j += 2) out.push(base | BigInt(l.intervals[j]!), base | BigInt(l.intervals[j + 1]!));
    }
  }
  return { kind: 'intervals', intervals: merge(out) };
}

export interface Fields {
  /** The syscall number's set (undefined: any number). */
  readonly nr?: WordSet;
  readonly ip: Values64;
  readonly args: readonly Values64[];
}

export function fieldsOf(region: Region, endian: Endian): Fields {
  const word = (offset: number) => region.words[offset >> 2];
  return {
    ...(region.words[0] ? { nr: region.words[0] } : {}),
    ip: values64(word(ipOffset('hi', endian)), word(ipOffset('lo', endian))),
    args: Array.from({ length: 6 }, (_, i) => values64(word(argOffset(i, 'hi', endian)), word(argOffset(i, 'lo', endian)))),
  };
}

/** The union of two fields' value sets when it is one such set; undefined otherwise. */
export function unionValues(a: Values64, b: Values64): Values64 | undefined {
  if (a.kind === 'any' || b.kind === 'any') return { kind: 'any' };
  if (a.kind === 'intervals' && b.kind === 'intervals') {
    const iv = unionIntervals64(pairsOf(a.intervals, b.intervals));
    return iv.length === 2 && iv[0] === 0n && iv[1] === U64_MAX ? { kind: 'any' } : { kind: 'intervals', intervals: iv };
  }
  if (a.kind === 'words' && b.kind === 'words') {
    if (wordSetKey(a.hi) === wordSetKey(b.hi)) {
      const lo = unionWordSets(a.lo, b.lo);
      return lo && values64(a.hi, lo);
    }
    if (wordSetKey(a.lo) === wordSetKey(b.lo)) {
      const hi = unionWordSets(a.hi, b.hi);
      return hi && values64(hi, a.lo);
    }
  }
  return undefined;
}
