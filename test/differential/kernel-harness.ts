// SPDX-License-Identifier: Apache-2.0
// The parent side of the kernel differential suites: is the kernel usable here, building the
// child (./kernel-child.ts, bundled once with esbuild so a child starts in ~0.1 s instead of
// ~1 s under tsx), running jobs in children, and the filter shapes the suites load.
// Nothing here installs a filter: only the children do (never the vitest worker).

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleChild } from '../child-bundle.js';
import { fileURLToPath } from 'node:url';
import type { Instruction } from '../../src/bpf/instruction.js';
import { encode } from '../../src/bpf/encode.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_AND, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD,
  BPF_MEM, BPF_MISC, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_TAX, BPF_W, BPF_X, opcode,
} from '../../src/bpf/opcodes.js';
import { libcUnavailable } from '../../src/linux/ffi.js';
import type { ChildStep } from './kernel-child.js';
import { ARGS5_HI, ARGS5_LO } from './random-program.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export const EINVAL = 22;
export const ENOSYS = 38;
export const SECCOMP_RET_ALLOW = 0x7fff_0000;
export const SECCOMP_RET_ERRNO = 0x0005_0000;

/** Why the kernel suites cannot run here, or undefined when they can. */
export function kernelUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (process.platform = ${process.platform})`;
  // The suites' programs and seccomp_data layout are x86_64's (AUDIT_ARCH, little-endian offsets).
  if (process.arch !== 'x64') return `the kernel suites are written for x86_64, this is ${process.arch}`;
  return libcUnavailable() ?? probeKernel();
}

/**
 * Registers the "kernel unavailable" outcome: a failing test when CI is set, else a loud skip.
 * Returns true when the suites can run. Other kernel suites pass their own reason and name.
 */
export function requireKernel(
  t: { it: (name: string, fn: () => void) => void; skip: (name: string) => void },
  reason: string | undefined = kernelUnavailable(),
  suite = 'kernel differential suite',
): boolean {
  if (reason === undefined) return true;
  if (process.env['CI']) {
    t.it('seccomp(2) is usable (CI requires the kernel suites)', () => {
      throw new Error(`${suite} cannot run: ${reason}`);
    });
  } else {
    console.warn(`\n*** SKIPPING the ${suite}: ${reason} (set CI=1 to make this a failure) ***\n`);
    t.skip(`${suite} (skipped: ${reason})`);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The child.

/** kernel-child.ts (and the src/ it imports) as one .mjs beside node_modules' koffi. */
export function buildChild(): string {
  return bundleChild(join(HERE, 'kernel-child.ts'));
}

/** Installs `ret ALLOW` in a child and reads the answer: why seccomp(2) is unusable here, if it is. */
function probeKernel(): string | undefined {
  let path: string;
  try {
    path = buildChild();
  } catch (e) {
    return `cannot build the child runner with esbuild: ${(e as Error).message}`;
  }
  const job: ChildStep[] = [installStep([{ code: 0x06, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW }])];
  const r = spawnSync(process.execPath, [path], { input: JSON.stringify(job), encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return `the probe child failed (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(0, 500)}`;
  const errno = (JSON.parse(r.stdout.split('\n')[0] ?? '[]') as number[])[0];
  return errno === 0 ? undefined : `seccomp(SECCOMP_SET_MODE_FILTER) of \`ret ALLOW\` fails with errno ${errno}`;
}

export interface ChildOutcome {
  /** Results of the steps, in order (flush steps have none). */
  readonly results: unknown[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The main thread died (zombie leader) while other threads kept the process alive: KILL_THREAD. */
  readonly mainThreadDied: boolean;
  readonly timedOut: boolean;
  readonly stderr: string;
  readonly pid: number;
}

function taskState(path: string): string | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** The thread-group leader is a zombie while another thread of the process still lives. */
function leaderDeadOthersAlive(pid: number): boolean {
  if (taskState(`/proc/${pid}/stat`) !== 'Z') return false;
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) => {
      const st = taskState(`/proc/${pid}/task/${tid}/stat`);
      return st !== undefined && st !== 'Z' && st !== 'X';
    });
  } catch {
    return false;
  }
}

/**
 * Runs one job in a fresh child. `expectDeath`: the job's last call may kill the child's main
 * thread; once every result before it has arrived, the parent watches /proc/<pid>/stat and
 * kills the (hanging) process when the main thread is a zombie.
 */
export async function runChild(steps: readonly ChildStep[], opts: { timeoutMs?: number; expectDeath?: boolean } = {}): Promise<ChildOutcome> {
  const path = buildChild();
  const expected = steps.filter((s) => s.op !== 'flush').length;
  return new Promise((resolveOutcome, reject) => {
    const child = spawn(process.execPath, [path], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, UV_THREADPOOL_SIZE: '1' } });
    const pid = child.pid!;
    let out = '';
    let err = '';
    const results: unknown[] = [];
    let mainThreadDied = false;
    let timedOut = false;
    let poll: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        results.push(...(JSON.parse(out.slice(0, nl)) as unknown[]));
        out = out.slice(nl + 1);
      }
      if (opts.expectDeath && !poll && results.length >= expected - 1) {
        // A dying process (KILL_PROCESS, SIGSYS) also shows a zombie leader for a moment while
        // its other threads are being torn down: only a state that lasts means KILL_THREAD.
        let since: number | undefined;
        poll = setInterval(() => {
          if (!leaderDeadOthersAlive(pid)) {
            since = undefined;
          } else if (since === undefined) {
            since = Date.now();
          } else if (Date.now() - since >= 250) {
            mainThreadDied = true;
            child.kill('SIGKILL');
          }
        }, 10);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolveOutcome({ results, code, signal, mainThreadDied, timedOut, stderr: err, pid });
    });
    child.stdin.end(JSON.stringify(steps));
  });
}

/** Maps `fn` over `items`, at most `parallel` at a time, results in order. */
export async function pool<T, R>(items: readonly T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return out;
}

/** Runs jobs, at most `parallel` children at a time. */
export function runChildren(jobs: readonly (readonly ChildStep[])[], parallel = 2, opts: { timeoutMs?: number } = {}): Promise<ChildOutcome[]> {
  return pool(jobs, parallel, (job) => runChild(job, opts));
}

/** A child that ended any other way than by finishing its job is a harness failure: say how. */
export function describeOutcome(o: ChildOutcome): string {
  return `child ${o.pid}: exit code ${o.code}, signal ${o.signal}, timed out ${o.timedOut}, ${o.results.length} results, stderr: ${o.stderr.slice(0, 2000)}`;
}

// ---------------------------------------------------------------------------------------------
// Steps and filter shapes.

const hex = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16);

export function installStep(program: readonly Instruction[], extra: { len?: number; flags?: number } = {}): ChildStep {
  return { op: 'install', b64: Buffer.from(encode(program, 'little')).toString('base64'), ...extra };
}

export function callText(nr: bigint | number, args: readonly bigint[]): string {
  return [nr, ...[0, 1, 2, 3, 4, 5].map((i) => args[i] ?? 0n)].map(hex).join(' ');
}

const I = (code: number, k = 0, jt = 0, jf = 0): Instruction => ({ code, jt, jf, k: k >>> 0 });

/**
 * The gate in front of a filter under test: `ld [args[5].hi]; jeq #magic, body, allow;
 * allow: ret ALLOW`. Only calls whose args[5] high word is `magic` reach the body.
 */
export function argsGate(magic: number): Instruction[] {
  return [I(BPF_LD | BPF_W | BPF_ABS, ARGS5_HI), I(BPF_JMP | BPF_JEQ | BPF_K, magic, 1, 0), I(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)];
}

/**
 * A gate no call passes: `ld [arch]; jeq #0, body, allow; allow: ret ALLOW` (seccomp_data.arch
 * is never 0). Used to load validator candidates without ever running them. It also makes the
 * filter a constant ALLOW for the kernel's action cache, so later calls skip it cheaply.
 */
export function neverGate(): Instruction[] {
  return [I(BPF_LD | BPF_W | BPF_ABS, 4), I(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), I(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)];
}

/**
 * Selector values in args[5].lo and what the trailer returns for them (always ERRNO of 12 bits):
 *   s in {0, 12, 24}:   ERRNO((A >> s) & 0xfff), A = the body's result
 *   32 + s:             ERRNO((instruction_pointer.lo >> s) & 0xfff)
 *   64 + s:             ERRNO((instruction_pointer.hi >> s) & 0xfff)
 */
export const BODY_SELECTORS = [0, 12, 24] as const;
export const IP_LO_SELECTORS = [32, 44, 56] as const;
export const IP_HI_SELECTORS = [64, 76, 88] as const;

/**
 * The trailer that replaces a body's final `ret a`. It saves A in M[15] (the body is done; the
 * kernel's scratch check sees the store before the load), reads the selector, and returns 12
 * bits of A or of the instruction pointer as ERRNO. Shifts are by X < 32 only (no reliance on
 * the X & 31 rule under test).
 */
export function trailer(): Instruction[] {
  return [
    /* 0 */ I(BPF_ST, 15),
    /* 1 */ I(BPF_LD | BPF_W | BPF_ABS, ARGS5_LO),
    /* 2 */ I(BPF_JMP | BPF_JGE | BPF_K, 32, 3, 0), //        → 6
    /* 3 */ I(BPF_MISC | BPF_TAX),
    /* 4 */ I(BPF_LD | BPF_MEM, 15),
    /* 5 */ I(BPF_JMP | BPF_JA, 8), //                         → 14
    /* 6 */ I(BPF_JMP | BPF_JGE | BPF_K, 64, 4, 0), //        → 11
    /* 7 */ I(BPF_ALU | BPF_AND | BPF_K, 31),
    /* 8 */ I(BPF_MISC | BPF_TAX),
    /* 9 */ I(BPF_LD | BPF_W | BPF_ABS, 8), //                 ip.lo
    /* 10 */ I(BPF_JMP | BPF_JA, 3), //                        → 14
    /* 11 */ I(BPF_ALU | BPF_AND | BPF_K, 31),
    /* 12 */ I(BPF_MISC | BPF_TAX),
    /* 13 */ I(BPF_LD | BPF_W | BPF_ABS, 12), //               ip.hi
    /* 14 */ I(BPF_ALU | BPF_RSH | BPF_X),
    /* 15 */ I(BPF_ALU | BPF_AND | BPF_K, 0xfff),
    /* 16 */ I(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
    /* 17 */ I(BPF_RET | BPF_A),
  ];
}

/**
 * What is installed for a generated program P (= body + final `ret a`): the gate, `ld #0` (so
 * the body starts with A = 0 as a fresh filter does; X is 0 anyway), the body, the trailer in
 * place of P's last instruction. Jumps are relative, so P's jumps to its last instruction land
 * on the trailer's first. The scratch state entering the body is the initial one (see
 * gateKeepsVerdict); the body cannot reach args[5].
 */
export function installedProgram(p: readonly Instruction[], magic: number): Instruction[] {
  return [...argsGate(magic), I(BPF_LD | BPF_IMM, 0), ...p.slice(0, -1), ...trailer()];
}

/** The kernel's per-filter instruction penalty towards MAX_INSNS_PER_PATH (kernel/seccomp.c). */
export const FILTER_PENALTY = 4;
/**
 * MAX_INSNS_PER_PATH (kernel/seccomp.c seccomp_attach_filter): the new filter's length plus,
 * for every filter already attached, its length + 4 may not exceed it (else ENOMEM). The
 * lengths are those of the programs as the kernel keeps them, i.e. after bpf_migrate_filter()
 * converted them to eBPF (see convertedLength), not the classic lengths.
 */
export const MAX_INSNS_PER_PATH = 32768;

/**
 * The length of a valid seccomp program after net/core/filter.c bpf_convert_filter(): a
 * 3-instruction prologue (A = 0, X = 0, ctx), then per classic instruction
 *   div x                     5 (X = (u32)X; if X != 0 skip 2; A = 0; exit; div)
 *   ret #k                    2 (mov, exit); ret a 1 (exit)
 *   jeq/jgt/jge/jset          1, or 2 when both jt and jf are non-zero (except jeq/jgt/jge with
 *                             jt = 0, which are inverted), + 1 when k is a constant >= 2^31
 *                             (zero-extended into a temporary register first)
 *   everything else           1
 * (seccomp never sets seen_ld_abs: it rewrote its loads beforehand.) Unknown or non-seccomp
 * codes count 5, which keeps packing safe for candidates the kernel may refuse anyway.
 * This is the prog->len of the converted program unless constant blinding runs
 * (net.core.bpf_jit_harden, 0 here), which would make it longer.
 */
export function convertedLength(program: readonly Instruction[]): number {
  let n = 3;
  for (const ins of program) {
    const op = opcode(ins.code);
    if (!op || !op.seccomp) { n += 5; continue; }
    const e = op.effect;
    if (e.kind === 'alu' && e.src === 'x' && (e.op === 'div' || e.op === 'mod')) n += 5;
    else if (e.kind === 'ret') n += e.src === 'k' ? 2 : 1;
    else if (e.kind === 'jmp') {
      n += e.src === 'k' && ins.k >= 0x8000_0000 ? 1 : 0;
      n += ins.jf === 0 || (ins.jt === 0 && e.op !== 'jset') ? 1 : 2;
    } else n += 1;
  }
  return n;
}

/** A call's outcome as the filter decided it: the errno of a gated call (0 for ERRNO(0)). */
export function errnoOf(result: [string, number]): number | 'ran' {
  const [ret, errno] = result;
  if (ret === '0') return 0;
  if (ret === '-1') return errno;
  return 'ran';
}
