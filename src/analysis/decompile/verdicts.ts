// SPDX-License-Identifier: Apache-2.0
// What a filter does on one ABI, syscall by syscall: its exact decision space over the ABI's
// region (../partition/partition.ts, ../partition/spaces.ts) cut by the ABI's syscall numbers
// (../../arch/index.ts). For each syscall, the leaves that hold its number (their value and
// argument region); for the numbers no syscall has, which values they get. What a profile can
// never express is refused here, each with a witness call: a `ret a` of computed data, a test
// on a computed value (ALU), and an exploration that ran out of budget.

import type { Arch } from '../../arch/arch.js';
import { syscallName, syscallNames, syscallNumber } from '../../arch/index.js';
import type { Program } from '../../bpf/instruction.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { fieldAt, formatField, SECCOMP_DATA_NR, type SeccompData } from '../../seccomp/data.js';
import { formatCall } from '../lint/context.js';
import { formatSym } from '../partition/expr.js';
import { partition, type Leaf } from '../partition/partition.js';
import { regionWitness, wordSet, type OpaqueTest, type Region } from '../partition/region.js';
import { abiSpace, otherArchSpace } from '../partition/spaces.js';
import { constrain, intersectIntervals, member, search, type WordSet } from '../partition/word-set.js';

const NR = SECCOMP_DATA_NR >> 2;

export interface SyscallLeaf {
  readonly value: number;
  readonly region: Region;
  readonly pc: number;
}

export interface SyscallVerdict {
  readonly name: string;
  /** The number seccomp_data.nr holds for it on this ABI. */
  readonly nr: number;
  readonly leaves: readonly SyscallLeaf[];
  /** The value, when every leaf has the same one. */
  readonly uniform?: number;
}

export interface AbiVerdicts {
  readonly arch: Arch;
  /** Every syscall of the ABI, by name. */
  readonly syscalls: ReadonlyMap<string, SyscallVerdict>;
  /** Values of numbers no syscall has (up to the table's top + 1), each with the smallest such number. */
  readonly unnamed: ReadonlyMap<number, number>;
  readonly leaves: readonly Leaf[];
  readonly refusals: readonly Diagnostic[];
}

export interface AnalyseOptions {
  /** Partition budget per ABI (symbolic steps). */
  readonly budget?: number;
}

/** `read(3, 0x1, 0)`-style text for a witness of an ABI (the syscall's name where it has one). */
export function callText(arch: Arch, data: SeccompData): string {
  const name = syscallName(arch, data.nr) ?? `nr ${data.nr >>> 0}`;
  const used = data.args.reduce((n, v, i) => (v !== 0n ? i + 1 : n), 0);
  const call = formatCall(name, data.args, Math.max(1, used));
  return data.instructionPointer !== 0n ? `${call} at ip 0x${data.instructionPointer.toString(16)}` : call;
}

const SORTED = new WeakMap<Arch, Array<[number, string]>>();

/** The ABI's syscalls as [number, name], by number (the tables give each number one name). */
function sorted(arch: Arch): Array<[number, string]> {
  let s = SORTED.get(arch);
  if (!s) {
    s = syscallNames(arch).map((name): [number, string] => [syscallNumber(arch, name)!, name]).sort((a, b) => a[0] - b[0]);
    SORTED.set(arch, s);
  }
  return s;
}

/** Index of the first entry with number >= n. */
function lowerBound(list: ReadonlyArray<[number, string]>, n: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (list[m]![0] < n) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** The smallest member of `s` in [from, to], or undefined. */
function smallestFrom(s: WordSet, from: number, to: number): number | undefined {
  if (from > to) return undefined;
  const iv = intersectIntervals(s.intervals, [from, to]);
  return iv.length === 0 ? undefined : search(iv, s.masked);
}

function opaqueText(t: OpaqueTest, arch: Arch): string {
  const name = (o: number) => { const f = fieldAt(o, arch.endian); return f ? formatField(f) : `[${o}]`; };
  if (t.op === 'jset') return `${formatSym(t.l, name)} & ${formatSym(t.r, name)} ${t.taken ? '≠' : '='} 0`;
  const sign = t.op === 'jeq' ? (t.taken ? '=' : '≠') : t.op === 'jgt' ? (t.taken ? '>' : '≤') : t.taken ? '≥' : '<';
  return `${formatSym(t.l, name)} ${sign} ${formatSym(t.r, name)}`;
}

/** Why a leaf cannot be part of a profile, or undefined. */
function refusal(leaf: Leaf, arch: Arch): Diagnostic | undefined {
  const w = regionWitness(leaf.region, arch.endian);
  const call = w.found ? callText(arch, w.data) : 'a call this path can take';
  if (leaf.unknown === 'data') return diag('decompileRetA', { arch: arch.name, pc: leaf.pc, call }, { kind: 'pc', pc: leaf.pc });
  if (leaf.unknown !== undefined) return diag('decompileTooComplex', { arch: arch.name, reason: leaf.unknown === 'budget' ? 'the exploration budget ran out' : 'a branch could not be decided', call }, { kind: 'pc', pc: leaf.pc });
  if (leaf.region.opaque.length > 0) return diag('decompileComputedTest', { arch: arch.name, test: opaqueText(leaf.region.opaque[0]!, arch), call }, { kind: 'pc', pc: leaf.pc });
  return undefined;
}

/** The filter on one ABI, syscall by syscall. */
export function analyseAbi(program: Program, arch: Arch, options: AnalyseOptions = {}): AbiVerdicts {
  const p = partition(program, abiSpace(arch).region, options.budget !== undefined ? { budget: options.budget } : {});
  const refusals: Diagnostic[] = [];
  for (const leaf of p.leaves) {
    const r = refusal(leaf, arch);
    if (r) refusals.push(r);
    if (refusals.length >= 3) break;
  }
  const list = sorted(arch);
  const byName = new Map<string, SyscallLeaf[]>();
  const unnamed = new Map<number, number>();
  const top = list.length > 0 ? list[list.length - 1]![0] : 0;
  for (const leaf of p.leaves) {
    if (leaf.value === undefined) continue;
    const nrs = wordSet(leaf.region, NR);
    for (let i = 0; i < nrs.intervals.length; i += 2) {
      const lo = nrs.intervals[i]!;
      const hi = nrs.intervals[i + 1]!;
      for (let j = lowerBound(list, lo); j < list.length && list[j]![0] <= hi; j++) {
        const [nr, name] = list[j]!;
        if (!member(nrs, nr)) continue;
        const entry = { value: leaf.value, region: leaf.region, pc: leaf.pc };
        const got = byName.get(name);
        if (got) got.push(entry);
        else byName.set(name, [entry]);
      }
    }
    // the smallest number of this leaf that no syscall has, up to the table's top + 1
    if (unnamed.has(leaf.value)) continue;
    for (let from = 0; ;) {
      const v = smallestFrom(nrs, from, top + 1);
      if (v === undefined) break;
      if (syscallName(arch, v) === undefined) { unnamed.set(leaf.value, Math.min(v, unnamed.get(leaf.value) ?? v)); break; }
      from = v + 1;
    }
  }
  const syscalls = new Map<string, SyscallVerdict>();
  for (const [nr, name] of list) {
    const leaves = byName.get(name) ?? [];
    const first = leaves[0]?.value;
    const uniform = first !== undefined && leaves.every((l) => l.value === first) ? first : undefined;
    syscalls.set(name, { name, nr, leaves, ...(uniform !== undefined ? { uniform } : {}) });
  }
  return { arch, syscalls, unnamed, leaves: p.leaves, refusals };
}

/**
 * The smallest T such that every number above T in the ABI's space gets `value` (runc's ENOSYS
 * stub answers the numbers above the largest syscall a profile names); 0xffffffff when the top
 * number does not.
 */
export function topOtherThan(av: AbiVerdicts, value: number): number {
  const others = av.leaves.filter((l) => l.value !== value).map((l) => wordSet(l.region, NR));
  const above = (t: number) => others.some((s) => constrain(s, 0xffffffff, 'gt', t, true) !== undefined);
  let lo = 0;
  let hi = 0xffffffff;
  while (lo < hi) {
    const m = Math.floor((lo + hi) / 2);
    if (above(m)) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Does the filter handle this ABI: does any number but -1 get something other than the bad-arch value? */
export function handles(av: AbiVerdicts, badArch: number): boolean {
  return av.leaves.some((l) => l.value !== badArch && constrain(wordSet(l.region, NR), 0xffffffff, 'eq', 0xffffffff, false) !== undefined);
}

/** What the filter returns for arch values no ABI has: one value, or undefined when it varies. */
export function otherArchValue(program: Program, options: AnalyseOptions = {}): { value?: number; witness?: SeccompData } {
  const p = partition(program, otherArchSpace().region, options.budget !== undefined ? { budget: options.budget } : {});
  const first = p.leaves[0]?.value;
  if (p.complete && first !== undefined && p.leaves.every((l) => l.value === first && l.region.opaque.length === 0)) return { value: first };
  const odd = p.leaves.find((l) => l.value !== first) ?? p.leaves[0]!;
  const w = regionWitness(odd.region, 'little');
  return w.found ? { witness: w.data } : {};
}
