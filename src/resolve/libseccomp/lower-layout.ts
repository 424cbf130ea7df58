// SPDX-License-Identifier: Apache-2.0
// The Policy of the program libseccomp lays out (gen-layout.ts), found by running its block
// graph symbolically: seccomp_data.arch and nr are concrete (one run per ABI and syscall
// number in the dispatch), the argument words are not, so every conditional jump on an
// argument word splits the run into a true and a false path; each path ending in a `ret` is one
// decision. The paths partition the argument space, so their order does not matter.
//
// Two libseccomp layout bugs show up here and nowhere in lower.ts (the intended meaning):
//   - no-nr-load (ledger libseccomp-no-nr-load-when-top-syscall-absent): a dispatch block
//     assumed seccomp_data.nr was loaded, but A still holds seccomp_data.arch;
//   - stale accumulator (ledger libseccomp-stale-accumulator-after-sibling-fallthrough): an
//     argument block assumed the word its previous sibling loaded, but it was reached by the
//     fall-through of that sibling's sub-tree, which loaded other words.
// Each can be reproduced or repaired (the block then sees what it assumed) independently.

import type { Arch } from '../../arch/arch.js';
import type { AbiPolicy, Decision, WordCondition } from '../../policy/policy.js';
import { fieldAt } from '../../seccomp/data.js';
import { isEmitted, type ArchDb } from './db.js';
import type { Blk, Ins, Inst, Level } from './gen-blocks.js';
import { buildLayout, type LayoutOptions } from './gen-layout.js';
import { X32, X86_64 } from '../../arch/index.js';

export interface ReproduceBugs {
  readonly noNrLoad: boolean;
  readonly staleAccumulator: boolean;
}

const MAX_PATHS = 200_000;

interface Acc {
  readonly offset: number;
  readonly mask: number;
}

/** A path: its conditions, and the range each fully compared word is known to lie in. */
interface Path {
  readonly conds: readonly WordCondition[];
  readonly ranges: ReadonlyMap<string, readonly [number, number]>;
}
const EMPTY_PATH: Path = { conds: [], ranges: new Map() };

/**
 * The path with `c` added; undefined when no argument value can follow it (such a branch
 * cannot be taken). Only unmasked words are tracked, as [lo, hi] ranges: enough to cut the
 * contradictions libseccomp's split 64-bit comparisons and merged rules produce.
 */
function refine(p: Path, c: WordCondition): Path | undefined {
  if (c.mask !== 0xffffffff) return { conds: [...p.conds, c], ranges: p.ranges };
  const key = `${c.arg}${c.half}`;
  const [lo, hi] = p.ranges.get(key) ?? [0, 0xffffffff];
  const k = c.value >>> 0;
  let nlo = lo;
  let nhi = hi;
  if (c.op === 'eq' && !c.negate) {
    nlo = Math.max(lo, k);
    nhi = Math.min(hi, k);
  } else if (c.op === 'eq') {
    if (lo === k && hi === k) return undefined;
    if (k < lo || k > hi) return p;
    if (k === lo) nlo = lo + 1;
    else if (k === hi) nhi = hi - 1;
  } else if ((c.op === 'gt') !== c.negate) {
    // v > k, or (negated ge) v < k
    if (c.op === 'gt') nlo = Math.max(lo, k + 1);
    else nhi = Math.min(hi, k - 1);
  } else if (c.op === 'gt') nhi = Math.min(hi, k); // v <= k
  else nlo = Math.max(lo, k); // v >= k
  if (nlo > nhi) return undefined;
  if (nlo === lo && nhi === hi && c.op !== 'eq') return p; // implied
  if (nlo === lo && nhi === hi && !c.negate) return p;
  const ranges = new Map(p.ranges);
  ranges.set(key, [nlo, nhi]);
  return { conds: [...p.conds, c], ranges };
}

interface Run {
  readonly arch: Arch;
  readonly auditArch: number;
  readonly nr: number;
  readonly bugs: ReproduceBugs;
  /** The block a jump from `from` to hash `h` lands on (the first one after `from`). */
  readonly find: (from: Blk, h: number) => Blk;
  readonly chains: ReadonlyMap<Blk, Level>;
  /** In the program at all (a node after one whose both edges are actions is never placed). */
  readonly placed: (b: Blk) => boolean;
  readonly defaultAction: number;
  readonly out: Decision[];
  /** Blocks where a reproduced bug changed what the program compared. */
  hits: number;
}

/** Where a level falls through to: the next node of an enclosing level, entered with `acc`. */
interface Cont {
  readonly insts: readonly Inst[];
  readonly index: number;
  readonly acc: Acc;
  readonly next: Cont | null;
}

function emit(run: Run, path: Path, action: number): void {
  run.out.push({ conditions: path.conds, action: action >>> 0 });
  if (run.out.length > MAX_PATHS) throw new Error(`libseccomp model: more than ${MAX_PATHS} decisions for one syscall`);
}

function word(run: Run, acc: Acc): { concrete: number } | { arg: number; half: 'hi' | 'lo' } {
  if (acc.offset === 0) return { concrete: run.nr };
  if (acc.offset === 4) return { concrete: run.auditArch };
  const f = fieldAt(acc.offset, run.arch.endian);
  if (f?.field !== 'arg') throw new Error(`libseccomp model: the program loads seccomp_data offset ${acc.offset}`);
  return { arg: f.index, half: f.half };
}

function compare(op: Ins['op'], v: number, k: number): boolean {
  return op === 'jeq' ? v === k : op === 'jgt' ? v > k : v >= k;
}

/** The accumulator a block really works with when entered holding `acc`. */
function enter(run: Run, blk: Blk, acc: Acc): Acc {
  const a = blk.accStart;
  if (a.offset === -1 || (a.offset === acc.offset && a.mask === acc.mask)) return acc;
  const reproduce = blk.kind === 'syscall' ? run.bugs.noNrLoad : run.bugs.staleAccumulator;
  if (reproduce) {
    run.hits++;
    return acc;
  }
  return a;
}

/** Does entering `blk` holding `a` behave as entering it holding `b`? */
function sameEntry(run: Run, blk: Blk, a: Acc, b: Acc): boolean {
  const s = blk.accStart;
  if (s.offset === -1) return true;
  const reproduce = blk.kind === 'syscall' ? run.bugs.noNrLoad : run.bugs.staleAccumulator;
  return !reproduce || (a.offset === b.offset && a.mask === b.mask);
}

/** Runs a node block's loads; returns the state at its test and the test itself. */
function prelude(run: Run, blk: Blk, acc: Acc): { acc: Acc; test: Ins } {
  let a = enter(run, blk, acc);
  for (let i = 0; i < blk.ins.length - 1; i++) {
    const ins = blk.ins[i]!;
    if (ins.op === 'ld') a = { offset: ins.k, mask: 0xffffffff };
    else if (ins.op === 'and') a = { offset: a.offset, mask: (a.mask & ins.k) >>> 0 };
    else throw new Error(`libseccomp model: ${ins.op} inside an argument block`);
  }
  return { acc: a, test: blk.ins[blk.ins.length - 1]! };
}

/** The branches of a test: concrete (one) or symbolic (the feasible ones, with their conditions). */
function branches(run: Run, acc: Acc, test: Ins, conds: Path): Array<{ taken: boolean; conds: Path }> {
  const w = word(run, acc);
  if ('concrete' in w) return [{ taken: compare(test.op, (w.concrete & acc.mask) >>> 0, test.k >>> 0), conds }];
  const op = test.op === 'jeq' ? 'eq' : test.op === 'jgt' ? 'gt' : 'ge';
  const base = { arg: w.arg, half: w.half, op, mask: acc.mask, value: test.k >>> 0 } as const;
  const out: Array<{ taken: boolean; conds: Path }> = [];
  for (const taken of [true, false]) {
    const next = refine(conds, { ...base, negate: !taken });
    if (next !== undefined) out.push({ taken, conds: next });
  }
  return out;
}

function actionOf(run: Run, from: Blk, test: Ins, taken: boolean): number {
  const j = taken ? test.jt : test.jf;
  if (j.t !== 'hsh') throw new Error('libseccomp model: unresolved action jump');
  const b = run.find(from, j.h);
  const r = b.ins[0];
  if (b.ins.length !== 1 || r?.op !== 'ret') throw new Error('libseccomp model: an action edge does not reach a ret');
  return r.k;
}

/**
 * A level as a first-match list (the shape lower.ts gives the intended meaning): each node's
 * decisions in order, where a branch that falls through to the next node with the accumulator
 * that node is listed with emits nothing. A fall-through that arrives with another accumulator
 * (the stale-accumulator bug) is spelled out to its actions right there (`leave`), as is
 * everything under `complete`, so no path of it can reach the listed form of that node.
 */
function walk(run: Run, insts: readonly Inst[], from: number, entry: Acc, conds: Path, cont: Cont | null, complete: boolean, depth: number): void {
  if (depth > 10_000) throw new Error('libseccomp model: argument tree too deep');
  let acc = entry;
  for (let i = from; i < insts.length; i++) {
    const inst = insts[i]!;
    // Unreachable from here on: nothing falls through to this node, so it was never placed.
    if (!run.placed(inst.blk)) return;
    const p = prelude(run, inst.blk, acc);
    const last = i === insts.length - 1;
    const next: Cont | null = last ? cont : { insts, index: i + 1, acc: p.acc, next: cont };
    for (const b of branches(run, p.acc, p.test, conds)) {
      const edge = b.taken ? inst.t : inst.f;
      if (edge.k === 'action') emit(run, b.conds, actionOf(run, inst.blk, p.test, b.taken));
      else if (edge.k === 'child') {
        if ('action' in edge.level) emit(run, b.conds, edge.level.action.ins[0]!.k);
        else walk(run, edge.level.insts, 0, p.acc, b.conds, next, complete, depth + 1);
      } else if (complete || !listedAs(run, next, p.acc)) leave(run, next, p.acc, b.conds, depth);
    }
    if (complete) return;
    acc = p.acc;
  }
}

/** Is falling into `cont` holding `acc` what its listed form assumes? */
function listedAs(run: Run, cont: Cont | null, acc: Acc): boolean {
  const target = firstNode(cont);
  return target === undefined || sameEntry(run, target.inst.blk, acc, target.acc);
}

function firstNode(cont: Cont | null): { inst: Inst; acc: Acc } | undefined {
  for (let c = cont; c !== null; c = c.next) if (c.index < c.insts.length) return { inst: c.insts[c.index]!, acc: c.acc };
  return undefined;
}

/** Everything from the fall-through `cont` on, entered holding `acc`, spelled out. */
function leave(run: Run, cont: Cont | null, acc: Acc, conds: Path, depth: number): void {
  let c = cont;
  while (c !== null && c.index >= c.insts.length) c = c.next;
  if (c === null) {
    emit(run, conds, run.defaultAction);
    return;
  }
  walk(run, c.insts, c.index, acc, conds, c.next, true, depth + 1);
}

/** The dispatch: nr and arch are concrete, so this is a plain run up to the syscall's tree. */
function dispatch(run: Run, start: Blk): void {
  let b = start;
  let i = 0;
  let a: Acc = { offset: -1, mask: 0xffffffff };
  for (let steps = 0; steps < 1_000_000; steps++) {
    if (i === 0) a = enter(run, b, a);
    if (i >= b.ins.length) {
      if (b.next === null) throw new Error('libseccomp model: the program falls off its end');
      b = b.next;
      i = 0;
      continue;
    }
    const ins = b.ins[i]!;
    if (ins.op === 'ret') return emit(run, EMPTY_PATH, ins.k);
    if (ins.op === 'ld') a = { offset: ins.k, mask: 0xffffffff };
    else if (ins.op === 'and') a = { offset: a.offset, mask: (a.mask & ins.k) >>> 0 };
    else {
      const w = word(run, a);
      if (!('concrete' in w)) throw new Error('libseccomp model: the dispatch tests an argument');
      const taken = compare(ins.op, (w.concrete & a.mask) >>> 0, ins.k >>> 0);
      const j = taken ? ins.jt : ins.jf;
      if (j.t === 'none') {
        i++;
        continue;
      }
      if (j.t !== 'hsh') throw new Error(`libseccomp model: unresolved ${j.t} jump`);
      const level = taken && b.kind === 'syscall' ? run.chains.get(b) : undefined;
      if (level) {
        // Into the syscall's argument tree, whose fall-through is the default action.
        if ('action' in level) emit(run, EMPTY_PATH, level.action.ins[0]!.k);
        else walk(run, level.insts, 0, a, EMPTY_PATH, null, false, 0);
        return;
      }
      b = run.find(b, j.h);
      i = 0;
      continue;
    }
    i++;
  }
  throw new Error('libseccomp model: the dispatch does not end');
}

export interface LayoutLowering {
  readonly policies: AbiPolicy[];
  /** ABIs where a reproduced bug changed at least one comparison. */
  readonly bugHits: ReadonlyMap<string, number>;
}

/** Lowers every ABI of the filter through libseccomp's own layout. */
export function lowerLayout(dbs: readonly ArchDb[], o: LayoutOptions, bugs: ReproduceBugs): LayoutLowering {
  const layout = buildLayout(dbs, o);
  // A jump resolves to the first block with that hash after the jumper (duplicates of main-list
  // blocks, such as two arches' identical `ld nr`, are distinct blocks with one hash).
  const pos = new Map<Blk, number>();
  const byHash = new Map<number, Blk[]>();
  let n = 0;
  for (let b: Blk | null = layout.head; b !== null; b = b.next) {
    pos.set(b, n++);
    byHash.set(b.hash, [...(byHash.get(b.hash) ?? []), b]);
  }
  const find = (from: Blk, h: number): Blk => {
    const all = byHash.get(h);
    if (!all) throw new Error(`libseccomp model: nothing in the program has hash ${h}`);
    if (all.length === 1) return all[0]!;
    const p = pos.get(from)!;
    const hit = all.find((b) => pos.get(b)! > p);
    if (!hit) throw new Error('libseccomp model: a jump goes backwards');
    return hit;
  };
  const policies: AbiPolicy[] = [];
  const bugHits = new Map<string, number>();
  const done = new Set<ArchDb>();
  for (const db of dbs) {
    if (done.has(db)) continue;
    const partner = db.arch === X86_64 ? dbs.find((d) => d.arch === X32) : db.arch === X32 ? dbs.find((d) => d.arch === X86_64) : undefined;
    const group = partner ? [db, partner] : [db];
    for (const g of group) done.add(g);
    const maps = group.map(() => new Map<number, readonly Decision[]>());
    const keys = new Set<number>();
    for (const g of group) for (const e of g.entries) if (isEmitted(e, o.tskip)) keys.add(e.key);
    for (const nr of keys) {
      const run: Run = { arch: db.arch, auditArch: db.arch.auditArch, nr, bugs, find, chains: layout.chains, placed: (b) => pos.has(b), defaultAction: o.defaultAction, out: [], hits: 0 };
      dispatch(run, layout.head);
      const target = group.length === 1 ? 0 : group.findIndex((g) => (g.arch.nrBit !== 0) === nr >= 0x4000_0000);
      maps[Math.max(0, target)]!.set(nr, run.out);
      if (run.hits > 0) for (const g of group) bugHits.set(g.arch.name, (bugHits.get(g.arch.name) ?? 0) + run.hits);
    }
    group.forEach((g, i) => policies.push({ arch: g.arch, defaultAction: o.defaultAction >>> 0, syscalls: maps[i]! }));
  }
  // Keep the arch-check order of the filter.
  policies.sort((x, y) => dbs.findIndex((d) => d.arch === x.arch) - dbs.findIndex((d) => d.arch === y.arch));
  return { policies, bugHits };
}
