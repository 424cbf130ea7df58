// SPDX-License-Identifier: Apache-2.0
// Docker/moby resolution facts (src/resolve/docker.ts). The rule counts for Docker's default
// profile were computed independently, by a transcription of moby/profiles setupSeccomp into a
// few lines of Python over data/moby-default.json (archMap by host, excludes then includes).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import type { Arch } from '../../src/arch/arch.js';
import { parseProfile } from '../../src/profile/parse.js';
import type { Profile } from '../../src/profile/types.js';
import { ALL_CAPS, DOCKER_DEFAULT_CAPS, normalizeCaps, resolveDocker, type DockerTarget } from '../../src/resolve/docker.js';
import { encodeAction } from '../../src/seccomp/action.js';

const arch = (n: string): Arch => archByName(n)!;
const load = (path: string): Profile => {
  const r = parseProfile(readFileSync(new URL(path, import.meta.url), 'utf8'), path);
  expect(r.value, JSON.stringify(r.diagnostics)).toBeDefined();
  return r.value!;
};
const profile = (text: string): Profile => {
  const r = parseProfile(text, 'inline.json');
  expect(r.value, JSON.stringify(r.diagnostics)).toBeDefined();
  return r.value!;
};
const resolve = (p: Profile, target: DockerTarget) => resolveDocker(p, target);
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);

const MOBY = load('../../data/moby-default.json');
const fixture = (f: string) => load(`../fixtures/profiles/${f}`);

describe('Docker default profile', () => {
  // [host, ABIs in order, rules/names with Docker's default caps, with all caps]
  const HOSTS: ReadonlyArray<readonly [string, string[], [number, number], [number, number]]> = [
    ['x86_64', ['x86_64', 'x86', 'x32'], [15, 377], [26, 427]],
    ['aarch64', ['aarch64', 'arm'], [14, 381], [25, 431]],
    ['ppc64le', ['ppc64le'], [14, 377], [25, 427]],
    ['s390x', ['s390x', 's390'], [14, 378], [25, 428]],
  ];

  it.each(HOSTS)('%s host: ABIs %j, rules with default and all caps', (host, abis, def, all) => {
    for (const [caps, [rules, names]] of [[undefined, def], [ALL_CAPS, all]] as const) {
      const r = resolve(MOBY, { host: arch(host), ...(caps ? { caps } : {}), kernel: [6, 1] });
      expect(r.value!.arches.map((a) => a.name)).toEqual(abis);
      expect(r.value!.rules).toHaveLength(rules);
      expect(r.value!.rules.reduce((n, x) => n + x.names.length, 0)).toBe(names);
      expect(r.value!.defaultAction).toBe(encodeAction('ERRNO', 1));
    }
  });

  it('keeps exactly the rules moby keeps on amd64, with their pointers', () => {
    const r = resolve(MOBY, { host: arch('x86_64'), kernel: [6, 1] });
    expect(r.value!.rules.map((x) => x.pointer)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 18, 20, 22].map((i) => `/syscalls/${i}`));
    const clone3 = r.value!.rules.find((x) => x.pointer === '/syscalls/20')!;
    expect(clone3).toMatchObject({ names: ['clone3'], namePointers: ['/syscalls/20/names/0'], action: encodeAction('ERRNO', 38) });
    const socket = r.value!.rules.find((x) => x.pointer === '/syscalls/2')!;
    expect(socket.conditions).toEqual([{ index: 0, op: 'LT', value: 38n, valueTwo: 0n, pointer: '/syscalls/2/args/0' }]);
    // every dropped rule is an info diagnostic with its reason, at the rule
    const skipped = r.diagnostics.filter((d) => d.code === 'SC1103');
    expect(skipped).toHaveLength(33 - 15);
    expect(skipped.find((d) => d.location?.kind === 'text' && d.location.pointer === '/syscalls/17')!.message).toContain('needs CAP_SYS_ADMIN');
    expect(skipped.every((d) => d.severity === 'info')).toBe(true);
  });

  it('compares minKernel with major.minor of the target kernel', () => {
    const old = resolve(MOBY, { host: arch('x86_64'), kernel: [4, 7] });
    expect(old.value!.rules).toHaveLength(14);
    expect(old.diagnostics.find((d) => d.location?.kind === 'text' && d.location.pointer === '/syscalls/1')!.message).toContain('kernel ≥ 4.8');
    expect(resolve(MOBY, { host: arch('x86_64'), kernel: [4, 8] }).value!.rules).toHaveLength(15);
    // no kernel given: the rules are kept, and it is said
    const none = resolve(MOBY, { host: arch('x86_64') });
    expect(none.value!.rules).toHaveLength(15);
    expect(codes(none)).toContain('SC1110');
  });

  it('warns that Docker covers only the native ABI on a host the archMap lacks (ppc64le, x86)', () => {
    for (const host of ['ppc64le', 'x86']) {
      const r = resolve(MOBY, { host: arch(host), kernel: [6, 1] });
      expect(r.value!.arches.map((a) => a.name)).toEqual([host]);
      expect(r.diagnostics.find((d) => d.code === 'SC1101')).toMatchObject({ severity: 'warning', location: { pointer: '/archMap', line: 4, column: 13 } });
    }
  });

  it('reproduces moby never applying archMap on loong64 and mipsle hosts', () => {
    for (const host of ['loongarch64', 'mipsel', 'mips']) {
      const r = resolve(MOBY, { host: arch(host), kernel: [6, 1] });
      expect(r.value!.arches.map((a) => a.name)).toEqual([host]);
      expect(codes(r)).toContain('SC1102');
    }
    // mips64 works: its entry lists mips and mips64n32
    expect(resolve(MOBY, { host: arch('mips64') }).value!.arches.map((a) => a.name)).toEqual(['mips64', 'mips', 'mips64n32']);
  });

  it('warns where a numeric errnoRet means another errno on the host ABI (clone3 → 38 on mips)', () => {
    const r = resolve(MOBY, { host: arch('mips64'), kernel: [6, 1] });
    expect(r.diagnostics.find((d) => d.code === 'SC1108')).toMatchObject({ location: { pointer: '/syscalls/20/errnoRet' } });
    expect(r.diagnostics.find((d) => d.code === 'SC1108')!.message).toContain('EL2NSYNC');
  });

  it('takes an exact ABI list instead of archMap (--arch)', () => {
    const r = resolve(MOBY, { host: arch('x86_64'), arches: [arch('x32'), arch('x86_64')], kernel: [6, 1] });
    expect(r.value!.arches.map((a) => a.name)).toEqual(['x32', 'x86_64']);
    expect(codes(r)).toContain('SC1109');
    // includes.arches still compare with the host
    expect(r.value!.rules.some((x) => x.names.includes('arch_prctl'))).toBe(true);
  });
});

describe('fixtures', () => {
  it('conditional_include: includes.caps needs every cap, excludes.caps drops on any', () => {
    const p = fixture('moby/fixture-conditional_include.json');
    const names = (caps?: readonly string[]) => resolve(p, { host: arch('x86_64'), ...(caps ? { caps } : {}) }).value!.rules.map((r) => r.names[0]);
    expect(names()).toEqual(['chmod', 'ptrace']);
    expect(names(['CAP_SYSLOG'])).toEqual(['chmod', 'syslog', 'ptrace']);
    expect(names(['syslog', 'sys_admin'])).toEqual(['chmod', 'syslog']);
    expect(names(['ALL'])).toEqual(['chmod', 'syslog']);
  });

  it('example: legacy names, defaultErrnoRet, errnoRet and MASKED_EQ', () => {
    const r = resolve(fixture('moby/fixture-example.json'), { host: arch('x86_64') });
    expect(r.value!.defaultAction).toBe(encodeAction('ERRNO', 1));
    expect(r.value!.rules.map((x) => x.names)).toEqual([['clone'], ['open'], ['close'], ['syslog']]);
    expect(r.value!.rules[0]!.namePointers).toEqual(['/syscalls/0/name']);
    expect(r.value!.rules[0]!.conditions[0]).toMatchObject({ op: 'MASKED_EQ', value: 2114060288n, valueTwo: 0n });
    expect(r.value!.rules[3]!.action).toBe(encodeAction('ERRNO', 12345));
    expect(r.value!.arches.map((a) => a.name)).toEqual(['x86_64']);
  });

  it('runc test2: defaultErrnoRet 6 on the default action', () => {
    expect(resolve(fixture('runc/seccomp_syscall_test2.json'), { host: arch('aarch64') }).value!.defaultAction).toBe(encodeAction('ERRNO', 6));
  });

  it('Podman: errno names resolve for the host ABI, and win over errnoRet', () => {
    const p = fixture('containers-common/seccomp.json');
    const x86 = resolve(p, { host: arch('x86_64') });
    expect(x86.value!.defaultAction).toBe(encodeAction('ERRNO', 38));
    expect(codes(x86).filter((c) => c === 'SC1105')).toEqual([]);
    const mips = resolve(p, { host: arch('mips64') });
    expect(mips.value!.defaultAction).toBe(encodeAction('ERRNO', 89));
    expect(mips.diagnostics.find((d) => d.code === 'SC1105')).toMatchObject({ severity: 'warning', location: { pointer: '/defaultErrno' } });
    const parisc = resolve(p, { host: arch('parisc') });
    expect(parisc.value!.defaultAction).toBe(encodeAction('ERRNO', 251));
  });
});

describe('actions and errno data', () => {
  const one = (action: string, extra = '') =>
    resolve(profile(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"${action}"${extra}}]}`), { host: arch('x86_64') });

  it.each([
    ['SCMP_ACT_ERRNO', '', encodeAction('ERRNO', 1)], // runc actErrno: EPERM when errnoRet is missing
    ['SCMP_ACT_ERRNO', ',"errnoRet":0', encodeAction('ERRNO', 0)],
    ['SCMP_ACT_TRACE', '', encodeAction('TRACE', 1)], // runc actTrace: EPERM too
    ['SCMP_ACT_TRACE', ',"errnoRet":7', encodeAction('TRACE', 7)],
    ['SCMP_ACT_KILL', '', encodeAction('KILL_THREAD')],
    ['SCMP_ACT_KILL_PROCESS', '', encodeAction('KILL_PROCESS')],
    ['SCMP_ACT_TRAP', ',"errnoRet":5', encodeAction('TRAP')], // errnoRet ignored (and warned about by the parser)
    ['SCMP_ACT_LOG', '', encodeAction('LOG')],
  ] as const)('%s%s → %d', (action, extra, value) => {
    expect(one(action, extra).value!.rules[0]!.action).toBe(value);
  });

  it('says that Docker ignores a Podman errno name without errnoRet', () => {
    const r = one('SCMP_ACT_ERRNO', ',"errno":"EACCES"');
    expect(r.value!.rules[0]!.action).toBe(encodeAction('ERRNO', 13));
    expect(codes(r)).toContain('SC1106');
  });
});

describe('architectures', () => {
  it('puts the native ABI first, then the profile order, once each', () => {
    const p = profile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86","SCMP_ARCH_X86_64","SCMP_ARCH_X32","SCMP_ARCH_X86"]}');
    expect(resolve(p, { host: arch('x86_64') }).value!.arches.map((a) => a.name)).toEqual(['x86_64', 'x86', 'x32']);
  });

  it('says when the native ABI is added to a list that lacks it', () => {
    const r = resolve(profile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"]}'), { host: arch('x86_64') });
    expect(r.value!.arches.map((a) => a.name)).toEqual(['x86_64', 'x86']);
    expect(codes(r)).toEqual(['SC1112']);
  });

  it('refuses mixed byte orders', () => {
    const r = resolve(profile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_PPC64","SCMP_ARCH_PPC64LE"]}'), { host: arch('ppc64le') });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.find((d) => d.code === 'SC1104')).toMatchObject({ severity: 'error', location: { pointer: '/architectures/0' } });
  });
});

describe('other forms', () => {
  it('a config.json keeps its rules whatever the capabilities (runc never sees includes)', () => {
    const text = '{"ociVersion":"1.2.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}}}';
    const r = resolve(profile(text), { host: arch('x86_64') });
    expect(r.value!.rules).toMatchObject([{ names: ['mount'], pointer: '/linux/seccomp/syscalls/0' }]);
  });

  it('no defaultAction and no syscalls: no filter, and it is said', () => {
    const r = resolve(profile('{}'), { host: arch('x86_64') });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'SC1111', severity: 'info' }]);
  });

  it('refuses NOTIFY rules without listenerPath, as runc does', () => {
    const r = resolve(profile('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}'), { host: arch('x86_64') });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'SC1113', severity: 'error', location: { pointer: '/syscalls/0' } }]);
  });

  it('keeps flags (absent stays absent: runc then adds SPEC_ALLOW) and the listener fields', () => {
    const p = fixture('kinvolk-seccompagent/notify-dangerous.json');
    const r = resolve(p, { host: arch('x86_64') });
    expect(r.value).toMatchObject({ listenerPath: p.listenerPath, listenerMetadata: p.listenerMetadata });
    expect(r.value).not.toHaveProperty('flags');
  });
});

describe('capabilities', () => {
  it("lists Docker's 14 default capabilities (moby daemon/pkg/oci/caps/defaults.go)", () => {
    expect(DOCKER_DEFAULT_CAPS).toHaveLength(14);
    expect(DOCKER_DEFAULT_CAPS).not.toContain('CAP_SYS_ADMIN');
    expect(ALL_CAPS).toHaveLength(41);
    for (const c of DOCKER_DEFAULT_CAPS) expect(ALL_CAPS).toContain(c);
  });

  it('normalizes capability names as docker run does', () => {
    expect([...normalizeCaps(['sys_admin', 'CAP_NET_RAW'])]).toEqual(['CAP_SYS_ADMIN', 'CAP_NET_RAW']);
    expect(normalizeCaps(['ALL']).size).toBe(41);
  });
});
