// SPDX-License-Identifier: Apache-2.0
// What turns the decompiled rules back into a filter for the proof: the libseccomp calls a
// runtime makes (../../resolve/types.ts ApiFilter), plus runc's ENOSYS stub under the runc lens.
// syscage's own model of libseccomp ≥ 2.6.1 and its compiler are the default (platform-neutral,
// the project's semantics contract, DESIGN.md §4). A filter exported by another libseccomp can
// differ where that version's syscall table does (Debian's 2.5.4 does not know map_shadow_stack
// on x32), and then only that library can prove the profile: src/linux/libseccomp-recompiler.ts
// wraps libseccomp.so.2 (node only) as a Recompiler too.

import type { Program } from '../../bpf/instruction.js';
import { compilePolicy } from '../../compile/compile.js';
import type { EnosysStub } from '../../policy/policy.js';
import { applyLibseccomp } from '../../resolve/libseccomp/index.js';
import type { ApiFilter } from '../../resolve/types.js';

export interface CompileRequest {
  /** The seccomp_init / arch add / rule add calls. */
  readonly filter: ApiFilter;
  /** runc's ENOSYS stub, in front of libseccomp's program (runc lens only). */
  readonly stub?: EnosysStub;
  /** Entries of the resolved profile (runc asks libseccomp for optimize 2 above 32). */
  readonly profileRules: number;
}

export type CompileResult = { readonly program: Program } | { readonly reason: string };

export interface Recompiler {
  /** For messages: `syscage`, `libseccomp 2.5.4`. */
  readonly name: string;
  compile(req: CompileRequest): CompileResult;
}

export const syscageRecompiler: Recompiler = {
  name: 'syscage',
  compile(req) {
    const model = applyLibseccomp(req.filter);
    const refused = model.outcomes.findIndex((o) => o.rc !== 0);
    if (refused >= 0) {
      const o = model.outcomes[refused]!;
      return { reason: `seccomp_rule_add() returns ${o.rc} for rule ${refused} (${o.effects.map((e) => `${e.arch}: ${e.effect}`).join('; ') || 'refused'})` };
    }
    const compiled = compilePolicy(req.stub ? { ...model.policy, enosysStub: req.stub } : model.policy);
    if (!compiled.program) return { reason: compiled.diagnostics.map((d) => d.message).join('; ') || 'the rules do not compile' };
    return { program: compiled.program };
  },
};
