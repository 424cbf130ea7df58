// SPDX-License-Identifier: Apache-2.0
// Table tests of harden's steps (src/analysis/harden/): for each, a small profile that triggers it
// and one that does not, with the rules that come out, the change codes, and the verdicts of the
// compiled result that show the hole closed. Also what the rewrite keeps: every other field,
// exact uint64 values, the rest of an OCI config.json, the input text when nothing changes.

import { describe, expect, it } from 'vitest';
import { archByName, syscallNumber, type Arch } from '../../src/arch/index.js';
import { hardenProfile } from '../../src/analysis/harden/index.js';
import { formatAction } from '../../src/seccomp/action.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { compileFor } from './corpus.js';

const AMD64 = archByName('x86_64')!;
const ARM64 = archByName('aarch64')!;
const X86 = archByName('x86')!;

interface Rule { names: string[]; action: string; errnoRet?: number; errno?: string; args?: Array<{ index: number; value: number | bigint; valueTwo?: number; op: string }>; comment?: string; includes?: unknown; excludes?: unknown }

function profile(defaultAction: string, rules: Rule[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ defaultAction, ...extra, syscalls: rules }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
}

const X86_ARCHES = { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] };
const arg = (index: number, op: string, value: number, valueTwo?: number) => ({ index, value, op: `SCMP_CMP_${op}`, ...(valueTwo !== undefined ? { valueTwo } : {}) });

function run(text: string, host: Arch = AMD64) {
  const h = hardenProfile(text, { host });
  expect(h.text, h.diagnostics.map((d) => d.message).join('; ')).toBeDefined();
  const out = JSON.parse(h.text!) as { syscalls: Rule[] };
  const src = compileFor(h.text!, host);
  const verdict = (arch: Arch, name: string, ...args: bigint[]) => formatAction(simulate(src.program!, arch.endian, {
    nr: syscallNumber(arch, name)!, arch: arch.auditArch, instructionPointer: 0n, args: Array.from({ length: 6 }, (_, i) => args[i] ?? 0n),
  }).value);
  return { h, out, verdict, codes: h.changes.map((c) => c.code) };
}

describe('int32: 32-bit comparisons on the low word', () => {
  it('ALLOW a0 > 40 becomes 30 low-word blocks; a0 < 38 and a0 == 39 stay (they fail closed)', () => {
    const { out, verdict, codes } = run(profile('SCMP_ACT_ERRNO', [
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'LT', 38)] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'EQ', 39)] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40)] },
    ]));
    expect(codes).toEqual(['SC6001']);
    expect(out.syscalls).toHaveLength(32);
    expect(out.syscalls[2]!.args).toEqual([{ index: 0, value: 0xffffffff, valueTwo: 41, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(out.syscalls[2]!.comment).toBe('syscage harden: a0 > 40, on the low 32 bits (1 of 30)');
    expect(verdict(AMD64, 'socket', 0x1_0000_0028n)).toBe('ERRNO(1)');
    expect(verdict(AMD64, 'socket', 0x1_0000_0029n)).toBe('ALLOW');
    expect(verdict(AMD64, 'socket', 41n)).toBe('ALLOW');
    expect(verdict(AMD64, 'socket', 1n)).toBe('ALLOW');
  });

  it.each([
    ['ALLOW a0 != 40', 'SCMP_ACT_ERRNO', 'SCMP_ACT_ALLOW', arg(0, 'NE', 40), 32, 0x1_0000_0028n, 'ERRNO(1)'],
    ['ALLOW a0 >= 41', 'SCMP_ACT_ERRNO', 'SCMP_ACT_ALLOW', arg(0, 'GE', 41), 30, 0x1_0000_0028n, 'ERRNO(1)'],
    ['deny a0 == 40 under ALLOW', 'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', arg(0, 'EQ', 40), 1, 0x1_0000_0028n, 'ERRNO(1)'],
    ['deny a0 <= 2 under ALLOW', 'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', arg(0, 'LE', 2), 2, 0xffff_ffff_0000_0002n, 'ERRNO(1)'],
  ])('%s: the rule(s) on the low word close the upper-half witness', (_what, def, act, condition, count, witness, expected) => {
    const { out, verdict, codes } = run(profile(def, [{ names: ['socket'], action: act, args: [condition] }]));
    expect(codes[0]).toBe('SC6001'); // (a restricted socket under an ALLOW default also denies io_uring: SC6021)
    expect(out.syscalls.filter((r) => r.names.includes('socket'))).toHaveLength(count);
    expect(verdict(AMD64, 'socket', witness)).toBe(expected);
  });

  it('a deny MASKED_EQ with high mask bits is cut to the low word', () => {
    const text = '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 9223372036854775807, "valueTwo": 40, "op": "SCMP_CMP_MASKED_EQ"}]}]}';
    const { out, verdict } = run(text);
    expect(out.syscalls[0]!.args).toEqual([{ index: 0, value: 0xffffffff, valueTwo: 40, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(verdict(AMD64, 'socket', 0x1_0000_0028n)).toBe('ERRNO(1)');
  });

  it('a pointer or 64-bit argument is left alone; a rule mixing kinds is split per name, fields kept', () => {
    const { out, codes } = run(profile('SCMP_ACT_ERRNO', [
      { names: ['socket', 'mmap'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40)], comment: 'mine', includes: { caps: ['CAP_CHOWN'] } },
    ]));
    expect(codes).toEqual(['SC6001']);
    expect(out.syscalls[0]).toEqual({ names: ['mmap'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }], comment: 'mine', includes: { caps: ['CAP_CHOWN'] } });
    expect(out.syscalls.slice(1).every((r) => r.names.join() === 'socket' && r.comment === 'mine' && (r.includes as { caps: string[] }).caps[0] === 'CAP_CHOWN')).toBe(true);
  });

  it('same-argument conditions of an ALLOW are intersected (a0 > 40 && a0 <= 0xffffffff), never two on one argument', () => {
    const { out, codes, verdict } = run(profile('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40), arg(0, 'LE', 0xffffffff)] }]));
    expect(codes).toEqual(['SC6003']);
    expect(out.syscalls).toHaveLength(30);
    expect(out.syscalls.every((r) => r.args!.length === 1)).toBe(true);
    expect(verdict(AMD64, 'socket', 2n)).toBe('ERRNO(1)'); // runc's OR would have allowed everything
  });

  it('same-argument conditions of a deny are written out as runc reads them', () => {
    const { out, codes } = run(profile('SCMP_ACT_ALLOW', [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [arg(0, 'GE', 8), arg(0, 'NE', 9)] }]));
    expect(codes).toEqual(['SC6004']);
    expect(out.syscalls.map((r) => r.args)).toEqual([[{ index: 0, value: 8, op: 'SCMP_CMP_GE' }], [{ index: 0, value: 9, op: 'SCMP_CMP_NE' }]]);
  });

  it('on arm64 too (a 64-bit ABI); not on a 32-bit-only target', () => {
    expect(run(profile('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40)] }]), ARM64).codes).toEqual(['SC6001']);
    const h = hardenProfile(profile('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40)] }], { architectures: ['SCMP_ARCH_X86'] }), { host: X86 });
    expect(h.changes.map((c) => c.code)).toEqual(['SC6010']); // x86 compares low words anyway; only its socketcall path is open
  });

  it('a rewrite that would weaken the profile is left out, rule by rule, with SC6050', () => {
    // The deny becomes unconditional (a0 < 2^32 holds for every low word) and would override the
    // stricter KILL_PROCESS rule libseccomp checks first (higher argument index).
    const { h } = run(profile('SCMP_ACT_ALLOW', [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0x1_0000_0000n as unknown as number, op: 'SCMP_CMP_LT' }] },
      { names: ['socket'], action: 'SCMP_ACT_KILL_PROCESS', args: [arg(1, 'EQ', 5)] },
      { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [arg(0, 'EQ', 8)] },
    ]));
    const rewritten = h.changes.filter((c) => c.step === 'int32').map((c) => c.pointer);
    expect(rewritten).toEqual(['/syscalls/1/args/0', '/syscalls/2/args/0']); // the KILL rule's and personality's EQ
    expect(h.diagnostics.filter((d) => d.code === 'SC6050').map((d) => d.location)).toMatchObject([{ pointer: '/syscalls/0/args/0' }]);
  });
});

describe('default-equal, overridden, multiplexer, io-uring, new-syscalls', () => {
  const socketRules: Rule[] = [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'EQ', 1)] }];

  it('default-equal: socketcall ERRNO(EPERM) under an EPERM default gets ENOSYS, so runc keeps it', () => {
    const { out, codes, verdict } = run(profile('SCMP_ACT_ERRNO', [...socketRules, { names: ['socketcall'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }], X86_ARCHES));
    expect(codes).toEqual(['SC6040']);
    expect(out.syscalls[1]).toMatchObject({ names: ['socketcall'], errnoRet: 38 });
    expect(verdict(X86, 'socketcall', 1n)).toBe('ERRNO(38)');
  });

  it('default-equal: left alone when nothing lets the syscall through', () => {
    expect(run(profile('SCMP_ACT_ERRNO', [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }, { names: ['reboot'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }])).codes).toEqual([]);
  });

  it('overridden: an allow-list entry that hides a stricter rule loses the name', () => {
    const { out, codes, verdict } = run(profile('SCMP_ACT_ERRNO', [{ names: ['getpid', 'setns'], action: 'SCMP_ACT_ALLOW' }, { names: ['setns'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }], { defaultErrnoRet: 38 }));
    expect(codes).toEqual(['SC6042']);
    expect(out.syscalls[0]!.names).toEqual(['getpid']);
    expect(verdict(AMD64, 'setns')).toBe('ERRNO(13)');
  });

  it('overridden: left alone when the overriding rule is the stricter one', () => {
    expect(run(profile('SCMP_ACT_ALLOW', [{ names: ['setns'], action: 'SCMP_ACT_KILL_PROCESS' }, { names: ['setns'], action: 'SCMP_ACT_ERRNO', args: [arg(0, 'EQ', 3)] }])).codes).not.toContain('SC6042');
  });

  it('multiplexer: socketcall pinned to ENOSYS on amd64 (x86 runs), before the rules it overrides', () => {
    const { out, codes, verdict } = run(profile('SCMP_ACT_ERRNO', [{ names: ['socketcall', 'getpid'], action: 'SCMP_ACT_ALLOW' }, ...socketRules], X86_ARCHES));
    expect(codes).toEqual(['SC6011', 'SC6010']);
    expect(out.syscalls[0]).toMatchObject({ names: ['socketcall'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    expect(out.syscalls[1]!.names).toEqual(['getpid']);
    expect(verdict(X86, 'socketcall', 1n)).toBe('ERRNO(38)');
    expect(verdict(X86, 'socket', 1n)).toBe('ALLOW');
  });

  it.each([
    ['arm64 (no multiplexer ABI)', profile('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, ...socketRules]), ARM64],
    ['socket rules without conditions, socketcall not allowed', profile('SCMP_ACT_ERRNO', [{ names: ['socket', 'getpid'], action: 'SCMP_ACT_ALLOW' }], X86_ARCHES), AMD64],
  ])('multiplexer: not needed on %s', (_what, text, host) => {
    expect(run(text, host).codes).toEqual([]);
  });

  it('multiplexer: socketcall allowed while a socket call is denied is a leak of its own', () => {
    const { codes, verdict } = run(profile('SCMP_ACT_ERRNO', [{ names: ['socketcall', 'socket'], action: 'SCMP_ACT_ALLOW' }], X86_ARCHES));
    expect(codes).toEqual(['SC6011', 'SC6010']); // socketcall(SYS_BIND) got through; bind is denied
    expect(verdict(X86, 'socketcall', 2n)).toBe('ERRNO(38)');
  });

  it('multiplexer: under an ENOSYS default the pin is EPERM; under KILL_PROCESS it cannot be pinned (SC6012)', () => {
    expect(run(profile('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, ...socketRules], { ...X86_ARCHES, defaultErrnoRet: 38 })).verdict(X86, 'socketcall', 1n)).toBe('ERRNO(1)');
    const { h } = run(profile('SCMP_ACT_KILL_PROCESS', [{ names: ['socketcall', 'exit_group'], action: 'SCMP_ACT_ALLOW' }, ...socketRules], X86_ARCHES));
    expect(h.diagnostics.map((d) => d.code)).toContain('SC6012');
  });

  it('multiplexer: a multi-host profile gets one rule per ENOSYS numbering; Podman-style names the errno', () => {
    const archMap = { archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS'] }] };
    const multi = run(profile('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, ...socketRules], archMap)).out.syscalls.filter((r) => r.names.includes('socketcall'));
    expect(multi.map((r) => [r.errnoRet, r.includes === undefined ? 'excludes' : 'includes'])).toEqual([[38, 'excludes'], [89, 'includes']]);
    expect((multi[0]!.excludes as { arches: string[] }).arches).toContain('mips64');
    const podman = run(profile('SCMP_ACT_ERRNO', [{ names: ['socketcall'], action: 'SCMP_ACT_ALLOW' }, ...socketRules], { ...archMap, defaultErrno: 'EPERM' })).out.syscalls.filter((r) => r.names.includes('socketcall'));
    expect(podman).toMatchObject([{ errnoRet: 38, errno: 'ENOSYS' }]);
  });

  it('io-uring: denied when socket is restricted and the default lets io_uring through', () => {
    const { out, codes, verdict } = run(profile('SCMP_ACT_ALLOW', [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [arg(0, 'MASKED_EQ', 0xffffffff, 2)] }]));
    expect(codes).toEqual(['SC6021']);
    expect(out.syscalls.at(-1)).toMatchObject({ names: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], errnoRet: 1 });
    expect(verdict(AMD64, 'io_uring_setup')).toBe('ERRNO(1)');
  });

  it('io-uring: taken out of an allow list; left alone when nothing it does is restricted', () => {
    const { out, codes } = run(profile('SCMP_ACT_ERRNO', [{ names: ['io_uring_setup', 'io_uring_enter', 'getpid'], action: 'SCMP_ACT_ALLOW' }]));
    expect(codes).toEqual(['SC6020']);
    expect(out.syscalls[0]!.names).toEqual(['getpid']);
    expect(run(profile('SCMP_ACT_ALLOW', [{ names: ['reboot'], action: 'SCMP_ACT_ERRNO' }])).codes).toEqual([]);
  });

  it('new-syscalls: clone3 unnamed under an EPERM default while clone runs gets ENOSYS; not when named or under ENOSYS', () => {
    const base: Rule[] = [{ names: ['clone', 'getpid', 'mseal'], action: 'SCMP_ACT_ALLOW' }];
    const { codes, verdict } = run(profile('SCMP_ACT_ERRNO', base));
    expect(codes).toEqual(['SC6030']);
    expect(verdict(AMD64, 'clone3')).toBe('ERRNO(38)');
    expect(run(profile('SCMP_ACT_ERRNO', [...base, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }])).codes).toEqual([]);
    expect(run(profile('SCMP_ACT_ERRNO', base, { defaultErrnoRet: 38 })).codes).toEqual([]);
  });
});

describe('what the rewrite keeps', () => {
  it('an OCI config.json keeps everything but the rules it changed; uint64 values stay exact', () => {
    const text = `{\n  "ociVersion": "1.0.2",\n  "process": {"args": ["sh"], "oomScoreAdj": 1.5},\n  "linux": {\n    "seccomp": {\n      "defaultAction": "SCMP_ACT_ERRNO",\n      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],\n      "syscalls": [\n        {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_GT"}]},\n        {"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_NE"}]}\n      ]\n    }\n  }\n}\n`;
    const h = hardenProfile(text, { host: AMD64 });
    expect(h.changes[0]!.pointer).toBe('/linux/seccomp/syscalls/0/args/0');
    expect(h.text).toContain('"ociVersion": "1.0.2"');
    expect(h.text).toContain('"oomScoreAdj": 1.5');
    expect(h.text).toContain('"value": 18446744073709551615');
    expect(h.text).not.toMatch(/"includes"|"excludes"/); // runc ignores them in a config.json
  });

  it('unknown fields of a rule survive', () => {
    const text = profile('SCMP_ACT_ERRNO', [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [arg(0, 'GT', 40)], ...({ note: 'x' } as object) } as Rule]);
    expect(JSON.parse(hardenProfile(text, { host: AMD64 }).text!).syscalls[0].note).toBe('x');
  });

  it('nothing to do: the input text itself, and SC6051', () => {
    const text = '{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ { "names": ["getpid"], "action": "SCMP_ACT_ALLOW" } ] }';
    const h = hardenProfile(text, { host: AMD64 });
    expect(h.text).toBe(text);
    expect(h.diagnostics.map((d) => d.code)).toEqual(['SC6051']);
  });

  it('bad input: the parser\'s located diagnostics, no text', () => {
    const h = hardenProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}', { host: AMD64 });
    expect(h.text).toBeUndefined();
    expect(h.diagnostics[0]).toMatchObject({ code: 'SC1023', location: { pointer: '/syscalls/0/args/0/index' } });
  });
});
