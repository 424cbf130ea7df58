import { describe, expect, it } from 'vitest';
import { assemble } from './assemble.js';
import { validate } from './validate.js';
import { simulate } from '../seccomp/simulate.js';
import { parseAction } from '../seccomp/action.js';
import type { SeccompData } from '../seccomp/data.js';
import type { Endian } from '../arch/arch.js';

function run(text: string, data: Partial<SeccompData> = {}, endian: Endian = 'little') {
  const a = assemble(text, { parseReturn: parseAction });
  const p = validate(a.value ?? []);
  if (!p.value) throw new Error(JSON.stringify([...a.diagnostics, ...p.diagnostics]));
  return simulate(p.value, endian, { nr: 0, arch: 0, instructionPointer: 0n, args: [], ...data });
}

// Each row: a program ending in `ret a`, and the A it must return (kernel semantics, u32).
const ALU: Array<[string, string, number]> = [
  ['A starts at 0', 'ret a', 0],
  ['X starts at 0', 'txa\nret a', 0],
  ['add wraps', 'ld #0xffffffff\nadd #2\nret a', 1],
  ['sub wraps', 'ld #1\nsub #2\nret a', 0xffffffff],
  ['mul wraps at 32 bits', 'ld #0x10001\nmul #0x10001\nret a', 0x20001],
  ['div is unsigned', 'ld #0xfffffffe\ndiv #2\nret a', 0x7fffffff],
  ['neg', 'ld #1\nneg\nret a', 0xffffffff],
  ['and / or / xor', 'ld #0xf0f0\nand #0xff00\nor #0x1\nxor #0x3\nret a', 0xf002],
  ['lsh by constant', 'ld #1\nlsh #31\nret a', 0x80000000],
  ['rsh is logical', 'ld #0x80000000\nrsh #31\nret a', 1],
  ['lsh by X uses X & 31', 'ldx #33\nld #1\nlsh x\nret a', 2],
  ['rsh by X uses X & 31', 'ldx #32\nld #8\nrsh x\nret a', 8],
  ['TAX is X = A', 'ld #7\ntax\nld #0\ntxa\nret a', 7],
  ['TXA is A = X', 'ldx #9\ntxa\nret a', 9],
  ['add x', 'ldx #5\nld #6\nadd x\nret a', 11],
  ['div by X = 0 returns 0 from the program', 'ld #5\ndiv x\nld #1\nret a', 0],
  ['scratch memory', 'ld #3\nst M[4]\nldx M[4]\nld #0\ntxa\nret a', 3],
  ['stx', 'ldx #12\nstx M[0]\nld M[0]\nret a', 12],
  ['ld #len is sizeof(seccomp_data)', 'ld #len\nret a', 64],
  ['ldx #len', 'ldx #len\ntxa\nret a', 64],
  ['jset', 'ld #6\njset #1, t, f\nt: ret #1\nf: ret #2', 2],
  ['jgt is unsigned', 'ld #0xffffffff\njgt #1, t, f\nt: ret #1\nf: ret #2', 1],
  ['jge equal', 'ld #5\njge #5, t, f\nt: ret #1\nf: ret #2', 1],
  ['jeq x', 'ld #4\nldx #4\njeq x, t, f\nt: ret #1\nf: ret #2', 1],
  ['ja', 'ja l\nret #1\nl: ret #2', 2],
];

describe('interpret: ALU, X register, scratch memory, jumps', () => {
  it.each(ALU)('%s', (_name, text, want) => {
    expect(run(text).value).toBe(want);
  });
  it('reports a division by X = 0', () => {
    expect(run('div x\nret #5').divisionByZero).toBe(true);
  });
});

describe('interpret: seccomp_data layout per byte order', () => {
  const data = { nr: 41, arch: 0xc000003e, instructionPointer: 0x1122334455667788n, args: [0x0000000a_0000000bn, 0n, 0n, 0n, 0n, 0xdeadbeef_cafef00dn] };
  it.each<[Endian, number, number]>([
    ['little', 0, 41], ['big', 0, 41],
    ['little', 4, 0xc000003e], ['big', 4, 0xc000003e],
    ['little', 8, 0x55667788], ['little', 12, 0x11223344],
    ['big', 8, 0x11223344], ['big', 12, 0x55667788],
    ['little', 16, 0xb], ['little', 20, 0xa],
    ['big', 16, 0xa], ['big', 20, 0xb],
    ['little', 56, 0xcafef00d], ['little', 60, 0xdeadbeef],
    ['big', 56, 0xdeadbeef], ['big', 60, 0xcafef00d],
  ])('%s-endian ld [%i]', (endian, k, want) => {
    expect(run(`ld [${k}]\nret a`, data, endian).value).toBe(want);
  });
  it('records the path', () => {
    const a = assemble('ld [0]\njeq #41, y, n\ny: ret ALLOW\nn: ret KILL', { parseReturn: parseAction });
    const v = simulate(validate(a.value!).value!, 'little', { nr: 41, arch: 0, instructionPointer: 0n, args: [] }, { trace: true });
    expect(v.path).toEqual([0, 1, 2]);
    expect(v.action.kind).toBe('ALLOW');
  });
});
