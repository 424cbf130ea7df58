// SPDX-License-Identifier: Apache-2.0
// Node-only: what `syscage dump` and `pid:N` inputs read from a live process — its seccomp
// facts from /proc/PID/status and its filters, read with ptrace (./ptrace.ts), decoded in the host
// byte order and validated like any foreign program.
//
//   dumpFilters(pid) → { pid, status, filters, raw, error? }
//
// `filters` is in INSTALLATION order (filters[0] is the first filter installed, the last one is
// the most recent), the order users think in, and the kernel's own numbering: its index 0 is the
// OLDEST filter (kernel/seccomp.c get_nth_filter() counts the chain, then walks back from the
// newest `count - index - 1` steps), although ptrace(2) says "the most recently installed filter
// has the index number 0". Measured here (test/linux/dump.test.ts installs distinct filters). A process without a filter has `filters: []` and no error. `error` is a
// coded diagnostic when the filters could not be read (no such process, CAP_SYS_ADMIN missing,
// ptrace refused, strict mode…); `status` is still filled when /proc could be read.

import { endianness } from 'node:os';
import { decode } from '../bpf/encode.js';
import type { Program } from '../bpf/instruction.js';
import { validate } from '../bpf/validate.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { hostArch, libcUnavailable } from './ffi.js';
import { errnoName } from '../kernel/errno.js';
import { readProcStatus, readProcText, SECCOMP_MODE_MEANING, type ProcStatus } from './proc.js';
import { readSeccompFilters } from './ptrace.js';

export interface DumpResult {
  readonly pid: number;
  readonly status?: ProcStatus;
  /** Installation order: [0] first installed, last = most recent. Absent when they could not be read. */
  readonly filters?: readonly Program[];
  /** The raw sock_filter bytes of each filter, same order, as the kernel handed them out. */
  readonly raw?: readonly Uint8Array[];
  readonly error?: Diagnostic;
}

/** `EACCES` for 13, from the kernel's errno table of this machine's ABI (../kernel/errno.ts). */
export const errnoText = (n: number): string => { const arch = hostArch(); return (arch && errnoName(arch, n)) ?? `errno ${n}`; };

/** Why ptrace(PTRACE_SEIZE) said EPERM, from what can be seen without it. */
function seizeRefusal(pid: number, status: ProcStatus | undefined): string {
  if (pid === process.pid) return 'it is syscage itself; a process cannot trace itself';
  if (status?.tracerPid) return `it is already traced by process ${status.tracerPid} (TracerPid), and a process has one tracer at most`;
  const scope = readProcText('/proc/sys/kernel/yama/ptrace_scope');
  const yama: Record<string, string> = {
    '1': 'Yama ptrace_scope is 1 (restricted): only an ancestor, or a process with CAP_SYS_PTRACE, may attach; run as root',
    '2': 'Yama ptrace_scope is 2 (admin-only): only a process with CAP_SYS_PTRACE may attach; run as root',
    '3': 'Yama ptrace_scope is 3 (no attach): no process may ptrace another until reboot',
  };
  if (scope !== undefined && yama[scope]) return yama[scope]!;
  return 'it belongs to another user or is not dumpable (prctl PR_SET_DUMPABLE 0, a setuid program), and this process lacks CAP_SYS_PTRACE';
}

/** Reads process `pid`'s seccomp status and filters. Never throws for a bad pid; see DumpResult. */
export function dumpFilters(pid: number): DumpResult {
  if (!Number.isSafeInteger(pid) || pid <= 0) return { pid, error: diag('dumpBadPid', { text: String(pid) }) };
  const why = libcUnavailable();
  if (why !== undefined) return { pid, error: diag('dumpUnavailable', { reason: why }) };
  const proc = readProcStatus(pid);
  if (!proc.ok && proc.reason === 'no-such-process') return { pid, error: diag('dumpNoProcess', { pid }) };
  const status = proc.ok ? proc.status : undefined;
  const base = status ? { pid, status } : { pid };
  if (status?.seccompMode === 'disabled') return { ...base, filters: [], raw: [] };
  if (status?.seccompMode === 'strict') return { ...base, error: diag('dumpStrict', { pid, what: 'dump' }) };
  const r = readSeccompFilters(pid);
  if (!r.ok) {
    const errno = errnoText(r.errno);
    if (r.exited || (r.errno === 3 && r.step !== 'seize')) return { ...base, error: diag('dumpExited', { pid }) };
    if (r.step === 'seize' && r.errno === 3) return { ...base, error: diag('dumpNoProcess', { pid }) };
    if (r.step === 'seize' && r.errno === 1) return { ...base, error: diag('dumpPtraceDenied', { pid, errno, reason: seizeRefusal(pid, status) }) };
    if (r.step === 'count' && r.errno === 13) {
      const self = readProcStatus(process.pid);
      const confined = self.ok && self.status.seccompMode !== undefined && self.status.seccompMode !== 'disabled';
      return { ...base, error: diag('dumpNeedsAdmin', { pid, errno, detail: confined ? ' (also refused to any process that is itself under seccomp, as this one is)' : '' }) };
    }
    if (r.step === 'count' && r.errno === 22) {
      // Not in filter mode: the status we read may be stale (it raced), or procfs was unreadable.
      return { ...base, filters: [], raw: [] };
    }
    if (r.step === 'count' && r.errno === 5) return { ...base, error: diag('dumpUnsupported', { errno }) };
    return { ...base, error: diag('dumpFailed', { pid, step: `ptrace step ${r.step}`, errno }) };
  }
  const endian = endianness() === 'LE' ? 'little' : 'big';
  const raw = r.filters;
  const filters: Program[] = [];
  for (const [i, bytes] of raw.entries()) {
    const dec = decode(bytes, endian);
    const val = dec.value ? validate(dec.value) : undefined;
    if (!val?.value) {
      const ds = val?.diagnostics ?? dec.diagnostics;
      return { ...base, raw, error: diag('dumpInvalidFilter', { index: i + 1, pid, detail: ds.map((d) => `${d.code} ${d.message}`).join('; ') }) };
    }
    filters.push(val.value);
  }
  // Re-read the status after the filters: it is the same task, now with the filter count at the time of reading.
  const after = readProcStatus(pid);
  return { ...(after.ok ? { pid, status: after.status } : base), filters, raw };
}

/** The words for a seccomp mode (for dump and doctor). */
export function modeMeaning(status: ProcStatus | undefined): string {
  return status?.seccompMode ? SECCOMP_MODE_MEANING[status.seccompMode] : 'unknown (no Seccomp: line in /proc/PID/status: the kernel lacks CONFIG_SECCOMP)';
}
