// SPDX-License-Identifier: Apache-2.0
// missing-arch (SC4008): ABIs the host runs that the filter does not judge.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'missing-arch';
const allow = (names: string[], architectures: string[]) => ({ defaultAction: 'SCMP_ACT_ERRNO', architectures, syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] });

describe(ID, () => {
  it.each([
    {
      name: 'a deny list without an arch check: i386 socket (359) is not x86_64 socket (41)',
      subject: () => filterSubject('ld [0]\njeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)'),
      severity: 'error',
      message: 'the filter never checks seccomp_data.arch: x86 calls (an i386 program\'s, or int $0x80 from any 64-bit process) are judged by their numbers as if they were x86_64 calls, and 460 x86 syscalls reach a permitting verdict',
      witness: 'x86 socket(2, 1, 0) via int $0x80 → ALLOW (the filter judges nr 359 as x86_64\'s unassigned number), but socket(2, 1, 0) on x86_64 → ERRNO(1)',
      path: 'int80',
    },
    {
      name: 'an allow list without an arch check: i386 socketcall (102) passes as x86_64 getuid',
      subject: () => filterSubject('ld [0]\njeq #102, allow, a\na: jeq #0, allow, b\nb: jeq #1, allow, c\nc: jeq #231, allow, deny\nallow: ret ALLOW\ndeny: ret ERRNO(1)'),
      severity: 'error',
      message: 'and 4 x86 syscalls reach a permitting verdict',
      witness: 'x86 socketcall(1, 0) via int $0x80 → ALLOW (the filter judges nr 102 as x86_64\'s getuid), but socket(1, 0, 0) on x86_64 → ERRNO(1)',
      path: 'int80',
    },
    {
      name: 'an arch check that lets other AUDIT_ARCHes fall to ALLOW',
      subject: () => filterSubject('ld [4]\njeq #0xc000003e, nr, allow\nnr: ld [0]\njge #0x40000000, kill, s\ns: jeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS'),
      severity: 'error',
      message: 'the filter checks seccomp_data.arch, but x86 (AUDIT_ARCH 0x40000003) is not among the ABIs it judges and falls to a permitting verdict: 461 x86 syscalls are allowed',
      witness: 'x86 socket(2, 1, 0) via int $0x80 → ALLOW (AUDIT_ARCH 0x40000003 falls through the arch check), but socket(2, 1, 0) on x86_64 → ERRNO(1)',
      path: 'int80',
    },
    {
      name: 'a profile for x86_64 only: i386 and x32 are killed — info',
      subject: () => profileSubject(allow(['read', 'write', 'exit_group'], ['SCMP_ARCH_X86_64'])),
      severity: 'info',
      message: 'x86, x32 are not in the profile\'s architectures: the runtime answers every x86, x32 call with the bad-arch action KILL_THREAD: 32-bit programs cannot run (not a hole), and int $0x80 from a 64-bit process ends it the same way',
    },
    {
      name: 'a profile for aarch64 without arm',
      subject: () => profileSubject(allow(['read', 'write', 'exit_group'], ['SCMP_ARCH_AARCH64']), { host: 'aarch64' }),
      severity: 'info',
      message: 'arm is not in the profile\'s architectures: the runtime answers every arm call with the bad-arch action KILL_THREAD',
    },
  ])('$name', ({ subject, severity, message, witness, path }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe(severity);
    expect(findings[0]!.message).toContain(message);
    if (witness) expect(findings[0]!.witness).toMatchObject({ text: witness, path });
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('a profile finding points at its architectures', () => {
    const [f] = findingsOf(ID, profileSubject(allow(['read'], ['SCMP_ARCH_X86_64'])));
    expect(f!.location).toMatchObject({ pointer: '/architectures' });
  });

  it.each([
    ['Docker\'s newest default (archMap: x86_64, x86, x32)', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['Docker\'s default on arm64 (aarch64, arm)', () => realProfile('docker', 'aarch64')],
    ['a profile listing x86_64, x86 and x32', () => profileSubject(allow(['read'], ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']))],
    ['a filter that kills every ABI it does not judge', () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, s\ns: jeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS')],
    ['riscv64 has no compat ABI', () => profileSubject(allow(['read'], ['SCMP_ARCH_RISCV64']), { host: 'riscv64' })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
