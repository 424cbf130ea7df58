// SPDX-License-Identifier: Apache-2.0
// Reads a seccomp filter given on the command line: a raw struct sock_filter array (what
// seccomp_export_bpf(), `bwrap --seccomp` and `syscage compile --format raw` write) or the same
// bytes in base64 (crun's run.oci.seccomp_bpf_data annotation). The byte order comes from
// --arch; without it, the order in which the program validates (little-endian first).

import type { Arch, Endian } from '../arch/arch.js';
import { decode } from '../bpf/encode.js';
import type { Instruction, Program } from '../bpf/instruction.js';
import { validate } from '../bpf/validate.js';
import { diag } from '../diagnostics/messages.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { describeFsError, type Host } from './host.js';

export interface FilterInput {
  readonly instructions?: readonly Instruction[];
  /** Set when the kernel would load it. */
  readonly program?: Program;
  readonly endian: Endian;
  readonly diagnostics: readonly Diagnostic[];
  readonly base64: boolean;
}

const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

function fromBase64(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length === 0 || bytes.includes(0)) return undefined;
  const text = Buffer.from(bytes).toString('latin1');
  if (!BASE64.test(text)) return undefined;
  const out = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  return out.length > 0 && out.length % 8 === 0 ? new Uint8Array(out) : undefined;
}

export function readFilter(host: Host, path: string, arch: Arch | undefined): FilterInput {
  let bytes: Uint8Array;
  const file = path === '-' ? '<stdin>' : path;
  try {
    bytes = host.readFile(path);
  } catch (e) {
    return { endian: 'little', base64: false, diagnostics: [diag('readFailed', { file, reason: describeFsError(e) })] };
  }
  const b64 = fromBase64(bytes);
  if (b64) bytes = b64;
  const located = (ds: readonly Diagnostic[]): Diagnostic[] =>
    ds.map((d) => (d.location?.kind === 'byte' ? { ...d, location: { ...d.location, file } } : d));
  const attempt = (endian: Endian) => {
    const dec = decode(bytes, endian);
    if (!dec.value) return { endian, diagnostics: located(dec.diagnostics) };
    const val = validate(dec.value);
    return { endian, instructions: dec.value, program: val.value, diagnostics: val.diagnostics };
  };
  if (arch) return { ...attempt(arch.endian), base64: !!b64 };
  const little = attempt('little');
  if (little.program || !little.instructions) return { ...little, base64: !!b64 };
  const big = attempt('big');
  if (big.program) return { ...big, base64: !!b64 };
  // Valid in neither order: report the little-endian reading, and say it was a guess.
  return { ...little, base64: !!b64, diagnostics: [diag('byteOrderUnknown', { endian: 'little' }), ...little.diagnostics] };
}
