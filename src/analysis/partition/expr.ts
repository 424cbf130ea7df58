// SPDX-License-Identifier: Apache-2.0
// What a register or scratch cell holds during symbolic execution of a seccomp program: a known
// u32 (a plain number), or an expression over the seccomp_data words, built from the program's
// ALU instructions with the kernel's u32 semantics (../../bpf/interpret.ts alu). Expressions of
// the form `word` or `word & mask` become exact word constraints (./word-set.ts); anything else a
// jump tests is kept as an opaque test, evaluated on concrete data only.

import type { AluOp } from '../../bpf/opcodes.js';
import { alu } from '../../bpf/interpret.js';

export type Expr =
  | { readonly kind: 'word'; readonly offset: number }
  | { readonly kind: 'alu'; readonly op: AluOp; readonly l: Sym; readonly r: Sym }
  | { readonly kind: 'neg'; readonly e: Expr };

export type Sym = number | Expr;

export function word(offset: number): Expr {
  return { kind: 'word', offset };
}

/** `l op r`, folded where both are known and where `and` masks nest. */
export function aluSym(op: AluOp, l: Sym, r: Sym): Sym {
  if (typeof l === 'number' && typeof r === 'number') return alu(op, l, r);
  if (op === 'and' && typeof r === 'number' && typeof l !== 'number' && l.kind === 'alu' && l.op === 'and' && typeof l.r === 'number') {
    return { kind: 'alu', op: 'and', l: l.l, r: (l.r & r) >>> 0 };
  }
  if (op === 'and' && r === 0xffffffff) return l;
  if (op === 'and' && r === 0) return 0;
  return { kind: 'alu', op, l, r };
}

export function negSym(v: Sym): Sym {
  return typeof v === 'number' ? -v >>> 0 : { kind: 'neg', e: v };
}

/** `word` or `word & mask`: the word's offset and the mask. */
export function maskedWord(v: Sym): { offset: number; mask: number } | undefined {
  if (typeof v === 'number') return undefined;
  if (v.kind === 'word') return { offset: v.offset, mask: 0xffffffff };
  if (v.kind === 'alu' && v.op === 'and' && typeof v.r === 'number' && typeof v.l !== 'number' && v.l.kind === 'word') {
    return { offset: v.l.offset, mask: v.r };
  }
  return undefined;
}

/** The value on concrete data, read through `read(offset)`; division by zero gives 0, as the program would stop. */
export function evalSym(v: Sym, read: (offset: number) => number): number {
  if (typeof v === 'number') return v;
  switch (v.kind) {
    case 'word': return read(v.offset) >>> 0;
    case 'neg': return -evalSym(v.e, read) >>> 0;
    case 'alu': {
      const r = evalSym(v.r, read);
      if ((v.op === 'div' || v.op === 'mod') && r === 0) return 0;
      return alu(v.op, evalSym(v.l, read), r);
    }
  }
}

export function sameSym(a: Sym, b: Sym): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return false;
  if (a.kind === 'word') return b.kind === 'word' && a.offset === b.offset;
  if (a.kind === 'neg') return b.kind === 'neg' && sameSym(a.e, b.e);
  return b.kind === 'alu' && a.op === b.op && sameSym(a.l, b.l) && sameSym(a.r, b.r);
}

/** Offsets of the words an expression reads. */
export function wordsOf(v: Sym, out = new Set<number>()): Set<number> {
  if (typeof v === 'number') return out;
  if (v.kind === 'word') out.add(v.offset);
  else if (v.kind === 'neg') wordsOf(v.e, out);
  else { wordsOf(v.l, out); wordsOf(v.r, out); }
  return out;
}

/** `(args[0].lo + 0x5)`: for messages, with a namer for words. */
export function formatSym(v: Sym, name: (offset: number) => string): string {
  if (typeof v === 'number') return `0x${v.toString(16)}`;
  switch (v.kind) {
    case 'word': return name(v.offset);
    case 'neg': return `-${formatSym(v.e, name)}`;
    case 'alu': return `(${formatSym(v.l, name)} ${ALU_SIGN[v.op]} ${formatSym(v.r, name)})`;
  }
}

const ALU_SIGN: Readonly<Record<AluOp, string>> = {
  add: '+', sub: '-', mul: '*', div: '/', mod: '%', and: '&', or: '|', xor: '^', lsh: '<<', rsh: '>>',
};
