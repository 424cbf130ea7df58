// SPDX-License-Identifier: Apache-2.0
// x32-abi (SC4009): x32 numbers allowed where the x86_64 call is refused.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'x32-abi';

describe(ID, () => {
  it.each([
    {
      name: 'a deny list with an arch check and no x32 guard',
      listing: 'ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS',
      names: '`socket`',
      witness: 'socket(2, 1, 0) on x32 → ALLOW, but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'no arch check at all',
      listing: 'ld [0]\njeq #41, deny, p\np: jeq #101, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)',
      names: '`socket` and `ptrace`',
      witness: 'socket(2, 1, 0) on x32 → ALLOW, but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
  ])('$name', ({ listing, names, witness }) => {
    const s = filterSubject(listing);
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.message).toContain(`are allowed where the same x86_64 call is refused: ${names}.`);
    expect(findings[0]!.message).toContain('CONFIG_X86_X32_ABI=y');
    expect(findings[0]!.witness).toMatchObject({ arch: 'x32', syscall: 'socket', nr: 0x40000029, text: witness });
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it.each([
    ['the x32 guard (libseccomp\'s jge 0x40000000)', () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, s\ns: jeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS')],
    ['an allow list without a guard: x32 numbers match nothing and are refused', () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njeq #0, allow, deny\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS')],
    ['Docker\'s newest default (x32 gets the x86_64 rules)', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['a default-allow profile without x32 (libseccomp kills x32 numbers)', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO' }] })],
    ['an aarch64 host has no x32', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO' }] }, { host: 'aarch64' })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
