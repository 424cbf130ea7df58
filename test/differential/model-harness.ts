// SPDX-License-Identifier: Apache-2.0
// The parent side of the libseccomp model differential suite: builds ./model-child.ts once
// with esbuild (as kernel-harness.ts does for its child), keeps one child running, sends it
// export requests and reads the answers. A child that goes silent is stuck inside libseccomp:
// it is killed, the request it was on is answered 'hung', and a fresh child takes the rest.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireAnswer, WireRequest } from './model-child.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

let childPath: string | undefined;

function buildChild(): string {
  if (childPath) return childPath;
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const dir = join(REPO, 'node_modules', '.cache', 'syscage-model-child');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'model-child.mjs');
  const tmp = join(dir, `model-child.${process.pid}.mjs`);
  esbuild.buildSync({ entryPoints: [join(HERE, 'model-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: tmp, logLevel: 'silent', external: ['koffi'] });
  renameSync(tmp, out);
  childPath = out;
  return out;
}

export type OracleStatus = { readonly available: true; readonly version: string } | { readonly available: false; readonly reason: string };

export type Answer = WireAnswer | 'hung';

export class Oracle {
  private child: ChildProcessWithoutNullStreams | undefined;
  private lines: string[] = [];
  private wake: (() => void) | undefined;
  private partial = '';
  restarts = 0;

  private spawnChild(): void {
    const child = spawn(process.execPath, [buildChild()], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO, env: process.env });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (this.child !== child) return; // a killed child's last words
      this.partial += chunk;
      let nl: number;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        this.lines.push(this.partial.slice(0, nl));
        this.partial = this.partial.slice(nl + 1);
      }
      this.wake?.();
    });
    child.stderr.on('data', () => {});
    child.on('exit', () => {
      if (this.child === child) this.wake?.();
    });
    this.child = child;
    this.lines = [];
    this.partial = '';
  }

  /** Next stdout line, or undefined after `ms` of silence (or when the child died). */
  private async nextLine(ms: number): Promise<string | undefined> {
    if (this.lines.length > 0) return this.lines.shift();
    await new Promise<void>((res) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        res();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        res();
      };
    });
    return this.lines.shift();
  }

  async start(): Promise<OracleStatus> {
    try {
      this.spawnChild();
    } catch (e) {
      return { available: false, reason: `cannot start the libseccomp child: ${(e as Error).message}` };
    }
    const first = await this.nextLine(20_000);
    if (first === undefined) return { available: false, reason: 'the libseccomp child did not start' };
    const { status } = JSON.parse(first) as { status: OracleStatus };
    return status;
  }

  private kill(): void {
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null) c.kill('SIGKILL');
  }

  /** Answers for `reqs`, in order; 'hung' for a request the child never answered within `silenceMs`. */
  async run(reqs: readonly WireRequest[], silenceMs: number): Promise<Answer[]> {
    const out: Answer[] = [];
    let i = 0;
    while (i < reqs.length) {
      if (!this.child) {
        this.spawnChild();
        this.restarts++;
        if ((await this.nextLine(20_000)) === undefined) throw new Error('the libseccomp child did not restart');
      }
      const batch = reqs.slice(i);
      const payload = batch.map((r) => JSON.stringify(r)).join('\n') + '\n';
      this.child!.stdin.write(payload);
      let answered = 0;
      while (answered < batch.length) {
        const line = await this.nextLine(silenceMs);
        if (line === undefined) break;
        const a = JSON.parse(line) as WireAnswer;
        if (a.id !== batch[answered]!.id) throw new Error(`libseccomp child answered ${a.id}, expected ${batch[answered]!.id}`);
        out.push(a);
        answered++;
      }
      i += answered;
      if (answered < batch.length) {
        out.push('hung');
        i++;
        this.kill();
      }
    }
    return out;
  }

  stop(): void {
    const c = this.child;
    this.child = undefined;
    c?.stdin.end();
    if (c && c.exitCode === null) setTimeout(() => c.kill('SIGKILL'), 2000).unref();
  }
}
