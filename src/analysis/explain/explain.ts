// SPDX-License-Identifier: Apache-2.0
// `explain`: per ABI, per action, which syscalls and which argument conditions lead there. The
// program is split into the exact regions of its decision space (../partition/partition.ts),
// each region is cut by the syscall numbers of the ABI's table, and the regions of one syscall
// that lead to one outcome are folded into the fewest exact conditions (./fold.ts). A syscall
// whose regions all end in one action "always" gets it; for the others, the action that reads
// best as "otherwise" (the fewest conditions left to list, then the largest share) is not
// listed, and every other outcome is. Numbers the ABI's table does not name are one more
// subject, shown as ranges among those numbers. Nothing is approximated: a region with computed
// tests keeps them, and a path that returns a computed value (or was not explored) is its own
// outcome. ABIs the program is not explained for, and arch values no ABI has, get their outcomes.

import type { Arch, Endian } from '../../arch/arch.js';
import { ARCHES, syscallNames, syscallNumber } from '../../arch/index.js';
import type { Program } from '../../bpf/instruction.js';
import { actionSpec, decodeAction, formatAction } from '../../seccomp/action.js';
import { filterAbis } from '../../seccomp/summary.js';
import type { Sym } from '../partition/expr.js';
import { partition, type Leaf } from '../partition/partition.js';
import { abiSpace, otherArchSpace, type Space } from '../partition/spaces.js';
import { complementIntervals, FULL_WORD, intersectIntervals, intersectWordSets, member, search, unionIntervals, type WordSet } from '../partition/word-set.js';
import { symText } from './describe.js';
import { fold, foldedOf, roughSize, type Folded } from './fold.js';

export type Outcome =
  | { readonly kind: 'action'; readonly value: number; readonly action: string }
  /** The path returns A computed from seccomp_data. */
  | { readonly kind: 'computed'; readonly returns: Sym; readonly text: string }
  /** Not explored: the budget ran out, a branch could not be decided, or the program reads no seccomp_data field. */
  | { readonly kind: 'unknown'; readonly reason: 'budget' | 'search' | 'data' };

export interface Case {
  readonly outcome: Outcome;
  /** Any of these regions (each: all of its conditions). */
  readonly when: readonly Folded[];
}

export interface SubjectExplanation {
  /** The syscall; undefined for the numbers without a name. */
  readonly name?: string;
  readonly nr?: number;
  /** The outcomes listed, with where each happens. */
  readonly cases: readonly Case[];
  /** What every other call gets. */
  readonly otherwise?: Outcome;
}

export interface ActionGroup {
  readonly outcome: Outcome & { readonly kind: 'action' };
  /** Syscalls that always get it, by name. */
  readonly syscalls: readonly string[];
  /** Numbers without a name that always get it: closed u32 ranges, flat, read "among the numbers without a name". */
  readonly numbers: readonly number[];
  /** Every number without a name gets it. */
  readonly allNumbers: boolean;
}

export interface AbiExplanation {
  readonly arch: Arch;
  /** Syscalls of the ABI's table explained. */
  readonly syscalls: number;
  readonly groups: readonly ActionGroup[];
  /** Syscalls (and maybe the numbers without a name) whose outcome depends on arguments or the instruction pointer. */
  readonly dependent: readonly SubjectExplanation[];
  /** Regions of the partition. */
  readonly regions: number;
  readonly complete: boolean;
  readonly exact: boolean;
  /** The numbers of this ABI that its table does not name. */
  readonly unnamed: WordSet;
}

export interface OtherSpace {
  /** An ABI not explained (same byte order), or undefined for arch values no ABI has. */
  readonly arch?: Arch;
  readonly outcomes: readonly Outcome[];
}

export interface Explanation {
  readonly endian: Endian;
  readonly abis: readonly AbiExplanation[];
  readonly others: readonly OtherSpace[];
  readonly complete: boolean;
  readonly exact: boolean;
}

export interface ExplainOptions {
  /** Byte order when `arches` is not given (default little). */
  readonly endian?: Endian;
  /** Partition budget per ABI (../partition/partition.ts). */
  readonly budget?: number;
  /** Only these syscalls (and no numbers without a name). */
  readonly syscalls?: readonly string[];
}

function outcomeOf(leaf: Leaf, endian: Endian): Outcome {
  if (leaf.value !== undefined) return { kind: 'action', value: leaf.value, action: formatAction(leaf.value) };
  if (leaf.unknown === 'data' && leaf.returns !== undefined) return { kind: 'computed', returns: leaf.returns, text: symText(leaf.returns, endian) };
  return { kind: 'unknown', reason: leaf.unknown ?? 'data' };
}

export function outcomeKey(o: Outcome): string {
  return o.kind === 'action' ? `v${o.value}` : o.kind === 'computed' ? `c${o.text}` : `u${o.reason}`;
}

/** ALLOW first, then less strict before more (../../seccomp/action.ts precedence), computed and unknown last. */
export function compareOutcomes(a: Outcome, b: Outcome): number {
  const rank = (o: Outcome) => (o.kind === 'action' ? 100 - actionSpec(decodeAction(o.value).kind).precedence : o.kind === 'computed' ? 200 : 300);
  const d = rank(a) - rank(b);
  if (d !== 0) return d;
  if (a.kind === 'action' && b.kind === 'action') return a.value - b.value;
  return outcomeKey(a) < outcomeKey(b) ? -1 : outcomeKey(a) > outcomeKey(b) ? 1 : 0;
}

interface Piece { readonly outcome: Outcome; readonly folded: Folded }

/** Cases and "otherwise" of one subject, or its one action when it always gets the same. */
/**
 * `usual` ranks actions by how many syscalls of the ABI always get them: between two candidates
 * for "otherwise" that leave as many conditions to list and are as large, the usual one wins.
 */
function explainSubject(pieces: readonly Piece[], usual: ReadonlyMap<string, number>): { constant?: Outcome & { kind: 'action' }; cases: Case[]; otherwise?: Outcome } {
  const groups = new Map<string, { outcome: Outcome; regions: Folded[] }>();
  for (const p of pieces) {
    const k = outcomeKey(p.outcome);
    const g = groups.get(k);
    if (g) g.regions.push(p.folded);
    else groups.set(k, { outcome: p.outcome, regions: [p.folded] });
  }
  const all = [...groups.values()];
  if (all.length === 1 && all[0]!.outcome.kind === 'action') return { constant: all[0]!.outcome, cases: [] };
  const folded = all.map((g) => ({ outcome: g.outcome, when: fold(g.regions) }));
  const total = folded.reduce((n, c) => n + c.when.length, 0);
  let best: { outcome: Outcome; when: Folded[] } | undefined;
  let bestCost = Infinity;
  let bestSize = -Infinity;
  let bestUsual = -1;
  for (const c of folded) {
    if (c.outcome.kind !== 'action') continue;
    const cost = total - c.when.length;
    const size = Math.max(...c.when.map(roughSize));
    const u = usual.get(outcomeKey(c.outcome)) ?? 0;
    if (cost < bestCost || (cost === bestCost && (size > bestSize || (size === bestSize && u > bestUsual)))) {
      best = c; bestCost = cost; bestSize = size; bestUsual = u;
    }
  }
  const cases = folded.filter((c) => c !== best).sort((a, b) => compareOutcomes(a.outcome, b.outcome));
  return { cases, ...(best ? { otherwise: best.outcome } : {}) };
}

const keyOfAtom = (a: { mask: number; op: string; k: number; sense: boolean }) => `${a.mask}:${a.op}:${a.k}:${a.sense}`;

/** Ranges covering `sets` among the numbers without a name, widened over gaps that hold none (fewest ranges). */
function rangesAmong(sets: readonly WordSet[], unnamed: WordSet): number[] {
  let iv: number[] = [];
  for (const s of sets) iv = unionIntervals(iv, s.intervals);
  const holdsUnnamed = (lo: number, hi: number) => lo <= hi && search(intersectIntervals(unnamed.intervals, [lo, hi]), unnamed.masked) !== undefined;
  const out: number[] = [];
  for (let i = 0; i < iv.length; i += 2) {
    const n = out.length;
    if (n > 0 && !holdsUnnamed(out[n - 1]! + 1, iv[i]! - 1)) out[n - 1] = iv[i + 1]!;
    else out.push(iv[i]!, iv[i + 1]!);
  }
  if (out.length > 0 && out[0]! > 0 && !holdsUnnamed(0, out[0]! - 1)) out[0] = 0;
  if (out.length > 0 && out[out.length - 1]! < 0xffffffff && !holdsUnnamed(out[out.length - 1]! + 1, 0xffffffff)) out[out.length - 1] = 0xffffffff;
  return out;
}

/** The numbers of the ABI's space that its table does not name. */
function unnamedNumbers(space: Space, numbers: readonly number[]): WordSet {
  const abiNr = space.region.words[0] ?? FULL_WORD;
  const points = unionIntervals([], numbers.flatMap((n) => [n, n]));
  const intervals = intersectIntervals(abiNr.intervals, complementIntervals(points));
  const witness = search(intervals, abiNr.masked);
  return { intervals, masked: abiNr.masked, witness: witness ?? 0 };
}

export function explainAbi(program: Program, arch: Arch, options: ExplainOptions = {}): AbiExplanation {
  const space = abiSpace(arch);
  const p = partition(program, space.region, options.budget !== undefined ? { budget: options.budget } : {});
  const table = syscallNames(arch).map((name) => [syscallNumber(arch, name)!, name] as const);
  const wanted = options.syscalls ? new Set(options.syscalls) : undefined;
  const named = table.filter(([, name]) => !wanted || wanted.has(name)).sort((a, b) => a[0] - b[0]);
  const unnamed = unnamedNumbers(space, table.map(([n]) => n));
  const hasUnnamed = !wanted && search(unnamed.intervals, unnamed.masked) !== undefined;
  // which regions each syscall has, as region indexes: syscalls with the same regions are explained once
  const regionsOf = new Map<string, number[]>(named.map(([, name]) => [name, []]));
  const leafPieces: Piece[] = [];
  const unnamedPieces: Piece[] = [];
  p.leaves.forEach((leaf, index) => {
    const outcome = outcomeOf(leaf, arch.endian);
    const folded = foldedOf(leaf.region, arch.endian);
    leafPieces.push({ outcome, folded });
    const nrSet = leaf.region.words[0] ?? FULL_WORD;
    for (const [n, name] of named) if (member(nrSet, n)) regionsOf.get(name)!.push(index);
    if (hasUnnamed) {
      const u = intersectWordSets(nrSet, unnamed);
      if (u) unnamedPieces.push({ outcome, folded: { ...folded, nr: u } });
    }
  });
  // how many syscalls always get each action (a syscall whose regions all end in one action)
  const usual = new Map<string, number>();
  for (const indexes of regionsOf.values()) {
    const keys = new Set(indexes.map((i) => outcomeKey(leafPieces[i]!.outcome)));
    if (keys.size === 1) { const k = [...keys][0]!; usual.set(k, (usual.get(k) ?? 0) + 1); }
  }
  const explained = new Map<string, ReturnType<typeof explainSubject>>();
  const explainRegions = (indexes: readonly number[]) => {
    const key = indexes.join(',');
    let e = explained.get(key);
    if (!e) explained.set(key, (e = explainSubject(indexes.map((i) => leafPieces[i]!), usual)));
    return e;
  };

  const groups = new Map<string, { outcome: Outcome & { kind: 'action' }; syscalls: string[]; sets: WordSet[]; all: boolean }>();
  const group = (o: Outcome & { kind: 'action' }) => {
    const k = outcomeKey(o);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { outcome: o, syscalls: [], sets: [], all: false }));
    return g;
  };
  const dependent: SubjectExplanation[] = [];
  for (const [nr, name] of named) {
    const e = explainRegions(regionsOf.get(name)!);
    if (e.constant) group(e.constant).syscalls.push(name);
    else dependent.push({ name, nr, cases: e.cases, ...(e.otherwise ? { otherwise: e.otherwise } : {}) });
  }
  if (unnamedPieces.length > 0) {
    const e = explainSubject(unnamedPieces, usual);
    const abiAtoms = new Set(unnamed.masked.map(keyOfAtom));
    const numbersOnly = (f: Folded) => f.fields.every((v) => v.kind === 'any') && f.opaque.length === 0 && f.nr!.masked.every((a) => abiAtoms.has(keyOfAtom(a)));
    if (e.constant) group(e.constant).all = true;
    else if (unnamedPieces.every((piece) => piece.outcome.kind === 'action' && numbersOnly(piece.folded))) {
      // every outcome is decided by the number alone: list the ranges with the actions
      const byAction = new Map<string, WordSet[]>();
      for (const piece of unnamedPieces) {
        const k = outcomeKey(piece.outcome);
        byAction.set(k, [...(byAction.get(k) ?? []), piece.folded.nr!]);
        group(piece.outcome as Outcome & { kind: 'action' });
      }
      for (const [k, sets] of byAction) groups.get(k)!.sets.push(...sets);
    } else {
      dependent.push({ cases: e.cases, ...(e.otherwise ? { otherwise: e.otherwise } : {}) });
    }
  }
  const out: ActionGroup[] = [...groups.values()].map((g) => {
    const numbers = g.all ? [0, 0xffffffff] : rangesAmong(g.sets, unnamed);
    return { outcome: g.outcome, syscalls: g.syscalls.sort(), numbers, allNumbers: g.all || (numbers.length === 2 && numbers[0] === 0 && numbers[1] === 0xffffffff) };
  });
  out.sort((a, b) => compareOutcomes(a.outcome, b.outcome));
  dependent.sort((a, b) => (a.name === undefined ? 1 : b.name === undefined ? -1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { arch, syscalls: named.length, groups: out, dependent, regions: p.leaves.length, complete: p.complete, exact: p.exact, unnamed };
}

function outcomesOf(program: Program, space: Space, endian: Endian, budget: number | undefined): { outcomes: Outcome[]; complete: boolean; exact: boolean } {
  const p = partition(program, space.region, budget !== undefined ? { budget } : {});
  const seen = new Map<string, Outcome>();
  for (const l of p.leaves) {
    const o = outcomeOf(l, endian);
    seen.set(outcomeKey(o), o);
  }
  return { outcomes: [...seen.values()].sort(compareOutcomes), complete: p.complete, exact: p.exact };
}

/** Explains `program` for `arches` (default: the ABIs whose AUDIT_ARCH it tests, as `check` finds them). */
export function explainProgram(program: Program, arches?: readonly Arch[], options: ExplainOptions = {}): Explanation {
  const endian = arches?.[0]?.endian ?? options.endian ?? 'little';
  const list = arches ?? filterAbis(program, endian);
  const abis = list.map((a) => explainAbi(program, a, options));
  let complete = abis.every((a) => a.complete);
  let exact = abis.every((a) => a.exact);
  const others: OtherSpace[] = [];
  for (const space of [...ARCHES.filter((a) => a.endian === endian && !list.includes(a)).map(abiSpace), otherArchSpace()]) {
    const o = outcomesOf(program, space, endian, options.budget);
    complete &&= o.complete;
    exact &&= o.exact;
    others.push({ ...(space.arch ? { arch: space.arch } : {}), outcomes: o.outcomes });
  }
  return { endian, abis, others, complete, exact };
}
