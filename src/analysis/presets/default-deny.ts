// SPDX-License-Identifier: Apache-2.0
// default-deny: a profile that refuses everything with EPERM except the syscalls given, plus the
// minimum a container needs to start:
//   - what the dynamic loader and libc start-up of a glibc program call between the runtime's
//     execve and main() (../../kernel/startup-syscalls.ts, the table the cannot-start lint rule
//     reads; every alternative, so that each ABI has its own);
//   - what runc's init calls after it has loaded the filter (the table below), then execve.
// Docker's archMap, so that the compat ABIs are filtered rather than killed. Then hardened
// (../harden/): the newer syscalls whose fallback is allowed get ENOSYS (clone3 when clone is
// given, the time64 calls of 32-bit ABIs…), as do the numbers above the largest one the profile
// names (runc's stub).

import { knownSyscallNames } from '../../arch/index.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { STARTUP_SYSCALLS } from '../../kernel/startup-syscalls.js';
import { suggest } from '../../profile/reader.js';
import { getField, jsonObject } from '../../profile/json-value.js';
import { Draft } from '../harden/draft.js';
import { dockerDraft, finish, type PresetResult } from './base.js';

/**
 * What runc's init (libcontainer/standard_init_linux.go) still calls once the filter is loaded.
 * Without no-new-privileges (Docker's default) the filter is loaded before finalizeNamespace, so
 * the capability, user and working-directory setup runs under it; runc's Go runtime keeps
 * scheduling threads until execve replaces the process.
 */
const RUNC_AFTER_FILTER: ReadonlyArray<{ readonly names: readonly string[]; readonly why: string }> = [
  { names: ['capget', 'capset', 'prctl'], why: 'capabilities: the bounding set is dropped (PR_CAPBSET_DROP), keep-caps set, the sets applied' },
  { names: ['setgroups', 'setresgid', 'setresuid', 'setgid', 'setuid', 'getuid', 'getgid', 'geteuid', 'getegid'], why: 'the container user is set' },
  { names: ['chdir', 'fchdir', 'getcwd'], why: 'the working directory' },
  { names: ['close', 'close_range', 'fcntl', 'fstat', 'write'], why: 'descriptors closed on exec and the sync pipe to the runtime' },
  { names: ['futex', 'nanosleep', 'sched_yield', 'epoll_pwait', 'epoll_ctl', 'rt_sigreturn', 'sigaltstack', 'madvise', 'mmap', 'munmap', 'tgkill', 'getpid', 'gettid', 'exit'], why: 'the Go runtime: threads, timers, signals, memory' },
];

function names(syscalls: readonly string[]): { names: string[]; diagnostics: Diagnostic[] } {
  const known = knownSyscallNames();
  const diagnostics: Diagnostic[] = [];
  const out = new Set<string>();
  for (const n of syscalls) {
    if (known.has(n)) out.add(n);
    else {
      const close = suggest(n, known);
      diagnostics.push(diag('presetUnknownSyscall', { name: n, detail: close ? ` (did you mean ${close}?)` : '' }, { kind: 'argument', name: '--syscalls' }));
    }
  }
  return { names: [...out], diagnostics };
}

export function defaultDeny(syscalls: readonly string[] | undefined): PresetResult {
  if (!syscalls || syscalls.length === 0) return { changes: [], diagnostics: [diag('presetNeedsSyscalls', {}, { kind: 'argument', name: '--syscalls' })] };
  const given = names(syscalls);
  if (given.diagnostics.length > 0) return { changes: [], diagnostics: given.diagnostics };
  const minimum = [...STARTUP_SYSCALLS.flatMap((r) => r.names), ...RUNC_AFTER_FILTER.flatMap((r) => r.names)];
  const allowed = [...new Set([...minimum, ...given.names])].filter((n) => knownSyscallNames().has(n)).sort();
  const archMap = getField(dockerDraft().seccomp(), 'archMap');
  const seccomp = jsonObject([
    ['defaultAction', 'SCMP_ACT_ERRNO'],
    ['defaultErrnoRet', 1n],
    ['archMap', archMap],
    ['syscalls', [jsonObject([
      ['names', allowed],
      ['action', 'SCMP_ACT_ALLOW'],
      ['comment', `default-deny: ${given.names.join(', ')}, and what a container needs to start (the loader and libc start-up, runc's init after the filter)`],
    ])]],
  ]);
  return finish(Draft.fromJson(seccomp));
}
