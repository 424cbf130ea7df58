// SPDX-License-Identifier: Apache-2.0
// The runc lens (src/resolve/runc.ts) as a table of behaviours, each taken from runc's sources
// (libcontainer/seccomp/seccomp_linux.go InitSeccomp, matchCall, setFlag; config.go archs;
// libcontainer/specconv SetupSeccomp's SPEC_ALLOW default; patchbpf/enosys_linux.go), not from
// syscage's code: what reaches libseccomp, what is refused, which flags seccomp(2) gets.

import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { parseProfile } from '../../src/profile/parse.js';
import { resolveDocker } from '../../src/resolve/docker.js';
import { runcLens } from '../../src/resolve/runc.js';
import { encodeAction } from '../../src/seccomp/action.js';

function lens(profile: object, host = 'x86_64') {
  const p = parseProfile(JSON.stringify(profile), 'p.json');
  expect(p.value, JSON.stringify(p.diagnostics)).toBeDefined();
  const r = resolveDocker(p.value!, { host: archByName(host)! });
  expect(r.value, JSON.stringify(r.diagnostics)).toBeDefined();
  return runcLens(r.value!);
}
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);
const base = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'] };

describe('runc lens: what reaches libseccomp', () => {
  it.each([
    ['a rule whose action equals the default is skipped (SC2101)', { syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO' }, { names: ['read'], action: 'SCMP_ACT_ALLOW' }] }, ['SC2101'], ['read']],
    ['ERRNO with another errno is not the default: it is added', { syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] }, [], ['getpid']],
    ['a name libseccomp does not know is skipped (SC2102)', { syscalls: [{ names: ['read', 'no_such_call'], action: 'SCMP_ACT_ALLOW' }] }, ['SC2102'], ['read']],
    ['a number written as a name is skipped too (SC2102)', { syscalls: [{ names: ['41'], action: 'SCMP_ACT_ALLOW' }] }, ['SC2102'], []],
  ] as const)('%s', (_what, extra, diags, sent) => {
    const r = lens({ ...base, ...extra });
    expect(codes(r)).toEqual(diags);
    expect(r.filter.rules.map((x) => x.syscall)).toEqual(sent);
  });

  it('two conditions on one argument become two rules (OR, SC2103)', () => {
    const r = lens({ ...base, syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_GE' }, { index: 0, value: 10, op: 'SCMP_CMP_LE' }] }] });
    expect(codes(r)).toEqual(['SC2103']);
    expect(r.filter.rules.map((x) => x.args.map((a) => `${a.op} ${a.a}`))).toEqual([['GE 1'], ['LE 10']]);
  });

  it('conditions on different arguments stay one rule (AND)', () => {
    const r = lens({ ...base, syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 1, op: 'SCMP_CMP_EQ' }] }] });
    expect(codes(r)).toEqual([]);
    expect(r.filter.rules).toHaveLength(1);
  });
});

describe('runc lens: what runc refuses (the container does not start)', () => {
  it.each([
    ['NOTIFY as the default action (SC2104)', { defaultAction: 'SCMP_ACT_NOTIFY', architectures: ['SCMP_ARCH_X86_64'], listenerPath: '/run/agent.sock', syscalls: [] }, 'SC2104'],
    ['NOTIFY on write (SC2105)', { ...base, listenerPath: '/run/agent.sock', syscalls: [{ names: ['write'], action: 'SCMP_ACT_NOTIFY' }] }, 'SC2105'],
    ['an architecture runc has no name for: parisc (SC2106)', { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_PARISC'], syscalls: [] }, 'SC2106'],
    ['m68k (SC2106)', { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_M68K'], syscalls: [] }, 'SC2106'],
    ['a filter flag runc does not know: WAIT_KILLABLE_RECV (SC2107)', { ...base, flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'], syscalls: [] }, 'SC2107'],
  ] as const)('%s', (_what, profile, code) => {
    const host = 'architectures' in profile && profile.architectures[0] === 'SCMP_ARCH_PARISC' ? 'parisc' : 'architectures' in profile && profile.architectures[0] === 'SCMP_ARCH_M68K' ? 'm68k' : 'x86_64';
    const r = lens(profile, host);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain(code);
  });

  it.each(['SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_S390'])('%s is an architecture runc knows', (name) => {
    expect(codes(lens({ defaultAction: 'SCMP_ACT_ERRNO', architectures: [name], syscalls: [] }, archByName(name)!.name))).not.toContain('SC2106');
  });
});

describe('runc lens: the flags seccomp(2) gets', () => {
  it.each([
    ['no flags field: SPEC_ALLOW (specconv default)', undefined, ['SECCOMP_FILTER_FLAG_SPEC_ALLOW']],
    ['an empty list: none', [], []],
    ['LOG and TSYNC: LOG (TSYNC is recognised and ignored)', ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC'], ['SECCOMP_FILTER_FLAG_LOG']],
    ['SPEC_ALLOW given: SPEC_ALLOW', ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'], ['SECCOMP_FILTER_FLAG_SPEC_ALLOW']],
  ] as const)('%s', (_what, flags, installed) => {
    const r = lens({ ...base, ...(flags ? { flags } : {}), syscalls: [] });
    expect(r.installFlags).toEqual(installed);
  });
});

describe('runc lens: the ENOSYS stub (patchbpf)', () => {
  it('answers numbers above the largest syscall the profile names with ERRNO(ENOSYS), per ABI', () => {
    const r = lens({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [{ names: ['read', 'openat2'], action: 'SCMP_ACT_ALLOW' }] });
    expect(r.enosysStub?.action).toBe(encodeAction('ERRNO', 38));
    // openat2 is 437 on x86_64 and on x86 (both use the generic number since 5.x).
    expect(r.enosysStub?.entries.map((e) => [e.arch.name, e.max])).toEqual([['x86_64', 437], ['x86', 437]]);
  });
  it('is left out when the default action allows (ALLOW, LOG, TRACE)', () => {
    expect(lens({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] }).enosysStub).toBeUndefined();
  });
});
