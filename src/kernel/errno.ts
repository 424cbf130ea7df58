// SPDX-License-Identifier: Apache-2.0
// Errno names ↔ numbers per Linux ABI. The number a filter's SECCOMP_RET_ERRNO carries is the
// one the task's ABI defines, and Podman profiles name errnos (`"errno": "ENOSYS"`), so a name
// resolves per ABI (libseccomp-behaviour.md trap 10.12): ENOSYS is 38 on most, 89 on mips, 251
// on parisc.
//
// Provenance (read from the kernel headers, torvalds/linux):
//   generic: include/uapi/asm-generic/errno-base.h (1..34, shared by every ABI) and
//            include/uapi/asm-generic/errno.h — x86, x86_64, x32, arm, aarch64, loongarch64,
//            m68k, riscv64, s390, s390x, sh, sheb use them unchanged;
//   powerpc: arch/powerpc/include/uapi/asm/errno.h = generic with EDEADLOCK redefined to 58;
//   mips:    arch/mips/include/uapi/asm/errno.h (o32, n64 and n32 alike);
//   parisc:  arch/parisc/include/uapi/asm/errno.h (EWOULDBLOCK = EAGAIN, as in current kernels).
// alpha and sparc have their own numbering too, but they are not ABIs libseccomp supports.
// Aliases the headers define with `#define EX EY` (EWOULDBLOCK, EDEADLOCK where it equals
// EDEADLK, parisc's ECANCELLED/EREFUSED) are rows of their own after the primary names; ENOTSUP
// is not in the kernel headers except on parisc: glibc and Go's x/sys/unix define it as
// EOPNOTSUPP elsewhere, and Podman's errno list accepts it, so it is listed the same way.

import type { Arch } from '../arch/arch.js';

type Family = 'generic' | 'powerpc' | 'mips' | 'parisc';

/** [name, generic, mips, parisc, powerpc (only where it differs from generic)]; `_` = not defined there. */
type Row = readonly [string, number | null, number | null, number | null, number?];
const _ = null;

// prettier-ignore
const ERRNO_TABLE: readonly Row[] = [
  ['EPERM', 1, 1, 1], ['ENOENT', 2, 2, 2], ['ESRCH', 3, 3, 3], ['EINTR', 4, 4, 4], ['EIO', 5, 5, 5],
  ['ENXIO', 6, 6, 6], ['E2BIG', 7, 7, 7], ['ENOEXEC', 8, 8, 8], ['EBADF', 9, 9, 9], ['ECHILD', 10, 10, 10],
  ['EAGAIN', 11, 11, 11], ['ENOMEM', 12, 12, 12], ['EACCES', 13, 13, 13], ['EFAULT', 14, 14, 14],
  ['ENOTBLK', 15, 15, 15], ['EBUSY', 16, 16, 16], ['EEXIST', 17, 17, 17], ['EXDEV', 18, 18, 18],
  ['ENODEV', 19, 19, 19], ['ENOTDIR', 20, 20, 20], ['EISDIR', 21, 21, 21], ['EINVAL', 22, 22, 22],
  ['ENFILE', 23, 23, 23], ['EMFILE', 24, 24, 24], ['ENOTTY', 25, 25, 25], ['ETXTBSY', 26, 26, 26],
  ['EFBIG', 27, 27, 27], ['ENOSPC', 28, 28, 28], ['ESPIPE', 29, 29, 29], ['EROFS', 30, 30, 30],
  ['EMLINK', 31, 31, 31], ['EPIPE', 32, 32, 32], ['EDOM', 33, 33, 33], ['ERANGE', 34, 34, 34],
  ['EDEADLK', 35, 45, 45], ['ENAMETOOLONG', 36, 78, 248], ['ENOLCK', 37, 46, 46], ['ENOSYS', 38, 89, 251],
  ['ENOTEMPTY', 39, 93, 247], ['ELOOP', 40, 90, 249], ['ENOMSG', 42, 35, 35], ['EIDRM', 43, 36, 36],
  ['ECHRNG', 44, 37, 37], ['EL2NSYNC', 45, 38, 38], ['EL3HLT', 46, 39, 39], ['EL3RST', 47, 40, 40],
  ['ELNRNG', 48, 41, 41], ['EUNATCH', 49, 42, 42], ['ENOCSI', 50, 43, 43], ['EL2HLT', 51, 44, 44],
  ['EBADE', 52, 50, 160], ['EBADR', 53, 51, 161], ['EXFULL', 54, 52, 162], ['ENOANO', 55, 53, 163],
  ['EBADRQC', 56, 54, 164], ['EBADSLT', 57, 55, 165], ['EBFONT', 59, 59, 166], ['ENOSTR', 60, 60, 54],
  ['ENODATA', 61, 61, 51], ['ETIME', 62, 62, 52], ['ENOSR', 63, 63, 53], ['ENONET', 64, 64, 50],
  ['ENOPKG', 65, 65, 55], ['EREMOTE', 66, 66, 71], ['ENOLINK', 67, 67, 57], ['EADV', 68, 68, 58],
  ['ESRMNT', 69, 69, 59], ['ECOMM', 70, 70, 60], ['EPROTO', 71, 71, 61], ['EMULTIHOP', 72, 74, 64],
  ['EDOTDOT', 73, 73, 66], ['EBADMSG', 74, 77, 67], ['EOVERFLOW', 75, 79, 72], ['ENOTUNIQ', 76, 80, 167],
  ['EBADFD', 77, 81, 168], ['EREMCHG', 78, 82, 169], ['ELIBACC', 79, 83, 170], ['ELIBBAD', 80, 84, 171],
  ['ELIBSCN', 81, 85, 172], ['ELIBMAX', 82, 86, 173], ['ELIBEXEC', 83, 87, 174], ['EILSEQ', 84, 88, 47],
  ['ERESTART', 85, 91, 175], ['ESTRPIPE', 86, 92, 176], ['EUSERS', 87, 94, 68], ['ENOTSOCK', 88, 95, 216],
  ['EDESTADDRREQ', 89, 96, 217], ['EMSGSIZE', 90, 97, 218], ['EPROTOTYPE', 91, 98, 219],
  ['ENOPROTOOPT', 92, 99, 220], ['EPROTONOSUPPORT', 93, 120, 221], ['ESOCKTNOSUPPORT', 94, 121, 222],
  ['EOPNOTSUPP', 95, 122, 223], ['EPFNOSUPPORT', 96, 123, 224], ['EAFNOSUPPORT', 97, 124, 225],
  ['EADDRINUSE', 98, 125, 226], ['EADDRNOTAVAIL', 99, 126, 227], ['ENETDOWN', 100, 127, 228],
  ['ENETUNREACH', 101, 128, 229], ['ENETRESET', 102, 129, 230], ['ECONNABORTED', 103, 130, 231],
  ['ECONNRESET', 104, 131, 232], ['ENOBUFS', 105, 132, 233], ['EISCONN', 106, 133, 234],
  ['ENOTCONN', 107, 134, 235], ['ESHUTDOWN', 108, 143, 236], ['ETOOMANYREFS', 109, 144, 237],
  ['ETIMEDOUT', 110, 145, 238], ['ECONNREFUSED', 111, 146, 239], ['EHOSTDOWN', 112, 147, 241],
  ['EHOSTUNREACH', 113, 148, 242], ['EALREADY', 114, 149, 244], ['EINPROGRESS', 115, 150, 245],
  ['ESTALE', 116, 151, 70], ['EUCLEAN', 117, 135, 177], ['ENOTNAM', 118, 137, 178], ['ENAVAIL', 119, 138, 179],
  ['EISNAM', 120, 139, 180], ['EREMOTEIO', 121, 140, 181], ['EDQUOT', 122, 1133, 69],
  ['ENOMEDIUM', 123, 159, 182], ['EMEDIUMTYPE', 124, 160, 183], ['ECANCELED', 125, 158, 253],
  ['ENOKEY', 126, 161, 184], ['EKEYEXPIRED', 127, 162, 185], ['EKEYREVOKED', 128, 163, 186],
  ['EKEYREJECTED', 129, 164, 187], ['EOWNERDEAD', 130, 165, 254], ['ENOTRECOVERABLE', 131, 166, 255],
  ['ERFKILL', 132, 167, 256], ['EHWPOISON', 133, 168, 257],
  // ABI-only names
  ['EINIT', _, 141, _], ['EREMDEV', _, 142, _],
  ['ENOSYM', _, _, 215], ['EREMOTERELEASE', _, _, 240], ['ENOTSUP', 95, 122, 252],
  // aliases (errnoName never returns these where a primary name has the same number)
  ['EWOULDBLOCK', 11, 11, 11], ['EDEADLOCK', 35, 56, 45, 58], ['ECANCELLED', _, _, 253], ['EREFUSED', _, _, 239],
];

/** Which errno numbering each ABI uses, by libseccomp arch name (errno.test.ts checks every ABI is listed). */
const FAMILY: Readonly<Record<string, Family>> = {
  x86: 'generic', x86_64: 'generic', x32: 'generic', arm: 'generic', aarch64: 'generic',
  loongarch64: 'generic', m68k: 'generic', riscv64: 'generic', s390: 'generic', s390x: 'generic',
  sh: 'generic', sheb: 'generic',
  ppc: 'powerpc', ppc64: 'powerpc', ppc64le: 'powerpc',
  mips: 'mips', mipsel: 'mips', mips64: 'mips', mipsel64: 'mips', mips64n32: 'mips', mipsel64n32: 'mips',
  parisc: 'parisc', parisc64: 'parisc',
};

function numberIn(row: Row, family: Family): number | undefined {
  const [, generic, mips, parisc, powerpc] = row;
  const n = family === 'mips' ? mips : family === 'parisc' ? parisc : family === 'powerpc' ? (powerpc ?? generic) : generic;
  return n ?? undefined;
}

interface Maps {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, string>;
}

const cache = new Map<Family, Maps>();

function maps(family: Family): Maps {
  let m = cache.get(family);
  if (m === undefined) {
    const byName = new Map<string, number>();
    const byNumber = new Map<number, string>();
    for (const row of ERRNO_TABLE) {
      const n = numberIn(row, family);
      if (n === undefined) continue;
      byName.set(row[0], n);
      if (!byNumber.has(n)) byNumber.set(n, row[0]);
    }
    m = { byName, byNumber };
    cache.set(family, m);
  }
  return m;
}

/** The errno numbering `arch` uses; undefined for an ABI this table does not know. */
export function errnoFamily(arch: Arch): Family | undefined {
  return FAMILY[arch.name];
}

/** The number of errno `name` (`ENOSYS`, exact upper case) on `arch`; undefined when the ABI has no such errno. */
export function errnoNumber(arch: Arch, name: string): number | undefined {
  const family = errnoFamily(arch);
  return family === undefined ? undefined : maps(family).byName.get(name);
}

/** The name of errno `n` on `arch` (the primary name where aliases share a number); undefined when none. */
export function errnoName(arch: Arch, n: number): string | undefined {
  const family = errnoFamily(arch);
  return family === undefined ? undefined : maps(family).byNumber.get(n);
}

/** Every errno name defined on at least one ABI, in table order. */
export function errnoNames(): readonly string[] {
  return ERRNO_TABLE.map((r) => r[0]);
}
