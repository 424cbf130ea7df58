// SPDX-License-Identifier: Apache-2.0
// Harden step 4: io_uring denied where the profile restricts what io_uring can do without a
// syscall (kernel-experiments.md §4: IORING_OP_SOCKET + CONNECT + SEND connected where
// socket(AF_INET) got EPERM; moby removed io_uring_* from its default in 891241e7e7). seccomp
// never sees the ring's operations, so when a syscall io_uring can perform is restricted on the
// target's native ABI and io_uring_setup is let through, io_uring_setup/enter/register are taken
// out of every permitting rule, and get ERRNO(EPERM) of their own when the default lets them
// through (EPERM: what kernel.io_uring_disabled answers; liburing users fall back on it).

import { compareStrictness, permits } from '../lint/context.js';
import { encodeAction, formatAction } from '../../seccomp/action.js';
import { defaultAction, everPermitted, type Analysis } from './analysis.js';
import { ruleNames, withNames, type DraftRule } from './draft.js';
import { errnoRulesFor } from './pin.js';
import { change, type Change, type StepEnv, type StepResult } from './types.js';
import { PROFILE_ACTIONS } from '../../profile/fields.js';
import { getField } from '../../profile/json-value.js';

export const IO_URING_SYSCALLS = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'] as const;

/**
 * What io_uring operations do (include/uapi/linux/io_uring.h IORING_OP_*, with the kernel version
 * that added each), as the syscalls that do the same: an operation bypasses the profile when every
 * one of its syscalls is restricted (if one is let through unconditionally, the ring adds nothing).
 */
const RING_OPS: ReadonlyArray<{ readonly op: string; readonly syscalls: readonly string[] }> = [
  { op: 'SOCKET (5.19)', syscalls: ['socket'] },
  { op: 'CONNECT (5.5)', syscalls: ['connect'] },
  { op: 'ACCEPT (5.5)', syscalls: ['accept', 'accept4'] },
  { op: 'BIND, LISTEN (6.11)', syscalls: ['bind'] },
  { op: 'LISTEN (6.11)', syscalls: ['listen'] },
  { op: 'SEND, SENDMSG (5.3, 5.6)', syscalls: ['sendto', 'sendmsg', 'send'] },
  { op: 'RECV, RECVMSG (5.3, 5.6)', syscalls: ['recvfrom', 'recvmsg', 'recv'] },
  { op: 'SHUTDOWN (5.11)', syscalls: ['shutdown'] },
  { op: 'OPENAT, OPENAT2 (5.6)', syscalls: ['openat', 'open', 'openat2', 'creat'] },
  { op: 'STATX (5.6)', syscalls: ['statx', 'newfstatat', 'fstatat64', 'stat', 'lstat'] },
  { op: 'RENAMEAT (5.11)', syscalls: ['renameat2', 'renameat', 'rename'] },
  { op: 'UNLINKAT (5.11)', syscalls: ['unlinkat', 'unlink', 'rmdir'] },
  { op: 'MKDIRAT (5.15)', syscalls: ['mkdirat', 'mkdir'] },
  { op: 'SYMLINKAT (5.15)', syscalls: ['symlinkat', 'symlink'] },
  { op: 'LINKAT (5.15)', syscalls: ['linkat', 'link'] },
  { op: 'SETXATTR, FSETXATTR (5.19)', syscalls: ['setxattr', 'fsetxattr', 'lsetxattr'] },
  { op: 'GETXATTR, FGETXATTR (5.19)', syscalls: ['getxattr', 'fgetxattr', 'lgetxattr'] },
  { op: 'FTRUNCATE (6.9)', syscalls: ['ftruncate'] },
  { op: 'WAITID (6.7)', syscalls: ['waitid', 'wait4'] },
];

export function ioUringStep(a: Analysis, env: StepEnv): StepResult {
  const none = { rules: a.draft.rules, changes: [], notes: [] };
  if (!IO_URING_SYSCALLS.some((n) => everPermitted(a, n))) return none;
  const native = a.ctx.abis[0];
  if (!native) return none;
  const restricted = RING_OPS.filter((o) => {
    const here = o.syscalls.flatMap((n) => a.ctx.syscall(native, n) ?? []);
    return here.length > 0 && here.every((v) => v.permitted !== 'always');
  }).map((o) => o.syscalls.filter((n) => a.ctx.syscall(native, n)).join('/'));
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
