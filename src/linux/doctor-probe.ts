// SPDX-License-Identifier: Apache-2.0
// Node-only: the kernel probes of `syscage doctor`, each run in a CHILD process (`node -e` with
// the constant source below, given koffi's path and the syscall numbers), so that nothing a probe
// does can touch the process that asks. None of them installs a filter:
//
//   seccomp(SECCOMP_GET_ACTION_AVAIL = 2, 0, &action)      0, or EOPNOTSUPP: per action (≥ 4.14)
//   seccomp(SECCOMP_GET_NOTIF_SIZES = 3, 0, &sizes)        struct seccomp_notif_sizes (≥ 5.0)
//   seccomp(SECCOMP_SET_MODE_FILTER = 1, flag, NULL)       EFAULT: the flag is known (the kernel
//        checks flags before it copies the program, so nothing is loaded); EINVAL: unknown.
//        libseccomp probes flags the same way (src/system.c sys_chk_seccomp_flag_kernel).
//        WAIT_KILLABLE_RECV is only valid with NEW_LISTENER, so it is probed with it.
//   prctl(PR_GET_SECCOMP = 21)                             this child's mode (EINVAL: no CONFIG_SECCOMP)
//   landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION = 1)   the ABI version
//   io_uring_setup(1, NULL)                                EFAULT: io_uring is there; EPERM: disabled
//                                                          by io_uring_disabled; ENOSYS: not built
//   x32 getpid (39 | __X32_SYSCALL_BIT) on x86_64          the pid, or ENOSYS without CONFIG_X86_X32_ABI
// and, in a second child because it may die of SIGSEGV, `int $0x80` getpid (i386 number 20) from
// a page of machine code (x86_64 only): the pid when the ia32 compat entry is enabled; a SIGSEGV
// when the kernel has no IA32_EMULATION or it is switched off (ia32_emulation=0).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export interface KernelProbe {
  readonly prGetSeccomp: { readonly value: number; readonly errno: number };
  readonly actionAvail: Readonly<Record<string, { readonly value: number; readonly errno: number }>>;
  readonly notifSizes: { readonly value: number; readonly errno: number; readonly notif: number; readonly resp: number; readonly data: number };
  readonly flags: Readonly<Record<string, { readonly value: number; readonly errno: number }>>;
  readonly landlock: { readonly value: number; readonly errno: number };
  readonly ioUring: { readonly value: number; readonly errno: number };
  readonly x32?: { readonly value: number; readonly errno: number; readonly pid: number };
}

export interface ProbeNumbers {
  readonly seccomp: number;
  readonly landlockCreateRuleset?: number;
  readonly ioUringSetup?: number;
  /** x32 getpid, with bit 30 (x86_64 only). */
  readonly x32Getpid?: number;
}

/** SECCOMP_RET_* values probed with SECCOMP_GET_ACTION_AVAIL (include/uapi/linux/seccomp.h). */
export const PROBED_ACTIONS: Readonly<Record<string, number>> = {
  kill_process: 0x8000_0000, kill_thread: 0, trap: 0x0003_0000, errno: 0x0005_0000,
  user_notif: 0x7fc0_0000, trace: 0x7ff0_0000, log: 0x7ffc_0000, allow: 0x7fff_0000,
};

/** SECCOMP_FILTER_FLAG_* bits probed (value: the flags passed). */
export const PROBED_FLAGS: Readonly<Record<string, number>> = {
  TSYNC: 1, LOG: 2, SPEC_ALLOW: 4, NEW_LISTENER: 8, TSYNC_ESRCH: 16, WAIT_KILLABLE_RECV: 32 | 8,
};

// Plain CommonJS for `node -e`; argv[1] = koffi's path, argv[2] = JSON { numbers, actions, flags }.
const KERNEL_CHILD = `
const koffi = require(process.argv[1]);
const job = JSON.parse(process.argv[2]);
const n = job.numbers;
const lib = koffi.load('libc.so.6');
const sysp = lib.func('long syscall(long, long, long, void *)');
const sys6 = lib.func('long syscall(long, long, long, long)');
const prctl = lib.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
const r = (v) => ({ value: Number(v), errno: Number(v) < 0 ? koffi.errno() : 0 });
const out = {};
out.prGetSeccomp = r(prctl(21, 0, 0, 0, 0));
out.actionAvail = {};
for (const [name, action] of Object.entries(job.actions)) {
  const b = Buffer.alloc(4); b.writeUInt32LE(action >>> 0, 0);
  out.actionAvail[name] = r(sysp(n.seccomp, 2, 0, b));
}
const sizes = Buffer.alloc(6);
const ns = r(sysp(n.seccomp, 3, 0, sizes));
out.notifSizes = { ...ns, notif: sizes.readUInt16LE(0), resp: sizes.readUInt16LE(2), data: sizes.readUInt16LE(4) };
out.flags = {};
for (const [name, flags] of Object.entries(job.flags)) out.flags[name] = r(sysp(n.seccomp, 1, flags, null));
out.landlock = n.landlockCreateRuleset === undefined ? { value: -1, errno: 38 } : r(sys6(n.landlockCreateRuleset, 0, 0, 1));
out.ioUring = n.ioUringSetup === undefined ? { value: -1, errno: 38 } : r(sysp(n.ioUringSetup, 1, 0, null));
if (n.x32Getpid !== undefined) out.x32 = { ...r(sys6(n.x32Getpid, 0, 0, 0)), pid: process.pid };
process.stdout.write(JSON.stringify(out) + '\\n');
`;

const I386_CHILD = `
const koffi = require(process.argv[1]);
const lib = koffi.load('libc.so.6');
const mmap = lib.func('void *mmap(void *, size_t, int, int, int, long)');
const page = mmap(null, 4096, 7, 0x22, -1, 0);
if (koffi.address(page) === 0xffffffffffffffffn) { process.stdout.write(JSON.stringify({ mmap: koffi.errno() }) + '\\n'); process.exit(0); }
const code = [0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3]; // mov eax, 20 (i386 getpid); int 0x80; ret
koffi.encode(page, koffi.array('uint8_t', code.length), code);
process.stdout.write('calling\\n');
const pid = koffi.call(page, koffi.proto('int syscage_int80(void)'));
process.stdout.write(JSON.stringify({ value: pid, pid: process.pid }) + '\\n');
`;

function koffiPath(): string {
  return createRequire(import.meta.url).resolve('koffi');
}

function runChild(source: string, args: readonly string[], timeoutMs: number) {
  return spawnSync(process.execPath, ['-e', source, '--', ...args], { encoding: 'utf8', timeout: timeoutMs, env: { PATH: process.env['PATH'] ?? '' } });
}

/** The kernel probes, from a child; a reason string when the child could not report. */
export function probeKernel(numbers: ProbeNumbers, timeoutMs = 10_000): KernelProbe | string {
  let path: string;
  try { path = koffiPath(); } catch (e) { return `koffi cannot be found: ${(e as Error).message}`; }
  const r = runChild(KERNEL_CHILD, [path, JSON.stringify({ numbers, actions: PROBED_ACTIONS, flags: PROBED_FLAGS })], timeoutMs);
  if (r.status !== 0) return `the probe child failed (status ${r.status}, signal ${r.signal}): ${(r.stderr || r.error?.message || '').slice(0, 300)}`;
  try {
    return JSON.parse(r.stdout.split('\n')[0]!) as KernelProbe;
  } catch {
    return `the probe child wrote no report: ${r.stdout.slice(0, 200)}`;
  }
}

export type Int80Probe =
  | { readonly outcome: 'works'; readonly pid: number }
  | { readonly outcome: 'sigsegv' }
  | { readonly outcome: 'unknown'; readonly reason: string };

/** `int $0x80` getpid in a child (x86_64 only): does the ia32 compat entry answer? */
export function probeInt80(timeoutMs = 10_000): Int80Probe {
  let path: string;
  try { path = koffiPath(); } catch (e) { return { outcome: 'unknown', reason: `koffi cannot be found: ${(e as Error).message}` }; }
  const r = runChild(I386_CHILD, [path], timeoutMs);
  const lines = r.stdout.split('\n');
  if (r.signal === 'SIGSEGV' && lines[0] === 'calling') return { outcome: 'sigsegv' };
  if (r.status === 0) {
    const res = JSON.parse(lines[lines[0] === 'calling' ? 1 : 0] ?? '{}') as { value?: number; pid?: number; mmap?: number };
    if (res.mmap !== undefined) return { outcome: 'unknown', reason: `mmap of an executable page failed (errno ${res.mmap})` };
    if (res.value !== undefined && res.value === res.pid) return { outcome: 'works', pid: res.value };
    return { outcome: 'unknown', reason: `int $0x80 getpid returned ${res.value}, not the child's pid ${res.pid}` };
  }
  return { outcome: 'unknown', reason: `the child ended with status ${r.status}, signal ${r.signal}: ${(r.stderr || r.error?.message || '').slice(0, 200)}` };
}
