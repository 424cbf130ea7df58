// SPDX-License-Identifier: Apache-2.0
// The parent side of the libseccomp model differential suite: builds ./model-child.ts once
// with esbuild (as kernel-harness.ts does for its child), keeps one child running, sends it
// export requests and reads the answers. A child that goes silent is stuck inside libseccomp:
// it is killed, the request it was on is answered 'hung', and a fresh child takes the rest.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { bundleChild } from '../child-bundle.js';
import { fileURLToPath } from 'node:url';
import type { WireAnswer, WireRequest } from './model-child.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');

function buildChild(): string {
  return bundleChild(join(HERE, 'model-child.ts'), ['koffi']);
}

export type OracleStatus = { readonly available: true; readonly version: string } | { readonly available: false; readonly reason: string };

export type Answer = WireAnswer | 'hung';

interface Pending {
  readonly req: WireRequest;
  readonly silenceMs: number;
  readonly resolve: (a: Answer) => void;
}

/**
 * One libseccomp child at a time. submit() queues a request and resolves with its answer, so
 * the parent can keep computing while the child exports; when the child stays silent for the
 * head request's silence budget, that request is answered 'hung', the child is killed and a
 * fresh one takes the rest of the queue.
 */
export class Oracle {
  private child: ChildProcessWithoutNullStreams | undefined;
  private partial = '';
  private ready = false;
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startWaiter: ((s: OracleStatus) => void) | undefined;
  restarts = 0;

  private spawnChild(): void {
    const child = spawn(process.execPath, [buildChild()], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO, env: process.env });
    this.child = child;
    this.partial = '';
    this.ready = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (this.child !== child) return; // a killed child's last words
      this.partial += chunk;
      let nl: number;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        const line = this.partial.slice(0, nl);
        this.partial = this.partial.slice(nl + 1);
        this.onLine(line);
      }
    });
    child.stderr.on('data', () => {});
    child.stdin.on('error', () => {});
    child.on('exit', () => {
      if (this.child === child && this.startWaiter) this.startWaiter({ available: false, reason: 'the libseccomp child exited' });
    });
  }

  private onLine(line: string): void {
    if (!this.ready) {
      this.ready = true;
      const { status } = JSON.parse(line) as { status: OracleStatus };
      this.startWaiter?.(status);
      this.startWaiter = undefined;
      for (const p of this.queue) this.child!.stdin.write(JSON.stringify(p.req) + '\n');
      this.arm();
      return;
    }
    const a = JSON.parse(line) as WireAnswer;
    const head = this.queue.shift();
    if (!head || head.req.id !== a.id) throw new Error(`libseccomp child answered ${a.id}, expected ${head?.req.id}`);
    head.resolve(a);
    this.arm();
  }

  /** (Re)starts the silence watchdog for the head of the queue. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      // Timers run before pending I/O: let any answer already in the pipe arrive first (the
      // parent may simply have been busy for longer than the silence budget).
      setImmediate(() => {
        if (this.queue[0] === head && this.child) this.declareHung();
      });
    }, head.silenceMs);
  }

  private declareHung(): void {
    {
      const hung = this.queue.shift()!;
      const c = this.child;
      this.child = undefined;
      if (c && c.exitCode === null) c.kill('SIGKILL');
      hung.resolve('hung');
      this.restarts++;
      this.spawnChild();
    }
  }

  async start(): Promise<OracleStatus> {
    try {
      this.spawnChild();
    } catch (e) {
      return { available: false, reason: `cannot start the libseccomp child: ${(e as Error).message}` };
    }
    return new Promise((res) => {
      this.startWaiter = res;
      setTimeout(() => {
        if (this.startWaiter) {
          this.startWaiter = undefined;
          res({ available: false, reason: 'the libseccomp child did not start' });
        }
      }, 20_000).unref();
    });
  }

  submit(req: WireRequest, silenceMs: number): Promise<Answer> {
    return new Promise((resolve) => {
      this.queue.push({ req, silenceMs, resolve });
      if (this.ready) this.child!.stdin.write(JSON.stringify(req) + '\n');
      if (this.queue.length === 1 && this.ready) this.arm();
    });
  }

  /** Answers for `reqs`, in order. */
  run(reqs: readonly WireRequest[], silenceMs: number): Promise<Answer[]> {
    return Promise.all(reqs.map((r) => this.submit(r, silenceMs)));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    const c = this.child;
    this.child = undefined;
    // The child keeps nothing worth a clean exit, and may be spinning inside libseccomp.
    if (c && c.exitCode === null) c.kill('SIGKILL');
  }
}
