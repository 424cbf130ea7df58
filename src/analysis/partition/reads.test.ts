// SPDX-License-Identifier: Apache-2.0
// reads: which seccomp_data words a verdict can depend on, with which constants, at which jumps,
// on the paths a call of the syscall can take.

import { describe, expect, it } from 'vitest';
import { assemble } from '../../bpf/assemble.js';
import { validate } from '../../bpf/validate.js';
import { parseAction } from '../../seccomp/action.js';
import { reads } from './per-syscall.js';

const X86_64 = 0xc000003e;

function program(lines: readonly string[]) {
  const asm = assemble(lines.join('\n'), { parseReturn: parseAction });
  const checked = validate(asm.value!);
  return checked.value!;
}

// socket (41): a0's high word must be 0, its low word 40 is refused; connect (42): a1 & 0xfff tested; ip tested for 39.
const P = program([
  '      ld [4]',
  '      jeq #0xc000003e, nr, kill',
  'nr:   ld [0]',
  '      jeq #41, sock, next',
  'next: jeq #42, conn, ip',
  'sock: ld [20]',
  '      jeq #0, lo, allow',
  'lo:   ld [16]',
  '      jeq #40, deny, allow',
  'conn: ld [24]',
  '      and #0xfff',
  '      jeq #0, allow, deny',
  'ip:   jeq #39, ipl, allow',
  'ipl:  ld [8]',
  '      jgt #0x1000, allow, deny',
  'allow: ret ALLOW',
  'deny: ret ERRNO(1)',
  'kill: ret KILL_PROCESS',
]);

const summary = (nr: number, auditArch = X86_64) => {
  const r = reads(P, 'little', auditArch, nr);
  return { loads: [...r.loads], tests: Object.fromEntries([...r.tests].map(([w, t]) => [w, { constants: [...t.constants], ...(t.masks.size ? { masks: [...t.masks] } : {}), pcs: t.pcs }])), truncated: r.truncated };
};

describe('reads', () => {
  it.each([
    { name: 'socket: both halves of a0', nr: 41, want: { loads: [4, 0, 20, 16], tests: { 16: { constants: [40], pcs: [8] }, 20: { constants: [0], pcs: [6] } } } },
    { name: 'connect: a1 low word through a mask (the masked constant)', nr: 42, want: { loads: [4, 0, 24], tests: { 24: { constants: [0], masks: [0xfff], pcs: [11] } } } },
    { name: 'getpid: the instruction pointer', nr: 39, want: { loads: [4, 0, 8], tests: { 8: { constants: [0x1000], pcs: [14] } } } },
    { name: 'read: nothing but nr and arch', nr: 0, want: { loads: [4, 0], tests: {} } },
  ])('$name', ({ nr, want }) => {
    expect(summary(nr)).toEqual({ ...want, truncated: false });
  });

  it('another ABI never gets past the arch check', () => {
    expect(summary(41, 0x40000003)).toEqual({ loads: [4], tests: {}, truncated: false });
  });

  it('a word that only reaches a test through other ALU operations is tested without a constant', () => {
    const p = program(['ld [16]', 'rsh #4', 'jeq #2, a, b', 'a: ret ALLOW', 'b: ret ERRNO(1)']);
    const r = reads(p, 'little', X86_64, 0);
    expect([...r.tests.get(16)!.constants]).toEqual([]);
    expect(r.tests.get(16)!.pcs).toEqual([2]);
  });
});
