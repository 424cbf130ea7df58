// SPDX-License-Identifier: Apache-2.0
// The ledger predicates of the profile differential suite (./profiles-libseccomp.test.ts): for a
// verdict libseccomp's exported program gives and syscage's does not, which known difference
// (./known-differences.json) accounts for it, each checked, not assumed:
//   - names Debian's 2.5.4 cannot resolve: the model of the calls 2.5.4 really made (without
//     those rules) gives libseccomp's verdict;
//   - GHSA-4q85 (2.5.4's merge): the model with version '2.5' gives it and the 2.6 one does not;
//   - the missing `ld nr`: libseccomp's path never loads nr and the model predicts that ABI;
//   - numbers 2.5.4's table (through the x86_64 native arch of this machine) puts elsewhere: the
//     query's nr is one of them;
//   - the stale accumulator (below): libseccomp's program itself, with A as intended, gives
//     syscage's verdict.
//
// Ledger "libseccomp-stale-accumulator-after-sibling-fallthrough": gen_bpf tracks what the accumulator holds
// and omits a `ld` when the word is already loaded. When a rule's chain fails inside a deeper
// level (e.g. the low-word test of a 64-bit LT) and jumps to the next sibling node of the level
// above (another rule's high-word test on the same argument), that sibling's code was generated
// assuming A still holds the upper level's word, so its `ld` was omitted: it compares the low
// word instead. In the program this shows as an instruction that uses A and is reached with A
// loaded from different places. The predicate: libseccomp's path for the query goes through such
// an instruction, and running the same program with A holding, there, the word the other ways in
// load, gives syscage's verdict.

import { knownSyscallNames, syscallNumber, type Arch, type Endian } from '../../src/arch/index.js';
import type { Instruction, Program } from '../../src/bpf/instruction.js';
import { resolveSyscall, resolveSyscallNumber } from '../../src/linux/libseccomp.js';
import { abiFor, evaluate } from '../../src/policy/evaluate.js';
import type { Policy } from '../../src/policy/policy.js';
import { applyLibseccomp, type LibseccompModel } from '../../src/resolve/libseccomp/index.js';
import type { ApiFilter } from '../../src/resolve/types.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_CLASS, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_MODE, BPF_OP, BPF_RET, BPF_SIZE, BPF_SRC, BPF_W } from '../../src/bpf/opcodes.js';
import { layout, type SeccompData } from '../../src/seccomp/data.js';
import { bswap32 } from './libseccomp-repair.js';

/** What A holds: `w<offset>` for a 32-bit load, `&<mask>` appended after an `and`; `?` otherwise. */
type Source = string;

function transfer(ins: Instruction, s: Source): Source {
  const cls = BPF_CLASS(ins.code);
  if (cls === BPF_LD) return BPF_MODE(ins.code) === BPF_ABS && BPF_SIZE(ins.code) === BPF_W ? `w${ins.k}` : '?';
  if (cls === BPF_ALU) return BPF_OP(ins.code) === BPF_AND && BPF_SRC(ins.code) === BPF_K ? `${s}&${ins.k >>> 0}` : '?';
  if (cls === BPF_JMP || cls === BPF_RET) return s;
  return '?';
}

const usesA = (ins: Instruction): boolean => BPF_CLASS(ins.code) === BPF_ALU || (BPF_CLASS(ins.code) === BPF_JMP && BPF_OP(ins.code) !== BPF_JA) || (BPF_CLASS(ins.code) === BPF_RET && (ins.code & 0x18) === 0x10);

function successors(ins: Instruction, pc: number): number[] {
  const cls = BPF_CLASS(ins.code);
  if (cls === BPF_RET) return [];
  if (cls === BPF_JMP) return BPF_OP(ins.code) === BPF_JA ? [pc + 1 + ins.k] : [pc + 1 + ins.jt, pc + 1 + ins.jf];
  return [pc + 1];
}

/** Per pc, every Source A can hold on entry (classic BPF jumps only forward: one pass in pc order). */
export function accumulatorSources(program: readonly Instruction[]): Set<Source>[] {
  const into: Set<Source>[] = program.map(() => new Set());
  into[0]!.add('?');
  program.forEach((ins, pc) => {
    for (const s of into[pc]!) {
      const out = transfer(ins, s);
      for (const t of successors(ins, pc)) into[t]?.add(out);
    }
  });
  return into;
}

/** pcs of instructions that use A and are reached with A loaded from different places. */
export function staleUses(program: readonly Instruction[], sources = accumulatorSources(program)): Set<number> {
  const out = new Set<number>();
  program.forEach((ins, pc) => {
    if (usesA(ins) && new Set([...sources[pc]!].filter((s) => s !== '?')).size > 1) out.add(pc);
  });
  return out;
}

function valueOf(s: Source, view: DataView, le: boolean): number | undefined {
  const m = /^w(\d+)((?:&\d+)*)$/.exec(s);
  if (!m) return undefined;
  let v = view.getUint32(Number(m[1]), le);
  for (const mask of m[2]!.split('&').slice(1)) v = (v & Number(mask)) >>> 0;
  return v;
}

/**
 * The verdicts libseccomp's program gives for `data` when, at one or more stale uses on the way,
 * A holds one of the other words that reach there instead of the one this path loaded.
 * Handles what gen_bpf emits (ld [k], and #k, jeq/jgt/jge/jset #k, ja, ret #k).
 */
export function verdictsWithIntendedAccumulator(program: Program, endian: Endian, data: SeccompData, maxSwaps = 4): Set<number> {
  const sources = accumulatorSources(program);
  const stale = staleUses(program, sources);
  const view = layout(data, endian);
  const le = endian === 'little';
  const out = new Set<number>();
  // `decided`: the stale use at pc has been decided already on this path (swapped or not).
  const run = (pc: number, a: number, src: Source, swaps: number, decided: number): void => {
    for (let steps = 0; steps <= program.length; steps++) {
      const ins = program[pc]!;
      if (stale.has(pc) && pc !== decided && swaps < maxSwaps) {
        for (const alt of sources[pc]!) {
          if (alt === src || alt === '?') continue;
          const v = valueOf(alt, view, le);
          if (v !== undefined) run(pc, v, alt, swaps + 1, pc);
        }
      }
      const cls = BPF_CLASS(ins.code);
      if (cls === BPF_RET) {
        // Only runs with at least one swap count: the plain run is libseccomp's own verdict.
        if (swaps > 0) out.add((ins.code & 0x18) === 0x10 ? a : ins.k >>> 0);
        return;
      }
      if (cls === BPF_LD) {
        if (BPF_MODE(ins.code) !== BPF_ABS || BPF_SIZE(ins.code) !== BPF_W) return;
        a = view.getUint32(ins.k, le);
        src = `w${ins.k}`;
        pc++;
      } else if (cls === BPF_ALU) {
        if (BPF_OP(ins.code) !== BPF_AND || BPF_SRC(ins.code) !== BPF_K) return;
        a = (a & ins.k) >>> 0;
        src = `${src}&${ins.k >>> 0}`;
        pc++;
      } else if (cls === BPF_JMP) {
        const op = BPF_OP(ins.code);
        if (op === BPF_JA) {
          pc += 1 + ins.k;
          continue;
        }
        if (BPF_SRC(ins.code) !== BPF_K) return;
        const k = ins.k >>> 0;
        const t = op === BPF_JEQ ? a === k : op === BPF_JGT ? a > k : op === BPF_JGE ? a >= k : op === BPF_JSET ? (a & k) !== 0 : false;
        pc += 1 + (t ? ins.jt : ins.jf);
      } else return;
    }
  };
  run(0, 0, '?', 0, -1);
  return out;
}

/** Ledger ids the suite relies on (./known-differences.json); the suite checks that each exists. */
export const LEDGER = {
  unknownNames: 'libseccomp-2.5.4-unknown-syscall-names',
  ghsa: 'libseccomp-ghsa-4q85-33p6-j5g6',
  noNrLoad: 'libseccomp-no-nr-load-when-top-syscall-absent',
  table: 'libseccomp-2.5.4-syscall-table-differences',
  staleAcc: 'libseccomp-stale-accumulator-after-sibling-fallthrough',
  beRetCopy: 'libseccomp-be-long-jump-ret-copy',
} as const;
export type LedgerId = (typeof LEDGER)[keyof typeof LEDGER];

const withStub = (p: Policy, stub: Policy['enosysStub']): Policy => (stub ? { ...p, enosysStub: stub } : p);

/** libseccomp 2.5.4's view of the same calls, for the predicates. */
export interface Explainer {
  /** Rules 2.5.4 could not resolve (rc -1 from exportFilter) although syscage's table has the name. */
  readonly unknown: ReadonlySet<number>;
  /** The model (2.6) of the calls 2.5.4 really made (those rules left out). */
  readonly reduced26: LibseccompModel;
  /** The same calls with 2.5.4's merge (GHSA-4q85 unfixed). */
  readonly reduced25: LibseccompModel;
  /** …and with libseccomp's missing `ld nr` reproduced. */
  readonly reduced25Bug: LibseccompModel;
  /** Per ABI, numbers where 2.5.4 (resolving on x86_64, translating by name) and syscage disagree about a name of the filter. */
  readonly tableNumbers: ReadonlyMap<Arch, readonly number[]>;
  /** Names of the filter that share their x86_64 pseudo number with another name in 2.5.4 (sys_debug_setcontext, switch_endian): 2.5.4 files both under one. */
  readonly colliding: ReadonlySet<string>;
  /** Instructions of libseccomp's program that use A and are reached with A loaded from different places. */
  readonly stale: ReadonlySet<number>;
}

let sharedPseudo: Set<string> | undefined;

/** Every name whose x86_64 pseudo number (2.5.4's header) another name has too. */
function pseudoCollisions(): Set<string> {
  if (sharedPseudo) return sharedPseudo;
  const byNr = new Map<number, string[]>();
  for (const n of knownSyscallNames()) {
    const v = resolveSyscall('x86_64', n);
    if (v !== undefined && v < 0) byNr.set(v, [...(byNr.get(v) ?? []), n]);
  }
  sharedPseudo = new Set([...byNr.values()].filter((ns) => ns.length > 1).flat());
  return sharedPseudo;
}

export function makeExplainer(filter: ApiFilter, libRcs: readonly number[], modelRcs: readonly number[], optimize: 1 | 2, lib: Program): Explainer {
  const unknown = new Set<number>();
  filter.rules.forEach((_r, i) => {
    if (libRcs[i] === -1 && modelRcs[i] !== -1) unknown.add(i);
  });
  const reduced: ApiFilter = { ...filter, rules: filter.rules.filter((_r, i) => !unknown.has(i)) };
  const tableNumbers = new Map<Arch, number[]>();
  const names = new Set(filter.rules.flatMap((r) => (typeof r.syscall === 'string' ? [r.syscall] : [])));
  for (const arch of filter.arches) {
    const nrs: number[] = [];
    for (const n of names) {
      const ours = syscallNumber(arch, n);
      // What 2.5.4 does on this x86_64 machine: resolve on x86_64, translate to the ABI by name (§2.1).
      const native = resolveSyscall('x86_64', n);
      if (native === undefined) continue;
      const viaNative = resolveSyscallNumber('x86_64', native) ?? n;
      const theirs = resolveSyscall(arch.name, viaNative);
      if (arch.multiplexers && theirs !== undefined && theirs < 0 && theirs >= -224) continue; // socket/ipc pseudo numbers: companions
      const theirsNr = theirs !== undefined && theirs >= 0 ? theirs : undefined;
      if (theirsNr !== ours) nrs.push(...[ours, theirsNr].filter((v): v is number => v !== undefined));
    }
    if (nrs.length > 0) tableNumbers.set(arch, nrs);
  }
  return {
    unknown,
    reduced26: applyLibseccomp(reduced, { version: '2.6', optimize }),
    reduced25: applyLibseccomp(reduced, { version: '2.5', optimize }),
    reduced25Bug: applyLibseccomp(reduced, { version: '2.5', optimize, reproduceNoNrLoadBug: true }),
    tableNumbers,
    colliding: new Set([...names].filter((n) => pseudoCollisions().has(n))),
    stale: staleUses(lib),
  };
}

function loadsNr(program: Program, path: readonly number[] | undefined): boolean {
  return (path ?? []).some((pc) => program[pc]!.code === 0x20 && program[pc]!.k === 0);
}

/**
 * The ledger entry that explains libseccomp answering `theirs` where syscage answers `ours` for
 * `q` (libseccomp's side already answered by runc's stub where it answers), predicate checked;
 * undefined when none does.
 */
export function explain(e: Explainer, policy: Policy, lib: Program, endian: Endian, q: SeccompData, ours: number, theirs: number): LedgerId | undefined {
  const stub = policy.enosysStub;
  const at = (m: LibseccompModel): number => evaluate(withStub(m.policy, stub), q).action;
  // The rules 2.5.4 could not resolve are missing from its filter, and that alone accounts for it.
  if (e.unknown.size > 0 && at(e.reduced26) === theirs) return LEDGER.unknownNames;
  // 2.5.4's merge (GHSA-4q85-33p6-j5g6): the 2.5 model gives libseccomp's answer, the 2.6 one does not.
  if (at(e.reduced25) === theirs && at(e.reduced26) !== theirs) return LEDGER.ghsa;
  const path = simulate(lib, endian, q, { trace: true }).path;
  // The block never loads nr: libseccomp's own path for q has no `ld [0]`, and the model predicts that ABI.
  const abi = abiFor(e.reduced25Bug.policy, q);
  if (abi && e.reduced25Bug.noNrLoad.includes(abi.arch.name) && at(e.reduced25Bug) === theirs && !loadsNr(lib, path)) return LEDGER.noNrLoad;
  // The same bug set off by 2.5.4's older table, which the model (syscage's table) cannot see: the
  // block's top entry is a syscall 2.5.4 lacks on one of its ABIs (x32 map_shadow_stack), so the
  // block never loads nr, every `jeq nr` compares the arch value and fails, and the call gets the
  // block's default. Checked: no `ld [0]` on libseccomp's path, a table difference on an ABI of the
  // block, and libseccomp's answer is that default.
  const block = (e.reduced25.policy.abis ?? []).filter((a) => a.arch.auditArch === q.arch >>> 0);
  const mine25 = abiFor(e.reduced25.policy, q);
  if (mine25 && !loadsNr(lib, path) && block.some((a) => e.tableNumbers.has(a.arch)) && theirs === mine25.defaultAction) return LEDGER.noNrLoad;
  // A syscall number 2.5.4's table (or its x86_64 pseudo-number round trip) puts elsewhere.
  const mine = abiFor(policy, q);
  if (mine && (e.tableNumbers.get(mine.arch) ?? []).includes(q.nr >>> 0)) return LEDGER.table;
  // libseccomp's code compares a stale accumulator on this path; with A as intended it gives ours.
  if ((path ?? []).some((pc) => e.stale.has(pc)) && verdictsWithIntendedAccumulator(lib, endian, q).has(ours >>> 0)) return LEDGER.staleAcc;
  return undefined;
}

