// syscage doctor on this machine: every line well-formed, the JSON has its fields, and each
// probe agrees with a source that does not go through syscage — the procfs files read here,
// Python's ctypes making the same syscalls (landlock_create_ruleset, x32 getpid,
// SECCOMP_GET_NOTIF_SIZES, SECCOMP_GET_ACTION_AVAIL), dpkg-query for package versions, os.release().
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatFact } from '../../src/cli/commands/doctor.js';
import type { DoctorReport, Fact } from '../../src/linux/doctor.js';
import { cacheFact, doctor, kernelVersion, readKernelConfig } from '../../src/linux/doctor.js';
import { runCli } from '../cli/harness.js';
import { liveUnavailable, requireLive } from './harness.js';

/** Runs Python with ctypes; undefined when Python is not there. */
function py(code: string): string | undefined {
  const r = spawnSync('python3', ['-c', `import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n${code}`], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const dpkg = (pkg: string): string | undefined => {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
};
const file = (p: string): string | undefined => { try { return readFileSync(p, 'utf8').trim(); } catch { return undefined; } };

describe('syscage doctor', () => {
  if (!requireLive({ it, skip: it.skip }, liveUnavailable(), 'the doctor suite')) return;
  const report: DoctorReport = doctor();
  const fact = (id: string): Fact => {
    const f = report.facts.find((x) => x.id === id);
    if (!f) throw new Error(`no fact ${id}`);
    return f;
  };
  const data = <T>(id: string) => fact(id).data as T;
  const hasPython = py('print(1)') === '1';

  it('runs: exit 0, a header, then one well-formed line per fact', async () => {
    const r = await runCli(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    expect(head).toBe(`syscage doctor: Linux ${release()}, x86_64`);
    expect(lines.length).toBe(report.facts.length);
    for (const l of lines) expect(l).toMatch(/^(ok|no|warn|\?\?) +\S.{0,40} +\S.* — \S.* \[from: \S.*\]$/);
    expect(formatFact(fact('kernel'))).toBe(lines[0]);
  });

  it('--json: every fact has id, title, status, value, meaning, source; the expected facts are there', async () => {
    const r = await runCli(['doctor', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; kernel: string; arch: string; facts: Array<Record<string, unknown>> };
    expect(j).toMatchObject({ ok: true, kernel: release(), arch: 'x86_64' });
    for (const f of j.facts) {
      for (const k of ['id', 'title', 'status', 'value', 'meaning', 'source']) expect(typeof f[k], `${String(f['id'])}.${k}`).toBe('string');
      expect(['ok', 'no', 'warn', 'unknown']).toContain(f['status']);
    }
    expect(j.facts.map((f) => f['id'])).toEqual([
      'kernel', 'seccomp.modes', 'self', 'seccomp.actions', 'seccomp.actions_logged', 'seccomp.flags', 'seccomp.user_notif',
      'seccomp.cache', 'io_uring', 'abi.x32', 'abi.i386', 'landlock', 'ptrace', 'libseccomp',
      'runtime.runc', 'runtime.crun', 'runtime.docker', 'runtime.podman', 'runtime.bwrap',
    ]);
  });

  it('kernel release and the cache are os.release()\'s', () => {
    expect(fact('kernel').value).toBe(`Linux ${release()} (x64)`);
    const [maj, min] = release().split('.').map(Number) as [number, number];
    expect(data<{ available: boolean }>('seccomp.cache').available).toBe(maj > 5 || (maj === 5 && min >= 11));
    expect(cacheFact('5.10.0-amd64', 'x64').status).toBe('no');
    expect(cacheFact('5.11.3', 'x64').status).toBe('ok');
    expect(kernelVersion('6.1.0-18-amd64')).toEqual([6, 1]);
  });

  it('actions: the file, and SECCOMP_GET_ACTION_AVAIL per action, agree with each other and with Python', () => {
    const want = file('/proc/sys/kernel/seccomp/actions_avail')!.split(/\s+/);
    const d = data<{ file: string[]; probed: string[] }>('seccomp.actions');
    expect(d.file).toEqual(want);
    expect([...d.probed].sort()).toEqual([...want].sort());
    expect(data<string[]>('seccomp.actions_logged')).toEqual(file('/proc/sys/kernel/seccomp/actions_logged')!.split(/\s+/));
    if (hasPython) {
      // SECCOMP_GET_ACTION_AVAIL of USER_NOTIF (0x7fc00000) and of a value that is no action
      expect(py('import struct\nb = ctypes.create_string_buffer(struct.pack("I", 0x7fc00000))\nprint(libc.syscall(317, 2, 0, b))')).toBe(d.probed.includes('user_notif') ? '0' : '-1');
    }
  });

  it('user notification sizes are what Python reads with SECCOMP_GET_NOTIF_SIZES', () => {
    if (!hasPython) return void console.warn('*** python3 missing: notif sizes not cross-checked');
    const [rc, notif, resp, sd] = py('b = ctypes.create_string_buffer(6)\nrc = libc.syscall(317, 3, 0, b)\nimport struct\nprint(rc, *struct.unpack("HHH", b.raw))')!.split(' ').map(Number);
    expect(rc).toBe(0);
    expect(data<{ sizes: unknown }>('seccomp.user_notif').sizes).toEqual({ seccomp_notif: notif, seccomp_notif_resp: resp, seccomp_data: sd });
    expect(sd).toBe(64); // sizeof(struct seccomp_data)
  });

  it('Landlock ABI is what landlock_create_ruleset(NULL, 0, VERSION) returns to Python', () => {
    if (!hasPython) return void console.warn('*** python3 missing: Landlock not cross-checked');
    const v = Number(py('print(libc.syscall(444, None, 0, 1))'));
    expect(data<{ abi: number | null }>('landlock').abi).toBe(v > 0 ? v : null);
  });

  it('x32: the probe agrees with Python\'s x32 getpid and with the kernel config', () => {
    const enabled = data<{ enabled: boolean | null }>('abi.x32').enabled;
    if (hasPython) {
      const [rc, errno] = py('import os\nrc = libc.syscall(0x40000027)\nprint(rc, ctypes.get_errno(), os.getpid())')!.split(' ');
      expect(enabled).toBe(rc !== '-1');
      if (!enabled) expect(errno).toBe('38');
    }
    const conf = readKernelConfig()?.get('CONFIG_X86_X32_ABI');
    if (conf !== undefined) expect(enabled).toBe(conf === 'y');
  });

  it('i386: the int $0x80 probe agrees with CONFIG_IA32_EMULATION and the boot parameters', () => {
    const d = data<{ enabled: boolean | null; config: string | null; defaultDisabled: string | null; cmdline: string | null }>('abi.i386');
    const config = readKernelConfig();
    if (!config) return void console.warn('*** no kernel config readable: i386 probe not cross-checked');
    const param = /(?:^|\s)ia32_emulation=(\S+)/.exec((file('/proc/cmdline') ?? '').split(' -- ')[0]!)?.[1];
    const on = config.get('CONFIG_IA32_EMULATION') === 'y' && (param !== undefined ? ['1', 'true', 'y', 'on'].includes(param) : config.get('CONFIG_IA32_EMULATION_DEFAULT_DISABLED') !== 'y');
    expect(d.enabled).toBe(on);
  });

  it('io_uring: the sysctl as the file says', () => {
    expect(data<{ sysctl: string | null }>('io_uring').sysctl).toBe(file('/proc/sys/kernel/io_uring_disabled') ?? null);
  });

  it('libseccomp and runtime versions are the installed packages\'', () => {
    const lib = dpkg('libseccomp2');
    if (lib) expect(lib.startsWith(data<{ version: string }>('libseccomp').version + '-')).toBe(true);
    for (const [id, pkg] of [['runtime.runc', 'runc'], ['runtime.crun', 'crun'], ['runtime.bwrap', 'bubblewrap']] as const) {
      const v = dpkg(pkg);
      if (v === undefined) continue;
      expect(fact(id).value, id).toContain(v.replace(/-[^-]*$/, '').replace(/^\d+:/, ''));
    }
  });

  it('this process: the Seccomp line of /proc/self/status', () => {
    const line = /^Seccomp:\s*(\d)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    expect(data<{ seccomp: number }>('self').seccomp).toBe(Number(line));
  });
});
