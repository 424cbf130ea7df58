// SPDX-License-Identifier: Apache-2.0
// A profile as the user wrote it (DESIGN.md §1): Docker/moby JSON (current `names` and legacy
// `name`), Podman's variant (errno names), a bare OCI LinuxSeccomp, or the `linux.seccomp` of an
// OCI config.json. Nothing is resolved yet: archMap, includes/excludes and errno names are kept
// for src/resolve/docker.ts. Numbers are exact (bigint for 64-bit values). Every element carries
// the JSON pointer of where it was written, into the whole document (`/linux/seccomp/…` for a
// config.json), and `source` maps those pointers to text offsets (../profile/position.ts turns
// them into line:column).

import type { Arch } from '../arch/arch.js';
import type { CmpOp } from '../resolve/types.js';
import type { ActionKind } from '../seccomp/action.js';

export type { CmpOp };

/**
 * `docker`: a Docker/moby or Podman profile, or a bare OCI LinuxSeccomp (the same shape; dockerd
 * and Podman resolve the Docker-only fields). `oci-config`: the `linux.seccomp` of an OCI
 * config.json, which runc reads as the plain OCI type, ignoring the Docker-only fields.
 */
export type ProfileFormat = 'docker' | 'oci-config';

/** An architecture as written (`SCMP_ARCH_X86_64`) and where. */
export interface ProfileArch {
  readonly arch: Arch;
  readonly pointer: string;
}

export interface ArchMapEntry {
  /** Absent when the entry has no `architecture` (Docker then never matches it). */
  readonly architecture?: ProfileArch;
  readonly subArchitectures: readonly ProfileArch[];
  readonly pointer: string;
}

/** `includes` / `excludes` of a rule: the conditions under which Docker keeps or drops it. */
export interface RuleFilter {
  /** Capability names as written (`CAP_SYS_ADMIN`). */
  readonly caps: readonly string[];
  /** Arch names as Docker compares them (`amd64`, `arm64`, `x86`, …), as written. */
  readonly arches: readonly string[];
  /** `"4.8"` → [4, 8]. Docker only; Podman ignores it. */
  readonly minKernel?: readonly [number, number];
  readonly pointer: string;
}

export interface ProfileArg {
  readonly index: number;
  readonly value: bigint;
  /** 0 when absent. Only SCMP_CMP_MASKED_EQ uses it: (arg & value) == valueTwo. */
  readonly valueTwo: bigint;
  readonly op: CmpOp;
  readonly pointer: string;
}

export interface ProfileSyscall {
  /** `names`, or the one legacy `name`; numbers written as names (`"41"`) are kept as strings. */
  readonly names: readonly string[];
  /** JSON pointer of each name, parallel to `names`. */
  readonly namePointers: readonly string[];
  /** Written with the legacy `name` field (Docker 1.10–1.12 profiles). */
  readonly legacyName: boolean;
  readonly action: ActionKind;
  readonly errnoRet?: number;
  /** Podman: an errno name (`ENOSYS`) or a decimal number as a string; Docker ignores it. */
  readonly errno?: string;
  readonly args: readonly ProfileArg[];
  readonly comment?: string;
  readonly includes?: RuleFilter;
  readonly excludes?: RuleFilter;
  readonly pointer: string;
}

export interface Profile {
  readonly format: ProfileFormat;
  /** JSON pointer of the seccomp object in the document: '' or '/linux/seccomp'. */
  readonly pointerBase: string;
  readonly file?: string;
  /**
   * Absent when the profile has none. With no syscalls either, Docker and runc install no filter
   * at all (seccomp disabled); with syscalls, runc refuses the profile (the parser says so).
   */
  readonly defaultAction?: ActionKind;
  readonly defaultErrnoRet?: number;
  /** Podman: an errno name or decimal number as a string. */
  readonly defaultErrno?: string;
  readonly architectures: readonly ProfileArch[];
  readonly archMap: readonly ArchMapEntry[];
  readonly syscalls: readonly ProfileSyscall[];
  /** Absent when the profile has no `flags` (runc then adds SPEC_ALLOW where supported), `[]` when empty. */
  readonly flags?: readonly string[];
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  readonly source: SourceMap;
}

/** Where the values of a profile are in its text. */
export interface SourceMap {
  /** Text offset (UTF-16 code units) of every value read, by JSON pointer. */
  readonly offsets: ReadonlyMap<string, number>;
  /** Offset of the first character of each line. */
  readonly lineStarts: readonly number[];
}
