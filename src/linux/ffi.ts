// SPDX-License-Identifier: Apache-2.0
// Node-only: koffi bindings to the few libc functions syscage calls on the running kernel.
// Loaded lazily on first use, so importing this module costs nothing on a machine without
// koffi or outside Linux; `libc()` throws there (callers that can live without the kernel ask
// `libcAvailable()` first).
//
// The functions are declared with fixed argument lists although glibc declares prctl(2) and
// syscall(2) variadic: on the Linux ABIs Node runs on (x86_64, aarch64, arm, ppc64, s390x,
// riscv64, loongarch64) integer arguments of a variadic call travel exactly like fixed ones,
// and a fixed declaration is what makes koffi's fast call path usable (thousands of calls per
// test run). Every call runs on the JS main thread, so a filter installed through these
// bindings applies to the main thread only (no TSYNC).

import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { archByName, syscallNumber, type Arch } from '../arch/index.js';

type Int = number | bigint;

/** What a libc call returned, with the errno it left (meaningful when the call reports failure). */
export interface CallResult {
  /** The C return value (`long` / `int`). */
  readonly value: bigint;
  readonly errno: number;
}

export interface Libc {
  prctl(option: number, arg2?: Int, arg3?: Int, arg4?: Int, arg5?: Int): CallResult;
  /** syscall(2) with six 64-bit arguments (missing ones are 0; values are wrapped to 64 bits). */
  syscall(nr: Int, args?: readonly Int[]): CallResult;
  /**
   * seccomp(2) with a `struct sock_fprog { unsigned short len; struct sock_filter *filter; }`
   * built from `len` and `filter` (len is not derived from the bytes, so callers can lie to
   * the kernel on purpose; it must fit in 16 bits).
   */
  seccomp(nr: number, operation: number, flags: number, len: number, filter: Uint8Array | null): CallResult;
}

interface Koffi {
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
  struct(name: string, def: Record<string, string>): unknown;
  errno(): number;
}

let cached: Libc | undefined;
let loadError: unknown;

function toBig(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

/** A 64-bit value as koffi's int64_t wants it: two's complement, bigint only when needed. */
function i64(v: Int): number | bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return BigInt.asIntN(64, BigInt(v));
}

function bind(): Libc {
  // createRequire: koffi is CommonJS with a native addon; a static import would make every
  // consumer of this module (and any bundle of it) load the addon at import time.
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const lib = koffi.load('libc.so.6');
  const prctl = lib.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
  const syscall = lib.func('long syscall(long, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t)');
  koffi.struct('syscage_sock_fprog', { len: 'uint16_t', filter: 'void *' });
  const seccomp = lib.func('long syscall(long, unsigned int, unsigned int, syscage_sock_fprog *)');
  const result = (value: unknown): CallResult => ({ value: toBig(value), errno: koffi.errno() });
  return {
    prctl(option, a2 = 0, a3 = 0, a4 = 0, a5 = 0) {
      return result(prctl(option, toBig(a2), toBig(a3), toBig(a4), toBig(a5)));
    },
    syscall(nr, args = []) {
      const a = [0, 1, 2, 3, 4, 5].map((i) => i64(args[i] ?? 0));
      return result(syscall(i64(nr), a[0], a[1], a[2], a[3], a[4], a[5]));
    },
    seccomp(nr, operation, flags, len, filter) {
      if (!Number.isInteger(len) || len < 0 || len > 0xffff) throw new RangeError(`sock_fprog.len ${len} does not fit in 16 bits`);
      return result(seccomp(nr, operation >>> 0, flags >>> 0, { len, filter }));
    },
  };
}

/** The libc bindings; throws when koffi or libc.so.6 cannot be loaded (not Linux, no koffi). */
export function libc(): Libc {
  if (cached) return cached;
  if (loadError !== undefined) throw loadError;
  try {
    cached = bind();
    return cached;
  } catch (e) {
    loadError = e;
    throw e;
  }
}

/** Why libc() cannot work here, or undefined when it can. */
export function libcUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (process.platform = ${process.platform})`;
  try {
    libc();
    return undefined;
  } catch (e) {
    return `cannot load koffi/libc.so.6: ${(e as Error).message}`;
  }
}

/** The ABI this process runs as (Node's process.arch, told apart by byte order where needed). */
export function hostArch(): Arch | undefined {
  const le = endianness() === 'LE';
  const name: string = process.arch === 'ppc64' && le ? 'ppc64le' : process.arch;
  return archByName(name);
}

/** The host's number for a syscall, from the arch tables; undefined when unknown. */
export function hostSyscallNumber(name: string): number | undefined {
  const arch = hostArch();
  return arch ? syscallNumber(arch, name) : undefined;
}
