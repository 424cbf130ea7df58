// SPDX-License-Identifier: Apache-2.0
// The kernel's constant-action cache (kernel/seccomp.c seccomp_is_const_allow(), Linux 5.11+):
// when a filter is attached, the kernel emulates it for every syscall number of the native and
// compat ABIs with only nr and arch known. If that emulation reaches `ret ALLOW` using nothing
// but loads of nr/arch, jumps against constants and `and #k`, the syscall is allowed from a
// bitmap without running the filter. Anything else (a load of an argument or the instruction
// pointer, the X register, ALU other than AND, a `ret` of another value) gives up.
// The kernel runs this on the *original* instructions the user passed (prog->orig_prog).

import type { Instruction } from '../bpf/instruction.js';
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../bpf/opcodes.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from './data.js';
import { actionSpec } from './action.js';

const SECCOMP_RET_ALLOW = actionSpec('ALLOW').ret;

/** Would the kernel serve syscall `nr` of ABI `auditArch` from its cache (always ALLOW)? */
export function isConstantAllow(program: readonly Instruction[], auditArch: number, nr: number): boolean {
  let reg = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, k, jt, jf } = program[pc]!;
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k === SECCOMP_DATA_NR) reg = nr >>> 0;
        else if (k === SECCOMP_DATA_ARCH) reg = auditArch >>> 0;
        else return false;
        break;
      case BPF_RET | BPF_K:
        return k === SECCOMP_RET_ALLOW;
      case BPF_JMP | BPF_JA:
        pc += k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += reg === k ? jt : jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += reg >= k ? jt : jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += reg > k ? jt : jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (reg & k) !== 0 ? jt : jf;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        reg = (reg & k) >>> 0;
        break;
      default:
        return false;
    }
  }
  return false;
}
