// SPDX-License-Identifier: Apache-2.0
// Rules harden adds that return an errno by name (ENOSYS, EPERM), written so that every host
// reads the number its ABIs define (libseccomp-behaviour.md trap 10.12: ENOSYS is 38 on x86,
// arm, ppc, s390, riscv…, 89 on mips, 251 on parisc):
//   - an OCI config.json, or a profile whose `architectures` are all of one numbering: one rule;
//   - a Podman-style profile (it names errnos: defaultErrno / errno): one rule with `errno` (Podman
//     resolves it per ABI, containers/common getErrno) and the primary host's errnoRet;
//   - any other (archMap, or no ABI list: the host decides): one rule per numbering, the primary
//     host's excluding every host of another numbering (`excludes.arches`), each other numbering's
//     only for its hosts (`includes.arches`, where the rule matters on some of them). Host names
//     are the ones Docker and Podman compare `arches` with (../../profile/names.ts).

import { ARCHES, syscallNumber, type Arch } from '../../arch/index.js';
import { hostAbis } from '../../arch/hosts.js';
import { errnoNumber } from '../../kernel/errno.js';
import { getField, isObject, jsonObject, withField, type Json, type JsonObject } from '../../profile/json-value.js';
import { hostNames } from '../../profile/names.js';
import type { Profile } from '../../profile/types.js';
import { withErrno } from './draft.js';

export interface ErrnoVariant {
  readonly errnoRet: number;
  /** Podman's errno name. */
  readonly errno?: string;
  /** Docker/Podman host names the rule is limited to. */
  readonly includes?: readonly string[];
  /** Host names the rule is left out on. */
  readonly excludes?: readonly string[];
}

function names(host: Arch): string[] {
  const n = hostNames(host);
  return [...new Set([...(n.docker ? [n.docker] : []), n.podman])];
}

/** Does the profile name errnos (Podman's containers/common format)? */
export function podmanStyle(profile: Profile): boolean {
  return profile.defaultErrno !== undefined || profile.syscalls.some((s) => s.errno !== undefined);
}

/**
 * The variants of a rule returning `errno`. `matters(host)` says whether the rule does anything on
 * a host (the syscall exists on one of its ABIs); numberings where it does not get no rule.
 */
export function errnoVariants(profile: Profile, primary: Arch, errno: string, matters: (host: Arch) => boolean = () => true): ErrnoVariant[] {
  const n = errnoNumber(primary, errno)!;
  if (profile.format === 'oci-config') return [{ errnoRet: n }];
  if (podmanStyle(profile)) return [{ errnoRet: n, errno }];
  if (profile.archMap.length === 0 && profile.architectures.length > 0 && profile.architectures.every((a) => errnoNumber(a.arch, errno) === n)) {
    return [{ errnoRet: n }];
  }
  const groups = new Map<number, Arch[]>();
  for (const host of ARCHES) {
    const m = errnoNumber(host, errno);
    if (m !== undefined) groups.set(m, [...(groups.get(m) ?? []), host]);
  }
  const others = [...groups].filter(([m]) => m !== n);
  if (others.length === 0) return [{ errnoRet: n }];
  const out: ErrnoVariant[] = [{ errnoRet: n, excludes: [...new Set(others.flatMap(([, hs]) => hs.flatMap(names)))] }];
  for (const [m, hosts] of others) {
    const where = hosts.filter(matters).flatMap(names);
    if (where.length > 0) out.push({ errnoRet: m, includes: [...new Set(where)] });
  }
  return out;
}

/** Does `name` exist on some ABI a host of this kind runs? */
export function existsOnHost(name: string): (host: Arch) => boolean {
  return (host) => hostAbis(host).some((abi) => syscallNumber(abi, name) !== undefined);
}

function archesOf(filter: Json | undefined): string[] | undefined {
  if (!isObject(filter)) return undefined;
  const arches = getField(filter, 'arches');
  return Array.isArray(arches) ? arches.filter((x): x is string => typeof x === 'string') : undefined;
}

/**
 * `rule` returning the variant's errno, limited to its hosts (an existing includes.arches is
 * intersected, excludes.arches joined). Undefined when the variant's hosts and the rule's own
 * includes do not meet.
 */
export function applyVariant(rule: JsonObject, v: ErrnoVariant): JsonObject | undefined {
  let out = withErrno(withField(rule, 'action', 'SCMP_ACT_ERRNO'), v.errnoRet, v.errno);
  if (v.includes) {
    const inc = getField(out, 'includes');
    const own = archesOf(inc);
    const arches = own && own.length > 0 ? own.filter((x) => v.includes!.includes(x)) : [...v.includes];
    if (arches.length === 0) return undefined;
    out = withField(out, 'includes', withField(isObject(inc) ? inc : jsonObject([]), 'arches', arches));
  }
  if (v.excludes) {
    const exc = getField(out, 'excludes');
    const arches = [...new Set([...(archesOf(exc) ?? []), ...v.excludes])];
    out = withField(out, 'excludes', withField(isObject(exc) ? exc : jsonObject([]), 'arches', arches));
  }
  return out;
}
