// SPDX-License-Identifier: Apache-2.0
// A compiled program → what bubblewrap loads with `--seccomp FD` (bwrap(1)): the raw sock_filter
// array, read from the file descriptor, in the machine's byte order, installed with no filter
// flags and no listener. Returns the bytes and the shell invocation that passes them
// (`bwrap --seccomp 9 9<profile.bpf …`).

import type { Endian } from '../arch/arch.js';
import { encode } from '../bpf/encode.js';
import type { Program } from '../bpf/instruction.js';

/** `path` quoted for a POSIX shell when it needs it. */
export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function bwrapProgram(program: Program, endian: Endian, path: string, fd = 9): { readonly bytes: Uint8Array; readonly invocation: string } {
  return { bytes: encode(program, endian), invocation: `bwrap --seccomp ${fd} ${fd}<${shellQuote(path)} …` };
}
