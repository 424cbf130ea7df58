// SPDX-License-Identifier: Apache-2.0
// equivalent-syscall-gap (SC4014): a deliberate denial with an equivalent left open.

import { describe, expect, it } from 'vitest';
import { EQUIVALENT_SYSCALLS } from '../../src/kernel/equivalent-syscalls.js';
import { knownSyscallNames } from '../../src/arch/index.js';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'equivalent-syscall-gap';
const denyList = (names: readonly string[], arches = ['SCMP_ARCH_X86_64']) =>
  profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', architectures: arches, syscalls: [{ names, action: 'SCMP_ACT_ERRNO' }] });

describe(ID, () => {
  it('the table names only syscalls some ABI has', () => {
    const known = knownSyscallNames();
    for (const g of EQUIVALENT_SYSCALLS) for (const n of [...g.peers, ...(g.also ?? [])].flatMap((e) => e.split('+'))) expect(known.has(n), n).toBe(true);
  });

  it.each([
    {
      name: 'execve denied, execveat open',
      subject: () => denyList(['execve']),
      found: ['`execve` is denied on x86_64, but `execveat` does the same job (run a program) and is allowed'],
      witness: 'execveat(0, 0, 0, 0, 0) on x86_64 → ALLOW, but execve(0, 0, 0) on x86_64 → ERRNO(1)',
      pointer: '/syscalls/0/names/0',
    },
    {
      name: 'open denied: openat, creat and (also) openat2 open',
      subject: () => denyList(['open']),
      found: ['`open` is denied on x86_64, but `openat`, `creat` and `openat2` do the same job (open or create a file) and are allowed'],
      witness: 'openat(0, 0, 0, 0) on x86_64 → ALLOW, but open(0, 0, 0) on x86_64 → ERRNO(1)',
      pointer: '/syscalls/0/names/0',
    },
    {
      name: 'mount denied: the new mount API as sequences',
      subject: () => denyList(['mount']),
      found: ['`mount` is denied on x86_64, but `fsopen` + `fsconfig` + `fsmount` + `move_mount` and `open_tree` + `move_mount` do the same job (mount a filesystem) and are allowed'],
      witness: 'fsopen(0, 0) on x86_64 → ALLOW, but mount(0, 0, 0, 0, 0) on x86_64 → ERRNO(1)',
      pointer: '/syscalls/0/names/0',
    },
    {
      name: 'i386 (runc adds x86_64): setuid denied, setuid32 open; unlinkat in two groups is one finding',
      subject: () => denyList(['setuid', 'unlinkat'], ['SCMP_ARCH_X86']),
      found: [
        '`setuid` is denied on x86_64, x86, but `setreuid`, `setresuid`, `setuid32`, `setreuid32` and `setresuid32` do the same job (change user ids)',
        '`unlinkat` is denied on x86_64, x86, but `unlink` does the same job (remove a file)',
      ],
      witness: 'setreuid(0, 0) on x86_64 → ALLOW, but setuid(0) on x86_64 → ERRNO(1)',
      pointer: '/syscalls/0/names/0',
    },
    {
      name: 'an explicit deny inside an allow list',
      subject: () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write', 'clone'], action: 'SCMP_ACT_ALLOW' }, { names: ['fork', 'vfork'], action: 'SCMP_ACT_KILL_PROCESS' }] }),
      found: ['`fork` is denied on x86_64, but `clone` does the same job (create a process)', '`vfork` is denied on x86_64, but `clone`'],
      witness: 'clone(0, 0, 0, 0, 0) on x86_64 → ALLOW, but fork() on x86_64 → KILL_PROCESS',
      pointer: '/syscalls/1/names/0',
    },
    {
      name: 'a raw deny list',
      subject: () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njge #0x40000000, kill, a\na: jeq #62, deny, allow\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS'),
      found: ['`kill` is denied on x86_64, but `tkill`, `tgkill`, `rt_sigqueueinfo`, `rt_tgsigqueueinfo` and `pidfd_send_signal` do the same job (send a signal)'],
      witness: 'tkill(0, 0) on x86_64 → ALLOW, but kill(0, 0) on x86_64 → ERRNO(1)',
      pointer: undefined,
    },
  ])('$name', ({ subject, found, witness, pointer }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => f.message.slice(0, found[findings.indexOf(f)]?.length ?? 0))).toEqual(found);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.witness?.text).toBe(witness);
    expect(findings[0]!.location?.kind === 'text' ? findings[0]!.location.pointer : undefined).toBe(pointer);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it.each([
    ['Docker\'s newest default', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['the Docker 23/24-era default', () => realProfile('docker24')],
    ['an allow list that leaves readv and open out', () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'openat', 'execve'], action: 'SCMP_ACT_ALLOW' }] })],
    ['both entry points denied', () => denyList(['execve', 'execveat'])],
    ['clone3 denied with ENOSYS, clone allowed (the usual pattern)', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] })],
    ['the equivalent allowed only for some arguments', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['fork', 'vfork'], action: 'SCMP_ACT_ERRNO' }, { names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0x10000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO' }] })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject()).map((f) => f.message)).toEqual([]);
  });
});
