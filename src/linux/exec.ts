// SPDX-License-Identifier: Apache-2.0
// Node-only: replace this process by a command, confined by a seccomp filter — what `syscage
// run` does, in the order runc's init does it (libcontainer/init_linux.go: no_new_privs, then
// the filter, then execve): prctl(PR_SET_NO_NEW_PRIVS) unless skipped, seccomp(2)
// SECCOMP_SET_MODE_FILTER with the profile's flags, execve(2). Nothing of the command runs
// before the filter is in place, and nothing runs at all when a step fails (fail closed: the
// caller gets the step and errno back and must exit).
//
// Node leaves traces an exec'd program would inherit, undone here just before execve:
//   - stdio: Node marks fds 0-2 close-on-exec (the program would find them closed) and libuv
//     may set O_NONBLOCK on pipes; both are cleared (fcntl F_SETFD / F_SETFL).
//   - signals: Node starts with SIGPIPE and SIGXFSZ ignored, and ignored dispositions survive
//     execve (signal(7)); both are reset to SIG_DFL, as a shell would start the program. (A
//     caller who meant to ignore them, like `nohup` for SIGHUP, cannot be told apart for these
//     two: Node overwrote them.) Handlers are reset by execve itself; the mask is left as is.
// The filter is installed on the calling (main) thread only: execve ends every other thread.

import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { installFilter, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV } from './seccomp.js';

/** SECCOMP_FILTER_FLAG_* names (include/uapi/linux/seccomp.h) a profile's `flags` may give. */
export const FILTER_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

export type Found = { readonly path: string } | { readonly status: 126 | 127; readonly reason: string };

/** The file execve would run for `command`, looked up in `PATH` as execvp(3) does; 127/126 as a shell answers. */
export function findCommand(command: string, path: string | undefined): Found {
  const candidates = command.includes('/') ? [command] : (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).map((d) => join(d === '' ? '.' : d, command));
  let denied: string | undefined;
  for (const c of candidates) {
    let file: ReturnType<typeof statSync> | undefined;
    try { file = statSync(c); } catch { continue; }
    if (!file.isFile()) { denied ??= `${c} is not a regular file`; continue; }
    try {
      accessSync(c, constants.X_OK);
      return { path: isAbsolute(c) ? c : join(process.cwd(), c) };
    } catch {
      denied ??= `${c} is not executable`;
    }
  }
  if (denied) return { status: 126, reason: denied };
  return { status: 127, reason: command.includes('/') ? `${command}: no such file` : `${command}: not found in PATH` };
}

export interface ExecRequest {
  readonly path: string;
  /** argv, argv[0] included. */
  readonly argv: readonly string[];
  /** NAME=value strings. */
  readonly env: readonly string[];
  /** The filter, as sock_filter bytes in the host's byte order, validated by the caller. */
  readonly filter: Uint8Array;
  readonly flags: number;
  /** prctl(PR_SET_NO_NEW_PRIVS, 1) first (the kernel requires it without CAP_SYS_ADMIN). */
  readonly noNewPrivs: boolean;
}

/** Why the command did not start: the failing step and its errno. Returned only on failure. */
export interface ExecFailure {
  readonly step: 'prepare' | 'no_new_privs' | 'seccomp' | 'execve';
  readonly errno: number;
  readonly detail?: string;
}

interface ExecBindings {
  execve(path: string, argv: Array<string | null>, envp: Array<string | null>): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  signal(sig: number, handler: null): unknown;
  errno(): number;
}

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;

/** This platform's signal numbers (SIGXFSZ is 25 on x86 and arm, 31 on mips). */
const signals = osConstants.signals;

let bindings: ExecBindings | undefined;

function bind(): ExecBindings {
  if (bindings) return bindings;
  const koffi = createRequire(import.meta.url)('koffi') as { load(p: string): { func(d: string): (...a: unknown[]) => unknown }; errno(): number };
  const lib = koffi.load('libc.so.6');
  const execve = lib.func('int execve(const char *path, const char **argv, const char **envp)');
  const fcntl = lib.func('int fcntl(int, int, int)');
  const signal = lib.func('void *signal(int, void *)');
  bindings = {
    execve: (p, a, e) => execve(p, a, e) as number,
    fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg) as number,
    signal: (sig, h) => signal(sig, h),
    errno: () => koffi.errno(),
  };
  return bindings;
}

/** O_NONBLOCK on Linux's generic ABI (x86, arm, riscv…); alpha, mips, parisc and sparc differ. */
function nonblockFlag(): number {
  return ['mips', 'mipsel', 'mips64', 'mips64el'].includes(process.arch) ? 0x80 : 0o4000;
}

/**
 * Installs the filter and execs the command. On success this never returns (the process is the
 * command now); on failure it returns why, and the caller must exit without running anything.
 */
export function execConfined(req: ExecRequest): ExecFailure {
  let b: ExecBindings;
  try {
    b = bind();
  } catch (e) {
    return { step: 'prepare', errno: 0, detail: `cannot load koffi/libc.so.6: ${(e as Error).message}` };
  }
  // everything that allocates or may fail is done before the filter exists
  const argv = [...req.argv, null];
  const env = [...req.env, null];
  const nonblock = nonblockFlag();
  for (const fd of [0, 1, 2]) {
    const fdFlags = b.fcntl(fd, F_GETFD, 0);
    if (fdFlags >= 0 && (fdFlags & FD_CLOEXEC) !== 0 && b.fcntl(fd, F_SETFD, fdFlags & ~FD_CLOEXEC) < 0) return { step: 'prepare', errno: b.errno(), detail: `fcntl(${fd}, F_SETFD)` };
    const flFlags = b.fcntl(fd, F_GETFL, 0);
    if (flFlags >= 0 && (flFlags & nonblock) !== 0 && b.fcntl(fd, F_SETFL, flFlags & ~nonblock) < 0) return { step: 'prepare', errno: b.errno(), detail: `fcntl(${fd}, F_SETFL)` };
  }
  b.signal(signals.SIGPIPE, null);
  b.signal(signals.SIGXFSZ, null);
  const installed = installFilter(req.filter, req.flags, { noNewPrivs: req.noNewPrivs });
  if (!installed.ok) return { step: installed.step, errno: installed.errno };
  b.execve(req.path, argv, env);
  return { step: 'execve', errno: b.errno() };
}
