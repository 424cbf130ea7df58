// SPDX-License-Identifier: Apache-2.0
// Names for argument values, where the syscall's signature says what an argument holds:
// address families (../../kernel/families.ts). One entry per kind of argument; `explain`
// adds flag sets (CLONE_*, PROT_*, …) here.

import { familyName, isFamilyArgument } from '../../kernel/families.js';

/** `AF_ALG` for socket's family 38; undefined when the value has no name. */
export function argValueName(syscall: string, argument: string, value: bigint): string | undefined {
  if (isFamilyArgument(syscall, argument) && value <= 64n) return familyName(Number(value));
  return undefined;
}
