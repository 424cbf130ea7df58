// SPDX-License-Identifier: Apache-2.0
// The ABI registry: find an Arch by any of its names or by seccomp_data.arch, and translate
// syscall names ↔ the numbers the kernel puts in seccomp_data.nr.
// Mirrors libseccomp's arch.c (seccomp_arch_resolve_name, arch_def_lookup) and the
// `*_syscall_resolve_{name,num}_munge` functions of src/arch-*.c, with one deliberate difference:
// number → name is the exact inverse of name → number. libseccomp also resolves a mips number
// without its base or an x32 number without bit 30 (it strips them when present); here
// mips 3 or x32 0 are not syscalls of those ABIs (the kernel would run something else).
// Final number = (raw table number + arch.nrBase) | arch.nrBit, from the record's fields only.
// Lookup maps are built lazily, per ABI, on first use. Platform-neutral: no node:* imports.

import { u32 } from '../bits.js';
import type { Arch } from './arch.js';
import { ARCHES } from './abis.js';
import { SYSCALL_TABLES } from './syscalls/index.gen.js';

export type { Arch, Endian, Multiplexers } from './arch.js';
export * from './abis.js';
export { SYSCALL_TABLE_SOURCE } from './syscalls/index.gen.js';

interface Tables {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
  /** Sorted by final number. */
  readonly names: readonly string[];
}

const tablesCache = new WeakMap<Arch, Tables>();
let namesIndex: ReadonlyMap<string, Arch> | undefined;
let knownNames: ReadonlySet<string> | undefined;

function tablesOf(arch: Arch): Tables {
  const cached = tablesCache.get(arch);
  if (cached !== undefined) return cached;
  const raw = SYSCALL_TABLES[arch.tableColumn];
  if (raw === undefined) throw new Error(`arch ${arch.name}: no syscall table column '${arch.tableColumn}'`);
  const entries = Object.entries(raw)
    .map(([name, n]): [string, number] => [name, u32((n + arch.nrBase) | arch.nrBit)])
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const tables: Tables = {
    byName: new Map(entries),
    byNumber: new Map(entries.map(([name, nr]) => [nr, name])),
    names: Object.freeze(entries.map(([name]) => name)),
  };
  tablesCache.set(arch, tables);
  return tables;
}

function nameIndex(): ReadonlyMap<string, Arch> {
  if (namesIndex !== undefined) return namesIndex;
  const index = new Map<string, Arch>();
  for (const arch of ARCHES) {
    for (const key of [arch.name, arch.scmpName, ...arch.aliases]) {
      const k = key.toLowerCase();
      const other = index.get(k);
      if (other !== undefined && other !== arch) throw new Error(`arch name '${k}' names ${other.name} and ${arch.name}`);
      index.set(k, arch);
    }
  }
  namesIndex = index;
  return index;
}

/**
 * Finds an ABI by libseccomp name (`x86_64`), Docker/OCI name (`SCMP_ARCH_X86_64`) or alias
 * (`amd64`, `i686`, `arm64`, `ppc64el`, `mips64p32le`, …). Case-insensitive; no trimming.
 */
export function archByName(name: string): Arch | undefined {
  return nameIndex().get(name.toLowerCase());
}

/**
 * Finds the ABI a `seccomp_data` came from. x86_64 and x32 share AUDIT_ARCH_X86_64 and differ by
 * `nr & arch.nrBit` (bit 30); without `nr` the 64-bit ABI is preferred.
 */
export function archByAuditArch(auditArch: number, nr?: number): Arch | undefined {
  const value = u32(auditArch);
  const candidates = ARCHES.filter((a) => a.auditArch === value);
  if (candidates.length <= 1) return candidates[0];
  if (nr !== undefined) {
    const bits = candidates.reduce((acc, a) => acc | a.nrBit, 0);
    const hit = candidates.find((a) => (u32(nr) & bits) === a.nrBit);
    if (hit !== undefined) return hit;
  }
  return candidates.find((a) => a.bits === 64) ?? candidates[0];
}

/** The number the kernel sees for `name` on `arch` (base and x32 bit included); undefined when absent (PNR). */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  return tablesOf(arch).byName.get(name);
}

/**
 * The syscall `arch` runs for kernel number `nr`: the exact inverse of syscallNumber, so x86_64
 * with bit 30 set (an x32 call), mips o32 below 4000, or an unassigned slot give undefined.
 */
export function syscallName(arch: Arch, nr: number): string | undefined {
  if (!Number.isInteger(nr)) return undefined;
  return tablesOf(arch).byNumber.get(u32(nr));
}

/** Every syscall of `arch`, sorted by final number. */
export function syscallNames(arch: Arch): readonly string[] {
  return tablesOf(arch).names;
}

/** Every name libseccomp knows on at least one ABI (the rows of syscalls.csv). */
export function knownSyscallNames(): ReadonlySet<string> {
  if (knownNames === undefined) {
    knownNames = new Set(Object.values(SYSCALL_TABLES).flatMap((t) => Object.keys(t)));
  }
  return knownNames;
}
