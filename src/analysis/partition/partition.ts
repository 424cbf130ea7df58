// SPDX-License-Identifier: Apache-2.0
// The decision space of a program: symbolic execution of a seccomp filter over the kernel's
// semantics (the cBPF interpreter of ../../bpf/interpret.ts: A, X and 16 scratch cells, u32
// arithmetic, forward jumps, division by X == 0 returning 0) splits a starting region of
// seccomp_data into regions on which the return value is constant. Each path of the program is
// one region; a branch the region cannot take is cut, so the regions are exactly the feasible
// paths. Tests on a word or a masked word are exact (./word-set.ts). Tests on computed values
// are kept as opaque tests (./region.ts): the region is still a precise description, but its
// leaf is not exact. A path that returns A computed from data has no constant value. When the
// exploration budget runs out, every unexplored state becomes a leaf of unknown value, so the
// leaves always cover the starting region, and `complete` says whether the answer is whole.
// Programs are taken as validated (../../bpf/validate.ts): every opcode is one seccomp accepts.

import type { Program } from '../../bpf/instruction.js';
import type { JumpOp } from '../../bpf/opcodes.js';
import { opcode } from '../../bpf/opcodes.js';
import { test } from '../../bpf/interpret.js';
import { aluSym, maskedWord, negSym, sameSym, word, wordsOf, type Sym } from './expr.js';
import { constrainRegion, withOpaque, type Region } from './region.js';
import { SearchBudgetExceeded, type CmpOp } from './word-set.js';

export type UnknownReason =
  /** The path returns A computed from seccomp_data. */
  | 'data'
  /** The exploration budget ran out before this state was finished. */
  | 'budget'
  /** Deciding whether a branch can be taken took too long. */
  | 'search';

export interface Leaf {
  readonly region: Region;
  /** The return value on the whole region, when it is one constant. */
  readonly value?: number;
  readonly unknown?: UnknownReason;
  /** For 'data': what the path returns. */
  readonly returns?: Sym;
  /** The pc of the `ret` (or where exploration stopped). */
  readonly pc: number;
}

export interface Partition {
  readonly leaves: readonly Leaf[];
  /** Every leaf has a constant value and no opaque test: the partition is exact. */
  readonly exact: boolean;
  /** No state was left unexplored. */
  readonly complete: boolean;
  /** Instructions executed symbolically. */
  readonly steps: number;
}

export interface PartitionOptions {
  /** Symbolic instruction steps before the exploration stops (default 500,000: about two seconds; real filters take a few thousand). */
  readonly budget?: number;
  /** Told of every load and test on a feasible path (once per path that reaches it). */
  readonly observer?: Observer;
}

export interface Observer {
  /** `ld [offset]` at `pc`. */
  load?(offset: number, pc: number): void;
  /**
   * A jump at `pc` tests the word at `offset`: against constant `k` (for jset, the bits tested)
   * after AND-ing it with `mask` (0xffffffff: the whole word), or, when the word only flows into
   * the test through other arithmetic, with neither.
   */
  test?(offset: number, pc: number, k?: number, mask?: number): void;
}

function observeTest(o: Observer, pc: number, l: Sym, r: Sym): void {
  const lw = maskedWord(l);
  const rw = maskedWord(r);
  if (lw && typeof r === 'number') return o.test!(lw.offset, pc, r, lw.mask);
  if (rw && typeof l === 'number') return o.test!(rw.offset, pc, l, rw.mask);
  for (const w of wordsOf(l, wordsOf(r))) o.test!(w, pc);
}

interface State {
  readonly pc: number;
  readonly a: Sym;
  readonly x: Sym;
  readonly mem: readonly Sym[];
  readonly region: Region;
}

export const PARTITION_BUDGET = 500_000;

type Branch = { readonly region: Region; readonly taken: boolean };

/** The regions where `(l op r)` is true and where it is false (either may be missing). */
function branch(region: Region, op: JumpOp, l: Sym, r: Sym): Branch[] {
  const out: Branch[] = [];
  const lw = maskedWord(l);
  const rw = maskedWord(r);
  let exact: ((taken: boolean) => Region | undefined) | undefined;
  if (lw && typeof r === 'number') {
    const i = lw.offset >> 2;
    if (op === 'jset') exact = (t) => constrainRegion(region, i, lw.mask & r, 'eq', 0, !t);
    else exact = (t) => constrainRegion(region, i, lw.mask, CMP[op], r, t);
  } else if (rw && typeof l === 'number') {
    // k op (w & m): eq is symmetric; k > w ⇔ !(w >= k); k >= w ⇔ !(w > k)
    const i = rw.offset >> 2;
    if (op === 'jset') exact = (t) => constrainRegion(region, i, rw.mask & l, 'eq', 0, !t);
    else if (op === 'jeq') exact = (t) => constrainRegion(region, i, rw.mask, 'eq', l, t);
    else exact = (t) => constrainRegion(region, i, rw.mask, op === 'jgt' ? 'ge' : 'gt', l, !t);
  }
  if (!exact) {
    // x + c, x - c, x ^ c tested for equality with k: x itself equals a constant
    const inv = op === 'jeq' && typeof r === 'number' ? inverted(l, r) : undefined;
    const iw = inv && maskedWord(inv.sym);
    if (iw) exact = (t) => constrainRegion(region, iw.offset >> 2, iw.mask, 'eq', inv!.k, t);
  }
  if (!exact) {
    // the same test made again on this path has the same outcome
    const same = region.opaque.find((t) => t.op === op && sameSym(t.l, l) && sameSym(t.r, r));
    if (same) return [{ region, taken: same.taken }];
  }
  for (const taken of [true, false]) {
    const next = exact ? exact(taken) : withOpaque(region, { l, op, r, taken });
    if (next) out.push({ region: next, taken });
  }
  return out;
}

/** `e == k` as `inner == k'`, peeling additions, subtractions and xors of constants. */
function inverted(e: Sym, k: number): { sym: Sym; k: number } | undefined {
  let sym = e;
  let v = k >>> 0;
  while (typeof sym !== 'number' && sym.kind === 'alu' && typeof sym.r === 'number' && (sym.op === 'add' || sym.op === 'sub' || sym.op === 'xor')) {
    v = sym.op === 'add' ? (v - sym.r) >>> 0 : sym.op === 'sub' ? (v + sym.r) >>> 0 : (v ^ sym.r) >>> 0;
    sym = sym.l;
  }
  if (typeof sym !== 'number' && sym.kind === 'neg') return inverted(sym.e, -v >>> 0);
  return sym === e ? undefined : { sym, k: v };
}

const CMP: Readonly<Record<Exclude<JumpOp, 'jset'>, CmpOp>> = { jeq: 'eq', jgt: 'gt', jge: 'ge' };

/** Splits `start` by the program's paths (word offsets are byte offsets; what they mean depends on the ABI's byte order). */
export function partition(program: Program, start: Region, options: PartitionOptions = {}): Partition {
  const budget = options.budget ?? PARTITION_BUDGET;
  const observer = options.observer;
  const leaves: Leaf[] = [];
  let exact = true;
  let steps = 0;
  const stack: State[] = [{ pc: 0, a: 0, x: 0, mem: ZERO_MEM, region: start }];
  const leaf = (l: Leaf) => {
    if (l.value === undefined || l.region.opaque.length > 0) exact = false;
    leaves.push(l);
  };

  while (stack.length > 0) {
    const s = stack.pop()!;
    if (++steps > budget) {
      leaf({ region: s.region, unknown: 'budget', pc: s.pc });
      for (const t of stack.splice(0)) leaf({ region: t.region, unknown: 'budget', pc: t.pc });
      return { leaves, exact: false, complete: false, steps: steps - 1 };
    }
    const ins = program[s.pc]!;
    const e = opcode(ins.code)!.effect;
    const go = (st: Partial<State>, pc = s.pc + 1) => stack.push({ ...s, ...st, pc });
    switch (e.kind) {
      case 'ld-abs': observer?.load?.(ins.k, s.pc); go({ a: word(ins.k) }); break;
      case 'ld-len': go(e.dst === 'a' ? { a: 64 } : { x: 64 }); break;
      case 'ld-imm': go(e.dst === 'a' ? { a: ins.k } : { x: ins.k }); break;
      case 'ld-mem': go(e.dst === 'a' ? { a: s.mem[ins.k]! } : { x: s.mem[ins.k]! }); break;
      case 'st': {
        const mem = s.mem.slice();
        mem[ins.k] = e.src === 'a' ? s.a : s.x;
        go({ mem });
        break;
      }
      case 'tax': go({ x: s.a }); break;
      case 'txa': go({ a: s.x }); break;
      case 'neg': go({ a: negSym(s.a) }); break;
      case 'alu': {
        const b = e.src === 'k' ? ins.k : s.x;
        if ((e.op === 'div' || e.op === 'mod') && e.src === 'x') {
          if (b === 0) { leaf({ region: s.region, value: 0, pc: s.pc }); break; }
          if (typeof b !== 'number') {
            // the kernel's inserted check: X == 0 ends the program with 0
            let parts: Branch[];
            try { parts = branch(s.region, 'jeq', b, 0); } catch (err) { if (!(err instanceof SearchBudgetExceeded)) throw err; leaf({ region: s.region, unknown: 'search', pc: s.pc }); break; }
            for (const p of parts) {
              if (p.taken) leaf({ region: p.region, value: 0, pc: s.pc });
              else stack.push({ ...s, a: aluSym(e.op, s.a, b), region: p.region, pc: s.pc + 1 });
            }
            break;
          }
        }
        go({ a: aluSym(e.op, s.a, b) });
        break;
      }
      case 'ja': go({}, s.pc + 1 + ins.k); break;
      case 'jmp': {
        const b = e.src === 'k' ? ins.k : s.x;
        const tPc = s.pc + 1 + ins.jt;
        const fPc = s.pc + 1 + ins.jf;
        if (typeof s.a === 'number' && typeof b === 'number') { go({}, test(e.op, s.a, b) ? tPc : fPc); break; }
        if (observer?.test) observeTest(observer, s.pc, s.a, b);
        if (tPc === fPc) { go({}, tPc); break; }
        let parts: Branch[];
        try { parts = branch(s.region, e.op, s.a, b); } catch (err) { if (!(err instanceof SearchBudgetExceeded)) throw err; leaf({ region: s.region, unknown: 'search', pc: s.pc }); break; }
        // push the false branch first so the true branch is explored first (program order of leaves)
        for (const p of parts.reverse()) stack.push({ ...s, region: p.region, pc: p.taken ? tPc : fPc });
        break;
      }
      case 'ret':
        if (e.src === 'k') leaf({ region: s.region, value: ins.k, pc: s.pc });
        else if (typeof s.a === 'number') leaf({ region: s.region, value: s.a, pc: s.pc });
        else leaf({ region: s.region, unknown: 'data', returns: s.a, pc: s.pc });
        break;
      case 'ld-ind':
      case 'ldx-msh':
        // seccomp_check_filter() rejects both: a validated program has none
        leaf({ region: s.region, unknown: 'data', pc: s.pc });
        break;
    }
  }
  return { leaves, exact, complete: true, steps };
}

const ZERO_MEM: readonly Sym[] = Object.freeze(new Array<Sym>(16).fill(0));
