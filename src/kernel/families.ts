// SPDX-License-Identifier: Apache-2.0
// Address families (AF_*) by number, as Linux defines them in include/linux/socket.h (the values
// are the same on every ABI; AF_MCTP, 45, is the newest, AF_MAX 46, Linux 5.15 onwards), and the
// syscall arguments that hold one. Used by the linter to name the family a witness call creates
// (`0x28 (AF_VSOCK)`). Aliases (AF_LOCAL = AF_UNIX, AF_ROUTE = AF_NETLINK) keep the first name.

const AF_NAMES: readonly string[] = [
  'AF_UNSPEC', 'AF_UNIX', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE',
  'AF_ATMPVC', 'AF_X25', 'AF_INET6', 'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY',
  'AF_NETLINK', 'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC', 'AF_RDS', 'AF_SNA', 'AF_IRDA',
  'AF_PPPOX', 'AF_WANPIPE', 'AF_LLC', 'AF_IB', 'AF_MPLS', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH',
  'AF_IUCV', 'AF_RXRPC', 'AF_ISDN', 'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC',
  'AF_VSOCK', 'AF_KCM', 'AF_QIPCRTR', 'AF_SMC', 'AF_XDP', 'AF_MCTP',
];

/** `AF_VSOCK` for 40; undefined past AF_MCTP. */
export function familyName(family: number): string | undefined {
  return AF_NAMES[family];
}

/** The number of `AF_VSOCK` & co.; undefined for a name Linux does not define. */
export function familyNumber(name: string): number | undefined {
  const i = AF_NAMES.indexOf(name);
  return i < 0 ? undefined : i;
}

/** Syscalls whose argument (by kernel parameter name) is an address family (net/socket.c). */
const FAMILY_ARGUMENTS: Readonly<Record<string, string>> = {
  socket: 'family',
  socketpair: 'family',
};

/** Is this argument of `syscall` (named as in its kernel prototype) an address family? */
export function isFamilyArgument(syscall: string, argument: string): boolean {
  return FAMILY_ARGUMENTS[syscall] === argument;
}
