// SPDX-License-Identifier: Apache-2.0
// Live-kernel witnesses for bypass findings: runs calls under a filter in children of
// ./native/witness-probe.c (built with gcc at test time into node_modules/.cache; no binary is
// committed) and says what the kernel did with each: the return value or -errno, and for a
// descriptor the call created, the socket's SO_DOMAIN and SO_TYPE (read by the child's
// unfiltered main thread); SIGSYS for TRAP; a killed thread or process; a filter seccomp(2)
// refused.
//
// The call kinds mirror the x86_64 kernel's entry points: the `syscall` instruction (six
// 64-bit registers, which the filter sees whole while an `int` parameter is truncated to 32 bits
// afterwards), `int $0x80` (the i386 compat entry, AUDIT_ARCH_I386, 32-bit registers), i386
// socketcall(2) (net/compat.c: the filter sees the call number and a pointer, never the
// arguments in the block), and io_uring's IORING_OP_SOCKET (io_uring/net.c io_socket: no
// syscall for the filter to see at all). Only the probe's children install a filter: never
// this process nor the vitest worker.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archByName } from '../../src/arch/index.js';
import { errnoName } from '../../src/kernel/errno.js';
import { requireKernel } from '../differential/kernel-harness.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
export const WITNESS_PROBE_SOURCE = join(HERE, 'native', 'witness-probe.c');

// <linux/socket.h>, <linux/net.h> (x86), <linux/errno.h> (x86 numbers).
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_ALG = 38;
export const AF_VSOCK = 40;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
/** socketcall(2) call numbers (<linux/net.h>). */
export const SYS_SOCKET = 1;
export const EPERM = 1;
export const ENOSYS = 38;
export const ENOTSOCK = 88;
export const EAFNOSUPPORT = 97;
/** x86_64 and i386 syscall numbers the witnesses use (arch/x86/entry/syscalls/syscall_{64,32}.tbl). */
export const NR = {
  x86_64: { getpid: 39, socket: 41, io_uring_setup: 425 },
  i386: { getpid: 20, socketcall: 102, socket: 359 },
} as const;

export type WitnessCall =
  /** The x86_64 `syscall` instruction: rax = nr (zero-extended 32 bits), six full 64-bit args. */
  | { readonly kind: 'syscall'; readonly nr: number; readonly args: readonly bigint[] }
  /** `int $0x80` from the 64-bit probe: an i386 call, eax = nr, six 32-bit args. */
  | { readonly kind: 'int80'; readonly nr: number; readonly args: readonly number[] }
  /** i386 socketcall(call, block) via `int $0x80`; the block (MAP_32BIT) holds up to six 32-bit words. */
  | { readonly kind: 'int80-socketcall'; readonly call: number; readonly args: readonly number[] }
  /** io_uring_setup, mmap of the rings, one IORING_OP_SOCKET, io_uring_enter(GETEVENTS). */
  | { readonly kind: 'iouring-socket'; readonly domain: number; readonly type: number; readonly protocol: number };

/**
 * The filtered call the outcome belongs to: `call` for the first three kinds; for io_uring the
 * step it was in (`cqe`: the ring ran, the value is the CQE's res).
 */
export type WitnessStep = 'call' | 'io_uring_setup' | 'mmap' | 'io_uring_enter' | 'cqe';

export type WitnessResult =
  | {
      readonly kind: 'ret';
      /** rax as a signed 64-bit value (int $0x80: eax sign-extended); io_uring: the step's result. */
      readonly value: bigint;
      /** -value when value is in [-4095, -1]. */
      readonly errno?: number;
      /** The descriptor, when value is one the call created. */
      readonly fd?: number;
      /** SO_DOMAIN and SO_TYPE of that descriptor; sockoptErrno when getsockopt(2) failed (ENOTSOCK). */
      readonly domain?: number;
      readonly sockType?: number;
      readonly sockoptErrno?: number;
      /** io_uring only: the step value comes from, and io_uring_setup's result (fd or -errno). */
      readonly step?: WitnessStep;
      readonly setup?: number;
    }
  /** SECCOMP_RET_TRAP: the SIGSYS handler's si_errno (the action's data), si_syscall, si_arch. */
  | { readonly kind: 'trap'; readonly step: WitnessStep; readonly data: number; readonly nr: number; readonly arch: number }
  /** KILL_THREAD (the calling thread alone) or KILL_PROCESS (the child died of SIGSYS). */
  | { readonly kind: 'killed'; readonly scope: 'thread' | 'process'; readonly step: WitnessStep }
  /** PR_SET_NO_NEW_PRIVS or seccomp(SECCOMP_SET_MODE_FILTER) failed: nothing was called. */
  | { readonly kind: 'load-failed'; readonly errno: number }
  /** The child ended some other way (alarm backstop, a probe bug): wait status and progress. */
  | { readonly kind: 'other'; readonly status: number; readonly step: WitnessStep | 'none'; readonly phase: number };

const STEPS: readonly (WitnessStep | 'none')[] = ['none', 'call', 'io_uring_setup', 'mmap', 'io_uring_enter', 'cqe'];

// ---------------------------------------------------------------------------------------------
// The probe binary.

const GCC_FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread'] as const;

let probePath: string | undefined;
let availability: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Compiles the probe once per source version into node_modules/.cache/syscage-witness (named by
 * a hash of the source and flags, so test workers share one build and nothing is left behind
 * per run; the rename makes concurrent builds safe). Throws with gcc's output.
 */
function buildProbe(): string {
  if (probePath) return probePath;
  const source = readFileSync(WITNESS_PROBE_SOURCE);
  const hash = createHash('sha256').update(source).update(GCC_FLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = join(REPO, 'node_modules', '.cache', 'syscage-witness');
  const path = join(dir, `witness-probe-${hash}`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const r = spawnSync('gcc', [...GCC_FLAGS, '-o', tmp, WITNESS_PROBE_SOURCE], { encoding: 'utf8', timeout: 60_000 });
    if (r.error || r.status !== 0) {
      rmSync(tmp, { force: true });
      throw new Error(r.error ? `gcc: ${r.error.message}` : `gcc failed (status ${r.status}): ${r.stderr.slice(0, 2000)}`);
    }
    renameSync(tmp, path);
  }
  probePath = path;
  return path;
}

// ---------------------------------------------------------------------------------------------
// The text protocol (see the header of witness-probe.c).

const hex = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16);
const u32 = (v: number, what: string): string => {
  if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0xffff_ffff) throw new RangeError(`${what}: ${v} is not a 32-bit value`);
  return (v >>> 0).toString(16);
};

function six<T>(args: readonly T[], zero: T, what: string): T[] {
  if (args.length > 6) throw new RangeError(`${what}: at most six args, got ${args.length}`);
  return [...args, ...Array<T>(6 - args.length).fill(zero)];
}

function filterLine(filter: Uint8Array): string {
  if (filter.length % 8 !== 0 || filter.length / 8 > 0xffff) throw new RangeError(`a filter is a whole number of 8-byte sock_filter entries (at most 65535), got ${filter.length} bytes`);
  return `F ${(filter.length / 8).toString(16)} ${Buffer.from(filter).toString('hex')}`;
}

function callLine(id: number, c: WitnessCall): string {
  switch (c.kind) {
    case 'syscall': return `S ${id} ${u32(c.nr, 'nr')} ${six(c.args, 0n, 'syscall').map(hex).join(' ')}`;
    case 'int80': return `I ${id} ${u32(c.nr, 'nr')} ${six(c.args, 0, 'int80').map((a) => u32(a, 'int80 arg')).join(' ')}`;
    case 'int80-socketcall': return `K ${id} ${u32(c.call, 'call')} ${six(c.args, 0, 'socketcall').map((a) => u32(a, 'socketcall word')).join(' ')}`;
    case 'iouring-socket': return `U ${id} ${u32(c.domain, 'domain')} ${u32(c.type, 'type')} ${u32(c.protocol, 'protocol')}`;
  }
}

function withErrno(value: bigint): { value: bigint; errno?: number } {
  return value < 0n && value >= -4095n ? { value, errno: Number(-value) } : { value };
}

function socketPart(fd: number, domain: number, type: number): { fd?: number; domain?: number; sockType?: number; sockoptErrno?: number } {
  if (fd === -2) throw new Error('witness-probe: the child ended before its descriptor was examined');
  if (fd < 0) return {};
  if (domain < 0) return { fd, sockoptErrno: -domain };
  return { fd, domain, sockType: type };
}

/** One output line of the probe: [id, result]. Throws on anything it does not know. */
export function parseWitnessLine(line: string): [number, WitnessResult] {
  const w = line.trim().split(' ');
  const n = (i: number): number => {
    const v = Number(w[i]);
    if (!Number.isInteger(v)) throw new Error(`witness-probe output: bad field ${i} in ${JSON.stringify(line)}`);
    return v;
  };
  const step = (i: number): WitnessStep => {
    const s = STEPS[n(i)];
    if (s === undefined || s === 'none') throw new Error(`witness-probe output: bad step in ${JSON.stringify(line)}`);
    return s;
  };
  const id = n(0);
  switch (w[1]) {
    case 'load': return [id, { kind: 'load-failed', errno: n(2) }];
    case 'ret': return [id, { kind: 'ret', ...withErrno(BigInt(w[2]!)), ...socketPart(n(3), n(4), n(5)) }];
    case 'uring': return [id, { kind: 'ret', ...withErrno(BigInt(w[3]!)), ...socketPart(n(5), n(6), n(7)), step: step(2), setup: n(4) }];
    case 'trap': return [id, { kind: 'trap', step: step(2), data: n(3), nr: n(4), arch: n(5) >>> 0 }];
    case 'killthread': return [id, { kind: 'killed', scope: 'thread', step: step(2) }];
    case 'killprocess': return [id, { kind: 'killed', scope: 'process', step: step(2) }];
    case 'other': return [id, { kind: 'other', status: n(2), step: STEPS[n(3)] ?? 'none', phase: n(4) }];
    case 'nouffd': throw new Error(`witness-probe: userfaultfd(2) is unusable here (errno ${n(2)})`);
    default: throw new Error(`witness-probe output: unknown line ${JSON.stringify(line)}`);
  }
}

function probeInput(jobs: readonly WitnessJob[]): { input: string; slots: Array<[number, number]> } {
  const lines: string[] = [];
  const slots: Array<[number, number]> = [];
  jobs.forEach((job, ji) => {
    lines.push(filterLine(job.filter));
    job.calls.forEach((c, ci) => {
      lines.push(callLine(slots.length, c));
      slots.push([ji, ci]);
    });
  });
  return { input: lines.join('\n') + '\n', slots };
}

function collect(jobs: readonly WitnessJob[], slots: readonly (readonly [number, number])[], out: string): WitnessResult[][] {
  const results = jobs.map((j) => new Array<WitnessResult | undefined>(j.calls.length));
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [id, r] = parseWitnessLine(line);
    const slot = slots[id];
    if (!slot) throw new Error(`witness-probe output: unknown call id ${id}`);
    results[slot[0]]![slot[1]] = r;
  }
  return results.map((rs, ji) =>
    rs.map((r, ci) => {
      if (!r) throw new Error(`witness-probe: no answer for job ${ji} call ${ci}`);
      return r;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Public API.

export interface WitnessJob {
  /** Raw little-endian `struct sock_filter` bytes (what encode(program, 'little') returns). */
  readonly filter: Uint8Array;
  readonly calls: readonly WitnessCall[];
}

/**
 * Whether witnesses can run here: x86_64 Linux, gcc builds the probe, and under `ret ALLOW` the
 * probe's child can install the filter and create an AF_UNIX socket all four ways (so int $0x80
 * and io_uring are enabled, and userfaultfd works). Synchronous and cached, for describe time.
 */
export function witnessProbeAvailable(): { ok: true } | { ok: false; reason: string } {
  availability ??= checkAvailability();
  return availability;
}

function checkAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `not Linux (process.platform = ${process.platform})` };
  if (process.arch !== 'x64') return { ok: false, reason: `the witness probe is x86_64 code, this is ${process.arch}` };
  let path: string;
  try {
    path = buildProbe();
  } catch (e) {
    return { ok: false, reason: `cannot build native/witness-probe.c: ${(e as Error).message}` };
  }
  const calls: WitnessCall[] = [
    { kind: 'syscall', nr: NR.x86_64.getpid, args: [] },
    { kind: 'syscall', nr: NR.x86_64.socket, args: [BigInt(AF_UNIX), BigInt(SOCK_STREAM), 0n] },
    { kind: 'int80', nr: NR.i386.socket, args: [AF_UNIX, SOCK_STREAM, 0] },
    { kind: 'int80-socketcall', call: SYS_SOCKET, args: [AF_UNIX, SOCK_STREAM, 0] },
    { kind: 'iouring-socket', domain: AF_UNIX, type: SOCK_STREAM, protocol: 0 },
  ];
  const jobs = [{ filter: RET_ALLOW, calls }];
  const { input, slots } = probeInput(jobs);
  const r = spawnSync(path, [], { input, encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return { ok: false, reason: `the witness probe failed (status ${r.status}, signal ${r.signal}): ${r.error?.message ?? r.stderr.slice(0, 500)}` };
  let got: WitnessResult[];
  try {
    got = collect(jobs, slots, r.stdout)[0]!;
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const first = got[0]!;
  if (first.kind === 'load-failed') return { ok: false, reason: `seccomp(SECCOMP_SET_MODE_FILTER) of \`ret ALLOW\` fails with errno ${first.errno}` };
  if (first.kind !== 'ret' || first.value <= 0n) return { ok: false, reason: `getpid under \`ret ALLOW\` did not return a pid: ${describeWitness(first)}` };
  const why = ['socket(AF_UNIX) via syscall', 'socket(AF_UNIX) via int $0x80 (IA32 emulation off?)', 'socketcall(SYS_SOCKET, AF_UNIX) via int $0x80', 'IORING_OP_SOCKET(AF_UNIX) (kernel.io_uring_disabled?)'];
  for (let i = 1; i < got.length; i++) {
    if (socketDomain(got[i]!) !== AF_UNIX) return { ok: false, reason: `${why[i - 1]} under \`ret ALLOW\` did not create an AF_UNIX socket: ${describeWitness(got[i]!)}` };
  }
  return { ok: true };
}

/**
 * Registers the "witness probe unavailable" outcome exactly as the kernel differential suites
 * do (test/differential/kernel-harness.ts requireKernel): a failing test when CI is set, else a
 * loud skip. Returns true when witnesses can run. Call it inside a describe().
 */
export function requireWitnessProbe(t: { it: (name: string, fn: () => void) => void; skip: (name: string) => void }): boolean {
  const a = witnessProbeAvailable();
  return requireKernel(t, a.ok ? undefined : a.reason, 'witness probe suite');
}

/**
 * Runs the calls under the filter, each in a fresh child of one probe process; results in call
 * order. Rejects when the probe cannot be built or does not answer every call.
 */
export async function runWitnesses(filter: Uint8Array, calls: readonly WitnessCall[], timeoutMs?: number): Promise<WitnessResult[]> {
  return (await runWitnessJobs([{ filter, calls }], timeoutMs))[0]!;
}

/** Several filters with their calls in one probe process (one fork per call); results per job. */
export function runWitnessJobs(jobs: readonly WitnessJob[], timeoutMs = 60_000): Promise<WitnessResult[][]> {
  let path: string;
  try {
    path = buildProbe();
  } catch (e) {
    return Promise.reject(e as Error);
  }
  const { input, slots } = probeInput(jobs);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (err += s));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`witness-probe ended with code ${code}, signal ${signal}, timed out ${timedOut}; stderr: ${err.slice(0, 2000)}`));
        return;
      }
      try {
        resolvePromise(collect(jobs, slots, out));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.on('error', () => undefined); // EPIPE when the probe dies early: reported on close
    child.stdin.end(input);
  });
}

/** `ret ALLOW` (SECCOMP_RET_ALLOW), little-endian: a filter that lets everything through. */
export const RET_ALLOW: Uint8Array = Uint8Array.of(0x06, 0, 0, 0, 0, 0, 0xff, 0x7f);

/** The SO_DOMAIN of the socket a call created, or undefined when it created none. */
export function socketDomain(r: WitnessResult): number | undefined {
  return r.kind === 'ret' ? r.domain : undefined;
}

const FAMILY_NAMES: Record<number, string> = { [AF_UNIX]: 'AF_UNIX', [AF_INET]: 'AF_INET', [AF_INET6]: 'AF_INET6', [AF_ALG]: 'AF_ALG', [AF_VSOCK]: 'AF_VSOCK' };
const TYPE_NAMES: Record<number, string> = { [SOCK_STREAM]: 'SOCK_STREAM', [SOCK_DGRAM]: 'SOCK_DGRAM', [SOCK_SEQPACKET]: 'SOCK_SEQPACKET' };
const X86_64 = archByName('x86_64')!;

/** A short text for messages: `fd 4 (AF_VSOCK, SOCK_STREAM)`, `-EPERM`, `TRAP(7) at nr 39`, … */
export function describeWitness(r: WitnessResult): string {
  switch (r.kind) {
    case 'ret': {
      const where = r.step && r.step !== 'cqe' ? ` at ${r.step}` : '';
      if (r.errno !== undefined) return `-${errnoName(X86_64, r.errno) ?? r.errno}${where}`;
      if (r.fd === undefined) return `${r.value}${where}`;
      if (r.domain === undefined) return `fd ${r.fd} (getsockopt: ${errnoName(X86_64, r.sockoptErrno ?? 0) ?? r.sockoptErrno})`;
      return `fd ${r.fd} (${FAMILY_NAMES[r.domain] ?? `family ${r.domain}`}, ${TYPE_NAMES[r.sockType ?? -1] ?? `type ${r.sockType}`})`;
    }
    case 'trap': return `TRAP(${r.data}) at nr ${r.nr} (arch 0x${r.arch.toString(16)}, ${r.step})`;
    case 'killed': return `KILL_${r.scope.toUpperCase()} at ${r.step}`;
    case 'load-failed': return `seccomp(2) refused the filter: ${errnoName(X86_64, r.errno) ?? r.errno}`;
    case 'other': return `child ended otherwise (wait status ${r.status}, step ${r.step}, phase ${r.phase})`;
  }
}
