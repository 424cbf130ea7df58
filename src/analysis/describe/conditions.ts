// SPDX-License-Identifier: Apache-2.0
// Regions in words a person reads: `a0 = 38 (AF_ALG)`, `a0 ≥ 0x100000000`, `a2 & 0x4 ≠ 0`,
// `nr ∉ {…}`. Arguments are named a0…a5 as in profiles; values, masks and masked values are
// named where the syscall's signature knows what the argument holds (./values.ts: families,
// flags, socketcall calls). On 32-bit ABIs an argument is its low word when the high word is
// untested (libseccomp compares only low words there).

import type { Arch } from '../../arch/arch.js';
import { fieldsOf, U64_MAX, type Fields, type Values64 } from '../partition/fields.js';
import { formatSym } from '../partition/expr.js';
import type { OpaqueTest, Region } from '../partition/region.js';
import { isFullWord, type MaskedAtom, type WordSet } from '../partition/word-set.js';
import { fieldAt, formatField } from '../../seccomp/data.js';
import { argumentNamer, type ArgumentNamer } from './values.js';

export type Namer = (v: bigint) => string;

export const hexOf = (v: bigint | number): string => {
  const b = BigInt(v);
  return b > 9n ? `0x${b.toString(16)}` : b.toString();
};

/** Values people write in decimal (families, small counts) below 256; larger ones in hex. */
export const valueOf = (v: bigint | number): string => {
  const b = BigInt(v);
  return b < 256n ? b.toString() : `0x${b.toString(16)}`;
};

const MAX_LISTED = 6;

/**
 * One set of u64 (or u32, with `max`) values as one condition on `name`: the points, the points
 * left out, or the ranges (in parentheses when there are several). Long lists are cut to a count
 * unless `listAll` (explain never abbreviates).
 */
export function describeIntervals(name: string, iv: readonly bigint[], max: bigint, show: Namer, listAll = false): string {
  const listed = listAll ? Infinity : MAX_LISTED;
  const points: bigint[] = [];
  for (let i = 0; i < iv.length; i += 2) if (iv[i] === iv[i + 1]) points.push(iv[i]!);
  if (points.length * 2 === iv.length) {
    return points.length === 1 ? `${name} = ${show(points[0]!)}` : points.length <= listed ? `${name} ∈ {${points.map(show).join(', ')}}` : `${name} is one of ${points.length} values`;
  }
  // the complement: a few excluded points
  const gaps: bigint[] = [];
  let next = 0n;
  for (let i = 0; i < iv.length; i += 2) {
    if (iv[i]! > next) gaps.push(next, iv[i]! - 1n);
    next = iv[i + 1]! + 1n;
  }
  if (next <= max) gaps.push(next, max);
  const excluded = gaps.filter((g, i) => i % 2 === 0 && g === gaps[i + 1]);
  if (gaps.length > 0 && excluded.length * 2 === gaps.length && excluded.length <= listed) {
    return excluded.length === 1 ? `${name} ≠ ${show(excluded[0]!)}` : `${name} ∉ {${excluded.map(show).join(', ')}}`;
  }
  if (iv.length / 2 > listed) return `${name} in ${iv.length / 2} ranges from ${valueOf(iv[0]!)} to ${valueOf(iv[iv.length - 1]!)}`;
  const parts: string[] = [];
  for (let i = 0; i < iv.length; i += 2) {
    const lo = iv[i]!;
    const hi = iv[i + 1]!;
    if (lo === hi) parts.push(`${name} = ${show(lo)}`);
    else if (lo === 0n) parts.push(`${name} ≤ ${valueOf(hi)}`);
    else if (hi === max) parts.push(`${name} ≥ ${valueOf(lo)}`);
    else parts.push(`${valueOf(lo)} ≤ ${name} ≤ ${valueOf(hi)}`);
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
}

/** `(name & mask) op k`, the mask and k named where the argument's flags know them (`a0 & (CLONE_NEWUSER|CLONE_NEWNS) ≠ 0`). */
function describeAtom(name: string, a: MaskedAtom, show: Namer, namer: ArgumentNamer = NO_NAMES): string {
  const sign = a.op === 'eq' ? (a.sense ? '=' : '≠') : a.op === 'gt' ? (a.sense ? '>' : '≤') : a.sense ? '≥' : '<';
  const maskName = namer.mask(a.mask);
  const mask = maskName ? (maskName.includes('|') ? `(${maskName})` : maskName) : hexOf(a.mask);
  return `${name} & ${mask} ${sign} ${namer.masked(a.mask, a.k) ?? show(BigInt(a.k))}`;
}

const NO_NAMES: ArgumentNamer = { value: () => undefined, mask: () => undefined, masked: () => undefined };

/** A 32-bit word's set as conditions (several, all of which hold); `namer` names masked tests of a whole low word. */
export function describeWord(name: string, s: WordSet, show: Namer = valueOf, maskedName = name, namer: ArgumentNamer = NO_NAMES): string[] {
  const out: string[] = [];
  if (!(s.intervals.length === 2 && s.intervals[0] === 0 && s.intervals[1] === 0xffffffff)) {
    out.push(describeIntervals(name, s.intervals.map(BigInt), 0xffff_ffffn, show));
  }
  for (const a of s.masked) out.push(describeAtom(maskedName, a, show, namer));
  return out;
}

function describeValues(name: string, v: Values64, bits: 32 | 64, show: Namer, namer: ArgumentNamer = NO_NAMES): string[] {
  switch (v.kind) {
    case 'any': return [];
    case 'intervals': return [describeIntervals(name, v.intervals, U64_MAX, show)];
    case 'words': {
      // on a 32-bit ABI an argument with an untested high word reads as its low word
      // a mask within the low word tests the 64-bit value the same way: `a0 & 0x7e020000 ≠ 0`
      if (isFullWord(v.hi)) return describeWord(bits === 32 ? name : `${name} (low 32 bits)`, v.lo, show, name, namer);
      return [...describeWord(`${name}.hi`, v.hi), ...describeWord(`${name}.lo`, v.lo, show)];
    }
  }
}

/** The argument conditions of a region of one syscall (`name`, maybe unknown) on `arch`. */
export function describeArgs(region: Region, arch: Arch, syscall: string | undefined): string[] {
  return describeFields(fieldsOf(region, arch.endian), region.opaque, arch, syscall);
}

/** The same, from a region's fields (after regions were merged) and its opaque tests. */
export function describeFields(f: Fields, opaque: readonly OpaqueTest[], arch: Arch, syscall: string | undefined): string[] {
  const out: string[] = [];
  f.args.forEach((v, i) => {
    const namer = argumentNamer(arch, syscall, i);
    const show: Namer = (x) => {
      const named = namer.value(x);
      return named ? `${valueOf(x)} (${named})` : valueOf(x);
    };
    out.push(...describeValues(`a${i}`, v, arch.bits, show, namer));
  });
  out.push(...describeValues('instruction_pointer', f.ip, 64, valueOf));
  const name = (o: number) => { const fl = fieldAt(o, arch.endian); return fl ? formatField(fl) : `[${o}]`; };
  for (const t of opaque) {
    const sign = t.op === 'jeq' ? (t.taken ? '=' : '≠') : t.op === 'jgt' ? (t.taken ? '>' : '≤') : t.taken ? '≥' : '<';
    out.push(t.op === 'jset' ? `${formatSym(t.l, name)} & ${formatSym(t.r, name)} ${t.taken ? '≠' : '='} 0` : `${formatSym(t.l, name)} ${sign} ${formatSym(t.r, name)}`);
  }
  return out;
}
