// SPDX-License-Identifier: Apache-2.0
// The parent side of the live-process tests: builds ./filter-child.ts once (esbuild, as the
// kernel suites do: a child starts in ~0.1 s), starts children that carry known filters and
// wait, and says why these suites cannot run here. Nothing here installs a filter: only the
// children do (never the vitest worker).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { bundleChild } from '../child-bundle.js';
import { fileURLToPath } from 'node:url';
import { encode } from '../../src/bpf/encode.js';
import type { Instruction } from '../../src/bpf/instruction.js';
import { libcUnavailable } from '../../src/linux/ffi.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');

export function buildFilterChild(): string {
  return bundleChild(join(HERE, 'filter-child.ts'));
}

export interface ChildReport {
  readonly installed: number[];
  readonly status: Record<string, string>;
  readonly prGetSeccomp: number;
  readonly calls: Array<[string, number]>;
}

export interface FilterChild {
  readonly pid: number;
  readonly report: ChildReport;
  /** Closes its stdin (it exits) and waits for the exit. */
  close(): Promise<void>;
}

const b64 = (p: readonly Instruction[]): string => Buffer.from(encode(p, 'little')).toString('base64');

/** Starts a child that installs `filters` (installation order) and waits until close(). */
export function startFilterChild(filters: readonly (readonly Instruction[])[], opts: { noNewPrivs?: boolean } = {}): Promise<FilterChild> {
  const child = spawn(process.execPath, [buildFilterChild(), JSON.stringify({ filters: filters.map(b64), ...opts })], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((res) => child.on('close', () => res()));
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`filter child timed out: ${err}`)); }, 20_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      res({
        pid: child.pid!,
        report: JSON.parse(out.slice(0, nl)) as ChildReport,
        close: async () => { child.stdin.end(); await exited; },
      });
    });
    child.on('close', (code) => { clearTimeout(timer); rej(new Error(`filter child exited early (${code}): ${err}`)); });
  });
}

/** Runs a child that installs `filters`, makes `calls` and exits: the kernel's answers. */
export function runCalls(filters: readonly (readonly Instruction[])[], calls: readonly string[]): ChildReport {
  const r = spawnSync(process.execPath, [buildFilterChild(), JSON.stringify({ filters: filters.map(b64), calls })], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`call child failed (${r.status} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.split('\n')[0]!) as ChildReport;
}

/** Why live-process tests cannot run here (undefined when they can). */
export function liveUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.arch !== 'x64') return `the live suites use x86_64 programs, this is ${process.arch}`;
  return libcUnavailable();
}

/** Reading another process's filters needs root (CAP_SYS_ADMIN); say why not, if not. */
export function dumpUnavailable(): string | undefined {
  return liveUnavailable() ?? (process.getuid?.() === 0 ? undefined : `not root (uid ${process.getuid?.()}): PTRACE_SECCOMP_GET_FILTER needs CAP_SYS_ADMIN`);
}

/**
 * A loud skip, or — under CI=1, where root and ptrace are expected — a failing test. Returns
 * true when the suite can run.
 */
export function requireLive(t: { it: (name: string, fn: () => void) => void; skip: (name: string) => void }, reason: string | undefined, suite: string): boolean {
  if (reason === undefined) return true;
  if (process.env['CI']) t.it(`${suite} can run (CI requires it)`, () => { throw new Error(`${suite} cannot run: ${reason}`); });
  else {
    console.warn(`\n*** SKIPPING ${suite}: ${reason} (set CI=1 to make this a failure) ***\n`);
    t.skip(`${suite} (skipped: ${reason})`);
  }
  return false;
}
