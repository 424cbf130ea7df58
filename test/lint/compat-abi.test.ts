// SPDX-License-Identifier: Apache-2.0
// compat-abi (SC4010): a compat ABI judged more loosely than the native one.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'compat-abi';
const TWO_ABIS = (x86: string) => `ld [4]
jeq #0xc000003e, x64, next
next: jeq #0x40000003, x86, kill
x64: ld [0]
jge #0x40000000, kill, x64nr
x64nr: jeq #41, deny, p
p: jeq #101, deny, allow
x86: ld [0]
${x86}
allow: ret ALLOW
deny: ret ERRNO(1)
kill: ret KILL_PROCESS`;

describe(ID, () => {
  it.each([
    {
      name: 'x86 refuses socket like x86_64 but lets ptrace through',
      listing: TWO_ABIS('jeq #359, deny, allow'),
      names: '`ptrace`',
      witness: 'x86 ptrace(0, 0, 0, 0) via int $0x80 → ALLOW, but ptrace(0, 0, 0, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'the i386 branch lets everything through',
      listing: TWO_ABIS('ja allow'),
      names: '`socket` and `ptrace`',
      witness: 'x86 socket(2, 1, 0) via int $0x80 → ALLOW, but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
  ])('$name', ({ listing, names, witness }) => {
    const s = filterSubject(listing);
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.message).toBe(`x86 allows what x86_64 refuses for the same arguments: ${names}. Every process on the host can make x86 calls (int $0x80 from 64-bit code is enough), so the looser rules are the ones that hold`);
    expect(findings[0]!.witness).toMatchObject({ arch: 'x86', path: 'int80', text: witness });
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('an argument condition the compat branch does not have', () => {
    const s = filterSubject(`ld [4]
jeq #0xc000003e, x64, next
next: jeq #0x40000003, x86, kill
x64: ld [0]
jge #0x40000000, kill, x64nr
x64nr: jeq #41, sock, allow
sock: ld [16]
jeq #40, deny, allow
x86: ret ALLOW
allow: ret ALLOW
deny: ret ERRNO(1)
kill: ret KILL_PROCESS`);
    const [f] = findingsOf(ID, s);
    expect(f!.message).toContain('`socket`');
    expect(f!.witness?.text).toBe('x86 socket(0x28, 1, 0) via int $0x80 → ALLOW, but socket(0x28, 1, 0) on x86_64 → ERRNO(1)');
  });

  it.each([
    ['both ABIs judged alike', () => filterSubject(TWO_ABIS('jeq #359, deny, p32\np32: jeq #26, deny, allow'))],
    ['Docker\'s newest default on amd64', () => realProfile('docker')],
    ['Docker\'s newest default on arm64', () => realProfile('docker', 'aarch64')],
    ['Podman\'s default', () => realProfile('podman')],
    ['the Docker 23/24-era default', () => realProfile('docker24')],
    ['a profile without x86 (missing-arch\'s business)', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO' }] })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
