// SPDX-License-Identifier: Apache-2.0
// `syscage export` through the CLI with in-memory files (test/cli/harness.ts): exit 0 with the
// document where it was asked for, exit 2 with a coded, located error on bad input, and never a
// file written when the run fails. Also: other commands read SPO YAML, FILE#NAME included.

import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/harness.js';
import { archByName } from '../../src/arch/index.js';
import { decode } from '../../src/bpf/encode.js';
import { compileProfile } from '../../src/compile/profile.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { parseProfile } from '../../src/profile/parse.js';

const SPO = `apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: small
spec:
  defaultAction: SCMP_ACT_ERRNO
  architectures: [SCMP_ARCH_X86_64]
  syscalls:
  - action: SCMP_ACT_ALLOW
    names: [read, write, exit_group]
---
apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: other
spec:
  defaultAction: SCMP_ACT_ALLOW
`;
const CONFIG = '{\n\t"ociVersion": "1.2.0",\n\t"process": {"args": ["sh"], "cwd": "/"},\n\t"linux": {\n\t\t"namespaces": [{"type": "pid"}],\n\t\t"seccomp": {"defaultAction": "SCMP_ACT_ALLOW"}\n\t},\n\t"annotations": {"a": "b"}\n}\n';

describe('syscage export', () => {
  it('--to spo -o: a SeccompProfile that reads back, named after the output file', async () => {
    const r = await runCli(['export', '--to', 'spo', '--host', 'amd64', '-o', 'web-app.yaml']);
    expect(r.code).toBe(0);
    const text = new TextDecoder().decode(r.files.get('web-app.yaml'));
    expect(text).toContain('kind: SeccompProfile\nmetadata:\n  name: web-app\n');
    expect(parseProfile(text).diagnostics).toEqual([]);
  });

  it('--to oci to standard output; --to docker', async () => {
    const oci = await runCli(['export', '--to', 'oci', '--host', 'arm64']);
    expect(oci.code).toBe(0);
    expect(JSON.parse(oci.stdout).architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    const docker = await runCli(['export', '--to', 'docker', '--host', 'amd64']);
    expect(docker.code).toBe(0);
    expect(JSON.parse(docker.stdout).archMap).toBeDefined();
  });

  it('--to oci --config: linux.seccomp replaced, the rest of config.json kept byte for byte', async () => {
    const r = await runCli(['export', 'p.yaml#small', '--to', 'oci', '--host', 'amd64', '--config', 'config.json', '-o', 'config.json'], { 'p.yaml': SPO, 'config.json': CONFIG });
    expect(r.code).toBe(0);
    const out = new TextDecoder().decode(r.files.get('config.json'));
    const cut = CONFIG.indexOf('"seccomp"');
    expect(out.slice(0, cut)).toBe(CONFIG.slice(0, cut));
    expect(out.endsWith('\n\t},\n\t"annotations": {"a": "b"}\n}\n')).toBe(true);
    const config = JSON.parse(out);
    expect(config.linux.seccomp.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(config.linux.seccomp.syscalls[0].names).toEqual(['read', 'write', 'exit_group']);
    expect(config.linux.namespaces).toEqual([{ type: 'pid' }]);
    // it is read back as that profile
    const back = parseProfile(out, 'config.json').value!;
    expect(back).toMatchObject({ format: 'oci-config', defaultAction: 'ERRNO' });
  });

  it('--to crun --config: the annotation is added beside the others', async () => {
    const r = await runCli(['export', '--to', 'crun', '--host', 'amd64', '--config', 'config.json'], { 'config.json': CONFIG });
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.annotations.a).toBe('b');
    const bytes = new Uint8Array(Buffer.from(config.annotations['run.oci.seccomp_bpf_data'], 'base64'));
    const compiled = compileProfile(DOCKER_DEFAULT_PROFILE, { host: archByName('x86_64')!, kernel: [6, 18] });
    expect(decode(bytes, 'little').value).toEqual(compiled.program);
  });

  it('--to k8s -o: the file, and the pod fields on standard output', async () => {
    const r = await runCli(['export', '--to', 'k8s', '--host', 'amd64', '-o', 'default.json', '--localhost-profile', 'syscage/default.json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(r.files.get('default.json'))).defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(r.stdout).toContain('/var/lib/kubelet/seccomp/syscage/default.json');
    expect(r.stdout).toContain('type: Localhost');
  });

  it('--to bwrap: -o required; the program, and the invocation', async () => {
    const none = await runCli(['export', '--to', 'bwrap', '--host', 'amd64']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('SC7003');
    const r = await runCli(['export', '--to', 'bwrap', '--host', 'amd64', '-o', 'f.bpf']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('bwrap --seccomp 9 9<f.bpf …\n');
    expect(r.files.get('f.bpf')!.length % 8).toBe(0);
  });

  it('--to systemd', async () => {
    const r = await runCli(['export', 'p.yaml#small', '--to', 'systemd', '--host', 'amd64'], { 'p.yaml': SPO });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['[Service]', 'SystemCallFilter=read write exit_group']);
  });

  it.each([
    [['export', '--to', 'yaml'], 'SC7001', '--to'],
    [['export', '--host', 'amd64'], 'SC5008', '--to'],
    [['export', 'missing.json', '--to', 'oci'], 'SC5005', 'missing.json'],
    [['export', 'bad.yaml', '--to', 'oci', '-o', 'out.json'], 'SC7101', 'bad.yaml:'], // located at the unclosed string's end,
    [['export', 'pod.yaml', '--to', 'spo', '-o', 'out.json'], 'SC7103', 'pod.yaml:2:7'],
    [['export', 'p.yaml', '--to', 'oci', '-o', 'out.json'], 'SC7105', 'p.yaml:'],
    [['export', 'p.yaml#nope', '--to', 'oci', '-o', 'out.json'], 'SC7106', 'p.yaml'],
    [['export', '--to', 'spo', '--name', 'Bad_Name', '-o', 'out.json'], 'SC7009', '--name'],
    [['export', '--to', 'oci', '--config', 'list.json', '-o', 'out.json'], 'SC7004', 'list.json'],
    [['export', '--to', 'oci', '-o', '/readonly/out.json'], 'SC5006', '/readonly/out.json'],
  ])('%j → exit 2, %s', async (argv, code, where) => {
    const files = {
      'bad.yaml': 'kind: SeccompProfile\nspec:\n  defaultAction: "SCMP_ACT_ERRNO\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\n',
      'p.yaml': SPO,
      'list.json': '[1, 2]\n',
    };
    const r = await runCli([...argv, ...(argv.includes('--host') ? [] : ['--host', 'amd64'])], files);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).toContain(where);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.files.has('out.json')).toBe(false); // nothing half-written
    expect(r.files.has('/readonly/out.json')).toBe(false);
  });
});

describe('SPO YAML as input elsewhere', () => {
  it('compile and check read a SeccompProfile, FILE#NAME picks the document', async () => {
    const c = await runCli(['compile', 'p.yaml#small', '--host', 'amd64', '--format', 'hex'], { 'p.yaml': SPO });
    expect(c.code).toBe(0);
    const expected = compileProfile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]}', { host: archByName('x86_64')!, kernel: [6, 18] });
    expect(decode(new Uint8Array(Buffer.from(c.stdout.trim(), 'hex')), 'little').value).toEqual(expected.program);
    const bad = await runCli(['compile', 'p.yaml', '--host', 'amd64'], { 'p.yaml': SPO });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SC7105');
  });
});
