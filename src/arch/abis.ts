// SPDX-License-Identifier: Apache-2.0
// One `Arch` record per Linux ABI that libseccomp (v2.6) knows: 23 records, in libseccomp's
// order of src/arch.c. Pure data; the registry (./index.ts) and everything downstream reads
// the fields, never the names.
//
// Sources of the values:
// - auditArch: include/uapi/linux/audit.h (AUDIT_ARCH_* = EM_* from include/uapi/linux/elf-em.h,
//   | __AUDIT_ARCH_64BIT 0x80000000, | __AUDIT_ARCH_LE 0x40000000,
//   | __AUDIT_ARCH_CONVENTION_MIPS64_N32 0x20000000), as used in `.token_bpf` of libseccomp
//   src/arch-<name>.c. x32 shares AUDIT_ARCH_X86_64 (arch-x32.c); sh (little-endian) is
//   AUDIT_ARCH_SHEL and sheb is AUDIT_ARCH_SH (arch-sh.c).
// - endian, bits: `.endian` and `.size` of the same arch_def records (x32 and mips n32 are
//   ARCH_SIZE_32: libseccomp compares low words only there).
// - nrBase: __SCMP_NR_BASE of arch-mips.c (4000, o32), arch-mips64.c (5000, n64),
//   arch-mips64n32.c (6000, n32). nrBit: X32_SYSCALL_BIT 0x40000000 of arch-x32.c
//   (__X32_SYSCALL_BIT in arch/x86/include/uapi/asm/unistd.h).
// - multiplexers: `.sys_socketcall` / `.sys_ipc` (arch-x86.c, arch-m68k.c, arch-mips.c,
//   arch-ppc.c, arch-ppc64.c, arch-s390.c, arch-s390x.c, arch-sh.c); abis.test.ts checks they
//   equal the `socketcall` and `ipc` rows of ../shared/data/libseccomp-syscalls.csv (base included).
// - tableColumn: the column of libseccomp src/syscalls.csv; LE/BE twins share one.
// - aliases: libseccomp names (seccomp_arch_resolve_name), Go GOARCH, `uname -m`, Debian
//   architecture names and common spellings; all lower-case, each naming exactly one ABI.

import type { Arch } from './arch.js';

const X32_SYSCALL_BIT = 0x4000_0000;
const MUX_102_117 = { socketcall: 102, ipc: 117 } as const;

export const X86: Arch = {
  name: 'x86',
  scmpName: 'SCMP_ARCH_X86',
  auditArch: 0x4000_0003, // AUDIT_ARCH_I386
  endian: 'little',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'x86',
  multiplexers: MUX_102_117,
  aliases: ['x86', 'i386', 'i486', 'i586', 'i686', '386', 'ia32', 'x86-32', 'x86_32'],
};

export const X86_64: Arch = {
  name: 'x86_64',
  scmpName: 'SCMP_ARCH_X86_64',
  auditArch: 0xc000_003e, // AUDIT_ARCH_X86_64
  endian: 'little',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'x86_64',
  aliases: ['x86_64', 'amd64', 'x86-64', 'x64', 'em64t', 'intel64'],
};

export const X32: Arch = {
  name: 'x32',
  scmpName: 'SCMP_ARCH_X32',
  auditArch: 0xc000_003e, // AUDIT_ARCH_X86_64, told apart by X32_SYSCALL_BIT in the number
  endian: 'little',
  bits: 32,
  nrBase: 0,
  nrBit: X32_SYSCALL_BIT,
  tableColumn: 'x32',
  aliases: ['x32', 'x86-x32', 'x86_64-x32', 'x86_64x32', 'gnux32'],
};

export const ARM: Arch = {
  name: 'arm',
  scmpName: 'SCMP_ARCH_ARM',
  auditArch: 0x4000_0028, // AUDIT_ARCH_ARM (EABI; libseccomp has no OABI)
  endian: 'little',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'arm',
  aliases: [
    'arm', 'armhf', 'armel', 'armv7l', 'armv7', 'armv7hl', 'armv7a', 'armv6l', 'armv6',
    'armv5tel', 'armv5l', 'armv8l', 'arm32', 'aarch32', 'arm32v7', 'arm32v6', 'arm32v5',
  ],
};

export const AARCH64: Arch = {
  name: 'aarch64',
  scmpName: 'SCMP_ARCH_AARCH64',
  auditArch: 0xc000_00b7, // AUDIT_ARCH_AARCH64
  endian: 'little',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'aarch64',
  aliases: ['aarch64', 'arm64', 'arm64v8'],
};

export const LOONGARCH64: Arch = {
  name: 'loongarch64',
  scmpName: 'SCMP_ARCH_LOONGARCH64',
  auditArch: 0xc000_0102, // AUDIT_ARCH_LOONGARCH64
  endian: 'little',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'loongarch64',
  aliases: ['loongarch64', 'loong64', 'la64'],
};

export const M68K: Arch = {
  name: 'm68k',
  scmpName: 'SCMP_ARCH_M68K',
  auditArch: 0x0000_0004, // AUDIT_ARCH_M68K
  endian: 'big',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'm68k',
  multiplexers: MUX_102_117,
  aliases: ['m68k', '68k', 'm68000'],
};

export const MIPS: Arch = {
  name: 'mips',
  scmpName: 'SCMP_ARCH_MIPS',
  auditArch: 0x0000_0008, // AUDIT_ARCH_MIPS
  endian: 'big',
  bits: 32,
  nrBase: 4000,
  nrBit: 0,
  tableColumn: 'mips',
  multiplexers: { socketcall: 4102, ipc: 4117 },
  aliases: ['mips', 'mipseb', 'mipsbe', 'mips32', 'mips32eb', 'mips32be', 'mipso32'],
};

export const MIPSEL: Arch = {
  name: 'mipsel',
  scmpName: 'SCMP_ARCH_MIPSEL',
  auditArch: 0x4000_0008, // AUDIT_ARCH_MIPSEL
  endian: 'little',
  bits: 32,
  nrBase: 4000,
  nrBit: 0,
  tableColumn: 'mips',
  multiplexers: { socketcall: 4102, ipc: 4117 },
  aliases: ['mipsel', 'mipsle', 'mips32el', 'mips32le', 'mipselo32'],
};

export const MIPS64: Arch = {
  name: 'mips64',
  scmpName: 'SCMP_ARCH_MIPS64',
  auditArch: 0x8000_0008, // AUDIT_ARCH_MIPS64
  endian: 'big',
  bits: 64,
  nrBase: 5000,
  nrBit: 0,
  tableColumn: 'mips64',
  aliases: ['mips64', 'mips64eb', 'mips64be', 'mips64n64'],
};

export const MIPSEL64: Arch = {
  name: 'mipsel64',
  scmpName: 'SCMP_ARCH_MIPSEL64',
  auditArch: 0xc000_0008, // AUDIT_ARCH_MIPSEL64
  endian: 'little',
  bits: 64,
  nrBase: 5000,
  nrBit: 0,
  tableColumn: 'mips64',
  aliases: ['mipsel64', 'mips64el', 'mips64le', 'mips64eln64', 'mipsel64n64'],
};

export const MIPS64N32: Arch = {
  name: 'mips64n32',
  scmpName: 'SCMP_ARCH_MIPS64N32',
  auditArch: 0xa000_0008, // AUDIT_ARCH_MIPS64N32
  endian: 'big',
  bits: 32,
  nrBase: 6000,
  nrBit: 0,
  tableColumn: 'mips64n32',
  aliases: ['mips64n32', 'mips64p32', 'mipsn32', 'mipsn32eb', 'mips64n32eb'],
};

export const MIPSEL64N32: Arch = {
  name: 'mipsel64n32',
  scmpName: 'SCMP_ARCH_MIPSEL64N32',
  auditArch: 0xe000_0008, // AUDIT_ARCH_MIPSEL64N32
  endian: 'little',
  bits: 32,
  nrBase: 6000,
  nrBit: 0,
  tableColumn: 'mips64n32',
  aliases: ['mipsel64n32', 'mips64p32le', 'mipsn32el', 'mips64n32el', 'mips64eln32'],
};

export const PARISC: Arch = {
  name: 'parisc',
  scmpName: 'SCMP_ARCH_PARISC',
  auditArch: 0x0000_000f, // AUDIT_ARCH_PARISC
  endian: 'big',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'parisc',
  aliases: ['parisc', 'hppa', 'parisc32', 'hppa32'],
};

export const PARISC64: Arch = {
  name: 'parisc64',
  scmpName: 'SCMP_ARCH_PARISC64',
  auditArch: 0x8000_000f, // AUDIT_ARCH_PARISC64
  endian: 'big',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'parisc64',
  aliases: ['parisc64', 'hppa64'],
};

export const PPC: Arch = {
  name: 'ppc',
  scmpName: 'SCMP_ARCH_PPC',
  auditArch: 0x0000_0014, // AUDIT_ARCH_PPC
  endian: 'big',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'ppc',
  multiplexers: MUX_102_117,
  aliases: ['ppc', 'powerpc', 'ppc32', 'powerpc32', 'powerpcspe'],
};

export const PPC64: Arch = {
  name: 'ppc64',
  scmpName: 'SCMP_ARCH_PPC64',
  auditArch: 0x8000_0015, // AUDIT_ARCH_PPC64
  endian: 'big',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'ppc64',
  multiplexers: MUX_102_117,
  aliases: ['ppc64', 'powerpc64', 'ppc64be', 'ppc64eb'],
};

export const PPC64LE: Arch = {
  name: 'ppc64le',
  scmpName: 'SCMP_ARCH_PPC64LE',
  auditArch: 0xc000_0015, // AUDIT_ARCH_PPC64LE
  endian: 'little',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'ppc64',
  multiplexers: MUX_102_117,
  aliases: ['ppc64le', 'ppc64el', 'powerpc64le', 'powerpc64el'],
};

export const RISCV64: Arch = {
  name: 'riscv64',
  scmpName: 'SCMP_ARCH_RISCV64',
  auditArch: 0xc000_00f3, // AUDIT_ARCH_RISCV64
  endian: 'little',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'riscv64',
  aliases: ['riscv64', 'rv64', 'riscv64gc', 'rv64gc'],
};

export const S390: Arch = {
  name: 's390',
  scmpName: 'SCMP_ARCH_S390',
  auditArch: 0x0000_0016, // AUDIT_ARCH_S390
  endian: 'big',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 's390',
  multiplexers: MUX_102_117,
  nrZeroMultiplexes: true,
  aliases: ['s390', 's390-31', 's390_31'],
};

export const S390X: Arch = {
  name: 's390x',
  scmpName: 'SCMP_ARCH_S390X',
  auditArch: 0x8000_0016, // AUDIT_ARCH_S390X
  endian: 'big',
  bits: 64,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 's390x',
  multiplexers: MUX_102_117,
  nrZeroMultiplexes: true,
  aliases: ['s390x', 's390-64', 's390_64', 'zarch', 'systemz'],
};

export const SH: Arch = {
  name: 'sh',
  scmpName: 'SCMP_ARCH_SH',
  auditArch: 0x4000_002a, // AUDIT_ARCH_SHEL
  endian: 'little',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'sh',
  multiplexers: MUX_102_117,
  aliases: ['sh', 'sh4', 'shel', 'sh4le', 'sh4el', 'superh'],
};

export const SHEB: Arch = {
  name: 'sheb',
  scmpName: 'SCMP_ARCH_SHEB',
  auditArch: 0x0000_002a, // AUDIT_ARCH_SH
  endian: 'big',
  bits: 32,
  nrBase: 0,
  nrBit: 0,
  tableColumn: 'sh',
  multiplexers: MUX_102_117,
  aliases: ['sheb', 'sh4eb', 'sh4be', 'shbe'],
};

/** Every ABI, in libseccomp's order (and the order `syscage` lists them in). */
export const ARCHES = [
  X86, X86_64, X32, ARM, AARCH64, LOONGARCH64, M68K,
  MIPS, MIPSEL, MIPS64, MIPSEL64, MIPS64N32, MIPSEL64N32,
  PARISC, PARISC64, PPC, PPC64, PPC64LE, RISCV64, S390, S390X, SH, SHEB,
] as const satisfies readonly Arch[];
