// SPDX-License-Identifier: Apache-2.0
// Stacked seccomp filters as one program. A process can carry several filters (each seccomp(2)
// call adds one; none is ever removed); for every syscall the kernel runs all of them and keeps
// the most severe result (kernel/seccomp.c seccomp_run_filters()):
//
//     u32 ret = SECCOMP_RET_ALLOW;
//     for (f = current->seccomp.filter; f; f = f->prev)          // most recent first
//         if (ACTION_ONLY(cur = run(f)) < ACTION_ONLY(ret)) ret = cur;
//
// with ACTION_ONLY(r) = (s32)(r & SECCOMP_RET_ACTION_FULL): a SIGNED comparison of the action
// bits, so KILL_PROCESS (0x80000000) beats everything, and on equal action bits (two ERRNOs) the
// more recent filter's value, data included, is kept. `stackVerdict` is that loop over values.
//
// `combineFilters` builds one classic-BPF program with exactly that 32-bit result, so that
// diff / explain / lint / check, which take one program, answer for the whole stack. It is a
// product construction, most recent filter first (P, then Q = the next older one):
//
//   P with every `ret #k` turned into `ja copy_k`, every `ret a` into `ja copy_a`
//   copy_k:  ld #0; ldx #0; Q with `ret #q` → `ret #(the winner of k and q)`, `ret a` → ja tail
//            tail: tax; and #0xffff0000; xor #0x80000000; jge #key(k), keep k, take X
//   copy_a:  st M[m]; ld #0; ldx #0; Q with each return → ja to a tail comparing it with M[m]
//
// key(r) = (r & 0xffff0000) ^ 0x80000000 turns the kernel's signed order into the unsigned order
// BPF jumps compare in. A `ret #k` whose action bits are KILL_PROCESS's needs no copy (nothing
// beats it). Every copy starts with A = X = 0, as a fresh filter does; scratch memory needs no
// reset, since a valid program never reads a cell it did not write (the kernel's
// check_load_and_stores guarantees it), and a copy of Q only ever reads Q's cells or the stash
// cell M[m], which Q does not use. Instructions are never inserted inside P or Q (each `ret` is
// replaced by one jump), so their jumps are unchanged; the result is validated before it is
// returned, like any foreign program.
//
// Refused (with a diagnostic), because no exact single program is built:
//   - a filter with `div x` when another filter can return a value as severe as KILL_THREAD
//     other than 0 itself (a division by zero ends the whole program with 0 — KILL_THREAD — while
//     the kernel would still let the other filter's KILL_PROCESS win);
//   - a `ret a` before a filter that uses all 16 scratch cells (no cell to stash A in);
//   - more than BPF_MAXINSNS (4096) instructions in the result.
// Platform-neutral (no node:*): it lives here beside the dump that needs it.

import type { Instruction, Program } from '../bpf/instruction.js';
import { insn } from '../bpf/instruction.js';
import {
  BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JGE, BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_LDX,
  BPF_MAXINSNS, BPF_MEM, BPF_MISC, BPF_RET, BPF_A, BPF_ST, BPF_TAX, BPF_TXA, BPF_X, BPF_XOR, opcode,
} from '../bpf/opcodes.js';
import { validate } from '../bpf/validate.js';
import type { Result } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';

export const SECCOMP_RET_ALLOW = 0x7fff_0000;

/** The kernel's order of results as an unsigned number: lower = more severe (see the header). */
export function severityKey(value: number): number {
  return ((value & 0xffff_0000) ^ 0x8000_0000) >>> 0;
}

/** What the kernel returns for a syscall given each filter's result, listed most recent first. */
export function stackVerdict(resultsMostRecentFirst: readonly number[]): number {
  let ret = SECCOMP_RET_ALLOW;
  for (const cur of resultsMostRecentFirst) if (severityKey(cur) < severityKey(ret)) ret = cur >>> 0;
  return ret;
}

/** The result when `recent` and `older` compete, the tie going to the more recent. */
function winner(recent: number, older: number): number {
  return severityKey(older) < severityKey(recent) ? older >>> 0 : recent >>> 0;
}

type Ret = { kind: 'k'; k: number } | { kind: 'a' } | undefined;

function retOf(ins: Instruction): Ret {
  const e = opcode(ins.code)?.effect;
  if (e?.kind !== 'ret') return undefined;
  return e.src === 'k' ? { kind: 'k', k: ins.k >>> 0 } : { kind: 'a' };
}

/** Scratch cells a program names. */
function cellsUsed(p: readonly Instruction[]): Set<number> {
  const cells = new Set<number>();
  for (const ins of p) {
    const e = opcode(ins.code)?.effect;
    if (e?.kind === 'st' || e?.kind === 'ld-mem') cells.add(ins.k);
  }
  return cells;
}

const hasDivX = (p: readonly Instruction[]): boolean => p.some((i) => i.code === (BPF_ALU | BPF_DIV | BPF_X));

/** Can `p` return a value at least as severe as KILL_THREAD, other than 0 itself? (`ret a` can return anything.) */
function returnsKillLike(p: readonly Instruction[]): boolean {
  return p.some((ins) => {
    const r = retOf(ins);
    return r !== undefined && (r.kind === 'a' || (severityKey(r.k) <= severityKey(0) && r.k !== 0));
  });
}

const J = (k: number): Instruction => insn(BPF_JMP | BPF_JA, k);
const ACTION_MASK = [insn(BPF_ALU | BPF_AND | BPF_K, 0xffff_0000), insn(BPF_ALU | BPF_XOR | BPF_K, 0x8000_0000)];

/** A copy of `q` whose returns are rewritten by `onRet`, which may ask for a tail (jumped to) instead. */
function copyOf(q: readonly Instruction[], prologue: readonly Instruction[], onRet: (r: NonNullable<Ret>) => Instruction | readonly Instruction[]): Instruction[] {
  const body: Instruction[] = [];
  const tails: Array<{ code: readonly Instruction[] }> = [];
  const tailFor = new Map<string, number>();
  const tailStarts: number[] = [];
  q.forEach((ins) => {
    const r = retOf(ins);
    if (!r) return void body.push(ins);
    const out = onRet(r);
    if (!Array.isArray(out)) return void body.push(out as Instruction);
    const key = r.kind === 'a' ? 'a' : `k${r.k}`;
    let t = tailFor.get(key);
    if (t === undefined) {
      t = tails.length;
      tailFor.set(key, t);
      tails.push({ code: out as readonly Instruction[] });
    }
    body.push(insn(0xffff, t)); // placeholder, patched below
  });
  let offset = q.length;
  for (const t of tails) {
    tailStarts.push(offset);
    offset += t.code.length;
  }
  const patched = body.map((ins, i) => (ins.code === 0xffff ? J(tailStarts[ins.k]! - i - 1) : ins));
  return [...prologue, ...patched, ...tails.flatMap((t) => t.code)];
}

/** P (evaluated first, the more recent side) and Q (a valid filter, older) as one program. */
function compose(p: readonly Instruction[], q: readonly Instruction[]): Instruction[] | 'no-cell' {
  const zero = [insn(BPF_LD | BPF_IMM, 0), insn(BPF_LDX | BPF_IMM, 0)];
  // Q's result against a constant k from P: tie to k (P is the more recent).
  const againstConstant = (k: number) => (r: NonNullable<Ret>): Instruction | Instruction[] =>
    r.kind === 'k'
      ? insn(BPF_RET | BPF_K, winner(k, r.k))
      : [insn(BPF_MISC | BPF_TAX), ...ACTION_MASK, insn(BPF_JMP | BPF_JGE | BPF_K, severityKey(k), 0, 1), insn(BPF_RET | BPF_K, k), insn(BPF_MISC | BPF_TXA), insn(BPF_RET | BPF_A)];
  const only = p.length === 1 ? retOf(p[0]!) : undefined;
  if (only?.kind === 'k') return copyOf(q, [], againstConstant(only.k)); // the program starts with A = X = 0

  const constants: number[] = [];
  let retA = false;
  for (const ins of p) {
    const r = retOf(ins);
    if (r?.kind === 'k' && severityKey(r.k) !== 0 && !constants.includes(r.k)) constants.push(r.k);
    if (r?.kind === 'a') retA = true;
  }
  const copies: Instruction[][] = constants.map((k) => copyOf(q, zero, againstConstant(k)));
  if (retA) {
    const used = cellsUsed(q);
    const m = [...Array(16).keys()].find((c) => !used.has(c));
    if (m === undefined) return 'no-cell';
    const n = m === 0 ? 1 : 0; // Q is done when its tail runs: any other cell may be used
    const ldm = insn(BPF_LD | BPF_MEM, m);
    copies.push(copyOf(q, [insn(BPF_ST, m), ...zero], (r) => r.kind === 'k'
      // key(P's A) > key(q) → q wins; else P's value (tie to P)
      ? [ldm, insn(BPF_MISC | BPF_TAX), ...ACTION_MASK, insn(BPF_JMP | BPF_JGT | BPF_K, severityKey(r.k), 0, 1), insn(BPF_RET | BPF_K, r.k), insn(BPF_MISC | BPF_TXA), insn(BPF_RET | BPF_A)]
      : [insn(BPF_ST, n), ...ACTION_MASK, insn(BPF_MISC | BPF_TAX), ldm, ...ACTION_MASK, insn(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 2),
        insn(BPF_LD | BPF_MEM, n), insn(BPF_RET | BPF_A), ldm, insn(BPF_RET | BPF_A)]));
  }
  const starts: number[] = [];
  let at = p.length;
  for (const c of copies) {
    starts.push(at);
    at += c.length;
  }
  const head = p.map((ins, pc) => {
    const r = retOf(ins);
    if (!r) return ins;
    const which = r.kind === 'a' ? copies.length - 1 : constants.indexOf(r.k);
    return which < 0 ? ins : J(starts[which]! - pc - 1);
  });
  return [...head, ...copies.flat()];
}

/**
 * The program whose result is, for every seccomp_data, what the kernel returns for the stack
 * `filtersInInstallOrder` (oldest first, as they were installed). One filter is returned as is.
 */
export function combineFilters(filtersInInstallOrder: readonly Program[]): Result<Program> {
  const n = filtersInInstallOrder.length;
  if (n === 0) return { diagnostics: [diag('stackEmpty')] };
  if (n === 1) return { value: filtersInInstallOrder[0]!, diagnostics: [] };
  const recentFirst = [...filtersInInstallOrder].reverse();
  for (let i = 0; i < n; i++) {
    if (!hasDivX(recentFirst[i]!)) continue;
    const other = recentFirst.findIndex((f, j) => j !== i && returnsKillLike(f));
    if (other >= 0) return { diagnostics: [diag('stackDivision', { filter: n - i, other: n - other })] };
  }
  let acc: readonly Instruction[] = [insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)];
  for (const [i, f] of recentFirst.entries()) {
    const next = compose(acc, f);
    if (next === 'no-cell') return { diagnostics: [diag('stackNoCell', { filter: n - i })] };
    if (next.length > BPF_MAXINSNS) return { diagnostics: [diag('stackTooLong', { count: n, limit: BPF_MAXINSNS, filter: n - i })] };
    acc = next;
  }
  const checked = validate(acc);
  if (!checked.value) return { diagnostics: [diag('stackInvalid', { detail: checked.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') })] };
  return { value: checked.value, diagnostics: [] };
}
