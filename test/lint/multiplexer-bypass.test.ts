// SPDX-License-Identifier: Apache-2.0
// multiplexer-bypass (SC4002): argument conditions the socketcall/ipc path does not enforce, the
// companions that over-block, and the ipc version bits; witnesses verified by the interpreter.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'multiplexer-bypass';
const fixture = (path: string) => readFileSync(`test/fixtures/profiles/${path}`, 'utf8');
const onlyX86 = { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] };
const allowFamily = (family: number) => ({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: family, op: 'SCMP_CMP_EQ' }] });

describe(ID, () => {
  it.each([
    {
      name: 'socket allowed for AF_UNIX, socketcall not named: every family through socketcall (int $0x80)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [allowFamily(1)], onlyX86)),
      want: [{ severity: 'error', pointer: '/syscalls/1', text: 'socketcall(1, 0x10000) on x86 (int $0x80 from 64-bit code) → ALLOW, but socket(0, 0, 0) → ERRNO(1): socketcall reads socket\'s arguments from memory at a1, where the filter cannot look' }],
      fix: /^add \{"names": \["socketcall"\], "action": "SCMP_ACT_ERRNO", "errnoRet": 38\}/,
    },
    {
      name: 'socketcall in the allow list too: the fix removes it first',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, allowFamily(1)], onlyX86)),
      want: [{ severity: 'error', pointer: '/syscalls/2', text: expect.stringContaining('→ ALLOW, but socket(0, 0, 0) → ERRNO(1)') }],
      fix: /^remove `socketcall` from the allowed names \(\/syscalls\/1\/names\/0\) and add/,
    },
    {
      name: 'a default ENOSYS (Podman): the explicit rule uses EPERM',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [allowFamily(1)], { ...onlyX86, defaultErrnoRet: 38 })),
      want: [{ severity: 'error', pointer: '/syscalls/1', text: expect.stringContaining('→ ERRNO(38)') }],
      fix: /"errnoRet": 1\} \(ERRNO\(EPERM\)/,
    },
    {
      name: 'a deny on AF_VSOCK under default allow: the companion refuses every family (over-block)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] }], onlyX86)),
      want: [{ severity: 'warning', pointer: '/syscalls/0', text: 'socketcall(1, 0x10000) on x86 (int $0x80 from 64-bit code) → ERRNO(1), but socket(0, 0, 0) → ALLOW: socketcall reads socket\'s arguments from memory at a1, where the filter cannot look' }],
      fix: /socketcall/,
    },
    {
      name: 'a shmget flag condition copied onto ipc\'s `second` (the size)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['shmget'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 0, op: 'SCMP_CMP_EQ' }] }], onlyX86)),
      want: [{ severity: 'error', pointer: '/syscalls/1', text: 'ipc(0x17, 0, 0, 1, 0x10000, 0) on x86 (int $0x80 from 64-bit code) → ALLOW, but shmget(0, 0, 1) → ERRNO(1): the kernel runs shmget for both, but ipc carries shmget\'s arguments elsewhere (or in memory at ptr)' }],
      fix: /"names": \["ipc"\]/,
    },
    {
      name: 'a deny on shmget dodged by ipc version 1',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['shmget'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }], onlyX86)),
      want: [{ severity: 'error', pointer: '/syscalls/0/names/0', text: 'ipc(0x10017, 0, 0, 0, 0, 0) on x86 (int $0x80 from 64-bit code) → ALLOW, but ipc(0x17, 0, 0, 0, 0, 0) → ERRNO(13): the kernel runs shmget for both: it reads call & 0xffff (0x17) and ignores version 1' }],
      fix: /"op": "SCMP_CMP_MASKED_EQ", "value": 65535, "valueTwo": 23/,
    },
    {
      name: 'a deny on shmat dodged by ipc version 2 (version 1 is -EINVAL)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['shmat'], action: 'SCMP_ACT_ERRNO' }], onlyX86)),
      want: [{ severity: 'error', pointer: '/syscalls/0/names/0', text: expect.stringMatching(/^ipc\(0x20015, .* ignores version 2$/) }],
      fix: /"valueTwo": 21/,
    },
    {
      name: "ppc64le: native 64-bit socketcall, no int $0x80",
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [allowFamily(1)], { architectures: ['SCMP_ARCH_PPC64LE'] }), { host: 'ppc64le' }),
      want: [{ severity: 'error', pointer: '/syscalls/1', text: expect.stringMatching(/^socketcall\(1, 0x10000\) on ppc64le → ALLOW, but socket\(0, 0, 0\) → ERRNO\(1\)/) }],
      fix: /^add/,
    },
  ])('$name', ({ subject, want, fix }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => ({ severity: f.severity, pointer: f.location?.kind === 'text' ? f.location.pointer : undefined, text: f.witness?.text }))).toEqual(want);
    for (const f of findings) expect(f.fix).toMatch(fix);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it.each([
    { name: 'socketcall refused with ENOSYS (Docker v0.2.2)', subject: () => profileSubject(fixture('moby/default-after-socketcall.json')) },
    { name: 'socketcall → ERRNO(ENOSYS) next to an AF_UNIX-only socket', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }, allowFamily(1)], onlyX86)) },
    { name: 'x86_64 alone has no multiplexers', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [allowFamily(1)], { architectures: ['SCMP_ARCH_X86_64'] })) },
    { name: 'unconditional socket rules: nothing for the companion to lose', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socket', 'socketcall', 'connect'], action: 'SCMP_ACT_ALLOW' }], onlyX86)) },
    { name: 's390x refuses ipc version bits', subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['shmget'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }], { architectures: ['SCMP_ARCH_S390X'] }), { host: 's390x' }) },
  ])('clean: $name', ({ subject }) => {
    expect(findingsOf(ID, subject()).map((f) => f.message)).toEqual([]);
  });

  it("Docker's newest default (host amd64): socket's family conditions through i386 socketcall", () => {
    const s = profileSubject(fixture('moby/default.json'));
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => [f.severity, f.witness?.arch, f.witness?.path, f.witness?.syscall, f.witness?.verdict, f.witness?.versus])).toEqual([
      ['error', 'x86', 'int80', 'socketcall', 0x7fff0000, { call: 'socket(0x26, 0, 0)', verdict: 0x00050001 }],
    ]);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('judges a raw i386 filter, located at the ret the socketcall reaches', () => {
    const s = filterSubject([
      '      ld [4]',
      '      jeq #0x40000003, nr, kill',
      'nr:   ld [0]',
      '      jeq #359, fam, allow',
      'fam:  ld [16]',
      '      jeq #40, deny, allow',
      'allow: ret ALLOW',
      'deny: ret ERRNO(1)',
      'kill: ret KILL_PROCESS',
    ].join('\n'), 'x86');
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => [f.location, f.witness?.text])).toEqual([
      [{ kind: 'pc', pc: 6 }, 'socketcall(1, 0x10000) on x86 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): socketcall reads socket\'s arguments from memory at a1, where the filter cannot look'],
    ]);
    expect(witnessesHold(s, findings)).toBe(true);
  });
});
