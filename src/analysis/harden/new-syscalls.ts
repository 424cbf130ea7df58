// SPDX-License-Identifier: Apache-2.0
// Harden step 6: new syscalls answered with ENOSYS. glibc and musl probe a newer syscall and fall
// back to the older one only when it fails with ENOSYS ("not implemented"); EPERM they pass to the
// program (the clone3 breakage that made moby answer clone3 with ENOSYS, moby#42680). A syscall of
// the fallback table (../../kernel/syscall-fallbacks.ts, the one the enosys-for-new-syscalls lint
// rule reads) that no rule names, that the default answers with another errno while its fallback
// is let through, gets an explicit ERRNO(ENOSYS) rule — unless its number is above the largest the
// profile names on some ABI: runc's stub answers those with ENOSYS already, and naming it would
// raise the stub's threshold past other calls.

import { syscallNumber } from '../../arch/index.js';
import { errnoNumber } from '../../kernel/errno.js';
import { SYSCALL_FALLBACKS } from '../../kernel/syscall-fallbacks.js';
import { decodeAction, formatAction } from '../../seccomp/action.js';
import { defaultAction, views, type Analysis } from './analysis.js';
import { errnoRulesFor } from './pin.js';
import { change, type StepEnv, type StepResult } from './types.js';

export function newSyscallsStep(a: Analysis, env: StepEnv): StepResult {
  const none = { rules: a.draft.rules, changes: [], notes: [] };
  const d = defaultAction(a);
  const def = decodeAction(d);
  if (def.kind !== 'ERRNO' || def.data === errnoNumber(env.primary, 'ENOSYS')) return none;
  const named = new Set(a.profile.syscalls.flatMap((s) => s.names));
  const stub = a.policy.enosysStub?.entries ?? [];
  const older = new Map<string, string[]>();
  for (const row of SYSCALL_FALLBACKS) older.set(row.syscall, [...(older.get(row.syscall) ?? []), row.fallback]);
  const picked = [...older].filter(([name, fallbacks]) => {
    if (named.has(name)) return false;
    const here = views(a, name);
    if (here.length === 0 || here.some((v) => v.view.constant !== d)) return false;
    // below runc's stub threshold on every ABI where it exists (else the stub already says ENOSYS)
    if (here.some((v) => stub.some((e) => e.arch === v.arch && (syscallNumber(v.arch, name) ?? 0) > e.max))) return false;
    return fallbacks.some((f) => views(a, f).some((v) => v.view.permitted !== 'never'));
  }).map(([name, fallbacks]) => ({ name, fallbacks }));
  if (picked.length === 0) return none;
  const names = picked.map((s) => s.name);
  const rules = [...a.draft.rules, ...errnoRulesFor(env, names, 'ENOSYS', 'syscage harden: newer syscalls answered with ENOSYS, so that callers fall back to the older ones')];
  const shown = picked.map((s) => `${s.name} → ${s.fallbacks.filter((f) => views(a, f).length > 0).join('/')}`).join(', ');
  return { rules, changes: [change(env, 'new-syscalls', 'hardenNewSyscalls', { names: names.join(', '), action: formatAction(d), fallbacks: shown }, `${env.input.pointerBase}/syscalls`)], notes: [] };
}
