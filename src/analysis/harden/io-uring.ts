// SPDX-License-Identifier: Apache-2.0
// Harden step 5: io_uring denied where the profile restricts what io_uring can do without a
// syscall (kernel-experiments.md §4: IORING_OP_SOCKET + CONNECT + SEND connected where
// socket(AF_INET) got EPERM; moby removed io_uring_* from its default in 891241e7e7). seccomp
// never sees the ring's operations, so when a syscall io_uring can perform is restricted on an
// ABI where io_uring_setup is let through, io_uring_setup/enter/register are taken out of every
// permitting rule, and get ERRNO(EPERM) of their own when the default lets them through (EPERM:
// what kernel.io_uring_disabled answers; liburing users fall back on it).
// What the ring can do is the table the io-uring-bypass lint rule (SC4003) reads
// (../../kernel/io-uring-ops.ts).

import { compareStrictness, permits } from '../lint/context.js';
import { encodeAction, formatAction } from '../../seccomp/action.js';
import { defaultAction, type Analysis } from './analysis.js';
import { ruleNames, withNames, type DraftRule } from './draft.js';
import { errnoRulesFor } from './pin.js';
import { change, type Change, type StepEnv, type StepResult } from './types.js';
import { PROFILE_ACTIONS } from '../../profile/fields.js';
import { getField } from '../../profile/json-value.js';
import { IO_URING_OPS, IO_URING_SYSCALLS } from '../../kernel/io-uring-ops.js';

export function ioUringStep(a: Analysis, env: StepEnv): StepResult {
  const none = { rules: a.draft.rules, changes: [], notes: [] };
  // On every ABI where io_uring_setup is let through, any syscall whose work the ring does that is
  // restricted there (denied, or allowed for some arguments only) is bypassed by the ring.
  const open = a.ctx.abis.filter((arch) => (a.ctx.syscall(arch, 'io_uring_setup')?.permitted ?? 'never') !== 'never');
  const restricted = [...new Set(open.flatMap((arch) => IO_URING_OPS.flatMap((o) => o.syscalls.filter((n) => {
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
    const ring = names.filter((n) => IO_URING_SYSCALLS.includes(n));
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
