// SPDX-License-Identifier: Apache-2.0
// Node-only: the seccomp facts procfs gives about a process and about the kernel.
//   /proc/PID/status   Seccomp (0 disabled, 1 strict, 2 filter), Seccomp_filters (kernel ≥ 5.9),
//                      NoNewPrivs (kernel ≥ 4.10), TracerPid, Name, State
//   /proc/sys/kernel/… seccomp/actions_avail, seccomp/actions_logged (≥ 4.14), io_uring_disabled (≥ 6.6)
// Each fact is read from the file and parsed strictly; a field the kernel does not print is left
// undefined (an older kernel), never guessed. fs/proc/array.c task_seccomp() prints these fields.

import { readFileSync } from 'node:fs';

export type SeccompMode = 'disabled' | 'strict' | 'filter';

export const SECCOMP_MODES: Readonly<Record<number, SeccompMode>> = { 0: 'disabled', 1: 'strict', 2: 'filter' };

/** What a seccomp mode means for the process, in words. */
export const SECCOMP_MODE_MEANING: Readonly<Record<SeccompMode, string>> = {
  disabled: 'no seccomp: every syscall reaches the kernel',
  strict: 'strict mode (SECCOMP_SET_MODE_STRICT): only read, write, _exit and sigreturn; anything else kills it; there is no filter program',
  filter: 'filter mode: every syscall runs through the stacked BPF filters, the most severe verdict wins',
};

export interface ProcStatus {
  readonly pid: number;
  readonly name?: string;
  /** The State line's letter and word, e.g. `S (sleeping)`. */
  readonly state?: string;
  readonly tracerPid?: number;
  /** The `Seccomp:` value (0, 1, 2); undefined when the kernel has no CONFIG_SECCOMP. */
  readonly seccomp?: number;
  readonly seccompMode?: SeccompMode;
  /** `Seccomp_filters:` — how many filters are attached (kernel ≥ 5.9). */
  readonly seccompFilters?: number;
  /** `NoNewPrivs:` (kernel ≥ 4.10). */
  readonly noNewPrivs?: boolean;
}

export type ProcFailure = { readonly ok: false; readonly reason: 'no-such-process' | 'permission' | 'unreadable'; readonly detail: string };

function field(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text);
  return m ? m[1]!.trim() : undefined;
}

function decimal(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** Parses the text of /proc/PID/status. */
export function parseProcStatus(pid: number, text: string): ProcStatus {
  const seccomp = decimal(field(text, 'Seccomp'));
  const filters = decimal(field(text, 'Seccomp_filters'));
  const nnp = decimal(field(text, 'NoNewPrivs'));
  const tracer = decimal(field(text, 'TracerPid'));
  const name = field(text, 'Name');
  const state = field(text, 'State');
  const mode = seccomp !== undefined ? SECCOMP_MODES[seccomp] : undefined;
  return {
    pid,
    ...(name !== undefined ? { name } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(tracer !== undefined ? { tracerPid: tracer } : {}),
    ...(seccomp !== undefined ? { seccomp } : {}),
    ...(mode ? { seccompMode: mode } : {}),
    ...(filters !== undefined ? { seccompFilters: filters } : {}),
    ...(nnp !== undefined ? { noNewPrivs: nnp === 1 } : {}),
  };
}

/** Reads /proc/PID/status. */
export function readProcStatus(pid: number): { readonly ok: true; readonly status: ProcStatus } | ProcFailure {
  try {
    return { ok: true, status: parseProcStatus(pid, readFileSync(`/proc/${pid}/status`, 'utf8')) };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ESRCH') return { ok: false, reason: 'no-such-process', detail: `/proc/${pid} does not exist` };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'permission', detail: `/proc/${pid}/status: permission denied` };
    return { ok: false, reason: 'unreadable', detail: `/proc/${pid}/status: ${code ?? (e as Error).message}` };
  }
}

/** A procfs/sysfs file's text without the trailing newline, or undefined when it does not exist or cannot be read. */
export function readProcText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\n$/, '');
  } catch {
    return undefined;
  }
}

/** /proc/sys/kernel/seccomp/actions_avail or actions_logged as a list of names (`kill_process`, `errno`…). */
export function readSeccompActionList(which: 'actions_avail' | 'actions_logged'): string[] | undefined {
  const text = readProcText(`/proc/sys/kernel/seccomp/${which}`);
  return text === undefined ? undefined : text.split(/\s+/).filter((w) => w.length > 0);
}
