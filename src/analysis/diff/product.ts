// SPDX-License-Identifier: Apache-2.0
// Two programs over one decision space: the first program's partition, each of its regions split
// again by the second program (run symbolically from that region, ../partition/partition.ts), so
// every region of the result has one leaf of each. Both diff and subset walk this product.

import type { Arch } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import { partition, type Leaf, type PartitionOptions } from '../partition/partition.js';
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
}

/** Calls `visit` for every cell; stops early when it returns false. */
export function forEachCell(a: Program, b: Program, visit: (c: Cell) => boolean | void, spaces: readonly Space[] = allSpaces(), options: PartitionOptions = {}): ProductStats {
  const stats: ProductStats = { cells: 0, complete: true };
  for (const space of spaces) {
    const pa = partition(a, space.region, options);
    if (!pa.complete) stats.complete = false;
    for (const la of pa.leaves) {
      const pb = partition(b, la.region, options);
      if (!pb.complete) stats.complete = false;
      for (const lb of pb.leaves) {
        stats.cells++;
        if (visit({ ...(space.arch ? { arch: space.arch } : {}), region: lb.region, a: la, b: lb }) === false) return stats;
      }
    }
  }
  return stats;
}
