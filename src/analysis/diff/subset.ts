// SPDX-License-Identifier: Apache-2.0
// Is a program at least as strict as a baseline? For every seccomp_data, the program's action
// must rank at or above the baseline's in the kernel's precedence (kernel/seccomp.c
// seccomp_run_filters keeps the most restrictive action of stacked filters, in this order):
// KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW.
// Two values of the same action are equally strict whatever their data (ERRNO(1) and ERRNO(38)
// both refuse the call; TRACE's message and TRAP's data only tell the tracer or handler which
// rule fired). So "subset" reads: wherever the program lets a call through, or gives it to a
// tracer, notifier or logger, the baseline does the same or less. The answer is exact over the
// decision space: every violation comes with a witness run through both programs.

import type { Program } from '../../bpf/instruction.js';
import { compareStrictness } from '../lint/context.js';
import { compareCells, type CompareOptions, type DiffResult } from './diff.js';

export interface SubsetResult extends DiffResult {
  /** Proved: no violation, nothing undecided, both explored completely. */
  readonly holds: boolean;
}

/** Violations are regions where `program` is less strict than `baseline` (`a` = program, `b` = baseline). */
export function atLeastAsStrictAs(program: Program, baseline: Program, options: CompareOptions = {}): SubsetResult {
  const r = compareCells(program, baseline, (p, base) => compareStrictness(p, base) <= 0, options);
  return { ...r, holds: r.differences.length === 0 && r.undecided.length === 0 && r.complete };
}
