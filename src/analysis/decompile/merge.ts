// SPDX-License-Identifier: Apache-2.0
// One rule list per syscall name for all the ABIs of a host. A profile names syscalls, and
// libseccomp applies each rule on every ABI that has the name: 64-bit comparisons on 64-bit
// ABIs, low-word comparisons with a truncated datum on 32-bit ones (../../../shared/reference/
// libseccomp-behaviour.md §2.7). So the rules are derived from one ABI's verdict (a 64-bit one
// first; ranges as `<`/`>` first, then `<=`/`>=`, which truncate differently at 2^32) and kept
// only if they give the filter's verdict on every ABI, checked exactly (./syscall-check.ts).
//
// One difference between ABIs can still be written: a syscall that 64-bit ABIs let through
// while 32-bit ABIs give the default (libseccomp 2.5.4 does not know map_shadow_stack on x32,
// so its filters do exactly that). Each rule then gets a0 < 2^32 or a0 > 0xffffffff: together
// every 64-bit value, and on a 32-bit ABI `lo < 0` and `lo > 0xffffffff`, never true.
// Anything else that differs between ABIs is refused, with a call that shows it.

import type { Arch } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { formatAction } from '../../seccomp/action.js';
import { rulesOf, type Rule } from './rules.js';
import type { Recompiler } from './recompiler.js';
import { checkSyscall, type Mismatch } from './syscall-check.js';
import type { Condition } from './value-set.js';
import { callText, type SyscallVerdict } from './verdicts.js';

export interface AbiSyscall {
  readonly arch: Arch;
  readonly sv: SyscallVerdict;
}

export interface NamePlan {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Set when the rules are written to hold on 64-bit ABIs only. */
  readonly only64?: { readonly abis64: readonly string[]; readonly abis32: readonly string[] };
}

export type PlanResult = { readonly plan: NamePlan } | { readonly refusal: Diagnostic };

const LOW = 0x1_0000_0000n;

/** Each rule twice, with a0 (or the first free argument) < 2^32 and > 0xffffffff; undefined when a rule tests all six. */
function hide32(rules: readonly Rule[]): Rule[] | undefined {
  const out: Rule[] = [];
  for (const r of rules) {
    const free = [0, 1, 2, 3, 4, 5].find((i) => !r.conditions.some((c) => c.index === i));
    if (free === undefined) return undefined;
    for (const c of [{ op: 'LT', value: LOW }, { op: 'GT', value: LOW - 1n }] as const) {
      const extra: Condition = { index: free, op: c.op, value: c.value, valueTwo: 0n };
      out.push({ action: r.action, conditions: [...r.conditions, extra].sort((a, b) => a.index - b.index) });
    }
  }
  return out;
}

const sameRules = (a: readonly Rule[], b: readonly Rule[]): boolean =>
  a.length === b.length && a.every((r, i) => r.action === b[i]!.action && r.conditions.length === b[i]!.conditions.length &&
    r.conditions.every((c, j) => { const d = b[i]!.conditions[j]!; return c.index === d.index && c.op === d.op && c.value === d.value && c.valueTwo === d.valueTwo; }));

function perAbiRefusal(name: string, all: readonly AbiSyscall[], source: Arch, on: Arch, m: Mismatch): Diagnostic {
  const abis = all.map((a) => a.arch.name).join(', ');
  if (!m.data) return diag('decompilePerAbiRules', { syscall: name, abis, source: source.name, arch: on.name, reason: m.reason ?? 'unknown' });
  return diag('decompilePerAbi', { syscall: name, abis, call: callText(on, m.data), arch: on.name, a: formatAction(m.filter!), b: formatAction(m.rules!), source: source.name });
}

/** The rules for `name` that give the filter's verdict on every ABI of `all` (each where the name exists). */
export function planName(program: Program, name: string, all: readonly AbiSyscall[], defaultAction: number, recompiler: Recompiler): PlanResult {
  const ordered = [...all].sort((a, b) => b.arch.bits - a.arch.bits);
  const wide = ordered.filter((a) => a.arch.bits === 64);
  const narrow = ordered.filter((a) => a.arch.bits === 32);
  const narrowDefault = narrow.length > 0 && narrow.every((a) => a.sv.uniform === defaultAction);
  if (all.every((a) => a.sv.uniform !== undefined)) {
    const values = new Set(all.map((a) => a.sv.uniform!));
    if (values.size === 1) {
      const v = all[0]!.sv.uniform!;
      return { plan: { name, rules: v === defaultAction ? [] : [{ action: v, conditions: [] }] } };
    }
  }
  const candidates: Array<{ rules: Rule[]; source: Arch; only64?: boolean }> = [];
  for (const src of ordered) {
    for (const style of ['strict', 'inclusive'] as const) {
      const r = rulesOf(src.arch, src.sv, defaultAction, style);
      if ('refusal' in r) return { refusal: r.refusal };
      if (!candidates.some((c) => sameRules(c.rules, r.rules))) candidates.push({ rules: [...r.rules], source: src.arch });
      if (src.sv.uniform !== undefined) break;
    }
  }
  if (narrowDefault && wide.length > 0) {
    for (const c of candidates.filter((x) => x.source.bits === 64)) {
      const h = hide32(c.rules);
      if (h) candidates.push({ rules: h, source: c.source, only64: true });
    }
  }
  let first: { source: Arch; on: Arch; m: Mismatch } | undefined;
  for (const c of candidates) {
    let failed: { on: Arch; m: Mismatch } | undefined;
    for (const a of ordered) {
      const m = checkSyscall(program, a.arch, name, a.sv.nr, c.rules, defaultAction, recompiler);
      if (m) { failed = { on: a.arch, m }; break; }
    }
    if (!failed) {
      const only64 = c.only64 ? { abis64: wide.map((a) => a.arch.name), abis32: narrow.map((a) => a.arch.name) } : undefined;
      return { plan: { name, rules: c.rules, ...(only64 ? { only64 } : {}) } };
    }
    first ??= { source: c.source, ...failed };
  }
  return { refusal: perAbiRefusal(name, all, first!.source, first!.on, first!.m) };
}
