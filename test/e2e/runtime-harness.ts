// SPDX-License-Identifier: Apache-2.0
// End to end with real runtimes (issue 6, part 5): a tiny root filesystem (busybox-static and a
// static C probe, ./probe.c, that performs raw syscalls and prints each result), OCI bundles run
// by crun (raw filter in the `run.oci.seccomp_bpf_data` annotation) and runc (`linux.seccomp`),
// and bubblewrap (raw filter on `--seccomp FD`). Each runtime is checked before use; when one
// cannot start here the reason names the check that failed, and the tests skip with it (or fail
// under CI=1 where the runtime is required). Nothing here installs a filter in the test process.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync,
  readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../../src/arch/arch.js';
import { exportProfile } from '../../src/export/export.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const PROBE_SOURCE = join(HERE, 'probe.c');
const CACHE = join(REPO, 'node_modules', '.cache', 'syscage-e2e');
const BUSYBOX = '/bin/busybox';

export const AUDIT_ARCH_X86_64 = 0xc000_003e;
export const SIGSYS = 31;

export type RuntimeName = 'crun' | 'runc' | 'bwrap';

/** The probe's two entries: syscall(2) on x86_64, int $0x80 on the i386 ABI. */
export type ProbeAbi = 'x86_64' | 'x86';

/** One raw syscall for the probe: number and up to six arguments; `'@'` is a zeroed scratch buffer. */
export interface Call {
  readonly label: string;
  /** Default x86_64; x86 calls take at most five arguments. */
  readonly abi?: ProbeAbi;
  readonly nr: number;
  readonly args: readonly (bigint | '@')[];
}

/** One line of the probe's output: the exact (nr, args) the kernel saw, and the result (or -errno). */
export interface Observed {
  readonly abi: ProbeAbi;
  readonly nr: number;
  readonly args: readonly bigint[];
  readonly result: number;
}

export interface ProbeRun {
  readonly observed: readonly Observed[];
  /** The probe printed `done`: every call returned. */
  readonly done: boolean;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line, for messages. */
  readonly command: string;
}

/** What a run installs: nothing, raw BPF bytes (crun, bwrap), or an OCI `linux.seccomp` object (runc). */
export type RunFilter = { readonly bpf: Uint8Array } | { readonly oci: OciSeccomp } | undefined;

export interface Runtime {
  readonly name: RuntimeName;
  /** How it is run here, in words (e.g. crun's cgroup workaround). */
  readonly notes: readonly string[];
  /** Runs the probe with these calls under the filter. */
  run(calls: readonly Call[], filter?: RunFilter): ProbeRun;
  /** Runs any command of the root filesystem (argv[0] an absolute path inside it). */
  exec(argv: readonly string[], filter?: RunFilter): Spawned;
}

export interface Spawned {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly command: string;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function which(name: string): string | undefined {
  // runc lives in /usr/sbin, which a non-root PATH may lack.
  const path = (process.env['PATH'] ?? '/usr/bin:/bin').split(':');
  for (const dir of [...path, '/usr/sbin', '/sbin']) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

function firstLine(s: string, max = 400): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PT_INTERP in an ELF64's program headers: the binary needs a dynamic loader. */
function elfInterpreter(path: string): boolean | undefined {
  const b = readFileSync(path);
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return undefined;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (b.readUInt32LE(phoff + i * phentsize) === 3) return true;
  }
  return false;
}

let scratchDir: string | undefined;
let counter = 0;

/** A private temp dir for this process (bundles, runtime state, filter files); see cleanup(). */
function scratch(): string {
  if (!scratchDir) scratchDir = mkdtempSync(join(tmpdir(), 'syscage-e2e-'));
  return scratchDir;
}

/** Removes this process's bundles and runtime state (call from afterAll; test workers skip 'exit' handlers). */
export function cleanup(): void {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = undefined;
  runtimes.clear();
}

function uniqueId(): string {
  return `syscage-e2e-${process.pid}-${++counter}`;
}

// ---------------------------------------------------------------------------------------------
// The root filesystem.

export interface Rootfs {
  readonly path?: string;
  /** Why it could not be built: which check failed. */
  readonly reason?: string;
}

let rootfsMemo: Rootfs | undefined;

/**
 * busybox-static and the probe (gcc -static) in a read-only-usable tree under
 * node_modules/.cache/syscage-e2e/rootfs-<hash of probe.c and busybox>, built once and reused.
 */
export function buildRootfs(): Rootfs {
  if (rootfsMemo) return rootfsMemo;
  rootfsMemo = buildRootfsUncached();
  return rootfsMemo;
}

function buildRootfsUncached(): Rootfs {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { reason: `the e2e probes are x86_64 Linux syscalls, this is ${process.platform}/${process.arch}` };
  }
  if (!existsSync(BUSYBOX)) return { reason: `${BUSYBOX} is missing (apt-get install busybox-static)` };
  const interp = elfInterpreter(BUSYBOX);
  if (interp !== false) return { reason: `${BUSYBOX} is not a static x86_64 ELF (install busybox-static, not busybox)` };
  const source = readFileSync(PROBE_SOURCE);
  const busybox = readFileSync(BUSYBOX);
  const hash = createHash('sha256').update(source).update('\0').update(busybox).digest('hex').slice(0, 16);
  const final = join(CACHE, `rootfs-${hash}`);
  // runc wants the real path of root.path (no symlinks on the way).
  if (existsSync(join(final, 'bin', 'probe'))) return { path: realpathSync(final) };
  const gcc = which('gcc');
  if (!gcc) return { reason: 'gcc is not installed (check: `gcc` on PATH; apt-get install gcc libc6-dev)' };
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${final}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of ['bin', 'proc', 'dev', 'sys', 'tmp', 'etc']) mkdirSync(join(tmp, d), { recursive: true });
  copyFileSync(BUSYBOX, join(tmp, 'bin', 'busybox'));
  for (const applet of ['sh', 'true', 'echo', 'cat', 'ls']) symlinkSync('busybox', join(tmp, 'bin', applet));
  const cc = spawnSync(gcc, ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-o', join(tmp, 'bin', 'probe'), PROBE_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    return { reason: `gcc -static of test/e2e/probe.c failed (is libc6-dev's libc.a installed?): ${firstLine(cc.stderr || String(cc.error))}` };
  }
  // Root filesystems of older probe sources are of no further use.
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith('rootfs-') && !old.includes('.') && old !== `rootfs-${hash}`) rmSync(join(CACHE, old), { recursive: true, force: true });
  }
  try {
    renameSync(tmp, final);
  } catch (e) {
    // Another test process built the same bytes first.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(final, 'bin', 'probe'))) return { reason: `cannot place the rootfs in ${final}: ${(e as Error).message}` };
  }
  return { path: realpathSync(final) };
}

// ---------------------------------------------------------------------------------------------
// The probe's command line and output.

function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

export function probeArgv(calls: readonly Call[]): string[] {
  return ['/bin/probe', ...calls.map((c) => (c.abi === 'x86' ? 'x86:' : '') + [String(c.nr), ...c.args.map((a) => (a === '@' ? '@' : String(u64(a))))].join(','))];
}

function parseProbe(stdout: string): { observed: Observed[]; done: boolean } {
  const observed: Observed[] = [];
  let done = false;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    if (line === 'done') {
      done = true;
      continue;
    }
    const f = line.split(' ');
    if (f.length !== 9 || (f[0] !== 'x86_64' && f[0] !== 'x86')) throw new Error(`the probe printed an unexpected line: ${JSON.stringify(line)}`);
    observed.push({ abi: f[0], nr: Number(f[1]), args: f.slice(2, 8).map((x) => BigInt(x)), result: Number(f[8]) });
  }
  return { observed, done };
}

function spawned(r: SpawnSyncReturns<string>, command: string): Spawned {
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, command };
}

/** A Runtime from its exec: run is exec of the probe, parsed. */
function withProbe(name: RuntimeName, notes: readonly string[], exec: Runtime['exec']): Runtime {
  return {
    name, notes, exec,
    run(calls, filter) {
      const r = exec(probeArgv(calls), filter);
      return { ...r, ...parseProbe(r.stdout) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// OCI bundles.

/** OCI `linux.seccomp` (runtime-spec config-linux.md#seccomp), as runc reads it. */
export interface OciSeccomp {
  readonly defaultAction: string;
  readonly defaultErrnoRet?: number;
  readonly architectures?: readonly string[];
  readonly flags?: readonly string[];
  readonly syscalls?: readonly OciRule[];
}

export interface OciRule {
  readonly names: readonly string[];
  readonly action: string;
  readonly errnoRet?: number;
  readonly args?: ReadonlyArray<{ readonly index: number; readonly value: number; readonly valueTwo?: number; readonly op: string }>;
}

/**
 * The OCI `linux.seccomp` object runc gets for a profile: syscage's exporter (`syscage export
 * PROFILE --to oci`), which resolves Docker's archMap, includes and excludes for the host.
 */
export function ociSeccompFor(profileText: string, host: Arch): OciSeccomp {
  const e = exportProfile(profileText, 'oci', { host });
  const errors = e.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || typeof e.output !== 'string') throw new Error(`ociSeccompFor: the exporter refused the profile: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return JSON.parse(e.output) as OciSeccomp;
}

/** A minimal hand-written config.json: the probe as pid 1 of fresh pid/net/ipc/uts/mount namespaces. */
function ociConfig(rootfs: string, argv: readonly string[], extra: { annotations?: Record<string, string>; seccomp?: OciSeccomp }): unknown {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: argv,
      env: ['PATH=/bin'],
      cwd: '/',
      noNewPrivileges: true,
      capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    },
    root: { path: rootfs, readonly: true },
    hostname: 'syscage-e2e',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755', 'size=1024k'] },
    ],
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      ...(extra.seccomp ? { seccomp: extra.seccomp } : {}),
    },
  };
}

function writeBundle(rootfs: string, argv: readonly string[], extra: Parameters<typeof ociConfig>[2]): string {
  const bundle = join(scratch(), `bundle-${++counter}`);
  mkdirSync(bundle);
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(ociConfig(rootfs, argv, extra)));
  return bundle;
}

// ---------------------------------------------------------------------------------------------
// The runtimes.

const RUN_TIMEOUT_MS = 20_000;

/**
 * cgroup v1 with a cgroup2 hierarchy at /sys/fs/cgroup/unified that has controllers (hybrid):
 * crun refuses to start ("cgroups in hybrid mode not supported, drop all controllers from
 * cgroupv2") even with --cgroup-manager=disabled. Returns the controllers, if that is the case.
 */
function hybridControllers(): string | undefined {
  let mountinfo: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  const unified = mountinfo.split('\n').some((l) => {
    const f = l.split(' ');
    const sep = f.indexOf('-');
    return f[4] === '/sys/fs/cgroup/unified' && f[sep + 1] === 'cgroup2';
  });
  if (!unified) return undefined;
  try {
    const c = readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim();
    return c === '' ? undefined : c;
  } catch {
    return undefined;
  }
}

function crunRuntime(rootfs: string): Runtime | string {
  const crun = which('crun');
  if (!crun) return 'crun is not installed (check: `crun` on PATH; apt-get install crun)';
  if (!isRoot()) return `not root (check: uid is ${process.getuid?.()}, the suite runs crun rootful)`;
  const version = spawnSync(crun, ['--version'], { encoding: 'utf8' });
  const m = /crun version (\d+)\.(\d+)/.exec(version.stdout ?? '');
  if (!m) return `cannot read \`crun --version\` (check: version output): ${firstLine(version.stdout + version.stderr)}`;
  // run.oci.seccomp_bpf_data appeared in crun 0.19.
  if (Number(m[1]) === 0 && Number(m[2]) < 19) return `crun ${m[1]}.${m[2]} predates the run.oci.seccomp_bpf_data annotation (check: crun ≥ 0.19)`;
  const notes = [`crun ${m[1]}.${m[2]}, --cgroup-manager=disabled (no cgroups needed to test seccomp)`];
  const state = join(scratch(), 'crun-state');
  mkdirSync(state, { recursive: true });
  let prefix: string[] = [];
  const controllers = hybridControllers();
  if (controllers !== undefined) {
    const unshare = which('unshare');
    if (!unshare) return `cgroup hybrid mode with controllers in /sys/fs/cgroup/unified (${controllers}) and no \`unshare\` to hide it from crun (check: util-linux unshare)`;
    // Only crun's own mount namespace loses the unified hierarchy; the machine is untouched.
    prefix = [unshare, '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'umount /sys/fs/cgroup/unified && exec "$@"', 'sh'];
    notes.push(`cgroup hybrid mode with v2 controllers (${controllers}): crun runs in a private mount namespace without /sys/fs/cgroup/unified`);
  }
  const runtime = withProbe('crun', notes, (inner, filter) => {
    if (filter && 'oci' in filter) throw new Error('the crun runs take raw BPF (run.oci.seccomp_bpf_data)');
    const annotations = filter ? { 'run.oci.seccomp_bpf_data': Buffer.from(filter.bpf).toString('base64') } : undefined;
    const bundle = writeBundle(rootfs, inner, annotations ? { annotations } : {});
    const argv = [...prefix, crun, '--root', state, '--cgroup-manager=disabled', 'run', '--bundle', bundle, uniqueId()];
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS });
    return spawned(r, argv.join(' '));
  });
  return smoke(runtime, 'crun run');
}

function runcRuntime(rootfs: string): Runtime | string {
  const runc = which('runc');
  if (!runc) return 'runc is not installed (check: `runc` on PATH; apt-get install runc)';
  if (!isRoot()) return `not root (check: uid is ${process.getuid?.()}, the suite runs runc rootful)`;
  try {
    accessSync('/sys/fs/cgroup', constants.W_OK);
  } catch {
    return 'no write access to /sys/fs/cgroup (check: runc needs to create the container\'s cgroup)';
  }
  const version = spawnSync(runc, ['--version'], { encoding: 'utf8' });
  const notes = [firstLine((version.stdout ?? '').split('\n').filter((l) => /^runc version|^libseccomp/.test(l)).join(', '))];
  const state = join(scratch(), 'runc-state');
  mkdirSync(state, { recursive: true });
  const runtime = withProbe('runc', notes, (inner, filter) => {
    if (filter && 'bpf' in filter) throw new Error('runc takes linux.seccomp, not raw BPF');
    const bundle = writeBundle(rootfs, inner, filter ? { seccomp: filter.oci } : {});
    const id = uniqueId();
    const argv = [runc, '--root', state, 'run', '--bundle', bundle, id];
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS });
    // Normally gone already; a run that timed out leaves its container (and cgroup) behind.
    spawnSync(runc, ['--root', state, 'delete', '--force', id], { stdio: 'ignore' });
    return spawned(r, argv.join(' '));
  });
  return smoke(runtime, 'runc run');
}

function bwrapRuntime(rootfs: string): Runtime | string {
  const bwrap = which('bwrap');
  if (!bwrap) return 'bubblewrap is not installed (check: `bwrap` on PATH; apt-get install bubblewrap)';
  if (!isRoot()) {
    const max = Number(readFileSafe('/proc/sys/user/max_user_namespaces') ?? '1');
    if (max === 0) return 'not root and user namespaces are disabled (check: /proc/sys/user/max_user_namespaces is 0)';
    if (readFileSafe('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
      return 'not root and unprivileged user namespaces are disabled (check: kernel.unprivileged_userns_clone = 0)';
    }
  }
  const notes = [firstLine(spawnSync(bwrap, ['--version'], { encoding: 'utf8' }).stdout ?? '')];
  const runtime = withProbe('bwrap', notes, (inner, filter) => {
    if (filter && 'oci' in filter) throw new Error('bwrap takes raw BPF (--seccomp FD)');
    const base = [
      '--ro-bind', rootfs, '/', '--proc', '/proc', '--dev', '/dev',
      '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent',
    ];
    let fd: number | undefined;
    try {
      if (filter) {
        // A regular file on fd 3: bwrap reads it to the end (a pipe could fill before bwrap reads).
        const path = join(scratch(), `filter-${++counter}.bpf`);
        const w = openSync(path, 'w');
        writeSync(w, filter.bpf);
        closeSync(w);
        fd = openSync(path, 'r');
      }
      const argv = [bwrap, ...base, ...(fd !== undefined ? ['--seccomp', '3'] : []), ...inner];
      const r = spawnSync(argv[0]!, argv.slice(1), {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', ...(fd !== undefined ? [fd] : [])], timeout: RUN_TIMEOUT_MS,
      });
      return spawned(r, argv.join(' ').replace(rootfs, '<rootfs>'));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
  return smoke(runtime, 'bwrap');
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Runs the probe with no calls and no filter: it must print `done`. */
function smoke(runtime: Runtime, what: string): Runtime | string {
  let r: ProbeRun;
  try {
    r = runtime.run([]);
  } catch (e) {
    return `${what} of the probe could not be started (check: smoke run): ${(e as Error).message}`;
  }
  if (!r.done || r.status !== 0) {
    return `${what} of the probe failed (check: smoke run without a filter; exit ${r.status}, signal ${r.signal}): ${firstLine(r.stderr || r.stdout)}`;
  }
  return runtime;
}

const runtimes = new Map<RuntimeName, Runtime | string>();

/** The runtime, ready to run probes, or the reason it cannot run here (naming the failed check). */
export function runtime(name: RuntimeName): Runtime | string {
  const known = runtimes.get(name);
  if (known) return known;
  const fs = buildRootfs();
  const r = !fs.path
    ? `no root filesystem: ${fs.reason}`
    : name === 'crun' ? crunRuntime(fs.path) : name === 'runc' ? runcRuntime(fs.path) : bwrapRuntime(fs.path);
  runtimes.set(name, r);
  return r;
}

/** Runtimes that must work under CI=1 (runc may skip with its reason). */
export const REQUIRED_IN_CI: ReadonlySet<RuntimeName> = new Set(['crun', 'bwrap']);

/**
 * Registers the "runtime unavailable" outcome: a failing test under CI=1 for a required runtime,
 * else a loud skip naming the reason. Returns the runtime when it can run.
 */
export function requireRuntime(
  t: { it: (name: string, fn: () => void) => void; skip: (name: string) => void },
  name: RuntimeName,
): Runtime | undefined {
  const r = runtime(name);
  if (typeof r !== 'string') return r;
  if (process.env['CI'] && REQUIRED_IN_CI.has(name)) {
    t.it(`${name} can run containers here (CI requires it)`, () => {
      throw new Error(`${name} cannot run: ${r}`);
    });
  } else {
    console.warn(`\n*** SKIPPING the ${name} end-to-end tests: ${r}${process.env['CI'] ? '' : ' (set CI=1 to make crun/bwrap failures fatal)'} ***\n`);
    t.skip(`${name} end to end (skipped: ${r})`);
  }
  return undefined;
}
