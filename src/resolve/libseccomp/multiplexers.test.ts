// SPDX-License-Identifier: Apache-2.0
// Table tests of the libseccomp model for ../shared/reference/libseccomp-behaviour.md §3 and
// §9 facts 32–35 (socketcall/ipc companions), and for what the model reports beyond verdicts:
// the layout bugs it reproduces on request, the hang, and the outcome wording.

import { describe, expect, it } from 'vitest';
import { ALLOW, KILL, KILL_PROCESS, effects, errno, model, rcs, rule, verdict } from '../../../test/differential/model-table.js';

describe('§3 socketcall/ipc companions (facts 32–35)', () => {
  it('x86: socket(a0 == 1) also allows socketcall(a0 == 1): §1.1 listing', () => {
    const m = model([rule(ALLOW, 'socket', [0, 'EQ', 1])], { arches: ['x86_64', 'x86'], def: errno(1) });
    expect(verdict(m, 'x86', 102, 1)).toBe(ALLOW);
    expect(verdict(m, 'x86', 102, 2)).toBe(errno(1));
    expect(verdict(m, 'x86', 'socket', 1)).toBe(ALLOW);
    expect(verdict(m, 'x86_64', 'socket', 1)).toBe(ALLOW);
    expect(effects(m, 0)).toContain('x86: companion added on socketcall (102) with a0 == 1 (SYS_SOCKET); the a0 condition is not copied');
  });
  it('a0 is replaced by the call number and a1..a5 are copied unchanged (socket(a0==2 && a1==5) → socketcall(a0==1 && a1==5))', () => {
    const m = model([rule(ALLOW, 'socket', [0, 'EQ', 2], [1, 'EQ', 5])], { arches: ['x86'] });
    expect(verdict(m, 'x86', 102, 1, 5)).toBe(ALLOW);
    expect(verdict(m, 'x86', 102, 1, 6)).toBe(KILL);
    expect(verdict(m, 'x86', 102, 2, 5)).toBe(KILL);
    expect(effects(m, 0)[0]).toMatch(/a1 copied unchanged, so they test socketcall's arguments, not socket's/);
  });
  it('ipc: shmget is a0 == 23 on ipc (117); a flag test on a2 ends up testing the size', () => {
    const m = model([rule(errno(13), 'shmget', [2, 'MASKED_EQ', 0o1000, 0o1000])], { arches: ['x86'], def: ALLOW });
    expect(verdict(m, 'x86', 117, 23, 0, 0o1000)).toBe(errno(13));
    expect(verdict(m, 'x86', 117, 23 | (1 << 16), 0, 0o1000)).toBe(ALLOW); // the version bits dodge it
  });
  it('without a direct syscall (x86 accept, semop) only the multiplexed form exists (fact 34)', () => {
    const m = model([rule(ALLOW, 'accept'), rule(ALLOW, 'semop')], { arches: ['x86'] });
    expect(verdict(m, 'x86', 102, 5)).toBe(ALLOW);
    expect(verdict(m, 'x86', 117, 1)).toBe(ALLOW);
    expect([...m.policy.abis[0]!.syscalls.keys()].sort((a, b) => a - b)).toEqual([102, 117]);
    expect(effects(m, 0)).toContain('x86: no direct accept on x86: only the socketcall companion is emitted');
  });
  it('64-bit multiplexer ABIs (ppc64le, s390x) compare the call number on both words', () => {
    for (const arch of ['ppc64le', 's390x']) {
      const m = model([rule(ALLOW, 'socket', [0, 'EQ', 38])], { arches: [arch] });
      expect(verdict(m, arch, 102, 1), arch).toBe(ALLOW);
      expect(verdict(m, arch, 102, 0x1_0000_0001n), arch).toBe(KILL);
    }
  });
  it('mips o32 (4102/4117), sh, m68k, ppc, s390 get companions; x86_64, aarch64, mips64 do not', () => {
    const cases: Array<[string, number]> = [['mips', 4102], ['sh', 102], ['m68k', 102], ['ppc', 102], ['s390', 102]];
    for (const [arch, nr] of cases) expect(verdict(model([rule(ALLOW, 'bind')], { arches: [arch] }), arch, nr, 2), arch).toBe(ALLOW);
    for (const arch of ['x86_64', 'aarch64', 'mips64']) expect(model([rule(ALLOW, 'bind')], { arches: [arch] }).policy.abis[0]!.syscalls.size, arch).toBe(1);
  });
  it("several companions collapse: moby's a0<38 | a0==39 | a0>40 allows every socketcall(SYS_SOCKET) (§3.4)", () => {
    const m = model([rule(ALLOW, 'socket', [0, 'LT', 38]), rule(ALLOW, 'socket', [0, 'EQ', 39]), rule(ALLOW, 'socket', [0, 'GT', 40])], { arches: ['x86'], def: errno(1) });
    expect(rcs(m)).toEqual([0, 0, 0]);
    expect(verdict(m, 'x86', 102, 1, 0x1000)).toBe(ALLOW);
    expect(verdict(m, 'x86', 'socket', 38)).toBe(errno(1));
  });
  it('an unconditional socketcall rule overrides the companions, before or after them (fact 35)', () => {
    for (const order of [0, 1]) {
      const rs = [rule(ALLOW, 'socket', [0, 'LT', 38]), rule(errno(38), 'socketcall')];
      const m = model(order ? rs.reverse() : rs, { arches: ['x86'], def: errno(1) });
      expect(rcs(m)).toEqual([0, 0]);
      expect(verdict(m, 'x86', 102, 1)).toBe(errno(38));
      expect(verdict(m, 'x86', 'socket', 2)).toBe(ALLOW);
    }
  });
});

describe('layout bugs, reproduced only on request', () => {
  it('no-nr-load (ledger): aarch64, KILL_PROCESS open, ERRNO(1) socket(a0 == 17): socket(AF_PACKET) is ALLOWed under optimize 1', () => {
    const rs = [rule(KILL_PROCESS, 'open'), rule(errno(1), 'socket', [0, 'EQ', 17])];
    const spec = { arches: ['aarch64'], def: ALLOW };
    expect(verdict(model(rs, spec), 'aarch64', 'socket', 17)).toBe(errno(1));
    const buggy = model(rs, spec, { reproduceNoNrLoadBug: true });
    expect(buggy.noNrLoad).toEqual(['aarch64']);
    expect(verdict(buggy, 'aarch64', 'socket', 17)).toBe(ALLOW);
    expect(verdict(model(rs, spec, { reproduceNoNrLoadBug: true, optimize: 2 }), 'aarch64', 'socket', 17)).toBe(errno(1));
  });
  it('stale accumulator (ledger): a sibling test without its ld, reached holding another word', () => {
    const TRAP = 0x0003_0000;
    const TRACE = 0x7ff0_afa6;
    const rs = [
      rule(TRAP, 'memfd_secret', [2, 'NE', 0x8000_0000_0000_000cn], [1, 'LT', 0x74bc_7133_831b_5eben], [5, 'LE', 0x8000_0000_0000_000dn]),
      rule(TRACE, 'memfd_secret', [2, 'MASKED_EQ', 0xffff_ffff, 0xb], [1, 'LT', 0x1_0000_003fn]),
    ];
    const args = [0n, 0xffff_ffffn, 0xffff_ffffn, 1n, U64, 0n];
    expect(verdict(model(rs, { def: ALLOW }), 'x86_64', 'memfd_secret', ...args)).toBe(TRAP);
    const buggy = model(rs, { def: ALLOW }, { reproduceStaleAccumulatorBug: true });
    expect(verdict(buggy, 'x86_64', 'memfd_secret', ...args)).toBe(ALLOW);
    expect(buggy.bugHits?.get('x86_64')).toBeGreaterThan(0);
    // Layout lowering with the bugs repaired gives the intended meaning.
    expect(verdict(model(rs, { def: ALLOW }, { lowering: 'layout' }), 'x86_64', 'memfd_secret', ...args)).toBe(TRAP);
  });
  it('the rule-add hang (ledger): ALLOW read(a0 > 5, a1 > 7) then ALLOW read(a0 > 5, a1 == 1) never returns', () => {
    const m = model([rule(ALLOW, 'read', [0, 'GT', 5], [1, 'GT', 7]), rule(ALLOW, 'read', [0, 'GT', 5], [1, 'EQ', 1]), rule(ALLOW, 'write')]);
    expect(m.fault).toMatchObject({ stage: 'rule', rule: 1 });
    expect(rcs(m)).toEqual([0, -40, -40]);
    expect(effects(m, 1)[0]).toMatch(/never returns/);
    expect(verdict(m, 'x86_64', 'read', 6, 8)).toBe(ALLOW); // the policy is the rules before the hang
  });
});

const U64 = 0xffff_ffff_ffff_ffffn;
