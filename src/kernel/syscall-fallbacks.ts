// SPDX-License-Identifier: Apache-2.0
// Syscalls that C libraries try first and replace by an older one only when the kernel answers
// ENOSYS ("this kernel does not have it"). Any other errno — the EPERM a profile's default gives
// syscalls it predates — is passed to the program as the call's result, and the program fails.
// Read in source (glibc sysdeps/unix/sysv/linux/, musl src/):
//   - include/clone_internal.h: __clone_internal tries clone3 and falls back to clone on ENOSYS
//     (pthread_create and posix_spawn use it since glibc 2.34);
//   - faccessat.c: every faccessat() call goes to faccessat2 first, faccessat on ENOSYS (glibc
//     2.33);
//   - fstatat64.c: with FSTATAT_USE_STATX (ABIs with 32-bit registers) every stat is a statx
//     first, fstatat64 on ENOSYS (glibc 2.33);
//   - preadv2.c / pwritev2.c: preadv/pwritev on ENOSYS when the flags are 0;
//   - musl time/clock_gettime.c: clock_gettime64 first, clock_gettime on ENOSYS only (musl 1.2),
//     the pattern of every time64 wrapper of musl and of glibc's on 32-bit ABIs
//     (!__ASSUME_TIME64_SYSCALLS), which were not each re-read.
// Not re-read: glibc 2.39's fchmodat (fchmodat2 for AT_SYMLINK_NOFOLLOW, fallback under
// !__ASSUME_FCHMODAT2).
// Go's x/sys/unix and syscall.Faccessat fall back on EPERM as well, because of seccomp; programs in
// Go are not affected by faccessat2. Left out because no libc fallback waits for ENOSYS:
// close_range (glibc's closefrom falls back on any error), openat2, epoll_pwait2, pidfd_open,
// futex_waitv (glibc has wrappers without fallbacks; their callers decide).

export interface Fallback {
  /** The newer syscall, tried first. */
  readonly syscall: string;
  /** What libc calls instead on ENOSYS (the row applies on ABIs that have it). */
  readonly fallback: string;
  /** Linux version that added the syscall. */
  readonly since: string;
  /** Who probes it. */
  readonly libc: string;
  /** The library calls that fail when the probe gets another errno. */
  readonly calls: string;
}

const TIME64 = { since: '5.1', libc: 'glibc and musl ≥ 1.2 (32-bit ABIs, 64-bit time_t)' };

export const SYSCALL_FALLBACKS: readonly Fallback[] = [
  { syscall: 'clone3', fallback: 'clone', since: '5.3', libc: 'glibc ≥ 2.34', calls: 'pthread_create and posix_spawn' },
  { syscall: 'faccessat2', fallback: 'faccessat', since: '5.8', libc: 'glibc ≥ 2.33', calls: 'faccessat and eaccess (bash\'s `test -x`)' },
  { syscall: 'statx', fallback: 'fstatat64', since: '4.11', libc: 'glibc ≥ 2.33 (ABIs with 32-bit registers)', calls: 'stat, fstat, lstat and fstatat' },
  { syscall: 'fchmodat2', fallback: 'fchmodat', since: '6.6', libc: 'glibc ≥ 2.39', calls: 'fchmodat with AT_SYMLINK_NOFOLLOW and lchmod' },
  { syscall: 'preadv2', fallback: 'preadv', since: '4.6', libc: 'glibc', calls: 'preadv2 with flags 0' },
  { syscall: 'pwritev2', fallback: 'pwritev', since: '4.6', libc: 'glibc', calls: 'pwritev2 with flags 0' },
  { syscall: 'clock_gettime64', fallback: 'clock_gettime', ...TIME64, calls: 'clock_gettime' },
  { syscall: 'clock_settime64', fallback: 'clock_settime', ...TIME64, calls: 'clock_settime' },
  { syscall: 'clock_adjtime64', fallback: 'clock_adjtime', ...TIME64, calls: 'clock_adjtime' },
  { syscall: 'clock_getres_time64', fallback: 'clock_getres', ...TIME64, calls: 'clock_getres' },
  { syscall: 'clock_nanosleep_time64', fallback: 'clock_nanosleep', ...TIME64, calls: 'clock_nanosleep' },
  { syscall: 'timer_settime64', fallback: 'timer_settime', ...TIME64, calls: 'timer_settime' },
  { syscall: 'timer_gettime64', fallback: 'timer_gettime', ...TIME64, calls: 'timer_gettime' },
  { syscall: 'timerfd_settime64', fallback: 'timerfd_settime', ...TIME64, calls: 'timerfd_settime' },
  { syscall: 'timerfd_gettime64', fallback: 'timerfd_gettime', ...TIME64, calls: 'timerfd_gettime' },
  { syscall: 'utimensat_time64', fallback: 'utimensat', ...TIME64, calls: 'utimensat' },
  { syscall: 'pselect6_time64', fallback: 'pselect6', ...TIME64, calls: 'pselect' },
  { syscall: 'ppoll_time64', fallback: 'ppoll', ...TIME64, calls: 'ppoll' },
  { syscall: 'io_pgetevents_time64', fallback: 'io_pgetevents', ...TIME64, calls: 'io_pgetevents' },
  { syscall: 'recvmmsg_time64', fallback: 'recvmmsg', ...TIME64, calls: 'recvmmsg' },
  { syscall: 'mq_timedsend_time64', fallback: 'mq_timedsend', ...TIME64, calls: 'mq_timedsend' },
  { syscall: 'mq_timedreceive_time64', fallback: 'mq_timedreceive', ...TIME64, calls: 'mq_timedreceive' },
  { syscall: 'semtimedop_time64', fallback: 'semtimedop', ...TIME64, calls: 'semtimedop' },
  { syscall: 'rt_sigtimedwait_time64', fallback: 'rt_sigtimedwait', ...TIME64, calls: 'rt_sigtimedwait' },
  { syscall: 'futex_time64', fallback: 'futex', ...TIME64, calls: 'futex waits with a timeout (pthread_cond_timedwait, sem_timedwait…)' },
  { syscall: 'sched_rr_get_interval_time64', fallback: 'sched_rr_get_interval', ...TIME64, calls: 'sched_rr_get_interval' },
];
