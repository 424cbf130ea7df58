// SPDX-License-Identifier: Apache-2.0
// Harden step 5: io_uring denied where the profile restricts what io_uring can do without a
// syscall (kernel-experiments.md §4: IORING_OP_SOCKET + CONNECT + SEND connected where
// socket(AF_INET) got EPERM; moby removed io_uring_* from its default in 891241e7e7). seccomp
// never sees the ring's operations, so when a syscall io_uring can perform is restricted on an
// ABI where io_uring_setup is let through, io_uring_setup/enter/register are taken out of every
// permitting rule, and get ERRNO(EPERM) of their own when the default lets them through (EPERM:
// what kernel.io_uring_disabled answers; liburing users fall back on it).
// The table below is harden's copy of the one the io-uring-bypass lint rule (SC4003) uses
// (src/kernel/io-uring-ops.ts, not yet landed): import that one once it has, and delete this.

import { compareStrictness, permits } from '../lint/context.js';
import { encodeAction, formatAction } from '../../seccomp/action.js';
import { defaultAction, type Analysis } from './analysis.js';
import { ruleNames, withNames, type DraftRule } from './draft.js';
import { errnoRulesFor } from './pin.js';
import { change, type Change, type StepEnv, type StepResult } from './types.js';
import { PROFILE_ACTIONS } from '../../profile/fields.js';
import { getField } from '../../profile/json-value.js';

export const IO_URING_SYSCALLS = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'] as const;

/**
 * What io_uring operations do (include/uapi/linux/io_uring.h IORING_OP_*, with the kernel version
 * that added each), as the syscalls that do the same work.
 */
const RING_OPS: ReadonlyArray<{ readonly op: string; readonly syscalls: readonly string[] }> = [
  { op: 'SOCKET (5.19)', syscalls: ['socket'] },
  { op: 'CONNECT (5.5)', syscalls: ['connect'] },
  { op: 'ACCEPT (5.5)', syscalls: ['accept', 'accept4'] },
  { op: 'BIND (6.11)', syscalls: ['bind'] },
  { op: 'LISTEN (6.11)', syscalls: ['listen'] },
  { op: 'SEND, SEND_ZC (5.6, 6.0)', syscalls: ['sendto', 'send'] },
  { op: 'SENDMSG, SENDMSG_ZC (5.3, 6.1)', syscalls: ['sendmsg'] },
  { op: 'RECV (5.6)', syscalls: ['recvfrom', 'recv'] },
  { op: 'RECVMSG (5.3)', syscalls: ['recvmsg'] },
  { op: 'SHUTDOWN (5.11)', syscalls: ['shutdown'] },
  { op: 'URING_CMD SOCKET_URING_OP_GETSOCKOPT/SETSOCKOPT (6.7)', syscalls: ['getsockopt', 'setsockopt'] },
  { op: 'OPENAT (5.6)', syscalls: ['openat', 'open', 'creat'] },
  { op: 'OPENAT2 (5.6)', syscalls: ['openat2'] },
  { op: 'RENAMEAT (5.11)', syscalls: ['renameat2', 'renameat', 'rename'] },
  { op: 'UNLINKAT (5.11)', syscalls: ['unlinkat', 'unlink', 'rmdir'] },
  { op: 'MKDIRAT (5.15)', syscalls: ['mkdirat', 'mkdir'] },
  { op: 'SYMLINKAT (5.15)', syscalls: ['symlinkat', 'symlink'] },
  { op: 'LINKAT (5.15)', syscalls: ['linkat', 'link'] },
  { op: 'STATX (5.6)', syscalls: ['statx'] },
  { op: 'SETXATTR, FSETXATTR (5.19)', syscalls: ['setxattr', 'fsetxattr'] },
  { op: 'GETXATTR, FGETXATTR (5.19)', syscalls: ['getxattr', 'fgetxattr'] },
  { op: 'FTRUNCATE (6.9)', syscalls: ['ftruncate'] },
  { op: 'FALLOCATE (5.6)', syscalls: ['fallocate'] },
  { op: 'FADVISE (5.6)', syscalls: ['fadvise64', 'fadvise64_64'] },
  { op: 'MADVISE (5.6)', syscalls: ['madvise'] },
  { op: 'SPLICE, TEE (5.7, 5.8)', syscalls: ['splice', 'tee'] },
  { op: 'PIPE (6.16)', syscalls: ['pipe2', 'pipe'] },
  { op: 'EPOLL_CTL, EPOLL_WAIT (5.6, 6.15)', syscalls: ['epoll_ctl', 'epoll_wait', 'epoll_pwait'] },
  { op: 'WAITID (6.7)', syscalls: ['waitid'] },
  { op: 'FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAITV (6.7)', syscalls: ['futex', 'futex_waitv'] },
  { op: 'READ, READV, READ_FIXED (5.1)', syscalls: ['read', 'readv', 'pread64', 'preadv', 'preadv2'] },
  { op: 'WRITE, WRITEV, WRITE_FIXED (5.1)', syscalls: ['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2'] },
  { op: 'FSYNC, SYNC_FILE_RANGE (5.1, 5.2)', syscalls: ['fsync', 'fdatasync', 'sync_file_range'] },
  { op: 'CLOSE (5.6)', syscalls: ['close'] },
];

export function ioUringStep(a: Analysis, env: StepEnv): StepResult {
  const none = { rules: a.draft.rules, changes: [], notes: [] };
  // On every ABI where io_uring_setup is let through, any syscall whose work the ring does that is
  // restricted there (denied, or allowed for some arguments only) is bypassed by the ring.
  const open = a.ctx.abis.filter((arch) => (a.ctx.syscall(arch, 'io_uring_setup')?.permitted ?? 'never') !== 'never');
  const restricted = [...new Set(open.flatMap((arch) => RING_OPS.flatMap((o) => o.syscalls.filter((n) => {
    const v = a.ctx.syscall(arch, n);
    return v !== undefined && v.permitted !== 'always';
  }))))];
  if (restricted.length === 0) return none;
  const shown = restricted.length > 5 ? `${restricted.slice(0, 5).join(', ')}, …` : restricted.join(', ');
  const rules: DraftRule[] = [];
  const changes: Change[] = [];
  for (const r of a.draft.rules) {
    const names = ruleNames(r.json);
    const action = getField(r.json, 'action');
    const kind = typeof action === 'string' ? PROFILE_ACTIONS.get(action) : undefined;
    const ring = names.filter((n) => (IO_URING_SYSCALLS as readonly string[]).includes(n));
    if (ring.length === 0 || (kind !== 'ALLOW' && kind !== 'LOG')) {
      rules.push(r);
      continue;
    }
    const rest = names.filter((n) => !ring.includes(n));
    if (rest.length > 0) rules.push({ ...r, json: withNames(r.json, rest) });
    if (r.origin !== undefined) changes.push(change(env, 'io-uring', 'hardenIoUringRemoved', { names: ring.join(', '), restricted: shown }, r.origin));
  }
  const d = defaultAction(a);
  if (permits(d) || compareStrictness(d, encodeAction('ERRNO', 1)) > 0) {
    rules.push(...errnoRulesFor(env, IO_URING_SYSCALLS, 'EPERM', `syscage harden: io_uring runs socket, connect, openat… where seccomp cannot see them`));
    changes.push(change(env, 'io-uring', 'hardenIoUringDenied', { action: 'ERRNO(1)', default: formatAction(d), restricted: shown }, `${env.input.pointerBase}/syscalls`));
  }
  return { rules, changes, notes: [] };
}
