// SPDX-License-Identifier: Apache-2.0
// Harden step 3: stricter rules that libseccomp overrides made to count. When a syscall has an
// unconditional rule, libseccomp keeps the first unconditional rule and lets it override every
// conditional one (libseccomp-behaviour.md §9 facts 22-24; src/db.c _db_tree_add), so a stricter
// rule on the same syscall — a conditional TRAP next to an allow-list entry, Podman's
// `setns` ERRNO(EPERM) next to the allow list that also names setns — never applies. When the
// overriding rule is the weakest of the syscall's rules and of the default, the syscall is taken
// out of it: then the stricter rules apply where they match and the rest falls to the default or
// the next rule, none of which is weaker.

import { compareStrictness } from '../lint/context.js';
import { formatAction } from '../../seccomp/action.js';
import type { ProfileRule } from '../../resolve/types.js';
import { activeRules, defaultAction, originOf, ruleIndex, type Analysis } from './analysis.js';
import { ruleNames, withNames } from './draft.js';
import { applyUnits, change, type StepEnv, type StepResult, type StepUnit } from './types.js';

/**
 * libseccomp drops a MASKED_EQ whose mask is 0 (a tautology; on a 32-bit ABI, whose low word is 0:
 * the high half is not compared there), so such a rule is unconditional to it on some ABI.
 */
function unconditional(a: Analysis, r: ProfileRule): boolean {
  const narrow = a.ctx.abis.some((abi) => abi.bits === 32);
  return r.conditions.every((c) => c.op === 'MASKED_EQ' && (c.value === 0n || (narrow && (c.value & 0xffff_ffffn) === 0n)));
}

export function overriddenStep(a: Analysis, env: StepEnv): StepResult {
  const active = activeRules(a);
  const d = defaultAction(a);
  const removals = new Map<number, Map<string, string[]>>();
  for (const name of new Set(active.flatMap((r) => r.names))) {
    const naming = active.filter((r) => r.names.includes(name));
    const first = naming.find((r) => unconditional(a, r));
    if (!first || naming.length < 2) continue;
    const others = naming.filter((r) => r !== first);
    if (!others.some((o) => compareStrictness(o.action, first.action) < 0)) continue; // nothing stricter was lost
    if (compareStrictness(first.action, d) < 0 || others.some((o) => compareStrictness(o.action, first.action) > 0)) continue;
    const i = ruleIndex(a, first.pointer);
    if (i === undefined) continue;
    const byName = removals.get(i) ?? new Map<string, string[]>();
    byName.set(name, others.map((o) => `${formatAction(o.action)} at ${originOf(a, o.pointer)}`));
    removals.set(i, byName);
  }
  const units: StepUnit[] = [...removals].map(([index, byName]) => {
    const r = a.draft.rules[index]!;
    const rest = ruleNames(r.json).filter((n) => !byName.has(n));
    const names = [...byName.keys()];
    const others = [...new Set([...byName.values()].flat())];
    const resolved = active.find((x) => ruleIndex(a, x.pointer) === index)!;
    return {
      index,
      replacement: rest.length > 0 ? [{ ...r, json: withNames(r.json, rest) }] : [],
      changes: [change(env, 'overridden', 'hardenOverridden', { names: names.join(', '), action: formatAction(resolved.action), others: others.slice(0, 3).join('; ') + (others.length > 3 ? '; …' : '') }, r.origin ?? `${env.input.pointerBase}/syscalls`)],
    };
  });
  return { ...applyUnits(a.draft.rules, units), notes: [], units };
}
