// SPDX-License-Identifier: Apache-2.0
// Small helpers for the table tests of the libseccomp model (src/resolve/libseccomp/*.test.ts):
// build an ApiFilter from short rule specs, and ask the model's Policy for a verdict.

import { archByName, syscallNumber, type Arch } from '../../src/arch/index.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { encodeAction, type ActionKind } from '../../src/seccomp/action.js';
import type { ApiFilter, ApiRule, CmpOp } from '../../src/resolve/types.js';
import { applyLibseccomp, type LibseccompModel, type LibseccompOptions } from '../../src/resolve/libseccomp/index.js';

export const ALLOW = encodeAction('ALLOW');
export const KILL = encodeAction('KILL_THREAD');
export const KILL_PROCESS = encodeAction('KILL_PROCESS');
export const LOG = encodeAction('LOG');
export const errno = (n: number): number => encodeAction('ERRNO', n);
export const trace = (n: number): number => encodeAction('TRACE', n);
export const act = (k: ActionKind, d = 0): number => encodeAction(k, d);

export type Cond = [arg: number, op: CmpOp, a: bigint | number, b?: bigint | number];

export function rule(action: number, syscall: string | number, ...conds: Cond[]): ApiRule {
  return { action, syscall, args: conds.map(([arg, op, a, b]) => ({ arg, op, a: BigInt(a), b: BigInt(b ?? 0) })), origin: { pointer: '' } };
}

export interface Spec {
  readonly arches?: readonly string[];
  readonly def?: number;
  readonly attrs?: ApiFilter['attrs'];
}

export function model(rules: readonly ApiRule[], spec: Spec = {}, options: LibseccompOptions = {}): LibseccompModel {
  const arches = (spec.arches ?? ['x86_64']).map((n) => archByName(n)!);
  const filter: ApiFilter = {
    defaultAction: spec.def ?? KILL,
    arches,
    rules: rules.map((r, i) => ({ ...r, origin: { pointer: `/rules/${i}` } })),
    attrs: spec.attrs ?? {},
  };
  return applyLibseccomp(filter, options);
}

/** The verdict for `syscall` (a name on that ABI, or a number) with `args`, on ABI `arch`. */
export function verdict(m: LibseccompModel, arch: string, syscall: string | number, ...args: Array<bigint | number>): number {
  const a: Arch = archByName(arch)!;
  const nr = typeof syscall === 'number' ? syscall : syscallNumber(a, syscall);
  if (nr === undefined) throw new Error(`${syscall} is not a syscall of ${arch}`);
  return evaluate(m.policy, { nr: nr >>> 0, arch: a.auditArch, instructionPointer: 0n, args: args.map((v) => BigInt.asUintN(64, BigInt(v))) }).action;
}

export function rcs(m: LibseccompModel): number[] {
  return m.outcomes.map((o) => o.rc);
}

/** Every effect text of rule `i`, as `arch: effect`. */
export function effects(m: LibseccompModel, i: number): string[] {
  return m.outcomes[i]!.effects.map((e) => `${e.arch}: ${e.effect}`);
}
