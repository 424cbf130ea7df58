// SPDX-License-Identifier: Apache-2.0
// Seeded random material for the kernel differential suites: a small PRNG, random valid
// seccomp programs that use every opcode seccomp allows, random seccomp_data, and random
// mutations of programs (mostly invalid ones) for the validator suite.
//
// Program shape. A generated program P is a "body" followed by one final `ret a` (END): every
// exit of the body jumps to END (`ja END`, `ld #k; ja END`, or a conditional jump to END)
// instead of returning, so the kernel differential harness can replace END by a trailer that
// turns the body's A into something observable. The only real returns inside the body are
// `ret #ERRNO(e)` (harmless when the kernel runs them). The body never reads args[5]: the
// harness uses args[5] to select the filter and the observed slice.
//
// Validity is by construction and checked by the caller with validate():
//   - scratch reads follow the kernel's own linear rule (check_load_and_stores): the generator
//     replays that pass while it emits, so it only reads M[k] where the kernel would let it,
//     including the dead code after a `ret` that the kernel treats as reachable;
//   - `div x` is emitted only where X is known non-zero on every run-time path into it (a
//     simple forward must-analysis), or in dead code; division by X = 0 is tested separately;
//   - constants: div by non-zero, shifts < 32, jumps forward and inside the program.

import type { Instruction } from '../../src/bpf/instruction.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT,
  BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MUL, BPF_NEG,
  BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
} from '../../src/bpf/opcodes.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { hi32, join64, lo32 } from '../../src/bits.js';

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32. Small, fast, and the same on every platform.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Uniform in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[this.int(xs.length)]!;
  }

  u64(): bigint {
    return join64(this.u32(), this.u32());
  }

  /** An independent stream, derived from this one and a label (so suites do not shift each other). */
  fork(label: string): Rng {
    let h = this.u32();
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }
}

/** The run's seed: SYSCAGE_SEED (decimal or 0x hex) when set, random otherwise. */
export function runSeed(env: Record<string, string | undefined> = process.env): { seed: number; fromEnv: boolean } {
  const text = env['SYSCAGE_SEED'];
  if (text !== undefined && text.trim() !== '') {
    const v = Number(text.trim());
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new Error(`SYSCAGE_SEED=${text} is not a 32-bit unsigned integer`);
    return { seed: v >>> 0, fromEnv: true };
  }
  return { seed: (Math.random() * 0x1_0000_0000) >>> 0, fromEnv: false };
}

export const hexSeed = (seed: number): string => '0x' + (seed >>> 0).toString(16).padStart(8, '0');

// ---------------------------------------------------------------------------------------------
// seccomp_data on x86_64 (little-endian): the words a body may load. args[5] (56, 60) is the
// harness's and is never read by a body.

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const BODY_LOAD_OFFSETS: readonly number[] = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52];
export const ARGS5_LO = 56;
export const ARGS5_HI = 60;

/**
 * Syscall numbers for gated calls. The filters under test answer every gated call with ERRNO,
 * so the syscall itself never runs — unless the harness or the kernel is broken, and then it
 * must be harmless (we are root). Hence: real syscalls only from a set that ignores its
 * arguments and returns a non-zero value (getpid, getppid, getpgrp, gettid; not getuid, which
 * returns 0 as root and would look like ERRNO(0)), and otherwise numbers that are no syscall
 * on x86_64 (>= 1024, numbers with bit 30 set: x32 is disabled on this kernel, negative
 * numbers incl. -1), which return ENOSYS if they ever get through. The filter sees all of these
 * like any other number (checked on 6.18: a gated ERRNO filter answers x32-numbered calls and
 * nr -1 with its errno). 335/336 (uretprobe, uprobe) are never filtered by the kernel (uretprobe
 * then raises SIGILL, uprobe returns ENXIO) and must not appear.
 */
export const HARMLESS_SYSCALLS: readonly number[] = [39, 110, 111, 186];

export function randomNr(rng: Rng): number {
  const r = rng.int(100);
  if (r < 40) return rng.pick(HARMLESS_SYSCALLS);
  if (r < 60) return rng.range(1024, 0x3fff_ffff);
  if (r < 70) return (0x4000_0000 | rng.int(0x1000)) >>> 0; // x32-numbered
  if (r < 75) return 0xffff_ffff; // -1
  if (r < 85) return (0x8000_0000 | rng.u32()) >>> 0; // negative as int
  return rng.u32() >= 0x400 ? (rng.u32() | 0x400) >>> 0 : 0x400; // any number >= 1024 (bit 10 set)
}

const BASE_WORDS: readonly number[] = [
  0, 1, 2, 3, 4, 7, 8, 12, 24, 31, 32, 63, 64, 0xff, 0x100, 0xfff, 0x1000, 0xffff, 0x10000,
  0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff, 0x5555_5555, 0xaaaa_aaaa,
  AUDIT_ARCH_X86_64, 0x4000_0000, 0x7fff, 0x7f00_0000, 110, 39,
];

/** Interesting 32-bit constants for a program, including every half-word of its test data. */
export function interestingWords(rng: Rng, cases: readonly SeccompData[]): number[] {
  const words = new Set<number>(BASE_WORDS);
  for (let i = 0; i < 6; i++) words.add((1 << rng.int(32)) >>> 0);
  for (let i = 0; i < 4; i++) words.add(rng.u32());
  for (const c of cases) {
    words.add(c.nr >>> 0);
    for (const a of c.args.slice(0, 5)) {
      words.add(hi32(a));
      words.add(lo32(a));
      words.add((lo32(a) + 1) >>> 0);
    }
  }
  return [...words];
}

function randomArg(rng: Rng, shared: readonly bigint[]): bigint {
  const r = rng.int(100);
  if (r < 25 && shared.length > 0) return rng.pick(shared);
  if (r < 35) return BigInt(rng.int(64));
  if (r < 45) return rng.pick([0n, 1n, 0xffff_ffffn, 0x1_0000_0000n, 0x8000_0000_0000_0000n, 0xffff_ffff_ffff_ffffn, 0x7fff_ffff_ffff_ffffn]);
  if (r < 55) return join64(rng.pick(BASE_WORDS), rng.pick(BASE_WORDS));
  if (r < 65) return BigInt(rng.u32());
  return rng.u64();
}

/**
 * `count` seccomp_data records sharing some values (so that equality tests go both ways).
 * args[5] and instruction_pointer are left 0: the harness fills them in.
 */
export function randomCases(rng: Rng, count: number): SeccompData[] {
  const shared = [rng.u64(), BigInt(rng.u32()), join64(rng.u32(), 0)];
  const out: SeccompData[] = [];
  for (let i = 0; i < count; i++) {
    const args = [0, 1, 2, 3, 4].map(() => randomArg(rng, shared));
    out.push({ nr: randomNr(rng), arch: AUDIT_ARCH_X86_64, instructionPointer: 0n, args: [...args, 0n] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The generator.

/** What is known at run time about one path: join = AND (must-information). */
interface RtState {
  readonly anz: boolean; // A != 0
  readonly xnz: boolean; // X != 0
  readonly mnz: number; //  bit k: M[k] != 0
}

function join(a: RtState | null, b: RtState | null): RtState | null {
  if (!a) return b;
  if (!b) return a;
  return { anz: a.anz && b.anz, xnz: a.xnz && b.xnz, mnz: a.mnz & b.mnz };
}

interface Pending {
  code: number;
  k: number;
  jt: number;
  jf: number;
  /** Label targets, resolved at the end: for `ja` in tLabel. */
  tLabel?: number;
  fLabel?: number;
}

const ALU_K_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_XOR];
const JMP_OPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];

class Builder {
  readonly out: Pending[] = [];
  private readonly labelPc = new Map<number, number>();
  private readonly kmask = new Map<number, number>();
  private readonly incoming = new Map<number, RtState[]>();
  private nextLabel = 0;
  /** The kernel's linear `memvalid` at the next instruction. */
  kmem = 0;
  /** Run-time state at the next instruction; null when it is unreachable (dead code). */
  cur: RtState | null = { anz: false, xnz: false, mnz: 0 };
  readonly END: number;

  constructor(private readonly rng: Rng, readonly words: readonly number[]) {
    this.END = this.label();
  }

  label(): number {
    return this.nextLabel++;
  }

  place(l: number): void {
    this.labelPc.set(l, this.out.length);
    this.kmem &= this.kmask.get(l) ?? 0xffff;
    for (const s of this.incoming.get(l) ?? []) this.cur = join(this.cur, s);
  }

  private edge(l: number): void {
    this.kmask.set(l, (this.kmask.get(l) ?? 0xffff) & this.kmem);
    if (this.cur) this.incoming.set(l, [...(this.incoming.get(l) ?? []), this.cur]);
  }

  word(): number {
    return this.rng.pick(this.words);
  }

  emit(code: number, k = 0): void {
    this.out.push({ code, k: k >>> 0, jt: 0, jf: 0 });
    const s = this.cur;
    const set = (p: Partial<RtState>): void => {
      if (s) this.cur = { ...s, ...p };
    };
    const cls = code & 0x07;
    if (code === (BPF_LD | BPF_W | BPF_ABS)) set({ anz: k === 4 });
    else if (code === (BPF_LD | BPF_IMM)) set({ anz: k !== 0 });
    else if (code === (BPF_LDX | BPF_IMM)) set({ xnz: k !== 0 });
    else if (code === (BPF_LD | BPF_W | BPF_LEN)) set({ anz: true });
    else if (code === (BPF_LDX | BPF_W | BPF_LEN)) set({ xnz: true });
    else if (code === (BPF_LD | BPF_MEM)) set({ anz: s ? (s.mnz & (1 << k)) !== 0 : false });
    else if (code === (BPF_LDX | BPF_MEM)) set({ xnz: s ? (s.mnz & (1 << k)) !== 0 : false });
    else if (cls === BPF_ST || cls === BPF_STX) {
      this.kmem |= 1 << k;
      if (s) {
        const nz = cls === BPF_ST ? s.anz : s.xnz;
        set({ mnz: nz ? s.mnz | (1 << k) : s.mnz & ~(1 << k) });
      }
    } else if (cls === BPF_ALU) {
      const op = code & 0xf0;
      if (op === BPF_NEG) { /* -A != 0 iff A != 0 */ }
      else if (op === BPF_OR && (code & BPF_X) === 0) set({ anz: (s?.anz ?? false) || k !== 0 });
      else if (op === BPF_OR) set({ anz: (s?.anz ?? false) || (s?.xnz ?? false) });
      else set({ anz: false });
    } else if (code === (BPF_MISC | BPF_TAX)) set({ xnz: s?.anz ?? false });
    else if (code === (BPF_MISC | BPF_TXA)) set({ anz: s?.xnz ?? false });
  }

  jump(code: number, k: number, t: number, f: number): void {
    this.out.push({ code, k: k >>> 0, jt: 0, jf: 0, tLabel: t, fLabel: f });
    this.edge(t);
    this.edge(f);
    this.kmem = 0xffff;
    this.cur = null;
  }

  ja(l: number): void {
    this.out.push({ code: BPF_JMP | BPF_JA, k: 0, jt: 0, jf: 0, tLabel: l });
    this.edge(l);
    this.kmem = 0xffff;
    this.cur = null;
  }

  /** A real return: no state change for the kernel's pass (the quirk), unreachable after it. */
  ret(k: number): void {
    this.out.push({ code: BPF_RET | BPF_K, k: k >>> 0, jt: 0, jf: 0 });
    this.cur = null;
  }

  /** Resolves labels; undefined if a conditional jump would need more than 255. */
  finish(): Instruction[] | undefined {
    this.place(this.END);
    this.out.push({ code: BPF_RET | BPF_A, k: 0, jt: 0, jf: 0 });
    const prog: Instruction[] = [];
    for (let pc = 0; pc < this.out.length; pc++) {
      const p = this.out[pc]!;
      if (p.tLabel === undefined) {
        prog.push({ code: p.code, jt: p.jt, jf: p.jf, k: p.k });
        continue;
      }
      const t = this.labelPc.get(p.tLabel)! - pc - 1;
      if (p.code === (BPF_JMP | BPF_JA)) {
        prog.push({ code: p.code, jt: 0, jf: 0, k: t });
        continue;
      }
      const f = this.labelPc.get(p.fLabel!)! - pc - 1;
      if (t > 255 || f > 255 || t < 0 || f < 0) return undefined;
      prog.push({ code: p.code, jt: t, jf: f, k: p.k });
    }
    return prog;
  }
}

export interface ProgramOptions {
  /** Body size to aim for (instructions before END). */
  readonly size: number;
  readonly words: readonly number[];
  /** Emit `div x` even where X may be 0 on some path (for the division-by-zero cases). */
  readonly divByAnyX?: boolean;
}

function straight(b: Builder, rng: Rng, opts: ProgramOptions): void {
  const r = rng.int(22);
  switch (r) {
    case 0: case 1: case 2:
      b.emit(BPF_LD | BPF_W | BPF_ABS, rng.pick(BODY_LOAD_OFFSETS));
      return;
    case 3: b.emit(BPF_LD | BPF_IMM, b.word()); return;
    case 4: b.emit(BPF_LDX | BPF_IMM, b.word()); return;
    case 5: b.emit(rng.chance(0.5) ? BPF_LD | BPF_W | BPF_LEN : BPF_LDX | BPF_W | BPF_LEN); return;
    case 6: case 7: {
      const valid = [...Array(16).keys()].filter((k) => b.kmem & (1 << k));
      if (valid.length === 0) { b.emit(BPF_ST, rng.int(16)); return; }
      b.emit(r === 6 ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM, rng.pick(valid));
      return;
    }
    case 8: b.emit(BPF_ST, rng.int(16)); return;
    case 9: b.emit(BPF_STX, rng.int(16)); return;
    case 10: case 11: case 12: {
      const op = rng.pick(ALU_K_OPS);
      let k = b.word();
      if (op === BPF_DIV && k === 0) k = rng.range(1, 0xffff_ffff);
      if (op === BPF_LSH || op === BPF_RSH) k = rng.int(32);
      b.emit(BPF_ALU | op | BPF_K, k);
      return;
    }
    case 13: case 14: case 15: {
      const op = rng.pick(ALU_K_OPS);
      if (op === BPF_DIV && b.cur && !b.cur.xnz && !opts.divByAnyX) {
        // Make X non-zero first, from a constant or (when A is known non-zero) from A.
        if (b.cur.anz && rng.chance(0.5)) b.emit(BPF_MISC | BPF_TAX);
        else if (rng.chance(0.3)) b.emit(BPF_LDX | BPF_W | BPF_LEN);
        else b.emit(BPF_LDX | BPF_IMM, rng.chance(0.5) ? rng.range(1, 0xffff_ffff) : rng.pick(b.words.filter((w) => w !== 0).concat([3])));
      }
      b.emit(BPF_ALU | op | BPF_X);
      return;
    }
    case 16: b.emit(BPF_ALU | BPF_NEG); return;
    case 17: case 18: b.emit(BPF_MISC | BPF_TAX); return;
    case 19: b.emit(BPF_MISC | BPF_TXA); return;
    case 20: // make A non-zero from data: the usual way a divisor is built
      b.emit(BPF_LD | BPF_W | BPF_ABS, rng.pick(BODY_LOAD_OFFSETS));
      b.emit(BPF_ALU | BPF_OR | BPF_K, rng.range(1, 0xffff_ffff) | 1);
      return;
    default:
      b.emit(BPF_LD | BPF_W | BPF_ABS, rng.pick(BODY_LOAD_OFFSETS));
  }
}

function condition(b: Builder, rng: Rng): { code: number; k: number } {
  const op = rng.pick(JMP_OPS);
  return rng.chance(0.35) ? { code: BPF_JMP | op | BPF_X, k: 0 } : { code: BPF_JMP | op | BPF_K, k: b.word() };
}

function sequence(b: Builder, rng: Rng, opts: ProgramOptions, n: number, depth: number): void {
  for (let i = 0; i < n; i++) {
    const r = rng.int(100);
    if (r < 13 && depth < 4) {
      const { code, k } = condition(b, rng);
      const inner = (): number => rng.range(1, Math.max(1, Math.min(12, (n - i) >> 1)));
      if (rng.chance(0.6)) {
        // if / else
        const lt = b.label(), le = b.label(), lend = b.label();
        if (rng.chance(0.5)) b.jump(code, k, lt, le);
        else b.jump(code, k, le, lt);
        b.place(lt);
        sequence(b, rng, opts, inner(), depth + 1);
        b.ja(lend);
        b.place(le);
        sequence(b, rng, opts, inner(), depth + 1);
        b.place(lend);
      } else {
        // if: skip a block
        const lt = b.label(), lend = b.label();
        if (rng.chance(0.5)) b.jump(code, k, lt, lend);
        else b.jump(code, k, lend, lt);
        b.place(lt);
        sequence(b, rng, opts, inner(), depth + 1);
        b.place(lend);
      }
    } else if (r < 17) {
      // exit to the trailer: `ret a`, `ret #k`, or a conditional exit
      const e = rng.int(3);
      if (e === 0) b.ja(b.END);
      else if (e === 1) { b.emit(BPF_LD | BPF_IMM, b.word()); b.ja(b.END); }
      else {
        const { code, k } = condition(b, rng);
        const next = b.label();
        if (rng.chance(0.5)) b.jump(code, k, b.END, next);
        else b.jump(code, k, next, b.END);
        b.place(next);
      }
    } else if (r < 18) {
      // a real return in the middle: ERRNO(e), harmless; the kernel's scratch pass walks on
      b.ret(0x0005_0000 | rng.int(0x1000));
    } else if (r < 20) {
      // jump over a dead block
      const l = b.label();
      b.ja(l);
      sequence(b, rng, opts, rng.range(1, 3), depth + 1);
      b.place(l);
    } else {
      straight(b, rng, opts);
    }
  }
}

/** A random valid program P = body + `ret a` (see the header). */
export function randomProgram(rng: Rng, opts: ProgramOptions): Instruction[] {
  for (;;) {
    const b = new Builder(rng, opts.words);
    sequence(b, rng, opts, opts.size, 0);
    const p = b.finish();
    if (p && p.length <= 250) return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations for the validator suite: small edits that make a program invalid (usually) in
// every way the kernel checks, and some that keep it valid.

/** Codes to try: every classic-BPF code seccomp refuses, some that are not BPF at all, neighbours. */
export const NON_SECCOMP_CODES: readonly number[] = [
  0x94, 0x9c, // mod k, mod x
  0x28, 0x30, // ldh/ldb [k]
  0x40, 0x48, 0x50, // ld/ldh/ldb [x+k]
  0xb1, // ldxb 4*([k]&0xf)
  0x0e, // ret x (not classic BPF)
  0x21, // ldx [k] (seccomp's internal rewrite of ld [k]; not classic BPF)
  0x8c, // neg x
  0x08, 0x10, 0x18, 0x68, 0x70, 0x78, 0x88, 0x90, 0xa0, // other sizes/modes of ld
  0x09, 0x29, 0x41, 0x69, 0x89, 0xa9, 0xb0, // other ldx
  0x0a, 0x0b, 0x12, 0x13, // st/stx with stray bits
  0x0f, 0x17, 0x47, 0x8f, // misc neighbours
  0x1e, 0x26, 0x56, // ret neighbours
  0x0d, 0x4d, 0x55, 0x5d, 0x65, // jmp neighbours (jne, jlt… are eBPF only)
  0xb4, 0xbc, 0xc4, 0xd4, 0xe4, 0xf4, 0xf7, // eBPF-only alu ops and beyond
  0x106, 0x116, 0x8006, 0xff06, 0x0100, 0xffff, // high byte set
];

export const LOAD_OFFSETS_INVALID: readonly number[] = [
  1, 2, 3, 5, 6, 7, 9, 58, 61, 62, 63, 64, 65, 68, 128, 0x1000, 0xffff_f000, 0xffff_f004, 0xffff_f038, 0xffff_fffc, 0x8000_0000,
];

export type Mutation = { readonly kind: string; readonly program: Instruction[] };

function withAt(p: readonly Instruction[], pc: number, ins: Partial<Instruction>): Instruction[] {
  const q = p.slice();
  q[pc] = { ...q[pc]!, ...ins };
  return q;
}

const isJump = (code: number): boolean => (code & 0x07) === BPF_JMP && code !== (BPF_JMP | BPF_JA);

/** One random mutation of a (valid) program. */
export function mutate(rng: Rng, p: readonly Instruction[]): Mutation {
  const n = p.length;
  const pc = rng.int(n);
  const ins = p[pc]!;
  switch (rng.int(19)) {
    case 0: return { kind: 'code-random-u8', program: withAt(p, pc, { code: rng.int(256) }) };
    case 1: return { kind: 'code-random-u16', program: withAt(p, pc, { code: rng.int(0x10000) }) };
    case 2: return { kind: 'code-non-seccomp', program: withAt(p, pc, { code: rng.pick(NON_SECCOMP_CODES) }) };
    case 3: return { kind: 'code-bitflip', program: withAt(p, pc, { code: ins.code ^ (1 << rng.int(8)) }) };
    case 4: { // conditional jump offsets at and around the end
      const j = p.findIndex((x, i) => i >= pc && isJump(x.code));
      const at = j >= 0 ? j : pc;
      const edge = n - at - 1; // jt = edge jumps one past the last instruction
      const v = Math.min(255, Math.max(0, edge + rng.range(-2, 1)));
      const q = withAt(p, at, rng.chance(0.5) ? { jt: v } : { jf: v });
      return { kind: 'jump-cond-offset', program: rng.chance(0.2) ? withAt(q, at, { jt: rng.int(256), jf: rng.int(256) }) : q };
    }
    case 5: { // ja offsets at and around the end
      const v = n - pc - 1 + rng.range(-2, 1);
      return { kind: 'jump-ja-offset', program: withAt(p, pc, { code: BPF_JMP | BPF_JA, k: rng.chance(0.9) ? Math.max(0, v) : 0xffff_ffff, jt: 0, jf: 0 }) };
    }
    case 6: return { kind: 'load-offset', program: withAt(p, pc, { code: BPF_LD | BPF_W | BPF_ABS, k: rng.chance(0.8) ? rng.pick(LOAD_OFFSETS_INVALID) : rng.pick([0, 4, 56, 60]) }) };
    case 7: return { kind: 'div-zero', program: withAt(p, pc, { code: rng.pick([BPF_ALU | BPF_DIV | BPF_K, 0x94]), k: rng.chance(0.8) ? 0 : 1 }) };
    case 8: return { kind: 'shift-k', program: withAt(p, pc, { code: BPF_ALU | rng.pick([BPF_LSH, BPF_RSH]) | BPF_K, k: rng.pick([0, 31, 32, 33, 63, 64, 0xffff_ffff, 0x8000_0000]) }) };
    case 9: return { kind: 'scratch-k', program: withAt(p, pc, { code: rng.pick([BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX]), k: rng.pick([0, 15, 16, 17, 31, 32, 0xffff, 0xffff_ffff]) }) };
    case 10: case 11: { // insert a scratch read somewhere: often unwritten on some path
      const q = p.slice();
      q.splice(pc, 0, { code: rng.pick([BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM]), jt: 0, jf: 0, k: rng.int(16) });
      return { kind: 'insert-scratch-read', program: fixJumps(q, pc) };
    }
    case 12: { // insert a `ret` (the ret-does-not-reset-memvalid quirk), then maybe a read
      const q = p.slice();
      const extra: Instruction[] = [{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 0x0005_0001 }];
      if (rng.chance(0.7)) extra.push({ code: BPF_LD | BPF_MEM, jt: 0, jf: 0, k: rng.int(16) });
      q.splice(pc, 0, ...extra);
      return { kind: 'insert-ret', program: fixJumps(q, pc, extra.length) };
    }
    case 13: { // delete an instruction (jumps may now point past the end; the last may not return)
      if (n < 2) return { kind: 'delete', program: [] };
      const q = p.slice();
      q.splice(pc, 1);
      return { kind: 'delete', program: q };
    }
    case 14: return { kind: 'last-not-ret', program: withAt(p, n - 1, { code: rng.pick([BPF_LD | BPF_IMM, BPF_MISC | BPF_TAX, BPF_JMP | BPF_JA, BPF_ALU | BPF_ADD | BPF_K]), k: 0 }) };
    case 15: { // fields the opcode does not read, set: the kernel ignores them
      const code = ins.code;
      const jumps = isJump(code) ? {} : { jt: rng.int(256), jf: rng.int(256) };
      const noK = code === (BPF_RET | BPF_A) || code === (BPF_MISC | BPF_TAX) || code === (BPF_MISC | BPF_TXA) ||
        code === (BPF_ALU | BPF_NEG) || (code & 0x0f) === (BPF_ALU | BPF_X) || (code & 0x0f) === (BPF_JMP | BPF_X) ||
        code === (BPF_LD | BPF_W | BPF_LEN) || code === (BPF_LDX | BPF_W | BPF_LEN);
      return { kind: 'unused-fields', program: withAt(p, pc, { ...jumps, ...(noK ? { k: rng.u32() } : {}) }) };
    }
    case 16: { // swap two instructions
      const a = rng.int(n), c = rng.int(n);
      const q = p.slice();
      [q[a], q[c]] = [q[c]!, q[a]!];
      return { kind: 'swap', program: q };
    }
    case 17: { // a random store removed: reads after it may now be unwritten
      const stores = p.map((x, i) => ((x.code & 0x07) === BPF_ST || (x.code & 0x07) === BPF_STX ? i : -1)).filter((i) => i >= 0);
      if (stores.length === 0) return { kind: 'unstore', program: p.slice() };
      return { kind: 'unstore', program: withAt(p, rng.pick(stores), { code: BPF_MISC | BPF_TAX, k: 0 }) };
    }
    default: { // random field values
      return { kind: 'random-insn', program: withAt(p, pc, { code: rng.pick([rng.int(256), ins.code]), jt: rng.int(256), jf: rng.int(256), k: rng.chance(0.5) ? rng.u32() : rng.int(80) }) };
    }
  }
}

/**
 * After inserting `count` instructions at `at`, jumps from before `at` to at-or-after it grow by
 * `count` (a `ja` whose target was already out of range is left alone; fields stay u8/u32).
 */
function fixJumps(q: Instruction[], at: number, count = 1): Instruction[] {
  const oldLength = q.length - count;
  return q.map((ins, pc) => {
    if (pc >= at) return ins;
    if (ins.code === (BPF_JMP | BPF_JA)) return pc + 1 + ins.k >= at && pc + 1 + ins.k < oldLength ? { ...ins, k: ins.k + count } : ins;
    if (!isJump(ins.code)) return ins;
    const grow = (o: number): number => (pc + 1 + o >= at ? Math.min(255, o + count) : o);
    return { ...ins, jt: grow(ins.jt), jf: grow(ins.jf) };
  });
}
