// SPDX-License-Identifier: Apache-2.0
// The starting regions the decision space is split into before a program is run on it: one per
// ABI of the arch table (seccomp_data.arch fixed to its AUDIT_ARCH value; where two ABIs share
// the value, as x86_64 and x32 do, the number's ABI bit tells them apart, as the kernel's
// entry code does with __X32_SYSCALL_BIT), and one for every arch value no ABI has.

import type { Arch } from '../../arch/arch.js';
import { ARCHES } from '../../arch/index.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from '../../seccomp/data.js';
import { constrainRegion, WHOLE_SPACE, type Region } from './region.js';

const NR = SECCOMP_DATA_NR >> 2;
const ARCH = SECCOMP_DATA_ARCH >> 2;

export interface Space {
  /** The ABI, or undefined for arch values no ABI uses. */
  readonly arch?: Arch;
  readonly region: Region;
}

const cache = new Map<Arch | undefined, Space>();

export function abiSpace(arch: Arch): Space {
  const hit = cache.get(arch);
  if (hit) return hit;
  let r: Region | undefined = constrainRegion(WHOLE_SPACE, ARCH, 0xffffffff, 'eq', arch.auditArch, true);
  for (const other of ARCHES) {
    if (other === arch || other.auditArch !== arch.auditArch) continue;
    if (arch.nrBit !== 0) r = r && constrainRegion(r, NR, arch.nrBit, 'eq', 0, false);
    else if (other.nrBit !== 0) r = r && constrainRegion(r, NR, other.nrBit, 'eq', 0, true);
  }
  const space = { arch, region: r! };
  cache.set(arch, space);
  return space;
}

/** Every seccomp_data.arch value that is no ABI's AUDIT_ARCH. */
export function otherArchSpace(): Space {
  const hit = cache.get(undefined);
  if (hit) return hit;
  let r: Region | undefined = WHOLE_SPACE;
  for (const a of new Set(ARCHES.map((x) => x.auditArch))) r = r && constrainRegion(r, ARCH, 0xffffffff, 'eq', a, false);
  const space = { region: r! };
  cache.set(undefined, space);
  return space;
}

/** Every ABI, then the other arch values: together, the whole space. */
export function allSpaces(): readonly Space[] {
  return [...ARCHES.map(abiSpace), otherArchSpace()];
}
