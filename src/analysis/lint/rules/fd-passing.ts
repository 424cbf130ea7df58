// SPDX-License-Identifier: Apache-2.0
// fd-passing: the network is restricted only where sockets are created — socket() denied or
// allowed for some families — while the calls that use a socket someone else created stay open:
// recvmsg (SCM_RIGHTS brings in descriptors), accept/accept4, connect, sendto/sendmsg. A socket
// inherited from the parent or passed over a unix socket is an fd like any other; the family rule
// never sees it (kernel-experiments.md §5: an inherited AF_INET fd and one received over
// SCM_RIGHTS connected and sent while socket(AF_INET) got EPERM). By design, not a bypass: info,
// or a warning when the filter's evident intent is no network (both AF_INET and AF_INET6 refused).

import type { Arch } from '../../../arch/arch.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { reachableAbis } from './abi-coverage.js';
import { abiList, groupByKey, wordList } from './abi-groups.js';
import { callOf, describeCall, refusedCall, witnessOf, type Call } from './coverage-calls.js';
import { rulesNaming } from './profile-rules.js';

/** The calls that work on a socket the process did not create itself, and what each does with it. */
const USES_OF_PASSED_SOCKETS: ReadonlyArray<{ readonly name: string; readonly use: string }> = [
  { name: 'recvmsg', use: 'receives descriptors over SCM_RIGHTS' },
  { name: 'recvmmsg', use: 'receives descriptors over SCM_RIGHTS' },
  { name: 'connect', use: 'connects a passed, unconnected socket' },
  { name: 'sendto', use: 'sends on it' },
  { name: 'sendmsg', use: 'sends on it' },
  { name: 'sendmmsg', use: 'sends on it' },
  { name: 'accept', use: 'accepts on a passed listening socket' },
  { name: 'accept4', use: 'accepts on a passed listening socket' },
];

const AF_INET = 2n;
const AF_INET6 = 10n;
const SOCK_STREAM = 1n;

const SOCKET_GUESSES: ReadonlyArray<readonly bigint[]> = [[AF_INET, SOCK_STREAM, 0n], [AF_INET6, SOCK_STREAM, 0n], [40n, SOCK_STREAM, 0n], [38n, 5n, 0n]];

interface AbiResult {
  readonly socket: Call;
  readonly open: readonly string[];
  readonly witness: Call;
  /** Both IP families refused at socket(): the filter means "no network". */
  readonly isolating: boolean;
}

function onAbi(ctx: LintContext, arch: Arch): AbiResult | undefined {
  const view = ctx.syscall(arch, 'socket');
  if (!view || view.permitted === 'always') return undefined;
  const socket = refusedCall(ctx, arch, 'socket', SOCKET_GUESSES);
  if (!socket) return undefined;
  const open = USES_OF_PASSED_SOCKETS.filter((u) => ctx.syscall(arch, u.name)?.permitted === 'always').map((u) => u.name);
  if (open.length === 0) return undefined;
  const witness = callOf(ctx, arch, open[0]!, [3n])!;
  if (!permits(witness.verdict)) return undefined;
  const refusedIp = [AF_INET, AF_INET6].every((family) => !permits(callOf(ctx, arch, 'socket', [family, SOCK_STREAM, 0n])!.verdict));
  return { socket, open, witness, isolating: refusedIp };
}

export const fdPassing: LintRule = {
  id: 'fd-passing',
  code: 'SC4004',
  severity: 'info',
  description: 'socket() is restricted but recvmsg/connect/sendmsg/accept stay open: inherited and passed sockets still work',
  messages: {
    isolation: '`socket` refuses AF_INET and AF_INET6 on {abis}, which looks like "no network", but {open} stay allowed: a socket inherited from the parent or received over SCM_RIGHTS still connects and sends. seccomp only sees socket creation; it cannot stop a socket that already exists',
    narrowing: '`socket` is restricted on {abis}, but {open} stay allowed: sockets inherited from the parent or received over SCM_RIGHTS (recvmsg) work whatever their family. A socket() rule limits only which sockets the process can create',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const results = reachableAbis(ctx).flatMap((arch) => {
      const r = onAbi(ctx, arch);
      return r ? [{ arch, key: String(r.isolating), value: r }] : [];
    });
    for (const { abis, first } of groupByKey(results)) {
      const pointer = rulesNaming(ctx, 'socket')[0]?.pointer;
      const use = USES_OF_PASSED_SOCKETS.find((u) => u.name === first.witness.name)!.use;
      report({
        message: first.isolating ? 'isolation' : 'narrowing',
        args: { abis: abiList(abis), open: wordList(first.open.map((n) => `\`${n}\``)) },
        ...(pointer !== undefined ? { pointer } : {}),
        severity: first.isolating ? 'warning' : 'info',
        witness: witnessOf(ctx, first.witness, {
          versus: first.socket,
          text: `${describeCall(ctx, first.witness)} (it ${use}), but ${describeCall(ctx, first.socket)}`,
        }),
        fix: first.isolating
          ? 'for a sandbox without network, give it its own network namespace (docker run --network none, unshare -n) and close inherited sockets before the filter is loaded; denying recvmsg/connect/sendto/sendmsg/accept as well breaks unix sockets too'
          : 'nothing to change if the rule only narrows which families can be created; for no network at all, use a network namespace',
      });
    }
  },
};
