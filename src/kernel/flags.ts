// SPDX-License-Identifier: Apache-2.0
// Names for the values of syscall arguments that hold a flag set or an enumeration: one table per
// kind of argument, each naming the kernel header it mirrors, and which argument of which
// syscall holds it (by the parameter name of the kernel prototype, ./signatures.ts). Address
// families live in ./families.ts; socketcall/ipc call numbers in src/resolve/libseccomp.
//
// Per-ABI values. Tables are keyed by the ELF machine of the ABI (the low 16 bits of its
// AUDIT_ARCH, include/uapi/linux/elf-em.h), and an ABI gets a name only where its own headers
// give that value:
//   - CLONE_*, PER_* and personality flags, MREMAP_*, socketcall/ipc calls: the same everywhere.
//   - PROT_*: asm-generic/mman-common.h everywhere, except PROT_SEM (0x10 on mips) and the
//     arch-only PROT_SAO (powerpc), PROT_BTI / PROT_MTE (arm64).
//   - MAP_*: asm-generic/mman.h + mman-common.h + linux/mman.h (x86 adds MAP_32BIT and
//     MAP_ABOVE4G), with powerpc's, mips' and parisc's own arch/*/include/uapi/asm/mman.h.
//   - socket types: include/linux/net.h, but mips swaps SOCK_STREAM / SOCK_DGRAM
//     (arch/mips/include/asm/socket.h); SOCK_NONBLOCK / SOCK_CLOEXEC are O_NONBLOCK / O_CLOEXEC
//     (asm-generic/fcntl.h; mips' O_NONBLOCK is 0x80); parisc's differ and are left unnamed.
//   - clone's flags are its first argument, except on s390 (CONFIG_CLONE_BACKWARDS2,
//     kernel/fork.c: newsp first), which ./signatures.ts does not model.
// Values wider than 32 bits (CLONE_CLEAR_SIGHAND…, clone3 only) are not named. open(2) flags
// and prctl options are not here yet.

import type { Arch } from '../arch/arch.js';
import { syscallSignature } from './signatures.js';

type Named = readonly (readonly [string, number])[];

export interface ValueTable {
  /** What the table names, for messages and tests (`clone flags`). */
  readonly id: string;
  /** The kernel header it mirrors. */
  readonly source: string;
  /** Whole values with a name of their own, tried first (PER_LINUX32_3GB, PROT_NONE). */
  readonly values?: Named;
  /**
   * Low bits holding one value of an enumeration (personality type, socket type, mapping type)
   * or, without `values`, a plain number (clone's exit signal).
   */
  readonly field?: { readonly mask: number; readonly name: string; readonly values?: Named };
  /** Flags outside the field, named one by one. */
  readonly flags?: Named;
}

// include/uapi/linux/sched.h
const CLONE_BITS: Named = [
  ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800],
  ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000],
  ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000],
  ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_DETACHED', 0x400000],
  ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000],
  ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000],
  ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000],
];
/** CLONE_NEWTIME shares the exit-signal byte: unshare(2) and setns(2) take it, clone(2) cannot. */
const CLONE_NEWTIME: readonly [string, number] = ['CLONE_NEWTIME', 0x80];

const CLONE: ValueTable = {
  id: 'clone flags', source: 'include/uapi/linux/sched.h',
  field: { mask: 0xff, name: 'CSIGNAL' },
  flags: CLONE_BITS,
};
const UNSHARE: ValueTable = { id: 'unshare flags', source: 'include/uapi/linux/sched.h', flags: [CLONE_NEWTIME, ...CLONE_BITS] };
const SETNS: ValueTable = {
  id: 'namespace types', source: 'include/uapi/linux/sched.h',
  flags: [CLONE_NEWTIME, ...CLONE_BITS.filter(([n]) => n.startsWith('CLONE_NEW'))],
};

// include/uapi/linux/personality.h
const PERSONALITY: ValueTable = {
  id: 'personality', source: 'include/uapi/linux/personality.h',
  values: [
    ['PER_LINUX_32BIT', 0x0800000], ['PER_LINUX_FDPIC', 0x0080000], ['PER_SVR4', 0x4100001], ['PER_SVR3', 0x5000002],
    ['PER_SCOSVR3', 0x7000003], ['PER_OSR5', 0x6000003], ['PER_WYSEV386', 0x5000004], ['PER_ISCR4', 0x4000005],
    ['PER_SUNOS', 0x4000006], ['PER_XENIX', 0x5000007], ['PER_LINUX32_3GB', 0x8000008], ['PER_IRIX32', 0x4000009],
    ['PER_IRIXN32', 0x400000a], ['PER_IRIX64', 0x400000b], ['PER_SOLARIS', 0x400000d], ['PER_UW7', 0x410000e],
  ],
  // the types whose PER_* name is the bare low byte
  field: { mask: 0xff, name: 'PER_MASK', values: [['PER_LINUX', 0], ['PER_BSD', 6], ['PER_LINUX32', 8], ['PER_RISCOS', 0xc], ['PER_OSF4', 0xf], ['PER_HPUX', 0x10]] },
  flags: [
    ['UNAME26', 0x0020000], ['ADDR_NO_RANDOMIZE', 0x0040000], ['FDPIC_FUNCPTRS', 0x0080000], ['MMAP_PAGE_ZERO', 0x0100000],
    ['ADDR_COMPAT_LAYOUT', 0x0200000], ['READ_IMPLIES_EXEC', 0x0400000], ['ADDR_LIMIT_32BIT', 0x0800000],
    ['SHORT_INODE', 0x1000000], ['WHOLE_SECONDS', 0x2000000], ['STICKY_TIMEOUTS', 0x4000000], ['ADDR_LIMIT_3GB', 0x8000000],
  ],
};

// include/uapi/asm-generic/mman-common.h (+ arch/{mips,powerpc,arm64}/include/uapi/asm/mman.h)
const PROT_COMMON: Named = [['PROT_READ', 0x1], ['PROT_WRITE', 0x2], ['PROT_EXEC', 0x4]];
const PROT_GROWS: Named = [['PROT_GROWSDOWN', 0x01000000], ['PROT_GROWSUP', 0x02000000]];
const prot = (source: string, own: Named): ValueTable => ({ id: 'memory protection', source, values: [['PROT_NONE', 0]], flags: [...PROT_COMMON, ...own, ...PROT_GROWS] });
const PROT_GENERIC = prot('include/uapi/asm-generic/mman-common.h', [['PROT_SEM', 0x8]]);
const PROT_MIPS = prot('arch/mips/include/uapi/asm/mman.h', [['PROT_SEM', 0x10]]);
const PROT_POWERPC = prot('arch/powerpc/include/uapi/asm/mman.h', [['PROT_SEM', 0x8], ['PROT_SAO', 0x10]]);
const PROT_ARM64 = prot('arch/arm64/include/uapi/asm/mman.h', [['PROT_SEM', 0x8], ['PROT_BTI', 0x10], ['PROT_MTE', 0x20]]);

// include/uapi/linux/mman.h: the mapping type, the same on every ABI
const MAP_TYPES: Named = [['MAP_SHARED', 0x1], ['MAP_PRIVATE', 0x2], ['MAP_SHARED_VALIDATE', 0x3], ['MAP_DROPPABLE', 0x8]];
const map = (source: string, typeMask: number, flags: Named): ValueTable => ({
  id: 'mapping flags', source, field: { mask: typeMask, name: 'MAP_TYPE', values: MAP_TYPES }, flags,
});
const MAP_GENERIC_FLAGS: Named = [
  ['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_GROWSDOWN', 0x100], ['MAP_DENYWRITE', 0x800],
  ['MAP_EXECUTABLE', 0x1000], ['MAP_LOCKED', 0x2000], ['MAP_NORESERVE', 0x4000], ['MAP_POPULATE', 0x8000],
  ['MAP_NONBLOCK', 0x10000], ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000], ['MAP_SYNC', 0x80000],
  ['MAP_FIXED_NOREPLACE', 0x100000], ['MAP_UNINITIALIZED', 0x4000000],
];
const MAP_GENERIC = map('include/uapi/asm-generic/mman.h', 0xf, MAP_GENERIC_FLAGS);
const MAP_X86 = map('arch/x86/include/uapi/asm/mman.h', 0xf, [...MAP_GENERIC_FLAGS.slice(0, 2), ['MAP_32BIT', 0x40], ['MAP_ABOVE4G', 0x80], ...MAP_GENERIC_FLAGS.slice(2)]);
const MAP_POWERPC = map('arch/powerpc/include/uapi/asm/mman.h', 0xf, [
  ['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_NORESERVE', 0x40], ['MAP_LOCKED', 0x80], ['MAP_GROWSDOWN', 0x100],
  ['MAP_DENYWRITE', 0x800], ['MAP_EXECUTABLE', 0x1000], ['MAP_POPULATE', 0x8000], ['MAP_NONBLOCK', 0x10000],
  ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000], ['MAP_SYNC', 0x80000], ['MAP_FIXED_NOREPLACE', 0x100000],
  ['MAP_UNINITIALIZED', 0x4000000],
]);
const MAP_MIPS = map('arch/mips/include/uapi/asm/mman.h', 0xf, [
  ['MAP_FIXED', 0x10], ['MAP_NORESERVE', 0x400], ['MAP_ANONYMOUS', 0x800], ['MAP_GROWSDOWN', 0x1000],
  ['MAP_DENYWRITE', 0x2000], ['MAP_EXECUTABLE', 0x4000], ['MAP_LOCKED', 0x8000], ['MAP_POPULATE', 0x10000],
  ['MAP_NONBLOCK', 0x20000], ['MAP_STACK', 0x40000], ['MAP_HUGETLB', 0x80000], ['MAP_FIXED_NOREPLACE', 0x100000],
]);
const MAP_PARISC = map('arch/parisc/include/uapi/asm/mman.h', 0x2b, [
  ['MAP_FIXED', 0x04], ['MAP_ANONYMOUS', 0x10], ['MAP_DENYWRITE', 0x800], ['MAP_EXECUTABLE', 0x1000],
  ['MAP_LOCKED', 0x2000], ['MAP_NORESERVE', 0x4000], ['MAP_GROWSDOWN', 0x8000], ['MAP_POPULATE', 0x10000],
  ['MAP_NONBLOCK', 0x20000], ['MAP_STACK', 0x40000], ['MAP_HUGETLB', 0x80000], ['MAP_FIXED_NOREPLACE', 0x100000],
]);

// include/uapi/linux/mman.h
const MREMAP: ValueTable = { id: 'mremap flags', source: 'include/uapi/linux/mman.h', flags: [['MREMAP_MAYMOVE', 1], ['MREMAP_FIXED', 2], ['MREMAP_DONTUNMAP', 4]] };

// include/linux/net.h enum sock_type, SOCK_TYPE_MASK; SOCK_NONBLOCK / SOCK_CLOEXEC = O_NONBLOCK / O_CLOEXEC
const SOCK_OTHER_TYPES: Named = [['SOCK_RAW', 3], ['SOCK_RDM', 4], ['SOCK_SEQPACKET', 5], ['SOCK_DCCP', 6], ['SOCK_PACKET', 10]];
const sockType = (source: string, types: Named, flags: Named): ValueTable => ({
  id: 'socket type', source, field: { mask: 0xf, name: 'SOCK_TYPE_MASK', values: [...types, ...SOCK_OTHER_TYPES] }, flags,
});
const SOCK_GENERIC_FLAGS: Named = [['SOCK_NONBLOCK', 0x800], ['SOCK_CLOEXEC', 0x80000]];
const SOCK_MIPS_FLAGS: Named = [['SOCK_NONBLOCK', 0x80], ['SOCK_CLOEXEC', 0x80000]];
const SOCK_GENERIC = sockType('include/linux/net.h', [['SOCK_STREAM', 1], ['SOCK_DGRAM', 2]], SOCK_GENERIC_FLAGS);
const SOCK_MIPS = sockType('arch/mips/include/asm/socket.h', [['SOCK_DGRAM', 1], ['SOCK_STREAM', 2]], SOCK_MIPS_FLAGS);
const SOCK_PARISC = sockType('include/linux/net.h', [['SOCK_STREAM', 1], ['SOCK_DGRAM', 2]], []);
const accept4 = (flags: Named): ValueTable => ({ id: 'accept4 flags', source: 'include/linux/net.h', flags });

/** ELF machines (include/uapi/linux/elf-em.h) whose headers differ from the generic ones. */
const EM_386 = 3;
const EM_MIPS = 8;
const EM_PARISC = 15;
const EM_PPC = 20;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

interface PerMachine {
  readonly generic: ValueTable;
  readonly [machine: number]: ValueTable | undefined;
}

/** Which table an argument holds, by syscall and kernel parameter name; per ELF machine where it differs. */
const ARGUMENTS: Readonly<Record<string, Readonly<Record<string, PerMachine>>>> = {
  clone: { clone_flags: { generic: CLONE } },
  unshare: { unshare_flags: { generic: UNSHARE } },
  setns: { nstype: { generic: SETNS } },
  personality: { personality: { generic: PERSONALITY } },
  mmap: { prot: protByMachine(), flags: mapByMachine() },
  mmap2: { prot: protByMachine(), flags: mapByMachine() },
  mprotect: { prot: protByMachine() },
  pkey_mprotect: { prot: protByMachine() },
  mremap: { flags: { generic: MREMAP } },
  socket: { type: sockByMachine() },
  socketpair: { type: sockByMachine() },
  accept4: { flags: { generic: accept4(SOCK_GENERIC_FLAGS), [EM_MIPS]: accept4(SOCK_MIPS_FLAGS), [EM_PARISC]: accept4([]) } },
};

function protByMachine(): PerMachine {
  return { generic: PROT_GENERIC, [EM_MIPS]: PROT_MIPS, [EM_PPC]: PROT_POWERPC, [EM_PPC64]: PROT_POWERPC, [EM_AARCH64]: PROT_ARM64 };
}
function mapByMachine(): PerMachine {
  return { generic: MAP_GENERIC, [EM_386]: MAP_X86, [EM_X86_64]: MAP_X86, [EM_PPC]: MAP_POWERPC, [EM_PPC64]: MAP_POWERPC, [EM_MIPS]: MAP_MIPS, [EM_PARISC]: MAP_PARISC };
}
function sockByMachine(): PerMachine {
  return { generic: SOCK_GENERIC, [EM_MIPS]: SOCK_MIPS, [EM_PARISC]: SOCK_PARISC };
}

/** The ELF machine of an ABI: the low 16 bits of its AUDIT_ARCH. */
export function elfMachine(arch: Arch): number {
  return arch.auditArch & 0xffff;
}

/** The kernel parameter name of argument `index` of `syscall` on `arch` (with s390's clone order). */
export function argumentName(arch: Arch, syscall: string, index: number): string | undefined {
  if (syscall === 'clone' && elfMachine(arch) === EM_S390 && index < 2) return index === 0 ? 'newsp' : 'clone_flags';
  return syscallSignature(arch, syscall)?.[index]?.name;
}

/** The table of named values argument `index` of `syscall` holds on `arch`, if any. */
export function argumentTable(arch: Arch, syscall: string, index: number): ValueTable | undefined {
  const name = argumentName(arch, syscall, index);
  const byMachine = name === undefined ? undefined : ARGUMENTS[syscall]?.[name];
  if (!byMachine) return undefined;
  return byMachine[elfMachine(arch)] ?? byMachine.generic;
}

const MAX32 = 0xffff_ffffn;

function flagNames(flags: Named, bits: number): string[] | undefined {
  const out: string[] = [];
  let left = bits >>> 0;
  for (const [name, v] of flags) {
    if ((left & v) >>> 0 === v && v !== 0) { out.push(name); left = (left & ~v) >>> 0; }
  }
  return left === 0 ? out : undefined;
}

/**
 * `CLONE_NEWUSER|CLONE_NEWNS`, `PER_LINUX32|UNAME26`, `SOCK_STREAM|SOCK_CLOEXEC`: the value in
 * the table's names, or undefined unless every bit is named (clone's exit signal is shown as a
 * number). Values above 32 bits have no name.
 */
export function nameValue(table: ValueTable, value: bigint): string | undefined {
  if (value < 0n || value > MAX32) return undefined;
  const v = Number(value);
  const whole = table.values?.find(([, x]) => x === v);
  if (whole) return whole[0];
  const parts: string[] = [];
  let rest = v;
  if (table.field) {
    const f = (v & table.field.mask) >>> 0;
    rest = (v & ~table.field.mask) >>> 0;
    if (table.field.values) {
      const n = table.field.values.find(([, x]) => x === f);
      if (!n) return undefined;
      parts.push(n[0]);
    } else if (f !== 0) {
      parts.push(`0x${f.toString(16)}`);
    }
  }
  const flags = flagNames(table.flags ?? [], rest);
  if (!flags) return undefined;
  parts.push(...flags);
  const named = parts.filter((p) => !p.startsWith('0x'));
  return named.length === 0 ? undefined : [...named, ...parts.filter((p) => p.startsWith('0x'))].join('|');
}

/** A mask in the table's names: the field's own name (`CSIGNAL`) or flags (`CLONE_NEWUSER|CLONE_NEWNS`). */
export function nameMask(table: ValueTable, mask: number): string | undefined {
  const m = mask >>> 0;
  if (m === 0) return undefined;
  if (table.field && m === table.field.mask) return table.field.name;
  const names = flagNames(table.flags ?? [], m);
  return names && names.length > 0 ? names.join('|') : undefined;
}

/** The right-hand side of `(arg & mask) op k` in the table's names: a field value, or flags within the mask. */
export function nameMasked(table: ValueTable, mask: number, k: number): string | undefined {
  const m = mask >>> 0;
  const kk = k >>> 0;
  if (table.field && m === table.field.mask) return table.field.values?.find(([, x]) => x === kk)?.[0];
  if (kk === 0 || (kk & ~m) >>> 0 !== 0) return undefined;
  const names = flagNames(table.flags ?? [], kk);
  return names && names.length > 0 ? names.join('|') : undefined;
}
