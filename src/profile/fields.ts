// SPDX-License-Identifier: Apache-2.0
// The fields and spellings a profile may use, one table per object, taken from the Go structs
// the runtimes decode into:
//   - runtime-spec specs-go/config.go LinuxSeccomp, LinuxSyscall, LinuxSeccompArg (runc reads these);
//   - moby/profiles seccomp/seccomp.go Seccomp, Architecture, Syscall, Filter (extends them with
//     archMap, name, comment, includes, excludes; Filter has caps, arches, minKernel);
//   - containers/common pkg/seccomp/types.go (adds defaultErrno and errno; its Filter has no minKernel).
// schema/seccomp-profile.schema.json lists the same fields; test/profile/schema.test.ts keeps the two in step.
//
// Go's decoder ignores fields its struct does not have and matches keys case-insensitively, so
// Docker and runc accept what these tables do not list: the parser warns instead of refusing.

import { ARCHES, type Arch } from '../arch/index.js';
import type { CmpOp } from '../resolve/types.js';
import { ACTIONS, type ActionKind } from '../seccomp/action.js';

/** The seccomp object: OCI LinuxSeccomp + moby's archMap + Podman's defaultErrno. */
export const PROFILE_FIELDS = [
  'defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'syscalls',
  'flags', 'listenerPath', 'listenerMetadata',
] as const;

export const ARCHMAP_FIELDS = ['architecture', 'subArchitectures'] as const;

/** OCI LinuxSyscall (names, action, errnoRet, args) + moby (name, comment, includes, excludes) + Podman (errno). */
export const SYSCALL_FIELDS = ['names', 'name', 'action', 'errnoRet', 'errno', 'args', 'comment', 'includes', 'excludes'] as const;

export const ARG_FIELDS = ['index', 'value', 'valueTwo', 'op'] as const;

export const FILTER_FIELDS = ['caps', 'arches', 'minKernel'] as const;

/**
 * Fields that are not in OCI's LinuxSeccomp / LinuxSyscall: runc ignores them when they appear in
 * a config.json. `comment` is left out: ignoring it changes nothing.
 */
export const DOCKER_ONLY_FIELDS: ReadonlySet<string> = new Set(['archMap', 'defaultErrno', 'name', 'errno', 'includes', 'excludes']);

/** SCMP_ACT_* as runc accepts them (libcontainer/seccomp/config.go `actions`); SCMP_ACT_KILL is KILL_THREAD. */
export const PROFILE_ACTIONS: ReadonlyMap<string, ActionKind> = new Map(
  ACTIONS.flatMap((a) => a.scmp.map((name): [string, ActionKind] => [name, a.kind])),
);

/** SCMP_CMP_* (runc config.go `operators`). */
export const PROFILE_OPS: ReadonlyMap<string, CmpOp> = new Map<string, CmpOp>([
  ['SCMP_CMP_NE', 'NE'], ['SCMP_CMP_LT', 'LT'], ['SCMP_CMP_LE', 'LE'], ['SCMP_CMP_EQ', 'EQ'],
  ['SCMP_CMP_GE', 'GE'], ['SCMP_CMP_GT', 'GT'], ['SCMP_CMP_MASKED_EQ', 'MASKED_EQ'],
]);

/** The seccomp filter flags runc knows (config.go `flags`); TSYNC is accepted and ignored. */
export const PROFILE_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;

/** SCMP_ARCH_* names, exactly as profiles must spell them. */
export const PROFILE_ARCHES: ReadonlyMap<string, Arch> = new Map(ARCHES.map((a) => [a.scmpName, a]));
