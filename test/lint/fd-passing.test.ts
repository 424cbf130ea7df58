// SPDX-License-Identifier: Apache-2.0
// fd-passing (SC4004): socket() restricted while the calls that use passed sockets stay open.

import { describe, expect, it } from 'vitest';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'fd-passing';
const DENY_SOCKET = 'ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, s\ns: jeq #41, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS';

describe(ID, () => {
  it.each([
    {
      name: 'Docker\'s newest default: AF_ALG/AF_VSOCK refused at socket() — info, one finding per set of open calls',
      subject: () => realProfile('docker'),
      severities: ['info'],
      message: '`socket` is restricted on x86_64, x32, x86, but `recvmsg`, `recvmmsg`, `connect`, `sendto`, `sendmsg`, `sendmmsg`, `accept` and `accept4` stay allowed',
      witness: 'recvmsg(3, 0, 0) on x86_64 → ALLOW (it receives descriptors over SCM_RIGHTS), but socket(0x28, 1, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'Podman\'s default: AF_VSOCK refused — info',
      subject: () => realProfile('podman'),
      severities: ['info'],
      message: '`socket` is restricted on x86_64, x32, x86',
      witness: 'recvmsg(3, 0, 0) on x86_64 → ALLOW (it receives descriptors over SCM_RIGHTS), but socket(0x28, 1, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: '"AF_UNIX only" (kernel-experiments §5) — warning: no network meant, not given',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_NE' }] }])),
      severities: ['warning'],
      message: '`socket` refuses AF_INET and AF_INET6 on x86_64, x32, x86, which looks like "no network"',
      witness: 'recvmsg(3, 0, 0) on x86_64 → ALLOW (it receives descriptors over SCM_RIGHTS), but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'a raw filter refusing socket(): warning',
      subject: () => filterSubject(DENY_SOCKET),
      severities: ['warning'],
      message: '`socket` refuses AF_INET and AF_INET6 on x86_64',
      witness: 'recvmsg(3, 0, 0) on x86_64 → ALLOW (it receives descriptors over SCM_RIGHTS), but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
    {
      name: 'recvmsg denied too: connect is the witness',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['socket', 'recvmsg', 'recvmmsg'], action: 'SCMP_ACT_ERRNO' }])),
      severities: ['warning'],
      message: 'but `connect`, `sendto`, `sendmsg`, `sendmmsg`, `accept` and `accept4` stay allowed',
      witness: 'connect(3, 0, 0) on x86_64 → ALLOW (it connects a passed, unconnected socket), but socket(2, 1, 0) on x86_64 → ERRNO(1)',
    },
  ])('$name', ({ subject, severities, message, witness }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => f.severity)).toEqual(severities);
    expect(findings[0]!.message).toContain(message);
    expect(findings[0]!.witness?.text).toBe(witness);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('points at the socket rule', () => {
    const [f] = findingsOf(ID, profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] }, { names: ['recvmsg'], action: 'SCMP_ACT_ALLOW' }])));
    expect(f!.location).toMatchObject({ pointer: '/syscalls/1/names/0' });
  });

  it.each([
    ['socket allowed for every family', () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socket', 'recvmsg', 'connect'], action: 'SCMP_ACT_ALLOW' }]))],
    ['socket and every use of a passed socket denied', () => profileSubject(profileWith('SCMP_ACT_ERRNO', []))],
    ['the Docker 23/24-era default on arm64 has socket a0 != 40 too, but here: nothing but read/write', () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] }, { host: 'aarch64' })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
