// SPDX-License-Identifier: Apache-2.0
// The seams of the resolve stage (DESIGN.md §2):
//   Profile ─docker (target)─▶ ResolvedProfile ─lens (runc | libseccomp)─▶ ApiFilter ─libseccomp model─▶ Policy
// ResolvedProfile is the profile as Docker/moby resolution leaves it for one target (archMap,
// includes/excludes, errno names, legacy fields all settled). ApiFilter is the exact sequence of
// libseccomp API calls a runtime makes (runc: seccomp_init, arch add, one seccomp_rule_add per
// rule). The libseccomp model turns that into the Policy the kernel would run.

import type { Arch } from '../arch/arch.js';
import type { Origin } from '../policy/policy.js';

/** SCMP_CMP_* */
export type CmpOp = 'NE' | 'LT' | 'LE' | 'EQ' | 'GE' | 'GT' | 'MASKED_EQ';

/** One profile argument condition, 64-bit, as Docker/OCI write it: MASKED_EQ is (arg & value) == valueTwo. */
export interface ArgCondition {
  readonly index: number;
  readonly op: CmpOp;
  readonly value: bigint;
  readonly valueTwo: bigint;
  /** JSON pointer of the condition in the profile. */
  readonly pointer?: string;
}

export interface ProfileRule {
  /** Syscall names, or numbers written as names (`"41"`), as in the profile. */
  readonly names: readonly string[];
  /** SECCOMP_RET_* value (errno/trace data included). */
  readonly action: number;
  readonly conditions: readonly ArgCondition[];
  /** JSON pointer of the rule (e.g. `/syscalls/12`). */
  readonly pointer: string;
  /** JSON pointer of each name, parallel to `names`. */
  readonly namePointers?: readonly string[];
}

export interface ResolvedProfile {
  readonly defaultAction: number;
  /** Native first, then the profile's order; one byte order. */
  readonly arches: readonly Arch[];
  readonly rules: readonly ProfileRule[];
  /**
   * SECCOMP_FILTER_FLAG_* names from the profile (`SECCOMP_FILTER_FLAG_LOG`…); absent when the
   * profile has no `flags` at all (runc then sets SPEC_ALLOW where supported), `[]` when empty.
   */
  readonly flags?: readonly string[];
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
}

/** One seccomp_rule_add() call. */
export interface ApiRule {
  readonly action: number;
  /** A name resolved per arch, or a native-arch number (translated to other arches by name). */
  readonly syscall: string | number;
  /** Comparisons as libseccomp takes them: MASKED_EQ is (arg & a) == b; at most 6. */
  readonly args: ReadonlyArray<{ readonly arg: number; readonly op: CmpOp; readonly a: bigint; readonly b: bigint }>;
  readonly origin: Origin;
}

export interface ApiFilter {
  readonly defaultAction: number;
  /** seccomp_init's native arch first, then seccomp_arch_add order. */
  readonly arches: readonly Arch[];
  readonly rules: readonly ApiRule[];
  readonly attrs: { readonly badArchAction?: number; readonly tskip?: boolean };
}

/** What libseccomp did with one seccomp_rule_add(). */
export interface RuleOutcome {
  readonly origin: Origin;
  /** 0, or the negative errno seccomp_rule_add() returns (-EEXIST, -EACCES, -EINVAL, -EDOM…). */
  readonly rc: number;
  /** What became of it per ABI, in words: added, merged, dropped (a shorter rule exists), overrode conditional rules, a companion on socketcall… */
  readonly effects: ReadonlyArray<{ readonly arch: string; readonly effect: string }>;
}
