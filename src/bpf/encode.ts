// SPDX-License-Identifier: Apache-2.0
// struct sock_filter[] <-> bytes, in an explicit byte order (the target's, never the host's):
// u16 code, u8 jt, u8 jf, u32 k — 8 bytes per instruction (include/uapi/linux/filter.h).

import type { Endian } from '../arch/arch.js';
import { diag } from '../diagnostics/messages.js';
import type { Result } from '../diagnostics/diagnostic.js';
import type { Instruction } from './instruction.js';

export const SOCK_FILTER_SIZE = 8;

export function encode(program: readonly Instruction[], endian: Endian): Uint8Array {
  const out = new Uint8Array(program.length * SOCK_FILTER_SIZE);
  const view = new DataView(out.buffer);
  const le = endian === 'little';
  program.forEach((ins, i) => {
    const o = i * SOCK_FILTER_SIZE;
    view.setUint16(o, ins.code, le);
    view.setUint8(o + 2, ins.jt);
    view.setUint8(o + 3, ins.jf);
    view.setUint32(o + 4, ins.k, le);
  });
  return out;
}

/** Splits bytes into instructions. Fails only on length; the content is judged by `validate`. */
export function decode(bytes: Uint8Array, endian: Endian): Result<Instruction[]> {
  if (bytes.length === 0) return { diagnostics: [diag('emptyInput')] };
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    return {
      diagnostics: [diag('lengthNotMultiple', { bytes: bytes.length, rest: bytes.length % SOCK_FILTER_SIZE }, { kind: 'byte', offset: bytes.length - (bytes.length % SOCK_FILTER_SIZE) })],
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === 'little';
  const program: Instruction[] = [];
  for (let o = 0; o < bytes.length; o += SOCK_FILTER_SIZE) {
    program.push({ code: view.getUint16(o, le), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, le) });
  }
  return { value: program, diagnostics: [] };
}
