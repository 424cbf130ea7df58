// SPDX-License-Identifier: Apache-2.0
// The cheap per-syscall views `check` and the linter ask for, read off the partition of one
// syscall's slice of the decision space (seccomp_data.arch and nr fixed, every other word free):
//   - outcomes: which return values some call of this syscall gets (exactly the leaves' values
//     when the partition is exact: an unreachable value is never reported);
//   - reads: which seccomp_data words the verdict depends on, and which constants and masks the
//     program compares them with on the paths such calls can take (for witness candidates and
//     for locating argument tests).
// Both come from one walk (./partition.ts, with its observer), so they cannot disagree.

import type { Endian } from '../../arch/arch.js';
import type { Program } from '../../bpf/instruction.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from '../../seccomp/data.js';
import { partition } from './partition.js';
import { constrainRegion, WHOLE_SPACE, type Region } from './region.js';

export interface Outcomes {
  /** Return values some call reaches (`ret #k`, or `ret a` with A known). */
  readonly values: ReadonlySet<number>;
  /** Some path returns A computed from the arguments: any value may come out. */
  readonly dynamic: boolean;
  /** False when some region was decided by opaque tests (a value may then be unreachable). */
  readonly exact: boolean;
  /** The exploration hit its budget: the answer is incomplete. */
  readonly truncated: boolean;
}

export interface WordTests {
  /** Constants the word (or the word AND a mask) is compared with; for JSET, the bits tested. */
  readonly constants: ReadonlySet<number>;
  /** Masks (other than the whole word) the word is AND-ed with before a test. */
  readonly masks: ReadonlySet<number>;
  /** Program counters of the jumps that test the word. */
  readonly pcs: readonly number[];
}

export interface Reads {
  /** Byte offsets of the seccomp_data words some path loads (nr and arch included). */
  readonly loads: ReadonlySet<number>;
  /** By byte offset, ascending: the words some path tests, and how. */
  readonly tests: ReadonlyMap<number, WordTests>;
  /** The exploration hit its budget: the answer is incomplete. */
  readonly truncated: boolean;
}

export interface SyscallSlice {
  readonly outcomes: Outcomes;
  readonly reads: Reads;
}

/** Steps for one syscall's slice: compiled filters need a few hundred. */
const BUDGET = 200_000;

export function syscallRegion(auditArch: number, nr: number): Region {
  return constrainRegion(constrainRegion(WHOLE_SPACE, SECCOMP_DATA_ARCH >> 2, 0xffffffff, 'eq', auditArch, true)!, SECCOMP_DATA_NR >> 2, 0xffffffff, 'eq', nr, true)!;
}

/** Both views of the calls of syscall `nr` under AUDIT_ARCH `auditArch`. */
export function syscallSlice(program: Program, _endian: Endian, auditArch: number, nr: number): SyscallSlice {
  const loads = new Set<number>();
  const tests = new Map<number, { constants: Set<number>; masks: Set<number>; pcs: Set<number> }>();
  const p = partition(program, syscallRegion(auditArch, nr), {
    budget: BUDGET,
    observer: {
      load: (o) => void loads.add(o),
      test: (o, pc, k, mask) => {
        if (o === SECCOMP_DATA_NR || o === SECCOMP_DATA_ARCH) return;
        let t = tests.get(o);
        if (!t) tests.set(o, (t = { constants: new Set(), masks: new Set(), pcs: new Set() }));
        if (k !== undefined) t.constants.add(k >>> 0);
        if (mask !== undefined && mask !== 0xffffffff) t.masks.add(mask >>> 0);
        t.pcs.add(pc);
      },
    },
  });
  const values = new Set<number>();
  let dynamic = false;
  let exact = true;
  for (const l of p.leaves) {
    if (l.value !== undefined) values.add(l.value);
    else if (l.unknown === 'data') dynamic = true;
    if (l.region.opaque.length > 0) exact = false;
  }
  const truncated = !p.complete || p.leaves.some((l) => l.unknown === 'budget' || l.unknown === 'search');
  const asc = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);
  return {
    outcomes: { values, dynamic, exact: exact && !truncated, truncated },
    reads: {
      loads,
      tests: new Map([...tests].sort((x, y) => x[0] - y[0]).map(([o, t]) => [o, { constants: new Set(asc(t.constants)), masks: new Set(asc(t.masks)), pcs: asc(t.pcs) }])),
      truncated,
    },
  };
}

export function outcomes(program: Program, endian: Endian, auditArch: number, nr: number): Outcomes {
  return syscallSlice(program, endian, auditArch, nr).outcomes;
}

export function reads(program: Program, endian: Endian, auditArch: number, nr: number): Reads {
  return syscallSlice(program, endian, auditArch, nr).reads;
}
