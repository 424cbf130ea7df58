// SPDX-License-Identifier: Apache-2.0
// profile × target × lens → policy: Docker resolution (./docker.ts), then the lens's reading
// (./runc.ts), then what libseccomp builds from those calls (./libseccomp/). Every place where
// the runtime's reading differs from what the JSON seems to say is a diagnostic, located in the
// profile; a profile the runtime would refuse to load is an error that says so.

import type { Arch } from '../arch/arch.js';
import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import type { Policy } from '../policy/policy.js';
import type { Profile } from '../profile/types.js';
import { resolveDocker } from './docker.js';
import { applyLibseccomp } from './libseccomp/index.js';
import { libseccompLens, runcLens } from './runc.js';
import type { ApiFilter, ResolvedProfile, RuleOutcome } from './types.js';

export type Lens = 'runc' | 'libseccomp';

export interface Target {
  readonly host: Arch;
  /** Capabilities for includes/excludes (default: Docker's default set). */
  readonly caps?: readonly string[];
  /** Kernel version for minKernel (major, minor). */
  readonly kernel?: readonly [number, number];
  /** The exact ABI list, native first, instead of host + profile. */
  readonly arches?: readonly Arch[];
}

export interface Resolution {
  readonly policy?: Policy;
  readonly resolved?: ResolvedProfile;
  readonly filter?: ApiFilter;
  readonly outcomes?: readonly RuleOutcome[];
  /** The SECCOMP_FILTER_FLAG_* names the runtime passes to seccomp(2) when it installs the filter (./runc.ts). */
  readonly installFlags?: readonly string[];
  /** JSON pointer -> location in the profile text. */
  readonly locate?: (pointer: string) => Location | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export function resolveProfile(profile: Profile, target: Target, lens: Lens, locate: (pointer: string) => Location | undefined): Resolution {
  const docker = resolveDocker(profile, target);
  const diagnostics: Diagnostic[] = [...docker.diagnostics];
  if (!docker.value || hasErrors(diagnostics)) return { diagnostics, locate };
  const resolved = docker.value;
  const read = lens === 'runc' ? runcLens(resolved, (p) => locate(p)) : libseccompLens(resolved);
  diagnostics.push(...read.diagnostics);
  const model = applyLibseccomp(read.filter);
  for (const o of model.outcomes) {
    if (o.rc !== 0) {
      const id = lens === 'runc' ? 'runcRuleFails' : 'libseccompRuleFails';
      diagnostics.push(diag(id, { rc: o.rc, errno: errnoText(o.rc), effects: o.effects.map((e) => `${e.arch}: ${e.effect}`).join('; ') || 'refused' }, locate(o.origin.pointer)));
      continue;
    }
    let where: Location | undefined;
    for (const e of o.effects) {
      if (e.effect === 'added') continue;
      where ??= locate(o.origin.pointer);
      diagnostics.push(diag('libseccompEffect', { arch: e.arch, effect: e.effect }, where));
    }
  }
  const policy: Policy = read.enosysStub ? { ...model.policy, enosysStub: read.enosysStub } : model.policy;
  return { policy, resolved, filter: read.filter, outcomes: model.outcomes, installFlags: read.installFlags, locate, diagnostics };
}

function errnoText(rc: number): string {
  return ({ [-17]: 'EEXIST', [-13]: 'EACCES', [-22]: 'EINVAL', [-33]: 'EDOM', [-95]: 'EOPNOTSUPP', [-14]: 'EFAULT' } as Record<number, string>)[rc] ?? String(rc);
}
