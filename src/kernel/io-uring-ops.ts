// SPDX-License-Identifier: Apache-2.0
// The io_uring operations that do the work of a syscall, and which syscall. Source: enum
// io_uring_op in include/uapi/linux/io_uring.h and the handlers io_uring/opdef.c names (net.c
// calls __sys_socket_file, __sys_connect_file, do_accept, __sys_bind_socket, __sys_listen_socket;
// openclose.c do_file_open_root / do_filp_open with the openat/openat2 flags; fs.c do_renameat2,
// do_unlinkat, do_rmdir, do_mkdirat, do_symlinkat, do_linkat; xattr.c; statx.c; …), Linux 6.18.
// A submission is read by the kernel from the shared ring: seccomp sees io_uring_setup and
// io_uring_enter (or nothing at all, with IORING_SETUP_SQPOLL), never an opcode or its arguments.
// Operations that only manage io_uring itself (NOP, POLL_*, TIMEOUT*, ASYNC_CANCEL, FILES_UPDATE,
// PROVIDE/REMOVE_BUFFERS, MSG_RING, FIXED_FD_INSTALL) are left out.

export interface IoUringOp {
  /** `IORING_OP_SOCKET` (several opcodes doing one syscall's work are written `A / B`). */
  readonly op: string;
  /** The syscalls whose work the operation does (names absent on an ABI are skipped). */
  readonly syscalls: readonly string[];
}

// Network first: the hole kernel-experiments.md §4 measured.
export const IO_URING_OPS: readonly IoUringOp[] = [
  { op: 'IORING_OP_SOCKET', syscalls: ['socket'] },
  { op: 'IORING_OP_CONNECT', syscalls: ['connect'] },
  { op: 'IORING_OP_ACCEPT', syscalls: ['accept', 'accept4'] },
  { op: 'IORING_OP_BIND', syscalls: ['bind'] },
  { op: 'IORING_OP_LISTEN', syscalls: ['listen'] },
  { op: 'IORING_OP_SEND / IORING_OP_SEND_ZC', syscalls: ['sendto', 'send'] },
  { op: 'IORING_OP_SENDMSG / IORING_OP_SENDMSG_ZC', syscalls: ['sendmsg'] },
  { op: 'IORING_OP_RECV', syscalls: ['recvfrom', 'recv'] },
  { op: 'IORING_OP_RECVMSG', syscalls: ['recvmsg'] },
  { op: 'IORING_OP_SHUTDOWN', syscalls: ['shutdown'] },
  { op: 'IORING_OP_URING_CMD (SOCKET_URING_OP_GETSOCKOPT / SETSOCKOPT)', syscalls: ['getsockopt', 'setsockopt'] },
  { op: 'IORING_OP_OPENAT', syscalls: ['openat', 'open', 'creat'] },
  { op: 'IORING_OP_OPENAT2', syscalls: ['openat2'] },
  { op: 'IORING_OP_RENAMEAT', syscalls: ['renameat2', 'renameat', 'rename'] },
  { op: 'IORING_OP_UNLINKAT', syscalls: ['unlinkat', 'unlink', 'rmdir'] },
  { op: 'IORING_OP_MKDIRAT', syscalls: ['mkdirat', 'mkdir'] },
  { op: 'IORING_OP_SYMLINKAT', syscalls: ['symlinkat', 'symlink'] },
  { op: 'IORING_OP_LINKAT', syscalls: ['linkat', 'link'] },
  { op: 'IORING_OP_STATX', syscalls: ['statx'] },
  { op: 'IORING_OP_SETXATTR / IORING_OP_FSETXATTR', syscalls: ['setxattr', 'fsetxattr'] },
  { op: 'IORING_OP_GETXATTR / IORING_OP_FGETXATTR', syscalls: ['getxattr', 'fgetxattr'] },
  { op: 'IORING_OP_FTRUNCATE', syscalls: ['ftruncate'] },
  { op: 'IORING_OP_FALLOCATE', syscalls: ['fallocate'] },
  { op: 'IORING_OP_FADVISE', syscalls: ['fadvise64', 'fadvise64_64'] },
  { op: 'IORING_OP_MADVISE', syscalls: ['madvise'] },
  { op: 'IORING_OP_SPLICE', syscalls: ['splice'] },
  { op: 'IORING_OP_TEE', syscalls: ['tee'] },
  { op: 'IORING_OP_PIPE', syscalls: ['pipe2', 'pipe'] },
  { op: 'IORING_OP_EPOLL_CTL', syscalls: ['epoll_ctl'] },
  { op: 'IORING_OP_EPOLL_WAIT', syscalls: ['epoll_wait', 'epoll_pwait'] },
  { op: 'IORING_OP_WAITID', syscalls: ['waitid'] },
  { op: 'IORING_OP_FUTEX_WAIT / IORING_OP_FUTEX_WAKE', syscalls: ['futex'] },
  { op: 'IORING_OP_FUTEX_WAITV', syscalls: ['futex_waitv'] },
  { op: 'IORING_OP_READ / IORING_OP_READV / IORING_OP_READ_FIXED', syscalls: ['read', 'readv', 'pread64', 'preadv', 'preadv2'] },
  { op: 'IORING_OP_WRITE / IORING_OP_WRITEV / IORING_OP_WRITE_FIXED', syscalls: ['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2'] },
  { op: 'IORING_OP_FSYNC', syscalls: ['fsync', 'fdatasync'] },
  { op: 'IORING_OP_SYNC_FILE_RANGE', syscalls: ['sync_file_range'] },
  { op: 'IORING_OP_CLOSE', syscalls: ['close'] },
];

/** The entry points of io_uring itself: what a profile must deny to close it. */
export const IO_URING_SYSCALLS: readonly string[] = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'];
