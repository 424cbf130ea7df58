// SPDX-License-Identifier: Apache-2.0
// enosys-for-new-syscalls (SC4015): new syscalls libc falls back from only on ENOSYS, answered otherwise.

import { describe, expect, it } from 'vitest';
import { SYSCALL_FALLBACKS } from '../../src/kernel/syscall-fallbacks.js';
import { knownSyscallNames } from '../../src/arch/index.js';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'enosys-for-new-syscalls';
const allow = (names: readonly string[], extra: object = {}, arches = ['SCMP_ARCH_X86_64']) =>
  profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: arches, ...extra, syscalls: [{ names: ['read', 'write', 'exit_group', ...names], action: 'SCMP_ACT_ALLOW' }] });

describe(ID, () => {
  it('the table names only syscalls some ABI has', () => {
    const known = knownSyscallNames();
    for (const r of SYSCALL_FALLBACKS) for (const n of [r.syscall, r.fallback]) expect(known.has(n), n).toBe(true);
  });

  it.each([
    {
      name: 'clone3 and faccessat2 under EPERM (a newer name keeps runc\'s stub off them)',
      subject: () => allow(['clone', 'faccessat', 'futex_waitv']),
      found: [
        '`clone3` is answered with ERRNO(1) on x86_64, but glibc ≥ 2.34 falls back to `clone` (allowed) only on ENOSYS: pthread_create and posix_spawn get the error instead',
        '`faccessat2` is answered with ERRNO(1) on x86_64, but glibc ≥ 2.33 falls back to `faccessat` (allowed) only on ENOSYS',
      ],
      witness: 'clone3(0, 0) on x86_64 → ERRNO(1), not ERRNO(38), while clone(0, 0, 0, 0, 0) on x86_64 → ALLOW',
      pointer: '/defaultAction',
    },
    {
      name: 'an explicit EPERM rule; the finding points at it',
      subject: () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
      found: ['`clone3` is answered with ERRNO(1) on x86_64'],
      witness: 'clone3(0, 0) on x86_64 → ERRNO(1), not ERRNO(38), while clone(0, 0, 0, 0, 0) on x86_64 → ALLOW',
      pointer: '/syscalls/0/names/0',
    },
    {
      name: 'a KILL default',
      subject: () => profileSubject({ defaultAction: 'SCMP_ACT_KILL_PROCESS', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'clone', 'futex_waitv'], action: 'SCMP_ACT_ALLOW' }] }),
      found: ['`clone3` is answered with KILL_PROCESS on x86_64'],
      witness: 'clone3(0, 0) on x86_64 → KILL_PROCESS, not ERRNO(38), while clone(0, 0, 0, 0, 0) on x86_64 → ALLOW',
      pointer: '/defaultAction',
    },
    {
      name: 'i386 (with x86_64, which runc always adds): statx and the time64 calls; defaultErrnoRet located',
      subject: () => allow(['fstatat64', 'clock_gettime', 'futex', 'futex_waitv'], { defaultErrnoRet: 1 }, ['SCMP_ARCH_X86']),
      found: [
        '`statx` is answered with ERRNO(1) on x86, but glibc ≥ 2.33 (ABIs with 32-bit registers) falls back to `fstatat64`',
        '`clock_gettime64` is answered with ERRNO(1) on x86, but glibc and musl ≥ 1.2 (32-bit ABIs, 64-bit time_t) fall back to `clock_gettime`',
        '`futex_time64` is answered with ERRNO(1) on x86',
      ],
      witness: 'x86 statx(0, 0, 0, 0, 0) via int $0x80 → ERRNO(1), not ERRNO(38), while x86 fstatat64(0, 0, 0, 0) via int $0x80 → ALLOW',
      pointer: '/defaultErrnoRet',
    },
    {
      name: 'Docker 23/24-era default: x32, where runc\'s stub does not reach fchmodat2',
      subject: () => realProfile('docker24'),
      found: ['`fchmodat2` is answered with ERRNO(1) on x32, but glibc ≥ 2.39 falls back to `fchmodat` (allowed) only on ENOSYS'],
      witness: 'fchmodat2(0, 0, 0, 0) on x32 → ERRNO(1), not ERRNO(38), while fchmodat(0, 0, 0) on x32 → ALLOW',
      pointer: '/defaultErrnoRet',
    },
    {
      name: 'a raw filter',
      subject: () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, a\na: jeq #56, allow, deny\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS'),
      found: ['`clone3` is answered with ERRNO(1) on x86_64'],
      witness: 'clone3(0, 0) on x86_64 → ERRNO(1), not ERRNO(38), while clone(0, 0, 0, 0, 0) on x86_64 → ALLOW',
      pointer: undefined,
    },
  ])('$name', ({ subject, found, witness, pointer }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(found.length);
    findings.forEach((f, i) => expect(f.message).toContain(found[i]));
    expect(findings[0]!.witness?.text).toBe(witness);
    expect(findings[0]!.location?.kind === 'text' ? findings[0]!.location.pointer : undefined).toBe(pointer);
    expect(findings[0]!.fix).toContain('"errnoRet": 38');
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it.each([
    ['Docker\'s newest default (clone3 → ERRNO(38) by name)', () => realProfile('docker')],
    ['Podman\'s default (ENOSYS default)', () => realProfile('podman')],
    ['runc\'s stub answers clone3 and faccessat2 when nothing newer is named', () => allow(['clone', 'faccessat'])],
    ['ENOSYS by name', () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['clone', 'faccessat', 'futex_waitv'], action: 'SCMP_ACT_ALLOW' }, { names: ['clone3', 'faccessat2'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] })],
    ['the fallback denied too', () => allow(['futex_waitv'])],
    ['a TRACE default: the tracer decides', () => profileSubject({ defaultAction: 'SCMP_ACT_TRACE', syscalls: [{ names: ['clone', 'faccessat'], action: 'SCMP_ACT_ALLOW' }] })],
    ['mips: ENOSYS is 89', () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_MIPS64'], syscalls: [{ names: ['clone', 'futex_waitv'], action: 'SCMP_ACT_ALLOW' }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 89 }] }, { host: 'mips64' })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject()).map((f) => f.message)).toEqual([]);
  });
});
