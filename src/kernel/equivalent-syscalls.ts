// SPDX-License-Identifier: Apache-2.0
// Syscalls that do each other's job: one kernel operation reachable through several entry points
// (fs/exec.c do_execveat_common for execve and execveat; fs/open.c do_sys_open for open, openat,
// openat2 and creat; kernel/fork.c kernel_clone for fork, vfork, clone and clone3; fs/namei.c
// do_renameat2, do_unlinkat, do_rmdir, do_mkdirat…; kernel/signal.c for kill and its siblings;
// the 16-bit-uid calls of i386 and their *32 twins; the time64 calls of 32-bit ABIs). Denying one
// entry point while another stays open leaves the job doable.
//
// `peers` do each other's job. `also` entry points do the peers' job too, but denying one alone
// says nothing: newer ones are denied by every profile that predates them (and glibc falls back
// to a peer on ENOSYS: clone3 → clone, openat2 → openat…), obsolete ones (i386's oldstat, stime)
// by every profile that never heard of them. So only a denied peer counts. An `also` entry written
// `a+b` is a sequence: fsopen, fsconfig, fsmount and move_mount together do what mount does.
// adjtimex and clock_adjtime are not with the clock setters: they are mostly read (ntp status),
// and setting the clock through them needs CAP_SYS_TIME like the rest.

export interface EquivalenceGroup {
  /** The job, in a few words. */
  readonly job: string;
  readonly peers: readonly string[];
  readonly also?: readonly string[];
}

export const EQUIVALENT_SYSCALLS: readonly EquivalenceGroup[] = [
  { job: 'run a program', peers: ['execve', 'execveat'] },
  { job: 'open or create a file', peers: ['open', 'openat', 'creat'], also: ['openat2'] },
  { job: 'create a process', peers: ['fork', 'vfork', 'clone'], also: ['clone3'] },
  { job: 'duplicate a descriptor onto a chosen number', peers: ['dup2', 'dup3'] },
  { job: 'rename a file', peers: ['rename', 'renameat'], also: ['renameat2'] },
  { job: 'remove a file', peers: ['unlink', 'unlinkat'] },
  { job: 'remove a directory', peers: ['rmdir', 'unlinkat'] },
  { job: 'make a directory', peers: ['mkdir', 'mkdirat'] },
  { job: 'make a device node or fifo', peers: ['mknod', 'mknodat'] },
  { job: 'make a hard link', peers: ['link', 'linkat'] },
  { job: 'make a symbolic link', peers: ['symlink', 'symlinkat'] },
  { job: 'change a file\'s mode', peers: ['chmod', 'fchmodat'], also: ['fchmodat2'] },
  { job: 'change a file\'s owner', peers: ['chown', 'chown32', 'lchown', 'lchown32', 'fchownat'] },
  { job: 'change an open file\'s owner', peers: ['fchown', 'fchown32'] },
  { job: 'change user ids', peers: ['setuid', 'setuid32', 'setreuid', 'setreuid32', 'setresuid', 'setresuid32'] },
  { job: 'change group ids', peers: ['setgid', 'setgid32', 'setregid', 'setregid32', 'setresgid', 'setresgid32'] },
  { job: 'change the filesystem uid', peers: ['setfsuid', 'setfsuid32'] },
  { job: 'change the filesystem gid', peers: ['setfsgid', 'setfsgid32'] },
  { job: 'set supplementary groups', peers: ['setgroups', 'setgroups32'] },
  { job: 'send a signal', peers: ['kill', 'tkill', 'tgkill', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo'], also: ['pidfd_send_signal'] },
  { job: 'map memory', peers: ['mmap', 'mmap2'] },
  { job: 'change memory protection', peers: ['mprotect'], also: ['pkey_mprotect'] },
  { job: 'stat a path', peers: ['stat', 'lstat', 'stat64', 'lstat64', 'newfstatat', 'fstatat64'], also: ['statx', 'oldstat', 'oldlstat'] },
  { job: 'stat an open file', peers: ['fstat', 'fstat64', 'newfstatat', 'fstatat64'], also: ['statx', 'oldfstat'] },
  { job: 'check access to a path', peers: ['access', 'faccessat'], also: ['faccessat2'] },
  { job: 'set file times', peers: ['utime', 'utimes', 'futimesat', 'utimensat'], also: ['utimensat_time64'] },
  { job: 'copy between descriptors in the kernel', peers: ['sendfile', 'sendfile64', 'splice'], also: ['copy_file_range'] },
  { job: 'read', peers: ['read', 'readv', 'pread64', 'preadv'], also: ['preadv2'] },
  { job: 'write', peers: ['write', 'writev', 'pwrite64', 'pwritev'], also: ['pwritev2'] },
  { job: 'send on a socket', peers: ['sendto', 'sendmsg', 'sendmmsg', 'send'] },
  { job: 'receive on a socket', peers: ['recvfrom', 'recvmsg', 'recvmmsg', 'recv'], also: ['recvmmsg_time64'] },
  { job: 'accept a connection', peers: ['accept', 'accept4'] },
  { job: 'make a pipe', peers: ['pipe', 'pipe2'] },
  { job: 'wait for a child', peers: ['wait4', 'waitpid', 'waitid'] },
  { job: 'read a directory', peers: ['getdents', 'getdents64'] },
  { job: 'unmount', peers: ['umount', 'umount2'] },
  { job: 'mount a filesystem', peers: ['mount'], also: ['fsopen+fsconfig+fsmount+move_mount', 'open_tree+move_mount'] },
  { job: 'set the clock', peers: ['settimeofday', 'clock_settime'], also: ['clock_settime64', 'stime'] },
  { job: 'create an epoll instance', peers: ['epoll_create', 'epoll_create1'] },
  { job: 'wait for epoll events', peers: ['epoll_wait', 'epoll_pwait'], also: ['epoll_pwait2'] },
  { job: 'create an eventfd', peers: ['eventfd', 'eventfd2'] },
  { job: 'create an inotify instance', peers: ['inotify_init', 'inotify_init1'] },
  { job: 'create a signalfd', peers: ['signalfd', 'signalfd4'] },
];
