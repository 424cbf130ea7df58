// SPDX-License-Identifier: Apache-2.0
// Harden step 2: deny rules equal to the default made to count (kernel-experiments.md §7). runc
// skips a rule whose action equals the default, errno included (libcontainer/seccomp
// seccomp_linux.go matchCall: "This rule is redundant, silently skip it"), and libseccomp refuses
// it (-EACCES). That is harmless unless the rule was meant to deny something another rule, or a
// socketcall/ipc companion, lets through: under an ERRNO(EPERM) default, `socketcall` ERRNO(EPERM)
// leaves socketcall(SYS_SOCKET) open. Such a rule gets another errno — ENOSYS (EPERM under an
// ENOSYS default) — for the names something else permits (under a TRAP or KILL_THREAD default,
// KILL_PROCESS: different and stricter); the rest of the rule stays as written.
// When an unconditional rule with another action names the same syscall, a second errno would
// make libseccomp refuse the pair (EEXIST), so that name is left alone with a warning.

import { errnoNumber } from '../../kernel/errno.js';
import { decodeAction, formatAction } from '../../seccomp/action.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { activeRules, defaultAction, everPermitted, originOf, type Analysis } from './analysis.js';
import { withNames, type DraftRule } from './draft.js';
import { withField } from '../../profile/json-value.js';
import { applyVariant, errnoVariants } from './errno-rules.js';
import { change, note, type Change, type StepEnv, type StepResult } from './types.js';

export function defaultEqualStep(a: Analysis, env: StepEnv): StepResult {
  const d = defaultAction(a);
  const def = decodeAction(d);
  // The other answer: another errno under an ERRNO default, KILL_PROCESS under TRAP or KILL_THREAD
  // (stricter, and different); under any other default a rule equal to it denies nothing.
  const errno = def.kind !== 'ERRNO' ? undefined : def.data === errnoNumber(env.primary, 'ENOSYS') ? 'EPERM' : 'ENOSYS';
  const kill = def.kind === 'TRAP' || def.kind === 'KILL_THREAD';
  if (errno === undefined && !kill) return { rules: a.draft.rules, changes: [], notes: [] };
  const active = activeRules(a);
  const rules: DraftRule[] = [];
  const changes: Change[] = [];
  const notes: Diagnostic[] = [];
  for (const [i, r] of a.draft.rules.entries()) {
    const resolved = active.find((x) => x.pointer === `${a.profile.pointerBase}/syscalls/${i}`);
    const origin = r.origin ?? `${env.input.pointerBase}/syscalls`;
    if (!resolved || resolved.action !== d) {
      rules.push(r);
      continue;
    }
    let meant = resolved.names.filter((n) => everPermitted(a, n));
    if (resolved.conditions.length === 0) {
      const clash = (n: string) => active.find((o) => o !== resolved && o.conditions.length === 0 && o.action !== d && o.names.includes(n));
      for (const n of meant.filter(clash)) {
        const other = clash(n)!;
        const where = originOf(a, other.pointer);
        notes.push(note(env, 'hardenDefaultEqualConflict', { action: formatAction(d), names: n, where }, origin));
      }
      meant = meant.filter((n) => !clash(n));
    }
    if (meant.length === 0) {
      rules.push(r);
      continue;
    }
    const rest = resolved.names.filter((n) => !meant.includes(n));
    if (rest.length > 0) rules.push({ ...r, json: withNames(r.json, rest) });
    if (errno !== undefined) {
      for (const v of errnoVariants(env.input, env.primary, errno)) {
        const json = applyVariant(withNames(r.json, meant), v);
        if (json) rules.push({ ...r, json });
      }
    } else {
      rules.push({ ...r, json: withField(withNames(r.json, meant), 'action', 'SCMP_ACT_KILL_PROCESS') });
    }
    changes.push(change(env, 'default-equal', 'hardenDefaultEqual', { action: formatAction(d), names: meant.join(', '), errno: errno !== undefined ? `ERRNO(${errno})` : 'KILL_PROCESS' }, origin));
  }
  return { rules, changes, notes };
}
