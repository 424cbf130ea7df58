// syscage dump on live processes: children (./filter-child.ts) install known filters — Docker's
// default profile compiled by compileProfile, and stacks — and wait; what dumpFilters and the
// CLI read must be exactly what was installed, instruction for instruction, in installation
// order; the /proc facts must match what the child read itself (/proc/self/status and
// prctl(PR_GET_SECCOMP)); `diff pid:N profile.json` must say equivalent. Also: a process
// without a filter, a pid that cannot exist, bad arguments, and a non-root caller (EACCES from
// PTRACE_SECCOMP_GET_FILTER: a process of the same user may be seized, but not read).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { encode } from '../../src/bpf/encode.js';
import { insn, type Instruction } from '../../src/bpf/instruction.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../../src/bpf/opcodes.js';
import { compileProfile } from '../../src/compile/profile.js';
import { dumpFilters } from '../../src/linux/dump.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { runCli } from '../cli/harness.js';
import { buildFilterChild, dumpUnavailable, REPO, requireLive, startFilterChild, type FilterChild } from './harness.js';

const LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const ENTRY = new URL('../run/cli-entry.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'syscage-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function syscage(args: string[], options: { uid?: number; gid?: number } = {}) {
  const r = spawnSync(process.execPath, ['--import', LOADER, ENTRY, ...args], { encoding: 'utf8', timeout: 30_000, cwd: REPO, ...options });
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

const X86_64 = archByName('x86_64')!;
const docker = compileProfile(DOCKER_DEFAULT_PROFILE, { host: X86_64 }).program!;
/** A second filter: nr 9999 → ERRNO(1) (Docker's default gives ERRNO(38) for it); all else ALLOW. */
const small: Instruction[] = [insn(BPF_LD | BPF_W | BPF_ABS, 0), insn(BPF_JMP | BPF_JEQ | BPF_K, 9999, 0, 1), insn(BPF_RET | BPF_K, 0x0005_0001), insn(BPF_RET | BPF_K, 0x7fff_0000)];
const allowAll: Instruction[] = [insn(BPF_RET | BPF_K, 0x7fff_0000)];

describe('syscage dump', () => {
  if (!requireLive({ it, skip: it.skip }, dumpUnavailable(), 'the live dump suite')) return;
  let one: FilterChild, stacked: FilterChild, none: FilterChild, noNnp: FilterChild;
  const profile = join(dir, 'docker.json');
  beforeAll(async () => {
    writeFileSync(profile, DOCKER_DEFAULT_PROFILE);
    buildFilterChild();
    [one, stacked, none, noNnp] = await Promise.all([
      startFilterChild([docker]),
      startFilterChild([docker, small, allowAll]),
      startFilterChild([]),
      startFilterChild([small], { noNewPrivs: false }),
    ]);
  });
  afterAll(async () => { await Promise.all([one, stacked, none, noNnp].filter(Boolean).map((c) => c.close())); });

  it('the children installed what they were given (their own view)', () => {
    expect(one.report.installed).toEqual([0]);
    expect(stacked.report.installed).toEqual([0, 0, 0]);
    expect(noNnp.report).toMatchObject({ installed: [0], status: { NoNewPrivs: '0', Seccomp: '2' } });
  });

  it('reads exactly the installed program, instruction for instruction', () => {
    const d = dumpFilters(one.pid);
    expect(d.error).toBeUndefined();
    expect(d.filters).toHaveLength(1);
    expect([...d.filters![0]!]).toEqual([...docker]);
    expect(Buffer.from(d.raw![0]!)).toEqual(Buffer.from(encode(docker, 'little')));
  });

  it('reads a stack in installation order (the kernel\'s index 0 is the FIRST filter installed)', () => {
    const d = dumpFilters(stacked.pid);
    expect(d.filters!.map((f) => [...f])).toEqual([[...docker], small, allowAll]);
  });

  it('/proc facts match the child\'s own /proc/self/status and prctl(PR_GET_SECCOMP)', () => {
    for (const [c, n] of [[one, 1], [stacked, 3], [noNnp, 1]] as const) {
      const s = dumpFilters(c.pid).status!;
      expect(c.report.prGetSeccomp).toBe(2);
      expect(s).toMatchObject({ pid: c.pid, seccomp: Number(c.report.status['Seccomp']), seccompMode: 'filter', seccompFilters: n, noNewPrivs: c.report.status['NoNewPrivs'] === '1' });
      expect(Number(c.report.status['Seccomp_filters'])).toBe(n);
    }
  });

  it('a process without a filter: no filters, no error; the CLI says so and exits 0', async () => {
    const d = dumpFilters(none.pid);
    expect(d).toMatchObject({ filters: [], status: { seccomp: 0, seccompMode: 'disabled' } });
    expect(d.error).toBeUndefined();
    const r = await runCli(['dump', String(none.pid)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`process ${none.pid} has no seccomp filter (Seccomp: 0, disabled)`);
  });

  it('a pid above pid_max: SC8002, exit 2', async () => {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    expect(dumpFilters(pidMax + 1).error?.code).toBe('SC8002');
    const r = await runCli(['dump', String(pidMax + 1)]);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain(`error SC8002: process ${pidMax + 1} does not exist`);
  });

  it('diff pid:N profile.json: equivalent for the process running Docker\'s default', async () => {
    const r = await runCli(['diff', `pid:${one.pid}`, profile], { [profile]: DOCKER_DEFAULT_PROFILE });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^pid ${one.pid} and .* are equivalent`));
    expect(r.code).toBe(0);
    // a bare number that names no file is a pid too
    expect((await runCli(['diff', String(one.pid), profile], { [profile]: DOCKER_DEFAULT_PROFILE })).code).toBe(0);
  });

  it('diff pid:N on a stack compares the combined verdict: nr 9999 is ERRNO(1) from the most recent ERRNO, not Docker\'s ERRNO(38)', async () => {
    const r = await runCli(['diff', `pid:${stacked.pid}`, profile, '--json'], { [profile]: DOCKER_DEFAULT_PROFILE });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { equivalent: boolean; differences: Array<{ abi: string; syscall: string; a: { action: string }; b: { action: string } }> };
    expect(j.equivalent).toBe(false);
    expect(j.differences.map((d) => [d.abi, d.syscall, d.a.action, d.b.action])).toEqual([['x86_64', 'syscall 9999', 'ERRNO(1)', 'ERRNO(38)'], ['x86', 'syscall 9999', 'ERRNO(1)', 'ERRNO(38)']]);
  });

  it('text output: status line, filters in order, summary and listing; exit 0', async () => {
    const r = await runCli(['dump', String(stacked.pid)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^process ${stacked.pid} \\(node\\): Seccomp 2 — filter mode.*Seccomp_filters 3; NoNewPrivs 1`));
    expect(lines.slice(1, 5)).toEqual([
      '3 filters, in installation order (the kernel runs every one for each syscall and keeps the most severe verdict):',
      `  filter 1 (installed first): ${docker.length} instructions, tests x86_64, x32, x86`,
      '  filter 2: 4 instructions, never tests seccomp_data.arch',
      '  filter 3 (most recent): 1 instruction, never tests seccomp_data.arch',
    ]);
    expect(r.stdout).toContain('kernel cache serves  306 of 385 without running the filters');
    const all = await runCli(['dump', String(stacked.pid), '--all-filters']);
    expect(all.stdout).toContain(`# ${docker.length} instructions (filter 1 of 3, little-endian)`);
    expect(all.stdout).toContain('# 1 instruction (filter 3 of 3, little-endian)');
  });

  it('-o writes the raw program; --all-filters -o writes one file per filter (%d or a directory)', async () => {
    const out = join(dir, 'one.bpf');
    expect((await runCli(['dump', String(one.pid), '-o', out])).code).toBe(0);
    const r = await runCli(['dump', String(stacked.pid), '--all-filters', '-o', 'f-%d.bpf', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { written: string[]; filters: Array<{ number: number; instructions: number; base64: string }>; status: Record<string, unknown>; order: string };
    expect(j.written).toEqual(['f-1.bpf', 'f-2.bpf', 'f-3.bpf']);
    expect(Buffer.from(r.files.get('f-2.bpf')!)).toEqual(Buffer.from(encode(small, 'little')));
    expect(j.order).toBe('installation');
    expect(j.filters.map((f) => f.instructions)).toEqual([docker.length, 4, 1]);
    expect(j.status).toMatchObject({ seccomp: 2, mode: 'filter', seccompFilters: 3, noNewPrivs: true });
    const d = await runCli(['dump', String(stacked.pid), '--all-filters', '-o', 'dir/']);
    expect([...d.files.keys()].sort()).toEqual(['dir/filter-1.bpf', 'dir/filter-2.bpf', 'dir/filter-3.bpf']);
  });

  it('bad input: exit 2 with a coded, located diagnostic, never a stack trace', () => {
    for (const [args, code] of [[['dump', 'abc'], 'SC8001'], [['dump', '0'], 'SC8001'], [['dump', 'pid:-3'], 'SC8001'], [['dump', '1', '--format', 'elf'], 'SC5008'], [['dump', '1', '--all-filters', '-o', 'x.bpf'], 'SC8012'], [['diff', 'pid:x', 'y'], 'SC8001']] as const) {
      const r = syscage([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`error ${code}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(syscage(['dump', 'abc']).stderr).toContain('<pid>: error SC8001: `abc` is not a process id');
  });

  it('as a user without CAP_SYS_ADMIN: SC8003 (EACCES), said plainly', () => {
    // nobody may seize a process of its own (same uid, no Yama here), but not read its filters
    const child = buildFilterChild(); // under node_modules/.cache, world-readable, beside koffi
    const script = `const { spawn } = await import('node:child_process');
const c = spawn(process.execPath, [${JSON.stringify(child)}, ${JSON.stringify(JSON.stringify({ filters: [Buffer.from(encode(small, 'little')).toString('base64')] }))}], { stdio: ['pipe', 'pipe', 'inherit'] });
c.stdout.once('data', () => { const d = spawn(process.execPath, ['--import', ${JSON.stringify(LOADER)}, ${JSON.stringify(ENTRY)}, 'dump', String(c.pid)], { stdio: 'inherit' }); d.on('exit', (code) => { c.stdin.end(); process.exitCode = code; }); });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: REPO, uid: 65534, gid: 65534 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error SC8003: reading the filters of process \d+ needs CAP_SYS_ADMIN: the kernel answered PTRACE_SECCOMP_GET_FILTER with EACCES/);
  });
});
