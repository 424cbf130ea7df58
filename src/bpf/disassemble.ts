// SPDX-License-Identifier: Apache-2.0
// Instructions -> text, in bpf_asm-like syntax that ./assemble.ts reads back byte for byte:
//   ld [4]   ldh [k]   ldb [k]   ld [x + k]   ld #len   ld #k   ld M[k]   ldxb 4*([k]&0xf)
//   st M[k]  add #k  add x  neg  tax  txa  ja 12  jeq #k, 6, 14  jset x, 6, 14  ret #k  ret a
// Jump targets are absolute instruction numbers. An instruction that is not classic BPF, or that
// has a field set which its opcode does not read, is printed raw as `.insn code, jt, jf, k`, so
// no input is ever lost. Covers every classic opcode, not only what seccomp allows (foreign filters).
// Annotations (the text after `;`) come from a caller-supplied Annotator (seccomp/annotate.ts).

import type { Instruction } from './instruction.js';
import { opcode, type Opcode } from './opcodes.js';
import { hex32 } from '../bits.js';

export type Annotator = (ins: Instruction, pc: number) => string | undefined;

/** Immediate operands: small values in decimal, large ones (actions, masks, AUDIT_ARCH) in hex. */
export function formatK(k: number): string {
  return k < 0x1000 ? String(k) : hex32(k);
}

function isCanonical(ins: Instruction, op: Opcode): boolean {
  const e = op.effect;
  const jumpsUnused = e.kind !== 'jmp';
  const kUnused = !op.usesK;
  return !(jumpsUnused && (ins.jt !== 0 || ins.jf !== 0)) && !(kUnused && ins.k !== 0);
}

export function formatRaw(ins: Instruction): string {
  return `.insn ${hex32(ins.code, 4)}, ${ins.jt}, ${ins.jf}, ${hex32(ins.k)}`;
}

/** One instruction as text; `pc` makes jump targets absolute. */
export function formatInstruction(ins: Instruction, pc: number): string {
  const op = opcode(ins.code);
  if (!op || !isCanonical(ins, op)) return formatRaw(ins);
  const e = op.effect;
  const m = op.mnemonic;
  const k = ins.k;
  switch (e.kind) {
    case 'ld-abs': return `${m} [${k}]`;
    case 'ld-ind': return `${m} [x + ${k}]`;
    case 'ld-len': return `${m} #len`;
    case 'ld-imm': return `${m} #${formatK(k)}`;
    case 'ld-mem': return `${m} M[${k}]`;
    case 'ldx-msh': return `${m} 4*([${k}]&0xf)`;
    case 'st': return `${m} M[${k}]`;
    case 'alu': return e.src === 'k' ? `${m} #${formatK(k)}` : `${m} x`;
    case 'neg': return m;
    case 'tax': return m;
    case 'txa': return m;
    case 'ja': return `${m} ${pc + 1 + k}`;
    case 'jmp': {
      const operand = e.src === 'k' ? `#${formatK(k)}` : 'x';
      return `${m} ${operand}, ${pc + 1 + ins.jt}, ${pc + 1 + ins.jf}`;
    }
    case 'ret': return e.src === 'k' ? `${m} #${hex32(k)}` : `${m} a`;
  }
}

export interface ListingOptions {
  readonly annotate?: Annotator;
  /** Extra words for the header line, after the instruction count. */
  readonly title?: string;
}

/** The listing: first line `# N instructions`, then one numbered line per instruction. */
export function disassemble(program: readonly Instruction[], options: ListingOptions = {}): string {
  const width = Math.max(4, String(program.length - 1).length);
  const lines = [`# ${program.length} instruction${program.length === 1 ? '' : 's'}${options.title ? ` ${options.title}` : ''}`];
  program.forEach((ins, pc) => {
    const text = formatInstruction(ins, pc);
    const note = options.annotate?.(ins, pc);
    const head = `${String(pc).padStart(width, '0')}: ${text}`;
    lines.push(note ? `${head.padEnd(width + 30)} ; ${note}` : head);
  });
  return lines.join('\n') + '\n';
}
