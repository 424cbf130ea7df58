// SPDX-License-Identifier: Apache-2.0
// `syscage harden`, `syscage lint --fix`, `syscage compile --harden` and `syscage init` on an
// in-memory host (../cli/harness.ts): outputs, exit codes, located diagnostics for bad input,
// nothing written when a run fails, atomic outputs where they go.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { runCli } from '../cli/harness.js';

const docker = readFileSync(new URL('../fixtures/profiles/moby/default.json', import.meta.url), 'utf8');
const podman = readFileSync(new URL('../fixtures/profiles/containers-common/seccomp.json', import.meta.url), 'utf8');
const filter = new Uint8Array(readFileSync(new URL('../../examples/docker-default-amd64.bpf', import.meta.url)));
const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe('syscage harden', () => {
  it('a Security Profiles Operator YAML is read but not rewritten: SC6054, exit 2, nothing written', async () => {
    const yaml = readFileSync(new URL('../fixtures/profiles/security-profiles-operator/baseprofile-runc.yaml', import.meta.url), 'utf8');
    const r = await runCli(['harden', 'p.yaml', '-o', 'out.json', '--host', 'amd64'], { 'p.yaml': yaml });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.yaml:\d+:\d+: error SC6054: harden rewrites JSON profiles/);
    expect(r.files.has('out.json')).toBe(false);
  });

  it('writes the hardened profile to -o and lists the changes with their locations', async () => {
    const r = await runCli(['harden', 'p.json', '--host', 'amd64', '-o', 'out.json'], { 'p.json': docker });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^p\.json: hardened for x86_64, x32, x86 \(runc lens\) — 3 changes, written to out\.json/);
    expect(r.stdout).toContain('p.json:471:5: info SC6001: socket: a0 > 40');
    expect(r.stdout).toContain('info SC6010: socketcall on x86 now gets ERRNO(38)');
    const out = JSON.parse(text(r.files.get('out.json'))!);
    expect(out.syscalls.filter((s: { names: string[] }) => s.names.includes('socketcall')).map((s: { errnoRet: number }) => s.errnoRet)).toEqual([38, 89]);
    // before the allow list, which no longer names it (libseccomp would refuse a second unconditional rule)
    expect(out.syscalls.slice(0, 2).map((s: { names: string[] }) => s.names)).toEqual([['socketcall'], ['socketcall']]);
    expect(out.syscalls[2].names.length).toBeGreaterThan(300);
    expect(out.syscalls[2].names).not.toContain('socketcall');
  });

  it('without -o prints the profile on standard output and the changes on standard error', async () => {
    const r = await runCli(['harden', 'p.json', '--host', 'amd64'], { 'p.json': docker });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(r.stdout.startsWith('{\n\t"defaultAction"')).toBe(true); // the input's indentation
    expect(r.stderr).toContain('3 changes');
  });

  it('--json reports the changes and carries the profile', async () => {
    const r = await runCli(['harden', 'p.json', '--host', 'amd64', '--json'], { 'p.json': podman });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.abis).toEqual(['x86_64', 'x32', 'x86']);
    expect(out.changes.map((c: { code: string }) => c.code)).toContain('SC6042');
    expect(JSON.parse(out.text).defaultErrno).toBe('ENOSYS');
  });

  it('harden for arm64 leaves socketcall alone (no multiplexer ABI) and keeps the low-word rewrite', async () => {
    const r = await runCli(['harden', 'p.json', '--host', 'arm64', '--json'], { 'p.json': docker });
    const out = JSON.parse(r.stdout);
    expect(out.changes.map((c: { step: string }) => c.step)).toEqual(['int32']);
  });

  it('with nothing to change, writes the input byte for byte', async () => {
    const allow = '{"defaultAction": "SCMP_ACT_ALLOW"}';
    const r = await runCli(['harden', 'p.json', '--host', 'amd64', '-o', 'out.json'], { 'p.json': allow });
    expect(r.code).toBe(0);
    expect(text(r.files.get('out.json'))).toBe(allow);
    expect(r.stdout).toContain('SC6051');
  });

  it.each([
    ['a filter', ['harden', 'f.bpf', '-o', 'out.json'], 'SC6052'],
    ['bad JSON', ['harden', 'bad.json', '-o', 'out.json'], 'SC1002'],
    ['an unknown action', ['harden', 'action.json', '-o', 'out.json'], 'SC1030'],
    ['a missing file', ['harden', 'missing.json', '-o', 'out.json'], 'SC5005'],
    ['--lens libseccomp', ['harden', 'p.json', '--lens', 'libseccomp', '-o', 'out.json'], 'SC5008'],
    ['an unknown host', ['harden', 'p.json', '--host', 'vax', '-o', 'out.json'], 'SC5001'],
    ['a read-only destination', ['harden', 'p.json', '-o', '/readonly/out.json'], 'SC5006'],
  ])('%s: exit 2, a coded diagnostic, nothing written', async (_what, argv, code) => {
    const r = await runCli(argv, {
      'p.json': docker, 'f.bpf': filter, 'bad.json': '{"defaultAction": "SCMP_ACT_ERRNO",}',
      'action.json': '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_BOGUS"}]}',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.files.has('out.json')).toBe(false);
  });

  it('locates bad input by line and column', async () => {
    const r = await runCli(['harden', 'bad.json'], { 'bad.json': '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n}' });
    expect(r.stderr).toMatch(/^bad\.json:3:1: error SC1002/);
  });
});

describe('syscage lint --fix', () => {
  it('rewrites the profile in place, then lints what is left', async () => {
    const r = await runCli(['lint', 'p.json', '--fix', '--host', 'amd64'], { 'p.json': docker });
    expect(r.stdout).toMatch(/^p\.json: fixed — 3 changes, written to p\.json/);
    expect(r.stdout).toContain('— 0 errors,');
    expect(r.code).toBe(1); // warnings remain (dangerous-allow: ptrace & co. on kernels ≥ 4.8)
    const fixed = text(r.files.get('p.json'))!;
    expect(fixed).not.toBe(docker);
    const again = await runCli(['lint', 'p.json', '--fix', '--host', 'amd64'], { 'p.json': fixed });
    expect(again.stdout).toMatch(/^p\.json: fixed — 0 changes, nothing written/);
    expect(text(again.files.get('p.json'))).toBe(fixed);
  });

  it('writes to -o and leaves the input alone; JSON says what was fixed', async () => {
    const r = await runCli(['lint', 'p.json', '--fix', '--host', 'amd64', '-o', 'fixed.json', '--format', 'json'], { 'p.json': docker });
    const out = JSON.parse(r.stdout);
    expect(out.fixed.output).toBe('fixed.json');
    expect(out.fixed.changes).toHaveLength(3);
    expect(out.summary).toMatch(/^0 errors/);
    expect(text(r.files.get('p.json'))).toBe(docker);
    expect(r.files.has('fixed.json')).toBe(true);
  });

  it.each([
    ['no file and no -o', ['lint', '--fix'], 'SC6110'],
    ['standard input without -o', ['lint', '-', '--fix'], 'SC6110'],
    ['a filter', ['lint', 'f.bpf', '--fix'], 'SC6052'],
  ])('%s: exit 2', async (_what, argv, code) => {
    const r = await runCli(argv, { 'f.bpf': filter });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
  });
});

describe('syscage compile --harden', () => {
  it('compiles the hardened profile', async () => {
    const plain = JSON.parse((await runCli(['compile', 'p.json', '--host', 'amd64', '--json'], { 'p.json': docker })).stdout);
    const hard = await runCli(['compile', 'p.json', '--host', 'amd64', '--harden', '--json'], { 'p.json': docker });
    expect(hard.code).toBe(0);
    const out = JSON.parse(hard.stdout);
    expect(out.instructions).toBeGreaterThan(plain.instructions);
    expect(out.diagnostics.some((d: { code: string }) => d.code === 'SC6010')).toBe(true);
  });
  it('a filter: exit 2', async () => {
    const r = await runCli(['compile', 'f.bpf', '--harden', '-o', 'x.bpf'], { 'f.bpf': filter });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SC6052');
    expect(r.files.has('x.bpf')).toBe(false);
  });
});

describe('syscage init', () => {
  it('--list: one line per preset', async () => {
    const r = await runCli(['init', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['docker-default', 'unix-only-network', 'no-af-alg-vsock', 'wx-memory', 'deny-all-log', 'default-deny']);
  });
  it('docker-default is the embedded profile', async () => {
    const r = await runCli(['init', 'docker-default']);
    expect(r.stdout.trimEnd()).toBe(DOCKER_DEFAULT_PROFILE.trimEnd());
  });
  it('writes to -o atomically, and the same bytes every time', async () => {
    const a = await runCli(['init', 'unix-only-network', '-o', 'p.json']);
    const b = await runCli(['init', 'unix-only-network']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^p\.json: the unix-only-network preset, hardened/);
    expect(text(a.files.get('p.json'))).toBe(b.stdout);
  });
  it('default-deny takes --syscalls', async () => {
    const r = await runCli(['init', 'default-deny', '--syscalls', 'getpid,socket']);
    const p = JSON.parse(r.stdout);
    expect(p.syscalls[0].names).toEqual(expect.arrayContaining(['getpid', 'socket', 'execve', 'exit_group']));
  });
  it.each([
    ['an unknown preset', ['init', 'paranoid'], 2, 'SC6101'],
    ['default-deny without --syscalls', ['init', 'default-deny'], 2, 'SC6102'],
    ['an unknown syscall', ['init', 'default-deny', '--syscalls', 'getpid,fork2'], 2, 'SC6103'],
    ['no preset', ['init'], 2, 'SC5008'],
    ['--syscalls on another preset', ['init', 'wx-memory', '--syscalls', 'read'], 0, 'SC6104'],
  ])('%s', async (_what, argv, exit, code) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(exit);
    expect(r.stderr).toContain(code);
  });
  it('the help lists harden and init', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/harden\s+rewrite a profile/);
    expect(r.stdout).toMatch(/init\s+write a profile to start from/);
  });
});
