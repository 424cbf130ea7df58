// SPDX-License-Identifier: Apache-2.0
// Per-ABI summary of a filter, the body of `syscage check`: for every syscall of the ABI, is
// the verdict constant (and which) or does it depend on arguments / the instruction pointer;
// which syscalls the kernel's constant-action cache serves; what syscalls newer than the table
// and what ABIs the filter does not know get. Built on ./outcomes.ts and ./cache.ts.

import type { Arch } from '../arch/arch.js';
import { ARCHES, syscallNames, syscallNumber } from '../arch/index.js';
import type { Program } from '../bpf/instruction.js';
import { formatAction } from './action.js';
import { comparedAuditArches } from './annotate.js';
import { isConstantAllow } from './cache.js';
import { outcomes } from '../analysis/partition/per-syscall.js';

export interface AbiSummary {
  readonly arch: Arch;
  readonly syscalls: number;
  /** Syscalls whose verdict is constant, counted per action (`ALLOW`, `ERRNO(1)`…). */
  readonly byAction: Readonly<Record<string, number>>;
  /** Syscalls whose verdict depends on arguments or the instruction pointer, with what they can return. */
  readonly dependent: ReadonlyArray<{ readonly name: string; readonly actions: readonly string[]; readonly exact: boolean }>;
  /** Syscalls the kernel allows from its cache without running the filter. */
  readonly cached: number;
  /** Verdict for a number above the ABI's table (a syscall newer than the filter). */
  readonly newSyscalls: string;
}

export interface FilterSummary {
  readonly instructions: number;
  readonly abis: readonly AbiSummary[];
  /** Verdict for a seccomp_data.arch no ABI has. */
  readonly otherArch: string;
  /** True when the filter never looks at seccomp_data.arch. */
  readonly archUnchecked: boolean;
}

function verdictText(program: Program, arch: Arch, nr: number): { actions: string[]; exact: boolean } {
  const o = outcomes(program, arch.endian, arch.auditArch, nr);
  const actions = [...o.values].sort((a, b) => a - b).map(formatAction);
  if (o.dynamic) actions.push('(computed)');
  if (o.truncated) actions.push('(too complex to follow)');
  return { actions, exact: o.exact && !o.truncated };
}

export function summariseAbi(program: Program, arch: Arch): AbiSummary {
  const byAction: Record<string, number> = {};
  const dependent: Array<{ name: string; actions: string[]; exact: boolean }> = [];
  let cached = 0;
  let top = 0;
  const names = syscallNames(arch);
  for (const name of names) {
    const nr = syscallNumber(arch, name)!;
    top = Math.max(top, nr);
    const v = verdictText(program, arch, nr);
    if (v.actions.length === 1) byAction[v.actions[0]!] = (byAction[v.actions[0]!] ?? 0) + 1;
    else dependent.push({ name, ...v });
    if (isConstantAllow(program, arch.auditArch, nr)) cached++;
  }
  const next = verdictText(program, arch, top + 1).actions.join(' | ');
  return { arch, syscalls: names.length, byAction, dependent, cached, newSyscalls: next };
}

/** ABIs of the filter's byte order whose AUDIT_ARCH it tests (x86_64 brings x32, which shares it). */
export function filterAbis(program: Program, endian: 'little' | 'big'): Arch[] {
  const audits = [...comparedAuditArches(program, endian)];
  return audits.flatMap((audit) => ARCHES.filter((a) => a.endian === endian && a.auditArch === audit));
}

export function summarise(program: Program, arches: readonly Arch[]): FilterSummary {
  const endian = arches[0]?.endian ?? 'little';
  const o = outcomes(program, endian, 0, 0);
  const other = [...o.values].map(formatAction).concat(o.dynamic ? ['(computed)'] : []).join(' | ');
  return {
    instructions: program.length,
    abis: arches.map((a) => summariseAbi(program, a)),
    otherArch: other,
    archUnchecked: comparedAuditArches(program, endian).size === 0,
  };
}
