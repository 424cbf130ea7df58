// SPDX-License-Identifier: Apache-2.0
// Runs a seccomp program on one seccomp_data and decodes the result as the kernel would:
// the Verdict of DESIGN.md (32-bit value, its action, the path taken).

import type { Endian } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import { interpret } from '../bpf/interpret.js';
import { decodeAction, type Action } from './action.js';
import { layout, type SeccompData } from './data.js';

export interface Verdict {
  readonly value: number;
  readonly action: Action;
  readonly steps: number;
  readonly path?: readonly number[];
  readonly divisionByZero?: boolean;
}

export function simulate(program: Program, endian: Endian, data: SeccompData, options: { trace?: boolean } = {}): Verdict {
  const run = interpret(program, { view: layout(data, endian), littleEndian: endian === 'little' }, options);
  return {
    value: run.value,
    action: decodeAction(run.value),
    steps: run.steps,
    ...(run.path ? { path: run.path } : {}),
    ...(run.divisionByZero ? { divisionByZero: true } : {}),
  };
}
