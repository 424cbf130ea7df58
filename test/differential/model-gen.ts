// SPDX-License-Identifier: Apache-2.0
// Seeded generators for the libseccomp model differential suite: ApiFilters well outside the
// "unambiguous zone" of ./libseccomp-oracle.ts (several rules per syscall that share
// constants, prefixes, longer chains, conflicting actions, unconditional overrides, rules
// equal to the default, same-index conditions, syscall -1, reserved and raw numbers, socket
// and ipc names on multiplexer ABIs), their libseccomp wire form, and the seccomp_data
// queries that probe them (every syscall number involved, every decision of the model's
// policy satisfied word by word, boundary values of every constant, high-word variants).

import { ARCHES, syscallNames, syscallNumber, X86_64, type Arch } from '../../src/arch/index.js';
import { u64 } from '../../src/bits.js';
import type { Policy, WordCondition } from '../../src/policy/policy.js';
import { encodeAction } from '../../src/seccomp/action.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import type { ApiFilter, ApiRule, CmpOp } from '../../src/resolve/types.js';
import { action, boundaries, datum, DEFAULT_KINDS, OPS, type Rng } from './libseccomp-gen.js';
import { IPCCALL, muxFamily, SOCKETCALL } from './libseccomp-oracle.js';
import type { WireRequest } from './model-child.js';

const U64 = 0xffff_ffff_ffff_ffffn;

function mask(rng: Rng): bigint {
  switch (rng.int(7)) {
    case 0: return 0n;
    case 1: return BigInt((1 << rng.int(32)) >>> 0);
    case 2: return 0xffff_ffffn;
    case 3: return 0xffff_ffff_0000_0000n;
    case 4: return BigInt(rng.u32() & 0xfff0);
    case 5: return U64;
    default: return rng.u64();
  }
}

type Arg = ApiRule['args'][number];

function cond(rng: Rng, arg: number, consts: readonly bigint[]): Arg {
  const op: CmpOp = rng.pick(OPS);
  const d = consts.length > 0 && rng.chance(0.7) ? rng.pick(consts) : datum(rng);
  if (op !== 'MASKED_EQ') return { arg, op, a: d, b: 0n };
  const m = mask(rng);
  return { arg, op, a: m, b: rng.chance(0.6) ? d & m : d };
}

/** Constants for one syscall: some share a high word, some sit next to each other. */
function constants(rng: Rng): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 3; i++) out.push(datum(rng));
  const b = out[0]!;
  out.push(u64(b + 1n), u64(b - 1n), (b & 0xffff_ffff_0000_0000n) | BigInt(rng.u32()), u64(b ^ (1n << 32n)));
  return out;
}

function someAction(rng: Rng, def: number): number {
  if (rng.chance(0.05)) return def; // -EACCES
  if (rng.chance(0.03)) return encodeAction('TRAP', 1 + rng.int(100)); // 2.5: -EINVAL
  if (rng.chance(0.02)) return encodeAction('ERRNO', 4095); // -EINVAL (< MAX_ERRNO)
  return action(rng);
}

export interface GenCase {
  readonly filter: ApiFilter;
  readonly archNames: readonly string[];
}

/** One random filter over `archNames` (all of one byte order), names from `pool`. */
export function genCase(rng: Rng, archNames: readonly string[], pool: readonly string[], archOf: (n: string) => Arch, muxOk: ReadonlySet<string>): GenCase {
  const arches = archNames.map(archOf);
  const mux = arches.some((a) => a.multiplexers);
  const defaultAction = action(rng, rng.pick(DEFAULT_KINDS));
  const tskip = rng.chance(0.15);
  const rules: Omit<ApiRule, 'origin'>[] = [];
  const muxNames = pool.filter((n) => muxFamily(n));
  const targets = 1 + rng.int(3);
  for (let t = 0; t < targets; t++) {
    const name = mux && muxNames.length > 0 && rng.chance(0.5) ? rng.pick(muxNames) : rng.pick(pool);
    const consts = constants(rng);
    const mine: Omit<ApiRule, 'origin'>[] = [];
    const n = 1 + rng.int(5);
    for (let i = 0; i < n; i++) {
      const act = someAction(rng, defaultAction);
      const prev = mine.length > 0 && rng.chance(0.5) ? rng.pick(mine) : undefined;
      let args: Arg[];
      if (prev && prev.args.length > 0 && rng.chance(0.7)) {
        args = [...prev.args];
        const mode = rng.int(4);
        if (mode === 0 && args.length > 1) args.pop(); // a prefix of an earlier rule
        else if (mode === 1) {
          const free = [0, 1, 2, 3, 4, 5].filter((a) => !args.some((c) => c.arg === a));
          if (free.length > 0) args.push(cond(rng, rng.pick(free), consts)); // longer
        } else if (mode === 2) {
          const k = rng.int(args.length);
          args[k] = cond(rng, args[k]!.arg, consts); // same arguments, another test
        } // mode 3: the same chain (duplicate or conflicting action)
      } else if (rng.chance(0.15)) args = [];
      else {
        const idx = rng.sample([0, 1, 2, 3, 4, 5], 1 + rng.int(rng.chance(0.15) ? 6 : 3)).sort();
        args = idx.map((a) => cond(rng, a, consts));
      }
      if (rng.chance(0.03) && args.length > 0) args = [...args, cond(rng, args[0]!.arg, consts)]; // same index twice
      if (rng.chance(0.01)) args = [0, 1, 2, 3, 4, 5, 0].map((a) => cond(rng, a, consts)); // 7 comparisons
      const rule = { action: act, syscall: name, args: rng.sample(args, args.length) };
      mine.push(rule);
    }
    rules.push(...mine);
    if (mux && muxFamily(name) && muxOk.has(muxFamily(name)!) && rng.chance(0.2)) rules.push({ action: someAction(rng, defaultAction), syscall: muxFamily(name)!, args: rng.chance(0.5) ? [] : [cond(rng, rng.int(6), consts)] });
  }
  for (let i = rng.int(3); i > 0; i--) rules.push({ action: someAction(rng, defaultAction), syscall: rng.pick(pool), args: rng.chance(0.5) ? [] : [cond(rng, rng.int(6), [])] });
  if (rng.chance(0.1)) rules.push({ action: someAction(rng, defaultAction), syscall: -1, args: rng.chance(0.5) ? [] : [cond(rng, rng.int(6), [])] });
  if (rng.chance(0.03)) rules.push({ action: someAction(rng, defaultAction), syscall: -2 - rng.int(98), args: [] });
  if (rng.chance(0.08)) {
    const nr = syscallNumber(X86_64, rng.pick(pool));
    if (nr !== undefined) rules.push({ action: someAction(rng, defaultAction), syscall: nr, args: rng.chance(0.5) ? [] : [cond(rng, rng.int(6), [])] });
  }
  if (rng.chance(0.04)) rules.push({ action: someAction(rng, defaultAction), syscall: 1000 + rng.int(40), args: [] });
  const shuffled = rng.chance(0.5) ? rng.sample(rules, rules.length) : rules;
  const filter: ApiFilter = {
    defaultAction,
    arches,
    rules: shuffled.map((r, i) => ({ ...r, origin: { pointer: `/rules/${i}` } })),
    attrs: { ...(rng.chance(0.3) ? { badArchAction: action(rng) } : {}), ...(tskip ? { tskip } : {}) },
  };
  return { filter, archNames };
}

/** The same calls for the libseccomp child. */
export function wire(id: number, c: GenCase, optimize: 1 | 2, rules = c.filter.rules): WireRequest {
  const f = c.filter;
  return {
    id,
    defaultAction: f.defaultAction,
    arches: c.archNames,
    rules: rules.map((r) => ({ action: r.action, syscall: r.syscall, args: r.args.map((a) => ({ arg: a.arg, op: a.op, a: u64(a.a).toString(), b: u64(a.b).toString() })) })),
    attrs: { optimize, ...(f.attrs.badArchAction !== undefined ? { badArch: f.attrs.badArchAction } : {}), ...(f.attrs.tskip ? { tskip: true } : {}) },
  };
}

function holdsWord(c: WordCondition, w: number): boolean {
  const v = (w & c.mask) >>> 0;
  const r = c.op === 'eq' ? v === c.value >>> 0 : c.op === 'gt' ? v > c.value >>> 0 : v >= c.value >>> 0;
  return r !== c.negate;
}

/** A word satisfying every condition in `cs`, from values around their constants. */
function solveWord(rng: Rng, cs: readonly WordCondition[]): number {
  const cands = new Set<number>([0, 0xffffffff, rng.u32()]);
  for (const c of cs) for (const v of [c.value, c.value + 1, c.value - 1, c.value | ~c.mask, c.value & c.mask, c.value ^ (c.mask & -c.mask), ~c.value & c.mask]) cands.add(v >>> 0);
  const ok = [...cands].filter((w) => cs.every((c) => holdsWord(c, w)));
  return ok.length > 0 ? rng.pick(ok) : rng.u32();
}

function setWord(v: bigint, half: 'hi' | 'lo', w: number): bigint {
  return half === 'hi' ? (v & 0xffff_ffffn) | (BigInt(w >>> 0) << 32n) : (v & 0xffff_ffff_0000_0000n) | BigInt(w >>> 0);
}

function satisfy(rng: Rng, conds: readonly WordCondition[], base: readonly bigint[]): bigint[] {
  const args = [...base];
  const groups = new Map<string, WordCondition[]>();
  for (const c of conds) groups.set(`${c.arg}${c.half}`, [...(groups.get(`${c.arg}${c.half}`) ?? []), c]);
  for (const cs of groups.values()) args[cs[0]!.arg] = setWord(args[cs[0]!.arg]!, cs[0]!.half, solveWord(rng, cs));
  return args;
}

const X32_BIT = 0x4000_0000;

/** Every query for one filter, from the filter's constants and the models' policies. */
export function queries(rng: Rng, c: GenCase, policies: readonly Policy[]): SeccompData[] {
  const out: SeccompData[] = [];
  const rules = c.filter.rules;
  const cand: bigint[][] = [0, 1, 2, 3, 4, 5].map(() => [0n, 1n, U64, 0xffff_ffffn, 1n << 32n]);
  for (const r of rules) for (const a of r.args) if (a.arg >= 0 && a.arg < 6) cand[a.arg]!.push(...boundaries({ arg: a.arg, op: a.op, a: a.a, b: a.b }));
  for (const n of [...Object.values(SOCKETCALL), ...Object.values(IPCCALL)]) cand[0]!.push(BigInt(n), BigInt(n) | (1n << 32n), BigInt(n) | (1n << 16n));
  const pick = (): bigint[] => cand.map((vs) => (rng.chance(0.85) ? rng.pick(vs) : rng.u64()));
  const push = (arch: Arch, nr: number, args: readonly bigint[]): void => {
    out.push({ nr: nr >>> 0, arch: arch.auditArch, instructionPointer: rng.u64(), args });
  };
  const inFilter = new Set(c.filter.arches.map((a) => a.auditArch));
  for (const arch of c.filter.arches) {
    const nrs = new Set<number>([0xffffffff, 0, arch.nrBase, X32_BIT | 1, 0x7fffffff, 0x8000_0000, 0xbfff_ffff, rng.u32()]);
    for (const p of policies) for (const abi of p.abis) if (abi.arch.auditArch === arch.auditArch) for (const k of abi.syscalls.keys()) nrs.add(k);
    for (const r of rules) {
      if (typeof r.syscall === 'number') nrs.add(r.syscall >>> 0);
      else {
        const nr = syscallNumber(arch, r.syscall);
        if (nr !== undefined) nrs.add(nr);
        const fam = muxFamily(r.syscall);
        if (fam && arch.multiplexers) nrs.add(arch.multiplexers[fam]);
      }
    }
    const names = syscallNames(arch);
    for (let i = 0; i < 3; i++) {
      const nr = syscallNumber(arch, rng.pick(names));
      if (nr !== undefined) nrs.add(nr);
    }
    if (arch.auditArch === 0xc000003e) for (const n of [...nrs]) nrs.add(arch.nrBit ? n & ~X32_BIT : (n | X32_BIT) >>> 0);
    for (const nr of nrs) {
      const decisions = policies.flatMap((p) => p.abis.filter((a) => a.arch.auditArch === arch.auditArch).flatMap((a) => a.syscalls.get(nr) ?? []));
      for (const d of rng.sample(decisions, 24)) {
        const args = satisfy(rng, d.conditions, pick());
        push(arch, nr, args);
        if (d.conditions.length > 0) {
          // Break one condition: the next decision (or the default) must take over.
          const k = rng.pick(d.conditions);
          const flipped = satisfy(rng, [{ ...k, negate: !k.negate }], args);
          push(arch, nr, flipped);
        }
      }
      for (let i = 0; i < 6; i++) push(arch, nr, pick());
      push(arch, nr, [0, 1, 2, 3, 4, 5].map(() => rng.u64()));
    }
  }
  const someNr = out[0]?.nr ?? 0;
  for (const other of ARCHES) if (!inFilter.has(other.auditArch)) out.push({ nr: someNr, arch: other.auditArch, instructionPointer: 0n, args: pick() });
  out.push({ nr: someNr, arch: rng.u32(), instructionPointer: 0n, args: pick() });
  return out;
}
