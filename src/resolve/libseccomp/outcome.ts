// SPDX-License-Identifier: Apache-2.0
// What one seccomp_rule_add() did on one ABI, in words a user reads. These strings become
// diagnostics (src/resolve/resolve.ts shows every effect but a plain 'added'), so each one says
// what libseccomp did and, where it surprises, why. The facts behind them are those of
// db.ts (db_rule_add), merge.ts, arch-rules.ts (abi_rule_add) and rule-gen.ts.

import { hex64 } from '../../bits.js';
import type { Arch } from '../../arch/arch.js';
import type { Origin } from '../../policy/policy.js';
import { formatAction } from '../../seccomp/action.js';
import type { ApiRule } from '../types.js';
import { callConstant, type ArchResult, type Step } from './arch-rules.js';

function who(origin: Origin | undefined): string {
  return origin ? ` (${origin.pointer})` : '';
}

function syscallLabel(rule: ApiRule): string {
  return typeof rule.syscall === 'string' ? rule.syscall : `syscall ${rule.syscall}`;
}

function stepEffect(step: Step, rule: ApiRule, arch: Arch): string {
  const name = step.role === 'companion' ? step.mux!.via : syscallLabel(rule);
  const e = step.effect;
  switch (e.kind) {
    case 'new':
      return 'added';
    case 'after-unconditional':
      if (rule.args.length > 0) return `dropped: an unconditional rule for ${name} (${formatAction(e.action)}${who(e.origin)}) was added before, and it overrides every conditional rule of ${name}`;
      return e.action === rule.action
        ? `no change: the same unconditional rule for ${name} was added before`
        : `dropped: ${name} already has an unconditional rule (${formatAction(e.action)}${who(e.origin)}); libseccomp keeps the first`;
    case 'override':
      return `overrides the conditional rules for ${name}`;
    case 'replaced-pruned':
      return `replaces the longer rules for ${name} with the same prefix and action (libseccomp keeps the shorter one)`;
    case 'redundant':
      return 'dropped: a shorter rule with the same prefix was added before (libseccomp keeps the shorter one)';
    case 'merged':
      if (!e.changed) return 'no change: an identical rule was added before';
      return e.pruned > 0 ? `added; longer rules for ${name} with the same prefix and action were pruned (libseccomp keeps the shorter one)` : 'added';
    case 'conflict':
      return e.conflict.kind === 'same-chain'
        ? `-EEXIST: conflicts with ${formatAction(e.conflict.action)}${who(e.conflict.origin)}: the same comparisons already lead to another action on ${arch.name}`
        : `-EEXIST: conflicts with a longer rule for ${name} with the same prefix and another action (${formatAction(e.conflict.action)}${who(e.conflict.origin)})`;
  }
}

function companionText(step: Step, rule: ApiRule): string {
  const m = step.mux!;
  const a0 = rule.args.some((c) => c.arg === 0);
  const rest = rule.args.filter((c) => c.arg !== 0).map((c) => `a${c.arg}`);
  let s = `companion added on ${m.via} (${m.nr}) with a0 == ${m.call} (${callConstant(m.name)})`;
  if (a0) s += '; the a0 condition is not copied';
  if (rest.length > 0) s += `; ${rest.join(', ')} copied unchanged, so they test ${m.via}'s arguments, not ${m.name}'s`;
  return s;
}

/** Notes about how the ABI's word size changes the rule's comparisons. */
function widthNotes(rule: ApiRule, arch: Arch): string[] {
  const notes: string[] = [];
  for (const c of rule.args) {
    const mask = c.op === 'MASKED_EQ' ? BigInt.asUintN(64, c.a) : BigInt.asUintN(64, -1n);
    const datum = BigInt.asUintN(64, c.op === 'MASKED_EQ' ? c.b : c.a);
    if (c.op === 'MASKED_EQ' && (arch.bits === 32 ? mask & 0xffff_ffffn : mask) === 0n) {
      notes.push(`a${c.arg} MASKED_EQ with mask ${hex64(mask)} tests no bit ${arch.bits === 32 ? 'of the low word ' : ''}and is dropped (always true)`);
    } else if (arch.bits === 32 && (datum >> 32n !== 0n || (c.op === 'MASKED_EQ' && mask >> 32n !== 0n))) {
      notes.push(`a${c.arg} ${c.op} ${hex64(c.op === 'MASKED_EQ' ? c.b : c.a)}: ${arch.name} compares the low 32 bits only, the upper half is dropped`);
    }
  }
  return notes;
}

const ADDED: readonly string[] = Object.freeze(['added']);

/** The effects of one rule on one ABI. */
export function archEffects(arch: Arch, rule: ApiRule, r: ArchResult): readonly string[] {
  // The common case, an unconditional rule on a syscall new to the ABI: nothing to say.
  if (r.rc === 0 && rule.args.length === 0 && r.steps.length === 1 && r.steps[0]!.effect.kind === 'new' && !('absent' in r && r.absent === true)) return ADDED;
  if (r.rc !== 0 && r.steps.length === 0) return [`${errnoLabel(r.rc)}: ${'why' in r ? r.why : 'refused'}`];
  const out: string[] = [];
  const absentDirect = r.rc === 0 && 'absent' in r && r.absent === true;
  for (const step of r.steps) {
    if (step.role === 'companion') {
      const text = stepEffect(step, rule, arch);
      out.push(text === 'added' ? companionText(step, rule) : `${step.mux!.via} companion (a0 == ${step.mux!.call}): ${text}`);
    } else if (absentDirect && step.mux) {
      out.push(`no direct ${step.mux.name} on ${arch.name}: only the ${step.mux.via} companion is emitted`);
    } else if (absentDirect) {
      out.push(`${syscallLabel(rule)} does not exist on ${arch.name}: nothing is emitted there`);
    } else out.push(stepEffect(step, rule, arch));
  }
  if (r.steps.length === 0 && absentDirect) out.push(`${syscallLabel(rule)} does not exist on ${arch.name}: nothing is emitted there`);
  if (r.rc === 0 && !absentDirect) out.push(...widthNotes(rule, arch));
  return out;
}

export function errnoLabel(rc: number): string {
  const names: Record<number, string> = { [-1]: 'not added', [-13]: '-EACCES', [-14]: '-EFAULT', [-17]: '-EEXIST', [-22]: '-EINVAL', [-33]: '-EDOM', [-40]: 'never returns' };
  return names[rc] ?? `rc ${rc}`;
}
