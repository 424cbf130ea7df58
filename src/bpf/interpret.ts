// SPDX-License-Identifier: Apache-2.0
// The classic-BPF interpreter: one loop over a validated Program, with the kernel's semantics
// (net/core/filter.c bpf_convert_filter() and kernel/bpf/core.c, which run every cBPF program):
//   - A and X start at 0; all arithmetic is on u32 and wraps;
//   - shifts by X use X & 31 (the eBPF ALU32 shift); shifts by a constant are < 32 (validated);
//   - division by X == 0 ends the program with return value 0 (the converter's inserted check);
//   - TAX is X = A, TXA is A = X;
//   - jumps only go forward, so the loop ends in at most program.length steps.
// `ld [k]` reads a 32-bit word of the input at byte offset k in the input's byte order; for
// seccomp the input is struct seccomp_data laid out as the ABI lays it out (../seccomp/data.ts).

import type { Program } from './instruction.js';
import { opcode, type Effect } from './opcodes.js';
import { unreachable, InternalError } from '../diagnostics/diagnostic.js';

export interface Input {
  /** The bytes `ld [k]` reads (seccomp: 64 bytes of seccomp_data). */
  readonly view: DataView;
  readonly littleEndian: boolean;
}

export interface Execution {
  /** The 32-bit return value. */
  readonly value: number;
  /** Instructions executed. */
  readonly steps: number;
  /** Program counters in execution order, when asked for. */
  readonly path?: readonly number[];
  /** The program ended on a division by X == 0 (returns 0). */
  readonly divisionByZero?: boolean;
}

const effects = new Map<number, Effect>();
function effectOf(code: number): Effect {
  let e = effects.get(code);
  if (!e) {
    const op = opcode(code);
    if (!op || !op.seccomp) throw new InternalError(`interpret: opcode 0x${code.toString(16)} in a validated program`);
    e = op.effect;
    effects.set(code, e);
  }
  return e;
}

/** `A op B` on u32, as the kernel computes it (shift counts masked to 5 bits). */
export function alu(op: string, a: number, b: number): number {
  switch (op) {
    case 'add': return (a + b) >>> 0;
    case 'sub': return (a - b) >>> 0;
    case 'mul': return Math.imul(a, b) >>> 0;
    case 'div': return Math.floor(a / b) >>> 0;
    case 'mod': return (a % b) >>> 0;
    case 'and': return (a & b) >>> 0;
    case 'or': return (a | b) >>> 0;
    case 'xor': return (a ^ b) >>> 0;
    case 'lsh': return (a << (b & 31)) >>> 0;
    case 'rsh': return a >>> (b & 31);
    default: throw new InternalError(`alu op ${op}`);
  }
}

/** The condition of a conditional jump. */
export function test(op: string, a: number, b: number): boolean {
  switch (op) {
    case 'jeq': return a === b;
    case 'jgt': return a > b;
    case 'jge': return a >= b;
    case 'jset': return (a & b) !== 0;
    default: throw new InternalError(`jump op ${op}`);
  }
}

export function interpret(program: Program, input: Input, options: { trace?: boolean } = {}): Execution {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(16);
  const path: number[] | undefined = options.trace ? [] : undefined;
  let steps = 0;
  let pc = 0;
  for (;;) {
    const ins = program[pc];
    if (!ins) throw new InternalError(`interpret: pc ${pc} ran off a validated program`);
    steps++;
    path?.push(pc);
    const e = effectOf(ins.code);
    switch (e.kind) {
      case 'ld-abs':
        a = input.view.getUint32(ins.k, input.littleEndian);
        break;
      case 'ld-len':
        if (e.dst === 'a') a = input.view.byteLength;
        else x = input.view.byteLength;
        break;
      case 'ld-imm':
        if (e.dst === 'a') a = ins.k;
        else x = ins.k;
        break;
      case 'ld-mem':
        if (e.dst === 'a') a = mem[ins.k]!;
        else x = mem[ins.k]!;
        break;
      case 'st':
        mem[ins.k] = e.src === 'a' ? a : x;
        break;
      case 'alu': {
        const b = e.src === 'k' ? ins.k : x;
        if (e.src === 'x' && (e.op === 'div' || e.op === 'mod') && b === 0) {
          return { value: 0, steps, divisionByZero: true, ...(path ? { path } : {}) };
        }
        a = alu(e.op, a, b);
        break;
      }
      case 'neg':
        a = -a >>> 0;
        break;
      case 'tax':
        x = a;
        break;
      case 'txa':
        a = x;
        break;
      case 'ja':
        pc += ins.k;
        break;
      case 'jmp':
        pc += test(e.op, a, e.src === 'k' ? ins.k : x) ? ins.jt : ins.jf;
        break;
      case 'ret':
        return { value: e.src === 'k' ? ins.k : a, steps, ...(path ? { path } : {}) };
      case 'ld-ind':
      case 'ldx-msh':
        throw new InternalError(`interpret: ${e.kind} in a validated seccomp program`);
      default:
        unreachable(e);
    }
    pc++;
  }
}
