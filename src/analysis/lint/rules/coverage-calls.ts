// SPDX-License-Identifier: Apache-2.0
// Concrete calls for the coverage rules' witnesses. A coverage rule knows which syscall it wants
// permitted or refused; this module finds arguments under which the program really does so: the
// caller's own guesses first (a realistic call), then all zeros, then one argument at a time set to
// each value the program compares that syscall's data with or masks it by (and one either side).
// A syscall whose path never loads an argument is answered by one run. Every Call carries the
// verdict the interpreter returned for it (ctx.verdict, the kernel's semantics), so a witness
// built from it is true by construction; finding none proves nothing and is reported as nothing.

import type { Arch } from '../../../arch/arch.js';
import { syscallNumber } from '../../../arch/index.js';
import { opcode } from '../../../bpf/opcodes.js';
import { formatAction } from '../../../seccomp/action.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_IP, SECCOMP_DATA_NR } from '../../../seccomp/data.js';
import { reads } from '../../partition/per-syscall.js';
import { simulate } from '../../../seccomp/simulate.js';
import { permits, type LintContext, type SyscallView } from '../context.js';
import type { CallPath, Witness } from '../types.js';

/** One call and the program's answer. */
export interface Call {
  readonly arch: Arch;
  readonly name: string;
  readonly nr: number;
  /** Six 64-bit arguments. */
  readonly args: readonly bigint[];
  readonly verdict: number;
}

const WORDS = new WeakMap<object, Map<string, readonly bigint[]>>();

/**
 * The constants the program compares data words with (or masks them by) on some path of this
 * (ABI, nr), and one either side, 0 first (../../../seccomp/reads.ts). When that walk is
 * incomplete (its budget, or a load through X) every jump constant and mask of the program is a
 * candidate.
 */
function candidateWords(ctx: LintContext, arch: Arch, nr: number): readonly bigint[] {
  let perProgram = WORDS.get(ctx.program);
  if (!perProgram) WORDS.set(ctx.program, (perProgram = new Map()));
  const key = `${arch.auditArch}/${nr}`;
  const hit = perProgram.get(key);
  if (hit) return hit;
  const found = new Set<number>([0]);
  const add = (k: number): void => { for (const v of [k, k + 1, k - 1]) if (v >= 0 && v <= 0xffffffff) found.add(v); };
  const r = reads(ctx.program, arch.endian, arch.auditArch, nr);
  if (r.truncated) {
    for (const ins of ctx.program) {
      const e = opcode(ins.code)?.effect;
      if ((e?.kind === 'jmp' && e.src === 'k') || (e?.kind === 'alu' && e.op === 'and' && e.src === 'k')) add(ins.k >>> 0);
    }
  } else {
    for (const t of r.tests.values()) for (const k of [...t.constants, ...t.masks]) add(k);
  }
  const words = [...found].sort((p, q) => p - q).map(BigInt);
  perProgram.set(key, words);
  return words;
}

/**
 * The verdict of (arch, nr) when it cannot depend on the arguments or the instruction pointer:
 * the path taken with them all 0 never loads one (so every value takes the same path). Undefined
 * when it does — then ctx.syscall's view says what the arguments can change. Cheap: one run.
 */
export function constantVerdict(ctx: LintContext, arch: Arch, nr: number): number | undefined {
  let perProgram = CONSTANT.get(ctx.program);
  if (!perProgram) CONSTANT.set(ctx.program, (perProgram = new Map()));
  const key = `${arch.auditArch}/${nr}`;
  if (perProgram.has(key)) return perProgram.get(key);
  const value = runsWithoutArguments(ctx, arch, nr);
  perProgram.set(key, value);
  return value;
}

const CONSTANT = new WeakMap<object, Map<string, number | undefined>>();

function runsWithoutArguments(ctx: LintContext, arch: Arch, nr: number): number | undefined {
  const run = simulate(ctx.program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: [] }, { trace: true });
  for (const pc of run.path ?? []) {
    const ins = ctx.program[pc]!;
    const e = opcode(ins.code)!.effect;
    if (e.kind === 'ld-ind' || e.kind === 'ldx-msh' || (e.kind === 'ld-abs' && ins.k >>> 0 >= SECCOMP_DATA_IP)) return undefined;
  }
  return run.path ? run.value : undefined;
}

/** Calls real programs make, tried first so that a witness looks like one. */
const TYPICAL: Readonly<Record<string, ReadonlyArray<readonly bigint[]>>> = {
  socket: [[2n, 1n, 0n], [10n, 1n, 0n], [1n, 1n, 0n]], // AF_INET, AF_INET6, AF_UNIX; SOCK_STREAM
  socketcall: [[1n, 0n]], // SYS_SOCKET
  io_uring_setup: [[8n, 0x1000n]], // 8 entries, a params struct
};

export function typicalCalls(name: string): ReadonlyArray<readonly bigint[]> {
  return TYPICAL[name] ?? [];
}

function six(args: readonly bigint[]): bigint[] {
  return Array.from({ length: 6 }, (_, i) => args[i] ?? 0n);
}

/** The call exactly as given; undefined when the ABI has no such syscall. */
export function callOf(ctx: LintContext, arch: Arch, name: string, args: readonly bigint[] = []): Call | undefined {
  const nr = ctx.syscall(arch, name)?.nr;
  if (nr === undefined) return undefined;
  const full = six(args);
  return { arch, name, nr, args: full, verdict: ctx.verdict(arch, nr, full) };
}

/**
 * Arguments that pass `check`: the guesses, all zeros, then each guess (and zeros) with one of the
 * first `count` arguments set to each of `words`. Undefined when none passes.
 */
function searchArgs(words: readonly bigint[], count: number, check: (args: readonly bigint[]) => boolean, guesses: ReadonlyArray<readonly bigint[]> = []): readonly bigint[] | undefined {
  const tried = new Set<string>();
  const attempt = (args: readonly bigint[]): boolean => {
    const key = args.join(',');
    if (tried.has(key)) return false;
    tried.add(key);
    return check(args);
  };
  const bases = [...guesses.map(six), six([])];
  for (const base of bases) if (attempt(base)) return base;
  for (const base of bases) {
    for (let i = 0; i < count; i++) {
      for (const w of words) {
        const args = base.slice();
        args[i] = w;
        if (attempt(args)) return args;
      }
    }
  }
  return undefined;
}

/** How many arguments the syscall takes on `arch` (6 when its signature is unknown). */
function argCount(ctx: LintContext, arch: Arch, name: string): number {
  return ctx.signature(arch, name)?.length ?? 6;
}

/** Could some call of the syscall get a verdict that satisfies `want`? (Values may over-report, never under-report.) */
function reachable(view: SyscallView, want: (verdict: number) => boolean): boolean {
  return view.outcomes.dynamic || view.outcomes.truncated || view.values.some(want);
}

/** A call of `name` on `arch` whose verdict satisfies `want`. */
export function findCall(ctx: LintContext, arch: Arch, name: string, want: (verdict: number) => boolean, guesses: ReadonlyArray<readonly bigint[]> = typicalCalls(name)): Call | undefined {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) return undefined;
  const fixed = constantVerdict(ctx, arch, nr);
  if (fixed !== undefined) return want(fixed) ? { arch, name, nr, args: six(guesses[0] ?? []), verdict: fixed } : undefined;
  if (!reachable(ctx.syscall(arch, name)!, want)) return undefined;
  const args = searchArgs(candidateWords(ctx, arch, nr), argCount(ctx, arch, name), (x) => want(ctx.verdict(arch, nr, x)), guesses);
  return args ? { arch, name, nr, args, verdict: ctx.verdict(arch, nr, args) } : undefined;
}

/**
 * One argument list that `a` permits and `b` refuses (the same call on two ABIs, or two calls):
 * the evidence that one is judged more loosely than the other.
 */
export function findLooser(ctx: LintContext, a: { readonly arch: Arch; readonly name: string }, b: { readonly arch: Arch; readonly name: string }, guesses: ReadonlyArray<readonly bigint[]> = typicalCalls(b.name)): { readonly looser: Call; readonly stricter: Call } | undefined {
  const na = syscallNumber(a.arch, a.name);
  const nb = syscallNumber(b.arch, b.name);
  if (na === undefined || nb === undefined) return undefined;
  const ca = constantVerdict(ctx, a.arch, na);
  const cb = constantVerdict(ctx, b.arch, nb);
  if ((ca !== undefined && !permits(ca)) || (cb !== undefined && permits(cb))) return undefined;
  if (ca !== undefined && cb !== undefined) {
    const args = six(guesses[0] ?? []);
    return { looser: { arch: a.arch, name: a.name, nr: na, args, verdict: ca }, stricter: { arch: b.arch, name: b.name, nr: nb, args, verdict: cb } };
  }
  if ((ca === undefined && !reachable(ctx.syscall(a.arch, a.name)!, permits)) || (cb === undefined && !reachable(ctx.syscall(b.arch, b.name)!, (v) => !permits(v)))) return undefined;
  const count = Math.max(argCount(ctx, a.arch, a.name), argCount(ctx, b.arch, b.name));
  const words = [...new Set([...candidateWords(ctx, a.arch, na), ...candidateWords(ctx, b.arch, nb)])].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
  const args = searchArgs(words, count, (x) => permits(ctx.verdict(a.arch, na, x)) && !permits(ctx.verdict(b.arch, nb, x)), guesses);
  if (!args) return undefined;
  return {
    looser: { arch: a.arch, name: a.name, nr: na, args, verdict: ctx.verdict(a.arch, na, args) },
    stricter: { arch: b.arch, name: b.name, nr: nb, args, verdict: ctx.verdict(b.arch, nb, args) },
  };
}

/** For each name, a call `a`'s ABI permits where the same call on `b`'s ABI is refused (the first found). */
export function looserCalls(ctx: LintContext, a: Arch, b: Arch, names: readonly string[]): Array<{ readonly looser: Call; readonly stricter: Call }> {
  const out: Array<{ looser: Call; stricter: Call }> = [];
  for (const name of names) {
    const pair = findLooser(ctx, { arch: a, name }, { arch: b, name });
    if (pair) out.push(pair);
  }
  return out;
}

export function permittedCall(ctx: LintContext, arch: Arch, name: string, guesses: ReadonlyArray<readonly bigint[]> = typicalCalls(name)): Call | undefined {
  return findCall(ctx, arch, name, permits, guesses);
}

export function refusedCall(ctx: LintContext, arch: Arch, name: string, guesses: ReadonlyArray<readonly bigint[]> = typicalCalls(name)): Call | undefined {
  return findCall(ctx, arch, name, (v) => !permits(v), guesses);
}

/** How a call on `arch` reaches the kernel of `host`: i386 calls from a 64-bit x86 process go through int $0x80. */
export function pathOf(arch: Arch, host: Arch | undefined): CallPath {
  return host !== undefined && arch !== host && arch.name === 'x86' && host.name === 'x86_64' ? 'int80' : 'syscall';
}

/** `socket(0x28, 0x1, 0) on x86_64 → ERRNO(1)` (`x86 socket(…) via int $0x80 → …` for the i386 path). */
export function describeCall(ctx: LintContext, call: Call, path: CallPath = pathOf(call.arch, ctx.host)): string {
  const text = ctx.callText(call.arch, call.name, call.args);
  const where = path === 'int80' ? `x86 ${text} via int $0x80` : `${text} on ${call.arch.name}`;
  return `${where} → ${formatAction(call.verdict)}`;
}

/** The witness for `call`, compared with `versus`; `text` is the whole story (default: both calls described). */
export function witnessOf(ctx: LintContext, call: Call, options: { readonly versus?: Call; readonly path?: CallPath; readonly text?: string } = {}): Witness {
  const path = options.path ?? pathOf(call.arch, ctx.host);
  const versus = options.versus;
  const text = options.text ?? (versus ? `${describeCall(ctx, call, path === 'io_uring' ? 'syscall' : path)}, but ${describeCall(ctx, versus)}` : describeCall(ctx, call, path === 'io_uring' ? 'syscall' : path));
  return {
    arch: call.arch.name,
    syscall: call.name,
    nr: call.nr,
    args: call.args,
    ...(path !== 'syscall' ? { path } : {}),
    verdict: call.verdict,
    ...(versus ? { versus: { call: `${versus.arch.name} ${ctx.callText(versus.arch, versus.name, versus.args)}`, verdict: versus.verdict } } : {}),
    text,
  };
}
