// SPDX-License-Identifier: Apache-2.0
// Seeded generators for the libseccomp differential suite: rule sets inside the oracle's
// unambiguous zone (./libseccomp-oracle.ts) and the seccomp_data queries that probe them
// (boundary values of every datum, high-bit variants, other syscalls, bad arches, the x32 guard).

import { ARCHES, archByName, syscallNames, type Arch } from '../../src/arch/index.js';
import { encodeAction, type ActionKind } from '../../src/seccomp/action.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import type { ArgCmp, CmpOp } from '../../src/linux/libseccomp.js';
import { compare, muxFamily, nameFact, nativeRoundTrips, X32_BIT, type Model } from './libseccomp-oracle.js';

const U64 = 0xffff_ffff_ffff_ffffn;

/** splitmix32-style PRNG: small, fast, good enough, and the same on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  sample<T>(xs: readonly T[], n: number): T[] {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }
}

export const OPS: readonly CmpOp[] = ['NE', 'LT', 'LE', 'EQ', 'GE', 'GT', 'MASKED_EQ'];

/** A 64-bit datum: small, word-edge, high-bit, sign-extended or random. */
export function datum(rng: Rng): bigint {
  switch (rng.int(9)) {
    case 0: return BigInt(rng.int(8));
    case 1: return BigInt(rng.int(4096));
    case 2: return 0xffff_ffffn - BigInt(rng.int(3));
    case 3: return (1n << 32n) + BigInt(rng.int(64));
    case 4: return U64 - BigInt(rng.int(4)); // -1, -2… as C passes negative ints
    case 5: return 0x8000_0000_0000_0000n | BigInt(rng.int(16));
    case 6: return BigInt(rng.u32());
    case 7: return (BigInt(rng.u32()) << 32n) | BigInt(rng.int(16));
    default: return rng.u64();
  }
}

function mask(rng: Rng): bigint {
  switch (rng.int(6)) {
    case 0: return 0n; // tautology, dropped by libseccomp
    case 1: return BigInt((1 << rng.int(32)) >>> 0);
    case 2: return 0xffff_ffffn;
    case 3: return 0xffff_ffff_0000_0000n; // low half 0: `and 0; jeq 0` still emitted on 64-bit
    case 4: return BigInt(rng.u32() & 0xfff0);
    default: return rng.u64();
  }
}

export function condition(rng: Rng, arg: number): ArgCmp {
  const op = rng.pick(OPS);
  if (op !== 'MASKED_EQ') return { arg, op, a: datum(rng) };
  const m = mask(rng);
  const v = rng.chance(0.6) ? datum(rng) & m : datum(rng); // sometimes bits outside the mask
  return { arg, op, a: m, b: v };
}

const ACTION_KINDS: readonly ActionKind[] = ['KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'ERRNO', 'TRACE', 'LOG', 'ALLOW'];
export const DEFAULT_KINDS: readonly ActionKind[] = ['ERRNO', 'KILL_THREAD', 'TRAP', 'LOG', 'ALLOW', 'TRACE', 'KILL_PROCESS'];

/** An action libseccomp 2.5.4 accepts: TRAP without data (§10.3), ERRNO data < 4095 (§10.2). */
export function action(rng: Rng, kind: ActionKind = rng.pick(ACTION_KINDS)): number {
  if (kind === 'ERRNO') return encodeAction(kind, rng.chance(0.5) ? rng.pick([1, 13, 38, 95]) : rng.int(4095));
  if (kind === 'TRACE') return encodeAction(kind, rng.int(0x10000));
  return encodeAction(kind);
}

/** Names usable in a filter over `arches`: the tables agree on every ABI and the native number round-trips. */
export function namePool(arches: readonly Arch[]): string[] {
  const all = new Set(ARCHES.flatMap((a) => [...syscallNames(a)]));
  return [...all]
    .filter((n) => n !== 'socketcall' && n !== 'ipc')
    .filter((n) => arches.every((a) => nameFact(a, n).ok) && nativeRoundTrips(n))
    .sort();
}

export interface GenRule {
  readonly action: number;
  readonly name: string;
  readonly args: readonly ArgCmp[];
  /** Deliberately equal to the default action: libseccomp must answer -EACCES. */
  readonly expectEacces: boolean;
}

export interface GenFilter {
  readonly arches: readonly string[];
  readonly defaultAction: number;
  readonly badArch?: number;
  readonly optimize: 1 | 2;
  readonly rules: readonly GenRule[];
}

export interface GenOptions {
  readonly minRules?: number;
  readonly maxRules?: number;
  /** Probability that a rule has conditions. */
  readonly pConditional?: number;
  /** Extra unconditional ALLOW rules (Docker-size filters). */
  readonly unconditional?: number;
  readonly defaultKind?: ActionKind;
}

/** A random rule set in the unambiguous zone over `archNames` (all of one byte order). */
export function genFilter(rng: Rng, archNames: readonly string[], pool: readonly string[], o: GenOptions = {}): GenFilter {
  const arches = archNames.map((n) => archByName(n)!);
  const defaultAction = action(rng, o.defaultKind ?? rng.pick(DEFAULT_KINDS));
  const mux = arches.some((a) => a.multiplexers);
  const n = Math.min(pool.length, (o.minRules ?? 1) + rng.int((o.maxRules ?? 12) - (o.minRules ?? 1) + 1));
  const names: string[] = [];
  const families = new Set<string>();
  for (const name of rng.sample(pool, pool.length)) {
    if (names.length >= n + (o.unconditional ?? 0)) break;
    const fam = muxFamily(name);
    if (mux && fam) {
      if (families.has(fam)) continue; // one companion per multiplexer keeps the zone unambiguous
      families.add(fam);
    }
    names.push(name);
  }
  const rules: GenRule[] = names.map((name, i) => {
    if (i >= n) return { action: ALLOW === defaultAction ? encodeAction('LOG') : ALLOW, name, args: [], expectEacces: false };
    const expectEacces = rng.chance(0.04);
    let act = expectEacces ? defaultAction : action(rng);
    while (!expectEacces && act === defaultAction) act = action(rng);
    const args: ArgCmp[] = [];
    if (rng.chance(o.pConditional ?? 0.8)) {
      const idx = rng.sample([0, 1, 2, 3, 4, 5], 1 + rng.int(rng.chance(0.2) ? 6 : 3));
      for (const arg of idx) args.push(condition(rng, arg));
    }
    return { action: act, name, args, expectEacces };
  });
  const badArch = rng.chance(0.3) ? action(rng) : undefined;
  return { arches: archNames, defaultAction, ...(badArch !== undefined ? { badArch } : {}), optimize: rng.chance(0.5) ? 1 : 2, rules };
}

const ALLOW = encodeAction('ALLOW');

/** Values around a comparison's datum (and mask): where its answer flips, with high-bit variants. */
export function boundaries(c: ArgCmp): bigint[] {
  const w = (v: bigint): bigint => BigInt.asUintN(64, v);
  const out = new Set<bigint>([0n, U64, 0xffff_ffffn, 1n << 32n]);
  const around = (d: bigint): void => {
    for (const v of [d, d - 1n, d + 1n, d ^ (1n << 32n), d | 0xffff_ffff_0000_0000n, d & 0xffff_ffffn, (d & 0xffff_ffffn) | (1n << 32n), d ^ (1n << 63n), d ^ 1n]) out.add(w(v));
  };
  if (c.op === 'MASKED_EQ') {
    const m = w(c.a);
    const v = w(c.b ?? 0n);
    around(v & m);
    around(v);
    out.add(w((v & m) | ~m));
    out.add(m);
    const low = m & -m; // lowest set bit of the mask
    if (low) out.add(w((v & m) ^ low));
    const top = m ? 1n << BigInt(m.toString(2).length - 1) : 0n; // highest set bit of the mask
    if (top) out.add(w((v & m) ^ top));
  } else around(w(c.a));
  return [...out];
}

/** Argument values that satisfy every comparison under `bits`, when the boundaries contain one. */
export function satisfying(rng: Rng, args: readonly ArgCmp[], bits: 32 | 64): bigint[] {
  const v = Array.from({ length: 6 }, () => (rng.chance(0.5) ? BigInt(rng.int(100)) : rng.u64()));
  for (const c of args) {
    const ok = boundaries(c).filter((x) => compare(c, x, bits));
    if (ok.length > 0) v[c.arg] = rng.pick(ok);
  }
  return v;
}

function data(arch: Arch, nr: number, args: readonly bigint[], rng: Rng): SeccompData {
  return { nr: nr >>> 0, arch: arch.auditArch, instructionPointer: rng.u64(), args };
}

/** Every query for one program: rule syscalls at boundaries, other syscalls, bad arches, the x32 guard. */
export function queries(rng: Rng, model: Model): SeccompData[] {
  const out: SeccompData[] = [];
  const rand6 = (): bigint[] => Array.from({ length: 6 }, () => rng.u64());
  const inFilter = new Set(model.arches.map((a) => a.auditArch));
  for (const arch of model.arches) {
    const table = model.tables.get(arch)!;
    for (const [nr, e] of table) {
      const base = satisfying(rng, e.args, arch.bits);
      out.push(data(arch, nr, base, rng));
      out.push(data(arch, nr, rand6(), rng));
      for (const c of e.args) {
        for (const v of boundaries(c)) {
          const args = [...base];
          args[c.arg] = v;
          out.push(data(arch, nr, args, rng));
        }
      }
      if (arch.nrBit === 0 && arch.auditArch === 0xc000_003e) out.push(data(arch, (nr | X32_BIT) >>> 0, base, rng));
      if (arch.nrBit !== 0) out.push(data(arch, nr & ~arch.nrBit, base, rng));
    }
    // Other syscalls of the ABI, numbers nobody uses, the edges of the number space.
    const names = syscallNames(arch);
    for (let i = 0; i < 12; i++) {
      const nr = nameFact(arch, rng.pick(names)).nr;
      if (nr !== undefined) out.push(data(arch, nr, rand6(), rng));
    }
    for (const nr of [0, 1, arch.nrBase, arch.nrBase + 999, 0x3fff_ffff, X32_BIT, X32_BIT | 1, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff, rng.u32(), rng.int(1024) + arch.nrBase]) {
      out.push(data(arch, (nr | arch.nrBit) >>> 0, rand6(), rng));
      out.push(data(arch, nr, rand6(), rng));
    }
  }
  // The bad-arch path: every other ABI's AUDIT_ARCH, and random values.
  const first = model.arches[0]!;
  const someNr = [...model.tables.get(first)!.keys()][0] ?? 0;
  for (const other of ARCHES) {
    if (inFilter.has(other.auditArch)) continue;
    out.push({ nr: someNr, arch: other.auditArch, instructionPointer: 0n, args: rand6() });
  }
  for (let i = 0; i < 3; i++) out.push({ nr: someNr, arch: rng.u32(), instructionPointer: 0n, args: rand6() });
  return out;
}
