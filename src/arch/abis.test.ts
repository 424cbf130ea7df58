// SPDX-License-Identifier: Apache-2.0
// Facts per ABI (audit.h values, libseccomp arch-*.c fields, kernel syscall numbers written out
// by hand), alias uniqueness, and the registry lookups of ./index.ts.

import { describe, expect, it } from 'vitest';
import type { Arch } from './arch.js';
import {
  ARCHES,
  archByAuditArch,
  archByName,
  knownSyscallNames,
  syscallName,
  syscallNames,
  syscallNumber,
} from './index.js';
import { SYSCALL_TABLES } from './syscalls/index.gen.js';

type Fact = [
  name: string,
  auditArch: number,
  endian: 'little' | 'big',
  bits: 32 | 64,
  nrBase: number,
  nrBit: number,
  column: string,
  mux: readonly [number, number] | undefined,
  sample: Readonly<Record<string, number | undefined>>,
];

// Final numbers, as seccomp_data.nr carries them. `undefined` = not on that ABI.
const FACTS: readonly Fact[] = [
  ['x86', 0x40000003, 'little', 32, 0, 0, 'x86', [102, 117], { read: 3, socket: 359, socketcall: 102, ipc: 117, mmap2: 192, arch_prctl: 384 }],
  ['x86_64', 0xc000003e, 'little', 64, 0, 0, 'x86_64', undefined, { read: 0, open: 2, socket: 41, arch_prctl: 158, socketcall: undefined, mmap2: undefined }],
  ['x32', 0xc000003e, 'little', 32, 0, 0x40000000, 'x32', undefined, { read: 0x40000000, open: 0x40000002, socket: 0x40000029, clone3: 0x400001b3 }],
  ['arm', 0x40000028, 'little', 32, 0, 0, 'arm', undefined, { read: 3, socket: 281, cacheflush: 0xf0002, breakpoint: 0xf0001, set_tls: 0xf0005, socketcall: undefined }],
  ['aarch64', 0xc00000b7, 'little', 64, 0, 0, 'aarch64', undefined, { read: 63, socket: 198, openat: 56, open: undefined, mmap2: undefined }],
  ['loongarch64', 0xc0000102, 'little', 64, 0, 0, 'loongarch64', undefined, { read: 63, socket: 198, open: undefined }],
  ['m68k', 0x00000004, 'big', 32, 0, 0, 'm68k', [102, 117], { read: 3, socket: 356, cacheflush: 123 }],
  ['mips', 0x00000008, 'big', 32, 4000, 0, 'mips', [4102, 4117], { read: 4003, open: 4005, socket: 4183, socketcall: 4102, ipc: 4117, sysmips: 4149 }],
  ['mipsel', 0x40000008, 'little', 32, 4000, 0, 'mips', [4102, 4117], { read: 4003, socket: 4183 }],
  ['mips64', 0x80000008, 'big', 64, 5000, 0, 'mips64', undefined, { read: 5000, open: 5002, socket: 5040, sysmips: 5199, socketcall: undefined }],
  ['mipsel64', 0xc0000008, 'little', 64, 5000, 0, 'mips64', undefined, { read: 5000, socket: 5040 }],
  ['mips64n32', 0xa0000008, 'big', 32, 6000, 0, 'mips64n32', undefined, { read: 6000, socket: 6040, clone3: 6435 }],
  ['mipsel64n32', 0xe0000008, 'little', 32, 6000, 0, 'mips64n32', undefined, { read: 6000, socket: 6040 }],
  ['parisc', 0x0000000f, 'big', 32, 0, 0, 'parisc', undefined, { read: 3, socket: 17, cacheflush: 356 }],
  ['parisc64', 0x8000000f, 'big', 64, 0, 0, 'parisc64', undefined, { read: 3, socket: 17, _llseek: undefined }],
  ['ppc', 0x00000014, 'big', 32, 0, 0, 'ppc', [102, 117], { read: 3, socket: 326, _llseek: 140 }],
  ['ppc64', 0x80000015, 'big', 64, 0, 0, 'ppc64', [102, 117], { read: 3, socket: 326, socketcall: 102 }],
  ['ppc64le', 0xc0000015, 'little', 64, 0, 0, 'ppc64', [102, 117], { read: 3, socket: 326, ipc: 117 }],
  ['riscv64', 0xc00000f3, 'little', 64, 0, 0, 'riscv64', undefined, { read: 63, socket: 198, riscv_flush_icache: 259, open: undefined }],
  ['s390', 0x00000016, 'big', 32, 0, 0, 's390', [102, 117], { read: 3, socket: 359, s390_runtime_instr: 342 }],
  ['s390x', 0x80000016, 'big', 64, 0, 0, 's390x', [102, 117], { read: 3, socket: 359, _llseek: undefined }],
  ['sh', 0x4000002a, 'little', 32, 0, 0, 'sh', [102, 117], { read: 3, socket: 340, cacheflush: 123, clone3: undefined }],
  ['sheb', 0x0000002a, 'big', 32, 0, 0, 'sh', [102, 117], { read: 3, socket: 340 }],
];

function arch(name: string): Arch {
  const a = archByName(name);
  if (a === undefined) throw new Error(`no arch ${name}`);
  return a;
}

describe('ABI records', () => {
  it('lists the 23 ABIs in libseccomp order', () => {
    expect(ARCHES.map((a) => a.name)).toEqual(FACTS.map((f) => f[0]));
  });

  it.each(FACTS)('%s', (name, auditArch, endian, bits, nrBase, nrBit, column, mux, sample) => {
    const a = arch(name);
    expect(a.name).toBe(name);
    expect(a.scmpName).toBe(`SCMP_ARCH_${name.toUpperCase()}`);
    expect([a.auditArch, a.endian, a.bits, a.nrBase, a.nrBit, a.tableColumn]).toEqual([
      auditArch, endian, bits, nrBase, nrBit, column,
    ]);
    expect(a.multiplexers === undefined ? undefined : [a.multiplexers.socketcall, a.multiplexers.ipc]).toEqual(mux);
    for (const [sys, nr] of Object.entries(sample)) {
      expect(syscallNumber(a, sys), `${name} ${sys}`).toBe(nr);
      if (nr !== undefined) expect(syscallName(a, nr)).toBe(sys);
    }
  });

  it.each(ARCHES.map((a) => [a.name, a] as const))('%s: multiplexers equal the CSV socketcall/ipc rows', (_, a) => {
    const fromCsv = { socketcall: syscallNumber(a, 'socketcall'), ipc: syscallNumber(a, 'ipc') };
    if (a.multiplexers === undefined) expect(fromCsv).toEqual({ socketcall: undefined, ipc: undefined });
    else expect(fromCsv).toEqual(a.multiplexers);
  });

  it('big-endian AUDIT_ARCH values lack __AUDIT_ARCH_LE, 64-bit ones have __AUDIT_ARCH_64BIT', () => {
    for (const a of ARCHES) {
      expect((a.auditArch & 0x40000000) !== 0, a.name).toBe(a.endian === 'little');
      // x32 and mips n32 run on a 64-bit kernel convention but have 32-bit arguments.
      if (a.bits === 64) expect(a.auditArch >>> 31, a.name).toBe(1);
    }
  });

  it('every table column exists and every column is used', () => {
    expect(new Set(ARCHES.map((a) => a.tableColumn))).toEqual(new Set(Object.keys(SYSCALL_TABLES)));
  });
});

describe('aliases', () => {
  it('no name or alias names two ABIs', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const a of ARCHES) {
      for (const k of new Set([a.name, a.scmpName.toLowerCase(), ...a.aliases])) {
        const o = owner.get(k);
        if (o !== undefined && o !== a.name) clashes.push(`${k}: ${o} and ${a.name}`);
        owner.set(k, a.name);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('aliases are lower-case, unique per ABI, and include the libseccomp name', () => {
    for (const a of ARCHES) {
      expect(a.aliases.every((x) => x === x.toLowerCase()), a.name).toBe(true);
      expect(new Set(a.aliases).size, a.name).toBe(a.aliases.length);
      expect(a.aliases[0]).toBe(a.name);
    }
  });

  it.each([
    ['SCMP_ARCH_X86_64', 'x86_64'], ['scmp_arch_x86_64', 'x86_64'], ['amd64', 'x86_64'], ['X86-64', 'x86_64'],
    ['386', 'x86'], ['i386', 'x86'], ['i686', 'x86'], ['ia32', 'x86'], ['SCMP_ARCH_X86', 'x86'],
    ['SCMP_ARCH_X32', 'x32'], ['arm64', 'aarch64'], ['AArch64', 'aarch64'], ['armhf', 'arm'], ['armel', 'arm'],
    ['armv7l', 'arm'], ['arm', 'arm'], ['ppc64le', 'ppc64le'], ['ppc64el', 'ppc64le'], ['SCMP_ARCH_PPC64LE', 'ppc64le'],
    ['ppc64', 'ppc64'], ['powerpc', 'ppc'], ['s390x', 's390x'], ['riscv64', 'riscv64'], ['loong64', 'loongarch64'],
    ['SCMP_ARCH_LOONGARCH64', 'loongarch64'], ['mips', 'mips'], ['mipsle', 'mipsel'], ['mips64le', 'mipsel64'],
    ['mips64el', 'mipsel64'], ['mips64p32', 'mips64n32'], ['mips64p32le', 'mipsel64n32'], ['SCMP_ARCH_MIPSEL64N32', 'mipsel64n32'],
    ['hppa', 'parisc'], ['sh4', 'sh'], ['SCMP_ARCH_SHEB', 'sheb'], ['m68k', 'm68k'],
  ])('archByName(%s) = %s', (alias, name) => {
    expect(archByName(alias)?.name).toBe(name);
  });

  it.each(['', 'x86 ', 'sparc', 'riscv32', 'toString', '__proto__', 'constructor', 'SCMP_ARCH_'])('archByName(%j) = undefined', (n) => {
    expect(archByName(n)).toBeUndefined();
  });
});

describe('archByAuditArch', () => {
  it.each([
    [0xc000003e, undefined, 'x86_64'],
    [0xc000003e, 59, 'x86_64'],
    [0xc000003e, 0x40000000 | 59, 'x32'],
    [0x40000003, undefined, 'x86'],
    [0x40000003, 0x40000000, 'x86'],
    [0xe0000008, 6000, 'mipsel64n32'],
    [0x4000002a, undefined, 'sh'],
    [0x2a, undefined, 'sheb'],
    [0xc000003e | 0, undefined, 'x86_64'], // a signed int32 read of the field
  ])('(%i, %s) = %s', (audit, nr, name) => {
    expect(archByAuditArch(audit, nr)?.name).toBe(name);
  });

  it('unknown values give undefined', () => {
    expect(archByAuditArch(0x40000002)).toBeUndefined(); // AUDIT_ARCH_SPARC is not a libseccomp ABI
  });

  it('every ABI is found by its own value and a number of its own', () => {
    for (const a of ARCHES) {
      const nr = syscallNumber(a, 'read');
      expect(archByAuditArch(a.auditArch, nr)).toBe(a);
    }
  });
});

describe('syscall numbers', () => {
  it('x86_64 does not run x32 numbers, mips does not run numbers below its base', () => {
    expect(syscallName(arch('x86_64'), 0x40000000)).toBeUndefined();
    expect(syscallName(arch('x86_64'), 0)).toBe('read');
    expect(syscallName(arch('x32'), 0)).toBeUndefined();
    expect(syscallName(arch('mips'), 3)).toBeUndefined();
    expect(syscallName(arch('mips64'), 4003)).toBeUndefined();
    expect(syscallName(arch('x86'), -1)).toBeUndefined();
    expect(syscallName(arch('x86'), 3.5)).toBeUndefined();
  });

  it('object-prototype names are not syscalls', () => {
    for (const n of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(syscallNumber(arch('x86_64'), n)).toBeUndefined();
    }
  });

  it.each(ARCHES.map((a) => [a.name, a] as const))('%s: names ↔ numbers are inverse, sorted, in range', (_, a) => {
    const names = syscallNames(a);
    expect(names.length).toBeGreaterThan(300);
    let last = -1;
    for (const n of names) {
      const nr = syscallNumber(a, n);
      if (nr === undefined) throw new Error(`${a.name}: ${n} has no number`);
      expect(nr).toBeGreaterThan(last);
      last = nr;
      expect(syscallName(a, nr)).toBe(n);
      expect(nr >= a.nrBase && (nr & a.nrBit) === a.nrBit).toBe(true);
    }
  });

  it('knows every row of the CSV', () => {
    expect(knownSyscallNames().size).toBe(508);
    expect(knownSyscallNames().has('socket')).toBe(true);
  });
});
