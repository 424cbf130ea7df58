// SPDX-License-Identifier: Apache-2.0
// Seccomp actions: the one table mapping the kernel's SECCOMP_RET_* encodings
// (include/uapi/linux/seccomp.h) to names and to libseccomp's SCMP_ACT_* spellings, and how
// the kernel decodes a filter's 32-bit return value (kernel/seccomp.c __seccomp_filter()).

import { hex32 } from '../bits.js';

export type ActionKind = 'KILL_PROCESS' | 'KILL_THREAD' | 'TRAP' | 'ERRNO' | 'USER_NOTIF' | 'TRACE' | 'LOG' | 'ALLOW';

export interface ActionSpec {
  readonly kind: ActionKind;
  /** SECCOMP_RET_* value (the action bits, data 0). */
  readonly ret: number;
  /** libseccomp / Docker spellings, preferred first. */
  readonly scmp: readonly string[];
  /** Does the low 16-bit data mean something to the kernel? */
  readonly hasData: boolean;
  /**
   * Rank among stacked filters, lower wins. The kernel compares ACTION_ONLY(ret) as a signed
   * 32-bit number (seccomp_run_filters), so an unknown action ranks by its raw bits, not as the
   * KILL_PROCESS it behaves like: 0x00010000 beats ERRNO, 0x7ffd0000 loses to it (measured live).
   */
  readonly precedence: number;
}

export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;
/** The kernel caps an ERRNO's data at MAX_ERRNO. */
export const MAX_ERRNO = 4095;

export const ACTIONS: readonly ActionSpec[] = [
  { kind: 'KILL_PROCESS', ret: 0x80000000, scmp: ['SCMP_ACT_KILL_PROCESS'], hasData: false, precedence: 0 },
  { kind: 'KILL_THREAD', ret: 0x00000000, scmp: ['SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL'], hasData: false, precedence: 1 },
  { kind: 'TRAP', ret: 0x00030000, scmp: ['SCMP_ACT_TRAP'], hasData: true, precedence: 2 },
  { kind: 'ERRNO', ret: 0x00050000, scmp: ['SCMP_ACT_ERRNO'], hasData: true, precedence: 3 },
  { kind: 'USER_NOTIF', ret: 0x7fc00000, scmp: ['SCMP_ACT_NOTIFY'], hasData: false, precedence: 4 },
  { kind: 'TRACE', ret: 0x7ff00000, scmp: ['SCMP_ACT_TRACE'], hasData: true, precedence: 5 },
  { kind: 'LOG', ret: 0x7ffc0000, scmp: ['SCMP_ACT_LOG'], hasData: false, precedence: 6 },
  { kind: 'ALLOW', ret: 0x7fff0000, scmp: ['SCMP_ACT_ALLOW'], hasData: false, precedence: 7 },
];

const BY_RET = new Map(ACTIONS.map((a) => [a.ret, a]));
const BY_KIND = new Map(ACTIONS.map((a) => [a.kind, a]));

export interface Action {
  readonly kind: ActionKind;
  /** The low 16 bits of the return value. */
  readonly data: number;
  /** False when the action bits are none the kernel knows: it then kills the process. */
  readonly known: boolean;
}

export function actionSpec(kind: ActionKind): ActionSpec {
  return BY_KIND.get(kind)!;
}

/** How the kernel reads a filter's return value. Unknown actions behave as KILL_PROCESS. */
export function decodeAction(value: number): Action {
  const spec = BY_RET.get((value & SECCOMP_RET_ACTION_FULL) >>> 0);
  const data = value & SECCOMP_RET_DATA;
  return spec ? { kind: spec.kind, data, known: true } : { kind: 'KILL_PROCESS', data, known: false };
}

export function encodeAction(kind: ActionKind, data = 0): number {
  const spec = actionSpec(kind);
  return (spec.ret | (spec.hasData ? data & SECCOMP_RET_DATA : 0)) >>> 0;
}

/** `ALLOW`, `ERRNO(1)`, `TRAP(5)`, `KILL_PROCESS`; unknown actions name the raw value. */
export function formatAction(value: number): string {
  const a = decodeAction(value);
  if (!a.known) return `KILL_PROCESS (unknown action ${hex32(value, 8)})`;
  return actionSpec(a.kind).hasData ? `${a.kind}(${a.data})` : a.kind;
}

/** Parses `ALLOW`, `ERRNO(1)`, `SCMP_ACT_ERRNO(1)`, `KILL`, `trap(3)` into a return value. */
export function parseAction(text: string): number | undefined {
  const m = /^\s*(?:SCMP_ACT_|SECCOMP_RET_)?([A-Z_]+)\s*(?:\(\s*(\d+|0x[0-9a-f]+)\s*\))?\s*$/i.exec(text);
  if (!m) return undefined;
  const name = m[1]!.toUpperCase();
  const kind = (name === 'KILL' ? 'KILL_THREAD' : name === 'NOTIFY' ? 'USER_NOTIF' : name) as ActionKind;
  const spec = BY_KIND.get(kind);
  if (!spec) return undefined;
  if (m[2] === undefined) return spec.ret;
  if (!spec.hasData) return undefined;
  const data = Number(m[2]);
  return data <= SECCOMP_RET_DATA ? encodeAction(kind, data) : undefined;
}
