// SPDX-License-Identifier: Apache-2.0
// Finding the profile rule behind a verdict, for locating findings: the resolved rules keep their
// JSON pointers (and one pointer per name), so a rule that reports on a syscall can point at the
// name in the profile that allows or denies it — or at the default action when no rule names it.

import type { ProfileRule } from '../../../resolve/types.js';
import { permits, type LintContext } from '../context.js';

/** The resolved rules naming `name`, with the pointer of that name. */
export function rulesNaming(ctx: LintContext, name: string): Array<{ rule: ProfileRule; pointer: string }> {
  const out: Array<{ rule: ProfileRule; pointer: string }> = [];
  for (const rule of ctx.resolved?.rules ?? []) {
    rule.names.forEach((n, i) => {
      if (n === name) out.push({ rule, pointer: rule.namePointers?.[i] ?? rule.pointer });
    });
  }
  return out;
}

/**
 * Where the profile lets `name` run without conditions: the name in an unconditional permitting
 * rule, else the default action when it permits; undefined for filters or when neither applies.
 */
export function allowingPointer(ctx: LintContext, name: string): string | undefined {
  if (!ctx.resolved) return undefined;
  const hit = rulesNaming(ctx, name).find((r) => r.rule.conditions.length === 0 && permits(r.rule.action));
  if (hit) return hit.pointer;
  return permits(ctx.resolved.defaultAction) ? `${ctx.profile?.pointerBase ?? ''}/defaultAction` : undefined;
}
