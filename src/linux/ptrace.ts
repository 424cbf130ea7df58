// SPDX-License-Identifier: Apache-2.0
// Node-only: reads the seccomp filters attached to another process with
// ptrace(PTRACE_SECCOMP_GET_FILTER) (include/uapi/linux/ptrace.h 0x420c; kernel/seccomp.c
// seccomp_get_filter()). The kernel hands back each filter's original classic-BPF program, as it
// was given to seccomp(2), in the host byte order.
//
// The sequence, which always ends in a detach once the seize worked:
//   ptrace(PTRACE_SEIZE, pid, 0, 0)          attach without stopping it (no signal is sent)
//   ptrace(PTRACE_INTERRUPT, pid, 0, 0)      ask for a ptrace-stop
//   waitpid(pid, &status, __WALL)            until it is stopped (polled, bounded)
//   ptrace(PTRACE_SECCOMP_GET_FILTER, pid, i, NULL)   → the instruction count of filter i
//   ptrace(PTRACE_SECCOMP_GET_FILTER, pid, i, buf)    → the instructions; ENOENT past the last.
//       i = 0 is the FIRST installed (oldest) filter: get_nth_filter() counts the chain and walks
//       back from the newest count - i - 1 steps. (ptrace(2) says index 0 is the most recent; the
//       code and this kernel say otherwise; test/linux/dump.test.ts checks it.)
//   ptrace(PTRACE_DETACH, pid, 0, 0)         it runs on as before
// What the kernel asks: the caller has CAP_SYS_ADMIN (in the initial user namespace) and is not
// itself under seccomp (EACCES otherwise), may ptrace the target (EPERM: Yama ptrace_scope, a
// different user, another tracer already), and the target is in filter mode (EINVAL).
//
// The waitpid is done here, synchronously: when the target is a child of this very process,
// libuv's SIGCHLD handler runs later on the same thread and finds nothing to reap (the stop was
// consumed, the child was detached and runs on). Only if the target dies meanwhile is its exit
// status consumed here, and then reported as `exited`.

import { createRequire } from 'node:module';
import { hostSyscallNumber } from './ffi.js';

export const PTRACE_DETACH = 17;
export const PTRACE_SEIZE = 0x4206;
export const PTRACE_INTERRUPT = 0x4207;
export const PTRACE_SECCOMP_GET_FILTER = 0x420c;
const WNOHANG = 1;
const WALL = 0x4000_0000;
const ESRCH = 3;
const EINTR = 4;
const ENOENT = 2;
const ECHILD = 10;
const SOCK_FILTER_SIZE = 8;
/** The kernel allows at most MAX_INSNS_PER_PATH / (1 + 4) filters (32768 / 5); a bound for the loop. */
const MAX_FILTERS = 6554;

export type PtraceStep = 'seize' | 'interrupt' | 'wait' | 'count' | 'read';

export type ReadFiltersResult =
  /** The kernel's order: `filters[0]` is the first installed (its index 0), the last the most recent. */
  | { readonly ok: true; readonly filters: readonly Uint8Array[] }
  | { readonly ok: false; readonly step: PtraceStep; readonly errno: number; readonly exited?: boolean };

interface Bindings {
  ptrace(request: number, pid: number, addr: bigint | number, data: Uint8Array | null): { value: number; errno: number };
  waitpid(pid: number, options: number): { value: number; errno: number; status: number };
}

let bound: Bindings | undefined;

function bind(): Bindings {
  if (bound) return bound;
  const koffi = createRequire(import.meta.url)('koffi') as {
    load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
    errno(): number;
  };
  const nr = hostSyscallNumber('ptrace');
  if (nr === undefined) throw new Error(`ptrace(2) has no number on ${process.arch}`);
  const lib = koffi.load('libc.so.6');
  // The raw syscall, not glibc's ptrace(): glibc treats PEEK requests specially; this one is plain.
  const sys = lib.func('long syscall(long, long, long, uint64_t, void *)');
  const wait = lib.func('int waitpid(int, void *, int)');
  const status = new Uint8Array(4);
  bound = {
    ptrace(request, pid, addr, data) {
      const value = Number(sys(nr, request, pid, BigInt(addr), data));
      return { value, errno: koffi.errno() };
    },
    waitpid(pid, options) {
      status.fill(0);
      const value = wait(pid, status, options) as number;
      return { value, errno: koffi.errno(), status: new DataView(status.buffer).getInt32(0, true) };
    },
  };
  return bound;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** Waits (polling, at most `timeoutMs`) for the seized task to report its ptrace-stop. */
function waitStopped(b: Bindings, pid: number, timeoutMs: number): { ok: true } | { ok: false; errno: number; exited: boolean } {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = b.waitpid(pid, WALL | WNOHANG);
    if (r.value === pid) {
      const st = r.status;
      if ((st & 0xff) === 0x7f) return { ok: true }; //        WIFSTOPPED
      return { ok: false, errno: ESRCH, exited: true }; //     WIFEXITED / WIFSIGNALED: it is gone
    }
    if (r.value < 0 && r.errno !== EINTR) return { ok: false, errno: r.errno === ECHILD ? ESRCH : r.errno, exited: false };
    if (Date.now() > end) return { ok: false, errno: 110 /* ETIMEDOUT */, exited: false };
    sleepMs(1);
  }
}

/**
 * Reads every seccomp filter of task `pid` (a thread id names one thread; a process id its main
 * thread). Synchronous; the target is stopped for the time of the reads only.
 */
export function readSeccompFilters(pid: number, options: { readonly timeoutMs?: number } = {}): ReadFiltersResult {
  const b = bind();
  const seize = b.ptrace(PTRACE_SEIZE, pid, 0, null);
  if (seize.value !== 0) return { ok: false, step: 'seize', errno: seize.errno };
  let result: ReadFiltersResult;
  let gone = false;
  try {
    result = readStopped(b, pid, options.timeoutMs ?? 5000);
    gone = !result.ok && result.exited === true;
  } finally {
    // Detach always (a stopped tracee must be let go); ESRCH when it died meanwhile.
    if (!gone) b.ptrace(PTRACE_DETACH, pid, 0, null);
  }
  return result;
}

function readStopped(b: Bindings, pid: number, timeoutMs: number): ReadFiltersResult {
  const intr = b.ptrace(PTRACE_INTERRUPT, pid, 0, null);
  if (intr.value !== 0) return { ok: false, step: 'interrupt', errno: intr.errno };
  const stopped = waitStopped(b, pid, timeoutMs);
  if (!stopped.ok) return { ok: false, step: 'wait', errno: stopped.errno, exited: stopped.exited };
  const filters: Uint8Array[] = [];
  for (let index = 0; index < MAX_FILTERS; index++) {
    const count = b.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, null);
    if (count.value < 0) {
      if (count.errno === ENOENT && index > 0) break; // past the most recent filter
      return { ok: false, step: 'count', errno: count.errno };
    }
    const buf = new Uint8Array(count.value * SOCK_FILTER_SIZE);
    const got = b.ptrace(PTRACE_SECCOMP_GET_FILTER, pid, index, buf.length === 0 ? null : buf);
    if (got.value < 0) return { ok: false, step: 'read', errno: got.errno };
    if (got.value !== count.value) return { ok: false, step: 'read', errno: 5 /* EIO: the filter changed size */ };
    filters.push(buf);
  }
  return { ok: true, filters };
}
