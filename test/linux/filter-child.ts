// SPDX-License-Identifier: Apache-2.0
// A process that carries known seccomp filters and waits, for the dump tests. argv[2] is a JSON
// job: { filters: [base64 sock_filter bytes, in installation order], noNewPrivs?: boolean }.
// It installs them (on its main thread, through src/linux/seccomp.ts), reads its own
// /proc/self/status and prctl(PR_GET_SECCOMP) — the parent's independent view of what the kernel
// recorded — and writes one JSON line: { installed: [errno per filter], status: {…}, prGetSeccomp }.
// Then it blocks reading stdin and exits when the parent closes it (or, with `calls`, makes the
// calls first and reports [ret, errno] for each).
import { readFileSync, writeSync } from 'node:fs';
import { libc } from '../../src/linux/ffi.js';
import { installFilter } from '../../src/linux/seccomp.js';

interface Job {
  readonly filters: readonly string[];
  readonly noNewPrivs?: boolean;
  /** "nr a0 a1 a2 a3 a4 a5" in hex, made after installing. */
  readonly calls?: readonly string[];
}

const PR_GET_SECCOMP = 21;
const job = JSON.parse(process.argv[2]!) as Job;
const installed = job.filters.map((b64) => {
  const r = installFilter(new Uint8Array(Buffer.from(b64, 'base64')), 0, { noNewPrivs: job.noNewPrivs ?? true });
  return r.ok ? 0 : r.errno;
});
const status = Object.fromEntries(readFileSync('/proc/self/status', 'utf8').split('\n')
  .filter((l) => /^(Seccomp|Seccomp_filters|NoNewPrivs):/.test(l)).map((l) => l.split(/:\s*/) as [string, string]));
const c = libc();
const prGetSeccomp = Number(c.prctl(PR_GET_SECCOMP).value);
const calls = (job.calls ?? []).map((call) => {
  const w = call.split(' ').map((h) => BigInt('0x' + h));
  const r = c.syscall(w[0]!, w.slice(1));
  return [r.value.toString(), r.value === -1n ? r.errno : 0];
});
writeSync(1, JSON.stringify({ installed, status, prGetSeccomp, calls }) + '\n');
if (!job.calls) {
  try { readFileSync(0); } catch { /* the parent went away */ }
}
