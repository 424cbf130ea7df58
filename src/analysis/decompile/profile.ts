// SPDX-License-Identifier: Apache-2.0
// The decompiled profile as a document people edit: Docker/moby JSON (`docker`) or the OCI
// runtime-spec LinuxSeccomp object (`oci`, what goes in config.json's linux.seccomp; no
// comments there). Unconditional rules are grouped by action, one rule with every name, sorted;
// syscalls with the same conditional rules share their rules; comments (Docker only) say why a
// rule is written the unusual way it is. Actions come from the one table of ../../seccomp/
// action.ts; a return value no profile can produce (TRAP data, data on an action that takes
// none, an unknown action, ERRNO data libseccomp refuses) is refused with the reason.
// 64-bit values are written as exact JSON integers, never rounded through a double.

import type { Arch } from '../../arch/arch.js';
import { InternalError } from '../../diagnostics/diagnostic.js';
import { actionSpec, decodeAction, MAX_ERRNO } from '../../seccomp/action.js';
import type { NamePlan } from './merge.js';
import type { Rule } from './rules.js';

export type ProfileFormat = 'docker' | 'oci';

export interface ProfileArg {
  readonly index: number;
  readonly value: bigint;
  readonly valueTwo: bigint;
  readonly op: string;
}

export interface ProfileRule {
  readonly names: readonly string[];
  readonly action: string;
  readonly errnoRet?: number;
  readonly args?: readonly ProfileArg[];
  readonly comment?: string;
}

export interface DecompiledProfile {
  readonly defaultAction: string;
  readonly defaultErrnoRet?: number;
  readonly architectures: readonly string[];
  readonly listenerPath?: string;
  readonly syscalls: readonly ProfileRule[];
}

export type ActionFields = { readonly action: string; readonly errnoRet?: number } | { readonly reason: string };

/** The profile's spelling of a filter return value, or why none exists. */
export function actionFields(value: number): ActionFields {
  const a = decodeAction(value);
  if (!a.known) return { reason: 'its action bits are none the kernel knows' };
  const spec = actionSpec(a.kind);
  const action = spec.scmp[0]!;
  if (a.kind === 'ERRNO') return a.data >= MAX_ERRNO ? { reason: `libseccomp refuses ERRNO data of ${MAX_ERRNO} and above, so runc cannot load it` } : { action, errnoRet: a.data };
  if (a.kind === 'TRACE') return { action, errnoRet: a.data };
  if (a.data !== 0) return { reason: a.kind === 'TRAP' ? 'a profile writes SCMP_ACT_TRAP without data (runc ignores errnoRet there)' : `${a.kind} takes no data, and a profile cannot set it` };
  return { action };
}

export interface ProfileParts {
  readonly defaultAction: number;
  readonly arches: readonly Arch[];
  readonly plans: readonly NamePlan[];
  /** runc lens: names listed with the default action only for runc's ENOSYS stub (runc drops the rule itself). */
  readonly stubNames?: readonly string[];
  readonly listenerPath?: string;
  readonly format: ProfileFormat;
}

function fields(value: number): { action: string; errnoRet?: number } {
  const f = actionFields(value);
  if ('reason' in f) throw new InternalError(`decompile: action 0x${value.toString(16)} reached the profile: ${f.reason}`);
  return f;
}

const ruleKey = (rules: readonly Rule[]): string =>
  rules.map((r) => `${r.action}:${r.conditions.map((c) => `${c.index}${c.op}${c.value}/${c.valueTwo}`).join(',')}`).join(';');

function only64Comment(plan: NamePlan): string {
  const o = plan.only64!;
  return `${o.abis64.join(', ')} only: a0 < 2^32 and a0 > 0xffffffff together hold for every 64-bit value, and never on ${o.abis32.join(', ')}, where libseccomp compares the low 32 bits (the filter gives ${o.abis32.join(', ')} the default here)`;
}

export function buildProfile(parts: ProfileParts): DecompiledProfile {
  const docker = parts.format === 'docker';
  const def = fields(parts.defaultAction);
  const unconditional = new Map<number, string[]>();
  const conditional = new Map<string, { names: string[]; plan: NamePlan }>();
  for (const plan of parts.plans) {
    if (plan.rules.length === 0) continue;
    if (plan.rules.length === 1 && plan.rules[0]!.conditions.length === 0) {
      const list = unconditional.get(plan.rules[0]!.action) ?? [];
      list.push(plan.name);
      unconditional.set(plan.rules[0]!.action, list);
      continue;
    }
    const key = `${ruleKey(plan.rules)}|${plan.only64 ? '64' : ''}`;
    const group = conditional.get(key);
    if (group) group.names.push(plan.name);
    else conditional.set(key, { names: [plan.name], plan });
  }
  const syscalls: ProfileRule[] = [];
  const byCount = [...unconditional].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
  for (const [action, names] of byCount) syscalls.push({ names: [...names].sort(), ...fields(action) });
  const groups = [...conditional.values()].map((g) => ({ ...g, names: [...g.names].sort() })).sort((a, b) => (a.names[0]! < b.names[0]! ? -1 : 1));
  for (const g of groups) {
    for (const r of g.plan.rules) {
      const args = r.conditions.map((c) => ({ index: c.index, value: c.value, valueTwo: c.valueTwo, op: `SCMP_CMP_${c.op}` }));
      syscalls.push({ names: g.names, ...fields(r.action), args, ...(docker && g.plan.only64 ? { comment: only64Comment(g.plan) } : {}) });
    }
  }
  if (parts.stubNames && parts.stubNames.length > 0) {
    syscalls.push({
      names: [...parts.stubNames].sort(),
      ...def,
      ...(docker ? { comment: 'runc drops this rule (its action is the default) but counts its names when it places its ENOSYS stub: numbers above the largest syscall a profile names get ENOSYS' } : {}),
    });
  }
  return {
    defaultAction: def.action,
    ...(def.errnoRet !== undefined ? { defaultErrnoRet: def.errnoRet } : {}),
    architectures: parts.arches.map((a) => a.scmpName),
    ...(parts.listenerPath !== undefined ? { listenerPath: parts.listenerPath } : {}),
    syscalls,
  };
}

/** Pretty JSON, 64-bit values as exact integers. */
export function renderProfile(p: DecompiledProfile): string {
  const text = JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v.toString()}\u0000` : v), 2);
  return text.replace(/"\\u0000(\d+)\\u0000"/g, '$1') + '\n';
}
