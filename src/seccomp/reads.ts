// SPDX-License-Identifier: Apache-2.0
// Which seccomp_data words can a program's verdict depend on, for one (arch, nr), and with which
// constants does it compare them? A companion of ./outcomes.ts, over the same kernel semantics:
// nr and arch are known, every other word is unknown, and both ways of a test on unknown data
// are taken (no narrowing — this over-approximates: a path the argument values could never take
// may add a word or a constant, never remove one). A word counts as tested when a jump compares
// it, as loaded or AND-ed with a constant mask; the constants are the jump's `k` (or X when X
// holds a constant). Words that only flow through other ALU operations into a test are tested
// but add no constant. Used by the linter: to know which arguments a verdict reads (pointer
// comparisons) and to pick candidate argument values for witness calls.

import type { Endian } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import { opcode } from '../bpf/opcodes.js';
import { alu, test } from '../bpf/interpret.js';
import { layout, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from './data.js';

/** A register or scratch cell: a constant, a seccomp_data word (maybe masked, maybe transformed), or unknown. */
type Val = { readonly c: number } | { readonly w: number; readonly mask?: number; readonly derived?: true } | { readonly u: true };
const UNKNOWN: Val = { u: true };

export interface WordTests {
  /** Constants the word (or the word AND a mask) is compared with; for JSET, the bits tested. */
  readonly constants: ReadonlySet<number>;
  /** Masks the word is AND-ed with before a test. */
  readonly masks: ReadonlySet<number>;
  /** Program counters of the jumps that test the word. */
  readonly pcs: readonly number[];
}

export interface Reads {
  /** Byte offsets of the seccomp_data words some path loads (nr and arch included). */
  readonly loads: ReadonlySet<number>;
  /** By byte offset: the words some path tests, and how. */
  readonly tests: ReadonlyMap<number, WordTests>;
  /** Some path loads through X (`ld [x + k]`) with X unknown: any word may be read. */
  readonly indirect: boolean;
  /** The exploration hit its budget: the answer is incomplete. */
  readonly truncated: boolean;
}

interface St {
  readonly a: Val;
  readonly x: Val;
  readonly mem: readonly Val[];
}

const BUDGET = 50_000;

export function reads(program: Program, endian: Endian, auditArch: number, nr: number): Reads {
  const known = layout({ nr, arch: auditArch, instructionPointer: 0n, args: [] }, endian);
  const le = endian === 'little';
  const loads = new Set<number>();
  const tests = new Map<number, { constants: Set<number>; masks: Set<number>; pcs: number[] }>();
  let indirect = false;
  let visits = 0;
  const seen = new Set<string>();
  const stack: Array<[number, St]> = [[0, { a: { c: 0 }, x: { c: 0 }, mem: new Array<Val>(16).fill(UNKNOWN) }]];
  const tested = (w: number, pc: number, k?: number, mask?: number): void => {
    let t = tests.get(w);
    if (!t) tests.set(w, (t = { constants: new Set(), masks: new Set(), pcs: [] }));
    if (k !== undefined) t.constants.add(k >>> 0);
    if (mask !== undefined) t.masks.add(mask >>> 0);
    if (!t.pcs.includes(pc)) t.pcs.push(pc);
  };

  while (stack.length > 0) {
    if (++visits > BUDGET) return { loads, tests: sorted(tests), indirect, truncated: true };
    const [pc, s] = stack.pop()!;
    const k0 = `${pc}|${JSON.stringify(s)}`;
    if (seen.has(k0)) continue;
    seen.add(k0);
    const ins = program[pc]!;
    const e = opcode(ins.code)!.effect;
    const next = (st: St, to = pc + 1): void => { stack.push([to, st]); };
    switch (e.kind) {
      case 'ld-abs': {
        const w = ins.k & ~3;
        loads.add(w);
        next({ ...s, a: w === SECCOMP_DATA_NR || w === SECCOMP_DATA_ARCH ? { c: known.getUint32(w, le) } : { w } });
        break;
      }
      case 'ld-ind':
      case 'ldx-msh':
        indirect = true;
        next({ ...s, a: UNKNOWN, x: e.kind === 'ldx-msh' ? UNKNOWN : s.x });
        break;
      case 'ld-len':
        next(e.dst === 'a' ? { ...s, a: { c: 64 } } : { ...s, x: { c: 64 } });
        break;
      case 'ld-imm':
        next(e.dst === 'a' ? { ...s, a: { c: ins.k } } : { ...s, x: { c: ins.k } });
        break;
      case 'ld-mem':
        next(e.dst === 'a' ? { ...s, a: s.mem[ins.k]! } : { ...s, x: s.mem[ins.k]! });
        break;
      case 'st': {
        const mem = s.mem.slice();
        mem[ins.k] = e.src === 'a' ? s.a : s.x;
        next({ ...s, mem });
        break;
      }
      case 'tax': next({ ...s, x: s.a }); break;
      case 'txa': next({ ...s, a: s.x }); break;
      case 'neg': next({ ...s, a: 'c' in s.a ? { c: -s.a.c >>> 0 } : 'w' in s.a ? { w: s.a.w, derived: true } : UNKNOWN }); break;
      case 'alu': {
        const b: Val = e.src === 'k' ? { c: ins.k } : s.x;
        // Division by a zero X ends the program (it returns 0); by an unknown X, both may happen.
        if ((e.op === 'div' || e.op === 'mod') && 'c' in b && b.c === 0) break;
        if ('c' in s.a && 'c' in b) next({ ...s, a: { c: alu(e.op, s.a.c, b.c) } });
        else if (e.op === 'and' && 'w' in s.a && !s.a.derived && s.a.mask === undefined && 'c' in b) next({ ...s, a: { w: s.a.w, mask: b.c } });
        else if ('w' in s.a) next({ ...s, a: { w: s.a.w, derived: true } });
        else next({ ...s, a: UNKNOWN });
        break;
      }
      case 'ja':
        next(s, pc + 1 + ins.k);
        break;
      case 'jmp': {
        const b: Val = e.src === 'k' ? { c: ins.k } : s.x;
        const tPc = pc + 1 + ins.jt;
        const fPc = pc + 1 + ins.jf;
        if ('c' in s.a && 'c' in b) {
          next(s, test(e.op, s.a.c, b.c) ? tPc : fPc);
          break;
        }
        if ('w' in s.a) tested(s.a.w, pc, 'c' in b && !s.a.derived ? b.c : undefined, s.a.derived ? undefined : s.a.mask);
        if ('w' in b) tested(b.w, pc);
        next(s, tPc);
        next(s, fPc);
        break;
      }
      case 'ret':
        break;
    }
  }
  return { loads, tests: sorted(tests), indirect, truncated: false };
}

function sorted(tests: Map<number, { constants: Set<number>; masks: Set<number>; pcs: number[] }>): ReadonlyMap<number, WordTests> {
  const asc = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);
  return new Map([...tests].sort((p, q) => p[0] - q[0]).map(([w, t]) => [w, { constants: new Set(asc(t.constants)), masks: new Set(asc(t.masks)), pcs: asc(t.pcs) }]));
}
