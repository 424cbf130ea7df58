// SPDX-License-Identifier: Apache-2.0
// The policy: what a profile means once resolved for a target through a lens (DESIGN.md §1-2).
// Per ABI a default action and, per syscall number, an ordered decision list: the first decision
// whose conditions all hold gives the action; none holding gives the default. Conditions are on
// 32-bit words of seccomp_data arguments — the level at which libseccomp's rule tree and the
// kernel's loads work — so every runtime's reading (64-bit comparisons split into halves,
// 32-bit ABIs comparing low words only, libseccomp's merge order) is expressible exactly.
// `origin` ties a decision back to the profile (JSON pointer) for diagnostics and --explain.

import type { Arch } from '../arch/arch.js';
import type { Half } from '../seccomp/data.js';

/** One 32-bit test: `(word & mask) op value`, negated when `negate` (jt/jf swapped). */
export interface WordCondition {
  readonly arg: number;
  readonly half: Half;
  readonly op: 'eq' | 'gt' | 'ge';
  /** Applied before the comparison; 0xffffffff when none. Only `eq` uses a mask other than all ones. */
  readonly mask: number;
  readonly value: number;
  readonly negate: boolean;
}

export interface Origin {
  /** JSON pointer of the profile rule (e.g. `/syscalls/12`), or of a synthesized element. */
  readonly pointer: string;
  /** Why the decision exists when the profile did not write it directly (a companion, a split…). */
  readonly note?: string;
}

export interface Decision {
  /** All must hold (AND); empty = unconditional. */
  readonly conditions: readonly WordCondition[];
  /** The 32-bit SECCOMP_RET_* value. */
  readonly action: number;
  readonly origin?: Origin;
}

export interface AbiPolicy {
  readonly arch: Arch;
  readonly defaultAction: number;
  /** Syscall number (as seccomp_data.nr holds it) → decisions, first match wins. */
  readonly syscalls: ReadonlyMap<number, readonly Decision[]>;
}

/**
 * runc's ENOSYS stub (libcontainer/seccomp/patchbpf), which runc puts in front of libseccomp's
 * program: per configured ABI, a number above the largest syscall the profile names returns
 * `action` (ERRNO(ENOSYS)) so that libc falls back to an older syscall; on s390 nr 0 too. It picks
 * the ABI by AUDIT_ARCH and, for x86_64/x32, by testing bit 30 (`jset`), not by libseccomp's `jge`.
 */
export interface EnosysStub {
  readonly action: number;
  readonly entries: ReadonlyArray<{ readonly arch: Arch; readonly max: number }>;
}

export interface Policy {
  /** In arch-check order; the first is the native ABI. All share one byte order. */
  readonly abis: readonly AbiPolicy[];
  /** For a seccomp_data.arch no ABI here has (libseccomp's SCMP_FLTATR_ACT_BADARCH; KILL_THREAD by default). */
  readonly badArchAction: number;
  /** Present under the runc lens when runc adds its stub. */
  readonly enosysStub?: EnosysStub;
}

export const MASK_ALL = 0xffffffff;
