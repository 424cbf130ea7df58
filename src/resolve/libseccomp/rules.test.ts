// SPDX-License-Identifier: Apache-2.0
// Table tests of the libseccomp model (2.6 by default) for ../shared/reference/libseccomp-behaviour.md
// §2.1–2.8 and §9 facts 19–31 and 37, with the examples given there.

import { describe, expect, it } from 'vitest';
import { ALLOW, KILL, KILL_PROCESS, LOG, act, effects, errno, model, rcs, rule, trace, verdict, type Cond } from '../../../test/differential/model-table.js';

const EINVAL = -22;
const EACCES = -13;
const EEXIST = -17;
const EFAULT = -14;

describe('§2.1 API checks (facts 27, 31)', () => {
  it('more than 6 comparisons, a reserved syscall, -1 without TSKIP, an invalid action: -EINVAL', () => {
    const seven = [0, 1, 2, 3, 4, 5, 0].map((a): Cond => [a, 'EQ', 1]);
    const m = model([rule(ALLOW, 'read', ...seven), rule(ALLOW, -5), rule(ALLOW, -1), rule(errno(4095), 'read'), rule(errno(4094), 'write')]);
    expect(rcs(m)).toEqual([EINVAL, EINVAL, EINVAL, EINVAL, 0]);
  });
  it('the action equal to the default: -EACCES, and nothing is added (fact 27)', () => {
    const m = model([rule(errno(1), 'socket', [0, 'EQ', 38])], { def: errno(1) });
    expect(rcs(m)).toEqual([EACCES]);
    expect(m.policy.abis[0]!.syscalls.size).toBe(0);
  });
  it('the same argument twice: -EINVAL, checked after -EACCES (fact 20)', () => {
    const m = model([rule(ALLOW, 'write', [0, 'EQ', 1], [0, 'EQ', 2]), rule(KILL, 'write', [0, 'EQ', 1], [0, 'EQ', 2])]);
    expect(rcs(m)).toEqual([EINVAL, EACCES]);
  });
  it('TRAP with data: valid in 2.6, -EINVAL in 2.5', () => {
    expect(rcs(model([rule(act('TRAP', 5), 'close')]))).toEqual([0]);
    expect(rcs(model([rule(act('TRAP', 5), 'close')], {}, { version: '2.5' }))).toEqual([EINVAL]);
  });
  it('a rule refused on one ABI is rolled back on all of them', () => {
    const m = model([rule(ALLOW, 1000)], { arches: ['x86_64', 'aarch64'] }, { native: undefined });
    expect(rcs(m)).toEqual([EFAULT]);
    expect(m.policy.abis[0]!.syscalls.size).toBe(0);
    // On the native ABI alone a raw number is used as it is.
    expect(verdict(model([rule(ALLOW, 1000)]), 'x86_64', 1000)).toBe(ALLOW);
  });
  it('syscall -1 with API_TSKIP is emitted as jeq 0xffffffff (facts 31, §2.6)', () => {
    const m = model([rule(ALLOW, -1)], { attrs: { tskip: true } });
    expect(rcs(m)).toEqual([0]);
    expect(verdict(m, 'x86_64', 0xffffffff)).toBe(ALLOW);
  });
});

describe('§2.2 several rules for one syscall (facts 21–25)', () => {
  it('an unconditional rule overrides the conditional ones, added after or before (fact 22)', () => {
    const after = model([rule(errno(5), 'socket', [0, 'EQ', 1]), rule(LOG, 'socket')]);
    const before = model([rule(LOG, 'socket'), rule(errno(5), 'socket', [0, 'EQ', 1])]);
    for (const m of [after, before]) {
      expect(rcs(m)).toEqual([0, 0]);
      expect(verdict(m, 'x86_64', 'socket', 1)).toBe(LOG);
      expect(verdict(m, 'x86_64', 'socket', 2)).toBe(LOG);
    }
    expect(effects(after, 1)).toEqual(['x86_64: overrides the conditional rules for socket']);
    expect(effects(before, 1)[0]).toMatch(/^x86_64: dropped: an unconditional rule for socket \(LOG \(\/rules\/0\)\) was added before/);
  });
  it('an identical chain with another action: -EEXIST, the first action stays (fact 23)', () => {
    const m = model([rule(ALLOW, 'read', [0, 'EQ', 1]), rule(errno(2), 'read', [0, 'EQ', 1])]);
    expect(rcs(m)).toEqual([0, EEXIST]);
    expect(effects(m, 1)[0]).toMatch(/^x86_64: -EEXIST: conflicts with ALLOW \(\/rules\/0\)/);
    expect(verdict(m, 'x86_64', 'read', 1)).toBe(ALLOW);
  });
  it('a longer rule after its prefix is dropped, whatever its action (fact 24)', () => {
    const m = model([rule(ALLOW, 'read', [0, 'EQ', 1]), rule(errno(3), 'read', [0, 'EQ', 1], [1, 'EQ', 2])]);
    expect(rcs(m)).toEqual([0, 0]);
    expect(effects(m, 1)).toEqual(['x86_64: dropped: a shorter rule with the same prefix was added before (libseccomp keeps the shorter one)']);
    expect(verdict(m, 'x86_64', 'read', 1, 2)).toBe(ALLOW);
  });
  it('a shorter rule after a longer one: same action prunes, another action -EEXIST (fact 25)', () => {
    const same = model([rule(ALLOW, 'read', [0, 'EQ', 1], [1, 'EQ', 2]), rule(ALLOW, 'read', [0, 'EQ', 1])]);
    expect(rcs(same)).toEqual([0, 0]);
    expect(verdict(same, 'x86_64', 'read', 1, 7)).toBe(ALLOW);
    const other = model([rule(ALLOW, 'read', [0, 'EQ', 1], [1, 'EQ', 2]), rule(errno(1), 'read', [0, 'EQ', 1])]);
    expect(rcs(other)).toEqual([0, EEXIST]);
    expect(effects(other, 1)[0]).toMatch(/-EEXIST: conflicts with a longer rule for read with the same prefix and another action \(ALLOW \(\/rules\/0\)\)/);
    expect(verdict(other, 'x86_64', 'read', 1, 7)).toBe(KILL);
  });
  it('exact duplicates are no-ops; a second unconditional rule is dropped', () => {
    const m = model([rule(ALLOW, 'read', [0, 'EQ', 1]), rule(ALLOW, 'read', [0, 'EQ', 1]), rule(LOG, 'write'), rule(ALLOW, 'write')]);
    expect(rcs(m)).toEqual([0, 0, 0, 0]);
    expect(effects(m, 1)).toEqual(['x86_64: no change: an identical rule was added before']);
    expect(effects(m, 3)[0]).toMatch(/dropped: write already has an unconditional rule \(LOG/);
    expect(verdict(m, 'x86_64', 'write')).toBe(LOG);
  });
});

describe('§2.3/§2.4 comparisons in a rule, and which matching rule wins (facts 19, 26)', () => {
  it('comparisons are ANDed in ascending index whatever the API order', () => {
    const m = model([rule(ALLOW, 'read', [2, 'EQ', 3], [0, 'EQ', 1])]);
    expect(verdict(m, 'x86_64', 'read', 1, 0, 3)).toBe(ALLOW);
    expect(verdict(m, 'x86_64', 'read', 1, 0, 4)).toBe(KILL);
  });
  it('ERRNO(5) a0==1 plus ALLOW a1==2: socket(1,2) is ALLOWed, in both orders (higher index first)', () => {
    for (const rs of [[rule(errno(5), 'socket', [0, 'EQ', 1]), rule(ALLOW, 'socket', [1, 'EQ', 2])], [rule(ALLOW, 'socket', [1, 'EQ', 2]), rule(errno(5), 'socket', [0, 'EQ', 1])]]) {
      expect(verdict(model(rs), 'x86_64', 'socket', 1, 2)).toBe(ALLOW);
    }
  });
  it('ALLOW a0>0 plus ERRNO(5) a0==1: socket(1) is ERRNO(5), in both orders (EQ before GT)', () => {
    for (const rs of [[rule(ALLOW, 'socket', [0, 'GT', 0]), rule(errno(5), 'socket', [0, 'EQ', 1])], [rule(errno(5), 'socket', [0, 'EQ', 1]), rule(ALLOW, 'socket', [0, 'GT', 0])]]) {
      const m = model(rs);
      expect(verdict(m, 'x86_64', 'socket', 1)).toBe(errno(5));
      expect(verdict(m, 'x86_64', 'socket', 2)).toBe(ALLOW);
    }
  });
  it('test 43: read ERRNO(5) a2>128, ERRNO(6) a2>256: the tightest bound wins', () => {
    const m = model([rule(errno(5), 'read', [2, 'GT', 128]), rule(errno(6), 'read', [2, 'GT', 256])], { def: ALLOW });
    expect([100, 200, 300].map((v) => verdict(m, 'x86_64', 'read', 0, 0, v))).toEqual([ALLOW, errno(5), errno(6)]);
  });
  it('NE and EQ on one value merge into one node with a true and a false action', () => {
    const m = model([rule(ALLOW, 'read', [0, 'EQ', 5]), rule(errno(1), 'read', [0, 'NE', 5])]);
    expect(rcs(m)).toEqual([0, 0]);
    expect(verdict(m, 'x86_64', 'read', 5)).toBe(ALLOW);
    expect(verdict(m, 'x86_64', 'read', 6)).toBe(errno(1));
  });
});

describe('§2.7 64-bit and 32-bit comparisons (facts 15–18)', () => {
  const cases: Array<[string, number | bigint, Array<[bigint, boolean]>]> = [
    ['GT', 0x1_0000_0005n, [[0x1_0000_0006n, true], [0x1_0000_0005n, false], [0x2_0000_0000n, true], [0xffff_ffffn, false]]],
    ['GE', 0x1_0000_0005n, [[0x1_0000_0005n, true], [0x1_0000_0004n, false]]],
    ['LT', 0x1_0000_0005n, [[0x1_0000_0004n, true], [0x1_0000_0005n, false], [5n, true], [0x2_0000_0000n, false]]],
    ['LE', 0x1_0000_0005n, [[0x1_0000_0005n, true], [0x1_0000_0006n, false]]],
    ['EQ', 0x1_0000_0005n, [[0x1_0000_0005n, true], [5n, false]]],
    ['NE', 0x1_0000_0005n, [[0x1_0000_0005n, false], [5n, true]]],
    ['GT', 0n, [[-1n, true]]], // unsigned: (int)-1 > 0
  ];
  it.each(cases)('x86_64 a0 %s %s', (op, d, probes) => {
    const m = model([rule(ALLOW, 'read', [0, op as 'EQ', d])]);
    for (const [v, ok] of probes) expect(verdict(m, 'x86_64', 'read', v), `a0 = 0x${v.toString(16)}`).toBe(ok ? ALLOW : KILL);
  });
  it('MASKED_EQ: datum pre-masked; a mask 0 in both halves is dropped; one zero half still compares', () => {
    const zero = model([rule(ALLOW, 'read', [0, 'MASKED_EQ', 0, 7])]);
    expect(verdict(zero, 'x86_64', 'read', 12345)).toBe(ALLOW);
    const hiOnly = model([rule(ALLOW, 'read', [0, 'MASKED_EQ', 0xffff_ffff_0000_0000n, 0x1_0000_0007n])]);
    expect(verdict(hiOnly, 'x86_64', 'read', 0x1_0000_0000n)).toBe(ALLOW);
    expect(verdict(hiOnly, 'x86_64', 'read', 7)).toBe(KILL);
  });
  it('32-bit ABIs compare low words only: datum and mask truncated (x86, x32, arm, mips64n32)', () => {
    for (const arch of ['x86', 'x32', 'arm', 'mips64n32']) {
      const m = model([rule(ALLOW, 'read', [0, 'EQ', 0x1_0000_0001n]), rule(ALLOW, 'write', [0, 'MASKED_EQ', 0xffff_ffff_0000_0000n, 0x1_0000_0000n])], { arches: [arch] });
      expect(verdict(m, arch, 'read', 1), arch).toBe(ALLOW);
      expect(verdict(m, arch, 'read', 0x2_0000_0001n), arch).toBe(ALLOW);
      expect(verdict(m, arch, 'write', 99), arch).toBe(ALLOW); // mask has no low bit: dropped
      expect(effects(m, 0).join(' '), arch).toMatch(/compares the low 32 bits only/);
    }
  });
});

describe('§2.8 pitfalls (fact 37)', () => {
  it('high bits of an int argument pass a0 > 40 on x86_64', () => {
    const m = model([rule(ALLOW, 'socket', [0, 'LT', 38]), rule(ALLOW, 'socket', [0, 'EQ', 39]), rule(ALLOW, 'socket', [0, 'GT', 40])], { def: errno(1) });
    expect(verdict(m, 'x86_64', 'socket', 38)).toBe(errno(1));
    expect(verdict(m, 'x86_64', 'socket', 0x1_0000_0026n)).toBe(ALLOW);
  });
  it('GHSA-4q85: ALLOW a2 < 0x1_0000_0009 then ERRNO(5) a2 < 0x1_0000_0005: read(a2=3) is ERRNO(5) on 2.6, ALLOW on 2.5', () => {
    const rs = [rule(ALLOW, 'read', [2, 'LT', 0x1_0000_0009n]), rule(errno(5), 'read', [2, 'LT', 0x1_0000_0005n])];
    expect(verdict(model(rs), 'x86_64', 'read', 0, 0, 3)).toBe(errno(5));
    expect(verdict(model(rs, {}, { version: '2.5' }), 'x86_64', 'read', 0, 0, 3)).toBe(ALLOW);
  });
  it('§10.10: two NE rules: fcntl(a3 = 0x1_0000_0000) is ERRNO(9) on 2.6, TRACE(7) on 2.5', () => {
    const rs = [rule(trace(7), 'fcntl', [3, 'NE', 0xffff_ffff]), rule(errno(9), 'fcntl', [3, 'NE', 15])];
    expect(verdict(model(rs), 'x86_64', 'fcntl', 0, 0, 0, 0x1_0000_0000n)).toBe(errno(9));
    expect(verdict(model(rs, {}, { version: '2.5' }), 'x86_64', 'fcntl', 0, 0, 0, 0x1_0000_0000n)).toBe(trace(7));
  });
});

describe('ABIs, translation, dispatch (facts 1–8, 29, 30)', () => {
  it('native numbers are translated by name; a syscall an ABI lacks emits nothing there', () => {
    const m = model([rule(ALLOW, 41), rule(KILL_PROCESS, 'open')], { arches: ['x86_64', 'aarch64'], def: errno(1) });
    expect(verdict(m, 'aarch64', 'socket')).toBe(ALLOW);
    expect(verdict(m, 'x86_64', 'open')).toBe(KILL_PROCESS);
    expect(m.policy.abis[1]!.syscalls.size).toBe(1);
    expect(effects(m, 1)).toContain('aarch64: open does not exist on aarch64: nothing is emitted there');
  });
  it('x86_64 alone sends x32 numbers to the bad-arch action (but nr -1); x86_64+x32 share one block', () => {
    const alone = model([rule(ALLOW, 'read')], { def: errno(1), attrs: { badArchAction: LOG } });
    expect(verdict(alone, 'x86_64', 0x4000_0000)).toBe(LOG);
    expect(verdict(alone, 'x86_64', 0xffff_ffff)).toBe(errno(1));
    const both = model([rule(ALLOW, 'read')], { arches: ['x86_64', 'x32'], def: errno(1), attrs: { badArchAction: LOG } });
    expect(verdict(both, 'x32', 'read')).toBe(ALLOW);
    expect(verdict(both, 'x86_64', 'read')).toBe(ALLOW);
    expect(verdict(both, 'x32', 'write')).toBe(errno(1));
  });
});
