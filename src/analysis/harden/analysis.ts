// SPDX-License-Identifier: Apache-2.0
// A draft as the runtime reads it for the target: parsed, resolved through the runc lens (Docker,
// containerd, Kubernetes), compiled, and wrapped in the lint context, so harden's steps ask the
// same questions the lint rules ask (is this syscall ever permitted on this ABI?) of the program
// the kernel would run, and the verification compares the policies.

import type { Arch } from '../../arch/arch.js';
import { compilePolicy } from '../../compile/compile.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import type { Policy } from '../../policy/policy.js';
import { parseProfile } from '../../profile/parse.js';
import { profileLocation } from '../../profile/position.js';
import type { Profile, ProfileSyscall } from '../../profile/types.js';
import { resolveProfile, type Resolution, type Target } from '../../resolve/resolve.js';
import type { ProfileRule } from '../../resolve/types.js';
import { LintContext, type SyscallView } from '../lint/context.js';
import type { Draft } from './draft.js';

export interface Analysis {
  readonly draft: Draft;
  readonly text: string;
  readonly profile: Profile;
  readonly resolution: Resolution;
  readonly policy: Policy;
  readonly ctx: LintContext;
  /** Parse, resolve and compile diagnostics of the draft. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses, resolves and compiles `text` (the draft's, or the input's) for the target. */
export function analyse(draft: Draft, target: Target, text = draft.text(), file?: string): { analysis?: Analysis; diagnostics: readonly Diagnostic[] } {
  const parsed = parseProfile(text, file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const profile = parsed.value;
  if (!profile || hasErrors(diagnostics)) return { diagnostics };
  const resolution = resolveProfile(profile, target, 'runc', (p) => profileLocation(profile, p));
  diagnostics.push(...resolution.diagnostics);
  const policy = resolution.policy;
  if (!policy || hasErrors(diagnostics)) return { diagnostics };
  const compiled = compilePolicy(policy);
  diagnostics.push(...compiled.diagnostics);
  if (!compiled.program || hasErrors(diagnostics)) return { diagnostics };
  const ctx = new LintContext({
    kind: 'profile', program: compiled.program, endian: policy.abis[0]?.arch.endian ?? 'little', abis: policy.abis.map((a) => a.arch),
    host: target.host, ...(file !== undefined ? { file } : {}), profile, resolution,
  });
  return { analysis: { draft, text, profile, resolution, policy, ctx, diagnostics }, diagnostics };
}

/** Index into the draft's rules of a rule pointer (`/syscalls/3`, `/linux/seccomp/syscalls/3`). */
export function ruleIndex(a: Analysis, pointer: string): number | undefined {
  const m = /\/syscalls\/(\d+)$/.exec(pointer);
  return m && pointer.startsWith(a.profile.pointerBase) ? Number(m[1]) : undefined;
}

/** The input pointer of the draft rule at `pointer` (a draft pointer), or `pointer` for an added rule. */
export function originOf(a: Analysis, pointer: string): string {
  const i = ruleIndex(a, pointer);
  return (i !== undefined ? a.draft.rules[i]?.origin : undefined) ?? pointer;
}

/** The parsed rule at draft index i. */
export function parsedRule(a: Analysis, i: number): ProfileSyscall | undefined {
  return a.profile.syscalls.find((s) => s.pointer === `${a.profile.pointerBase}/syscalls/${i}`);
}

/** The rules the runtime applies for this target (Docker's includes/excludes settled). */
export function activeRules(a: Analysis): readonly ProfileRule[] {
  return a.resolution.resolved?.rules ?? [];
}

export function defaultAction(a: Analysis): number {
  return a.resolution.resolved!.defaultAction;
}

/** The compiled ABIs where `name` exists, with its view. */
export function views(a: Analysis, name: string): Array<{ arch: Arch; view: SyscallView }> {
  return a.ctx.abis.flatMap((arch) => {
    const view = a.ctx.syscall(arch, name);
    return view ? [{ arch, view }] : [];
  });
}

/** Is `name` let through (ALLOW or LOG) for some arguments on some ABI of the target? */
export function everPermitted(a: Analysis, name: string): boolean {
  return views(a, name).some((v) => v.view.permitted !== 'never');
}
