// SPDX-License-Identifier: Apache-2.0
// Do these rules give, on this ABI, what the filter gives for this syscall? Decided exactly, not
// sampled: the rules alone are compiled for that one ABI, as the libseccomp calls runc would
// make (../../resolve/types.ts), and the two programs are
// compared over the region of that one number (../diff/diff.ts). This is how the decompiler
// picks, among ways of writing a syscall's rules, one that holds on every ABI of the host at
// once (a 32-bit ABI reads the same comparison on the low word only, with the datum truncated).
// The rules are compiled by the proof's Recompiler (./recompiler.ts), so the checks and the
// proof agree on what the rules mean.

import type { Arch } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import type { ApiRule } from '../../resolve/types.js';
import { IPC_CALLS, SOCKET_CALLS } from '../../resolve/libseccomp/arch-rules.js';
import { encodeAction } from '../../seccomp/action.js';
import { SECCOMP_DATA_NR, type SeccompData } from '../../seccomp/data.js';
import { diffPrograms } from '../diff/diff.js';
import { constrainRegion } from '../partition/region.js';
import { abiSpace } from '../partition/spaces.js';
import type { Recompiler } from './recompiler.js';
import type { Rule } from './rules.js';

export interface Mismatch {
  /** A call where the filter and the rules differ (absent when libseccomp refuses the rules). */
  readonly data?: SeccompData;
  readonly filter?: number;
  readonly rules?: number;
  /** Why the rules could not be compiled at all. */
  readonly reason?: string;
}

/** The libseccomp calls for `rules` on `name` (MASKED_EQ: a = mask, b = datum). */
export function apiRules(name: string, rules: readonly Rule[]): ApiRule[] {
  return rules.map((r) => ({
    action: r.action,
    syscall: name,
    args: r.conditions.map((c) => ({ arg: c.index, op: c.op, a: c.value, b: c.valueTwo })),
    origin: { pointer: '' },
  }));
}

/**
 * On a multiplexer ABI, libseccomp gives every socket- or ipc-family rule a companion on
 * socketcall/ipc (§3.2), and companions of rules with different actions can collide (-EEXIST)
 * and take the direct rule down with them. Which companions survive is the multiplexer's own
 * business (an unconditional rule there drops them all, §2.2), settled by the whole profile's
 * proof; checking one syscall, an unconditional rule on the multiplexer, added first, keeps the
 * companions out of the way.
 */
function muxGuard(arch: Arch, name: string, defaultAction: number): ApiRule[] {
  if (!arch.multiplexers) return [];
  const mux = name in SOCKET_CALLS ? 'socketcall' : name in IPC_CALLS ? 'ipc' : undefined;
  if (!mux) return [];
  const allow = encodeAction('ALLOW');
  return [{ action: defaultAction === allow ? encodeAction('KILL_PROCESS') : allow, syscall: mux, args: [], origin: { pointer: '' } }];
}

/** undefined when the rules give the filter's verdict for every call of `name` on `arch`. */
export function checkSyscall(program: Program, arch: Arch, name: string, nr: number, rules: readonly Rule[], defaultAction: number, recompiler: Recompiler): Mismatch | undefined {
  const calls = [...muxGuard(arch, name, defaultAction), ...apiRules(name, rules)];
  const compiled = recompiler.compile({ filter: { defaultAction, arches: [arch], rules: calls, attrs: {} }, profileRules: calls.length });
  if ('reason' in compiled) return { reason: compiled.reason };
  const region = constrainRegion(abiSpace(arch).region, SECCOMP_DATA_NR >> 2, 0xffffffff, 'eq', nr, true);
  if (!region) return undefined;
  const d = diffPrograms(program, compiled.program, { spaces: [{ arch, region }], limit: 1 });
  const first = d.differences[0] ?? d.undecided[0];
  if (!first) return d.complete ? undefined : { reason: 'the comparison ran out of budget' };
  return first.witness ? { data: first.witness.data, filter: first.witness.a, rules: first.witness.b } : { reason: 'no call decides the comparison' };
}
