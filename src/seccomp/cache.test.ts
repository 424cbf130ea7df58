import { describe, expect, it } from 'vitest';
import { assemble } from '../bpf/assemble.js';
import { isConstantAllow } from './cache.js';
import { parseAction } from './action.js';

const X86_64 = 0xc000003e;
const p = (text: string) => assemble(text, { parseReturn: parseAction }).value!;

// kernel/seccomp.c seccomp_is_const_allow(): which programs the kernel serves from its bitmap.
const CASES: Array<[string, string, number, boolean]> = [
  ['ret ALLOW', 'ret ALLOW', 39, true],
  ['ret ALLOW with data is not SECCOMP_RET_ALLOW', 'ret #0x7fff0001', 39, false],
  ['ret LOG is not cached', 'ret LOG', 39, false],
  ['nr dispatch to ALLOW', 'ld [4]\njeq #0xc000003e, 2, 5\nld [0]\njeq #39, 5, 6\nret KILL\nret ALLOW\nret ERRNO(1)', 39, true],
  ['nr dispatch to ERRNO', 'ld [4]\njeq #0xc000003e, 2, 5\nld [0]\njeq #39, 5, 6\nret KILL\nret ALLOW\nret ERRNO(1)', 40, false],
  ['and #k is followed', 'ld [0]\nand #0xff\njeq #39, 4, 3\nret KILL\nret ALLOW', 0x127, true],
  ['jset/jgt/jge are followed', 'ld [0]\njset #0x40000000, 4, 2\njgt #10, 4, 3\nret KILL\nret ALLOW', 39, true],
  ['an argument load gives up', 'ld [16]\nret ALLOW', 39, false],
  ['an ip load gives up', 'ld [8]\nret ALLOW', 39, false],
  ['ret a gives up', 'ld #0x7fff0000\nret a', 39, false],
  ['ld #imm gives up', 'ld #0\nret ALLOW', 39, false],
  ['jeq x gives up', 'ld [0]\njeq x, 2, 2\nret KILL\nret ALLOW', 39, false],
  ['an argument load on another path does not matter', 'ld [0]\njeq #39, 3, 2\nld [16]\nret ALLOW', 39, true],
];

describe('kernel constant-action cache', () => {
  it.each(CASES)('%s', (_name, text, nr, want) => {
    expect(isConstantAllow(p(text), X86_64, nr)).toBe(want);
  });
});
