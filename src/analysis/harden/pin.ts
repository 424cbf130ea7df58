// SPDX-License-Identifier: Apache-2.0
// Pinning a syscall to one answer: the syscall is taken out of every rule that names it and gets
// one unconditional rule of its own (per errno numbering, ./errno-rules.ts). Unconditional, so
// libseccomp lets it override every conditional rule on the syscall, the companions it generates
// for socket and IPC calls included (libseccomp-behaviour.md §9 facts 22, 35); alone, so no
// second unconditional rule makes seccomp_rule_add fail with EEXIST (fact 23) and runc refuse to
// start; with an action that differs from the default, so runc does not drop it (fact 27).
//
// The action is the strictest that differs from the default and is at least as strict as every
// rule on the syscall: ERRNO(ENOSYS) (libc then uses the direct calls; kernel-experiments.md §7),
// ERRNO(EPERM) under an ENOSYS default, KILL_PROCESS under a KILL_THREAD or TRAP default; none
// under a KILL_PROCESS default (nothing is stricter).

import type { Arch } from '../../arch/arch.js';
import { errnoNumber } from '../../kernel/errno.js';
import { actionSpec, decodeAction, encodeAction } from '../../seccomp/action.js';
import { compareStrictness } from '../lint/context.js';
import { activeRules, defaultAction, type Analysis } from './analysis.js';
import { newRule, ruleNames, withNames, type DraftRule } from './draft.js';
import { applyVariant, errnoVariants, existsOnHost } from './errno-rules.js';
import { change, type Change, type StepEnv, type StepId } from './types.js';
import type { MessageId } from '../../diagnostics/messages.js';

export interface PinnedAction {
  readonly value: number;
  /** The errno by name, for ERRNO actions harden chose (ENOSYS or EPERM). */
  readonly errno?: string;
}

/** The action to pin `name` to, or undefined when none is both different from the default and strict enough. */
export function pinnedAction(a: Analysis, primary: Arch, name: string): PinnedAction | undefined {
  const d = defaultAction(a);
  const def = decodeAction(d);
  const enosys = errnoNumber(primary, 'ENOSYS') ?? 38;
  let pick: PinnedAction;
  if (def.kind === 'KILL_PROCESS') return undefined;
  if (def.kind === 'KILL_THREAD' || def.kind === 'TRAP') pick = { value: encodeAction('KILL_PROCESS') };
  else if (def.kind === 'ERRNO' && def.data === enosys) pick = { value: encodeAction('ERRNO', 1), errno: 'EPERM' };
  else pick = { value: encodeAction('ERRNO', enosys), errno: 'ENOSYS' };
  for (const r of activeRules(a)) {
    if (r.action !== d && r.names.includes(name) && compareStrictness(r.action, pick.value) < 0) pick = { value: r.action };
  }
  return pick;
}

/** Draft rules with `name` taken out of every rule (reported with `removed`), then its own rule(s) appended. */
export function pin(a: Analysis, env: StepEnv, step: StepId, name: string, action: PinnedAction, comment: string, removed: MessageId, args: Record<string, string>): { rules: DraftRule[]; changes: Change[] } {
  const rules: DraftRule[] = [];
  const changes: Change[] = [];
  // The pinned rule goes where the syscall was first named (at the start when it was not): it must
  // come before the rules whose companions it overrides, or their companions may clash first (EEXIST).
  let at: number | undefined;
  for (const r of a.draft.rules) {
    const names = ruleNames(r.json);
    if (!names.includes(name)) {
      rules.push(r);
      continue;
    }
    at ??= rules.length;
    const rest = names.filter((n) => n !== name);
    if (rest.length > 0) rules.push({ ...r, json: withNames(r.json, rest) });
    if (r.origin !== undefined) changes.push(change(env, step, removed, args, r.origin));
  }
  rules.splice(at ?? 0, 0, ...pinnedRules(env, name, action, comment));
  return { rules, changes };
}

function pinnedRules(env: StepEnv, name: string, action: PinnedAction, comment: string): DraftRule[] {
  const rules: DraftRule[] = [];
  const kind = decodeAction(action.value).kind;
  const base = newRule([name], actionSpec(kind).scmp[0]!, { comment });
  if (kind === 'ERRNO' && action.errno !== undefined) {
    for (const v of errnoVariants(env.input, env.primary, action.errno, existsOnHost(name))) {
      const json = applyVariant(base, v);
      if (json) rules.push({ json });
    }
  } else if (kind === 'ERRNO') {
    rules.push({ json: newRule([name], 'SCMP_ACT_ERRNO', { errnoRet: decodeAction(action.value).data, comment }) });
  } else {
    rules.push({ json: base });
  }
  return rules;
}

/** Every name in `names` without a rule of its own, as one rule per errno numbering (appended). */
export function errnoRulesFor(env: StepEnv, names: readonly string[], errno: string, comment: string): DraftRule[] {
  const base = newRule(names, 'SCMP_ACT_ERRNO', { comment });
  return errnoVariants(env.input, env.primary, errno, (host) => names.some((n) => existsOnHost(n)(host))).flatMap((v) => {
    const json = applyVariant(base, v);
    return json ? [{ json }] : [];
  });
}
