// SPDX-License-Identifier: Apache-2.0
// missing-arch: an ABI the host can run (../../../arch/hosts.ts) that the filter does not judge.
// The kernel puts the caller's AUDIT_ARCH in seccomp_data.arch and the caller's own syscall
// numbers in nr (arch/x86/entry/entry_64_compat.S: int $0x80 from a 64-bit process is an i386
// call), so a filter that never reads arch judges an i386 call by its number as if it were an
// x86_64 one — i386 socketcall (102) passes as x86_64's getuid (102) — and one that checks arch
// but lets another AUDIT_ARCH fall through hands that ABI whatever the fall-through returns.
// Both are errors, with a witness the filter permits on the other ABI while refusing its native
// namesake. A profile compiled by runc/libseccomp sends an ABI it does not list to the bad-arch
// action (KILL_THREAD, kernel-experiments.md §2: an i386 program, and int $0x80 from x86_64, die
// with SIGSYS): not a hole, reported as info (a raw filter that kills what it does not judge says
// so itself: nothing to report). x32 (same AUDIT_ARCH as x86_64) in a raw filter is
// ./x32-abi.ts's business.

import type { Arch } from '../../../arch/arch.js';
import { syscallNumber } from '../../../arch/index.js';
import { hex32 } from '../../../bits.js';
import { formatAction } from '../../../seccomp/action.js';
import { comparedAuditArches } from '../../../seccomp/annotate.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { abiList } from './abi-groups.js';
import { archesPointer, compatAbis, namesByInterest, nativeAbi, x32Twin } from './abi-coverage.js';
import { constantVerdict, describeCall, findLooser, permittedCall, typicalCalls, witnessOf, type Call } from './coverage-calls.js';

/** The native syscall that does the work of an ABI-only one (socketcall multiplexes socket(), …). */
const NAMESAKE: Readonly<Record<string, string>> = { socketcall: 'socket' };


/** How the ABI's calls arrive on this host, for messages. */
function howCalled(abi: Arch, native: Arch): string {
  return abi.name === 'x86' && native.name === 'x86_64' ? 'an i386 program\'s, or int $0x80 from any 64-bit process' : `a ${abi.bits}-bit program's`;
}

interface Evidence {
  readonly call: Call;
  readonly versus?: Call;
}

/** A call `abi` permits while its native namesake is refused with the same arguments; else any permitted call. */
function evidence(ctx: LintContext, abi: Arch, native: Arch, open: readonly string[]): Evidence | undefined {
  for (const name of open) {
    const namesake = NAMESAKE[name] ?? name;
    if (!ctx.syscall(native, namesake)) continue;
    const pair = findLooser(ctx, { arch: abi, name }, { arch: native, name: namesake }, typicalCalls(name));
    if (pair) return { call: pair.looser, versus: pair.stricter };
  }
  for (const name of open) {
    const call = permittedCall(ctx, abi, name);
    if (call) return { call };
  }
  return undefined;
}

export const missingArch: LintRule = {
  id: 'missing-arch',
  code: 'SC4008',
  severity: 'info',
  description: 'an ABI the host can run that the filter does not judge: killed (profiles), or judged by the wrong numbers or let through (raw filters)',
  messages: {
    unchecked: 'the filter never checks seccomp_data.arch: {abi} calls ({how}) are judged by their numbers as if they were {native} calls, and {count} {abi} syscalls reach a permitting verdict',
    open: 'the filter checks seccomp_data.arch, but {abi} (AUDIT_ARCH {audit}) is not among the ABIs it judges and falls to a permitting verdict: {count} {abi} syscalls are allowed ({how})',
    closed: '{abis} {are} not in the profile\'s architectures: the runtime answers every {abis} call with the bad-arch action {verdicts}{note}',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const native = nativeAbi(ctx);
    if (!native) return;
    const twin = x32Twin(ctx, native);
    const candidates = [...compatAbis(ctx, native), ...(twin && ctx.kind === 'profile' ? [twin] : [])];
    const missing = candidates.filter((a) => !ctx.abis.includes(a));
    const unchecked = comparedAuditArches(ctx.program, ctx.endian).size === 0;
    const closed: Arch[] = [];
    const closedVerdicts = new Set<string>();
    const pointer = archesPointer(ctx);
    for (const abi of missing) {
      const verdicts = new Set<string>();
      const open = namesByInterest(abi).filter((n) => {
        const nr = syscallNumber(abi, n)!;
        const fixed = constantVerdict(ctx, abi, nr);
        if (fixed !== undefined) verdicts.add(formatAction(fixed));
        return fixed !== undefined ? permits(fixed) : ctx.syscall(abi, n)!.permitted !== 'never';
      });
      if (open.length === 0) {
        closed.push(abi);
        for (const v of verdicts) closedVerdicts.add(v);
        continue;
      }
      if (abi === twin) continue;
      const found = evidence(ctx, abi, native, open);
      if (!found) continue;
      const { call, versus } = found;
      const judgedAs = ctx.nameOf(native, call.nr);
      const base = describeCall(ctx, call);
      const why = unchecked ? ` (the filter judges nr ${call.nr} as ${native.name}'s ${judgedAs ?? 'unassigned number'})` : ` (AUDIT_ARCH ${hex32(abi.auditArch)} falls through the arch check)`;
      report({
        message: unchecked ? 'unchecked' : 'open',
        args: { abi: abi.name, native: native.name, how: howCalled(abi, native), count: open.length, audit: hex32(abi.auditArch) },
        ...(pointer !== undefined ? { pointer } : {}),
        severity: 'error',
        witness: witnessOf(ctx, call, { ...(versus ? { versus } : {}), text: `${base}${why}${versus ? `, but ${describeCall(ctx, versus)}` : ''}` }),
        fix: `load seccomp_data.arch first and send every AUDIT_ARCH the filter has no rules for to a kill: \`ld [4]; jeq #${hex32(native.auditArch)}, rules, kill\` (or give ${abi.name} rules of its own)`,
      });
    }
    // A raw filter that kills what it does not judge says so itself; a profile leaves it to the runtime.
    if (closed.length === 0 || ctx.kind !== 'profile') return;
    const x86 = closed.find((a) => a.name === 'x86' && native.name === 'x86_64');
    const note = x86 ? ': 32-bit programs cannot run (not a hole), and int $0x80 from a 64-bit process ends it the same way' : ': programs of those ABIs cannot run (not a hole)';
    report({
      message: 'closed',
      args: { abis: abiList(closed), are: closed.length === 1 ? 'is' : 'are', verdicts: [...closedVerdicts].join(' or '), note },
      ...(pointer !== undefined ? { pointer } : {}),
      fix: `nothing to change unless ${abiList(closed)} programs must run; then add ${closed.map((a) => a.scmpName).join(', ')} to the architectures (Docker's archMap does for ${native.name})`,
    });
  },
};
