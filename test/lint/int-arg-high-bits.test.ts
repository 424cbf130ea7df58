// SPDX-License-Identifier: Apache-2.0
// int-arg-high-bits (SC4001): which conditions on int arguments the upper half dodges, where the
// finding points, what the witness shows and what the fix says.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { filterSubject, findingsOf, profileSubject, profileWith, witnessesHold } from './subjects.js';

const ID = 'int-arg-high-bits';
const socket = (action: string, op: string, value: number | bigint, extra: object = {}) =>
  ({ names: ['socket'], action, args: [{ index: 0, value: typeof value === 'bigint' ? value.toString() : value, op, ...extra }] });
const withBigints = (o: object) => JSON.stringify(o).replace(/"(\d{10,})"/g, '$1');

describe(ID, () => {
  it.each([
    {
      name: 'allow a0 > 40 (Docker) → AF_ALG and AF_VSOCK',
      profile: profileWith('SCMP_ACT_ERRNO', [socket('SCMP_ACT_ALLOW', 'SCMP_CMP_LT', 38), socket('SCMP_ACT_ALLOW', 'SCMP_CMP_EQ', 39), socket('SCMP_ACT_ALLOW', 'SCMP_CMP_GT', 40)]),
      pointers: ['/syscalls/3/args/0', '/syscalls/3/args/0'],
      witnesses: [
        'socket(0x100000026, 0, 0) on x86_64 → ALLOW, but socket(0x26, 0, 0) → ERRNO(1): the kernel reads family 0x26 (AF_ALG) both times',
        'socket(0x100000028, 0, 0) on x86_64 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): the kernel reads family 0x28 (AF_VSOCK) both times',
      ],
      fix: /30 rules with one SCMP_CMP_MASKED_EQ on a0 each \(a0 & 0xffffffff == 0x29, a0 & 0xfffffffe == 0x2a/,
    },
    {
      name: 'allow a0 != 40 → AF_VSOCK',
      profile: profileWith('SCMP_ACT_ERRNO', [socket('SCMP_ACT_ALLOW', 'SCMP_CMP_NE', 40)]),
      pointers: ['/syscalls/1/args/0'],
      witnesses: ['socket(0x100000028, 0, 0) on x86_64 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): the kernel reads family 0x28 (AF_VSOCK) both times'],
      fix: /covering 0x0–0x27, 0x29–0xffffffff/,
    },
    {
      name: 'allow a0 >= 41 → every refused family the program names, lifted over 41 (AF_UNSPEC, AF_VSOCK)',
      profile: profileWith('SCMP_ACT_ERRNO', [socket('SCMP_ACT_ALLOW', 'SCMP_CMP_GE', 41)]),
      pointers: ['/syscalls/1/args/0', '/syscalls/1/args/0'],
      witnesses: [expect.stringContaining('reads family 0 (AF_UNSPEC)'), expect.stringContaining('reads family 0x28 (AF_VSOCK)')],
      fix: /covering 0x29–0xffffffff/,
    },
    {
      name: 'deny a0 == 40 under default allow',
      profile: profileWith('SCMP_ACT_ALLOW', [socket('SCMP_ACT_ERRNO', 'SCMP_CMP_EQ', 40)]),
      pointers: ['/syscalls/0/args/0'],
      witnesses: ['socket(0x100000028, 0, 0) on x86_64 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): the kernel reads family 0x28 (AF_VSOCK) both times'],
      fix: /write it as SCMP_CMP_MASKED_EQ with value \(the mask\) 0xffffffff and valueTwo 0x28/,
    },
    {
      name: 'deny a0 < 3 under default allow (AF_UNSPEC, AF_UNIX, AF_INET)',
      profile: profileWith('SCMP_ACT_ALLOW', [socket('SCMP_ACT_ERRNO', 'SCMP_CMP_LT', 3)]),
      pointers: ['/syscalls/0/args/0', '/syscalls/0/args/0'],
      witnesses: [expect.stringContaining('reads family 0 (AF_UNSPEC)'), expect.stringContaining('reads family 2 (AF_INET)')],
      fix: /2 rules with one SCMP_CMP_MASKED_EQ on a0 each \(a0 & 0xfffffffe == 0x0, a0 & 0xffffffff == 0x2\), covering 0x0–0x2/,
    },
    {
      name: 'deny MASKED_EQ with a mask that has upper bits',
      profile: profileWith('SCMP_ACT_ALLOW', [socket('SCMP_ACT_ERRNO', 'SCMP_CMP_MASKED_EQ', 0xffffffffffffffffn, { valueTwo: 40 })]),
      pointers: ['/syscalls/0/args/0'],
      witnesses: ['socket(0x100000028, 0, 0) on x86_64 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): the kernel reads family 0x28 (AF_VSOCK) both times'],
      fix: /value \(the mask\) 0xffffffff and valueTwo 0x28/,
    },
  ])('$name', ({ profile, pointers, witnesses, fix }) => {
    const subject = profileSubject(withBigints(profile));
    const findings = findingsOf(ID, subject);
    expect(findings.map((f) => f.location?.kind === 'text' ? f.location.pointer : undefined)).toEqual(pointers);
    expect(findings.map((f) => f.witness?.text)).toEqual(witnesses);
    for (const f of findings) {
      expect(f.severity).toBe('error');
      expect(f.code).toBe('SC4001');
      expect(f.fix).toMatch(fix);
      expect(f.fix).not.toMatch(/SCMP_CMP32|SCMP_A0_32/);
      expect(f.witness?.args[0]! >> 32n).not.toBe(0n);
    }
    expect(witnessesHold(subject, findings)).toBe(true);
  });

  it.each([
    { name: 'allow a0 == 1 (the upper half only makes it fail)', profile: profileWith('SCMP_ACT_ERRNO', [socket('SCMP_ACT_ALLOW', 'SCMP_CMP_EQ', 1)]) },
    { name: 'deny MASKED_EQ 0xffffffff == 40', profile: profileWith('SCMP_ACT_ALLOW', [socket('SCMP_ACT_ERRNO', 'SCMP_CMP_MASKED_EQ', 0xffffffff, { valueTwo: 40 })]) },
    { name: 'deny a0 > 40 (the upper half only adds refusals)', profile: profileWith('SCMP_ACT_ALLOW', [socket('SCMP_ACT_ERRNO', 'SCMP_CMP_GT', 40)]) },
    { name: 'a 64-bit argument (clone flags, unsigned long)', profile: profileWith('SCMP_ACT_ERRNO', [{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] }, { names: ['mmap'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 4096, op: 'SCMP_CMP_GT' }] }]) },
    { name: 'a sign-extended negative int (kill(-1, …)) is the form callers pass', profile: profileWith('SCMP_ACT_ERRNO', [{ names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: '18446744073709551615', op: 'SCMP_CMP_EQ' }] }]) },
    { name: 'a 32-bit ABI alone compares low words only', profile: { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86'], syscalls: [socket('SCMP_ACT_ALLOW', 'SCMP_CMP_GT', 40)] }, host: 'x86' },
  ])('clean: $name', ({ profile, host }) => {
    expect(findingsOf(ID, profileSubject(withBigints(profile), host ? { host } : {})).map((f) => f.message)).toEqual([]);
  });

  it("reports Docker's newest default for socket's a0 with AF_ALG and AF_VSOCK witnesses (host amd64)", () => {
    const shared = '../shared/data/profiles/moby/default.json';
    const fixture = readFileSync('test/fixtures/profiles/moby/default.json', 'utf8');
    // The embedded default is moby's newest profile, byte for byte (so is the fixture copy).
    expect(DOCKER_DEFAULT_PROFILE).toBe(fixture);
    if (existsSync(shared)) expect(readFileSync(shared, 'utf8')).toBe(fixture);
    const subject = profileSubject(fixture);
    const findings = findingsOf(ID, subject);
    expect(findings.map((f) => [f.message.includes('`socket`'), f.witness?.arch, f.witness?.args[0]])).toEqual([
      [true, 'x86_64', 0x1_0000_0026n],
      [true, 'x86_64', 0x1_0000_0028n],
    ]);
    expect(findings.map((f) => f.witness?.text)).toEqual([
      expect.stringContaining('(AF_ALG) both times'),
      expect.stringContaining('(AF_VSOCK) both times'),
    ]);
    expect(witnessesHold(subject, findings)).toBe(true);
  });

  it('judges a raw filter from its program, located at the jump on the upper half', () => {
    const subject = filterSubject([
      '      ld [4]',
      '      jeq #0xc000003e, nr, kill',
      'nr:   ld [0]',
      '      jeq #41, hi, allow',
      'hi:   ld [20]',
      '      jeq #0, lo, allow',
      'lo:   ld [16]',
      '      jeq #40, deny, allow',
      'allow: ret ALLOW',
      'deny: ret ERRNO(1)',
      'kill: ret KILL_PROCESS',
    ].join('\n'));
    const findings = findingsOf(ID, subject);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.location).toEqual({ kind: 'pc', pc: 5 });
    expect(findings[0]!.witness?.text).toBe('socket(0x100000028, 0, 0) on x86_64 → ALLOW, but socket(0x28, 0, 0) → ERRNO(1): the kernel reads family 0x28 (AF_VSOCK) both times');
    expect(findings[0]!.fix).toMatch(/low word of a0/);
    expect(witnessesHold(subject, findings)).toBe(true);
  });
});
