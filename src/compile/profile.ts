// SPDX-License-Identifier: Apache-2.0
// Profile text → program in one call, the front half of the pipeline (DESIGN.md §2): parse,
// resolve for the target through the lens (runc by default), compile. Every stage's diagnostics
// are kept, in stage order; a stage that ends in an error stops the ones after it, and whatever
// was built up to there is returned (a parsed profile, a resolution) so callers can still show it.
// Platform-neutral: the CLI reads files, this reads text.

import type { Arch, Endian } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { Policy } from '../policy/policy.js';
import { parseProfile } from '../profile/parse.js';
import { profileLocation } from '../profile/position.js';
import type { Profile } from '../profile/types.js';
import { resolveProfile, type Lens, type Resolution, type Target } from '../resolve/resolve.js';
import { compilePolicy, type CompileStats } from './compile.js';

/** What a profile is resolved against, and whose reading of it (default `runc`). */
export interface ProfileTarget extends Target {
  readonly lens?: Lens;
}

export interface CompiledProfile {
  /** The filter the runtime would load; absent when a stage failed. */
  readonly program?: Program;
  /** The byte order of the program (its native ABI's). */
  readonly endian: Endian;
  /** The ABIs compiled, in arch-check order (native first). */
  readonly arches?: readonly Arch[];
  readonly profile?: Profile;
  readonly resolution?: Resolution;
  readonly policy?: Policy;
  readonly stats?: CompileStats;
  /** Parse, resolve and compile diagnostics, in that order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses, resolves and compiles a Docker/OCI/Podman profile for `target` (`file` names it in locations). */
export function compileProfile(text: string, target: ProfileTarget, options: { readonly file?: string } = {}): CompiledProfile {
  const parsed = parseProfile(text, options.file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const profile = parsed.value;
  if (!profile || hasErrors(diagnostics)) return { endian: target.host.endian, diagnostics };
  const { lens = 'runc', ...rest } = target;
  const resolution = resolveProfile(profile, rest, lens, (pointer) => profileLocation(profile, pointer));
  diagnostics.push(...resolution.diagnostics);
  const policy = resolution.policy;
  if (!policy || hasErrors(diagnostics)) return { endian: target.host.endian, profile, resolution, diagnostics };
  const compiled = compilePolicy(policy);
  diagnostics.push(...compiled.diagnostics);
  return {
    ...(compiled.program ? { program: compiled.program } : {}),
    endian: policy.abis[0]?.arch.endian ?? target.host.endian,
    arches: policy.abis.map((a) => a.arch),
    profile, resolution, policy, stats: compiled.stats, diagnostics,
  };
}
