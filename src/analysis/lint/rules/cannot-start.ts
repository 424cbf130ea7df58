// SPDX-License-Identifier: Apache-2.0
// cannot-start: a default-deny filter without a syscall the container's process needs before the
// workload's own code runs (../../../kernel/startup-syscalls.ts: runc's execve, then the dynamic
// loader's and libc's start-up calls). Judged on the native ABI only — the one the workload runs
// as. An essential call refused is an error: the container dies at start. A tolerated call glibc
// carries on without is reported only when the filter kills or traps on it instead of returning
// an errno. For a raw filter the finding is a warning: it holds when the filter is installed
// before the program starts (bwrap --seccomp, crun's run.oci.seccomp_bpf_data), not for one a
// program loads into itself after start-up.

import type { Arch } from '../../../arch/arch.js';
import { syscallNames } from '../../../arch/index.js';
import { STARTUP_SYSCALLS, type StartupCall } from '../../../kernel/startup-syscalls.js';
import { decodeAction, formatAction } from '../../../seccomp/action.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { nativeAbi } from './abi-coverage.js';
import { wordList } from './abi-groups.js';
import { constantVerdict, witnessOf, type Call } from './coverage-calls.js';
import { rulesNaming } from './profile-rules.js';

/** Does the verdict end the caller instead of failing the call? */
function ends(verdict: number): boolean {
  const kind = decodeAction(verdict).kind;
  return kind === 'KILL_PROCESS' || kind === 'KILL_THREAD' || kind === 'TRAP';
}

/** Is the filter default-deny on `arch`: a number past the ABI's table is refused? */
function defaultDenies(ctx: LintContext, arch: Arch): boolean {
  if (ctx.defaultAction !== undefined) return !permits(ctx.defaultAction);
  const names = syscallNames(arch);
  const top = ctx.syscall(arch, names[names.length - 1]!)!.nr;
  return !permits(ctx.verdict(arch, top + 1));
}

/** The row's calls on `arch` when every one of them is refused whatever the arguments; undefined when one may run. */
function refused(ctx: LintContext, arch: Arch, row: StartupCall): Call[] | undefined {
  if (row.abis && !row.abis.includes(arch.name)) return undefined;
  const calls: Call[] = [];
  for (const name of row.names) {
    const view = ctx.syscall(arch, name);
    if (!view) continue;
    const fixed = constantVerdict(ctx, arch, view.nr);
    if (fixed === undefined ? view.permitted !== 'never' : permits(fixed)) return undefined;
    calls.push({ arch, name, nr: view.nr, args: [0n, 0n, 0n, 0n, 0n, 0n], verdict: ctx.verdict(arch, view.nr) });
  }
  return calls.length ? calls : undefined;
}

/** Where the profile refuses `name`: the rule naming it, else the default action. */
function refusingPointer(ctx: LintContext, name: string): string | undefined {
  if (!ctx.profile) return undefined;
  const rule = rulesNaming(ctx, name).find((r) => !permits(r.rule.action));
  return rule?.pointer ?? `${ctx.profile.pointerBase}/defaultAction`;
}

export const cannotStart: LintRule = {
  id: 'cannot-start',
  code: 'SC4012',
  severity: 'error',
  description: 'a default-deny filter without a syscall a container or a dynamically linked program needs to start (execve, mmap, mprotect, openat…)',
  messages: {
    essential: '{names} {is} refused on {abi} ({verdict}): {why}. A container with this profile cannot start',
    essentialFilter: '{names} {is} refused on {abi} ({verdict}): {why}. If the filter is installed before the program starts (bwrap --seccomp, crun\'s run.oci.seccomp_bpf_data), it cannot start',
    ends: '{names} {is} answered with {verdict} on {abi}: {why} — when the call fails with an errno; this filter ends the process instead',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const arch = nativeAbi(ctx);
    if (!arch || !ctx.abis.includes(arch) || !defaultDenies(ctx, arch)) return;
    for (const row of STARTUP_SYSCALLS) {
      const calls = refused(ctx, arch, row);
      if (!calls) continue;
      const lead = calls[0]!;
      const fatal = calls.some((c) => ends(c.verdict));
      if (row.need === 'tolerated' && !fatal) continue;
      const names = wordList(calls.map((c) => `\`${c.name}\``));
      const verdicts = [...new Set(calls.map((c) => formatAction(c.verdict)))].join(', ');
      const pointer = refusingPointer(ctx, lead.name);
      const message = row.need === 'tolerated' ? 'ends' : ctx.kind === 'profile' ? 'essential' : 'essentialFilter';
      report({
        message,
        args: { names, is: calls.length === 1 ? 'is' : 'are', abi: arch.name, verdict: verdicts, why: row.why },
        ...(pointer !== undefined ? { pointer } : {}),
        ...(ctx.kind === 'filter' ? { severity: 'warning' as const } : {}),
        witness: witnessOf(ctx, lead),
        fix: `allow \`${row.names.find((n) => ctx.syscall(arch, n)) ?? lead.name}\`${row.need === 'tolerated' ? ', or answer it with SCMP_ACT_ERRNO instead of killing' : ''}`,
      });
    }
  },
};
