// SPDX-License-Identifier: Apache-2.0
// One syscall on one ABI, from the filter's leaves to profile rules. Each leaf is a box: one set
// of values per argument (and one for the instruction pointer), ./value-set.ts. Boxes with the
// same value that differ in one field only are merged (`a0 != 40` is two paths of the filter,
// one on the high word and one on the low word, and one set); then each box becomes the rules
// of the cross product of its fields' comparisons, one comparison per argument, ascending
// (libseccomp chains a rule's comparisons by argument index; runc would split two comparisons on
// one argument into two rules: ../../../shared/reference/libseccomp-behaviour.md §2.3). Boxes
// of different values never overlap, so which rule libseccomp checks first (§2.4) never matters.
// The default's box needs no rule. What a profile cannot test is refused: the instruction
// pointer, and on a 32-bit ABI the upper half of an argument (libseccomp compares low words only).

import type { Arch } from '../../arch/arch.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { argOffset, ipOffset } from '../../seccomp/data.js';
import { formatAction } from '../../seccomp/action.js';
import { constrainRegion, regionWitness, type Region } from '../partition/region.js';
import { isFullWord } from '../partition/word-set.js';
import { describeArgs, describeWord } from '../describe/conditions.js';
import { SECCOMP_DATA_NR } from '../../seccomp/data.js';
import { callText, type SyscallVerdict } from './verdicts.js';
import { conditions, fromWords, isFull, sameSet, TooComplex, union, type Condition, type RangeStyle, type ValueSet, type Width } from './value-set.js';

export interface Rule {
  readonly action: number;
  /** At most one per argument, by ascending index; none: unconditional. */
  readonly conditions: readonly Condition[];
}

export type RulesResult = { readonly rules: readonly Rule[] } | { readonly refusal: Diagnostic };

/** More rules than this for one syscall on one ABI: refused. */
export const MAX_RULES = 256;
const IP = 6;

interface Box {
  readonly value: number;
  /** args 0..5, then the instruction pointer. */
  readonly dims: readonly ValueSet[];
  /** A leaf of the box, for witnesses. */
  readonly region: Region;
}

function word(region: Region, offset: number) {
  return region.words[offset >> 2];
}

function boxOf(arch: Arch, value: number, region: Region, sv: SyscallVerdict): Box | Diagnostic {
  const w: Width = arch.bits;
  const dims: ValueSet[] = [];
  for (let i = 0; i < 6; i++) {
    const hi = word(region, argOffset(i, 'hi', arch.endian));
    const lo = word(region, argOffset(i, 'lo', arch.endian));
    if (w === 32 && hi && !isFullWord(hi)) {
      return diag('decompileHighWord', { arch: arch.name, syscall: sv.name, index: i, condition: describeWord(`a${i}.hi`, hi).join(' and '), call: witnessCall(arch, region, sv.nr) });
    }
    dims.push(fromWords(hi, lo, w));
  }
  dims.push(fromWords(word(region, ipOffset('hi', arch.endian)), word(region, ipOffset('lo', arch.endian)), 64));
  return { value, dims, region };
}

/** A call of the region, with the syscall's own number (a leaf can hold many numbers). */
function witnessCall(arch: Arch, region: Region, nr: number): string {
  const own = constrainRegion(region, SECCOMP_DATA_NR >> 2, 0xffffffff, 'eq', nr, true) ?? region;
  const w = regionWitness(own, arch.endian);
  return w.found ? callText(arch, w.data) : 'a call on this path';
}

/** Merges boxes of one value that differ in one field only, until none do. */
function mergeBoxes(boxes: Box[], w: Width): Box[] {
  const widthOf = (d: number): Width => (d === IP ? 64 : w);
  let list = boxes;
  for (let changed = true; changed;) {
    changed = false;
    outer: for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        let differ = -1;
        let count = 0;
        for (let d = 0; d < a.dims.length && count < 2; d++) {
          if (!sameSet(a.dims[d]!, b.dims[d]!)) { differ = d; count++; }
        }
        if (count > 1) continue;
        const dims = a.dims.slice();
        if (differ >= 0) dims[differ] = union(a.dims[differ]!, b.dims[differ]!, widthOf(differ));
        list = [...list.slice(0, i), { value: a.value, dims, region: a.region }, ...list.slice(i + 1, j), ...list.slice(j + 1)];
        changed = true;
        break outer;
      }
    }
  }
  return list;
}

/** The cross product of the fields' comparisons: one rule per choice of one comparison per field. */
function rulesOfBox(box: Box, w: Width, style: RangeStyle): Rule[] {
  let rules: Condition[][] = [[]];
  for (let i = 0; i < 6; i++) {
    const cs = conditions(box.dims[i]!, i, w, style);
    if (cs.length === 0) continue;
    const next: Condition[][] = [];
    for (const r of rules) for (const c of cs) next.push([...r, c]);
    rules = next;
    if (rules.length > MAX_RULES) break;
  }
  return rules.map((conditions) => ({ action: box.value, conditions }));
}

/** The rules that give, on this ABI, the filter's verdict for this syscall (given the profile's default). */
export function rulesOf(arch: Arch, sv: SyscallVerdict, defaultAction: number, style: RangeStyle): RulesResult {
  if (sv.uniform !== undefined) return { rules: sv.uniform === defaultAction ? [] : [{ action: sv.uniform, conditions: [] }] };
  const w: Width = arch.bits;
  const byValue = new Map<number, Box[]>();
  try {
    for (const leaf of sv.leaves) {
      if (leaf.value === defaultAction) continue;
      const b = boxOf(arch, leaf.value, leaf.region, sv);
      if ('code' in b) return { refusal: b };
      const list = byValue.get(leaf.value);
      if (list) list.push(b);
      else byValue.set(leaf.value, [b]);
    }
    const rules: Rule[] = [];
    for (const [value, boxes] of [...byValue].sort((x, y) => x[0] - y[0])) {
      for (const box of mergeBoxes(boxes, w)) {
        if (!isFull(box.dims[IP]!, 64)) {
          // the leaf's own test reads best (`instruction_pointer ≠ 0x7f0000001000`); the merged set as a fallback
          const ipCond = describeArgs(box.region, arch, sv.name).filter((c) => c.startsWith('instruction_pointer')).join(' and ') || describeIp(box.dims[IP]!);
          return { refusal: diag('decompileIpTest', { arch: arch.name, syscall: sv.name, condition: ipCond, call: witnessCall(arch, box.region, sv.nr), value: formatAction(value) }) };
        }
        rules.push(...rulesOfBox(box, w, style));
        if (rules.length > MAX_RULES) return { refusal: diag('decompileTooManyRules', { arch: arch.name, syscall: sv.name, limit: MAX_RULES }) };
      }
    }
    return { rules };
  } catch (e) {
    if (e instanceof TooComplex) return { refusal: diag('decompileTooManyRules', { arch: arch.name, syscall: sv.name, limit: MAX_RULES }) };
    throw e;
  }
}

function describeIp(s: ValueSet): string {
  if (s.kind === 'intervals') {
    const parts: string[] = [];
    for (let i = 0; i < s.iv.length && parts.length < 3; i += 2) {
      const lo = s.iv[i]!;
      const hi = s.iv[i + 1]!;
      parts.push(lo === hi ? `ip = 0x${lo.toString(16)}` : `0x${lo.toString(16)} ≤ ip ≤ 0x${hi.toString(16)}`);
    }
    return parts.join(' or ') + (s.iv.length > 6 ? ' or …' : '');
  }
  return s.cubes.slice(0, 3).map((c) => `ip & 0x${c.mask.toString(16)} = 0x${c.value.toString(16)}`).join(' or ') + (s.cubes.length > 3 ? ' or …' : '');
}

