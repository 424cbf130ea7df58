// SPDX-License-Identifier: Apache-2.0
// The syscalls a container's process makes between the runtime loading the filter and the workload
// running its own code: runc's (and crun's) last call, then the dynamic loader and libc start-up of
// a glibc program (elf/rtld.c, elf/dl-load.c _dl_map_object_from_fd and open_verify,
// elf/dl-cache.c, sysdeps/x86_64/nptl/tls.h TLS_INIT_TP, sysdeps/nptl/dl-tls_init_tp.c
// __tls_init_tp, nptl/nptl-stack.c __pthread_early_init, malloc/malloc.c tcache_key_initialize,
// sysdeps/unix/sysv/linux/_exit.c), as `strace /bin/true` shows them on x86_64 with glibc 2.36.
// `essential`: the program does not start (or cannot exit) when the call fails. `tolerated`: glibc
// carries on when the call fails with an errno — but a filter that kills or traps on it ends the
// program all the same. Rows name alternatives (the program needs one of them); names an ABI does
// not have are skipped, and `abis` limits a row to the ABIs whose libc makes that call.

export type StartupNeed = 'essential' | 'tolerated';

export interface StartupCall {
  /** Alternatives, the one glibc uses first. */
  readonly names: readonly string[];
  readonly need: StartupNeed;
  readonly why: string;
  /** Only on these ABIs (libseccomp names); every ABI when absent. */
  readonly abis?: readonly string[];
}

export const STARTUP_SYSCALLS: readonly StartupCall[] = [
  { names: ['execve'], need: 'essential', why: 'the runtime\'s last call: runc and crun execve the workload after loading the filter' },
  { names: ['brk'], need: 'tolerated', why: 'ld.so reads the program break; malloc falls back to mmap when brk fails' },
  { names: ['mmap', 'mmap2'], need: 'essential', why: 'ld.so maps every shared library and its own data' },
  { names: ['mprotect'], need: 'essential', why: 'ld.so makes relocated data read-only (RELRO) and stops with "cannot apply additional memory protection after relocation" when it cannot' },
  { names: ['openat', 'open'], need: 'essential', why: 'ld.so opens /etc/ld.so.cache and every shared library' },
  { names: ['read'], need: 'essential', why: 'ld.so reads the ELF header of every shared library' },
  { names: ['pread64'], need: 'essential', why: 'ld.so reads program headers that do not fit in its first read (libc.so.6\'s do not) with pread64' },
  { names: ['newfstatat', 'fstat', 'fstatat64', 'fstat64', 'statx'], need: 'essential', why: 'ld.so stats every shared library it opens and gives up on the library when that fails' },
  { names: ['close'], need: 'tolerated', why: 'ld.so closes each library after mapping it and ignores a failure (the descriptor stays open)' },
  { names: ['munmap'], need: 'tolerated', why: 'ld.so unmaps /etc/ld.so.cache when done; a failure leaves it mapped' },
  { names: ['arch_prctl'], need: 'essential', why: 'ld.so sets the thread pointer (ARCH_SET_FS) for thread-local storage and stops with "cannot set up thread-local storage" when it cannot', abis: ['x86_64', 'x32'] },
  { names: ['set_thread_area'], need: 'essential', why: 'ld.so sets the thread pointer for thread-local storage', abis: ['x86', 'mips', 'mipsel', 'mips64', 'mipsel64', 'mips64n32', 'mipsel64n32'] },
  { names: ['set_tid_address'], need: 'tolerated', why: 'glibc caches the thread id it returns; after a failure the cache is wrong but the program runs' },
  { names: ['set_robust_list'], need: 'tolerated', why: 'glibc registers the robust-futex list and does without robust mutexes when that fails' },
  { names: ['rseq'], need: 'tolerated', why: 'glibc ≥ 2.35 registers restartable sequences and carries on without them when that fails' },
  { names: ['prlimit64', 'ugetrlimit', 'getrlimit'], need: 'tolerated', why: 'glibc reads RLIMIT_STACK for the default thread stack size and uses a built-in size when that fails' },
  { names: ['getrandom'], need: 'tolerated', why: 'glibc ≥ 2.36 seeds malloc\'s tcache key and falls back to a weaker seed when that fails' },
  { names: ['access', 'faccessat', 'faccessat2'], need: 'tolerated', why: 'ld.so looks for /etc/ld.so.preload; a failure reads as "no preload file"' },
  { names: ['rt_sigaction'], need: 'essential', why: 'the Go runtime installs its signal handlers at start and aborts with "sigaction failed" when it cannot; shells and most C programs need it too' },
  { names: ['rt_sigprocmask'], need: 'tolerated', why: 'glibc and the Go runtime set signal masks and ignore a failure' },
  { names: ['exit_group'], need: 'essential', why: 'every exit: glibc\'s _exit calls exit_group and executes hlt (a crash, the exit status lost) when it fails' },
];
