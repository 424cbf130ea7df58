// SPDX-License-Identifier: Apache-2.0
// io-uring-bypass (SC4003): io_uring allowed next to restricted socket/connect/open… calls.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'io-uring-bypass';
const IO_URING = { names: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], action: 'SCMP_ACT_ALLOW' };
const socketNot40 = { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] };

describe(ID, () => {
  it.each([
    {
      name: 'Docker 23/24-era default: io_uring allowed, socket a0 != 40',
      subject: () => realProfile('docker24'),
      message: '`io_uring_setup` is allowed on x86_64, x32, x86 while `socket` (argument-dependent) is restricted',
      witness: 'io_uring_setup(8, 0x1000) on x86_64 → ALLOW; IORING_OP_SOCKET then does what socket(0x28, 1, 0) on x86_64 → ERRNO(1) refuses',
    },
    {
      name: 'default-deny with io_uring: every unlisted syscall io_uring can do is listed',
      subject: () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write', 'exit_group', 'io_uring_setup'], action: 'SCMP_ACT_ALLOW' }] }),
      message: '`socket`, `connect`, `accept`, `accept4`, `bind`, `listen`, `sendto`, `sendmsg` and 52 more are restricted',
      witness: 'io_uring_setup(8, 0x1000) on x86_64 → ALLOW; IORING_OP_SOCKET then does what socket(2, 1, 0) on x86_64 → ERRNO(1) refuses',
    },
    {
      name: 'default allow, openat denied',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['openat', 'open'], action: 'SCMP_ACT_ERRNO' }])),
      message: '`openat` and `open` are restricted: io_uring does the same work (IORING_OP_OPENAT)',
      witness: 'io_uring_setup(8, 0x1000) on x86_64 → ALLOW; IORING_OP_OPENAT then does what openat(0, 0, 0, 0) on x86_64 → ERRNO(1) refuses',
    },
    {
      name: 'a raw filter that denies socket only',
      subject: () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, s\ns: jeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS'),
      message: '`io_uring_setup` is allowed on x86_64 while `socket` is restricted',
      witness: 'io_uring_setup(8, 0x1000) on x86_64 → ALLOW; IORING_OP_SOCKET then does what socket(2, 1, 0) on x86_64 → ERRNO(1) refuses',
    },
  ])('$name', ({ subject, message, witness }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.severity).toBe('error');
    expect(findings[0]!.message).toContain(message);
    expect(findings[0]!.witness).toMatchObject({ syscall: 'io_uring_setup', path: 'io_uring', text: witness });
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('points at the name that allows io_uring_setup', () => {
    const [f] = findingsOf(ID, profileSubject(profileWith('SCMP_ACT_ERRNO', [IO_URING, socketNot40])));
    expect(f!.location).toMatchObject({ pointer: '/syscalls/1/names/0' });
    expect(f!.fix).toContain('deny `io_uring_setup`, `io_uring_enter`, `io_uring_register`');
  });

  it.each([
    ['Docker\'s newest default (io_uring denied since Docker 25)', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['io_uring allowed, nothing it can do restricted', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] })],
    ['socket restricted, io_uring denied by name', () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['io_uring_setup'], action: 'SCMP_ACT_ERRNO' }, { names: ['socket'], action: 'SCMP_ACT_ERRNO' }]))],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
