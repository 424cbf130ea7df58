// SPDX-License-Identifier: Apache-2.0
// Node-only: installs a seccomp filter on the calling thread (the JS main thread) of this
// process, with prctl(PR_SET_NO_NEW_PRIVS) + seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog).
//
// `installFilter` VALIDATES NOTHING: it hands the bytes to the kernel as they are, because the
// differential tests must give the kernel invalid programs and read its EINVAL. Callers validate
// first. Production code uses `loadValidated`, which runs `validate` and refuses a program the
// kernel would refuse, before the kernel sees it.
//
// A filter can never be removed: call these only in a process (a child) that is meant to run
// under the filter from now on.

import { endianness } from 'node:os';
import { encode } from '../bpf/encode.js';
import type { Instruction } from '../bpf/instruction.js';
import { validate } from '../bpf/validate.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hostSyscallNumber, libc } from './ffi.js';

export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_SET_DUMPABLE = 4;
export const SECCOMP_SET_MODE_FILTER = 1;
/** seccomp(2) flags (include/uapi/linux/seccomp.h). */
export const SECCOMP_FILTER_FLAG_TSYNC = 1;
export const SECCOMP_FILTER_FLAG_LOG = 2;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;
export const SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 32;

export type InstallResult = { readonly ok: true } | { readonly ok: false; readonly errno: number; readonly step: 'no_new_privs' | 'seccomp' };

export interface InstallOptions {
  /** prctl(PR_SET_NO_NEW_PRIVS, 1) first (default true; without it the kernel wants CAP_SYS_ADMIN). */
  readonly noNewPrivs?: boolean;
}

let seccompNr: number | undefined;

function seccompSyscall(): number {
  if (seccompNr === undefined) {
    const nr = hostSyscallNumber('seccomp');
    if (nr === undefined) throw new Error(`seccomp(2) has no number on ${process.arch}`);
    seccompNr = nr;
  }
  return seccompNr;
}

/** prctl(PR_SET_NO_NEW_PRIVS, 1): needed to load a filter without CAP_SYS_ADMIN; cannot be undone. */
export function setNoNewPrivs(): InstallResult {
  const r = libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return r.value === 0n ? { ok: true } : { ok: false, errno: r.errno, step: 'no_new_privs' };
}

/**
 * Installs raw sock_filter bytes (host byte order) as a seccomp filter. No validation: callers
 * validate first (see the header). The instruction count is bytes.length / 8; a length that is
 * not a multiple of 8 or does not fit sock_fprog.len (16 bits) is a caller bug and throws.
 */
export function installFilter(bytes: Uint8Array, flags = 0, options: InstallOptions = {}): InstallResult {
  if (bytes.length % 8 !== 0 || bytes.length / 8 > 0xffff) {
    throw new RangeError(`installFilter: ${bytes.length} bytes are not a sock_filter array sock_fprog can describe`);
  }
  if (options.noNewPrivs ?? true) {
    const nnp = setNoNewPrivs();
    if (!nnp.ok) return nnp;
  }
  const r = libc().seccomp(seccompSyscall(), SECCOMP_SET_MODE_FILTER, flags, bytes.length / 8, bytes.length === 0 ? null : bytes);
  // With SECCOMP_FILTER_FLAG_NEW_LISTENER a success returns a file descriptor, otherwise 0.
  return r.value >= 0n ? { ok: true } : { ok: false, errno: r.errno, step: 'seccomp' };
}

export type LoadResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'invalid'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly reason: 'kernel'; readonly errno: number };

/**
 * What production code calls: validates `program` as the kernel would and installs it only
 * when it is valid. Fails closed: on any failure nothing is installed and the caller must not
 * run what the filter was meant to confine.
 */
export function loadValidated(program: readonly Instruction[], flags = 0): LoadResult {
  const checked = validate(program);
  if (!checked.value) return { ok: false, reason: 'invalid', diagnostics: checked.diagnostics };
  const r = installFilter(encode(checked.value, endianness() === 'LE' ? 'little' : 'big'), flags);
  return r.ok ? r : { ok: false, reason: 'kernel', errno: r.errno };
}
