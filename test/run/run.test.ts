// syscage run on the real kernel: each case is a child process (`node --import tsx
// test/run/cli-entry.ts run …`) that becomes the command under the filter. What is checked:
// arguments, environment, stdio and exit status pass through, a signal death stays a signal
// death; the filter is really installed (/proc/self/status) and the kernel enforces what
// `simulate` predicts (the unix-only-network preset: socket(AF_INET) EPERM, AF_UNIX works); a
// profile that denies what the command needs fails as under Docker; and every fault before
// execve (missing or non-executable binary, unreadable or bad profile, a filter too large, the
// kernel refusing the filter, a filter that refuses execve) leaves the command unrun — it would
// have created a marker file. A process started by run is dumped (PTRACE_SECCOMP_GET_FILTER):
// its filter is the compiled program, instruction for instruction.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archByName, syscallNumber } from '../../src/arch/index.js';
import { compileProfile } from '../../src/compile/profile.js';
import { buildPreset } from '../../src/analysis/presets/index.js';
import { formatAction } from '../../src/seccomp/action.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { runCli } from '../cli/harness.js';
import { dumpFilters } from '../../src/linux/dump.js';
import { diffPrograms } from '../../src/analysis/diff/diff.js';
import { hostArch } from '../../src/linux/ffi.js';

const LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const ENTRY = new URL('./cli-entry.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'syscage-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const X86_64 = archByName('x86_64')!;
const onX86_64 = process.arch === 'x64';
const root = process.getuid?.() === 0;

function syscage(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, ['--import', LOADER, ENTRY, ...args], { encoding: 'utf8', timeout: 30_000, cwd: dir, ...options });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** Docker's default without the named syscalls (they fall to its default, ERRNO(EPERM)). */
function dockerWithout(...names: string[]): string {
  const p = JSON.parse(DOCKER_DEFAULT_PROFILE) as { syscalls: Array<{ names: string[] }> };
  p.syscalls = p.syscalls.map((r) => ({ ...r, names: r.names.filter((n) => !names.includes(n)) })).filter((r) => r.names.length > 0);
  return JSON.stringify(p);
}

const STATUS = 'grep -E "^(NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status';

describe.runIf(process.platform === 'linux')('syscage run', () => {
  it('passes argv, environment, stdin, stdout, stderr and the exit status through', () => {
    const r = syscage(['run', '--', 'sh', '-c', 'read line; echo "$0 $1 $FOO $line"; echo err >&2; exit 3', 'zero', 'one'], { input: 'from stdin\n', env: { ...process.env, FOO: 'bar' } });
    expect(r).toMatchObject({ code: 3, stdout: 'zero one bar from stdin\n', stderr: 'err\n' });
  });

  it('a signal death stays a signal death (the shell reports 128+n)', () => {
    expect(syscage(['run', '--', 'sh', '-c', 'kill -SEGV $$']).signal).toBe('SIGSEGV');
    expect(spawnSync('sh', ['-c', `"${process.execPath}" --import ${LOADER} ${ENTRY} run -- sh -c 'kill -TERM $$'; echo $?`], { encoding: 'utf8', cwd: dir }).stdout).toBe('143\n');
  });

  it('the filter is installed, with no_new_privs; SIGPIPE is not left ignored', () => {
    const r = syscage(['run', '--', 'sh', '-c', `${STATUS}; grep ^SigIgn /proc/self/status`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\nSigIgn:\t0000000000000000\n');
  });

  it.runIf(root)('--no-new-privs=false leaves no_new_privs unset (root has CAP_SYS_ADMIN)', () => {
    const r = syscage(['run', '--no-new-privs=false', '--', 'sh', '-c', STATUS]);
    expect(r.stdout).toBe('NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n');
  });

  it.runIf(onX86_64)('unix-only-network: the kernel gives what simulate predicts, socket(AF_INET) EPERM and AF_UNIX a socket', () => {
    const program = compileProfile(buildPreset('unix-only-network').text!, { host: X86_64 }).program!;
    const socket = syscallNumber(X86_64, 'socket')!;
    const predict = (family: bigint) => formatAction(simulate(program, 'little', { nr: socket, arch: X86_64.auditArch, instructionPointer: 0n, args: [family, 1n, 0n] }).value);
    expect([predict(2n), predict(1n)]).toEqual(['ERRNO(1)', 'ALLOW']);
    const py = 'import socket, errno\nfor f in (socket.AF_INET, socket.AF_UNIX):\n  try:\n    socket.socket(f, socket.SOCK_STREAM); print(f.name, "ok")\n  except OSError as e:\n    print(f.name, errno.errorcode[e.errno])';
    const r = syscage(['run', '--preset', 'unix-only-network', '--', 'python3', '-c', py]);
    expect(r).toMatchObject({ code: 0, stdout: 'AF_INET EPERM\nAF_UNIX ok\n' });
  });

  it('a profile that denies what the command needs fails as under Docker (mkdir: EPERM)', () => {
    const profile = file('no-mkdir.json', dockerWithout('mkdir', 'mkdirat'));
    const r = syscage(['run', '--profile', profile, '--', 'mkdir', join(dir, 'made')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Operation not permitted/);
    expect(existsSync(join(dir, 'made'))).toBe(false);
  });

  it('--dry-run says what it would install and runs nothing', () => {
    const marker = join(dir, 'dry');
    const r = syscage(['run', '--dry-run', '--log', '--', 'touch', marker]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^would run \/\S*touch \(argv \["touch",".*"\]\) under docker-default .*:\n {2}\d+ instructions for .*\n {2}prctl\(PR_SET_NO_NEW_PRIVS, 1\), then seccomp\(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW\|SECCOMP_FILTER_FLAG_LOG\), then execve\n$/);
    expect(existsSync(marker)).toBe(false);
  });

  it.runIf(root)('a process started by run, dumped, carries exactly the compiled program (diff, disasm, explain take pid:N)', async () => {
    const host = hostArch()!;
    const child = spawn(process.execPath, ['--import', LOADER, ENTRY, 'run', '--preset', 'unix-only-network', '--', 'sleep', '30'], { cwd: dir, stdio: 'ignore' });
    try {
      const pid = child.pid!;
      // wait for the exec: the process is `sleep`, under its filter
      for (let i = 0; i < 100; i++) {
        const comm = (() => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } })();
        if (comm === 'sleep') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const d = dumpFilters(pid);
      expect(d.error).toBeUndefined();
      expect(d.status).toMatchObject({ seccomp: 2, seccompFilters: 1, noNewPrivs: true });
      const program = compileProfile(buildPreset('unix-only-network').text!, { host }).program!;
      expect(d.filters!.length).toBe(1);
      expect(d.filters![0]).toEqual(program);
      const cmp = diffPrograms(d.filters![0]!, program);
      expect([cmp.differences.length, cmp.undecided.length, cmp.complete]).toEqual([0, 0, true]);
      const r = await runCli(['diff', `pid:${pid}`, 'p.json'], { 'p.json': buildPreset('unix-only-network').text! });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/equivalent/);
      // and every reader of a filter takes pid:N
      const dis = await runCli(['disasm', `pid:${pid}`]);
      expect(dis.stdout.split('\n')[0]).toBe(`# ${program.length} instructions (little-endian)`);
      const ex = await runCli(['explain', `pid:${pid}`, '--syscall', 'socket']);
      expect(ex.stdout).toMatch(/socket {2}ALLOW if a0 \(low 32 bits\) = 1 \(AF_UNIX\); otherwise ERRNO\(1\)/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  describe('fault injection: the command never runs', () => {
    const big = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: Array.from({ length: 5000 }, (_, i) => ({ names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 100 + 2 * i, op: 'SCMP_CMP_EQ' }] })) };
    const notExec = file('not-exec.sh', '#!/bin/sh\ntouch "$1"\n');
    chmodSync(notExec, 0o644);
    const cases: Array<[string, string[], number, RegExp, SpawnSyncOptions?]> = [
      ['a missing binary', ['run', '--', 'no-such-command-here'], 127, /SC9001/],
      ['a file that is not executable', ['run', '--', notExec], 126, /SC9002/],
      ['an unreadable profile', ['run', '--profile', join(dir, 'absent.json'), '--'], 125, /SC5005/],
      ['a profile that is not JSON', ['run', '--profile', file('bad.json', '{"defaultAction": '), '--'], 125, /bad\.json:1:\d+: error SC1/],
      ['a filter larger than the kernel takes', ['run', '--profile', file('big.json', JSON.stringify(big)), '--'], 125, /SC2001/],
      ['a filter that refuses execve', ['run', '--profile', file('no-execve.json', dockerWithout('execve')), '--'], 126, /SC9007.*ERRNO\(1\)/],
      ['an unknown preset', ['run', '--preset', 'nope', '--'], 125, /SC61/],
      ['standard error unwritable, and a bad profile', ['run', '--profile', join(dir, 'absent.json'), '--'], 125, /^$/, { stdio: ['pipe', 'pipe', 'ignore'] }],
    ];
    it.each(cases)('%s', (_, args, code, message, options) => {
      const marker = join(dir, `marker-${code}-${Math.random().toString(36).slice(2)}`);
      const cmd = args[args.length - 1] === '--' ? [...args, 'touch', marker] : [...args, marker];
      const r = syscage(cmd, options);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
      expect(existsSync(marker)).toBe(false);
    });

    it.runIf(root)('the kernel refusing the filter (no no_new_privs and no CAP_SYS_ADMIN: EACCES)', () => {
      const marker = join(dir, 'marker-eacces');
      chmodSync(dir, 0o777);
      const r = syscage(['run', '--no-new-privs=false', '--', 'touch', marker], { uid: 65534, gid: 65534, env: { ...process.env, HOME: '/tmp' } });
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/SC9003: .*EACCES/);
      expect(existsSync(marker)).toBe(false);
    });
  });
});

describe('syscage run (in memory)', () => {
  it.each([
    [['run', '--profile', 'p.json', '--preset', 'unix-only-network', '--', 'true'], /give --profile or --preset, not both/],
    [['run', '--no-new-privs=maybe', '--', 'true'], /--no-new-privs takes true or false/],
    [['run', '--harden', '--profile', 'f.bpf', '--', 'true'], /a raw filter cannot be hardened/],
  ])('%j: exit 125 with a coded error', async (argv, message) => {
    const r = await runCli(argv, { 'p.json': '{}', 'f.bpf': new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]) });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(message);
  });
});
