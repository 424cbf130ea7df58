import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encode, decode } from './encode.js';
import { assemble } from './assemble.js';
import { disassemble } from './disassemble.js';
import { OPCODES } from './opcodes.js';
import type { Instruction } from './instruction.js';

const SEED = Number(process.env['SYSCAGE_SEED'] ?? Date.now() % 2 ** 31);
console.log(`roundtrip properties: seed ${SEED} (replay with SYSCAGE_SEED=${SEED})`);

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u8 = fc.integer({ min: 0, max: 255 });
// Any 8 bytes at all, and instructions built from known opcodes with small fields (the usual case).
const anyInsn = fc.record({ code: fc.integer({ min: 0, max: 0xffff }), jt: u8, jf: u8, k: u32 });
const knownInsn = fc.record({
  code: fc.constantFrom(...OPCODES.map((o) => o.code)),
  jt: fc.oneof(fc.constant(0), u8),
  jf: fc.oneof(fc.constant(0), u8),
  k: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 64 }), u32),
});
const programs = fc.array(fc.oneof(anyInsn, knownInsn, knownInsn), { minLength: 1, maxLength: 80 });

describe('round trips', () => {
  it('decode(encode(p)) = p in both byte orders', () => {
    fc.assert(fc.property(programs, (p: Instruction[]) => {
      for (const endian of ['little', 'big'] as const) expect(decode(encode(p, endian), endian).value).toEqual(p);
    }), { seed: SEED, numRuns: 500 });
  });
  it('asm(disasm(p)) = p byte for byte, for any bytes', () => {
    fc.assert(fc.property(programs, (p: Instruction[]) => {
      const back = assemble(disassemble(p));
      expect(back.diagnostics).toEqual([]);
      expect(Buffer.from(encode(back.value!, 'little'))).toEqual(Buffer.from(encode(p, 'little')));
    }), { seed: SEED, numRuns: 500 });
  });
  it('encodes struct sock_filter as u16 code, u8 jt, u8 jf, u32 k', () => {
    const p = [{ code: 0x0015, jt: 1, jf: 2, k: 0xc000003e }];
    expect([...encode(p, 'little')]).toEqual([0x15, 0x00, 1, 2, 0x3e, 0x00, 0x00, 0xc0]);
    expect([...encode(p, 'big')]).toEqual([0x00, 0x15, 1, 2, 0xc0, 0x00, 0x00, 0x3e]);
  });
  it.each([
    [0, 'SC3001'],
    [7, 'SC3002'],
    [12, 'SC3002'],
  ])('refuses %i bytes with %s', (n, code) => {
    expect(decode(new Uint8Array(n), 'little').diagnostics[0]?.code).toBe(code);
  });
});

describe('assembler diagnostics', () => {
  it.each([
    ['frob #1\nret #0', 'SC3021', 1],
    ['ret #0\nld [99999999999]', 'SC3021', 2],
    ['jeq #1, nowhere, 2\nret #0\nret #0', 'SC3022', 1],
    ['ret #0\n5: ret #0', 'SC3026', 2],
    ['x: ret #0\nx: ret #0', 'SC3025', 2],
    ['ld [0]\njeq #1, 300, 2\nret #0', 'SC3024', 2],
    ['ret #0\nja 0', 'SC3023', 2],
    ['; nothing', 'SC3020', undefined],
  ])('%j gives %s', (text, code, line) => {
    const r = assemble(text);
    expect(r.value).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe(code);
    if (line !== undefined) expect(r.diagnostics[0]?.location).toMatchObject({ kind: 'text', line });
  });
});
