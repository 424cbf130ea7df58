// SPDX-License-Identifier: Apache-2.0
// Syscall-number dispatch as a binary search over ranges (Chromium's FindRanges /
// AssembleJumpTable): the whole u32 number space is cut into maximal runs of numbers that lead
// to the same node — hash-consing makes every constant ALLOW the same node — and a balanced
// tree of `jge` picks the run. Every number is covered by construction (unknown numbers, the x32
// guard, nr -1 are just ranges). Only nr is loaded and tested on the way to a constant verdict,
// so the kernel's constant-action cache (seccomp_is_const_allow) serves every constant ALLOW.
//
//   ld  [0]
//   jge #start(mid), <upper half>, <lower half>     ; repeated, log2(ranges) deep
//   <leaf: ret, or the syscall's argument checks>

import { BPF_JGE, BPF_JMP, BPF_K } from '../bpf/opcodes.js';
import type { NodeId, ProgramBuilder } from './builder.js';

export interface Range {
  /** First number of the run; it ends where the next range starts (the last at 2^32 - 1). */
  readonly start: number;
  readonly leaf: NodeId;
}

/**
 * Cuts [0, 2^32) into ranges: `points` (sorted by number, each one syscall with its leaf) laid
 * over `background` (sorted starts, the first at 0: what numbers without a syscall get, e.g. the
 * default action, or the bad-arch action for the x32 range), adjacent runs with one leaf merged.
 */
export function toRanges(points: ReadonlyArray<{ readonly nr: number; readonly leaf: NodeId }>, background: readonly Range[]): Range[] {
  const out: Range[] = [];
  const add = (start: number, leaf: NodeId) => {
    if (out.length > 0 && out[out.length - 1]!.leaf === leaf) return;
    out.push({ start, leaf });
  };
  const backgroundAt = (n: number): NodeId => {
    let leaf = background[0]!.leaf;
    for (const r of background) if (r.start <= n) leaf = r.leaf;
    return leaf;
  };
  // Fills [from, to) with the background.
  const fill = (from: number, to: number) => {
    if (from >= to) return;
    add(from, backgroundAt(from));
    for (const r of background) if (r.start > from && r.start < to) add(r.start, r.leaf);
  };
  let next = 0;
  for (const p of points) {
    fill(next, p.nr);
    add(p.nr, p.leaf);
    next = p.nr + 1;
  }
  fill(next, 0x1_0000_0000);
  return out;
}

/** The search tree over `ranges` (A holds nr on entry). */
export function searchTree(b: ProgramBuilder, ranges: readonly Range[]): NodeId {
  const build = (lo: number, hi: number): NodeId => {
    if (hi - lo === 1) return ranges[lo]!.leaf;
    const mid = (lo + hi) >>> 1;
    // Build the far (upper) side first so the lower side, built last, sits right after the jump.
    const upper = build(mid, hi);
    const lower = build(lo, mid);
    return b.jump(BPF_JMP | BPF_JGE | BPF_K, ranges[mid]!.start, upper, lower);
  };
  return build(0, ranges.length);
}
