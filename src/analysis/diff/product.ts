// SPDX-License-Identifier: Apache-2.0
// Two programs over one decision space: the first program's partition, each of its regions split
// again by the second program (run symbolically from that region, ../partition/partition.ts), so
// every region of the result has one leaf of each. Both diff and subset walk this product.

import type { Arch } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import { partition, PARTITION_BUDGET, type Leaf, type PartitionOptions } from '../partition/partition.js';
import type { Region } from '../partition/region.js';
import { allSpaces, type Space } from '../partition/spaces.js';

export interface Cell {
  /** The ABI, or undefined for arch values no ABI has. */
  readonly arch?: Arch;
  readonly region: Region;
  readonly a: Leaf;
  readonly b: Leaf;
}

export interface ProductStats {
  /** Regions of the product (cells) visited. */
  cells: number;
  /** Both programs were explored completely. */
  complete: boolean;
  /** Symbolic steps taken, over all partitions. */
  steps: number;
}

export interface ProductOptions extends PartitionOptions {
  /** Symbolic steps for the whole product (default 1,000,000: a few seconds; real pairs take a few thousand): a hostile pair cannot run forever. */
  readonly totalBudget?: number;
}

const TOTAL_BUDGET = 1_000_000;

/** Calls `visit` for every cell; stops early when it returns false. */
export function forEachCell(a: Program, b: Program, visit: (c: Cell) => boolean | void, spaces: readonly Space[] = allSpaces(), options: ProductOptions = {}): ProductStats {
  const stats: ProductStats = { cells: 0, complete: true, steps: 0 };
  const total = options.totalBudget ?? TOTAL_BUDGET;
  const run = (p: Program, r: Region) => {
    const left = Math.max(0, total - stats.steps);
    const out = partition(p, r, { ...options, budget: Math.min(options.budget ?? PARTITION_BUDGET, left) });
    stats.steps += out.steps;
    if (!out.complete) stats.complete = false;
    return out;
  };
  for (const space of spaces) {
    if (stats.steps >= total) { stats.complete = false; break; }
    const pa = run(a, space.region);
    for (const la of pa.leaves) {
      if (stats.steps >= total) { stats.complete = false; return stats; }
      const pb = run(b, la.region);
      for (const lb of pb.leaves) {
        stats.cells++;
        if (visit({ ...(space.arch ? { arch: space.arch } : {}), region: lb.region, a: la, b: lb }) === false) return stats;
      }
    }
  }
  return stats;
}
