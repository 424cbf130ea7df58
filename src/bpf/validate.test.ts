import { describe, expect, it } from 'vitest';
import { validate } from './validate.js';
import { assemble } from './assemble.js';
import { insn, type Instruction } from './instruction.js';
import { parseAction } from '../seccomp/action.js';

const asm = (text: string): Instruction[] => {
  const r = assemble(text, { parseReturn: parseAction });
  if (!r.value) throw new Error(JSON.stringify(r.diagnostics));
  return r.value;
};

// Each row: a program, the diagnostic code the kernel's rule gives, and the pc it points at.
const INVALID: Array<{ name: string; program: Instruction[]; code: string; pc?: number }> = [
  { name: 'empty', program: [], code: 'SC3001' },
  { name: '4097 instructions', program: new Array(4097).fill(insn(0x06, 0x7fff0000)), code: 'SC3003' },
  { name: 'unknown opcode', program: [insn(0xffff), insn(0x06)], code: 'SC3004', pc: 0 },
  { name: 'ret x is not an opcode', program: [insn(0x0e)], code: 'SC3004', pc: 0 },
  { name: 'BPF_MOD', program: asm('ld [0]\nmod #3\nret a'), code: 'SC3005', pc: 1 },
  { name: 'mod by constant 0 is a division by zero first', program: asm('mod #0\nret a'), code: 'SC3010', pc: 0 },
  { name: 'ldh [k]', program: asm('ldh [0]\nret a'), code: 'SC3005', pc: 0 },
  { name: 'ld [x + k]', program: asm('ld [x + 0]\nret a'), code: 'SC3005', pc: 0 },
  { name: 'ldxb msh', program: asm('ldxb 4*([0]&0xf)\nret a'), code: 'SC3005', pc: 0 },
  { name: 'load past seccomp_data', program: asm('ld [64]\nret a'), code: 'SC3006', pc: 0 },
  { name: 'misaligned load', program: asm('ld [2]\nret a'), code: 'SC3007', pc: 0 },
  { name: 'jeq past the end', program: [insn(0x15, 0, 0, 1), insn(0x06)], code: 'SC3008', pc: 0 },
  { name: 'ja past the end', program: [insn(0x05, 1), insn(0x06)], code: 'SC3008', pc: 0 },
  { name: 'ja with k = 2^32-1', program: [insn(0x05, 0xffffffff), insn(0x06)], code: 'SC3008', pc: 0 },
  { name: 'last is not ret', program: asm('ret #0\nld [0]'), code: 'SC3009', pc: 1 },
  { name: 'div by constant 0', program: asm('div #0\nret a'), code: 'SC3010', pc: 0 },
  { name: 'lsh by 32', program: asm('lsh #32\nret a'), code: 'SC3011', pc: 0 },
  { name: 'rsh by 99', program: asm('rsh #99\nret a'), code: 'SC3011', pc: 0 },
  { name: 'M[16]', program: asm('st M[16]\nret a'), code: 'SC3012', pc: 0 },
  { name: 'read unwritten M[0]', program: asm('ld M[0]\nret a'), code: 'SC3013', pc: 0 },
  { name: 'M[1] written on one way only', program: asm('ld [0]\njeq #1, w, r\nw: st M[1]\nr: ld M[1]\nret a'), code: 'SC3013', pc: 3 },
  // A jump resets the pass's state: the only way into `l` is the jump, from a state without M[2].
  { name: 'ja resets the state', program: asm('ld [0]\nja l\nst M[2]\nl: ld M[2]\nret a'), code: 'SC3013', pc: 3 },
];

const VALID: Array<{ name: string; program: Instruction[] }> = [
  { name: 'one ret', program: [insn(0x06, 0x7fff0000)] },
  { name: '4096 instructions', program: new Array(4096).fill(insn(0x06, 0x7fff0000)) },
  { name: 'ld #len and ldx #len', program: asm('ld #len\nldx #len\nret a') },
  { name: 'last word of seccomp_data', program: asm('ld [60]\nret a') },
  { name: 'lsh by 31', program: asm('lsh #31\nret a') },
  { name: 'div by X (checked at run time)', program: asm('div x\nret a') },
  { name: 'M[15] written then read', program: asm('st M[15]\nld M[15]\nret a') },
  // The kernel's pass does not reset its state after `ret`: the write before the ret "reaches"
  // the (unreachable) read after it, so the kernel accepts this.
  { name: 'ret state flows on', program: asm('st M[3]\nret #0\nld M[3]\nret a') },
  { name: 'written on both ways', program: asm('ld [0]\njeq #1, a, b\na: st M[1]\nja c\nb: st M[1]\nc: ld M[1]\nret a') },
  { name: 'unused fields may be set', program: [insn(0x06, 0, 7, 9)] },
];

describe('validate (kernel rules)', () => {
  it.each(INVALID)('refuses $name with $code', ({ program, code, pc }) => {
    const r = validate(program);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe(code);
    if (pc !== undefined) expect(r.diagnostics[0]?.location).toEqual({ kind: 'pc', pc });
  });
  it.each(VALID)('accepts $name', ({ program }) => {
    const r = validate(program);
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toBeDefined();
  });
});
