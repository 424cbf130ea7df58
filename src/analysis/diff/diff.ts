// SPDX-License-Identifier: Apache-2.0
// Exact differences between two seccomp programs: every region of the decision space where their
// return values differ (./product.ts), each with one concrete seccomp_data as its witness, run
// through the interpreter on both programs before it is reported. Regions where a value is not a
// constant (a path that returns data, opaque tests, an exhausted budget) are decided at their
// witness when it differs there, and otherwise counted as undecided: the programs are then not
// proved equivalent.

import type { Arch } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import { InternalError } from '../../diagnostics/diagnostic.js';
import type { SeccompData } from '../../seccomp/data.js';
import { simulate } from '../../seccomp/simulate.js';
import { sameSym } from '../partition/expr.js';
import { regionWitness, type Region } from '../partition/region.js';
import { allSpaces, type Space } from '../partition/spaces.js';
import { forEachCell, type ProductOptions } from './product.js';

export interface Witnessed {
  readonly data: SeccompData;
  /** What each program returns for it (from the interpreter). */
  readonly a: number;
  readonly b: number;
}

export interface Difference {
  readonly arch?: Arch;
  readonly region: Region;
  /** The first program's value on the whole region, when constant. */
  readonly a?: number;
  readonly b?: number;
  /** Both values are constants and the region has no opaque test. */
  readonly exact: boolean;
  readonly witness?: Witnessed;
}

export interface DiffResult {
  readonly differences: readonly Difference[];
  /** Regions with a non-constant value where the witness gives both programs the same value (or none was found). */
  readonly undecided: readonly Difference[];
  /** Regions of the product compared. */
  readonly cells: number;
  /** Both programs were explored completely. */
  readonly complete: boolean;
}

export interface CompareOptions extends ProductOptions {
  readonly spaces?: readonly Space[];
  /** Stop after this many differences (default: all). */
  readonly limit?: number;
}

/** Regions with computed tests whose witness is searched for; past this, they are undecided without one (a hostile program has millions). */
const WITNESS_SEARCHES = 256;

/** Runs both programs on a region's witness; undefined when the region has no member found. */
export function witnessOf(a: Program, b: Program, arch: Arch | undefined, region: Region): Witnessed | undefined {
  const endian = arch?.endian ?? 'little';
  const w = regionWitness(region, endian);
  if (!w.found) return undefined;
  return { data: w.data, a: simulate(a, endian, w.data).value, b: simulate(b, endian, w.data).value };
}

/** Calls `judge` (reflexive: judge(x, x) holds) on every cell; a cell it rejects is a difference (or undecided when values are not constant). */
export function compareCells(a: Program, b: Program, judge: (x: number, y: number) => boolean, options: CompareOptions = {}): DiffResult {
  const differences: Difference[] = [];
  const undecided: Difference[] = [];
  const limit = options.limit ?? Infinity;
  let searches = 0;
  const stats = forEachCell(a, b, (c) => {
    // each leaf's value is constant on its region: accepted values need no description of the region
    const constant = c.a.value !== undefined && c.b.value !== undefined;
    if (constant && judge(c.a.value!, c.b.value!)) return true;
    const exact = constant && c.region.opaque.length === 0;
    // both return the same expression of seccomp_data (`ret a` after the same loads and ALU):
    // equal at every point of the region, whatever the point, so a reflexive judge accepts it
    if (c.a.returns !== undefined && c.b.returns !== undefined && sameSym(c.a.returns, c.b.returns)) return true;
    // an exact region's witness is read off its word sets; one with opaque tests is searched for, at a cost
    const searched = c.region.opaque.length > 0;
    const witness = !searched || ++searches <= WITNESS_SEARCHES ? witnessOf(a, b, c.arch, c.region) : undefined;
    const d: Difference = {
      ...(c.arch ? { arch: c.arch } : {}),
      region: c.region,
      ...(c.a.value !== undefined ? { a: c.a.value } : {}),
      ...(c.b.value !== undefined ? { b: c.b.value } : {}),
      exact,
      ...(witness ? { witness } : {}),
    };
    if (exact) {
      if (!witness || witness.a !== c.a.value || witness.b !== c.b.value) throw new InternalError('diff: an exact region\'s witness does not give its values');
      differences.push(d);
    } else if (witness && !judge(witness.a, witness.b)) differences.push(d);
    else undecided.push(d);
    return differences.length < limit;
  }, options.spaces ?? allSpaces(), options);
  return { differences, undecided, cells: stats.cells, complete: stats.complete };
}

/** Every region where the two programs return different values. */
export function diffPrograms(a: Program, b: Program, options: CompareOptions = {}): DiffResult {
  return compareCells(a, b, (x, y) => x === y, options);
}
