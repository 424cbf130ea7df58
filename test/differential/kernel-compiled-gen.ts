// SPDX-License-Identifier: Apache-2.0
// Seeded material for the compiled-filter kernel suite (kernel-compiled.test.ts): random
// policies whose decisions are all on syscalls that are harmless to run whatever their
// arguments, the calls that exercise them (x86_64 `syscall`, x32-numbered `syscall`, i386
// `int $0x80`), the seccomp_data the kernel builds for each call, and what the kernel must then
// do given the action evaluate() picks.
//
// Safety: the probe runs every call once without a filter (to learn what ALLOW returns) and once
// under it, so every call must be harmless when it runs: the syscalls below take no arguments
// and change nothing, and the other numbers are no syscall at all on x86_64 or i386 (checked
// against the tables in the test: 1000-2000, nr -1, bit 31 set; i386 numbers with bit 30). x32
// calls (bit 30) are only the harmless syscalls' x32 numbers and numbers x32 has no syscall for,
// so they stay harmless on a kernel with CONFIG_X86_X32_ABI too (here it is off: they all
// return ENOSYS when allowed). uretprobe/uprobe (335/336) are never used.
//
// "Filler" decisions: some policies also carry decisions on other (non-harmless) syscalls,
// only so that the dispatch tree is larger and shaped like real profiles'. No call ever uses
// those numbers, so they are never executed.

import type { Arch } from '../../src/arch/arch.js';
import { archByName, syscallName, syscallNames, syscallNumber } from '../../src/arch/index.js';
import { hi32, join64, lo32 } from '../../src/bits.js';
import type { AbiPolicy, Decision, EnosysStub, Policy, WordCondition } from '../../src/policy/policy.js';
import { MASK_ALL } from '../../src/policy/policy.js';
import { MAX_ERRNO, decodeAction } from '../../src/seccomp/action.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import type { ProbeCall, ProbeResult } from './kernel-compiled-probe.js';
import type { Rng } from './random-program.js';

export const X86_64 = archByName('x86_64')!;
export const X86 = archByName('x86')!;
export const X32 = archByName('x32')!;
export const ENOSYS = 38;
const ERRNO_ENOSYS = 0x0005_0026;

/** Syscalls with no arguments and no effect: safe to run under any filter, with any args. */
export const HARMLESS_NAMES: Readonly<Record<'x86_64' | 'x86' | 'x32', readonly string[]>> = {
  x86_64: ['getpid', 'getppid', 'getuid', 'getgid', 'geteuid', 'getegid', 'gettid', 'getpgrp', 'sched_yield'],
  x86: ['getpid', 'getppid', 'getuid', 'getgid', 'geteuid', 'getegid', 'getuid32', 'getgid32', 'geteuid32', 'getegid32', 'gettid', 'getpgrp', 'sched_yield'],
  x32: ['getpid', 'getppid', 'getuid', 'getgid', 'geteuid', 'getegid', 'gettid', 'getpgrp', 'sched_yield'],
};

export function harmlessNumbers(arch: Arch): number[] {
  return HARMLESS_NAMES[arch.name as 'x86_64' | 'x86' | 'x32'].map((n) => {
    const nr = syscallNumber(arch, n);
    if (nr === undefined) throw new Error(`${arch.name} has no ${n}`);
    return nr;
  });
}

/** Numbers that are no syscall on x86_64, i386 or x32 (checked by the test against the tables). */
export const UNASSIGNED_LO = 1000;
export const UNASSIGNED_HI = 2000;
export const X32_BIT = 0x4000_0000;

/** A number the kernel can be asked to run whatever the filter says: harmless or unassigned. */
export function isSafeNumber(mode: 'x86_64' | 'x32' | 'i386', nr: number): boolean {
  const u = nr >>> 0;
  if (u === 335 || u === 336) return false;
  if (mode === 'i386') return harmlessNumbers(X86).includes(u) || u >= UNASSIGNED_LO;
  if (mode === 'x32') return harmlessNumbers(X32).includes(u) || (u >= (X32_BIT | UNASSIGNED_LO) && u <= (X32_BIT | UNASSIGNED_HI));
  return harmlessNumbers(X86_64).includes(u) || (u >= UNASSIGNED_LO && u <= UNASSIGNED_HI) || u >= 0x8000_0000;
}

/** Every number in [UNASSIGNED_LO, UNASSIGNED_HI] must be no syscall of any of the three ABIs. */
export function unassignedRangeProblems(): string[] {
  const problems: string[] = [];
  for (let n = UNASSIGNED_LO; n <= UNASSIGNED_HI; n++) {
    for (const [arch, nr] of [[X86_64, n], [X86, n], [X32, X32_BIT | n]] as const) {
      const name = syscallName(arch, nr);
      if (name !== undefined) problems.push(`${arch.name} ${nr}: ${name}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Actions.

/** ERRNO data: never 38 (ENOSYS is what TRACE and USER_NOTIF give without a tracer/listener). */
const ERRNO_VALUES = [0, 1, 2, 5, 13, 22, 37, 39, 95, 255, 1000, 4094, 4095, 4096, 0x7fff, 0xffff];

export function randomErrno(rng: Rng): number {
  if (rng.chance(0.7)) return rng.pick(ERRNO_VALUES);
  let n: number;
  do n = rng.int(0x1_0000); while (n === ENOSYS);
  return n;
}

export function randomAction(rng: Rng): number {
  const data = (): number => (rng.chance(0.5) ? rng.int(0x1_0000) : rng.pick([0, 1, 7, 0xffff]));
  switch (rng.int(17)) {
    case 0: case 1: return 0x7fff_0000; // ALLOW
    case 2: return rng.chance(0.5) ? 0x7ffc_0000 : (0x7ffc_0000 | data()) >>> 0; // LOG (data ignored)
    case 3: case 4: case 5: case 6: return (0x0005_0000 | randomErrno(rng)) >>> 0; // ERRNO
    case 7: return (0x7ff0_0000 | data()) >>> 0; // TRACE
    case 8: return rng.chance(0.8) ? 0x7fc0_0000 : (0x7fc0_0000 | data()) >>> 0; // USER_NOTIF
    case 9: case 10: return (0x0003_0000 | data()) >>> 0; // TRAP
    case 11: case 12: return rng.chance(0.8) ? 0x0000_0000 : data(); // KILL_THREAD
    case 13: case 14: return rng.chance(0.8) ? 0x8000_0000 : (0x8000_0000 | data()) >>> 0; // KILL_PROCESS
    case 15: return rng.chance(0.8) ? 0x7fff_0000 : (0x7fff_0000 | data()) >>> 0; // ALLOW with data
    default: return rng.pick([0x0001_0000, 0x0004_0000, 0x7ffd_0000, 0xffff_0000]); // unknown: the kernel kills the process
  }
}

// ---------------------------------------------------------------------------------------------
// Policies.

export const ABI_SETS: readonly (readonly Arch[])[] = [[X86_64], [X86_64, X86], [X86_64, X86, X32], [X86, X86_64]];

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function randomWord(rng: Rng): number {
  return (rng.chance(0.5) ? rng.pick(INTERESTING) : rng.chance(0.5) ? rng.int(0x200) : rng.u32()) >>> 0;
}

function randomCondition(rng: Rng, arch: Arch): WordCondition {
  const masked = rng.chance(0.15);
  const mask = masked ? (rng.chance(0.5) ? rng.pick([0xff, 0xffff, 0xff00, 0x8000_0000, 0xffff_0000, 1, 6]) : rng.u32()) >>> 0 : MASK_ALL;
  let value = randomWord(rng);
  if (masked && rng.chance(0.8)) value = (value & mask) >>> 0; // mostly satisfiable
  return {
    arg: rng.int(6),
    half: arch.bits === 32 || rng.chance(0.5) ? 'lo' : 'hi',
    op: masked ? 'eq' : rng.pick(['eq', 'eq', 'gt', 'ge'] as const),
    mask,
    value,
    negate: rng.chance(0.3),
  };
}

function randomDecisions(rng: Rng, arch: Arch): Decision[] {
  const n = 1 + rng.int(4);
  const out: Decision[] = [];
  for (let i = 0; i < n; i++) {
    const conditions = Array.from({ length: rng.chance(0.2) ? 0 : 1 + rng.int(3) }, () => randomCondition(rng, arch));
    out.push({ conditions, action: randomAction(rng) });
    if (conditions.length === 0) break; // later decisions would be unreachable; keep some anyway below
  }
  if (rng.chance(0.1)) out.push({ conditions: [randomCondition(rng, arch)], action: randomAction(rng) }); // possibly shadowed
  return out;
}

/** Syscalls that are not harmless: used only for filler decisions (never called). */
function fillerNumbers(arch: Arch): number[] {
  const harmless = new Set(harmlessNumbers(arch));
  return syscallNames(arch).map((n) => syscallNumber(arch, n)!).filter((nr) => !harmless.has(nr) && nr !== 335 && nr !== 336);
}

export function randomPolicy(rng: Rng, arches: readonly Arch[]): Policy {
  const sharedDefault = rng.chance(0.5) ? randomAction(rng) : undefined;
  const filler = rng.chance(0.35);
  const abis: AbiPolicy[] = arches.map((arch) => {
    const syscalls = new Map<number, Decision[]>();
    for (const nr of harmlessNumbers(arch)) if (rng.chance(0.6)) syscalls.set(nr, randomDecisions(rng, arch));
    if (filler) {
      const pool = fillerNumbers(arch);
      const count = rng.pick([5, 20, 60, 150]);
      for (let i = 0; i < count; i++) syscalls.set(rng.pick(pool), randomDecisions(rng, arch));
    }
    return { arch, defaultAction: sharedDefault ?? randomAction(rng), syscalls };
  });
  let enosysStub: EnosysStub | undefined;
  if (rng.chance(0.35)) {
    const action = rng.chance(0.7) ? ERRNO_ENOSYS : (0x0005_0000 | randomErrno(rng)) >>> 0;
    enosysStub = {
      action,
      entries: abis.map((a) => {
        const top = Math.max(0, ...a.syscalls.keys());
        const base = a.arch.nrBit;
        const max = rng.pick([
          () => top, () => top - 1, () => top + 1,
          () => base | rng.range(UNASSIGNED_LO, UNASSIGNED_HI), // inside the unassigned range: both sides get called
          () => rng.pick(harmlessNumbers(a.arch)) + rng.range(-1, 0), // below some harmless syscalls
        ])();
        return { arch: a.arch, max: max >>> 0 };
      }),
    };
  }
  return { abis, badArchAction: randomAction(rng), ...(enosysStub ? { enosysStub } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Calls.

/** How a call is made and which ABI the kernel takes it for. */
export type CallAbi = 'x86_64' | 'x32' | 'i386';

export interface Call extends ProbeCall {
  readonly abi: CallAbi;
}

/** The seccomp_data the kernel builds for the call (instruction_pointer left 0: no filter here reads it). */
export function seccompDataOf(c: Call): SeccompData {
  if (c.abi === 'i386') return { nr: c.nr >>> 0, arch: X86.auditArch, instructionPointer: 0n, args: c.args.map((a) => BigInt(lo32(a))) };
  return { nr: c.nr >>> 0, arch: X86_64.auditArch, instructionPointer: 0n, args: [...c.args] };
}

/** A 32-bit word for which `c` holds (want) or fails (!want), when there is one; near its constant. */
function wordFor(rng: Rng, c: WordCondition, want: boolean): number {
  const w = want !== c.negate; // what the un-negated comparison must give
  const v = c.value >>> 0;
  const jitter = (x: number): number => (x + rng.range(-1, 1)) >>> 0;
  if (c.op === 'eq') {
    const m = c.mask >>> 0;
    if (w) return ((v & m) | (rng.u32() & ~m)) >>> 0;
    return rng.chance(0.5) ? jitter(v) : (v ^ (m & -m || 1)) >>> 0; // off by one, or one masked bit flipped
  }
  if (c.op === 'gt') return w ? (v === 0xffffffff ? v : (v + 1 + (rng.chance(0.3) ? rng.int(3) : 0)) >>> 0) : (v - (rng.chance(0.3) ? rng.int(3) : 0)) >>> 0;
  return w ? (v + (rng.chance(0.3) ? rng.int(3) : 0)) >>> 0 : v === 0 ? 0 : (v - 1 - (rng.chance(0.3) ? rng.int(2) : 0)) >>> 0;
}

function otherHalf(rng: Rng): number {
  return rng.pick([0, 0, 1, 0xffffffff, 0x8000_0000, rng.u32(), rng.int(0x100)]) >>> 0;
}

/** Six args aimed at one decision of the list (all its conditions held, or all but one), or random. */
function aimedArgs(rng: Rng, decisions: readonly Decision[] | undefined, bits: 32 | 64): bigint[] {
  const lo: number[] = Array.from({ length: 6 }, () => randomWord(rng));
  const hi: number[] = Array.from({ length: 6 }, () => otherHalf(rng));
  const d = decisions && decisions.length > 0 && rng.chance(0.85) ? rng.pick(decisions) : undefined;
  if (d) {
    const breakOne = d.conditions.length > 0 && rng.chance(0.35) ? rng.int(d.conditions.length) : -1;
    d.conditions.forEach((c, i) => {
      const word = wordFor(rng, c, i !== breakOne);
      if (c.half === 'hi') hi[c.arg] = word;
      else lo[c.arg] = word;
    });
  }
  return lo.map((l, i) => (bits === 32 && rng.chance(0.5) ? BigInt(l) : join64(hi[i]!, l)));
}

function randomArgs(rng: Rng): bigint[] {
  return Array.from({ length: 6 }, () => (rng.chance(0.3) ? 0n : join64(otherHalf(rng), randomWord(rng))));
}

/**
 * The calls for one policy: every harmless syscall of every ABI the probe can reach (whether the
 * policy has that ABI or not: the others take the bad-arch path), several times with args aimed
 * at its decisions, and unassigned numbers (default action, runc's stub on both sides of its
 * maximum, the x32 guard, nr -1).
 */
export function callsFor(rng: Rng, policy: Policy): Call[] {
  const calls: Call[] = [];
  const abiOf = (arch: Arch): AbiPolicy | undefined => policy.abis.find((a) => a.arch === arch);
  const add = (abi: CallAbi, nr: number, args: bigint[]): void => {
    if (!isSafeNumber(abi, nr)) throw new Error(`refusing to make an unsafe call: ${abi} nr ${nr}`);
    calls.push({ abi, mode: abi === 'i386' ? 'int80' : 'syscall', nr: nr >>> 0, args });
  };
  const modes: Array<[CallAbi, Arch]> = [['x86_64', X86_64], ['i386', X86], ['x32', X32]];
  for (const [mode, arch] of modes) {
    const abi = abiOf(arch);
    for (const nr of harmlessNumbers(arch)) {
      const decisions = abi?.syscalls.get(nr);
      const n = decisions ? 2 + decisions.length + decisions.reduce((s, d) => s + d.conditions.length, 0) : abi ? 1 : rng.chance(0.5) ? 1 : 0;
      for (let i = 0; i < Math.min(n, 8); i++) add(mode, nr, aimedArgs(rng, decisions, arch.bits));
    }
    const base = mode === 'x32' ? X32_BIT : 0;
    for (let i = 0; i < 2; i++) add(mode, base | rng.range(UNASSIGNED_LO, UNASSIGNED_HI), randomArgs(rng));
    const e = policy.enosysStub?.entries.find((x) => x.arch === arch);
    if (e) for (const nr of [e.max, e.max + 1]) if (isSafeNumber(mode, nr >>> 0)) add(mode, nr >>> 0, randomArgs(rng));
  }
  add('x86_64', 0xffff_ffff, randomArgs(rng)); // nr -1: a tracer's "skip"; libseccomp's x32 guard lets it through
  add('x86_64', (0x8000_0000 | rng.int(0x1000)) >>> 0, randomArgs(rng));
  add('i386', 0xffff_ffff, randomArgs(rng));
  add('i386', (X32_BIT | rng.range(0, 500)) >>> 0, randomArgs(rng)); // no sibling ABI on i386: still x86
  return calls;
}

// ---------------------------------------------------------------------------------------------
// Judging.

/** What the kernel must do with a call, given the action (and the call's unfiltered result). */
export type Expected =
  | { readonly kind: 'ret'; readonly ret: number; readonly why: string }
  | { readonly kind: 'trap'; readonly data: number; readonly nr: number; readonly arch: number }
  | { readonly kind: 'killthread' }
  | { readonly kind: 'killprocess' };

export function expectedOutcome(action: number, data: SeccompData, pre: number): Expected {
  const a = decodeAction(action);
  switch (a.kind) {
    case 'ALLOW': case 'LOG': return { kind: 'ret', ret: pre, why: 'runs' };
    case 'ERRNO': return { kind: 'ret', ret: -Math.min(a.data, MAX_ERRNO), why: `ERRNO(${a.data})` };
    case 'TRACE': case 'USER_NOTIF': return { kind: 'ret', ret: -ENOSYS, why: `${a.kind} without tracer/listener` };
    case 'TRAP': return { kind: 'trap', data: a.data, nr: data.nr | 0, arch: data.arch >>> 0 };
    case 'KILL_THREAD': return { kind: 'killthread' };
    case 'KILL_PROCESS': return { kind: 'killprocess' };
  }
}

/** Undefined when the observation is what was expected, else why not. */
export function judge(expected: Expected, got: ProbeResult): string | undefined {
  if (got.kind === 'load') return `the kernel refused the filter (errno ${got.errno})`;
  if (got.kind === 'other') return `the child ended unexpectedly (wait status ${got.status}, stage ${got.stage})`;
  switch (expected.kind) {
    case 'ret':
      return got.kind === 'ret' && got.ret === expected.ret ? undefined : `expected return ${expected.ret} (${expected.why})`;
    case 'trap':
      return got.kind === 'trap' && got.data === expected.data && got.nr === expected.nr && got.arch === expected.arch
        ? undefined
        : `expected SIGSYS trap with si_errno ${expected.data}, si_syscall ${expected.nr}, si_arch 0x${expected.arch.toString(16)}`;
    case 'killthread':
    case 'killprocess':
      return got.kind === expected.kind ? undefined : `expected ${expected.kind}`;
  }
}

/** A readable one-line form of a call and its seccomp_data. */
export function showCall(c: Call): string {
  const d = seccompDataOf(c);
  const args = d.args.map((a) => `0x${hi32(a).toString(16)}_${lo32(a).toString(16).padStart(8, '0')}`);
  return `${c.abi} (${c.mode}) nr ${d.nr} [0x${d.nr.toString(16)}] arch 0x${d.arch.toString(16)} args ${args.join(' ')}`;
}

/** JSON of a policy with Maps, Arches and numbers in a form that can be pasted back into a test. */
export function policyJson(p: Policy): string {
  return JSON.stringify(p, (k, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([nr, ds]) => [String(nr), ds]));
    if (k === 'arch' && typeof v === 'object' && v !== null && 'name' in v) return (v as Arch).name;
    if ((k === 'action' || k === 'defaultAction' || k === 'badArchAction' || k === 'value' || k === 'mask') && typeof v === 'number') return `0x${(v >>> 0).toString(16)}`;
    if (typeof v === 'bigint') return `0x${v.toString(16)}`;
    return v;
  });
}
