// SPDX-License-Identifier: Apache-2.0
// The values one syscall argument (or the instruction pointer) may hold in a region of the
// decision space, seen the way a profile condition sees them: all 64 bits on a 64-bit ABI, the
// low 32 bits on a 32-bit ABI (libseccomp compares only the low word there, truncating the datum
// and the mask: ../../../shared/reference/libseccomp-behaviour.md §2.7). A set is kept as sorted
// disjoint intervals when it is one (`a0 != 40`, `a0 > 40`, from the filter's separate tests
// on the high and the low word), else as a union of cubes `(x & mask) == value`, the shape of
// SCMP_CMP_MASKED_EQ (a masked test such as `jset` on a flag, or `(w & m) > k`, is a union of
// cubes decided bit by bit, most significant first, as ../partition/word-set.ts decides them).
// Nothing is approximated: a set too large to list is refused, never rounded.
//
// `conditions` turns a set into profile comparisons whose union is the set, one comparison per
// rule (runc adds several comparisons on one argument as separate rules, i.e. OR: §2.3).

import type { WordSet, MaskedAtom } from '../partition/word-set.js';
import { isFullWord } from '../partition/word-set.js';
import type { CmpOp } from '../../resolve/types.js';
import { unionIntervals64 } from '../partition/fields.js';

export type Width = 32 | 64;

/** `(x & mask) == value`, value inside mask. */
export interface Cube {
  readonly mask: bigint;
  readonly value: bigint;
}

export type ValueSet =
  /** Flat sorted disjoint closed intervals, never adjacent: [lo0, hi0, lo1, hi1, …]. */
  | { readonly kind: 'intervals'; readonly iv: readonly bigint[] }
  | { readonly kind: 'cubes'; readonly cubes: readonly Cube[] };

/** One profile comparison: MASKED_EQ is (arg & value) == valueTwo, as Docker and OCI write it. */
export interface Condition {
  readonly index: number;
  readonly op: CmpOp;
  readonly value: bigint;
  readonly valueTwo: bigint;
}

/** How ranges are written: `a0 < 38` / `a0 > 40` (moby's style), or `a0 <= 37` / `a0 >= 41`. */
export type RangeStyle = 'strict' | 'inclusive';

/** More cubes than this for one set: refused as too complex to write as a profile. */
export const MAX_CUBES = 1024;

export class TooComplex extends Error {}

export const maxOf = (w: Width): bigint => (1n << BigInt(w)) - 1n;
export const fullSet = (w: Width): ValueSet => ({ kind: 'intervals', iv: [0n, maxOf(w)] });

export function isFull(s: ValueSet, w: Width): boolean {
  if (s.kind === 'intervals') return s.iv.length === 2 && s.iv[0] === 0n && s.iv[1] === maxOf(w);
  return s.cubes.some((c) => c.mask === 0n);
}


/** [lo, hi] as aligned blocks: each as large as its start's alignment and the range allow. */
export function alignedBlocks(lo: bigint, hi: bigint, w: Width): Cube[] {
  const max = maxOf(w);
  const out: Cube[] = [];
  let start = lo;
  while (start <= hi) {
    let size = 1n;
    while (size <= max && start % (size * 2n) === 0n && start + size * 2n - 1n <= hi) size *= 2n;
    out.push({ mask: max & ~(size - 1n), value: start });
    start += size;
  }
  return out;
}

function cubesOfIntervals(iv: readonly bigint[], w: Width): Cube[] {
  const out: Cube[] = [];
  for (let i = 0; i < iv.length; i += 2) out.push(...alignedBlocks(iv[i]!, iv[i + 1]!, w));
  return out;
}

function intersectCube(a: Cube, b: Cube): Cube | undefined {
  if (((a.value ^ b.value) & a.mask & b.mask) !== 0n) return undefined;
  return { mask: a.mask | b.mask, value: a.value | b.value };
}

function intersectCubes(a: readonly Cube[], b: readonly Cube[]): Cube[] {
  const out: Cube[] = [];
  for (const x of a) for (const y of b) {
    const z = intersectCube(x, y);
    if (z) out.push(z);
    if (out.length > MAX_CUBES) throw new TooComplex();
  }
  return out;
}

type Rel = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** `(w & m) rel k` on 32-bit words as disjoint cubes, deciding the first bit where w & m and k differ. */
function compareCubes(m: number, k: number, rel: Rel): Cube[] {
  const lt = rel === 'lt' || rel === 'le' || rel === 'ne';
  const gt = rel === 'gt' || rel === 'ge' || rel === 'ne';
  const eq = rel === 'eq' || rel === 'le' || rel === 'ge';
  const out: Cube[] = [];
  let accM = 0n;
  let accV = 0n;
  for (let bit = 31; bit >= 0; bit--) {
    const b = 1n << BigInt(bit);
    const inMask = ((m >>> bit) & 1) === 1;
    const kBit = ((k >>> bit) & 1) === 1;
    if (inMask) {
      if (kBit) { if (lt) out.push({ mask: accM | b, value: accV }); accV |= b; }
      else if (gt) out.push({ mask: accM | b, value: accV | b });
      accM |= b;
    } else if (kBit) {
      // (w & m) has a 0 here where k has a 1: below k whatever w is
      if (lt) out.push({ mask: accM, value: accV });
      return out;
    }
  }
  if (eq) out.push({ mask: accM, value: accV });
  return out;
}

function atomCubes(a: MaskedAtom): Cube[] {
  const rel: Rel = a.op === 'eq' ? (a.sense ? 'eq' : 'ne') : a.op === 'gt' ? (a.sense ? 'gt' : 'le') : a.sense ? 'ge' : 'lt';
  return compareCubes(a.mask >>> 0, a.k >>> 0, rel);
}

/** A 32-bit word set as cubes over the word. */
function wordCubes(s: WordSet): Cube[] {
  let out = cubesOfIntervals(s.intervals.map(BigInt), 32);
  for (const a of s.masked) out = intersectCubes(out, atomCubes(a));
  return out;
}

function wordIntervals(s: WordSet): bigint[] {
  return s.intervals.map(BigInt);
}

/**
 * The set of a field whose high and low words have these sets (undefined: any value). On a
 * 32-bit ABI only the low word counts; the caller checks that the high word is untested.
 */
export function fromWords(hi: WordSet | undefined, lo: WordSet | undefined, w: Width): ValueSet {
  if (w === 32) {
    if (!lo || isFullWord(lo)) return fullSet(32);
    return lo.masked.length === 0 ? { kind: 'intervals', iv: wordIntervals(lo) } : normalize({ kind: 'cubes', cubes: wordCubes(lo) }, 32);
  }
  const hFull = !hi || isFullWord(hi);
  const lFull = !lo || isFullWord(lo);
  if (hFull && lFull) return fullSet(64);
  const plainH = !hi || hi.masked.length === 0;
  const plainL = !lo || lo.masked.length === 0;
  if (plainH && plainL) {
    const h = hi ? wordIntervals(hi) : [0n, 0xffff_ffffn];
    if (lFull) {
      const pairs: Array<[bigint, bigint]> = [];
      for (let i = 0; i < h.length; i += 2) pairs.push([h[i]! << 32n, (h[i + 1]! << 32n) | 0xffff_ffffn]);
      return { kind: 'intervals', iv: unionIntervals64(pairs) };
    }
    let highs = 0n;
    for (let i = 0; i < h.length; i += 2) highs += h[i + 1]! - h[i]! + 1n;
    if (highs <= 8n) {
      const l = wordIntervals(lo!);
      const pairs: Array<[bigint, bigint]> = [];
      for (let i = 0; i < h.length; i += 2) {
        for (let v = h[i]!; v <= h[i + 1]!; v++) for (let j = 0; j < l.length; j += 2) pairs.push([(v << 32n) | l[j]!, (v << 32n) | l[j + 1]!]);
      }
      return { kind: 'intervals', iv: unionIntervals64(pairs) };
    }
  }
  const hc = hi && !hFull ? wordCubes(hi) : [{ mask: 0n, value: 0n }];
  const lc = lo && !lFull ? wordCubes(lo) : [{ mask: 0n, value: 0n }];
  const out: Cube[] = [];
  for (const x of hc) for (const y of lc) {
    out.push({ mask: (x.mask << 32n) | y.mask, value: (x.value << 32n) | y.value });
    if (out.length > MAX_CUBES) throw new TooComplex();
  }
  return normalize({ kind: 'cubes', cubes: out }, 64);
}

const contains = (big: Cube, small: Cube): boolean => (big.mask & ~small.mask) === 0n && (small.value & big.mask) === big.value;

function dropContained(list: readonly Cube[]): Cube[] {
  return list.filter((c, i) => !list.some((d, j) => j !== i && contains(d, c) && (!contains(c, d) || j < i)));
}

/** One pass: two cubes with one mask whose values differ in one bit of it become one cube without that bit. */
function mergePass(list: readonly Cube[]): Cube[] {
  const byMask = new Map<bigint, bigint[]>();
  for (const c of list) {
    const vs = byMask.get(c.mask);
    if (vs) vs.push(c.value);
    else byMask.set(c.mask, [c.value]);
  }
  const out: Cube[] = [];
  for (const [mask, values] of byMask) {
    const present = new Set(values);
    const used = new Set<bigint>();
    for (const v of values) {
      if (used.has(v)) continue;
      used.add(v);
      let merged = false;
      for (let rest = mask; rest !== 0n; rest &= rest - 1n) {
        const bit = rest & -rest;
        const partner = v ^ bit;
        if (!present.has(partner) || used.has(partner)) continue;
        used.add(partner);
        out.push({ mask: mask & ~bit, value: v & ~bit });
        merged = true;
        break;
      }
      if (!merged) out.push({ mask, value: v });
    }
  }
  return out;
}

function simplify(cubes: readonly Cube[]): Cube[] {
  let list = dropContained(cubes);
  for (;;) {
    const next = dropContained(mergePass(list));
    if (next.length === list.length) break;
    list = next;
  }
  return list.sort((p, q) => (p.value < q.value ? -1 : p.value > q.value ? 1 : p.mask < q.mask ? -1 : p.mask > q.mask ? 1 : 0));
}

/** A block keeps a run of high bits: (x & mask) == value is then one interval. */
function isBlock(c: Cube, w: Width): boolean {
  const low = maxOf(w) & ~c.mask;
  return (low & (low + 1n)) === 0n;
}

/** Cubes simplified, and written as intervals when every cube is an interval. */
function normalize(s: ValueSet, w: Width): ValueSet {
  if (s.kind === 'intervals') return s;
  const cubes = simplify(s.cubes);
  if (cubes.every((c) => isBlock(c, w))) {
    return { kind: 'intervals', iv: unionIntervals64(cubes.map((c) => [c.value, c.value | (maxOf(w) & ~c.mask)])) };
  }
  return { kind: 'cubes', cubes };
}

export function union(a: ValueSet, b: ValueSet, w: Width): ValueSet {
  if (a.kind === 'intervals' && b.kind === 'intervals') {
    const pairs: Array<[bigint, bigint]> = [];
    for (const s of [a.iv, b.iv]) for (let i = 0; i < s.length; i += 2) pairs.push([s[i]!, s[i + 1]!]);
    return { kind: 'intervals', iv: unionIntervals64(pairs) };
  }
  const ca = a.kind === 'cubes' ? a.cubes : cubesOfIntervals(a.iv, w);
  const cb = b.kind === 'cubes' ? b.cubes : cubesOfIntervals(b.iv, w);
  if (ca.length + cb.length > MAX_CUBES) throw new TooComplex();
  return normalize({ kind: 'cubes', cubes: [...ca, ...cb] }, w);
}

export function sameSet(a: ValueSet, b: ValueSet): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'intervals') return a.iv.length === (b as typeof a).iv.length && a.iv.every((v, i) => v === (b as typeof a).iv[i]);
  const bc = (b as typeof a).cubes;
  return a.cubes.length === bc.length && a.cubes.every((c, i) => c.mask === bc[i]!.mask && c.value === bc[i]!.value);
}

/** Intervals with at most this many values are written value by value (EQ), longer ones as masked blocks. */
const MAX_POINTS = 3n;

/**
 * Comparisons on argument `index` whose union is `s` (none when `s` is every value). Ranges at
 * either end become LT/GT (or LE/GE), a set missing one value becomes NE, single values EQ, and
 * what is left masked blocks (MASKED_EQ), exact on the width of the ABI.
 */
export function conditions(s: ValueSet, index: number, w: Width, style: RangeStyle): Condition[] {
  const max = maxOf(w);
  const cond = (op: CmpOp, value: bigint, valueTwo = 0n): Condition => ({ index, op, value, valueTwo });
  const ofCube = (c: Cube): Condition => (c.mask === max ? cond('EQ', c.value) : cond('MASKED_EQ', c.mask, c.value));
  if (isFull(s, w)) return [];
  if (s.kind === 'cubes') return s.cubes.map(ofCube);
  const iv = s.iv;
  // everything but one value
  if (iv.length === 2 && iv[0] === 0n && iv[1] === max - 1n) return [cond('NE', max)];
  if (iv.length === 2 && iv[0] === 1n && iv[1] === max) return [cond('NE', 0n)];
  if (iv.length === 4 && iv[0] === 0n && iv[3] === max && iv[2]! - iv[1]! === 2n) return [cond('NE', iv[1]! + 1n)];
  const out: Condition[] = [];
  for (let i = 0; i < iv.length; i += 2) {
    const lo = iv[i]!;
    const hi = iv[i + 1]!;
    if (lo === hi) out.push(cond('EQ', lo));
    else if (lo === 0n) out.push(style === 'strict' ? cond('LT', hi + 1n) : cond('LE', hi));
    else if (hi === max) out.push(style === 'strict' ? cond('GT', lo - 1n) : cond('GE', lo));
    else if (hi - lo < MAX_POINTS) for (let v = lo; v <= hi; v++) out.push(cond('EQ', v));
    else out.push(...alignedBlocks(lo, hi, w).map(ofCube));
  }
  return out;
}
