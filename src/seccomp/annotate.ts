// SPDX-License-Identifier: Apache-2.0
// The disassembler's seccomp annotator. A forward dataflow pass over the program (jumps only go
// forward, so one pass in pc order sees every way into an instruction) tracks what A holds
// (which seccomp_data word, possibly masked) and what the path so far has proved about arch and
// nr (the true edge of `jeq #AUDIT_ARCH_*` / `jeq #nr`). It then names loads (`args[1].hi`, with
// the argument's name when the syscall is known), compared constants (syscall names per ABI,
// AUDIT_ARCH names, the x32 bit) and return values (`ERRNO(1)`).

import type { Arch, Endian } from '../arch/arch.js';
import { archByAuditArch, ARCHES, syscallName } from '../arch/index.js';
import { syscallSignature } from '../kernel/signatures.js';
import type { Instruction } from '../bpf/instruction.js';
import { opcode } from '../bpf/opcodes.js';
import type { Annotator } from '../bpf/disassemble.js';
import { formatAction } from './action.js';
import { fieldAt, formatField, type Field } from './data.js';
import { hex32 } from '../bits.js';

interface Held {
  readonly k: number;
  readonly mask?: number;
}

interface State {
  readonly a?: Held;
  /** AUDIT_ARCH value proved on every path here. */
  readonly audit?: number;
  /** Syscall number proved on every path here. */
  readonly nr?: number;
}

const UNREACHED: unique symbol = Symbol('unreached');
type Slot = State | typeof UNREACHED;

function sameHeld(x?: Held, y?: Held): boolean {
  return x === y || (x !== undefined && y !== undefined && x.k === y.k && x.mask === y.mask);
}

function merge(x: Slot, y: State): State {
  if (x === UNREACHED) return y;
  return {
    ...(sameHeld(x.a, y.a) && x.a ? { a: x.a } : {}),
    ...(x.audit !== undefined && x.audit === y.audit ? { audit: x.audit } : {}),
    ...(x.nr !== undefined && x.nr === y.nr ? { nr: x.nr } : {}),
  };
}

function auditName(value: number): string | undefined {
  const names = ARCHES.filter((a) => a.auditArch === value >>> 0).map((a) => a.name);
  return names.length ? `AUDIT_ARCH ${names.join('/')}` : undefined;
}

export interface AnnotateOptions {
  /** The ABI the filter is for when it does not check seccomp_data.arch itself. */
  readonly arch?: Arch;
  /** Byte order of the filter (decides which half of a 64-bit field an offset is). */
  readonly endian: Endian;
}

/** AUDIT_ARCH values the program compares seccomp_data.arch with (`jeq #k` on the arch word). */
export function comparedAuditArches(program: readonly Instruction[], endian: Endian): Set<number> {
  const states = flowStates(program, { endian });
  const out = new Set<number>();
  program.forEach((ins, pc) => {
    const s = states[pc];
    const e = opcode(ins.code)?.effect;
    if (s === UNREACHED || s === undefined || !s.a || s.a.mask !== undefined || e?.kind !== 'jmp' || e.src !== 'k') return;
    if (fieldAt(s.a.k, endian)?.field === 'arch') out.add(ins.k);
  });
  return out;
}

function flowStates(program: readonly Instruction[], options: AnnotateOptions): Slot[] {
  const states: Slot[] = new Array<Slot>(program.length + 1).fill(UNREACHED);
  states[0] = options.arch ? { audit: options.arch.auditArch } : {};
  const flow = (pc: number, s: State): void => {
    if (pc >= 0 && pc < states.length) states[pc] = merge(states[pc]!, s);
  };
  for (let pc = 0; pc < program.length; pc++) {
    const s = states[pc]!;
    if (s === UNREACHED) continue;
    const ins = program[pc]!;
    const e = opcode(ins.code)?.effect;
    if (!e) continue;
    switch (e.kind) {
      case 'ld-abs':
        flow(pc + 1, { ...s, a: { k: ins.k } });
        break;
      case 'alu':
        flow(pc + 1, { ...s, ...(e.op === 'and' && e.src === 'k' && s.a && s.a.mask === undefined ? { a: { k: s.a.k, mask: ins.k } } : { a: undefined }) });
        break;
      case 'ld-len': case 'ld-imm': case 'ld-mem': case 'ld-ind': case 'neg': case 'txa':
        flow(pc + 1, e.kind === 'ld-len' || e.kind === 'ld-imm' || e.kind === 'ld-mem' ? (e.dst === 'x' ? s : { ...s, a: undefined }) : { ...s, a: undefined });
        break;
      case 'ja':
        flow(pc + 1 + ins.k, s);
        break;
      case 'jmp': {
        let onTrue: State = s;
        if (e.op === 'jeq' && e.src === 'k' && s.a && s.a.mask === undefined) {
          const f = fieldAt(s.a.k, options.endian);
          if (f?.field === 'arch') onTrue = { ...s, audit: ins.k };
          if (f?.field === 'nr') onTrue = { ...s, nr: ins.k };
        }
        flow(pc + 1 + ins.jt, onTrue);
        flow(pc + 1 + ins.jf, s);
        break;
      }
      case 'ret':
        break;
      default:
        flow(pc + 1, s);
    }
  }
  return states;
}

export function seccompAnnotator(program: readonly Instruction[], options: AnnotateOptions): Annotator {
  const states = flowStates(program, options);
  const archOf = (s: State, nr?: number): Arch | undefined =>
    s.audit !== undefined ? archByAuditArch(s.audit, nr ?? s.nr) : undefined;

  const describeLoad = (f: Field, s: State): string => {
    const base = formatField(f);
    if (f.field !== 'arg' || s.nr === undefined) return base;
    const arch = archOf(s);
    const name = arch && syscallName(arch, s.nr);
    const sig = arch && name ? syscallSignature(arch, name) : undefined;
    const arg = sig?.[f.index];
    if (!name) return base;
    return arg ? `${base}  ${name}(${arg.type} ${arg.name})` : `${base}  ${name}`;
  };

  const describeConstant = (s: State, op: string, k: number): string | undefined => {
    if (!s.a) return undefined;
    const f = fieldAt(s.a.k, options.endian);
    if (!f) return undefined;
    const subject = formatField(f) + (s.a.mask !== undefined ? ` & ${hex32(s.a.mask)}` : '');
    if (f.field === 'arch' && s.a.mask === undefined) return auditName(k) ?? `${subject}: unknown AUDIT_ARCH ${hex32(k)}`;
    if (f.field === 'nr' && s.a.mask === undefined) {
      if (k === 0xffffffff) return 'nr -1 (a tracer skipped the syscall)';
      const arch = archOf(s, k);
      const x32Bit = ARCHES.find((a) => a.nrBit !== 0 && a.auditArch === s.audit)?.nrBit;
      if (x32Bit !== undefined && k === x32Bit && op !== 'jeq') return `${hex32(k)}: __X32_SYSCALL_BIT`;
      const name = arch ? syscallName(arch, k) : undefined;
      const rel = op === 'jgt' ? '> ' : op === 'jge' ? '>= ' : op === 'jset' ? '& ' : '';
      if (name) return `${rel}${name}${arch && s.audit !== undefined && ARCHES.filter((a) => a.auditArch === s.audit).length > 1 ? ` (${arch.name})` : ''}`;
      return arch ? `nr ${k}: no ${arch.name} syscall` : undefined;
    }
    return undefined;
  };

  return (ins, pc) => {
    const s = states[pc];
    if (s === UNREACHED || s === undefined) return 'unreachable';
    const e = opcode(ins.code)?.effect;
    if (!e) return undefined;
    switch (e.kind) {
      case 'ld-abs': {
        const f = fieldAt(ins.k, options.endian);
        return f ? describeLoad(f, s) : undefined;
      }
      case 'ld-len':
        return 'sizeof(struct seccomp_data) = 64';
      case 'jmp':
        return e.src === 'k' ? describeConstant(s, e.op, ins.k) : undefined;
      case 'ret':
        return e.src === 'k' ? formatAction(ins.k) : undefined;
      default:
        return undefined;
    }
  };
}
