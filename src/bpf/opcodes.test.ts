import { describe, expect, it } from 'vitest';
import { OPCODES, opcode } from './opcodes.js';

// The codes kernel/seccomp.c seccomp_check_filter() lets through, written out from the kernel
// source (as numbers, not through our constants), plus the three it rewrites (ld [k], ld #len, ldx #len).
const KERNEL_SECCOMP_CODES = [
  0x20, 0x80, 0x81, // BPF_LD|W|ABS, BPF_LD|W|LEN, BPF_LDX|W|LEN
  0x06, 0x16, // RET K, RET A
  0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x54, 0x5c, 0x44, 0x4c, 0xa4, 0xac, 0x64, 0x6c, 0x74, 0x7c, 0x84, // ALU
  0x00, 0x01, 0x07, 0x87, 0x60, 0x61, 0x02, 0x03, // LD IMM, LDX IMM, TAX, TXA, LD MEM, LDX MEM, ST, STX
  0x05, 0x15, 0x1d, 0x35, 0x3d, 0x25, 0x2d, 0x45, 0x4d, // JA, JEQ, JGE, JGT, JSET (K, X)
];
// Classic codes the kernel knows (net/core/filter.c chk_code_allowed) but seccomp refuses.
const CLASSIC_NOT_SECCOMP = [0x94, 0x9c, 0x28, 0x30, 0x40, 0x48, 0x50, 0xb1];

describe('opcode table', () => {
  it('allows for seccomp exactly the kernel list', () => {
    const ours = OPCODES.filter((o) => o.seccomp).map((o) => o.code).sort((a, b) => a - b);
    expect(ours).toEqual([...KERNEL_SECCOMP_CODES].sort((a, b) => a - b));
  });
  it.each(CLASSIC_NOT_SECCOMP)('knows 0x%s as classic BPF that seccomp refuses', (code) => {
    expect(opcode(code)?.seccomp).toBe(false);
  });
  it.each([
    [0x07, 'tax', 'tax'],
    [0x87, 'txa', 'txa'],
    [0x16, 'ret', 'ret'],
    [0x20, 'ld', 'ld-abs'],
    [0x28, 'ldh', 'ld-abs'],
    [0xb1, 'ldxb', 'ldx-msh'],
  ])('code 0x%s is %s (%s)', (code, mnemonic, kind) => {
    expect(opcode(code)?.mnemonic).toBe(mnemonic);
    expect(opcode(code)?.effect.kind).toBe(kind);
  });
  it('has no duplicate codes and no ret x (0x0e)', () => {
    expect(new Set(OPCODES.map((o) => o.code)).size).toBe(OPCODES.length);
    expect(opcode(0x0e)).toBeUndefined();
  });
});
