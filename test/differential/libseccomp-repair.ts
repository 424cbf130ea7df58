// SPDX-License-Identifier: Apache-2.0
// Known trap 1 (../shared/reference/libseccomp-behaviour.md §10.1, ledger id
// "libseccomp-be-long-jump-ret-copy"): when libseccomp (2.5.4 and main) exports a big-endian
// filter on a little-endian host and a jump longer than 255 instructions makes it insert a copy
// of the target `ret` (§1.5), that copy's k is byte-swapped twice and comes out in host order.
// Decoded in the target's byte order, such a `ret` returns garbage (ALLOW 0x7fff0000 reads as
// 0x0000ff7f, i.e. KILL_THREAD).
//
// The repair is unambiguous: a `ret #k` is repaired only when byte-swapping k gives a valid
// action value that some other `ret` of the program returns, and k itself is not such a value.
// Everything else is left alone. Test-side only: syscage never emits or accepts this on its own.

import type { Instruction } from '../../src/bpf/instruction.js';
import { BPF_K, BPF_RET } from '../../src/bpf/opcodes.js';
import { actionSpec, decodeAction } from '../../src/seccomp/action.js';

const RET_K = BPF_RET | BPF_K;

export function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** A value libseccomp could emit as an action: known action bits, data only where it means something. */
export function isActionValue(v: number): boolean {
  const a = decodeAction(v);
  return a.known && (actionSpec(a.kind).hasData || a.data === 0);
}

export interface Repair {
  readonly program: Instruction[];
  /** Program counters of the repaired `ret`s. */
  readonly repaired: readonly number[];
}

export function repairSwappedRets(program: readonly Instruction[]): Repair {
  const count = new Map<number, number>();
  for (const ins of program) if (ins.code === RET_K) count.set(ins.k, (count.get(ins.k) ?? 0) + 1);
  const elsewhere = (v: number, self: number): boolean => (count.get(v) ?? 0) - (v === self ? 1 : 0) > 0;
  const repaired: number[] = [];
  const out = program.map((ins, pc) => {
    if (ins.code !== RET_K) return ins;
    const swapped = bswap32(ins.k);
    if (swapped === ins.k) return ins;
    const ownValid = isActionValue(ins.k) && elsewhere(ins.k, ins.k);
    if (ownValid || !isActionValue(swapped) || !elsewhere(swapped, ins.k)) return ins;
    repaired.push(pc);
    return { ...ins, k: swapped };
  });
  return { program: out, repaired };
}
