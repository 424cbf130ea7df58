// SPDX-License-Identifier: Apache-2.0
// enosys-for-new-syscalls: a syscall that libc tries first and replaces by an older one only on
// ENOSYS (../../../kernel/syscall-fallbacks.ts: clone3 → clone, faccessat2 → faccessat, statx →
// fstatat64, the time64 calls of 32-bit ABIs…) is refused with another errno — typically the
// profile's default EPERM — or killed, while the fallback is allowed: the program gets the error
// instead of falling back (moby#42680: glibc 2.34's clone3 under an EPERM default). Judged on the
// real verdicts, so runc's ENOSYS stub (numbers above the profile's largest syscall answer ENOSYS,
// ../../../resolve/runc.ts) is accounted for: what the stub answers is fine, what it misses — an
// ABI whose largest named syscall is higher, x32's 512+ calls — is not. TRACE and USER_NOTIF hand
// the call to a tracer or supervisor, which decides; they are not reported.

import type { Arch } from '../../../arch/arch.js';
import { errnoNumber } from '../../../kernel/errno.js';
import { SYSCALL_FALLBACKS, type Fallback } from '../../../kernel/syscall-fallbacks.js';
import { decodeAction, encodeAction, formatAction } from '../../../seccomp/action.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { reachableAbis } from './abi-coverage.js';
import { abiList, groupByKey } from './abi-groups.js';
import { callOf, constantVerdict, describeCall, permittedCall, witnessOf, type Call } from './coverage-calls.js';
import { rulesNaming } from './profile-rules.js';

/** Does the verdict keep the caller from falling back: an errno other than ENOSYS, a kill or a trap? */
function blocksFallback(arch: Arch, verdict: number): boolean {
  const a = decodeAction(verdict);
  if (a.kind === 'ERRNO') return a.data !== (errnoNumber(arch, 'ENOSYS') ?? 38);
  return a.kind === 'KILL_PROCESS' || a.kind === 'KILL_THREAD' || a.kind === 'TRAP';
}

/** The verdicts of a syscall refused whatever its arguments; undefined when some call may run. */
function refusedVerdicts(ctx: LintContext, arch: Arch, name: string): readonly number[] | undefined {
  const view = ctx.syscall(arch, name);
  if (!view) return undefined;
  const fixed = constantVerdict(ctx, arch, view.nr);
  if (fixed !== undefined) return permits(fixed) ? undefined : [fixed];
  return view.permitted === 'never' ? view.values : undefined;
}

interface Blocked {
  readonly row: Fallback;
  readonly call: Call;
  readonly fallback: Call;
}

function blocked(ctx: LintContext, arch: Arch): Blocked[] {
  const out: Blocked[] = [];
  for (const row of SYSCALL_FALLBACKS) {
    const verdicts = refusedVerdicts(ctx, arch, row.syscall);
    if (!verdicts || !verdicts.some((v) => blocksFallback(arch, v))) continue;
    const fallback = permittedCall(ctx, arch, row.fallback);
    const call = callOf(ctx, arch, row.syscall);
    if (!fallback || !call || !blocksFallback(arch, call.verdict)) continue;
    out.push({ row, call, fallback });
  }
  return out;
}

/** Where the profile answers `name`: the refusing rule naming it, else its default errno (or action). */
function answerPointer(ctx: LintContext, name: string): string | undefined {
  const p = ctx.profile;
  if (!p) return undefined;
  const rule = rulesNaming(ctx, name).find((r) => !permits(r.rule.action));
  if (rule) return rule.pointer;
  return `${p.pointerBase}/${p.defaultErrnoRet !== undefined ? 'defaultErrnoRet' : p.defaultErrno !== undefined ? 'defaultErrno' : 'defaultAction'}`;
}

export const enosysForNewSyscalls: LintRule = {
  id: 'enosys-for-new-syscalls',
  code: 'SC4015',
  severity: 'warning',
  description: 'a syscall libc falls back from only on ENOSYS (clone3, faccessat2, statx, time64…) refused with another errno while its fallback is allowed',
  messages: {
    blocked: '`{name}` is answered with {verdict} on {abis}, but {libc} {falls} back to `{fallback}` (allowed) only on ENOSYS: {calls} get the error instead',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const results = reachableAbis(ctx).flatMap((arch) => blocked(ctx, arch).map((b) => ({ arch, key: `${b.row.syscall}|${formatAction(b.call.verdict)}`, value: b })));
    for (const { abis, first } of groupByKey(results)) {
      const { row, call, fallback } = first;
      const pointer = answerPointer(ctx, row.syscall);
      const enosys = errnoNumber(call.arch, 'ENOSYS') ?? 38;
      report({
        message: 'blocked',
        args: { name: row.syscall, verdict: formatAction(call.verdict), abis: abiList(abis), libc: row.libc, falls: /\band\b/.test(row.libc.split(' (')[0]!) ? 'fall' : 'falls', fallback: row.fallback, calls: row.calls },
        ...(pointer !== undefined ? { pointer } : {}),
        witness: witnessOf(ctx, call, { versus: fallback, text: `${describeCall(ctx, call)}, not ${formatAction(encodeAction('ERRNO', enosys))}, while ${describeCall(ctx, fallback)}` }),
        fix: `answer \`${row.syscall}\` with ERRNO(ENOSYS): { "names": ["${row.syscall}"], "action": "SCMP_ACT_ERRNO", "errnoRet": ${enosys} } (or make ENOSYS the default errno, as Podman's default profile does: "defaultErrnoRet": ${enosys})`,
      });
    }
  },
};
