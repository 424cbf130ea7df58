// SPDX-License-Identifier: Apache-2.0
// pointer-arg-compare (SC4007): conditions on pointer arguments, from a profile's conditions and
// from a filter's program; NULL tests are notes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'pointer-arg-compare';
const x86_64 = { architectures: ['SCMP_ARCH_X86_64'] };
const on = (names: string[], index: number, op: string, value: number) => ({ names, action: 'SCMP_ACT_ALLOW', args: [{ index, value, op: `SCMP_CMP_${op}` }] });
const filter = (nr: number, word: number, k: number) => filterSubject([
  '      ld [4]',
  '      jeq #0xc000003e, nr, kill',
  'nr:   ld [0]',
  `      jeq #${nr}, arg, allow`,
  `arg:  ld [${word}]`,
  `      jeq #${k}, allow, deny`,
  'allow: ret ALLOW',
  'deny: ret ERRNO(1)',
  'kill: ret KILL_PROCESS',
].join('\n'));

describe(ID, () => {
  it.each([
    {
      name: 'connect limited to one sockaddr address',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [on(['connect'], 1, 'EQ', 0x7fffffffdc00)], x86_64)),
      want: [['warning', '/syscalls/1/args/0', 'connect(0, 0x7fffffffdc00, 0) on x86_64 → ALLOW, but connect(0, 0x10000, 0) → ERRNO(1): the same data at another address']],
    },
    {
      name: 'openat limited to one path address, on every ABI that has it',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [on(['openat'], 1, 'EQ', 0x10000)], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] })),
      want: [['warning', '/syscalls/1/args/0', 'openat(0, 0x10000, 0, 0) on x86_64 → ALLOW, but openat(0, 0x20000, 0, 0) → ERRNO(1): the same data at another address']],
    },
    {
      name: 'execve with envp == NULL: a note, no witness',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [on(['execve'], 2, 'EQ', 0)], x86_64)),
      want: [['info', '/syscalls/1/args/0', undefined]],
    },
    {
      name: 'a filter comparing connect\'s uservaddr (args[1].lo at 24)',
      subject: () => filter(42, 24, 0x10000),
      want: [['warning', undefined, 'connect(0, 0x10000, 0) on x86_64 → ALLOW, but connect(0, 0, 0) → ERRNO(1): the same data at another address']],
    },
  ])('$name', ({ subject, want }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => [f.severity, f.location?.kind === 'text' ? f.location.pointer : undefined, f.witness?.text])).toEqual(want);
    for (const f of findings) expect(f.code).toBe('SC4007');
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('locates a filter finding at the jump that tests the pointer', () => {
    expect(findingsOf(ID, filter(42, 24, 0x10000)).map((f) => f.location)).toEqual([{ kind: 'pc', pc: 5 }]);
  });

  it.each([
    { name: 'connect\'s addrlen (an int)', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [on(['connect'], 2, 'EQ', 16)], x86_64)) },
    { name: 'clone flags (unsigned long)', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [on(['clone'], 0, 'MASKED_EQ', 0x7e020000)], x86_64)) },
    { name: "Docker's newest default", subject: () => profileSubject(readFileSync('test/fixtures/profiles/moby/default.json', 'utf8')) },
    { name: 'a filter testing connect\'s addrlen (args[2].lo at 32)', subject: () => filter(42, 32, 16) },
  ])('clean: $name', ({ subject }) => {
    expect(findingsOf(ID, subject()).map((f) => f.message)).toEqual([]);
  });
});
