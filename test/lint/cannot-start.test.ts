// SPDX-License-Identifier: Apache-2.0
// cannot-start (SC4012): default-deny filters without what a container needs to start.

import { describe, expect, it } from 'vitest';
import { STARTUP_SYSCALLS } from '../../src/kernel/startup-syscalls.js';
import { realProfile } from './coverage-fixtures.js';
import { filterSubject, findingsOf, profileSubject, witnessesHold } from './subjects.js';

const ID = 'cannot-start';
/** Everything the table asks for on x86_64, one name per row. */
const STARTS = ['execve', 'brk', 'mmap', 'mprotect', 'openat', 'read', 'pread64', 'newfstatat', 'close', 'munmap', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'getrandom', 'access', 'rt_sigaction', 'rt_sigprocmask', 'exit_group', 'write'];
const profile = (defaultAction: string, names: readonly string[], host = 'x86_64') =>
  profileSubject({ defaultAction, architectures: [host === 'x86_64' ? 'SCMP_ARCH_X86_64' : 'SCMP_ARCH_AARCH64'], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] }, { host });

describe(ID, () => {
  it('the table: every row says why, essential rows first of all execve', () => {
    expect(STARTUP_SYSCALLS[0]).toMatchObject({ names: ['execve'], need: 'essential' });
    for (const row of STARTUP_SYSCALLS) expect(row.why.length).toBeGreaterThan(20);
  });

  it.each([
    {
      name: 'execve left out',
      subject: () => profile('SCMP_ACT_ERRNO', STARTS.filter((n) => n !== 'execve')),
      found: [['`execve` is refused on x86_64 (ERRNO(1)): the runtime\'s last call', 'error', '/defaultAction']],
    },
    {
      name: 'no stat call at all: every alternative listed',
      subject: () => profile('SCMP_ACT_ERRNO', STARTS.filter((n) => n !== 'newfstatat')),
      found: [['`newfstatat`, `fstat` and `statx` are refused on x86_64 (ERRNO(1))', 'error', '/defaultAction']],
    },
    {
      name: 'an explicit deny of mprotect points at the rule',
      subject: () => profileSubject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: STARTS.filter((n) => n !== 'mprotect'), action: 'SCMP_ACT_ALLOW' }, { names: ['mprotect'], action: 'SCMP_ACT_KILL_PROCESS' }] }),
      found: [['`mprotect` is refused on x86_64 (KILL_PROCESS)', 'error', '/syscalls/1/names/0']],
    },
    {
      name: 'rseq killed: tolerated as an errno, not as a kill',
      subject: () => profile('SCMP_ACT_KILL_PROCESS', [...STARTS.filter((n) => n !== 'rseq'), 'faccessat2']),
      found: [['`rseq` is answered with KILL_PROCESS on x86_64: glibc ≥ 2.35 registers restartable sequences', 'error', '/defaultAction']],
    },
    {
      name: 'aarch64: no arch_prctl needed, no open to fall back on',
      subject: () => profile('SCMP_ACT_ERRNO', STARTS.filter((n) => n !== 'openat' && n !== 'arch_prctl' && n !== 'access'), 'aarch64'),
      found: [['`openat` is refused on aarch64', 'error', '/defaultAction']],
    },
    {
      name: 'a raw allow list: a warning (it may be loaded after start-up)',
      subject: () => filterSubject('ld [4]\njeq #0xc000003e, nr, kill\nnr: ld [0]\njeq #0, allow, a\na: jeq #1, allow, b\nb: jeq #231, allow, deny\nallow: ret ALLOW\ndeny: ret ERRNO(1)\nkill: ret KILL_PROCESS'),
      found: [
        ['`execve` is refused on x86_64 (ERRNO(1))', 'warning', undefined],
        ['`mmap` is refused', 'warning', undefined],
        ['`mprotect` is refused', 'warning', undefined],
        ['`openat` and `open` are refused', 'warning', undefined],
        ['`pread64` is refused', 'warning', undefined],
        ['`newfstatat`, `fstat` and `statx` are refused', 'warning', undefined],
        ['`arch_prctl` is refused', 'warning', undefined],
        ['`rt_sigaction` is refused', 'warning', undefined],
      ],
    },
  ])('$name', ({ subject, found }) => {
    const s = subject();
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => [f.severity, f.location?.kind === 'text' ? f.location.pointer : undefined])).toEqual(found.map(([, sev, ptr]) => [sev, ptr]));
    findings.forEach((f, i) => expect(f.message).toContain(found[i]![0]));
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it('the witness is the refused call, the fix names it', () => {
    const [f] = findingsOf(ID, profile('SCMP_ACT_ERRNO', STARTS.filter((n) => n !== 'execve')));
    expect(f!.witness).toMatchObject({ syscall: 'execve', nr: 59, text: 'execve(0, 0, 0) on x86_64 → ERRNO(1)' });
    expect(f!.fix).toBe('allow `execve`');
  });

  it.each([
    ['Docker\'s newest default', () => realProfile('docker')],
    ['Podman\'s default', () => realProfile('podman')],
    ['the Docker 23/24-era default', () => realProfile('docker24')],
    ['the table\'s floor', () => profile('SCMP_ACT_ERRNO', STARTS)],
    ['tolerated calls refused with an errno (brk, rseq, getrandom…)', () => profile('SCMP_ACT_ERRNO', STARTS.filter((n) => !['brk', 'rseq', 'getrandom', 'close', 'set_robust_list'].includes(n)))],
    ['a default-allow profile', () => profileSubject({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }] })],
  ])('clean: %s', (_name, subject) => {
    expect(findingsOf(ID, subject())).toEqual([]);
  });
});
