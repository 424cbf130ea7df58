// SPDX-License-Identifier: Apache-2.0
// The parent side of the compiled-filter kernel suite: builds ./native/seccomp-probe.c with gcc
// into a temporary directory (no binary is committed), checks that it can load a filter and
// make x86_64 and int $0x80 calls here, and runs jobs in it. The probe forks a child per call
// and only that child installs a filter: nothing here (nor the vitest worker) is ever filtered.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instruction } from '../../src/bpf/instruction.js';
import { encode } from '../../src/bpf/encode.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROBE_SOURCE = join(HERE, 'native', 'seccomp-probe.c');

/** How the probe makes a call: the `syscall` instruction, or `int $0x80` (an i386 call). */
export type CallMode = 'syscall' | 'int80';

export interface ProbeCall {
  readonly mode: CallMode;
  /** The number in eax/rax (32 bits; rax gets it zero-extended). */
  readonly nr: number;
  /** Six 64-bit values; int $0x80 passes their low 32 bits. */
  readonly args: readonly bigint[];
}

/** How one call ended (see the output format in seccomp-probe.c). `pre` is the unfiltered result. */
export type ProbeResult =
  | { readonly kind: 'load'; readonly errno: number }
  | { readonly kind: 'ret'; readonly pre: number; readonly ret: number }
  | { readonly kind: 'trap'; readonly pre: number; readonly data: number; readonly nr: number; readonly arch: number }
  | { readonly kind: 'killthread'; readonly pre: number }
  | { readonly kind: 'killprocess'; readonly pre: number }
  | { readonly kind: 'other'; readonly pre: number; readonly status: number; readonly stage: number };

export interface ProbeJobProgram {
  readonly program: readonly Instruction[];
  readonly calls: readonly ProbeCall[];
}

export interface Probe {
  readonly path: string;
  readonly dir: string;
  dispose(): void;
}

/** Compiles the probe; throws with gcc's output when it cannot. */
export function buildProbe(): Probe {
  const dir = mkdtempSync(join(tmpdir(), 'syscage-probe-'));
  const path = join(dir, 'seccomp-probe');
  const r = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', path, PROBE_SOURCE], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(r.error ? `gcc: ${r.error.message}` : `gcc failed (status ${r.status}): ${r.stderr.slice(0, 2000)}`);
  }
  return { path, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const hex = (v: bigint | number): string => BigInt.asUintN(64, BigInt(v)).toString(16);

function filterLine(program: readonly Instruction[]): string {
  return `F ${program.length.toString(16)} ${Buffer.from(encode(program, 'little')).toString('hex')}`;
}

function callLine(id: number, c: ProbeCall): string {
  if (c.args.length !== 6) throw new Error(`a probe call needs six args, got ${c.args.length}`);
  return `C ${id} ${c.mode === 'int80' ? 1 : 0} ${(c.nr >>> 0).toString(16)} ${c.args.map(hex).join(' ')}`;
}

export function parseResultLine(line: string): { id: number; result: ProbeResult } {
  const w = line.trim().split(' ');
  const id = Number(w[0]);
  const n = (i: number): number => {
    const v = Number(w[i]);
    if (!Number.isInteger(v)) throw new Error(`probe output: bad field ${i} in ${JSON.stringify(line)}`);
    return v;
  };
  switch (w[1]) {
    case 'load': return { id, result: { kind: 'load', errno: n(2) } };
    case 'ret': return { id, result: { kind: 'ret', pre: n(2), ret: n(3) } };
    case 'trap': return { id, result: { kind: 'trap', pre: n(2), data: n(3), nr: n(4), arch: n(5) } };
    case 'killthread': return { id, result: { kind: 'killthread', pre: n(2) } };
    case 'killprocess': return { id, result: { kind: 'killprocess', pre: n(2) } };
    case 'other': return { id, result: { kind: 'other', pre: n(2), status: n(3), stage: n(4) } };
    default: throw new Error(`probe output: unknown line ${JSON.stringify(line)}`);
  }
}

/**
 * Runs one probe process over programs and their calls; results in call order, per program.
 * Rejects when the probe does not answer every call (it died, timed out, or refused the input).
 */
export function runProbe(probe: Probe, job: readonly ProbeJobProgram[], timeoutMs = 120_000): Promise<ProbeResult[][]> {
  const lines: string[] = [];
  let id = 0;
  const slots: Array<[number, number]> = [];
  job.forEach((p, pi) => {
    lines.push(filterLine(p.program));
    p.calls.forEach((c, ci) => {
      lines.push(callLine(id++, c));
      slots.push([pi, ci]);
    });
  });
  return new Promise((resolve, reject) => {
    const child = spawn(probe.path, [], { cwd: probe.dir, stdio: ['pipe', 'pipe', 'pipe'] });
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
      const results: ProbeResult[][] = job.map((p) => new Array<ProbeResult>(p.calls.length));
      let seen = 0;
      try {
        for (const line of out.split('\n')) {
          if (line === '') continue;
          const r = parseResultLine(line);
          const slot = slots[r.id];
          if (!slot) throw new Error(`probe output: unknown call id ${r.id}`);
          results[slot[0]]![slot[1]] = r.result;
          seen++;
        }
      } catch (e) {
        reject(e);
        return;
      }
      if (code !== 0 || seen !== slots.length) {
        reject(new Error(`probe ended with code ${code}, signal ${signal}, timed out ${timedOut}, ${seen}/${slots.length} results; stderr: ${err.slice(0, 2000)}`));
        return;
      }
      resolve(results);
    });
    child.stdin.on('error', () => undefined); // EPIPE when the probe dies early: reported on close
    child.stdin.end(lines.join('\n') + '\n');
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

const RET_ALLOW: Instruction[] = [{ code: 0x06, jt: 0, jf: 0, k: 0x7fff_0000 }];
const GETPID_X86_64 = 39;
const GETPID_I386 = 20;
const ZERO6 = [0n, 0n, 0n, 0n, 0n, 0n];

/**
 * Why the suite cannot run here, or undefined: the platform, gcc, and a live check that the
 * probe can install `ret ALLOW` and make getpid both ways (int $0x80 needs IA32 emulation).
 * Synchronous, for describe-time registration. Returns the built probe when usable.
 */
export function probeAvailability(): { probe?: Probe; reason?: string } {
  if (process.platform !== 'linux') return { reason: `not Linux (process.platform = ${process.platform})` };
  if (process.arch !== 'x64') return { reason: `the probe is x86_64 code, this is ${process.arch}` };
  let probe: Probe;
  try {
    probe = buildProbe();
  } catch (e) {
    return { reason: `cannot build native/seccomp-probe.c: ${(e as Error).message}` };
  }
  const input = [filterLine(RET_ALLOW), callLine(0, { mode: 'syscall', nr: GETPID_X86_64, args: ZERO6 }), callLine(1, { mode: 'int80', nr: GETPID_I386, args: ZERO6 })].join('\n') + '\n';
  const r = spawnSync(probe.path, [], { cwd: probe.dir, input, encoding: 'utf8', timeout: 20_000 });
  const fail = (reason: string): { reason: string } => {
    probe.dispose();
    return { reason };
  };
  if (r.error || r.status !== 0) return fail(`the probe failed (status ${r.status}, signal ${r.signal}): ${r.error?.message ?? r.stderr.slice(0, 500)}`);
  const got = r.stdout.trim().split('\n').map((l) => parseResultLine(l).result);
  const [a, b] = got;
  if (a?.kind === 'load') return fail(`seccomp(SECCOMP_SET_MODE_FILTER) of \`ret ALLOW\` fails with errno ${a.errno}`);
  if (a?.kind !== 'ret' || a.pre <= 0 || a.ret !== a.pre) return fail(`getpid under \`ret ALLOW\` did not return the pid: ${JSON.stringify(a)}`);
  if (b?.kind !== 'ret' || b.pre <= 0 || b.ret !== b.pre) return fail(`int $0x80 getpid did not work (IA32 emulation off?): ${JSON.stringify(b)}`);
  return { probe };
}
