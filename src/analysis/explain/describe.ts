// SPDX-License-Identifier: Apache-2.0
// Folded regions (./fold.ts) in words, never abbreviated: every value of a condition is listed,
// so the text says exactly what the region holds. Values are named where the syscall's signature
// knows what the argument holds (../describe/values.ts: `40 (AF_VSOCK)`, masks as
// `a0 & (CLONE_NEWUSER|CLONE_NEWNS) = 0`). On 64-bit ABIs a test the program made on an
// argument's low word alone reads `a0 (low 32 bits) …`; a masked test on the low word is a test
// on the whole argument (the mask has no high bits) and reads `a0 & …`. On 32-bit ABIs an
// argument whose high word is untested is its low word. Computed tests (opaque) are printed as
// the expression the program computed.

import type { Arch, Endian } from '../../arch/arch.js';
import { formatSym, type Sym } from '../partition/expr.js';
import { U64_MAX, values64, type Values64 } from '../partition/fields.js';
import type { OpaqueTest } from '../partition/region.js';
import { isFullWord, type MaskedAtom, type WordSet } from '../partition/word-set.js';
import { fieldAt, formatField } from '../../seccomp/data.js';
import { describeIntervals, hexOf, valueOf } from '../describe/conditions.js';
import { argumentNamer, type ArgumentNamer } from '../describe/values.js';
import { IP_FIELD, type Folded } from './fold.js';

const MAX32 = 0xffff_ffffn;

/** A value, with its name where it has one: `40 (AF_VSOCK)`. */
function shown(v: bigint, namer: ArgumentNamer): string {
  const name = namer.value(v);
  return name ? `${valueOf(v)} (${name})` : valueOf(v);
}

/** A set of values (closed intervals, flat) as one condition on `name`, every value listed. */
export function describeSet(name: string, iv: readonly bigint[], max: bigint, show: (v: bigint) => string): string {
  return describeIntervals(name, iv, max, show, true);
}

const SIGN: Readonly<Record<MaskedAtom['op'], readonly [string, string]>> = { eq: ['=', '≠'], gt: ['>', '≤'], ge: ['≥', '<'] };

/** `(name & mask) op k` with a shift (32 for a test on the high word, written on the whole argument). */
function describeAtom(name: string, a: MaskedAtom, shift: bigint, namer: ArgumentNamer | undefined): string {
  const mask = BigInt(a.mask) << shift;
  const k = BigInt(a.k) << shift;
  const maskName = shift === 0n ? namer?.mask(a.mask) : undefined;
  const kName = shift === 0n ? namer?.masked(a.mask, a.k) : undefined;
  const m = maskName ? (maskName.includes('|') ? `(${maskName})` : maskName) : `0x${mask.toString(16)}`;
  return `${name} & ${m} ${SIGN[a.op][a.sense ? 0 : 1]} ${kName ?? valueOf(k)}`;
}

function describeWordSet(name: string, s: WordSet, show: (v: bigint) => string, atom: (a: MaskedAtom) => string): string[] {
  const out: string[] = [];
  if (!(s.intervals.length === 2 && s.intervals[0] === 0 && s.intervals[1] === 0xffffffff)) {
    out.push(describeSet(name, s.intervals.map(BigInt), MAX32, show));
  }
  for (const a of s.masked) out.push(atom(a));
  return out;
}

/** One field's set as conditions (all of which hold). */
function describeValues(name: string, v: Values64, bits: 32 | 64, namer: ArgumentNamer): string[] {
  const show = (x: bigint) => shown(x, namer);
  switch (v.kind) {
    case 'any': return [];
    case 'intervals': return [describeSet(name, v.intervals, U64_MAX, show)];
    case 'words': {
      if (isFullWord(v.hi) && bits === 32) return describeWordSet(name, v.lo, show, (a) => describeAtom(name, a, 0n, namer));
      const out: string[] = [];
      if (!isFullWord(v.hi)) {
        // tests on the high word: intervals are 64-bit ranges, masked tests are shifted up
        const hiRange = values64({ intervals: v.hi.intervals, masked: [], witness: v.hi.witness }, undefined);
        if (hiRange.kind === 'intervals') out.push(describeSet(name, hiRange.intervals, U64_MAX, (x) => valueOf(x)));
        for (const a of v.hi.masked) out.push(describeAtom(name, a, 32n, undefined));
      }
      out.push(...describeWordSet(`${name} (low 32 bits)`, { ...v.lo, masked: [] }, show, () => ''));
      for (const a of v.lo.masked) out.push(describeAtom(name, a, 0n, namer));
      return out;
    }
  }
}

const fieldName = (endian: Endian) => (o: number) => {
  const f = fieldAt(o, endian);
  return f ? formatField(f) : `[${o}]`;
};

/** An expression the program computed from seccomp_data: `(args[1].lo | 0x50000)`. */
export function symText(s: Sym, endian: Endian): string {
  return formatSym(s, fieldName(endian));
}

function describeOpaque(t: OpaqueTest, endian: Endian): string {
  const l = symText(t.l, endian);
  const r = symText(t.r, endian);
  if (t.op === 'jset') return `${l} & ${r} ${t.taken ? '≠' : '='} 0`;
  const sign = t.op === 'jeq' ? SIGN.eq : t.op === 'jgt' ? SIGN.gt : SIGN.ge;
  return `${l} ${sign[t.taken ? 0 : 1]} ${r}`;
}

/** Numbers as conditions on `nr`. */
export function describeNumbers(s: WordSet, abiAtoms: readonly MaskedAtom[]): string[] {
  const implied = new Set(abiAtoms.map((a) => `${a.mask}:${a.op}:${a.k}:${a.sense}`));
  const own = { ...s, masked: s.masked.filter((a) => !implied.has(`${a.mask}:${a.op}:${a.k}:${a.sense}`)) };
  return describeWordSet('nr', own, (v) => hexOf(v), (a) => describeAtom('nr', a, 0n, undefined));
}

/** The conditions of a folded region of `syscall` (undefined: numbers without a name) on `arch`, all of which hold. */
export function describeFolded(f: Folded, arch: Arch, syscall: string | undefined, abiAtoms: readonly MaskedAtom[] = []): string[] {
  const out: string[] = [];
  if (f.nr) out.push(...describeNumbers(f.nr, abiAtoms));
  f.fields.forEach((v, i) => {
    if (i === IP_FIELD) out.push(...describeValues('instruction_pointer', v, 64, argumentNamer(arch, undefined, 0)));
    else out.push(...describeValues(`a${i}`, v, arch.bits, argumentNamer(arch, syscall, i)));
  });
  for (const t of f.opaque) out.push(describeOpaque(t, arch.endian));
  return out;
}

/** Closed u32 ranges of numbers (flat) as text: `0x1c9–0xffffffff`, `0x14f`. */
export function describeRanges(ranges: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!;
    const hi = ranges[i + 1]!;
    parts.push(lo === hi ? hexOf(lo) : lo === 0 ? `≤ ${hexOf(hi)}` : hi === 0xffffffff ? `≥ ${hexOf(lo)}` : `${hexOf(lo)}–${hexOf(hi)}`);
  }
  return parts.join(', ');
}
