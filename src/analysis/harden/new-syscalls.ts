// SPDX-License-Identifier: Apache-2.0
// Harden step 6: new syscalls answered with ENOSYS. glibc and runtimes probe a newer syscall and
// fall back to the older one only when it fails with ENOSYS ("not implemented"); EPERM they take
// as a real failure (the clone3 breakage that made moby answer clone3 with ENOSYS, moby#42680).
// A syscall of the table that no rule names, that the default answers with another errno while
// its fallback is let through, gets an explicit ERRNO(ENOSYS) rule — unless the syscall's number
// is above the largest the profile names on some ABI: runc's stub answers those with ENOSYS
// already, and naming it would raise the stub's threshold past other calls.
//
// The coverage lint rule enosys-for-new-syscalls (SC4015) keeps the same table; until it lands
// this one is harden's copy (import it from there once it exists, and delete this one).

import { syscallNumber } from '../../arch/index.js';
import { errnoNumber } from '../../kernel/errno.js';
import { decodeAction, formatAction } from '../../seccomp/action.js';
import { defaultAction, views, type Analysis } from './analysis.js';
import { errnoRulesFor } from './pin.js';
import { change, type StepEnv, type StepResult } from './types.js';

/** A newer syscall and the older ones callers fall back to on ENOSYS (who does, and since when). */
export interface NewSyscall {
  readonly name: string;
  readonly fallbacks: readonly string[];
  readonly who: string;
}

export const NEW_SYSCALLS: readonly NewSyscall[] = [
  { name: 'clone3', fallbacks: ['clone'], who: 'glibc ≥ 2.34 (pthread_create, posix_spawn, fork)' },
  { name: 'faccessat2', fallbacks: ['faccessat'], who: 'glibc ≥ 2.33 (faccessat with flags)' },
  { name: 'openat2', fallbacks: ['openat'], who: 'systemd, runc and other callers of RESOLVE_* lookups' },
  { name: 'statx', fallbacks: ['newfstatat', 'fstatat64', 'fstat', 'fstat64'], who: 'glibc ≥ 2.28 on 32-bit ABIs, Rust std, coreutils' },
  { name: 'close_range', fallbacks: ['close'], who: 'glibc ≥ 2.34 (closefrom), systemd, Python' },
  { name: 'epoll_pwait2', fallbacks: ['epoll_pwait'], who: 'glibc ≥ 2.35, libuv' },
  { name: 'fchmodat2', fallbacks: ['fchmodat'], who: 'glibc ≥ 2.39 (fchmodat with AT_SYMLINK_NOFOLLOW)' },
  { name: 'futex_waitv', fallbacks: ['futex', 'futex_time64'], who: 'Wine/Proton and other futex2 users' },
];

export function newSyscallsStep(a: Analysis, env: StepEnv): StepResult {
  const none = { rules: a.draft.rules, changes: [], notes: [] };
  const d = defaultAction(a);
  const def = decodeAction(d);
  if (def.kind !== 'ERRNO' || def.data === errnoNumber(env.primary, 'ENOSYS')) return none;
  const named = new Set(a.profile.syscalls.flatMap((s) => s.names));
  const stub = a.policy.enosysStub?.entries ?? [];
  const picked = NEW_SYSCALLS.filter((s) => {
    if (named.has(s.name)) return false;
    const here = views(a, s.name);
    if (here.length === 0 || here.some((v) => v.view.constant !== d)) return false;
    // below runc's stub threshold on every ABI where it exists (else the stub already says ENOSYS)
    if (here.some((v) => stub.some((e) => e.arch === v.arch && (syscallNumber(v.arch, s.name) ?? 0) > e.max))) return false;
    return s.fallbacks.some((f) => views(a, f).some((v) => v.view.permitted !== 'never'));
  });
  if (picked.length === 0) return none;
  const names = picked.map((s) => s.name);
  const rules = [...a.draft.rules, ...errnoRulesFor(env, names, 'ENOSYS', 'syscage harden: newer syscalls answered with ENOSYS, so that callers fall back to the older ones')];
  const fallbacks = picked.map((s) => `${s.name} → ${s.fallbacks.filter((f) => views(a, f).length > 0).join('/')}`).join(', ');
  return { rules, changes: [change(env, 'new-syscalls', 'hardenNewSyscalls', { names: names.join(', '), action: formatAction(d), fallbacks }, `${env.input.pointerBase}/syscalls`)], notes: [] };
}
