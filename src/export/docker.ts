// SPDX-License-Identifier: Apache-2.0
// A profile → normalized Docker/moby JSON (moby/profiles seccomp/seccomp.go Seccomp: defaultAction,
// defaultErrnoRet, archMap or architectures, syscalls[{names, action, errnoRet, args, comment,
// includes, excludes}], flags, listenerPath, listenerMetadata), still unresolved — archMap and
// includes/excludes stay, so the file serves every host and capability set as the input did.
// Normalized: moby's field order; legacy `name` becomes `names`; Podman's errno names become
// errnoRet numbers for the target's ABI (the one thing that depends on the host: Docker ignores
// the names, Podman reads them); errnoRet is dropped where runc ignores it (actions other than
// ERRNO and TRACE); empty includes/excludes, empty args and dead archMap entries (no
// architecture) are left out; every argument has index, value, valueTwo and op.

import type { Arch } from '../arch/arch.js';
import { errnoNumber } from '../kernel/errno.js';
import { type Json, type JsonObject, jsonObject } from '../profile/json-value.js';
import type { Profile, RuleFilter } from '../profile/types.js';
import { actionSpec, type ActionKind } from '../seccomp/action.js';
import { scmpOp } from './oci.js';

function errnoOf(kind: ActionKind, errnoRet: number | undefined, errno: string | undefined, host: Arch): bigint | undefined {
  if (kind !== 'ERRNO' && kind !== 'TRACE') return undefined;
  if (errno !== undefined) {
    const n = /^[0-9]+$/.test(errno) ? Number(errno) : errnoNumber(host, errno);
    if (n !== undefined) return BigInt(n);
  }
  return errnoRet !== undefined ? BigInt(errnoRet) : undefined;
}

function filter(f: RuleFilter | undefined): JsonObject | undefined {
  if (!f || (f.caps.length === 0 && f.arches.length === 0 && !f.minKernel)) return undefined;
  return jsonObject([
    ['caps', f.caps.length > 0 ? [...f.caps] : undefined],
    ['arches', f.arches.length > 0 ? [...f.arches] : undefined],
    ['minKernel', f.minKernel ? `${f.minKernel[0]}.${f.minKernel[1]}` : undefined],
  ]);
}

/** Normalized Docker JSON for `profile`; `host` gives Podman's errno names their numbers. */
export function dockerProfile(profile: Profile, host: Arch): JsonObject {
  const archMap = profile.archMap.filter((e) => e.architecture !== undefined).map((e) => jsonObject([
    ['architecture', e.architecture!.arch.scmpName],
    ['subArchitectures', e.subArchitectures.map((a) => a.arch.scmpName)],
  ]));
  const syscalls: Json[] = profile.syscalls.filter((s) => s.names.length > 0).map((s) => jsonObject([
    ['names', [...s.names]],
    ['action', actionSpec(s.action).scmp[0]!],
    ['errnoRet', errnoOf(s.action, s.errnoRet, s.errno, host)],
    ['args', s.args.length > 0 ? s.args.map((a) => jsonObject([['index', BigInt(a.index)], ['value', a.value], ['valueTwo', a.valueTwo], ['op', scmpOp(a.op)]])) : undefined],
    ['comment', s.comment !== undefined && s.comment !== '' ? s.comment : undefined],
    ['includes', filter(s.includes)],
    ['excludes', filter(s.excludes)],
  ]));
  const kind = profile.defaultAction!;
  return jsonObject([
    ['defaultAction', actionSpec(kind).scmp[0]!],
    ['defaultErrnoRet', errnoOf(kind, profile.defaultErrnoRet, profile.defaultErrno, host)],
    ['archMap', archMap.length > 0 ? archMap : undefined],
    ['architectures', profile.architectures.length > 0 ? profile.architectures.map((a) => a.arch.scmpName) : undefined],
    ['syscalls', syscalls],
    ['flags', profile.flags !== undefined ? [...profile.flags] : undefined],
    ['listenerPath', profile.listenerPath],
    ['listenerMetadata', profile.listenerMetadata],
  ]);
}
