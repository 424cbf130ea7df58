// SPDX-License-Identifier: Apache-2.0
// Exported documents read back by syscage are the same profile: for Docker's default and real
// fixture profiles, on amd64 and arm64 hosts, the oci, docker, k8s and spo exports are parsed
// again (JSON, or SPO YAML) and compiled for the same target, and diffPrograms finds no
// difference anywhere in the decision space against the original's program. Profiles a format
// cannot hold are refused with the format's code instead (SPO has no defaultErrnoRet).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { diffPrograms } from '../../src/analysis/diff/diff.js';
import { compileProfile, type ProfileTarget } from '../../src/compile/profile.js';
import { exportProfile, type ExportFormat } from '../../src/export/export.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { parseProfile } from '../../src/profile/parse.js';

const fixtures = new URL('../fixtures/profiles/', import.meta.url);
const read = (f: string) => (f === 'docker-default' ? DOCKER_DEFAULT_PROFILE : readFileSync(new URL(f, fixtures), 'utf8'));

/** Docker's default, and fixtures that use archMap, includes/excludes by cap/arch/kernel, Podman errno names, NOTIFY, args, legacy names, flags. */
const PROFILES = [
  'docker-default',
  'moby/default-before-afalg.json',
  'moby/fixture-conditional_include.json',
  'moby/fixture-default-old-format.json',
  'containers-common/seccomp.json',
  'kinvolk-seccompagent/notify-dangerous.json',
  'jessfraz-dotfiles/chrome.json',
  'runc/seccomp_syscall_test1.json',
  'apptainer/default.json',
  'security-profiles-operator/baseprofile-runc.yaml',
];
const HOSTS = ['x86_64', 'aarch64'] as const;
const FORMATS: readonly ExportFormat[] = ['oci', 'docker', 'k8s', 'spo'];

const target = (host: string): ProfileTarget => ({ host: archByName(host)!, kernel: [6, 8] });

describe.each(HOSTS)('round trip on a %s host', (host) => {
  it.each(PROFILES.flatMap((p) => FORMATS.map((f) => [p, f] as const)))('%s → %s → back', (file, format) => {
    const text = read(file);
    const original = compileProfile(text, target(host), { file });
    expect(original.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const out = exportProfile(text, format, target(host), { file });
    const defaultErrno = /"defaultErrnoRet":\s*(\d+)/.exec(text)?.[1];
    if (format === 'spo' && defaultErrno !== undefined && defaultErrno !== '1') {
      // the CRD has no defaultErrnoRet: refused, never exported as EPERM
      expect(out.output).toBeUndefined();
      expect(out.diagnostics.map((d) => d.code)).toContain('SC7005');
      return;
    }
    expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(typeof out.output).toBe('string');
    const back = parseProfile(out.output as string, `exported.${format}`);
    expect(back.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    const again = compileProfile(out.output as string, target(host));
    expect(again.program).toBeDefined();
    const diff = diffPrograms(original.program!, again.program!);
    expect(diff.differences.map((d) => d.witness?.data)).toEqual([]);
    expect(diff.undecided).toEqual([]);
    // oci, k8s and spo are resolved: no Docker-only field is left for another runtime to read differently
    if (format !== 'docker') expect(out.output).not.toMatch(/"archMap"|"includes"|"excludes"|archMap:|includes:/);
  });
});

describe('the exported documents', () => {
  const host = target('x86_64');
  it('oci: Docker\'s default resolved for amd64 has archMap applied and errnos written out', () => {
    const oci = JSON.parse(exportProfile(DOCKER_DEFAULT_PROFILE, 'oci', host).output as string);
    // runtime-spec LinuxSeccomp fields only
    expect(Object.keys(oci)).toEqual(['defaultAction', 'defaultErrnoRet', 'architectures', 'syscalls']);
    expect(oci.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(oci.defaultErrnoRet).toBe(1);
    // moby's archMap for amd64: x86_64 with the x86 and x32 sub-architectures
    expect(oci.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    for (const s of oci.syscalls) {
      expect(Object.keys(s).every((k: string) => ['names', 'action', 'errnoRet', 'args'].includes(k))).toBe(true);
      if (s.action === 'SCMP_ACT_ERRNO') expect(typeof s.errnoRet).toBe('number');
    }
    // clone3 is ERRNO(ENOSYS) unless the container has CAP_SYS_ADMIN (Docker's default set has not)
    expect(oci.syscalls.find((s: { names: string[] }) => s.names.includes('clone3'))).toMatchObject({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    // the rules for arm/s390x/CAP_SYS_ADMIN only are gone
    expect(oci.syscalls.some((s: { names: string[] }) => s.names.includes('arm_fadvise64_64'))).toBe(false);
    expect(oci.syscalls.some((s: { names: string[] }) => s.names.includes('bpf'))).toBe(false);
  });

  it('oci: with CAP_SYS_ADMIN the cap-gated rules are in', () => {
    const oci = JSON.parse(exportProfile(DOCKER_DEFAULT_PROFILE, 'oci', { ...host, caps: ['CAP_SYS_ADMIN'] }).output as string);
    expect(oci.syscalls.some((s: { names: string[]; action: string }) => s.names.includes('mount') && s.action === 'SCMP_ACT_ALLOW')).toBe(true);
  });

  it('oci: 64-bit values are exact', () => {
    const text = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":1,"value":18446744073709551615,"valueTwo":9223372036854775809,"op":"SCMP_CMP_MASKED_EQ"}]}]}';
    const out = exportProfile(text, 'oci', host).output as string;
    expect(out).toContain('"value": 18446744073709551615');
    expect(out).toContain('"valueTwo": 9223372036854775809');
  });

  it('docker: normalized, archMap and includes kept, legacy `name` and Podman errno names resolved', () => {
    const d = JSON.parse(exportProfile(read('containers-common/seccomp.json'), 'docker', host).output as string);
    expect(d.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(d.defaultErrnoRet).toBe(38); // defaultErrno ENOSYS on x86_64
    expect(d.defaultErrno).toBeUndefined();
    expect(d.archMap.length).toBeGreaterThan(1);
    expect(d.syscalls.some((s: object) => 'includes' in s)).toBe(true);
    expect(d.syscalls.every((s: object) => !('errno' in s))).toBe(true);
    const old = JSON.parse(exportProfile(read('jessfraz-dotfiles/chrome.json'), 'docker', host).output as string);
    expect(old.syscalls[0]).toEqual({ names: ['accept'], action: 'SCMP_ACT_ALLOW' });
  });

  it('spo: a v1beta1 SeccompProfile document', () => {
    const out = exportProfile(read('runc/seccomp_syscall_test1.json'), 'spo', host, { name: 'test1', namespace: 'apps' }).output as string;
    expect(out).toMatch(/^apiVersion: security-profiles-operator\.x-k8s\.io\/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: test1\n  namespace: apps\nspec:\n  defaultAction: /);
    expect(out).not.toContain('defaultErrnoRet');
  });

  it('spo: refuses what the CRD cannot hold', () => {
    const zero = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO","errnoRet":0}]}';
    expect(exportProfile(zero, 'spo', host).diagnostics.map((d) => d.code)).toContain('SC7006');
    const loong = exportProfile('{"defaultAction":"SCMP_ACT_ALLOW"}', 'spo', { host: archByName('loongarch64')! });
    expect(loong.diagnostics.map((d) => d.code)).toContain('SC7007');
    expect(exportProfile('{"defaultAction":"SCMP_ACT_ALLOW"}', 'spo', host, { name: 'Not_A_Name' }).diagnostics.map((d) => d.code)).toContain('SC7009');
  });

  it('k8s: the Localhost file, the pod fields and the node path', () => {
    const out = exportProfile(DOCKER_DEFAULT_PROFILE, 'k8s', host, { localhostProfile: 'profiles/web.json', kubeletRoot: '/data/kubelet/' });
    expect(JSON.parse(out.output as string).architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(out.notes).toContain('/data/kubelet/seccomp/profiles/web.json');
    expect(out.notes).toContain('securityContext:\n  seccompProfile:\n    type: Localhost\n    localhostProfile: "profiles/web.json"\n');
    for (const bad of ['/etc/x.json', '../x.json', 'a/../../x.json', '']) {
      expect(exportProfile(DOCKER_DEFAULT_PROFILE, 'k8s', host, { localhostProfile: bad }).diagnostics.map((d) => d.code)).toContain('SC7008');
    }
  });

  it('a profile that installs no filter has nothing to export', () => {
    const out = exportProfile('{}', 'oci', host);
    expect(out.output).toBeUndefined();
    expect(out.diagnostics.map((d) => d.code)).toContain('SC7002');
  });
});
