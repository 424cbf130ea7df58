// SPDX-License-Identifier: Apache-2.0
// A region of the decision space: for each of the 16 words of struct seccomp_data (nr, arch, the
// instruction pointer's halves, the 12 argument halves; ../../seccomp/data.ts), the exact set of
// values it may hold (./word-set.ts), plus the opaque tests a path made on values computed from
// several words or through ALU operations. A region without opaque tests is exact: its members
// are the product of its word sets, and `witness` picks the smallest value of each. With opaque
// tests the region is still a precise description, but whether it has members is decided by
// searching concrete data (seeded, bounded), and the answer says when the search gave up.

import type { Endian } from '../../arch/arch.js';
import type { JumpOp } from '../../bpf/opcodes.js';
import { test } from '../../bpf/interpret.js';
import type { SeccompData } from '../../seccomp/data.js';
import { layout } from '../../seccomp/data.js';
import { evalSym, wordsOf, type Sym } from './expr.js';
import { constrain, FULL_WORD, intersectWordSets, member, type CmpOp, type WordSet } from './word-set.js';

export const WORDS = 16;

/** A jump on values the word sets cannot hold: `(l op r) === taken`. */
export interface OpaqueTest {
  readonly l: Sym;
  readonly op: JumpOp;
  readonly r: Sym;
  readonly taken: boolean;
}

export interface Region {
  /** By word index (byte offset / 4); undefined = any value. */
  readonly words: readonly (WordSet | undefined)[];
  readonly opaque: readonly OpaqueTest[];
}

export const WHOLE_SPACE: Region = Object.freeze({ words: Object.freeze(new Array<WordSet | undefined>(WORDS).fill(undefined)), opaque: Object.freeze([]) });

export function wordSet(r: Region, index: number): WordSet {
  return r.words[index] ?? FULL_WORD;
}

export function constrainRegion(r: Region, index: number, mask: number, op: CmpOp, k: number, sense: boolean): Region | undefined {
  const next = constrain(wordSet(r, index), mask, op, k, sense);
  if (!next) return undefined;
  if (next === r.words[index]) return r;
  const words = r.words.slice();
  words[index] = next;
  return { words, opaque: r.opaque };
}

export function withOpaque(r: Region, t: OpaqueTest): Region {
  return { words: r.words, opaque: [...r.opaque, t] };
}

export function intersectRegions(a: Region, b: Region): Region | undefined {
  const words: (WordSet | undefined)[] = [];
  for (let i = 0; i < WORDS; i++) {
    const x = a.words[i];
    const y = b.words[i];
    if (!x || !y) { words.push(x ?? y); continue; }
    const z = intersectWordSets(x, y);
    if (!z) return undefined;
    words.push(z);
  }
  return { words, opaque: a.opaque.length === 0 ? b.opaque : b.opaque.length === 0 ? a.opaque : [...a.opaque, ...b.opaque] };
}

/** 16 word values as the seccomp_data they encode for an ABI of this byte order. */
export function dataOfWords(values: readonly number[], endian: Endian): SeccompData {
  const view = new DataView(new ArrayBuffer(64));
  const le = endian === 'little';
  values.forEach((v, i) => view.setUint32(4 * i, v >>> 0, le));
  return {
    nr: view.getUint32(0, le),
    arch: view.getUint32(4, le),
    instructionPointer: view.getBigUint64(8, le),
    args: Array.from({ length: 6 }, (_, i) => view.getBigUint64(16 + 8 * i, le)),
  };
}

export function wordsOfData(data: SeccompData, endian: Endian): number[] {
  const view = layout(data, endian);
  return Array.from({ length: WORDS }, (_, i) => view.getUint32(4 * i, endian === 'little'));
}

function opaqueHolds(t: OpaqueTest, values: readonly number[]): boolean {
  const read = (offset: number) => values[offset >> 2]!;
  return test(t.op, evalSym(t.l, read), evalSym(t.r, read)) === t.taken;
}

export function regionContains(r: Region, data: SeccompData, endian: Endian): boolean {
  const values = wordsOfData(data, endian);
  for (let i = 0; i < WORDS; i++) {
    const s = r.words[i];
    if (s && !member(s, values[i]!)) return false;
  }
  return r.opaque.every((t) => opaqueHolds(t, values));
}

export type Witness =
  | { readonly found: true; readonly data: SeccompData }
  /** Only regions with opaque tests: the bounded search found no member (the region may be empty). */
  | { readonly found: false };

const SEARCH_TRIES = 1024;

/** A few values of a word set worth trying, then random members. */
function* candidates(s: WordSet, rand: () => number): Generator<number> {
  for (let i = 0; i < s.intervals.length && i < 64; i += 2) {
    for (const v of [s.intervals[i]!, s.intervals[i + 1]!]) if (member(s, v)) yield v;
  }
  for (;;) {
    const j = 2 * Math.floor(rand() * (s.intervals.length / 2));
    const lo = s.intervals[j]!;
    const hi = s.intervals[j + 1]!;
    const v = (lo + Math.floor(rand() * (hi - lo + 1))) >>> 0;
    if (member(s, v)) yield v;
    else yield s.witness;
  }
}

/** A member: the smallest value of every word; with opaque tests, a seeded search among members. */
export function regionWitness(r: Region, endian: Endian, seed = 0x5eed): Witness {
  const values = Array.from({ length: WORDS }, (_, i) => wordSet(r, i).witness);
  if (r.opaque.every((t) => opaqueHolds(t, values))) return { found: true, data: dataOfWords(values, endian) };
  const involved = new Set<number>();
  for (const t of r.opaque) { wordsOf(t.l, involved); wordsOf(t.r, involved); }
  let s = seed >>> 0;
  const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 0x1_0000_0000; };
  const gens = new Map([...involved].map((o) => [o >> 2, candidates(wordSet(r, o >> 2), rand)]));
  for (let tries = 0; tries < SEARCH_TRIES; tries++) {
    for (const [i, g] of gens) values[i] = g.next().value as number;
    if (r.opaque.every((t) => opaqueHolds(t, values))) return { found: true, data: dataOfWords(values, endian) };
  }
  return { found: false };
}
