// SPDX-License-Identifier: Apache-2.0
// Which return values can a program reach for one (arch, nr) when arguments and the instruction
// pointer are unknown? A small abstract interpreter over the kernel's semantics: registers and
// scratch cells hold a constant, a seccomp_data word (optionally AND-ed with a mask) or "unknown";
// every branch on a word narrows what the path knows about it (equal / not equal / a range), so
// the chains compilers emit (`jeq hi; jeq lo`, `jgt; jeq; jgt`) are followed without inventing
// impossible paths. Masks and JSET do not narrow: both ways are taken, which may over-report a
// return value as reachable (never under-report) — `exact` says when that may have happened.
// Used by `check` to sort syscalls into allowed / denied / argument-dependent. Exact regions are
// the business of the analysis issue's partition; this is the cheap per-syscall view.

import type { Endian } from '../arch/arch.js';
import type { Program } from '../bpf/instruction.js';
import { opcode } from '../bpf/opcodes.js';
import { alu, test } from '../bpf/interpret.js';
import { layout } from './data.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from './data.js';

type Val = { readonly c: number } | { readonly w: number; readonly mask?: number } | { readonly u: true };
const UNKNOWN: Val = { u: true };

interface Range { readonly lo: number; readonly hi: number; readonly ne: readonly number[] }

interface St {
  readonly a: Val;
  readonly x: Val;
  readonly mem: readonly Val[];
  readonly facts: ReadonlyMap<number, Range>;
}

export interface Outcomes {
  /** Return values that some path reaches (`ret #k`, or `ret a` with A known). */
  readonly values: ReadonlySet<number>;
  /** Some path returns A computed from unknown data: any value may come out. */
  readonly dynamic: boolean;
  /** False when masks/JSET/ALU on unknown data were involved: `values` may hold unreachable ones. */
  readonly exact: boolean;
  /** The exploration hit its budget: the answer is incomplete. */
  readonly truncated: boolean;
}

const BUDGET = 50_000;

function rangeOf(facts: ReadonlyMap<number, Range>, k: number): Range {
  return facts.get(k) ?? { lo: 0, hi: 0xffffffff, ne: [] };
}

/** Narrows word k by `w op K` being `taken`; undefined when the path is impossible. */
function narrow(facts: ReadonlyMap<number, Range>, k: number, op: string, K: number, taken: boolean): ReadonlyMap<number, Range> | undefined {
  const r = rangeOf(facts, k);
  let { lo, hi } = r;
  let ne = r.ne;
  if (op === 'jeq') {
    if (taken) { if (K < lo || K > hi || ne.includes(K)) return undefined; lo = hi = K; }
    else { if (lo === K && hi === K) return undefined; if (!ne.includes(K)) ne = [...ne, K]; }
  } else if (op === 'jgt') {
    if (taken) lo = Math.max(lo, K + 1); else hi = Math.min(hi, K);
  } else if (op === 'jge') {
    if (taken) lo = Math.max(lo, K); else hi = Math.min(hi, K - 1);
  }
  if (lo > hi) return undefined;
  ne = ne.filter((v) => v >= lo && v <= hi);
  // A range whose every value is excluded is empty (small ranges only).
  if (hi - lo < 64 && ne.length === hi - lo + 1) return undefined;
  const next = new Map(facts);
  next.set(k, { lo, hi, ne });
  return next;
}

function resolve(v: Val, facts: ReadonlyMap<number, Range>): Val {
  if ('w' in v) {
    const r = rangeOf(facts, v.w);
    if (r.lo === r.hi) return { c: v.mask === undefined ? r.lo : (r.lo & v.mask) >>> 0 };
  }
  return v;
}

function key(s: St, pc: number): string {
  const f = [...s.facts].map(([k, r]) => `${k}:${r.lo}-${r.hi}!${r.ne.join('.')}`).join(',');
  return `${pc}|${JSON.stringify(s.a)}|${JSON.stringify(s.x)}|${JSON.stringify(s.mem)}|${f}`;
}

export function outcomes(program: Program, endian: Endian, auditArch: number, nr: number): Outcomes {
  const known = layout({ nr, arch: auditArch, instructionPointer: 0n, args: [] }, endian);
  const le = endian === 'little';
  const values = new Set<number>();
  let dynamic = false;
  let exact = true;
  let visits = 0;
  const seen = new Set<string>();
  // Only instructions with several ways in can be reached twice in the same state.
  const joins = new Uint8Array(program.length);
  program.forEach((ins, pc) => {
    const e = opcode(ins.code)!.effect;
    const to = e.kind === 'ja' ? [pc + 1 + ins.k] : e.kind === 'jmp' ? [pc + 1 + ins.jt, pc + 1 + ins.jf] : e.kind === 'ret' ? [] : [pc + 1];
    for (const t of to) if (t < joins.length && joins[t]! < 2) joins[t] = joins[t]! + 1;
  });
  const stack: Array<[number, St]> = [[0, { a: { c: 0 }, x: { c: 0 }, mem: new Array<Val>(16).fill(UNKNOWN), facts: new Map() }]];

  while (stack.length > 0) {
    if (++visits > BUDGET) return { values, dynamic, exact: false, truncated: true };
    const [pc, s] = stack.pop()!;
    if (joins[pc]! > 1) {
      const k0 = key(s, pc);
      if (seen.has(k0)) continue;
      seen.add(k0);
    }
    const ins = program[pc]!;
    const e = opcode(ins.code)!.effect;
    const next = (st: St, to = pc + 1): void => { stack.push([to, st]); };
    const a = resolve(s.a, s.facts);
    const x = resolve(s.x, s.facts);
    switch (e.kind) {
      case 'ld-abs':
        next({ ...s, a: ins.k === SECCOMP_DATA_NR || ins.k === SECCOMP_DATA_ARCH ? { c: known.getUint32(ins.k, le) } : { w: ins.k } });
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
      case 'neg': next({ ...s, a: 'c' in a ? { c: -a.c >>> 0 } : UNKNOWN }); if (!('c' in a)) exact = false; break;
      case 'alu': {
        const b: Val = e.src === 'k' ? { c: ins.k } : x;
        if ((e.op === 'div' || e.op === 'mod') && e.src === 'x') {
          if ('c' in b && b.c === 0) { values.add(0); break; }
          if (!('c' in b)) { values.add(0); exact = false; }
        }
        if ('c' in a && 'c' in b) {
          next({ ...s, a: { c: alu(e.op, a.c, b.c) } });
        } else if (e.op === 'and' && 'w' in a && a.mask === undefined && 'c' in b) {
          next({ ...s, a: { w: a.w, mask: b.c } });
        } else {
          exact = false;
          next({ ...s, a: UNKNOWN });
        }
        break;
      }
      case 'ja':
        next(s, pc + 1 + ins.k);
        break;
      case 'jmp': {
        const b: Val = e.src === 'k' ? { c: ins.k } : x;
        const tPc = pc + 1 + ins.jt;
        const fPc = pc + 1 + ins.jf;
        if ('c' in a && 'c' in b) {
          next(s, test(e.op, a.c, b.c) ? tPc : fPc);
        } else if ('w' in a && a.mask === undefined && 'c' in b && e.op !== 'jset') {
          const ft = narrow(s.facts, a.w, e.op, b.c, true);
          const ff = narrow(s.facts, a.w, e.op, b.c, false);
          if (ft) next({ ...s, facts: ft }, tPc);
          if (ff) next({ ...s, facts: ff }, fPc);
        } else {
          if ('w' in a && a.mask !== undefined && 'c' in b && e.op === 'jeq' && (b.c & ~a.mask) !== 0) { next(s, fPc); break; }
          exact = false;
          next(s, tPc);
          next(s, fPc);
        }
        break;
      }
      case 'ret':
        if (e.src === 'k') values.add(ins.k);
        else if ('c' in a) values.add(a.c);
        else dynamic = true;
        break;
      case 'ld-ind':
      case 'ldx-msh':
        exact = false;
        next({ ...s, a: UNKNOWN, x: e.kind === 'ldx-msh' ? UNKNOWN : s.x });
        break;
    }
  }
  return { values, dynamic, exact, truncated: false };
}
