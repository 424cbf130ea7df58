// SPDX-License-Identifier: Apache-2.0
// A rule on one ABI: syscall translation and the socketcall/ipc companions. Mirrors
// libseccomp v2.6.1 src/arch.c (arch_syscall_translate, arch_filter_rule_add) and
// src/syscalls.c (abi_syscall_resolve_name_munge / _num_munge, _abi_syscall_socket_test,
// _abi_syscall_ipc_test, _abi_syscall_mux / _demux, abi_rule_add).
//
// The API takes native-arch numbers; every other ABI translates number → name (native) →
// number (its own). On the multiplexer ABIs (x86, m68k, mips o32, ppc, ppc64(le), s390(x),
// sh(eb)) a socket- or ipc-family name resolves to a pseudo number (socket −101 … sendmmsg −120,
// semop −201 … shmctl −224), and abi_rule_add turns such a rule into two: a companion on
// socketcall/ipc whose a0 test is replaced by `a0 == call number` (a1..a5 copied unchanged),
// then the direct rule; when the direct call is missing the direct copy is stored under the
// pseudo number and never emitted. Any other rule on a syscall the ABI lacks is dropped there;
// on other ABIs it is stored under its __PNR_* number, also never emitted.

import { U64_MAX } from '../../bits.js';
import { knownSyscallNames, syscallName, syscallNumber, type Arch } from '../../arch/index.js';
import type { ArchDb, DbEffect, SysNum } from './db.js';
import type { ChainArg, GenRule } from './rule-gen.js';

/** SYS_* call numbers of socketcall(2): __PNR_<name> = −(100 + n). */
export const SOCKET_CALLS: Readonly<Record<string, number>> = {
  socket: 1, bind: 2, connect: 3, listen: 4, accept: 5, getsockname: 6, getpeername: 7, socketpair: 8, send: 9,
  recv: 10, sendto: 11, recvfrom: 12, shutdown: 13, setsockopt: 14, getsockopt: 15, sendmsg: 16, recvmsg: 17,
  accept4: 18, recvmmsg: 19, sendmmsg: 20,
};
/** ipc(2) call numbers: __PNR_<name> = −(200 + n). */
export const IPC_CALLS: Readonly<Record<string, number>> = {
  semop: 1, semget: 2, semctl: 3, semtimedop: 4, msgsnd: 11, msgrcv: 12, msgget: 13, msgctl: 14, shmat: 21,
  shmdt: 22, shmget: 23, shmctl: 24,
};
const SYS_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.entries(SOCKET_CALLS), ...Object.entries(IPC_CALLS)].map(([n]) => [n, `SYS_${n.toUpperCase()}`]),
);
export function callConstant(name: string): string {
  return SYS_NAMES[name] ?? name;
}

const PSEUDO = new Map<string, number>([
  ...Object.entries(SOCKET_CALLS).map(([name, n]): [string, number] => [name, -(100 + n)]),
  ...Object.entries(IPC_CALLS).map(([name, n]): [string, number] => [name, -(200 + n)]),
]);
const PSEUDO_NAME = new Map([...PSEUDO].map(([name, n]) => [n, name]));

function muxPseudo(name: string): number | undefined {
  return PSEUDO.get(name);
}

function pseudoName(num: number): string | undefined {
  return PSEUDO_NAME.get(num);
}

/** The ABI's own table (`syscall_resolve_name_raw`): a number, or __PNR_* when absent here. */
function rawName(arch: Arch, name: string): SysNum | undefined {
  const nr = syscallNumber(arch, name);
  if (nr !== undefined) return nr;
  if (knownSyscallNames().has(name)) return muxPseudo(name) ?? { pnr: name };
  return undefined;
}

/** seccomp_syscall_resolve_name_arch: with the socket/ipc pseudo numbers on multiplexer ABIs. */
export function resolveName(arch: Arch, name: string): SysNum | undefined {
  if (arch.multiplexers) {
    const p = muxPseudo(name);
    if (p !== undefined) return p;
  }
  return rawName(arch, name);
}

/** seccomp_syscall_resolve_num_arch (number → name), as the translation uses it. */
export function resolveNum(arch: Arch, num: SysNum): string | undefined {
  if (typeof num !== 'number') return num.pnr;
  if (num >= 0) return syscallName(arch, num);
  // Multiplexer ABIs name their pseudo numbers; elsewhere only an absent socket/ipc syscall has one.
  const name = pseudoName(num);
  if (name === undefined) return undefined;
  return arch.multiplexers || syscallNumber(arch, name) === undefined ? name : undefined;
}

/** What one sub-rule did on this ABI. */
export interface Step {
  readonly role: 'direct' | 'companion';
  readonly num: SysNum;
  readonly mux?: { readonly via: 'socketcall' | 'ipc'; readonly nr: number; readonly call: number; readonly name: string };
  readonly effect: DbEffect;
}

export type ArchResult =
  | { readonly rc: 0; readonly steps: readonly Step[]; readonly num: SysNum; readonly absent?: boolean }
  | { readonly rc: number; readonly steps: readonly Step[]; readonly num?: SysNum; readonly why: string };

export interface ArchRule {
  readonly action: number;
  readonly origin: GenRule['origin'];
  /** Indexed by argument number. */
  readonly args: ReadonlyArray<ChainArg | undefined>;
  readonly strict: boolean;
}

const EFAULT = -14;
const EINVAL = -22;
const EDOM = -33;
const EEXIST = -17;

function add(db: ArchDb, num: SysNum, rule: ArchRule, role: Step['role'], mux?: Step['mux']): Step {
  const effect = db.ruleAdd(num, { action: rule.action, origin: rule.origin, args: rule.args });
  return mux ? { role, num, mux, effect } : { role, num, effect };
}

/** arch_filter_rule_add: `native` is the number the API was given (native-arch numbering). */
export function archRuleAdd(db: ArchDb, nativeArch: Arch, native: SysNum, rule: ArchRule): ArchResult {
  let num: SysNum = native;
  if (native !== -1 && db.arch !== nativeArch) {
    const name = resolveNum(nativeArch, native);
    if (name === undefined) return { rc: EFAULT, steps: [], why: `${nativeArch.name} has no syscall ${describe(native)} to translate` };
    const here = resolveName(db.arch, name);
    if (here === undefined) return { rc: EFAULT, steps: [], why: `'${name}' is unknown on ${db.arch.name}` };
    num = here;
  }
  const negative = typeof num !== 'number' || num < -1;
  if (num === -1 || !db.arch.multiplexers) {
    if (negative && rule.strict) return { rc: EDOM, steps: [], num, why: `not a syscall of ${db.arch.name}` };
    const step = add(db, num, rule, 'direct');
    return finish([step], num, negative);
  }
  return abiRuleAdd(db, num, rule);
}

function describe(num: SysNum): string {
  return typeof num === 'number' ? String(num) : num.pnr;
}

function finish(steps: Step[], num: SysNum, absent: boolean): ArchResult {
  const bad = steps.find((s) => s.effect.kind === 'conflict');
  if (bad) return { rc: EEXIST, steps, num, why: 'conflict' };
  return absent ? { rc: 0, steps, num, absent } : { rc: 0, steps, num };
}

/** The family of `num` on a multiplexer ABI (_abi_syscall_socket_test / _ipc_test). */
function family(arch: Arch, num: SysNum): { via: 'socketcall' | 'ipc'; name?: string } | undefined {
  if (typeof num === 'number' && num <= -100 && num >= -120) return { via: 'socketcall', ...named(pseudoName(num)) };
  if (typeof num === 'number' && num <= -200 && num >= -224) return { via: 'ipc', ...named(pseudoName(num)) };
  const name = typeof num === 'number' ? (num >= 0 ? syscallName(arch, num) : pseudoName(num)) : num.pnr;
  if (name === undefined) return undefined;
  if (Object.hasOwn(SOCKET_CALLS, name)) return { via: 'socketcall', name };
  if (Object.hasOwn(IPC_CALLS, name)) return { via: 'ipc', name };
  return undefined;
}

function named(name: string | undefined): { name?: string } {
  return name === undefined ? {} : { name };
}

/** abi_rule_add */
function abiRuleAdd(db: ArchDb, num: SysNum, rule: ArchRule): ArchResult {
  const arch = db.arch;
  const mux = arch.multiplexers!;
  const fam = family(arch, num);
  if (fam === undefined) {
    if (typeof num === 'number' && num >= 0) return finish([add(db, num, rule, 'direct')], num, false);
    if (rule.strict) return { rc: EDOM, steps: [], num, why: `not a syscall of ${arch.name}` };
    return { rc: 0, steps: [], num, absent: true };
  }
  if (rule.strict && rule.args.some((a) => a !== undefined)) {
    return { rc: EINVAL, steps: [], num, why: `${fam.via} multiplexing: an exact rule cannot take argument comparisons` };
  }
  // The direct number and the pseudo number; a pseudo number with no name maps to nothing.
  if (fam.name === undefined) return { rc: EFAULT, steps: [], num, why: `pseudo syscall ${describe(num)} has no ${fam.via} call` };
  const pseudo = muxPseudo(fam.name)!;
  const direct: SysNum = typeof num === 'number' && num > 0 ? num : rawName(arch, fam.name)!;
  const call = -pseudo % (fam.via === 'socketcall' ? 100 : 200);
  const args: Array<ChainArg | undefined> = [...rule.args];
  args[0] = { arg: 0, op: 'EQ', mask: U64_MAX, datum: BigInt(call) };
  const steps: Step[] = [];
  const muxInfo = { via: fam.via, nr: mux[fam.via], call, name: fam.name };
  steps.push(add(db, mux[fam.via], { ...rule, args }, 'companion', muxInfo));
  if (steps[0]!.effect.kind === 'conflict') return finish(steps, num, false);
  steps.push(add(db, direct, rule, 'direct', muxInfo));
  return finish(steps, direct, typeof direct !== 'number' || direct < 0);
}
