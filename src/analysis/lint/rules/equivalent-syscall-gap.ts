// SPDX-License-Identifier: Apache-2.0
// equivalent-syscall-gap: one syscall refused on purpose, whatever its arguments, while another
// that does the same job (../../../kernel/equivalent-syscalls.ts) is allowed whatever its
// arguments — execve denied, execveat allowed; open denied, openat allowed; setuid denied,
// setuid32 allowed on i386. On purpose: by a deny list (default allow), or by a rule naming the
// call; an allow list that leaves a call out did not mean to stop its job.
// Only constant verdicts count: a call allowed for some arguments may be the filter's deliberate
// narrowing, which the argument rules judge. Syscalls an ABI does not have are skipped, and a
// denied `also` entry point (clone3, openat2, i386's oldstat…) never counts: refusing what the
// profile predates or never heard of is how profiles treat such syscalls
// (./enosys-for-new-syscalls.ts says how they should answer the new ones).

import type { Arch } from '../../../arch/arch.js';
import { syscallNames, syscallNumber } from '../../../arch/index.js';
import { EQUIVALENT_SYSCALLS } from '../../../kernel/equivalent-syscalls.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { reachableAbis } from './abi-coverage.js';
import { abiList, groupByKey, wordList } from './abi-groups.js';
import { callOf, constantVerdict, describeCall, witnessOf, type Call } from './coverage-calls.js';
import { allowingPointer, rulesNaming } from './profile-rules.js';

/** The call's verdict when it does not depend on arguments: 'always' permitted, 'never', or undefined. */
function constantly(ctx: LintContext, arch: Arch, name: string): 'always' | 'never' | undefined {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) return undefined;
  const fixed = constantVerdict(ctx, arch, nr);
  if (fixed !== undefined) return permits(fixed) ? 'always' : 'never';
  const permitted = ctx.syscall(arch, name)!.permitted;
  return permitted === 'sometimes' ? undefined : permitted;
}

interface Gap {
  readonly job: string;
  readonly denied: Call;
  /** The allowed equivalents (a sequence written `a+b`). */
  readonly allowed: readonly string[];
  readonly witness: Call;
}

/** The verdict a syscall gets when nothing names it: the profile's default, or a raw filter's answer past the ABI's table. */
function defaultVerdict(ctx: LintContext, arch: Arch): number {
  if (ctx.defaultAction !== undefined) return ctx.defaultAction;
  const names = syscallNames(arch);
  return ctx.verdict(arch, syscallNumber(arch, names[names.length - 1]!)! + 1);
}

/**
 * Was the call refused on purpose? Under a default that allows, every refusal is; under a default
 * that refuses, only a rule naming the call (or, in a raw filter, a verdict other than the
 * default's) — an allow list that leaves readv out did not mean to stop reading.
 */
function deliberate(ctx: LintContext, call: Call, fallback: number): boolean {
  if (permits(fallback)) return true;
  if (ctx.resolved) return rulesNaming(ctx, call.name).some((r) => !permits(r.rule.action));
  return call.verdict !== fallback;
}

function gaps(ctx: LintContext, arch: Arch): Gap[] {
  const out: Gap[] = [];
  const fallback = defaultVerdict(ctx, arch);
  for (const group of EQUIVALENT_SYSCALLS) {
    for (const name of group.peers) {
      if (constantly(ctx, arch, name) !== 'never') continue;
      const allowed = [...group.peers, ...(group.also ?? [])].filter((other) => other !== name && other.split('+').every((part) => constantly(ctx, arch, part) === 'always'));
      if (allowed.length === 0) continue;
      const witness = callOf(ctx, arch, allowed[0]!.split('+')[0]!)!;
      const denied = callOf(ctx, arch, name)!;
      if (!permits(witness.verdict) || permits(denied.verdict) || !deliberate(ctx, denied, fallback)) continue;
      out.push({ job: group.job, denied, allowed, witness });
    }
  }
  // A syscall in two groups (unlinkat removes files and directories) is one finding.
  const seen = new Set<string>();
  return out.filter((g) => {
    const key = g.denied.name;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const equivalentSyscallGap: LintRule = {
  id: 'equivalent-syscall-gap',
  code: 'SC4014',
  severity: 'warning',
  description: 'a syscall denied while another that does the same job is allowed (execve/execveat, open/openat, fork/clone, setuid/setuid32…)',
  messages: {
    gap: '`{denied}` is denied on {abis}, but {allowed} {do} the same job ({job}) and {are} allowed',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    // One finding per denied syscall, naming the equivalents open on any of its ABIs; the witness is the first ABI's.
    const results = reachableAbis(ctx).flatMap((arch) => gaps(ctx, arch).map((g) => ({ arch, key: g.denied.name, value: g })));
    for (const { abis, first, all } of groupByKey(results)) {
      const allowed = [...new Set(all.flatMap((g) => g.allowed))];
      // Point at the denial: that is where the profile says what it means to stop.
      const pointer = rulesNaming(ctx, first.denied.name).find((r) => !permits(r.rule.action))?.pointer ?? allowingPointer(ctx, first.witness.name);
      const names = allowed.map((n) => n.split('+').map((p) => `\`${p}\``).join(' + '));
      const one = allowed.length === 1 && !allowed[0]!.includes('+');
      report({
        message: 'gap',
        args: { denied: first.denied.name, abis: abiList(abis), allowed: wordList(names), do: one ? 'does' : 'do', are: one ? 'is' : 'are', job: first.job },
        ...(pointer !== undefined ? { pointer } : {}),
        witness: witnessOf(ctx, first.witness, { versus: first.denied, text: `${describeCall(ctx, first.witness)}, but ${describeCall(ctx, first.denied)}` }),
        fix: `deny ${wordList(names)} with \`${first.denied.name}\`'s action, or allow \`${first.denied.name}\` if denying it was not meant as a restriction`,
      });
    }
  },
};
