// The compiler on hostile sizes: thousands of conditional rules for one syscall are lowered
// without exhausting the JS stack (the decision list is walked with an explicit stack), the
// verdicts stay right, and a policy that cannot fit the kernel's 4096 instructions is refused
// with SC2001 before anything is lowered.
import { describe, expect, it } from 'vitest';
import { archByName, syscallNumber } from '../arch/index.js';
import { simulate } from '../seccomp/simulate.js';
import { compileProfile } from './profile.js';

const X86_64 = archByName('x86_64')!;
const profile = (n: number) => JSON.stringify({
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: Array.from({ length: n }, (_, i) => ({ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 + (i % 7), args: [{ index: 0, value: 100 + 2 * i, op: 'SCMP_CMP_EQ' }] })),
});

describe('compile limits', () => {
  it('3000 rules on one syscall: compiled, and each value gets its errno', () => {
    const c = compileProfile(profile(3000), { host: X86_64, arches: [X86_64] });
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(c.program!.length).toBeLessThanOrEqual(4096);
    const nr = syscallNumber(X86_64, 'personality')!;
    const at = (a0: bigint) => simulate(c.program!, 'little', { nr, arch: X86_64.auditArch, instructionPointer: 0n, args: [a0] }).value;
    for (const i of [0, 1, 1999, 2999]) expect(at(BigInt(100 + 2 * i))).toBe(0x00050000 + 1 + (i % 7));
    expect(at(101n)).toBe(0x7fff0000);
    expect(at(100n + 6000n)).toBe(0x7fff0000);
  });

  it('more conditional rules than the kernel has instructions: SC2001 without lowering', () => {
    const c = compileProfile(profile(5000), { host: X86_64 });
    expect(c.program).toBeUndefined();
    expect(c.diagnostics.map((d) => d.code)).toContain('SC2001');
    expect(c.diagnostics.find((d) => d.code === 'SC2001')!.message).toMatch(/at least \d+ instructions, at least \d+ over/);
  });
});
