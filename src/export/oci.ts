// SPDX-License-Identifier: Apache-2.0
// A resolved profile → the OCI runtime-spec `linux.seccomp` object (config-linux.md "Seccomp",
// specs-go/config.go LinuxSeccomp / LinuxSyscall / LinuxSeccompArg): defaultAction,
// defaultErrnoRet, architectures, flags, listenerPath, listenerMetadata, syscalls[{names,
// action, errnoRet, args[{index, value, valueTwo, op}]}]. It is what dockerd hands runc after
// its own resolution (src/resolve/docker.ts: archMap for the host, includes/excludes for the
// capabilities, arch and kernel, errno names for the host ABI), so every runtime that reads plain
// LinuxSeccomp (runc, crun, containerd's Localhost loader) builds the same filter from it.
// errnoRet is always written for ERRNO and TRACE: runc's default for a missing one is EPERM,
// written out so that no runtime's default matters. Numbers are exact (bigint).

import { type Json, type JsonObject, jsonObject } from '../profile/json-value.js';
import type { ResolvedProfile } from '../resolve/types.js';
import { actionSpec, decodeAction } from '../seccomp/action.js';
import type { CmpOp } from '../resolve/types.js';

const OPS: Readonly<Record<CmpOp, string>> = {
  NE: 'SCMP_CMP_NE', LT: 'SCMP_CMP_LT', LE: 'SCMP_CMP_LE', EQ: 'SCMP_CMP_EQ', GE: 'SCMP_CMP_GE', GT: 'SCMP_CMP_GT', MASKED_EQ: 'SCMP_CMP_MASKED_EQ',
};

export function scmpOp(op: CmpOp): string {
  return OPS[op];
}

/** A SECCOMP_RET_* value as a profile writes it: the SCMP_ACT_* name, and the errno for ERRNO and TRACE. */
export function profileAction(ret: number): { readonly action: string; readonly errnoRet?: number } {
  const a = decodeAction(ret);
  const name = actionSpec(a.kind).scmp[0]!;
  return a.kind === 'ERRNO' || a.kind === 'TRACE' ? { action: name, errnoRet: a.data } : { action: name };
}

/** One syscalls[] entry of a resolved rule. */
export function ociRule(names: readonly string[], ret: number, conditions: ResolvedProfile['rules'][number]['conditions']): JsonObject {
  const { action, errnoRet } = profileAction(ret);
  const args: Json[] = conditions.map((c) => jsonObject([['index', BigInt(c.index)], ['value', c.value], ['valueTwo', c.valueTwo], ['op', OPS[c.op]]]));
  return jsonObject([
    ['names', [...names]],
    ['action', action],
    ['errnoRet', errnoRet !== undefined ? BigInt(errnoRet) : undefined],
    ['args', args.length > 0 ? args : undefined],
  ]);
}

/** The `linux.seccomp` object for a profile resolved for one target. */
export function ociSeccomp(resolved: ResolvedProfile): JsonObject {
  const def = profileAction(resolved.defaultAction);
  return jsonObject([
    ['defaultAction', def.action],
    ['defaultErrnoRet', def.errnoRet !== undefined ? BigInt(def.errnoRet) : undefined],
    ['architectures', resolved.arches.map((a) => a.scmpName)],
    ['flags', resolved.flags !== undefined ? [...resolved.flags] : undefined],
    ['listenerPath', resolved.listenerPath],
    ['listenerMetadata', resolved.listenerMetadata],
    ['syscalls', resolved.rules.filter((r) => r.names.length > 0).map((r) => ociRule(r.names, r.action, r.conditions))],
  ]);
}
