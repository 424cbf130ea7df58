// SPDX-License-Identifier: Apache-2.0
// The child process of the kernel differential suites. It reads one JSON job (a list of steps)
// on stdin, runs it, and writes the results on stdout. It is deliberately dumb: it installs
// what it is given (valid or not) and makes the calls it is given; the parent builds the
// programs and judges the answers.
//
// Filters are installed on the JS main thread only (no TSYNC), and every call below runs on
// that thread, so every call goes through every filter installed so far. A filter can never be
// removed: this process must do nothing after the job but write its results and exit.
//
// Output: one line per `flush` step (and one at the end), each a JSON array of the results of
// the steps since the previous flush, in order. A result is, per step:
//   install  → the errno (0 when the kernel accepted the filter)
//   calls    → [[ret, errno], …] per call: ret is the C return value of syscall(2) (a decimal
//              string), errno is koffi.errno() right after it (meaningful when ret is -1)
//   loadValidated → 0 when installed, { invalid: [diagnostic codes] } when validate() refused
//              it (the kernel never saw it), { errno } when the kernel refused it
//   nodump   → the errno of prctl(PR_SET_DUMPABLE, 0) (so a SIGSYS death leaves no core file)
// The parent flushes before a call that may kill this process, so it knows how far it got.

import { readFileSync, writeSync } from 'node:fs';
import { hostSyscallNumber, libc } from '../../src/linux/ffi.js';
import type { Instruction } from '../../src/bpf/instruction.js';
import { installFilter, loadValidated, PR_SET_DUMPABLE, SECCOMP_SET_MODE_FILTER, setNoNewPrivs } from '../../src/linux/seccomp.js';

export type ChildStep =
  /** `b64`: the sock_filter bytes; `len` overrides sock_fprog.len (to lie to the kernel on purpose). */
  | { readonly op: 'install'; readonly b64: string; readonly flags?: number; readonly len?: number }
  /** Each call: "nr a0 a1 a2 a3 a4 a5", hex words (64-bit each, no 0x). */
  | { readonly op: 'calls'; readonly calls: readonly string[] }
  /** Through loadValidated(): the program as instructions. */
  | { readonly op: 'loadValidated'; readonly program: readonly Instruction[] }
  | { readonly op: 'flush' }
  | { readonly op: 'nodump' };

function writeAll(text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

function main(): void {
  const steps = JSON.parse(readFileSync(0, 'utf8')) as ChildStep[];
  const c = libc();
  const seccompNr = hostSyscallNumber('seccomp')!;
  let pending: unknown[] = [];
  const flush = (): void => {
    writeAll(JSON.stringify(pending) + '\n');
    pending = [];
  };
  for (const step of steps) {
    switch (step.op) {
      case 'install': {
        const bytes = new Uint8Array(Buffer.from(step.b64, 'base64'));
        if (step.len === undefined) {
          const r = installFilter(bytes, step.flags ?? 0);
          pending.push(r.ok ? 0 : r.errno);
        } else {
          const nnp = setNoNewPrivs();
          if (!nnp.ok) { pending.push(nnp.errno); break; }
          const r = c.seccomp(seccompNr, SECCOMP_SET_MODE_FILTER, step.flags ?? 0, step.len, bytes.length === 0 ? null : bytes);
          pending.push(r.value >= 0n ? 0 : r.errno);
        }
        break;
      }
      case 'calls': {
        const out: [string, number][] = [];
        for (const call of step.calls) {
          const w = call.split(' ').map((h) => BigInt('0x' + h));
          const r = c.syscall(w[0]!, w.slice(1));
          out.push([r.value.toString(), r.value === -1n ? r.errno : 0]);
        }
        pending.push(out);
        break;
      }
      case 'loadValidated': {
        const r = loadValidated(step.program);
        pending.push(r.ok ? 0 : r.reason === 'invalid' ? { invalid: r.diagnostics.map((d) => d.code) } : { errno: r.errno });
        break;
      }
      case 'nodump': {
        const r = c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        pending.push(r.value === 0n ? 0 : r.errno);
        break;
      }
      case 'flush':
        flush();
        break;
    }
  }
  flush();
}

main();
