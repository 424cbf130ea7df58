// SPDX-License-Identifier: Apache-2.0
// Names for argument values, where the syscall's signature says what an argument holds: address
// families (../../kernel/families.ts), flag sets and enumerations (../../kernel/flags.ts:
// CLONE_*, PER_*, PROT_*, MAP_*, SOCK_*), and the call numbers of the socketcall(2) and ipc(2)
// multiplexers (SYS_SOCKET…, include/uapi/linux/net.h; SEMOP…, include/uapi/linux/ipc.h, whose
// numbers src/resolve/libseccomp/arch-rules.ts holds). `argValueName` is the ABI-free lookup by
// parameter name (families only, the same on every ABI); `argumentNamer` knows the ABI, so it
// also names flags, masks and masked comparisons.

import type { Arch } from '../../arch/arch.js';
import { familyName, isFamilyArgument } from '../../kernel/families.js';
import { argumentName, argumentTable, nameMask, nameMasked, nameValue } from '../../kernel/flags.js';
import { IPC_CALLS, SOCKET_CALLS } from '../../resolve/libseccomp/arch-rules.js';

/** `AF_ALG` for socket's family 38; undefined when the value has no name. */
export function argValueName(syscall: string, argument: string, value: bigint): string | undefined {
  if (isFamilyArgument(syscall, argument) && value <= 64n) return familyName(Number(value));
  return undefined;
}

export interface ArgumentNamer {
  /** `AF_UNIX`, `CLONE_NEWUSER|CLONE_NEWNS`, `PER_LINUX32`… for a whole value. */
  value(v: bigint): string | undefined;
  /** The mask of `(arg & mask) op k`: `CLONE_NEWUSER`, `SOCK_TYPE_MASK`. */
  mask(m: number): string | undefined;
  /** The k of `(arg & mask) op k`. */
  masked(m: number, k: number): string | undefined;
}

const NONE: ArgumentNamer = { value: () => undefined, mask: () => undefined, masked: () => undefined };

const callNames = (calls: Readonly<Record<string, number>>, prefix: string): ReadonlyMap<number, string> =>
  new Map(Object.entries(calls).map(([name, n]) => [n, `${prefix}${name.toUpperCase()}`]));
/** include/uapi/linux/net.h SYS_SOCKET…; include/uapi/linux/ipc.h SEMOP… (the call is the low 16 bits; version 0). */
const MULTIPLEXED: Readonly<Record<string, { argument: string; names: ReadonlyMap<number, string> }>> = {
  socketcall: { argument: 'call', names: callNames(SOCKET_CALLS, 'SYS_') },
  ipc: { argument: 'call', names: callNames(IPC_CALLS, '') },
};

/** How argument `index` of `syscall` on `arch` names its values (names nothing when it holds no known kind). */
export function argumentNamer(arch: Arch, syscall: string | undefined, index: number): ArgumentNamer {
  if (syscall === undefined) return NONE;
  const argument = argumentName(arch, syscall, index);
  if (argument === undefined) return NONE;
  if (isFamilyArgument(syscall, argument)) {
    return { value: (v) => argValueName(syscall, argument, v), mask: () => undefined, masked: () => undefined };
  }
  const mux = MULTIPLEXED[syscall];
  if (mux && mux.argument === argument) {
    return { value: (v) => (v <= 0xffffn ? mux.names.get(Number(v)) : undefined), mask: () => undefined, masked: () => undefined };
  }
  const table = argumentTable(arch, syscall, index);
  if (!table) return NONE;
  return { value: (v) => nameValue(table, v), mask: (m) => nameMask(table, m), masked: (m, k) => nameMasked(table, m, k) };
}
