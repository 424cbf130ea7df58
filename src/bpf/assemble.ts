// SPDX-License-Identifier: Apache-2.0
// Text -> instructions: reads the listing ./disassemble.ts writes (so disasm | asm round-trips
// byte for byte) and hand-written programs. Per line: an optional `NNNN:` instruction number
// (checked) or `name:` label, one instruction, an optional `; comment`. Lines starting with `#`
// are comments. Jump targets are absolute instruction numbers or labels. `ret` also takes an
// action by name (`ret ALLOW`, `ret ERRNO(1)`), through a caller-supplied parser.
// Only the syntax is checked here; whether the kernel would load the result is `validate`'s job.

import type { Instruction } from './instruction.js';
import { OPCODES, type Opcode } from './opcodes.js';
import { diag } from '../diagnostics/messages.js';
import type { Diagnostic, Result } from '../diagnostics/diagnostic.js';
import { parseUint } from '../bits.js';

export interface AssembleOptions {
  /** Turns `ALLOW` / `ERRNO(1)` into a return value (seccomp/action.ts parseAction). */
  readonly parseReturn?: (text: string) => number | undefined;
  readonly file?: string;
}

interface Pending {
  readonly line: number;
  readonly column: number;
  readonly text: string;
  readonly op?: Opcode;
  readonly raw?: Instruction;
  readonly k?: number;
  readonly targets?: readonly string[];
}

const LABEL = /^[A-Za-z_.][\w.]*$/;

/** Finds the opcode with this mnemonic and operand shape (the disassembler's spelling). */
function lookup(mnemonic: string, shape: string): Opcode | undefined {
  return OPCODES.find((o) => o.mnemonic === mnemonic && shapeOf(o) === shape);
}

function shapeOf(o: Opcode): string {
  const e = o.effect;
  switch (e.kind) {
    case 'ld-abs': return 'abs';
    case 'ld-ind': return 'ind';
    case 'ld-len': return 'len';
    case 'ld-imm': return 'imm';
    case 'ld-mem': return 'mem';
    case 'ldx-msh': return 'msh';
    case 'st': return 'mem';
    case 'alu': return e.src === 'k' ? 'imm' : 'x';
    case 'neg': case 'tax': case 'txa': return 'none';
    case 'ja': return 'target';
    case 'jmp': return e.src === 'k' ? 'imm-targets' : 'x-targets';
    case 'ret': return e.src === 'k' ? 'imm' : 'a';
  }
}

function num32(text: string): number | undefined {
  const v = parseUint(text, 32);
  return v === undefined ? undefined : Number(v);
}

type Parsed = { op?: Opcode; raw?: Instruction; k?: number; targets?: string[] } | { error: string };

function parseInstruction(body: string, options: AssembleOptions): Parsed {
  const m = /^(\.?[a-z]+)\s*(.*)$/i.exec(body);
  if (!m) return { error: 'expected an instruction' };
  const mnemonic = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  if (mnemonic === '.insn') {
    const parts = rest.split(',').map((s) => s.trim());
    const [code, jt, jf, k] = parts.map(num32);
    if (parts.length !== 4 || code === undefined || jt === undefined || jf === undefined || k === undefined || code > 0xffff || jt > 255 || jf > 255) {
      return { error: '`.insn` takes code (u16), jt (u8), jf (u8), k (u32)' };
    }
    return { raw: { code, jt, jf, k } };
  }
  const parts = rest === '' ? [] : rest.split(',').map((s) => s.trim());
  const operand = parts[0] ?? '';
  const targets = parts.slice(1);
  let shape: string;
  let k = 0;
  let mm: RegExpExecArray | null;
  if (operand === '') shape = 'none';
  else if (operand.toLowerCase() === 'x') shape = 'x';
  else if (operand.toLowerCase() === 'a') shape = 'a';
  else if (operand.toLowerCase() === '#len') shape = 'len';
  else if ((mm = /^M\[\s*(\w+)\s*\]$/i.exec(operand))) {
    shape = 'mem';
    const v = num32(mm[1]!);
    if (v === undefined) return { error: `bad scratch index \`${mm[1]}\`` };
    k = v;
  } else if ((mm = /^\[\s*x\s*\+\s*(\w+)\s*\]$/i.exec(operand))) {
    shape = 'ind';
    const v = num32(mm[1]!);
    if (v === undefined) return { error: `bad offset \`${mm[1]}\`` };
    k = v;
  } else if ((mm = /^4\s*\*\s*\(\s*\[\s*(\w+)\s*\]\s*&\s*0xf\s*\)$/i.exec(operand))) {
    shape = 'msh';
    const v = num32(mm[1]!);
    if (v === undefined) return { error: `bad offset \`${mm[1]}\`` };
    k = v;
  } else if ((mm = /^\[\s*(\w+)\s*\]$/.exec(operand))) {
    shape = 'abs';
    const v = num32(mm[1]!);
    if (v === undefined) return { error: `bad offset \`${mm[1]}\`` };
    k = v;
  } else if (operand.startsWith('#')) {
    shape = 'imm';
    const v = num32(operand.slice(1));
    if (v === undefined) return { error: `\`${operand.slice(1)}\` is not a 32-bit number` };
    k = v;
  } else if (mnemonic === 'ret' && options.parseReturn) {
    const v = options.parseReturn(rest);
    if (v === undefined) return { error: `\`${rest}\` is not a return value or action` };
    return { op: lookup('ret', 'imm')!, k: v, targets: [] };
  } else if (mnemonic === 'ja' && parts.length === 1) {
    shape = 'target';
    targets.unshift(operand);
  } else return { error: `cannot read operand \`${operand}\`` };

  if (targets.length === 2) shape = shape === 'imm' ? 'imm-targets' : shape === 'x' ? 'x-targets' : shape;
  const op = lookup(mnemonic, shape);
  if (!op) return { error: `\`${mnemonic}\` does not take ${describeShape(shape)}` };
  const wanted = shape === 'target' ? 1 : shape.endsWith('targets') ? 2 : 0;
  if (targets.length !== wanted) return { error: `\`${mnemonic}\` takes ${wanted} jump target${wanted === 1 ? '' : 's'}` };
  return { op, k, targets };
}

function describeShape(shape: string): string {
  return ({ none: 'no operand', x: 'x', a: 'a', len: '#len', mem: 'M[k]', ind: '[x + k]', msh: '4*([k]&0xf)', abs: '[k]', imm: '#k', target: 'a jump target', 'imm-targets': '#k with jump targets', 'x-targets': 'x with jump targets' } as Record<string, string>)[shape] ?? shape;
}

export function assemble(text: string, options: AssembleOptions = {}): Result<Instruction[]> {
  const diagnostics: Diagnostic[] = [];
  const pending: Pending[] = [];
  const labels = new Map<string, number>();
  const loc = (line: number, column: number) => ({ kind: 'text' as const, line, column, ...(options.file ? { file: options.file } : {}) });

  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1;
    let body = rawLine;
    const semi = body.indexOf(';');
    if (semi >= 0) body = body.slice(0, semi);
    if (/^\s*#/.test(body)) return;
    let column = body.length - body.trimStart().length + 1;
    body = body.trim();
    if (body === '') return;
    const lm = /^([\w.]+)\s*:\s*/.exec(body);
    if (lm) {
      const name = lm[1]!;
      if (/^\d+$/.test(name)) {
        if (Number(name) !== pending.length) diagnostics.push(diag('asmPcMismatch', { given: Number(name), pc: pending.length }, loc(line, column)));
      } else if (LABEL.test(name)) {
        if (labels.has(name)) diagnostics.push(diag('asmDuplicateLabel', { label: name }, loc(line, column)));
        labels.set(name, pending.length);
      } else {
        diagnostics.push(diag('asmSyntax', { text: body, reason: 'bad label' }, loc(line, column)));
        return;
      }
      column += lm[0].length;
      body = body.slice(lm[0].length).trim();
      if (body === '') return;
    }
    const parsed = parseInstruction(body, options);
    if ('error' in parsed) {
      diagnostics.push(diag('asmSyntax', { text: body, reason: parsed.error }, loc(line, column)));
      return;
    }
    pending.push({ line, column, text: body, ...parsed });
  });

  if (pending.length === 0 && diagnostics.length === 0) diagnostics.push(diag('emptyListing'));

  const program: Instruction[] = [];
  pending.forEach((p, pc) => {
    if (p.raw) {
      program.push(p.raw);
      return;
    }
    const resolved: number[] = [];
    for (const t of p.targets ?? []) {
      const target = /^\d+$/.test(t) ? Number(t) : labels.get(t);
      if (target === undefined) {
        diagnostics.push(diag('asmUnknownLabel', { label: t }, loc(p.line, p.column)));
        resolved.push(pc + 1);
      } else if (target <= pc) {
        diagnostics.push(diag('asmJumpBackward', { pc, target }, loc(p.line, p.column)));
        resolved.push(pc + 1);
      } else resolved.push(target);
    }
    const e = p.op!.effect;
    if (e.kind === 'ja') {
      program.push({ code: p.op!.code, jt: 0, jf: 0, k: (resolved[0]! - pc - 1) >>> 0 });
    } else if (e.kind === 'jmp') {
      const [t, f] = resolved.map((r) => r - pc - 1) as [number, number];
      for (const d of [t, f]) {
        if (d > 255) diagnostics.push(diag('asmJumpTooFar', { pc, target: pc + 1 + d, distance: d }, loc(p.line, p.column)));
      }
      program.push({ code: p.op!.code, jt: Math.min(t, 255), jf: Math.min(f, 255), k: p.k ?? 0 });
    } else {
      program.push({ code: p.op!.code, jt: 0, jf: 0, k: p.k ?? 0 });
    }
  });
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { value: program, diagnostics };
}
