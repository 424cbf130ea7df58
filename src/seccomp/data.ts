// SPDX-License-Identifier: Apache-2.0
// struct seccomp_data (include/uapi/linux/seccomp.h) as the filter sees it: nr (u32) at 0,
// arch (u32) at 4, instruction_pointer (u64) at 8, args[6] (u64) at 16 + 8i, each in the ABI's
// byte order. On little-endian ABIs an argument's low word is at its offset and the high word
// at +4; on big-endian ABIs the other way round (libseccomp arch_arg_offset_lo/hi).

import type { Endian } from '../arch/arch.js';
import { u64 } from '../bits.js';

export interface SeccompData {
  readonly nr: number;
  readonly arch: number;
  readonly instructionPointer: bigint;
  /** Six 64-bit argument values (missing ones are 0). */
  readonly args: readonly bigint[];
}

export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_ARGS = 16;

export type Half = 'lo' | 'hi';

/** Byte offset of one 32-bit half of a 64-bit field starting at `base`. */
function halfOffset(base: number, half: Half, endian: Endian): number {
  return base + ((half === 'hi') === (endian === 'little') ? 4 : 0);
}

export function argOffset(index: number, half: Half, endian: Endian): number {
  return halfOffset(SECCOMP_DATA_ARGS + 8 * index, half, endian);
}

export function ipOffset(half: Half, endian: Endian): number {
  return halfOffset(SECCOMP_DATA_IP, half, endian);
}

/** What a 32-bit load at byte offset `k` reads. */
export type Field =
  | { readonly field: 'nr' }
  | { readonly field: 'arch' }
  | { readonly field: 'ip'; readonly half: Half }
  | { readonly field: 'arg'; readonly index: number; readonly half: Half };

export function fieldAt(k: number, endian: Endian): Field | undefined {
  if (k === SECCOMP_DATA_NR) return { field: 'nr' };
  if (k === SECCOMP_DATA_ARCH) return { field: 'arch' };
  if (k === SECCOMP_DATA_IP || k === SECCOMP_DATA_IP + 4) {
    return { field: 'ip', half: ipOffset('lo', endian) === k ? 'lo' : 'hi' };
  }
  if (k >= SECCOMP_DATA_ARGS && k < 64 && k % 4 === 0) {
    const index = (k - SECCOMP_DATA_ARGS) >> 3;
    return { field: 'arg', index, half: argOffset(index, 'lo', endian) === k ? 'lo' : 'hi' };
  }
  return undefined;
}

export function formatField(f: Field): string {
  switch (f.field) {
    case 'nr': return 'nr';
    case 'arch': return 'arch';
    case 'ip': return `instruction_pointer.${f.half}`;
    case 'arg': return `args[${f.index}].${f.half}`;
  }
}

/** Lays the data out as the kernel does for an ABI of the given byte order. */
export function layout(data: SeccompData, endian: Endian): DataView {
  const view = new DataView(new ArrayBuffer(64));
  const le = endian === 'little';
  view.setUint32(SECCOMP_DATA_NR, data.nr >>> 0, le);
  view.setUint32(SECCOMP_DATA_ARCH, data.arch >>> 0, le);
  view.setBigUint64(SECCOMP_DATA_IP, u64(data.instructionPointer), le);
  for (let i = 0; i < 6; i++) view.setBigUint64(SECCOMP_DATA_ARGS + 8 * i, u64(data.args[i] ?? 0n), le);
  return view;
}
