// SPDX-License-Identifier: Apache-2.0
// The catalog of diagnostics: one entry per message, with a stable code and a template.
// Codes by stage: SC1xxx profiles, SC2xxx resolve/compile, SC3xxx BPF bytes and validation,
// SC5xxx command line and targets. Codes are never reused; retired codes stay listed.

import type { Diagnostic, Location, Severity } from './diagnostic.js';

interface MessageSpec {
  readonly code: string;
  readonly severity: Severity;
  /** `{name}` placeholders are filled from the arguments. */
  readonly text: string;
  readonly hint?: string;
}

export const messages = {
  // --- SC3xxx: bytes and programs (kernel: net/core/filter.c bpf_check_classic, kernel/seccomp.c seccomp_check_filter)
  emptyInput: { code: 'SC3001', severity: 'error', text: 'the filter is empty: a program has 1 to 4096 instructions', hint: 'pass a file written by seccomp_export_bpf(), bwrap --seccomp or `syscage asm`' },
  lengthNotMultiple: { code: 'SC3002', severity: 'error', text: 'the filter is {bytes} bytes long, not a multiple of 8 (sizeof(struct sock_filter)): {rest} trailing bytes', hint: 'the file is truncated or is not a raw sock_filter array' },
  tooLong: { code: 'SC3003', severity: 'error', text: 'the program has {count} instructions; the kernel accepts at most 4096 (BPF_MAXINSNS)' },
  badOpcode: { code: 'SC3004', severity: 'error', text: 'opcode {code} is not classic BPF', hint: 'the filter may be in the other byte order: try --arch' },
  opcodeNotSeccomp: { code: 'SC3005', severity: 'error', text: '`{mnemonic}` (opcode {code}) is classic BPF but seccomp does not allow it' },
  loadOutOfData: { code: 'SC3006', severity: 'error', text: 'load of offset {k} is outside struct seccomp_data (64 bytes)' },
  loadMisaligned: { code: 'SC3007', severity: 'error', text: 'load of offset {k} is not 32-bit aligned' },
  jumpOutOfRange: { code: 'SC3008', severity: 'error', text: 'jump to instruction {target} is past the end of the {count}-instruction program' },
  lastNotReturn: { code: 'SC3009', severity: 'error', text: 'the last instruction is `{mnemonic}`, not a return: the program could run off its end' },
  divideByZero: { code: 'SC3010', severity: 'error', text: 'division by the constant 0' },
  shiftTooLarge: { code: 'SC3011', severity: 'error', text: 'shift by the constant {k}: the kernel allows 0 to 31' },
  scratchOutOfRange: { code: 'SC3012', severity: 'error', text: 'scratch memory cell M[{k}] does not exist: there are 16 (M[0]..M[15])' },
  scratchUnwritten: { code: 'SC3013', severity: 'error', text: 'M[{k}] is read here but not written on every path into this instruction (the kernel checks this in one linear pass, check_load_and_stores)' },
  emptyListing: { code: 'SC3020', severity: 'error', text: 'the listing has no instructions' },
  asmSyntax: { code: 'SC3021', severity: 'error', text: 'cannot read `{text}`: {reason}' },
  asmUnknownLabel: { code: 'SC3022', severity: 'error', text: 'jump target `{label}` is not a label or instruction number of this listing' },
  asmJumpBackward: { code: 'SC3023', severity: 'error', text: 'jump from {pc} to {target} goes backwards: classic BPF jumps only forward' },
  asmJumpTooFar: { code: 'SC3024', severity: 'error', text: 'conditional jump from {pc} to {target} is {distance} instructions: jt/jf reach at most 255', hint: 'insert a `ja` trampoline' },
  asmDuplicateLabel: { code: 'SC3025', severity: 'error', text: 'label `{label}` is defined twice' },
  asmPcMismatch: { code: 'SC3026', severity: 'error', text: 'line is numbered {given} but is instruction {pc}', hint: 'instruction numbers must count up from 0 without gaps, or be left out' },
  byteOrderUnknown: { code: 'SC3030', severity: 'warning', text: 'the byte order of the filter was guessed as {endian}-endian', hint: 'pass --arch to say which ABI the filter is for' },

  // --- SC2xxx: resolve and compile
  programTooLarge: { code: 'SC2001', severity: 'error', text: 'the program has {count} instructions, {over} over the kernel\'s limit of 4096; instructions per ABI: {costly}', hint: 'drop ABIs the host cannot run, or merge rules with the same action' },

  // --- SC5xxx: command line and targets
  unknownArch: { code: 'SC5001', severity: 'error', text: 'unknown architecture `{name}`', hint: 'use a libseccomp name (x86_64, aarch64, ppc64le…), SCMP_ARCH_*, or a Go name (amd64, arm64…); `syscage arches` lists them' },
  unknownSyscall: { code: 'SC5002', severity: 'error', text: '`{name}` is not a syscall of {arch}', hint: 'give the number instead, or check the spelling against `syscage simulate --table`' },
  badNumber: { code: 'SC5003', severity: 'error', text: '`{text}` is not a {bits}-bit unsigned number', hint: 'write decimal or 0x hex; 64-bit values go up to 0xffffffffffffffff' },
  tooManyArgs: { code: 'SC5004', severity: 'error', text: '{count} syscall arguments given; a syscall has at most 6' },
  readFailed: { code: 'SC5005', severity: 'error', text: 'cannot read {file}: {reason}' },
  writeFailed: { code: 'SC5006', severity: 'error', text: 'cannot write {file}: {reason}' },
  batchLine: { code: 'SC5007', severity: 'error', text: 'batch query is not valid: {reason}' },
  usage: { code: 'SC5008', severity: 'error', text: '{reason}' },
  mixedEndian: { code: 'SC5009', severity: 'error', text: 'ABIs {a} and {b} differ in byte order; one program cannot serve both' },
} as const satisfies Record<string, MessageSpec>;

export type MessageId = keyof typeof messages;

/** Builds a Diagnostic from the catalog, filling `{name}` placeholders from `args`. */
export function diag(id: MessageId, args: Record<string, string | number> = {}, location?: Location): Diagnostic {
  const spec: MessageSpec = messages[id];
  const message = spec.text.replace(/\{(\w+)\}/g, (_, name: string) => String(args[name] ?? `{${name}}`));
  return {
    code: spec.code,
    severity: spec.severity,
    message,
    ...(location ? { location } : {}),
    ...(spec.hint ? { hint: spec.hint } : {}),
  };
}
