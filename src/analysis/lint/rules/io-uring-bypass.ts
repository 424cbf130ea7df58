// SPDX-License-Identifier: Apache-2.0
// io-uring-bypass: io_uring_setup permitted on an ABI while a syscall that an io_uring operation
// does the work of (socket, connect, openat…, ../../../kernel/io-uring-ops.ts) is restricted —
// denied, or allowed only for some arguments. The kernel reads io_uring submissions from memory
// shared with the process; seccomp runs at syscall entry and sees io_uring_setup/io_uring_enter,
// never an opcode or its arguments, so the restriction does not hold for the ring
// (kernel-experiments.md §4: IORING_OP_SOCKET/CONNECT/SEND delivered bytes while socket(AF_INET)
// got EPERM, and created an AF_VSOCK socket under the Docker 23/24-era default).

import type { Arch } from '../../../arch/arch.js';
import { IO_URING_OPS, IO_URING_SYSCALLS } from '../../../kernel/io-uring-ops.js';
import type { LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { reachableAbis } from './abi-coverage.js';
import { abiList, groupByKey, wordList } from './abi-groups.js';
import { describeCall, permittedCall, refusedCall, witnessOf, type Call } from './coverage-calls.js';
import { allowingPointer } from './profile-rules.js';

interface Restricted {
  readonly op: string;
  /** A call of the syscall that the program refuses. */
  readonly refused: Call;
  readonly dependent: boolean;
}

interface AbiResult {
  readonly setup: Call;
  readonly restricted: readonly Restricted[];
}

function onAbi(ctx: LintContext, arch: Arch): AbiResult | undefined {
  const setup = permittedCall(ctx, arch, 'io_uring_setup');
  if (!setup) return undefined;
  const restricted: Restricted[] = [];
  for (const { op, syscalls } of IO_URING_OPS) {
    for (const name of syscalls) {
      const view = ctx.syscall(arch, name);
      if (!view || view.permitted === 'always') continue;
      const refused = refusedCall(ctx, arch, name);
      if (refused) restricted.push({ op, refused, dependent: view.permitted === 'sometimes' });
    }
  }
  return restricted.length ? { setup, restricted } : undefined;
}

export const ioUringBypass: LintRule = {
  id: 'io-uring-bypass',
  code: 'SC4003',
  severity: 'error',
  description: 'io_uring allowed while socket, connect, open… are restricted: io_uring does their work and seccomp never sees its opcodes',
  messages: {
    bypass: '`io_uring_setup` is allowed on {abis} while {restricted} {are} restricted: io_uring does the same work ({ops}) and seccomp never sees io_uring opcodes or their arguments',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const results = reachableAbis(ctx).flatMap((arch) => {
      const r = onAbi(ctx, arch);
      return r ? [{ arch, key: r.restricted.map((x) => `${x.refused.name}:${x.dependent}`).join(','), value: r }] : [];
    });
    for (const { abis, first } of groupByKey(results)) {
      const names = first.restricted.map((r) => `\`${r.refused.name}\`${r.dependent ? ' (argument-dependent)' : ''}`);
      const ops = [...new Set(first.restricted.map((r) => r.op))];
      const lead = first.restricted[0]!;
      const leadOp = lead.op.split(' ')[0];
      const pointer = allowingPointer(ctx, 'io_uring_setup');
      report({
        message: 'bypass',
        args: { abis: abiList(abis), restricted: wordList(names), are: names.length === 1 ? 'is' : 'are', ops: wordList(ops, 4) },
        ...(pointer !== undefined ? { pointer } : {}),
        witness: witnessOf(ctx, first.setup, {
          versus: lead.refused,
          path: 'io_uring',
          text: `${describeCall(ctx, first.setup)}; ${leadOp} then does what ${describeCall(ctx, lead.refused)} refuses`,
        }),
        fix: `deny ${IO_URING_SYSCALLS.map((n) => `\`${n}\``).join(', ')} (remove them from the allowed names, or answer them with SCMP_ACT_ERRNO), as Docker's default profile does since Docker 25`,
      });
    }
  },
};
