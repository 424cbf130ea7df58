// SPDX-License-Identifier: Apache-2.0
// wx-incomplete (SC4013): a W^X rule on mmap with the other paths to W+X memory left open.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'wx-incomplete';
/** W^X as two allow rules (no PROT_EXEC, or no PROT_WRITE) on `names`. */
const wx = (names: readonly string[]) => [
  { names, action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 4, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
  { names, action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 2, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
];
const profile = (open: readonly string[], guarded: readonly string[], arches = ['SCMP_ARCH_X86_64']) =>
  profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: arches, syscalls: [{ names: ['read', 'write', 'exit_group', ...open], action: 'SCMP_ACT_ALLOW' }, ...wx(guarded)] });

describe(ID, () => {
  it.each([
    {
      name: 'mprotect open',
      subject: () => profile(['mprotect'], ['mmap']),
      found: ['`mmap` refuses writable, executable memory on x86_64, but `mprotect` makes an existing mapping writable and executable, and it is allowed'],
      witness: 'mprotect(0x10000, 0x1000, 6) on x86_64 → ALLOW, but mmap(0, 0x1000, 6, 0x22, 0, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'pkey_mprotect open, mprotect guarded',
      subject: () => profile(['pkey_mprotect'], ['mmap', 'mprotect']),
      found: ['but `pkey_mprotect` makes an existing mapping writable and executable'],
      witness: 'pkey_mprotect(0x10000, 0x1000, 6, 0) on x86_64 → ALLOW, but mmap(0, 0x1000, 6, 0x22, 0, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'shmat(SHM_EXEC) and personality(READ_IMPLIES_EXEC)',
      subject: () => profile(['shmat', 'personality'], ['mmap', 'mprotect']),
      found: ['but `shmat` attaches shared memory executable (SHM_EXEC)', 'but `personality` sets READ_IMPLIES_EXEC'],
      witness: 'shmat(0, 0, 0x8000) on x86_64 → ALLOW, but mmap(0, 0x1000, 6, 0x22, 0, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'i386: the rule on mmap2, the old mmap reads prot from memory',
      subject: () => profile(['mmap'], ['mmap2', 'mprotect'], ['SCMP_ARCH_X86']),
      found: ['`mmap2` refuses writable, executable memory on x86, but `mmap` reads its prot from a struct in memory, which seccomp cannot see'],
      witness: 'x86 mmap(0x10000) via int $0x80 → ALLOW, but x86 mmap2(0, 0x1000, 6, 0x22, 0, 0) via int $0x80 → ERRNO(1)',
    },
    {
      name: 'i386: mmap2 and mprotect guarded, ipc(SHMAT, SHM_EXEC) open',
      subject: () => profile(['ipc'], ['mmap2', 'mprotect'], ['SCMP_ARCH_X86']),
      found: ['`mmap2` refuses writable, executable memory on x86, but `ipc` is shmat(SHM_EXEC) through the ipc multiplexer'],
      witness: 'x86 ipc(0x15, 0, 0x8000, 0, 0, 0) via int $0x80 → ALLOW, but x86 mmap2(0, 0x1000, 6, 0x22, 0, 0) via int $0x80 → ERRNO(1)',
    },
  ])('$name', ({ subject, found, witness }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(found.length);
    findings.forEach((f, i) => {
      expect(f.severity).toBe('warning');
      expect(f.message).toContain(found[i]);
    });
    expect(findings[0]!.witness?.text).toBe(witness);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('points at the name that allows the open path', () => {
    const [f] = findingsOf(ID, profile(['mprotect'], ['mmap']));
    expect(f!.location).toMatchObject({ pointer: '/syscalls/0/names/3' });
  });

  it.each([
    ['Docker\'s newest default (no W^X rule)', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['every path guarded', () => profile([], ['mmap', 'mprotect', 'pkey_mprotect'])],
    ['mprotect denied outright', () => profile([], ['mmap'])],
    ['no W^X rule: mmap allowed for every prot', () => profile(['mmap', 'mprotect'], [])],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
