// SPDX-License-Identifier: Apache-2.0
// The kernel's checks for a seccomp filter, in the kernel's order, so that `validate` accepts
// exactly what seccomp(2) accepts (EINVAL otherwise):
//   kernel/seccomp.c seccomp_prepare_filter()  length 1..BPF_MAXINSNS
//   net/core/filter.c bpf_check_classic()      known opcode; DIV/MOD by constant 0; shifts by a
//                                              constant >= 32; M[k] with k < 16; jumps inside the
//                                              program; the last instruction a return;
//                                              check_load_and_stores() (scratch memory)
//   kernel/seccomp.c seccomp_check_filter()    the seccomp subset of opcodes; 32-bit loads aligned
//                                              and inside struct seccomp_data
// The kernel stops at the first problem; we report every problem we can, each with its pc.

import { diag } from '../diagnostics/messages.js';
import type { Diagnostic, Result } from '../diagnostics/diagnostic.js';
import type { Instruction, Program } from './instruction.js';
import { BPF_MAXINSNS, BPF_MEMWORDS, opcode } from './opcodes.js';
import { hex32 } from '../bits.js';

/** sizeof(struct seccomp_data) */
export const SECCOMP_DATA_SIZE = 64;

const at = (pc: number) => ({ kind: 'pc', pc }) as const;

function checkInstruction(ins: Instruction, pc: number, len: number): Diagnostic | undefined {
  const op = opcode(ins.code);
  if (!op) return diag('badOpcode', { code: hex32(ins.code, 4) }, at(pc));
  const e = op.effect;
  // bpf_check_classic's special cases.
  if (e.kind === 'alu' && e.src === 'k') {
    if ((e.op === 'div' || e.op === 'mod') && ins.k === 0) return diag('divideByZero', {}, at(pc));
    if ((e.op === 'lsh' || e.op === 'rsh') && ins.k >= 32) return diag('shiftTooLarge', { k: ins.k }, at(pc));
  }
  if ((e.kind === 'ld-mem' || e.kind === 'st') && ins.k >= BPF_MEMWORDS) return diag('scratchOutOfRange', { k: ins.k }, at(pc));
  if (e.kind === 'ja' && ins.k >= len - pc - 1) return diag('jumpOutOfRange', { target: pc + 1 + ins.k, count: len }, at(pc));
  if (e.kind === 'jmp') {
    const far = Math.max(ins.jt, ins.jf);
    if (pc + far + 1 >= len) return diag('jumpOutOfRange', { target: pc + 1 + far, count: len }, at(pc));
  }
  // seccomp_check_filter.
  if (!op.seccomp) return diag('opcodeNotSeccomp', { mnemonic: op.mnemonic, code: hex32(ins.code, 4) }, at(pc));
  if (e.kind === 'ld-abs') {
    if (ins.k >= SECCOMP_DATA_SIZE) return diag('loadOutOfData', { k: ins.k }, at(pc));
    if (ins.k & 3) return diag('loadMisaligned', { k: ins.k }, at(pc));
  }
  return undefined;
}

/**
 * check_load_and_stores(): one linear pass; a read of M[k] needs M[k] marked written on every
 * way into it. A jump hands its state to its targets and resets it to "all written"; a `ret`
 * does not reset it, so its state flows into the next instruction. This is stricter than what
 * can happen at run time, and we must be exactly as strict.
 */
function checkScratch(program: readonly Instruction[]): Diagnostic[] {
  const masks = new Uint16Array(program.length).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const ins = program[pc]!;
    memvalid &= masks[pc]!;
    const e = opcode(ins.code)?.effect;
    if (!e) continue;
    if (e.kind === 'st') memvalid |= 1 << ins.k;
    else if (e.kind === 'ld-mem') {
      if (!(memvalid & (1 << ins.k))) return [diag('scratchUnwritten', { k: ins.k }, at(pc))];
    } else if (e.kind === 'ja') {
      masks[pc + 1 + ins.k]! &= memvalid;
      memvalid = 0xffff;
    } else if (e.kind === 'jmp') {
      masks[pc + 1 + ins.jt]! &= memvalid;
      masks[pc + 1 + ins.jf]! &= memvalid;
      memvalid = 0xffff;
    }
  }
  return [];
}

/** Checks `program` as seccomp(2) would, and brands it a Program when the kernel would load it. */
export function validate(program: readonly Instruction[]): Result<Program> {
  const len = program.length;
  if (len === 0) return { diagnostics: [diag('emptyInput')] };
  if (len > BPF_MAXINSNS) return { diagnostics: [diag('tooLong', { count: len })] };
  const diagnostics: Diagnostic[] = [];
  program.forEach((ins, pc) => {
    const d = checkInstruction(ins, pc, len);
    if (d) diagnostics.push(d);
  });
  const last = program[len - 1]!;
  const lastOp = opcode(last.code);
  if (lastOp?.effect.kind !== 'ret') {
    diagnostics.push(diag('lastNotReturn', { mnemonic: lastOp?.mnemonic ?? hex32(last.code, 4) }, at(len - 1)));
  }
  // The scratch pass indexes jump targets, so it runs only on programs whose jumps are in range.
  // (and on valid cell numbers, since it shifts by k).
  if (!diagnostics.some((d) => d.code === 'SC3008' || d.code === 'SC3004' || d.code === 'SC3012')) diagnostics.push(...checkScratch(program));
  if (diagnostics.length > 0) return { diagnostics };
  return { value: program as Program, diagnostics: [] };
}
