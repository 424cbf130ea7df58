// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { ARCHES, archByName } from '../arch/index.js';
import { errnoFamily, errnoName, errnoNames, errnoNumber } from './errno.js';

const arch = (name: string) => archByName(name)!;

// Names containers/common accepts for `errno` / `defaultErrno` (common/pkg/seccomp/errno_list.go, 82 names).
const PODMAN_NAMES = `EPERM ENOENT ESRCH EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EDEADLK ENOMEM EACCES EFAULT ENOTBLK EBUSY
EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM
ERANGE EAGAIN EINPROGRESS EALREADY ENOTSOCK EDESTADDRREQ EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT
ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET
ECONNABORTED ECONNRESET ENOBUFS EISCONN ENOTCONN ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED ELOOP ENAMETOOLONG
EHOSTDOWN EHOSTUNREACH ENOTEMPTY EUSERS EDQUOT ESTALE EREMOTE ENOLCK ENOSYS EILSEQ ENOMEDIUM EMEDIUMTYPE EOVERFLOW
ECANCELED EIDRM ENOMSG ENOTSUP EBADMSG ENOTRECOVERABLE EOWNERDEAD`.split(/\s+/);

describe('errno', () => {
  it('knows the errno numbering of every ABI', () => {
    for (const a of ARCHES) expect(errnoFamily(a), a.name).toBeDefined();
  });

  it.each([
    ['x86_64', 'ENOSYS', 38], ['aarch64', 'ENOSYS', 38], ['s390x', 'ENOSYS', 38], ['ppc64le', 'ENOSYS', 38],
    ['mips', 'ENOSYS', 89], ['mipsel64n32', 'ENOSYS', 89], ['parisc', 'ENOSYS', 251], ['parisc64', 'ENOSYS', 251],
    ['x86_64', 'EPERM', 1], ['mips64', 'EPERM', 1], ['parisc', 'EPERM', 1],
    ['x86_64', 'EDEADLOCK', 35], ['ppc64', 'EDEADLOCK', 58], ['mips', 'EDEADLOCK', 56], ['parisc', 'EDEADLOCK', 45],
    ['x86_64', 'EWOULDBLOCK', 11], ['parisc', 'EWOULDBLOCK', 11], ['mips', 'EDQUOT', 1133], ['parisc', 'EDQUOT', 69],
    ['x86_64', 'ENOTSUP', 95], ['mips', 'ENOTSUP', 122], ['parisc', 'ENOTSUP', 252], ['x86_64', 'EHWPOISON', 133],
  ] as const)('%s %s = %d', (a, name, n) => {
    expect(errnoNumber(arch(a), name)).toBe(n);
  });

  it('has no number for names an ABI does not define, nor for other spellings', () => {
    expect(errnoNumber(arch('x86_64'), 'ENOSYM')).toBeUndefined();
    expect(errnoNumber(arch('parisc'), 'EINIT')).toBeUndefined();
    expect(errnoNumber(arch('x86_64'), 'enosys')).toBeUndefined();
    expect(errnoNumber(arch('x86_64'), 'ENOPE')).toBeUndefined();
  });

  it('names numbers by their primary name, per ABI', () => {
    expect(errnoName(arch('x86_64'), 38)).toBe('ENOSYS');
    expect(errnoName(arch('mips'), 38)).toBe('EL2NSYNC');
    expect(errnoName(arch('mips'), 89)).toBe('ENOSYS');
    expect(errnoName(arch('parisc'), 251)).toBe('ENOSYS');
    expect(errnoName(arch('x86_64'), 11)).toBe('EAGAIN');
    expect(errnoName(arch('x86_64'), 35)).toBe('EDEADLK');
    expect(errnoName(arch('x86_64'), 95)).toBe('EOPNOTSUPP');
    expect(errnoName(arch('ppc'), 58)).toBe('EDEADLOCK');
    expect(errnoName(arch('x86_64'), 58)).toBeUndefined();
    expect(errnoName(arch('x86_64'), 4095)).toBeUndefined();
  });

  it('gives each number one primary name per ABI, and round-trips them', () => {
    for (const a of ARCHES) {
      for (const name of errnoNames()) {
        const n = errnoNumber(a, name);
        if (n === undefined) continue;
        expect(errnoNumber(a, errnoName(a, n)!), `${a.name} ${name}`).toBe(n);
      }
    }
    expect(new Set(errnoNames()).size).toBe(errnoNames().length);
  });

  it('covers every name Podman accepts, on every ABI', () => {
    expect(PODMAN_NAMES).toHaveLength(82);
    for (const a of ARCHES) for (const name of PODMAN_NAMES) expect(errnoNumber(a, name), `${a.name} ${name}`).toBeDefined();
  });
});
