// SPDX-License-Identifier: Apache-2.0
// THE opcode table of classic BPF: every consumer (decode, validate, interpret, disassemble,
// assemble) reads it, so an opcode's meaning is written down once.
// Mirrors include/uapi/linux/bpf_common.h and filter.h (the constants), net/core/filter.c
// chk_code_allowed() (what classic BPF is) and kernel/seccomp.c seccomp_check_filter() (what
// seccomp lets through: no MOD, no packet loads of halfwords/bytes, no indirect loads, no MSH).

// Instruction classes.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;
// Load sizes.
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
// Load modes.
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;
// ALU operations.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
// Jumps.
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
// Operand source.
export const BPF_K = 0x00;
export const BPF_X = 0x08;
// Return value source (BPF_RVAL).
export const BPF_A = 0x10;
// Misc operations.
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

export const BPF_MEMWORDS = 16;
export const BPF_MAXINSNS = 4096;

export const BPF_CLASS = (code: number): number => code & 0x07;
export const BPF_SIZE = (code: number): number => code & 0x18;
export const BPF_MODE = (code: number): number => code & 0xe0;
export const BPF_OP = (code: number): number => code & 0xf0;
export const BPF_SRC = (code: number): number => code & 0x08;

export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'and' | 'or' | 'xor' | 'lsh' | 'rsh';
export type JumpOp = 'jeq' | 'jgt' | 'jge' | 'jset';

/**
 * What one opcode does, as data. `k`, `jt` and `jf` say which fields of `struct sock_filter`
 * the opcode reads; the others should be zero (the disassembler prints non-zero unused fields raw).
 */
export type Effect =
  | { readonly kind: 'ld-abs'; readonly size: 4 | 2 | 1 } //      A = P[k:size]     (seccomp: the seccomp_data word at k)
  | { readonly kind: 'ld-ind'; readonly size: 4 | 2 | 1 } //      A = P[X+k:size]
  | { readonly kind: 'ld-len'; readonly dst: 'a' | 'x' } //       A|X = packet length (seccomp: sizeof(seccomp_data) = 64)
  | { readonly kind: 'ld-imm'; readonly dst: 'a' | 'x' } //       A|X = k
  | { readonly kind: 'ld-mem'; readonly dst: 'a' | 'x' } //       A|X = M[k]
  | { readonly kind: 'ldx-msh' } //                               X = 4 * (P[k] & 0xf)
  | { readonly kind: 'st'; readonly src: 'a' | 'x' } //           M[k] = A|X
  | { readonly kind: 'alu'; readonly op: AluOp; readonly src: 'k' | 'x' } // A = A op (k|X), 32-bit
  | { readonly kind: 'neg' } //                                   A = -A
  | { readonly kind: 'ja' } //                                    pc += k
  | { readonly kind: 'jmp'; readonly op: JumpOp; readonly src: 'k' | 'x' } // pc += (A op (k|X)) ? jt : jf
  | { readonly kind: 'ret'; readonly src: 'k' | 'a' } //          return k|A
  | { readonly kind: 'tax' } //                                   X = A
  | { readonly kind: 'txa' }; //                                  A = X

export interface Opcode {
  readonly code: number;
  /** bpf_asm spelling of the operation: `ld`, `ldh`, `jeq`, `ret`, `tax`… */
  readonly mnemonic: string;
  readonly effect: Effect;
  /** Does seccomp_check_filter() accept it? */
  readonly seccomp: boolean;
  /** Fields of struct sock_filter the opcode reads. */
  readonly usesK: boolean;
  readonly usesJumps: boolean;
}

const ALU_OPS: ReadonlyArray<readonly [AluOp, number]> = [
  ['add', BPF_ADD], ['sub', BPF_SUB], ['mul', BPF_MUL], ['div', BPF_DIV], ['mod', BPF_MOD],
  ['and', BPF_AND], ['or', BPF_OR], ['xor', BPF_XOR], ['lsh', BPF_LSH], ['rsh', BPF_RSH],
];
const JUMP_OPS: ReadonlyArray<readonly [JumpOp, number]> = [['jeq', BPF_JEQ], ['jgt', BPF_JGT], ['jge', BPF_JGE], ['jset', BPF_JSET]];
const SIZES: ReadonlyArray<readonly [4 | 2 | 1, number, string]> = [[4, BPF_W, 'ld'], [2, BPF_H, 'ldh'], [1, BPF_B, 'ldb']];

function buildTable(): Opcode[] {
  const t: Opcode[] = [];
  const add = (code: number, mnemonic: string, effect: Effect, seccomp: boolean, usesK = true): void => {
    t.push({ code, mnemonic, effect, seccomp, usesK, usesJumps: effect.kind === 'jmp' });
  };
  for (const [size, bits, mn] of SIZES) {
    // seccomp allows only 32-bit absolute loads (seccomp_data is read word by word).
    add(BPF_LD | bits | BPF_ABS, mn, { kind: 'ld-abs', size }, size === 4);
    add(BPF_LD | bits | BPF_IND, mn, { kind: 'ld-ind', size }, false);
  }
  add(BPF_LD | BPF_W | BPF_LEN, 'ld', { kind: 'ld-len', dst: 'a' }, true, false);
  add(BPF_LDX | BPF_W | BPF_LEN, 'ldx', { kind: 'ld-len', dst: 'x' }, true, false);
  add(BPF_LD | BPF_IMM, 'ld', { kind: 'ld-imm', dst: 'a' }, true);
  add(BPF_LDX | BPF_IMM, 'ldx', { kind: 'ld-imm', dst: 'x' }, true);
  add(BPF_LD | BPF_MEM, 'ld', { kind: 'ld-mem', dst: 'a' }, true);
  add(BPF_LDX | BPF_MEM, 'ldx', { kind: 'ld-mem', dst: 'x' }, true);
  add(BPF_LDX | BPF_B | BPF_MSH, 'ldxb', { kind: 'ldx-msh' }, false);
  add(BPF_ST, 'st', { kind: 'st', src: 'a' }, true);
  add(BPF_STX, 'stx', { kind: 'st', src: 'x' }, true);
  for (const [op, bits] of ALU_OPS) {
    add(BPF_ALU | bits | BPF_K, op, { kind: 'alu', op, src: 'k' }, op !== 'mod');
    add(BPF_ALU | bits | BPF_X, op, { kind: 'alu', op, src: 'x' }, op !== 'mod', false);
  }
  add(BPF_ALU | BPF_NEG, 'neg', { kind: 'neg' }, true, false);
  add(BPF_JMP | BPF_JA, 'ja', { kind: 'ja' }, true);
  for (const [op, bits] of JUMP_OPS) {
    add(BPF_JMP | bits | BPF_K, op, { kind: 'jmp', op, src: 'k' }, true);
    add(BPF_JMP | bits | BPF_X, op, { kind: 'jmp', op, src: 'x' }, true, false);
  }
  add(BPF_RET | BPF_K, 'ret', { kind: 'ret', src: 'k' }, true);
  add(BPF_RET | BPF_A, 'ret', { kind: 'ret', src: 'a' }, true, false);
  add(BPF_MISC | BPF_TAX, 'tax', { kind: 'tax' }, true, false);
  add(BPF_MISC | BPF_TXA, 'txa', { kind: 'txa' }, true, false);
  return t;
}

/** Every classic BPF opcode the kernel knows (chk_code_allowed), in a fixed order. */
export const OPCODES: readonly Opcode[] = buildTable();

const BY_CODE = new Map<number, Opcode>(OPCODES.map((o) => [o.code, o]));

/** The opcode for a `code` field, or undefined when it is not classic BPF. */
export function opcode(code: number): Opcode | undefined {
  return BY_CODE.get(code);
}
