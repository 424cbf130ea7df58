// SPDX-License-Identifier: Apache-2.0
// A compiled program → crun's `run.oci.seccomp_bpf_data` annotation (crun(1), "Extensions to
// the OCI specs"): the base64 of the raw sock_filter array crun loads as the container's filter
// instead of generating one from linux.seccomp. The program is syscage's compilation of the
// profile for the target (../compile/profile.ts), in the target's byte order (../bpf/encode.ts).

import type { Endian } from '../arch/arch.js';
import { encode } from '../bpf/encode.js';
import type { Program } from '../bpf/instruction.js';
import { toBase64 } from './base64.js';

export const CRUN_ANNOTATION = 'run.oci.seccomp_bpf_data';

/** The annotation's value. */
export function crunAnnotation(program: Program, endian: Endian): string {
  return toBase64(encode(program, endian));
}
