// SPDX-License-Identifier: Apache-2.0
// The decision space the profile differential suite (./profiles-libseccomp.test.ts) probes for one
// compiled profile: every syscall number of every ABI of the filter (with zero and random
// arguments), the numbers where dispatch changes (0, -1, x32's bit, runc's stub maxima, the mips
// bases), random numbers, a bad arch; and for every syscall whose decisions test arguments,
// argument vectors at the boundaries of every constant: each 32-bit word the policy compares
// (value, ±1, masked variants) combined with high words 0, 1 and 0xffffffff, the 64-bit boundaries
// of every datum the runtime handed libseccomp (its companions' a0 call numbers included), vectors
// satisfying each decision with one argument moved to each boundary, and random values.

import { ARCHES, syscallNames, syscallNumber, type Arch } from '../../src/arch/index.js';
import { join64 } from '../../src/bits.js';
import type { AbiPolicy, Decision, Policy, WordCondition } from '../../src/policy/policy.js';
import type { ApiFilter } from '../../src/resolve/types.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { boundaries, type Rng } from './libseccomp-gen.js';
import { IPCCALL, SOCKETCALL } from './libseccomp-oracle.js';

const X32_BIT = 0x4000_0000;
/** At most this many argument vectors per (ABI, syscall). */
const PER_SYSCALL = 128;

function u32s(...vs: number[]): number[] {
  return vs.map((v) => v >>> 0);
}

/** 32-bit words where a word condition's answer can change. */
function wordEdges(c: WordCondition): number[] {
  const v = c.value >>> 0;
  const out = u32s(v, v - 1, v + 1, 0, 0xffffffff);
  if (c.mask !== 0xffffffff) {
    const m = c.mask >>> 0;
    const low = m & -m;
    out.push(...u32s(v | ~m, v ^ low, (v & m) ^ (m >>> 0 === 0 ? 0 : 1 << (31 - Math.clz32(m))), m));
  }
  return out;
}

interface ArgCandidates {
  lo: Set<number>;
  hi: Set<number>;
  full: Set<bigint>;
}

function candidates(decisions: readonly Decision[], apiArgs: readonly ApiArg[]): ArgCandidates[] {
  const out: ArgCandidates[] = Array.from({ length: 6 }, () => ({ lo: new Set([0, 1, 0xffffffff]), hi: new Set([0, 1, 0xffffffff]), full: new Set<bigint>() }));
  for (const d of decisions) for (const c of d.conditions) for (const w of wordEdges(c)) out[c.arg]![c.half].add(w);
  for (const c of apiArgs) for (const v of boundaries({ arg: c.arg, op: c.op as never, a: c.a, b: c.b })) out[c.arg]?.full.add(v);
  return out;
}

/** One word condition on the word `w` (the same test as evaluate()'s holds()). */
function holdsWord(c: WordCondition, w: number): boolean {
  const v = (w & c.mask) >>> 0;
  const k = c.value >>> 0;
  return (c.op === 'eq' ? v === k : c.op === 'gt' ? v > k : v >= k) !== c.negate;
}

/** A 32-bit word satisfying every condition in `conds` (all on one word), from the candidates or by search. */
function solveWord(conds: readonly WordCondition[], pool: Iterable<number>, rng: Rng): number | undefined {
  const ok = (w: number): boolean => conds.every((c) => holdsWord(c, w));
  for (const w of pool) if (ok(w)) return w;
  for (let i = 0; i < 64; i++) {
    const w = rng.u32();
    if (ok(w)) return w;
  }
  return undefined;
}

/** Argument vectors that satisfy each decision (where some satisfying word exists among the candidates). */
function satisfying(decisions: readonly Decision[], cand: readonly ArgCandidates[], rng: Rng): bigint[][] {
  const out: bigint[][] = [];
  for (const d of decisions) {
    const args: bigint[] = Array.from({ length: 6 }, () => 0n);
    let ok = true;
    for (let a = 0; a < 6 && ok; a++) {
      const words: number[] = [];
      for (const half of ['hi', 'lo'] as const) {
        const conds = d.conditions.filter((c) => c.arg === a && c.half === half);
        const w = conds.length === 0 ? 0 : solveWord(conds, cand[a]![half], rng);
        if (w === undefined) ok = false;
        words.push(w ?? 0);
      }
      args[a] = join64(words[0]!, words[1]!);
    }
    if (ok) out.push(args);
  }
  return out;
}

function argVectors(decisions: readonly Decision[], apiArgs: readonly ApiArg[], rng: Rng): bigint[][] {
  const zero = (): bigint[] => Array.from({ length: 6 }, () => 0n);
  // Nothing tests the arguments here: zero arguments, and now and then random ones.
  if (decisions.every((d) => d.conditions.length === 0) && apiArgs.length === 0) return rng.chance(0.25) ? [zero(), Array.from({ length: 6 }, () => rng.u64())] : [zero()];
  const cand = candidates(decisions, apiArgs);
  const out: bigint[][] = [zero()];
  const satisfied = satisfying(decisions, cand, rng);
  const bases = [zero(), ...(satisfied.length <= 12 ? satisfied : rng.sample(satisfied, 12))];
  const used = new Set<number>();
  for (const d of decisions) for (const c of d.conditions) used.add(c.arg);
  for (const c of apiArgs) used.add(c.arg);
  // One argument at a time at each of its boundaries, on the base vectors in turn (each boundary
  // once; when there are too many, a sample of them).
  const moves: Array<[number, bigint]> = [];
  for (const a of used) {
    const values = new Set<bigint>(cand[a]!.full);
    for (const lo of cand[a]!.lo) for (const hi of [0, 1, 0xffffffff]) values.add(join64(hi, lo));
    for (const hi of cand[a]!.hi) values.add(join64(hi, 0));
    for (const v of values) moves.push([a, v]);
  }
  const room = PER_SYSCALL - bases.length - 20;
  const picked = moves.length <= room ? moves : rng.sample(moves, room);
  picked.forEach(([a, v], i) => {
    const args = [...bases[i % bases.length]!];
    args[a] = v;
    out.push(args);
  });
  out.push(...bases.slice(1));
  // Random mixtures of the boundaries, and random values.
  const pools = cand.map((c) => ({ full: [...c.full], lo: [...c.lo], hi: [...c.hi] }));
  const mix = (a: number): bigint => {
    const p = pools[a]!;
    return p.full.length > 0 && rng.chance(0.4) ? rng.pick(p.full) : join64(rng.pick(p.hi), rng.pick(p.lo));
  };
  for (let i = 0; i < 16; i++) out.push(pools.map((_p, a) => (used.has(a) && rng.chance(0.8) ? mix(a) : rng.chance(0.5) ? 0n : rng.u64())));
  for (let i = 0; i < 4; i++) out.push(Array.from({ length: 6 }, () => rng.u64()));
  return out;
}

type ApiArg = { arg: number; op: string; a: bigint; b: bigint };

/** Per syscall number of `arch`, the comparisons (64-bit data) the API rules reaching it carry: by name, or as socketcall/ipc companions. */
function apiArgsByNumber(filter: ApiFilter, arch: Arch): Map<number, ApiArg[]> {
  const out = new Map<number, ApiArg[]>();
  const add = (nr: number | undefined, args: readonly ApiArg[]): void => {
    if (nr === undefined) return;
    out.set(nr >>> 0, [...(out.get(nr >>> 0) ?? []), ...args]);
  };
  for (const r of filter.rules) {
    // A number is in the native (first) ABI's numbering; other ABIs get it by name, if at all.
    const name = typeof r.syscall === 'string' ? r.syscall : undefined;
    add(name !== undefined ? syscallNumber(arch, name) : arch === filter.arches[0] ? (r.syscall as number) : undefined, r.args);
    const mux = arch.multiplexers;
    if (!mux || name === undefined) continue;
    const rest = r.args.filter((c) => c.arg !== 0);
    if (SOCKETCALL[name] !== undefined) add(mux.socketcall, [{ arg: 0, op: 'EQ', a: BigInt(SOCKETCALL[name]!), b: 0n }, ...rest]);
    if (IPCCALL[name] !== undefined) add(mux.ipc, [{ arg: 0, op: 'EQ', a: BigInt(IPCCALL[name]!), b: 0n }, ...rest]);
  }
  return out;
}

/** Numbers worth asking about on `arch` besides its syscalls. */
function edgeNumbers(arch: Arch, policy: Policy, rng: Rng): number[] {
  const out = u32s(0, 1, 0xffffffff, 0xfffffffe, 0x3fffffff, X32_BIT, X32_BIT + 1, 0x7fffffff, 0x80000000, rng.u32(), rng.u32(), rng.int(1024), arch.nrBase + rng.int(1024));
  if (arch.nrBase > 0) out.push(arch.nrBase - 1, arch.nrBase, arch.nrBase + 999, arch.nrBase + 1000);
  for (const e of policy.enosysStub?.entries ?? []) if (e.arch === arch) out.push(...u32s(e.max - 1, e.max, e.max + 1, e.max + 2));
  return out.map((n) => (arch.nrBit !== 0 ? (n | arch.nrBit) >>> 0 : n));
}

export interface Space {
  readonly queries: SeccompData[];
  /** Queries that test arguments (per syscall with conditions). */
  readonly argQueries: number;
}

/** Every query for one compiled profile. */
export function decisionSpace(policy: Policy, filter: ApiFilter, rng: Rng): Space {
  const queries: SeccompData[] = [];
  let argQueries = 0;
  const seen = new Set<string>();
  const push = (arch: number, nr: number, args: readonly bigint[]): void => {
    const key = `${arch}/${nr}/${args.join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    queries.push({ nr: nr >>> 0, arch: arch >>> 0, instructionPointer: 0n, args });
  };
  const abis: AbiPolicy[] = [...policy.abis];
  for (const abi of abis) {
    const arch = abi.arch;
    const numbers = new Set<number>(syscallNames(arch).map((n) => syscallNumber(arch, n)!));
    if (arch.multiplexers) numbers.add(arch.multiplexers.socketcall).add(arch.multiplexers.ipc);
    for (const nr of abi.syscalls.keys()) numbers.add(nr);
    for (const nr of edgeNumbers(arch, policy, rng)) numbers.add(nr);
    const api = apiArgsByNumber(filter, arch);
    for (const nr of numbers) {
      const decisions = abi.syscalls.get(nr) ?? [];
      const vectors = argVectors(decisions, api.get(nr) ?? [], rng);
      if (vectors.length > 2) argQueries += vectors.length;
      if (vectors.length <= 2) for (const v of vectors) queries.push({ nr: nr >>> 0, arch: arch.auditArch, instructionPointer: 0n, args: v });
      else for (const v of vectors) push(arch.auditArch, nr, v);
    }
    // x86_64 alone: x32-numbered calls arrive with the same AUDIT_ARCH.
    if (arch.nrBit === 0 && ARCHES.some((o) => o.auditArch === arch.auditArch && o.nrBit !== 0)) {
      for (const nr of [...abi.syscalls.keys()].slice(0, 64)) push(arch.auditArch, (nr | X32_BIT) >>> 0, Array.from({ length: 6 }, () => 0n));
    }
  }
  // The bad-arch path: ABIs the filter does not have, and a value no ABI uses.
  const present = new Set(abis.map((a) => a.arch.auditArch));
  const someNr = abis[0] ? ([...abis[0].syscalls.keys()][0] ?? 0) : 0;
  for (const other of ARCHES) if (!present.has(other.auditArch)) push(other.auditArch, someNr, Array.from({ length: 6 }, () => 0n));
  push(0x1234_5678, someNr, Array.from({ length: 6 }, () => 0n));
  push(rng.u32() | 1, 0, Array.from({ length: 6 }, () => rng.u64()));
  return { queries, argQueries };
}
