// SPDX-License-Identifier: Apache-2.0
// rule-dropped-by-runtime (SC4005): one finding per rule the runtime drops, skips, refuses or
// overrides, with a witness and severity error where the drop opens a hole.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'rule-dropped-by-runtime';
const fixture = (path: string) => readFileSync(`test/fixtures/profiles/${path}`, 'utf8');
const x86_64 = { architectures: ['SCMP_ARCH_X86_64'] };
const withX86 = { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] };
const allowUnix = { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] };
const brief = (subject: ReturnType<typeof profileSubject>) =>
  findingsOf(ID, subject).filter((f) => f.severity !== 'info').map((f) => ({
    severity: f.severity,
    pointer: f.location?.kind === 'text' ? f.location.pointer : undefined,
    witness: f.witness?.text,
  }));

describe(ID, () => {
  it.each([
    {
      name: 'socketcall ERRNO(EPERM) equal to the default, next to an arg-filtered socket rule: the companion allows it',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, allowUnix], withX86)),
      want: [{ severity: 'error', pointer: '/syscalls/1', witness: 'socketcall(1, 0) on x86 → ALLOW: the rule the runtime does not load says ERRNO(1)' }],
    },
    {
      name: 'a rule equal to the default with nothing broader: dropped, no effect',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }], x86_64)),
      want: [{ severity: 'warning', pointer: '/syscalls/1', witness: undefined }],
    },
    {
      name: 'a name libseccomp does not know',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['getpid', 'no_such_call'], action: 'SCMP_ACT_ALLOW' }], x86_64)),
      want: [{ severity: 'warning', pointer: '/syscalls/1/names/1', witness: undefined }],
    },
    {
      name: 'a conditional deny after an unconditional allow: dropped',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['personality'], action: 'SCMP_ACT_ALLOW' }, { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }], x86_64)),
      want: [{ severity: 'error', pointer: '/syscalls/2/names/0', witness: 'personality(8) on x86_64 → ALLOW: the rule the runtime does not load says ERRNO(13)' }],
    },
    {
      name: 'a conditional deny before an unconditional allow: overridden all the same',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['fcntl'], action: 'SCMP_ACT_ERRNO', errnoRet: 9, args: [{ index: 1, value: 1, op: 'SCMP_CMP_EQ' }] }, { names: ['fcntl'], action: 'SCMP_ACT_ALLOW' }], x86_64)),
      want: [{ severity: 'error', pointer: '/syscalls/1/names/0', witness: 'fcntl(0, 1, 0) on x86_64 → ALLOW: the rule the runtime does not load says ERRNO(9)' }],
    },
    {
      name: 'a second unconditional rule with another action: the first wins (Podman\'s setns)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['setns'], action: 'SCMP_ACT_ALLOW' }, { names: ['setns'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } }], { ...x86_64, defaultErrnoRet: 38 })),
      want: [{ severity: 'error', pointer: '/syscalls/2/names/0', witness: 'setns(0, 0) on x86_64 → ALLOW: the rule the runtime does not load says ERRNO(1)' }],
    },
    {
      name: 'a conditional allow after an unconditional deny: the allow is lost',
      subject: () => profileSubject(profileWith('SCMP_ACT_ALLOW', [{ names: ['personality'], action: 'SCMP_ACT_ERRNO' }, { names: ['personality'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }], x86_64)),
      want: [{ severity: 'warning', pointer: '/syscalls/1/names/0', witness: 'personality(0) on x86_64 → ERRNO(1): the rule the runtime does not load says LOG' }],
    },
    {
      name: 'the libseccomp lens refuses a rule equal to the default (-EACCES)',
      subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, allowUnix], withX86), { lens: 'libseccomp' }),
      want: [{ severity: 'error', pointer: '/syscalls/1/names/0', witness: 'socketcall(1, 0) on x86 → ALLOW: the rule the runtime does not load says ERRNO(1)' }],
    },
  ])('$name', ({ subject, want }) => {
    const s = subject();
    expect(brief(s)).toEqual(want);
    for (const f of findingsOf(ID, s)) {
      expect(f.code).toBe('SC4005');
      expect(f.fix).toBeTruthy();
    }
    expect(witnessesHold(s, findingsOf(ID, s))).toBe(true);
  });

  it('groups names some ABIs lack into one info note per rule', () => {
    const s = profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['getpid', '_llseek', 'mmap2', 'newfstatat'], action: 'SCMP_ACT_ALLOW' }], withX86));
    const notes = findingsOf(ID, s);
    expect(notes.map((f) => [f.severity, f.location?.kind === 'text' && f.location.pointer, f.message])).toEqual([
      ['info', '/syscalls/1', '3 names of this rule are missing on some ABIs, so libseccomp emits nothing for them there: `_llseek`, `mmap2` on x86_64; `newfstatat` on x86'],
    ]);
  });

  it.each([
    { name: 'an ENOSYS socketcall rule next to socket rules (Docker v0.2.2)', subject: () => profileSubject(fixture('moby/default-after-socketcall.json')) },
    { name: 'OR-split conditions are same-arg-or-split\'s', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_GT' }, { index: 0, value: 9, op: 'SCMP_CMP_LT' }] }], x86_64)) },
    { name: 'companions are multiplexer-bypass\'s', subject: () => profileSubject(profileWith('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, allowUnix], { architectures: ['SCMP_ARCH_X86'] }), { host: 'x86' }) },
  ])('clean (nothing above info): $name', ({ subject }) => {
    expect(brief(subject())).toEqual([]);
  });

  it("Docker's newest default (amd64) drops nothing; Podman's drops its setns deny", () => {
    expect(brief(profileSubject(fixture('moby/default.json')))).toEqual([]);
    const podman = profileSubject(fixture('containers-common/seccomp.json'));
    expect(brief(podman)).toEqual([{ severity: 'error', pointer: '/syscalls/16/names/5', witness: 'setns(0, 0) on x86_64 → ALLOW: the rule the runtime does not load says ERRNO(1)' }]);
    expect(witnessesHold(podman, findingsOf(ID, podman))).toBe(true);
  });

  it('judges profiles only', () => {
    expect(findingsOf(ID, filterSubject('ret ALLOW'))).toEqual([]);
  });
});
