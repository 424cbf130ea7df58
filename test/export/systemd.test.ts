// SPDX-License-Identifier: Apache-2.0
// systemd export: a table of profiles → the unit lines (systemd.exec(5) "System Call Filtering")
// and the diagnostics for what the unit syntax cannot say. Expected lines are written from the
// unit semantics: an allow-list also gets systemd's @default group, so the @default members the
// profile does not allow are removed again with `SystemCallFilter=~…`; the group is read here from
// ../shared/data (systemd-analyze syscall-filter, systemd 252), not from syscage's copy.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { exportProfile } from '../../src/export/export.js';
import { SYSTEMD_DEFAULT_GROUP, SYSTEMD_KNOWN } from '../../src/export/systemd-groups.gen.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';

const sharedGroups = new URL('../../../shared/data/systemd-syscall-groups-expanded.json', import.meta.url);
const groups: Record<string, string[]> | undefined = existsSync(sharedGroups) ? JSON.parse(readFileSync(sharedGroups, 'utf8')) : undefined;
const DEFAULT_GROUP = groups?.['@default'] ?? SYSTEMD_DEFAULT_GROUP;
const without = (...allowed: string[]) => DEFAULT_GROUP.filter((n) => !allowed.includes(n)).join(' ');

interface Row {
  readonly profile: string;
  readonly host?: string;
  readonly lines: readonly string[];
  readonly codes: readonly string[];
}

const P = (o: object) => JSON.stringify(o);
// prettier-ignore
const TABLE: Readonly<Record<string, Row>> = {
  'allow-list, EPERM': {
    profile: P({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }] }),
    lines: ['SystemCallFilter=read write exit_group', `SystemCallFilter=~${without('exit_group')}`, 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7016'], // runc's ENOSYS stub past `write`
  },
  'allow-list, kill, a logged call': {
    profile: P({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['write'], action: 'SCMP_ACT_LOG' }] }),
    lines: ['SystemCallFilter=read write', `SystemCallFilter=~${without()}`, 'SystemCallLog=write', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7016'],
  },
  'allow-list: a rule with its own errno': {
    profile: P({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] }),
    lines: ['SystemCallFilter=read', `SystemCallFilter=~${without()}`, 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7011', 'SC7016'],
  },
  'allow-list: KILL_THREAD default, TRAP rule': {
    profile: P({ defaultAction: 'SCMP_ACT_KILL', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['ptrace'], action: 'SCMP_ACT_TRAP' }] }),
    lines: ['SystemCallFilter=read', `SystemCallFilter=~${without()}`, 'SystemCallArchitectures=x86-64'],
    codes: ['SC7014', 'SC7012', 'SC7016'],
  },
  'deny-list, one errno': {
    profile: P({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mount', 'umount2'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
    lines: ['SystemCallFilter=~mount umount2', 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=x86-64'],
    codes: [],
  },
  'deny-list, errnos differ and a kill': {
    profile: P({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [
      { names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' }, { names: ['kexec_load'], action: 'SCMP_ACT_KILL_THREAD' }] }),
    lines: ['SystemCallFilter=~mount:EPERM clone3:ENOSYS ptrace kexec_load', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7014'],
  },
  'deny-list: argument condition, a logged call, NOTIFY': {
    profile: P({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock', syscalls: [
      { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      { names: ['execve'], action: 'SCMP_ACT_LOG' }, { names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }),
    lines: ['SystemCallFilter=~personality', 'SystemCallErrorNumber=EPERM', 'SystemCallLog=execve', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7012', 'SC7010'],
  },
  'a LOG default: log all but the allowed': {
    profile: P({ defaultAction: 'SCMP_ACT_LOG', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
    lines: ['SystemCallFilter=~bpf', 'SystemCallErrorNumber=EPERM', 'SystemCallLog=~read write', 'SystemCallArchitectures=x86-64'],
    codes: [],
  },
  'filter flags, a name systemd 252 does not know': {
    profile: P({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'], syscalls: [{ names: ['mseal'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
    lines: ['SystemCallFilter=~mseal', 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=x86-64'],
    codes: ['SC7015', 'SC7017'],
  },
  'archMap: arm64 and arm': {
    profile: P({ defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
    host: 'aarch64',
    lines: ['SystemCallFilter=~acct', 'SystemCallErrorNumber=EPERM', 'SystemCallArchitectures=arm64 arm'],
    codes: [],
  },
};

describe('systemd unit lines', () => {
  it.each(Object.entries(TABLE))('%s', (_name, row) => {
    const out = exportProfile(row.profile, 'systemd', { host: archByName(row.host ?? 'x86_64')! });
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(out.output).toBe(['[Service]', ...row.lines, ''].join('\n'));
    expect(out.diagnostics.filter((d) => d.code.startsWith('SC70')).map((d) => d.code)).toEqual(row.codes);
  });

  it('Docker\'s default on amd64: the three @default calls it keeps for other ABIs are removed; clone3, socket, personality, clone said', () => {
    const out = exportProfile(DOCKER_DEFAULT_PROFILE, 'systemd', { host: archByName('x86_64')!, kernel: [6, 8] });
    const lines = (out.output as string).split('\n');
    // cacheflush and set_tls are arm-only, riscv_flush_icache riscv-only in Docker's default (includes.arches)
    expect(lines).toContain('SystemCallFilter=~cacheflush riscv_flush_icache set_tls');
    expect(lines).toContain('SystemCallErrorNumber=EPERM');
    expect(lines).toContain('SystemCallArchitectures=x86-64 x86 x32');
    const codes = out.diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(codes.some((c) => c.startsWith('SC7011') && c.includes('clone3') && c.includes('ENOSYS'))).toBe(true);
    for (const name of ['socket', 'personality', 'clone']) expect(codes.some((c) => c.startsWith('SC7010') && c.includes(` ${name} `))).toBe(true);
  });
});

describe('systemd-groups.gen.ts', () => {
  it.runIf(groups !== undefined)('is the shared data (systemd 252 @default and @known)', () => {
    expect(SYSTEMD_DEFAULT_GROUP).toEqual(groups!['@default']);
    expect(SYSTEMD_KNOWN).toEqual(groups!['@known']);
  });
});
