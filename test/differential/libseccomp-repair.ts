// SPDX-License-Identifier: Apache-2.0
// Known trap 1 (../shared/reference/libseccomp-behaviour.md §10.1, ledger id
// "libseccomp-be-long-jump-ret-copy"): when libseccomp (2.5.4 and main) exports a big-endian
// filter on a little-endian host and a jump longer than 255 instructions makes it insert a copy
// of the target `ret` (§1.5), that copy's k is byte-swapped twice and comes out in host order.
// Decoded in the target's byte order, such a `ret` returns garbage (ALLOW 0x7fff0000 reads as
// 0x0000ff7f, i.e. KILL_THREAD).
//
// The repair needs what the filter can return: its rules' actions, its default and its bad-arch
// action. A `ret #k` whose k is none of them while bswap32(k) is one is such a copy; everything
// else is left alone. Knowing the actions is what makes this unambiguous: some actions are each
// other's byte swaps as values (TRACE(768) = 0x7ff00300 and TRAP(0xf07f) = 0x0003f07f), and a
// repair that only looks at the program would "repair" a genuine `ret` of one of them.
// Test-side only: syscage never emits or accepts this on its own.

import type { Instruction } from '../../src/bpf/instruction.js';
import { BPF_K, BPF_RET } from '../../src/bpf/opcodes.js';

const RET_K = BPF_RET | BPF_K;
/** libseccomp's bad-arch action when the filter sets none: SCMP_ACT_KILL_THREAD. */
const DEFAULT_BAD_ARCH = 0;

export function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

export interface Repair {
  readonly program: Instruction[];
  /** Program counters of the repaired `ret`s. */
  readonly repaired: readonly number[];
}

/** Every value a libseccomp filter with these actions can return (bad-arch KILL_THREAD unless given). */
export function filterActions(defaultAction: number, ruleActions: readonly number[], badArchAction = DEFAULT_BAD_ARCH): Set<number> {
  return new Set([defaultAction >>> 0, badArchAction >>> 0, ...ruleActions.map((a) => a >>> 0)]);
}

export function repairSwappedRets(program: readonly Instruction[], actions: ReadonlySet<number>): Repair {
  const repaired: number[] = [];
  const out = program.map((ins, pc) => {
    if (ins.code !== RET_K || actions.has(ins.k >>> 0)) return ins;
    const swapped = bswap32(ins.k);
    if (!actions.has(swapped)) return ins;
    repaired.push(pc);
    return { ...ins, k: swapped };
  });
  return { program: out, repaired };
}
