// SPDX-License-Identifier: Apache-2.0
// Folding the regions of one syscall that lead to one outcome into the fewest conditions, without
// approximating: a region is seen as its fields (the syscall number where it is not fixed, the
// six arguments and the instruction pointer as sets of 64-bit values, ../partition/fields.ts)
// plus its opaque tests, and two regions merge only when they differ in one field (or in one
// opaque test taken both ways) and the union of that field is again one exact set:
//   - 64-bit interval lists join (so `a0.hi ≠ 0` and `a0.hi = 0, a0.lo ≠ 40` become `a0 ≠ 40`);
//   - word sets with the same masked tests join their intervals; a masked test and its negation
//     on otherwise equal sets cancel out.
// Everything else stays apart: the folded list still covers exactly the regions it came from.

import type { Endian } from '../../arch/arch.js';
import { evalSym, formatSym } from '../partition/expr.js';
import { fieldsOf, unionValues, type Values64 } from '../partition/fields.js';
import { wordsOfData, type OpaqueTest, type Region } from '../partition/region.js';
import { member, unionWordSets, wordSetKey, type WordSet } from '../partition/word-set.js';
import { test } from '../../bpf/interpret.js';
import type { SeccompData } from '../../seccomp/data.js';

/** One region, field by field. */
export interface Folded {
  /** The syscall numbers, only where the subject is not one syscall (numbers without a name). */
  readonly nr?: WordSet;
  /** a0…a5, then the instruction pointer. */
  readonly fields: readonly Values64[];
  readonly opaque: readonly OpaqueTest[];
}

export const FIELD_COUNT = 7;
export const IP_FIELD = 6;

export function foldedOf(region: Region, endian: Endian, nr?: WordSet): Folded {
  const f = fieldsOf(region, endian);
  return { ...(nr ? { nr } : {}), fields: [...f.args, f.ip], opaque: region.opaque };
}


function valuesKey(v: Values64): string {
  switch (v.kind) {
    case 'any': return '*';
    case 'intervals': return `i${v.intervals.map((x) => x.toString(16)).join(',')}`;
    case 'words': return `w${wordSetKey(v.hi)}|${wordSetKey(v.lo)}`;
  }
}

const opaqueKeys = new WeakMap<OpaqueTest, string>();
function opaqueKey(t: OpaqueTest): string {
  let k = opaqueKeys.get(t);
  if (k === undefined) opaqueKeys.set(t, (k = `${formatSym(t.l, (o) => `@${o}`)} ${t.op} ${formatSym(t.r, (o) => `@${o}`)} ${t.taken ? 1 : 0}`));
  return k;
}




/** Opaque tests of two regions that differ in one test, taken one way in each: what both keep. */
function unionOpaque(a: readonly OpaqueTest[], b: readonly OpaqueTest[]): readonly OpaqueTest[] | undefined {
  if (a.length !== b.length) return undefined;
  const bKeys = new Set(b.map(opaqueKey));
  const onlyA = a.filter((t) => !bKeys.has(opaqueKey(t)));
  if (onlyA.length !== 1) return undefined;
  const t = onlyA[0]!;
  return bKeys.has(opaqueKey({ ...t, taken: !t.taken })) ? a.filter((x) => x !== t) : undefined;
}

/** The dimensions a region varies in: 'nr', field indexes, 'opaque'. */
type Dim = 'nr' | number | 'opaque';
const DIMS: readonly Dim[] = ['nr', 0, 1, 2, 3, 4, 5, IP_FIELD, 'opaque'];

/** Each dimension's key, computed once per region (regions are shared by many syscalls). */
const partKeys = new WeakMap<Folded, readonly string[]>();
function keyExcept(f: Folded, dim: Dim): string {
  let parts = partKeys.get(f);
  if (!parts) {
    parts = [f.nr ? wordSetKey(f.nr) : '', ...f.fields.map(valuesKey), f.opaque.map(opaqueKey).sort().join('&')];
    partKeys.set(f, parts);
  }
  const skip = dim === 'nr' ? 0 : dim === 'opaque' ? parts.length - 1 : dim + 1;
  let key = '';
  for (let i = 0; i < parts.length; i++) key += i === skip ? '#' : `${parts[i]}#`;
  return key;
}

function unionIn(a: Folded, b: Folded, dim: Dim): Folded | undefined {
  if (dim === 'nr') {
    if (!a.nr || !b.nr) return undefined;
    const nr = unionWordSets(a.nr, b.nr);
    return nr && { ...a, nr };
  }
  if (dim === 'opaque') {
    const opaque = unionOpaque(a.opaque, b.opaque);
    return opaque && { ...a, opaque };
  }
  const v = unionValues(a.fields[dim]!, b.fields[dim]!);
  if (!v) return undefined;
  const fields = a.fields.slice();
  fields[dim] = v;
  return { ...a, fields };
}

/** Merges regions (disjoint, all leading to one outcome) while any two differ in one exactly-joinable dimension. */
export function fold(regions: readonly Folded[]): Folded[] {
  let list = regions.slice();
  for (let changed = true; changed && list.length > 1;) {
    changed = false;
    for (const dim of DIMS) {
      const buckets = new Map<string, Folded[]>();
      for (const f of list) {
        const k = keyExcept(f, dim);
        const b = buckets.get(k);
        if (b) b.push(f);
        else buckets.set(k, [f]);
      }
      const next: Folded[] = [];
      for (const bucket of buckets.values()) {
        const merged: Folded[] = [];
        for (const f of bucket) {
          let joined = false;
          for (let j = 0; j < merged.length && !joined; j++) {
            const u = unionIn(merged[j]!, f, dim);
            if (u) { merged[j] = u; joined = true; }
          }
          if (!joined) merged.push(f);
        }
        if (merged.length < bucket.length) changed = true;
        next.push(...merged);
      }
      list = next;
    }
  }
  return list;
}

export function valuesContain(v: Values64, x: bigint): boolean {
  switch (v.kind) {
    case 'any': return true;
    case 'intervals':
      for (let i = 0; i < v.intervals.length; i += 2) if (x >= v.intervals[i]! && x <= v.intervals[i + 1]!) return true;
      return false;
    case 'words': return member(v.hi, Number(x >> 32n)) && member(v.lo, Number(x & 0xffff_ffffn));
  }
}

/** Does the folded region hold this seccomp_data (its number and arch aside, which the subject fixes)? */
export function foldedContains(f: Folded, data: SeccompData, endian: Endian): boolean {
  if (f.nr && !member(f.nr, data.nr)) return false;
  const values = [...data.args, data.instructionPointer];
  for (let i = 0; i < FIELD_COUNT; i++) if (!valuesContain(f.fields[i]!, values[i] ?? 0n)) return false;
  if (f.opaque.length === 0) return true;
  const words = wordsOfData(data, endian);
  const read = (o: number) => words[o >> 2]!;
  return f.opaque.every((t) => test(t.op, evalSym(t.l, read), evalSym(t.r, read)) === t.taken);
}

function log2Count(s: WordSet): number {
  let n = 0;
  for (let i = 0; i < s.intervals.length; i += 2) n += s.intervals[i + 1]! - s.intervals[i]! + 1;
  let bits = Math.log2(n);
  for (const a of s.masked) {
    const ones = a.mask.toString(2).replace(/0/g, '').length;
    bits += a.op === 'eq' ? (a.sense ? -ones : Math.log2(1 - 2 ** -ones)) : -1;
  }
  return bits;
}

function log2Values(v: Values64): number {
  switch (v.kind) {
    case 'any': return 64;
    case 'intervals': {
      let n = 0n;
      for (let i = 0; i < v.intervals.length; i += 2) n += v.intervals[i + 1]! - v.intervals[i]! + 1n;
      return n.toString(2).length;
    }
    case 'words': return log2Count(v.hi) + log2Count(v.lo);
  }
}

/** A rough size of the region (log2 of its members): only to pick which outcome reads best as "otherwise". */
export function roughSize(f: Folded): number {
  return f.fields.reduce((s, v) => s + log2Values(v), f.nr ? log2Count(f.nr) : 0) - f.opaque.length;
}

