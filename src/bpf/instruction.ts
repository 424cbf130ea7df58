// SPDX-License-Identifier: Apache-2.0
// struct sock_filter (include/uapi/linux/filter.h) and the Program type: a list of
// instructions that passed `validate` (the brand is only given there).

import { opcode } from './opcodes.js';

export interface Instruction {
  /** u16 */ readonly code: number;
  /** u8: jump offset when true */ readonly jt: number;
  /** u8: jump offset when false */ readonly jf: number;
  /** u32 */ readonly k: number;
}

declare const validated: unique symbol;
/** A program the kernel would accept: only `validate` makes one. */
export type Program = readonly Instruction[] & { readonly [validated]: true };

export function insn(code: number, k = 0, jt = 0, jf = 0): Instruction {
  return { code, jt, jf, k: k >>> 0 };
}

/** Absolute targets of a jump at `pc`, or [] for a non-jump. */
export function jumpTargets(ins: Instruction, pc: number): number[] {
  const op = opcode(ins.code);
  if (!op) return [];
  if (op.effect.kind === 'ja') return [pc + 1 + ins.k];
  if (op.effect.kind === 'jmp') return [pc + 1 + ins.jt, pc + 1 + ins.jf];
  return [];
}

export function isReturn(ins: Instruction): boolean {
  return opcode(ins.code)?.effect.kind === 'ret';
}

export function sameInstruction(a: Instruction, b: Instruction): boolean {
  return a.code === b.code && a.jt === b.jt && a.jf === b.jf && a.k === b.k;
}
