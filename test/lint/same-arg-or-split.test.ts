// SPDX-License-Identifier: Apache-2.0
// same-arg-or-split (SC4006): conditions on one argument that runc ORs, with a witness the AND
// would not give the rule's action to, and block rules as the fix.

import { describe, expect, it } from 'vitest';
import { findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'same-arg-or-split';
const x86_64 = { architectures: ['SCMP_ARCH_X86_64'] };
const rule = (action: string, args: object[], names = ['socket']) => ({ names, action, args });
const cond = (index: number, op: string, value: number) => ({ index, value, op: `SCMP_CMP_${op}` });

describe(ID, () => {
  it.each([
    {
      name: 'allow a0 > 40 and a0 < 100: every value passes one of them',
      profile: profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(0, 'GT', 40), cond(0, 'LT', 100)])], x86_64),
      witness: 'socket(0x27, 0, 0) on x86_64 → ALLOW: a0 > 0x28 does not hold, yet the call gets the rule\'s action',
      fix: /^write the range a0 > 0x28 and a0 < 0x64 as 6 rules with one SCMP_CMP_MASKED_EQ on a0 each \(a0 & 0xffffffff == 0x29, .*covering 0x29–0x63$/,
    },
    {
      name: 'the other conditions stay in every block rule',
      profile: profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(0, 'GE', 2), cond(0, 'LE', 3), cond(1, 'EQ', 1)])], x86_64),
      witness: 'socket(1, 1, 0) on x86_64 → ALLOW: a0 >= 2 does not hold, yet the call gets the rule\'s action',
      fix: /^write the range a0 >= 2 and a0 <= 3 as 1 rule with one SCMP_CMP_MASKED_EQ on a0 each \(a0 & 0xfffffffe == 0x2\), covering 0x2–0x3, each also with a1 == 1$/,
    },
    {
      name: 'deny a0 != 1 and a0 != 2 under default allow: the OR refuses everything',
      profile: profileWith('SCMP_ACT_ALLOW', [rule('SCMP_ACT_ERRNO', [cond(0, 'NE', 1), cond(0, 'NE', 2)])], x86_64),
      witness: 'socket(1, 0, 0) on x86_64 → ERRNO(1): a0 != 1 does not hold, yet the call gets the rule\'s action',
      fix: /covering 0x0, 0x3–0xffffffff$/,
      pointer: '/syscalls/0',
    },
    {
      name: 'a 64-bit argument gets 64-bit blocks',
      profile: profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(1, 'GE', 4096), cond(1, 'LT', 8192)], ['mmap'])], x86_64),
      witness: 'mmap(0, 0xfff, 0, 0, 0, 0) on x86_64 → ALLOW: a1 >= 0x1000 does not hold, yet the call gets the rule\'s action',
      fix: /\(a1 & 0xfffffffffffff000 == 0x1000\), covering 0x1000–0x1fff$/,
    },
  ])('$name', ({ profile, witness, fix, pointer }) => {
    const s = profileSubject(profile);
    const findings = findingsOf(ID, s);
    expect(findings.map((f) => [f.severity, f.code, f.location?.kind === 'text' && f.location.pointer, f.witness?.text])).toEqual([['warning', 'SC4006', pointer ?? '/syscalls/1', witness]]);
    expect(findings[0]!.fix).toMatch(fix);
    expect(witnessesHold(s, findings)).toBe(true);
  });

  it.each([
    { name: 'conditions on different arguments', profile: profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(0, 'EQ', 1), cond(1, 'EQ', 1)])], x86_64) },
    { name: 'one condition per rule', profile: profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(0, 'LT', 38)]), rule('SCMP_ACT_ALLOW', [cond(0, 'GT', 40)])], x86_64) },
  ])('clean: $name', ({ profile }) => {
    expect(findingsOf(ID, profileSubject(profile)).map((f) => f.message)).toEqual([]);
  });

  it('is runc\'s reading: the libseccomp lens refuses the rule instead (rule-dropped-by-runtime)', () => {
    const profile = profileWith('SCMP_ACT_ERRNO', [rule('SCMP_ACT_ALLOW', [cond(0, 'GT', 40), cond(0, 'LT', 100)])], x86_64);
    expect(findingsOf(ID, profileSubject(profile, { lens: 'libseccomp' }))).toEqual([]);
    expect(findingsOf('rule-dropped-by-runtime', profileSubject(profile, { lens: 'libseccomp' })).map((f) => f.location?.kind === 'text' && f.location.pointer)).toEqual(['/syscalls/1/names/0']);
  });
});
