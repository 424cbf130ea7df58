// SPDX-License-Identifier: Apache-2.0
// Where the kernel finds the arguments of a call made through socketcall(2) or ipc(2), and which
// call numbers it runs as the same call. The call numbers themselves (SYS_SOCKET = 1…, SHMAT =
// 21…) are libseccomp's and the kernel's alike: src/resolve/libseccomp/arch-rules.ts holds them.
//
// - socketcall(call, args): net/socket.c SYSCALL_DEFINE2(socketcall) (and net/compat.c for
//   32-bit tasks) copies every argument of the socket call from user memory at `args`, so a
//   filter sees none of them; `int call` is not masked (1..SYS_SENDMMSG, else -EINVAL).
// - ipc(call, first, second, third, ptr, fifth): ipc/syscall.c ksys_ipc / compat_ksys_ipc take
//   `version = call >> 16; call &= 0xffff`. Every call ignores the version except SHMAT, where
//   version 1 (the old iBCS2 entry point) returns -EINVAL, and MSGRCV, where version 0 reads msgp
//   and msgtyp from a struct ipc_kludge at ptr and other versions take them from ptr and fifth.
//   s390 and s390x have their own entry (arch/s390/kernel/syscall.c sys_s390_ipc and its compat
//   twin): any version bit is -EINVAL there, and `third` is passed as `fifth`.

import type { Arch } from '../arch/arch.js';

/** Which ipc() argument carries each argument of the direct call (1 first, 2 second, 3 third, 4 ptr, 5 fifth; -1: read from memory at ptr). Version 0. */
const IPC_ARGUMENTS: Readonly<Record<string, readonly number[]>> = {
  semop: [1, 4, 2],
  semget: [1, 2, 3],
  semctl: [1, 2, 3, -1],
  semtimedop: [1, 4, 2, 5],
  msgsnd: [1, 4, 2, 3],
  msgrcv: [1, -1, 2, -1, 3],
  msgget: [1, 2],
  msgctl: [1, 2, 4],
  shmat: [1, 4, 2],
  shmdt: [4],
  shmget: [1, 2, 3],
  shmctl: [1, 2, 4],
};

/** ABIs (by AUDIT_ARCH) whose ipc() refuses version bits and reads `fifth` from `third`: s390, s390x. */
const S390_IPC: ReadonlySet<number> = new Set([0x0000_0016, 0x8000_0016]);

/** socketcall's argument that points at the socket call's arguments. */
export const SOCKETCALL_ARGS = 1;

/**
 * For each argument of the direct call `name`, the argument of its multiplexer (`socketcall` or
 * `ipc`) on `arch` that the kernel reads it from, or -1 when it is read from user memory (every
 * socket call argument; semctl's `arg`, msgrcv's `msgp` and `msgtyp`).
 */
export function multiplexedArguments(arch: Arch, via: 'socketcall' | 'ipc', name: string, count: number): readonly number[] {
  if (via === 'socketcall') return Array.from({ length: count }, () => -1);
  const map = IPC_ARGUMENTS[name] ?? [];
  return Array.from({ length: count }, (_, i) => {
    const k = map[i] ?? -1;
    return k === 5 && S390_IPC.has(arch.auditArch) ? 3 : k;
  });
}

/**
 * A version (call >> 16) with which `arch`'s ipc() runs call `name` exactly as version 0 would
 * reach it — 1, or 2 for SHMAT — or undefined where any version is refused (s390, s390x).
 */
export function ipcVersionRunningSameCall(arch: Arch, name: string): number | undefined {
  if (S390_IPC.has(arch.auditArch)) return undefined;
  return name === 'shmat' ? 2 : 1;
}
