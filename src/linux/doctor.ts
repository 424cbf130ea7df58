// SPDX-License-Identifier: Apache-2.0
// Node-only: what this machine supports, as far as a seccomp profile is concerned — the facts
// of `syscage doctor`. Each fact says what was found, what it means for a profile, and how it
// was found (a file, a probe in a child process, the kernel version, the kernel's build
// configuration); nothing is assumed where it can be measured, and a fact that could not be
// established says `unknown` rather than guessing.
//
// Sources: /proc/self/status, /proc/sys/kernel/{seccomp/actions_avail, seccomp/actions_logged,
// io_uring_disabled, yama/ptrace_scope}, /proc/config.gz or /boot/config-RELEASE, /proc/cmdline,
// uname (os.release()), the kernel probes of ./doctor-probe.ts (children), libseccomp through
// ./libseccomp.ts, and `X --version` of the container runtimes (no shell, with a timeout).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch as osArch, release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { hostArch, hostSyscallNumber } from './ffi.js';
import { formatVersion, loadLibseccomp } from './libseccomp.js';
import { readProcStatus, readProcText, readSeccompActionList } from './proc.js';
import { probeInt80, probeKernel, PROBED_ACTIONS, PROBED_FLAGS, type Int80Probe, type KernelProbe } from './doctor-probe.js';

export type FactStatus = 'ok' | 'no' | 'warn' | 'unknown';

export interface Fact {
  /** Stable id, e.g. `seccomp.actions`. */
  readonly id: string;
  readonly title: string;
  readonly status: FactStatus;
  /** What was found, in words. */
  readonly value: string;
  /** What it means for a profile. */
  readonly meaning: string;
  /** How it was found. */
  readonly source: string;
  /** The same, for machines. */
  readonly data?: unknown;
}

export interface DoctorReport {
  readonly kernel: string;
  readonly arch: string;
  readonly facts: readonly Fact[];
}

const ERRNO: Readonly<Record<number, string>> = { 1: 'EPERM', 14: 'EFAULT', 22: 'EINVAL', 38: 'ENOSYS', 95: 'EOPNOTSUPP' };
const en = (n: number): string => ERRNO[n] ?? `errno ${n}`;

/** `5.11.0-foo` → [5, 11]; undefined when the release does not start with major.minor. */
export function kernelVersion(rel: string): readonly [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
const atLeast = (v: readonly [number, number] | undefined, major: number, minor: number): boolean | undefined =>
  v === undefined ? undefined : v[0] > major || (v[0] === major && v[1] >= minor);

export interface KernelConfig {
  readonly source: string;
  /** `y`, `m`, a value, or `n` for "is not set"; undefined when the option is absent. */
  get(option: string): string | undefined;
}

/** The kernel's build configuration from /proc/config.gz or /boot/config-RELEASE, if either is readable. */
export function readKernelConfig(rel = release()): KernelConfig | undefined {
  let text: string | undefined;
  let source = '/proc/config.gz';
  try {
    text = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    source = `/boot/config-${rel}`;
    try { text = readFileSync(source, 'utf8'); } catch { return undefined; }
  }
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (set) values.set(set[1]!, set[2]!);
    const unset = /^# (CONFIG_\w+) is not set$/.exec(line);
    if (unset) values.set(unset[1]!, 'n');
  }
  return { source, get: (o) => values.get(o) };
}

/** `name=value` of /proc/cmdline's kernel part (before `--`). */
function cmdlineParam(name: string): string | undefined {
  const line = readProcText('/proc/cmdline') ?? '';
  const kernelPart = line.split(' -- ')[0]!;
  for (const w of kernelPart.split(/\s+/)) if (w.startsWith(`${name}=`)) return w.slice(name.length + 1);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The facts, one function each (unit-tested against independent sources in test/linux/).

export function kernelFact(rel = release()): Fact {
  const v = kernelVersion(rel);
  return {
    id: 'kernel', title: 'kernel', status: v ? 'ok' : 'unknown', value: `Linux ${rel} (${osArch()})`,
    meaning: v ? `Docker profiles' minKernel conditions resolve against ${v[0]}.${v[1]} on this machine (syscage --kernel ${v[0]}.${v[1]})` : 'the release does not start with major.minor: give --kernel for minKernel conditions',
    source: 'uname release (os.release())', data: { release: rel, version: v ? `${v[0]}.${v[1]}` : null },
  };
}

export function modesFact(probe: KernelProbe | string): Fact {
  const self = readProcStatus(process.pid);
  const hasLine = self.ok && self.status.seccomp !== undefined;
  const filter = typeof probe === 'string' ? undefined : probe.flags['LOG']?.errno === 14 || probe.actionAvail['allow']?.value === 0;
  const strict = hasLine || (typeof probe !== 'string' && probe.prGetSeccomp.value >= 0);
  const modes = [strict ? 'strict' : undefined, filter ? 'filter' : undefined].filter(Boolean).join(', ') || 'none';
  return {
    id: 'seccomp.modes', title: 'seccomp modes', status: filter ? 'ok' : filter === false ? 'no' : 'unknown', value: modes,
    meaning: filter ? 'profiles are loaded as BPF filters (SECCOMP_SET_MODE_FILTER): containers and syscage run can be confined' : 'no filter mode: runc cannot apply a seccomp profile here (Docker then runs containers unconfined or refuses)',
    source: `${hasLine ? '/proc/self/status has a Seccomp: line (CONFIG_SECCOMP); ' : ''}${typeof probe === 'string' ? `probe failed: ${probe}` : `in a child: prctl(PR_GET_SECCOMP) = ${probe.prGetSeccomp.value < 0 ? en(probe.prGetSeccomp.errno) : probe.prGetSeccomp.value}, seccomp(SET_MODE_FILTER, flag, NULL) = ${en(probe.flags['LOG']?.errno ?? 0)}`}`,
    data: { strict, filter: filter ?? null },
  };
}

export function selfFact(): Fact {
  const s = readProcStatus(process.pid);
  if (!s.ok) return { id: 'self', title: 'this process', status: 'unknown', value: s.detail, meaning: 'cannot tell whether syscage itself runs under seccomp', source: '/proc/self/status' };
  const confined = s.status.seccompMode !== undefined && s.status.seccompMode !== 'disabled';
  return {
    id: 'self', title: 'this process', status: confined ? 'warn' : 'ok',
    value: `Seccomp ${s.status.seccomp ?? '?'} (${s.status.seccompMode ?? 'unknown'}), Seccomp_filters ${s.status.seccompFilters ?? '?'}, NoNewPrivs ${s.status.noNewPrivs === undefined ? '?' : s.status.noNewPrivs ? 1 : 0}, uid ${process.getuid?.() ?? '?'}`,
    meaning: confined
      ? 'syscage itself runs under seccomp (a container?): every filter it loads stacks on this one, and the kernel refuses it PTRACE_SECCOMP_GET_FILTER, so dump cannot work from here'
      : `syscage runs unconfined${process.getuid?.() === 0 ? ' as root: dump can read other processes\' filters' : ': dump needs root (CAP_SYS_ADMIN)'}`,
    source: '/proc/self/status', data: s.status,
  };
}

export function actionsFact(probe: KernelProbe | string, file = readSeccompActionList('actions_avail')): Fact {
  const probed = typeof probe === 'string' ? undefined : Object.entries(probe.actionAvail).filter(([, r]) => r.value === 0).map(([n]) => n);
  const missing = Object.keys(PROBED_ACTIONS).filter((a) => !(probed ?? file ?? []).includes(a));
  const agree = file && probed ? file.length === probed.length && file.every((a) => probed.includes(a)) : undefined;
  const list = probed ?? file;
  return {
    id: 'seccomp.actions', title: 'filter actions', status: !list ? 'unknown' : agree === false ? 'warn' : missing.length ? 'warn' : 'ok',
    value: list ? `${list.join(' ')}${missing.length ? ` (missing: ${missing.join(' ')})` : ''}` : 'unknown',
    meaning: missing.length
      ? `a profile that uses ${missing.map((m) => `SCMP_ACT_${m.toUpperCase().replace('USER_NOTIF', 'NOTIFY')}`).join(', ')} cannot be loaded: libseccomp/runc refuse it on this kernel`
      : 'every SCMP_ACT_* a profile can name is available (KILL_PROCESS, LOG ≥ 4.14; NOTIFY ≥ 5.0)',
    source: `${file ? '/proc/sys/kernel/seccomp/actions_avail' : 'actions_avail unreadable'}; ${probed ? `in a child: seccomp(SECCOMP_GET_ACTION_AVAIL) for each of ${Object.keys(PROBED_ACTIONS).length} actions${agree === false ? ' — DISAGREES with the file' : agree ? ', agrees with the file' : ''}` : `probe failed: ${probe as string}`}`,
    data: { file: file ?? null, probed: probed ?? null, missing },
  };
}

export function loggedFact(file = readSeccompActionList('actions_logged')): Fact {
  return {
    id: 'seccomp.actions_logged', title: 'actions logged', status: file ? 'ok' : 'unknown', value: file ? file.join(' ') || '(none)' : 'unknown (no actions_logged: kernel < 4.14)',
    meaning: file
      ? `filter verdicts ${file.join(', ') || '(none)'} are written to the audit log when the filter asks (SECCOMP_FILTER_FLAG_LOG or SCMP_ACT_LOG); ALLOW is never logged, so SCMP_ACT_LOG is the way to record a profile's hits`
      : 'unknown which verdicts reach the audit log',
    source: '/proc/sys/kernel/seccomp/actions_logged', data: file ?? null,
  };
}

export function flagsFact(probe: KernelProbe | string): Fact {
  if (typeof probe === 'string') return { id: 'seccomp.flags', title: 'filter flags', status: 'unknown', value: 'unknown', meaning: 'cannot tell which SECCOMP_FILTER_FLAG_* a profile may ask for', source: `probe failed: ${probe}` };
  const known = Object.keys(PROBED_FLAGS).filter((f) => probe.flags[f]?.errno === 14);
  const unknown = Object.keys(PROBED_FLAGS).filter((f) => !known.includes(f));
  return {
    id: 'seccomp.flags', title: 'filter flags', status: unknown.length ? 'warn' : 'ok', value: `${known.join(' ') || 'none'}${unknown.length ? ` (unknown: ${unknown.join(' ')})` : ''}`,
    meaning: unknown.length ? `a profile whose flags include ${unknown.map((f) => `SECCOMP_FILTER_FLAG_${f}`).join(', ')} makes runc fail to start the container here` : 'every flag a profile can give (LOG, SPEC_ALLOW, WAIT_KILLABLE_RECV) is known to this kernel',
    source: 'in a child: seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) — EFAULT means known (flags are checked before the program is read, nothing is loaded), EINVAL unknown; WAIT_KILLABLE_RECV probed with NEW_LISTENER',
    data: Object.fromEntries(Object.keys(PROBED_FLAGS).map((f) => [f, known.includes(f)])),
  };
}

export function notifyFact(probe: KernelProbe | string): Fact {
  if (typeof probe === 'string') return { id: 'seccomp.user_notif', title: 'user notification', status: 'unknown', value: 'unknown', meaning: 'cannot tell whether SCMP_ACT_NOTIFY works', source: `probe failed: ${probe}` };
  const s = probe.notifSizes;
  const action = probe.actionAvail['user_notif']?.value === 0;
  const listener = probe.flags['NEW_LISTENER']?.errno === 14;
  const killable = probe.flags['WAIT_KILLABLE_RECV']?.errno === 14;
  const ok = s.value === 0 && action && listener;
  return {
    id: 'seccomp.user_notif', title: 'user notification', status: ok ? 'ok' : 'no',
    value: ok ? `yes: seccomp_notif ${s.notif} bytes, seccomp_notif_resp ${s.resp}, seccomp_data ${s.data}; NEW_LISTENER${killable ? ', WAIT_KILLABLE_RECV' : ''}` : `no (GET_NOTIF_SIZES ${s.value === 0 ? 'ok' : en(s.errno)}, USER_NOTIF ${action ? 'available' : 'unavailable'}, NEW_LISTENER ${listener ? 'known' : 'unknown'})`,
    meaning: ok
      ? `SCMP_ACT_NOTIFY works: a seccomp agent (runc's listenerPath) can decide calls in user space${killable ? '; WAIT_KILLABLE_RECV (≥ 5.19) lets a notified task be killed only by fatal signals while waiting' : ''}`
      : 'a profile with SCMP_ACT_NOTIFY cannot be loaded here: runc fails to start the container',
    source: 'in a child: seccomp(SECCOMP_GET_NOTIF_SIZES), SECCOMP_GET_ACTION_AVAIL(USER_NOTIF), the flag probes',
    data: { sizes: s.value === 0 ? { seccomp_notif: s.notif, seccomp_notif_resp: s.resp, seccomp_data: s.data } : null, action, newListener: listener, waitKillableRecv: killable },
  };
}

export function cacheFact(rel = release(), arch = process.arch): Fact {
  const v = kernelVersion(rel);
  const has = atLeast(v, 5, 11);
  // The cache needs SECCOMP_ARCH_NATIVE; x86_64 (with its compat ABIs) defines it since 5.11.
  const archKnown = arch === 'x64';
  return {
    id: 'seccomp.cache', title: 'constant-action cache', status: has === undefined || !archKnown ? 'unknown' : has ? 'ok' : 'no',
    value: has === undefined ? 'unknown' : has ? `yes (kernel ${v![0]}.${v![1]} ≥ 5.11)` : `no (kernel ${v![0]}.${v![1]} < 5.11)`,
    meaning: has
      ? 'syscalls a filter ALLOWs without looking at arguments or the instruction pointer skip the filter entirely (syscage check counts them: "kernel cache serves")'
      : 'every syscall runs through every filter: long filters cost on every call',
    source: `kernel release (${rel})${archKnown ? '; x86_64 has SECCOMP_ARCH_NATIVE' : `; not established for ${arch}`} — the cache has no procfs switch (only CONFIG_SECCOMP_CACHE_DEBUG shows /proc/PID/seccomp_cache)`,
    data: { available: has ?? null },
  };
}

export function ioUringFact(probe: KernelProbe | string, sysctl = readProcText('/proc/sys/kernel/io_uring_disabled'), config = readKernelConfig()): Fact {
  const words: Record<string, string> = { '0': '0 (enabled for every process)', '1': '1 (only for members of kernel.io_uring_group, or with CAP_SYS_ADMIN)', '2': '2 (disabled for every process)' };
  const setup = typeof probe === 'string' ? undefined : probe.ioUring.errno;
  const works = setup === undefined ? undefined : setup === 14 || setup === 22;
  const built = config?.get('CONFIG_IO_URING');
  const value = `${sysctl !== undefined ? `io_uring_disabled = ${words[sysctl] ?? sysctl}` : 'no io_uring_disabled sysctl (kernel < 6.6)'}; io_uring_setup ${setup === undefined ? 'not probed' : works ? 'answers (EFAULT for a NULL params)' : `→ ${en(setup)}`}`;
  return {
    id: 'io_uring', title: 'io_uring', status: works ? 'warn' : works === false ? 'ok' : 'unknown', value,
    meaning: works
      ? 'io_uring is usable: a profile that allows io_uring_setup/io_uring_enter lets the ring perform reads, writes, connects and opens that seccomp never sees (syscage lint flags it: io-uring-bypass); Docker\'s default profile does not list them, so they get its default ERRNO'
      : 'io_uring cannot be used here, so it is no way around a profile on this machine (it may be elsewhere)',
    source: `/proc/sys/kernel/io_uring_disabled; in a child: io_uring_setup(1, NULL)${built ? `; ${config!.source}: CONFIG_IO_URING=${built}` : ''}`,
    data: { sysctl: sysctl ?? null, setupErrno: setup ?? null, config: built ?? null },
  };
}

export function x32Fact(probe: KernelProbe | string, config = readKernelConfig()): Fact {
  if (process.arch !== 'x64') return { id: 'abi.x32', title: 'x32 ABI', status: 'no', value: `not applicable on ${process.arch}`, meaning: 'x32 exists only on x86_64', source: 'process.arch' };
  const conf = config?.get('CONFIG_X86_X32_ABI');
  const x = typeof probe === 'string' ? undefined : probe.x32;
  const works = x === undefined ? undefined : x.value === x.pid;
  return {
    id: 'abi.x32', title: 'x32 ABI', status: works ? 'warn' : works === false ? 'ok' : 'unknown',
    value: works === undefined ? 'unknown' : works ? 'enabled (an x32 getpid returned the pid)' : `disabled (an x32 getpid returned ${en(x!.errno)})`,
    meaning: works
      ? 'x32 calls (nr | 0x40000000, AUDIT_ARCH_X86_64) reach the kernel: a filter must reject or handle bit 30 (libseccomp does; syscage lint checks it: x32-abi)'
      : 'x32 calls fail with ENOSYS before any filter verdict matters; a profile\'s x32 rules are still compiled (for other machines)',
    source: `in a child: syscall(39 | __X32_SYSCALL_BIT)${conf ? `; ${config!.source}: CONFIG_X86_X32_ABI=${conf}` : '; kernel config not readable'}`,
    data: { enabled: works ?? null, config: conf ?? null },
  };
}

export function i386Fact(int80: Int80Probe | undefined, config = readKernelConfig()): Fact {
  if (process.arch !== 'x64') return { id: 'abi.i386', title: 'i386 compat', status: 'no', value: `not applicable on ${process.arch}`, meaning: 'the i386 compat ABI exists only on x86_64', source: 'process.arch' };
  const conf = config?.get('CONFIG_IA32_EMULATION');
  const off = config?.get('CONFIG_IA32_EMULATION_DEFAULT_DISABLED');
  const param = cmdlineParam('ia32_emulation');
  const works = int80 === undefined || int80.outcome === 'unknown' ? undefined : int80.outcome === 'works';
  return {
    id: 'abi.i386', title: 'i386 compat', status: works !== undefined ? 'ok' : 'unknown',
    value: works === undefined ? `unknown${int80?.outcome === 'unknown' ? ` (${int80.reason})` : ''}` : works ? 'enabled (int $0x80 getpid returned the pid)' : 'disabled (int $0x80 ends in SIGSEGV)',
    meaning: works
      ? '32-bit x86 programs run, with AUDIT_ARCH_I386 and their own numbers (socketcall, ipc): a filter must check seccomp_data.arch and cover x86 (Docker\'s archMap does)'
      : '32-bit x86 calls cannot reach the kernel here; a profile\'s x86 rules matter only on other machines',
    source: `in a child: int $0x80 from a page of machine code${conf ? `; ${config!.source}: CONFIG_IA32_EMULATION=${conf}${off ? `, CONFIG_IA32_EMULATION_DEFAULT_DISABLED=${off}` : ''}` : ''}${param !== undefined ? `; /proc/cmdline ia32_emulation=${param}` : '; no ia32_emulation= on /proc/cmdline'}`,
    data: { enabled: works ?? null, config: conf ?? null, defaultDisabled: off ?? null, cmdline: param ?? null },
  };
}

const LANDLOCK_ABI: Readonly<Record<number, string>> = { 1: 'filesystem access (5.13)', 2: '+ file reparenting (5.19)', 3: '+ truncate (6.2)', 4: '+ TCP bind/connect (6.7)', 5: '+ ioctl on devices (6.10)', 6: '+ abstract unix sockets and signals scoping (6.12)', 7: '+ audit logging (6.15)' };

export function landlockFact(probe: KernelProbe | string): Fact {
  if (typeof probe === 'string') return { id: 'landlock', title: 'Landlock', status: 'unknown', value: 'unknown', meaning: 'cannot tell whether Landlock can back a profile', source: `probe failed: ${probe}` };
  const l = probe.landlock;
  const abi = l.value > 0 ? l.value : undefined;
  return {
    id: 'landlock', title: 'Landlock', status: abi ? 'ok' : 'no',
    value: abi ? `ABI ${abi}${LANDLOCK_ABI[abi] ? ` (${LANDLOCK_ABI[abi]})` : ''}` : l.errno === 95 ? 'built but disabled (EOPNOTSUPP: not in the lsm= list)' : `not available (${en(l.errno)})`,
    meaning: abi ? 'a sandbox can restrict paths (and from ABI 4 ports) on top of seccomp, which cannot look inside pointer arguments such as paths' : 'seccomp is the only unprivileged syscall confinement here; it cannot check paths',
    source: 'in a child: landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)', data: { abi: abi ?? null, errno: abi ? null : l.errno },
  };
}

export function yamaFact(scope = readProcText('/proc/sys/kernel/yama/ptrace_scope')): Fact {
  const words: Record<string, string> = { '0': 'classic: same user may attach', '1': 'restricted: only ancestors (or CAP_SYS_PTRACE)', '2': 'admin-only: CAP_SYS_PTRACE', '3': 'no attach at all' };
  return {
    id: 'ptrace', title: 'ptrace (for dump)', status: scope === '3' ? 'no' : 'ok',
    value: scope === undefined ? 'no Yama (ptrace limited by user and CAP_SYS_PTRACE only)' : `Yama ptrace_scope ${scope} (${words[scope] ?? '?'})`,
    meaning: scope === '3' ? 'syscage dump cannot attach to any process until reboot' : 'syscage dump works as root (it also needs CAP_SYS_ADMIN for PTRACE_SECCOMP_GET_FILTER)',
    source: '/proc/sys/kernel/yama/ptrace_scope', data: { ptraceScope: scope ?? null },
  };
}

export function libseccompFact(): Fact {
  const s = loadLibseccomp();
  if (!s.available) return { id: 'libseccomp', title: 'libseccomp', status: 'no', value: `not loadable: ${s.reason}`, meaning: 'runc and crun link libseccomp: without it they cannot apply profiles (syscage compiles without it)', source: 'dlopen libseccomp.so.2' };
  const v = formatVersion(s.version);
  const old = s.version.major < 2 || (s.version.major === 2 && (s.version.minor < 6 || (s.version.minor === 6 && s.version.micro < 1)));
  return {
    id: 'libseccomp', title: 'libseccomp', status: old ? 'warn' : 'ok', value: `${v} (API level ${s.api}, ${s.soname})`,
    meaning: old
      ? `runtimes linked against this ${v} build filters with the bugs fixed in 2.6.1 (GHSA-4q85-33p6-j5g6: some argument rules with different actions give the wrong one); syscage follows 2.6.1 (--compiler libseccomp compares with this one)`
      : 'runtimes linked against it build filters as syscage\'s default lens models (2.6.1 semantics)',
    source: `seccomp_version() and seccomp_api_get() of ${s.soname}`, data: { version: v, api: s.api },
  };
}

export const RUNTIMES = ['runc', 'crun', 'docker', 'podman', 'bwrap'] as const;

/** `X --version` (no shell, 5 s), first line; undefined when it is not installed. */
export function runtimeVersion(name: string, timeoutMs = 5000): { installed: false } | { installed: true; version?: string; error?: string } {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return { installed: false };
  if (r.error) return { installed: true, error: (r.error as NodeJS.ErrnoException).code ?? r.error.message };
  const line = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return r.status === 0 && line ? { installed: true, version: line } : { installed: true, error: `exit ${r.status}${line ? `: ${line}` : ''}` };
}

const RUNTIME_MEANING: Readonly<Record<string, string>> = {
  runc: 'Docker, containerd and Kubernetes load profiles through it: the default lens (--lens runc)',
  crun: 'Podman\'s default runtime: reads profiles much as runc does, and also takes raw filters in the run.oci.seccomp_bpf_data annotation (syscage compile --format base64)',
  docker: 'docker run --security-opt seccomp=profile.json hands the profile to runc',
  podman: 'podman run --security-opt seccomp=profile.json hands it to crun (or runc)',
  bwrap: 'bwrap --seccomp FD loads a raw filter (syscage compile --format raw / export --to bwrap)',
};

export function runtimeFacts(): Fact[] {
  return RUNTIMES.map((name) => {
    const v = runtimeVersion(name);
    return {
      id: `runtime.${name}`, title: name, status: v.installed ? (v.version ? 'ok' : 'warn') : 'no',
      value: !v.installed ? 'not installed' : v.version ?? `installed, but --version failed (${v.error})`,
      meaning: RUNTIME_MEANING[name]!, source: `${name} --version (PATH lookup, no shell, 5 s timeout)`,
      data: v,
    };
  });
}

/** Every fact, in the order doctor prints them. */
export function doctor(): DoctorReport {
  const arch = hostArch();
  const x32 = arch?.name === 'x86_64' ? 0x4000_0000 + 39 : undefined;
  const seccomp = hostSyscallNumber('seccomp');
  const landlock = hostSyscallNumber('landlock_create_ruleset');
  const ioUring = hostSyscallNumber('io_uring_setup');
  const probe: KernelProbe | string = seccomp === undefined ? `seccomp(2) has no number on ${process.arch}` : probeKernel({
    seccomp, ...(landlock !== undefined ? { landlockCreateRuleset: landlock } : {}), ...(ioUring !== undefined ? { ioUringSetup: ioUring } : {}), ...(x32 !== undefined ? { x32Getpid: x32 } : {}),
  });
  const config = readKernelConfig();
  const int80 = process.arch === 'x64' ? probeInt80() : undefined;
  return {
    kernel: release(), arch: arch?.name ?? process.arch,
    facts: [
      kernelFact(), modesFact(probe), selfFact(), actionsFact(probe), loggedFact(), flagsFact(probe), notifyFact(probe),
      cacheFact(), ioUringFact(probe, undefined, config), x32Fact(probe, config), i386Fact(int80, config), landlockFact(probe),
      yamaFact(), libseccompFact(), ...runtimeFacts(),
    ],
  };
}
