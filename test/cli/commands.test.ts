// The commands on a real filter: Docker's default profile as libseccomp 2.5.4 exported it for
// runc on amd64 (examples/docker-default-amd64.bpf). Expected values come from the profile
// (moby/profiles seccomp/default.json), not from syscage.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from './harness.js';

const docker = new Uint8Array(readFileSync(new URL('../../examples/docker-default-amd64.bpf', import.meta.url)));
const files = { 'docker.bpf': docker };

describe('check', () => {
  it('summarises each ABI the filter accepts', async () => {
    const r = await runCli(['check', 'docker.bpf', '--json'], files);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.instructions).toBe(1246);
    expect(out.abis.map((a: { arch: string }) => a.arch)).toEqual(['x86_64', 'x32', 'x86']);
    const x86_64 = out.abis[0];
    // The only x86_64 entries of default.json with argument conditions: socket (AF_ALG/AF_VSOCK),
    // personality (a few personas), clone (no namespace flags without CAP_SYS_ADMIN).
    expect(x86_64.argumentDependent.map((d: { name: string }) => d.name).sort()).toEqual(['clone', 'personality', 'socket']);
    // clone3 is ERRNO(ENOSYS=38) without CAP_SYS_ADMIN; everything unlisted is the default ERRNO(EPERM).
    expect(x86_64.byAction['ERRNO(38)']).toBe(1);
    expect(x86_64.newSyscalls).toBe('ERRNO(1)');
    expect(out.otherArch).toBe('KILL_THREAD');
    // Every constant-ALLOW syscall of this layout is served by the kernel's cache.
    expect(x86_64.kernelCacheServes).toBe(x86_64.byAction['ALLOW']);
  });
});

describe('simulate', () => {
  it.each([
    ['x86_64', 'getpid', '', 'ALLOW'],
    ['x86_64', 'socket', '1,1,0', 'ALLOW'],
    ['x86_64', 'socket', '40,1,0', 'ERRNO(1)'],
    ['x86_64', 'socket', '38,1,0', 'ERRNO(1)'],
    ['x86_64', 'socket', '0x100000028,1,0', 'ALLOW'], // upper 32 bits dodge `a0 > 40`
    ['x86_64', 'kexec_load', '', 'ERRNO(1)'],
    ['x86_64', 'clone3', '', 'ERRNO(38)'],
    ['x86', 'socketcall', '1', 'ALLOW'], // companion of the socket rules, and allowed outright
    ['x86', 'socket', '40,1,0', 'ERRNO(1)'],
    ['x32', 'read', '', 'ALLOW'],
    ['aarch64', 'read', '', 'KILL_THREAD'], // not an ABI of this filter
    ['x86_64', '0x40000000', '', 'ALLOW'], // x32 read through the x86_64 audit arch
  ])('%s %s(%s) → %s', async (arch, syscall, args, want) => {
    const r = await runCli(['simulate', 'docker.bpf', '--arch', arch, '--syscall', syscall, '--args', args, '--json'], files);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).action).toBe(want);
  });
  it('--table covers every syscall of the ABI', async () => {
    const r = await runCli(['simulate', 'docker.bpf', '--arch', 'x86_64', '--table', '--json'], files);
    const out = JSON.parse(r.stdout);
    expect(out.verdicts).toHaveLength(385);
    expect(out.verdicts.find((v: { syscall: string }) => v.syscall === 'ptrace').action).toBe('ALLOW');
  });
  it('--trace prints the path', async () => {
    const r = await runCli(['simulate', 'docker.bpf', '--arch', 'x86_64', '--syscall', 'socket', '--args', '1', '--trace'], files);
    expect(r.stdout).toContain('args[0].hi  socket(int family)');
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/ret #0x7fff0000\s+; ALLOW/);
  });
});

describe('disasm | asm', () => {
  it('round-trips the Docker filter byte for byte', async () => {
    const d = await runCli(['disasm', 'docker.bpf'], files);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n')[0]).toBe('# 1246 instructions (little-endian)');
    const a = await runCli(['asm', 'listing', '-o', 'copy.bpf', '--arch', 'x86_64'], { listing: d.stdout });
    expect(a.code).toBe(0);
    expect(Buffer.from(a.files.get('copy.bpf')!)).toEqual(Buffer.from(docker));
  });
  it('reads base64 (crun annotation) as well as raw bytes', async () => {
    const r = await runCli(['disasm', 'f.b64', '--json'], { 'f.b64': Buffer.from(docker).toString('base64') + '\n' });
    expect(JSON.parse(r.stdout).count).toBe(1246);
  });
  it('writes the other byte order with --arch', async () => {
    const a = await runCli(['asm', 'l', '-o', 'be.bpf', '--arch', 's390x'], { l: 'ld [4]\nret ALLOW\n' });
    expect([...a.files.get('be.bpf')!]).toEqual([0, 0x20, 0, 0, 0, 0, 0, 4, 0, 0x06, 0, 0, 0x7f, 0xff, 0, 0]);
  });
});

describe('version', () => {
  it('src/version.ts, package.json and the bin agree', async () => {
    const { execFileSync } = await import('node:child_process');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { VERSION } = await import('../../src/version.js');
    expect(VERSION).toBe(pkg.version);
    const out = execFileSync(process.execPath, [new URL('../../bin/syscage.cjs', import.meta.url).pathname, '--version'], { encoding: 'utf8' });
    expect(out).toBe(pkg.version + '\n');
    const r = await runCli(['--version']);
    expect(r.stdout).toBe(pkg.version + '\n');
  });
});

describe('profiles in disasm, check and compile', () => {
  const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 38, op: 'SCMP_CMP_NE' }, { index: 0, value: 40, op: 'SCMP_CMP_NE' }] }] });
  it('disasm lists the program a profile compiles to', async () => {
    const r = await runCli(['disasm', 'p.json', '--host', 'aarch64'], { 'p.json': profile });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# \d+ instructions/);
    expect(r.stdout).toContain('AUDIT_ARCH aarch64');
  });
  it('check reports runc ORing conditions on one argument, located in the profile', async () => {
    const r = await runCli(['check', 'p.json', '--host', 'x86_64', '--json'], { 'p.json': profile });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.diagnostics.find((d: { code: string }) => d.code === 'SC2103')).toMatchObject({ location: { pointer: '/syscalls/1' } });
  });
  it('compile writes the same program in every format', async () => {
    const raw = await runCli(['compile', 'p.json', '--host', 's390x', '-o', 'f.bpf'], { 'p.json': profile });
    expect(raw.code).toBe(0);
    const b64 = await runCli(['compile', 'p.json', '--host', 's390x', '--format', 'base64'], { 'p.json': profile });
    expect(Buffer.from(b64.stdout.trim(), 'base64')).toEqual(Buffer.from(raw.files.get('f.bpf')!));
    const back = await runCli(['check', 'f.bpf', '--json'], { 'f.bpf': raw.files.get('f.bpf')! });
    expect(JSON.parse(back.stdout).abis.map((a: { arch: string }) => a.arch)).toContain('s390x');
  });
  it('a broken profile is a located diagnostic and exit 2', async () => {
    const r = await runCli(['compile', 'p.json'], { 'p.json': '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.json:1:\d+: error SC1030/);
    expect(r.files.has('-')).toBe(false);
  });
});
