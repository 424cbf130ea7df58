// SPDX-License-Identifier: Apache-2.0
// Shared by the argument rules: candidate calls built from the program, and witnesses verified
// by the interpreter. Candidates come from what the verdict of one (ABI, syscall) reads
// (../../../seccomp/reads.ts): for every argument word the program tests, its constants, one
// either side and 0; arguments the program never tests stay 0. A search varies one or two
// arguments at a time from a base call, so interactions between two tested arguments are seen
// without the full product. It is a search for evidence, not a proof: a rule reports what it
// finds and says nothing of what it did not.
//
// A Witness is only ever made here, by running the call through ctx.verdict — the kernel's
// semantics over the program the runtime loads — so its verdict is true by construction.

import type { Arch } from '../../../arch/arch.js';
import { join64, U64_MAX } from '../../../bits.js';
import { argOffset } from '../../../seccomp/data.js';
import { reads, type Reads } from '../../partition/per-syscall.js';
import { simulate } from '../../../seccomp/simulate.js';
import type { ArgCondition, ProfileRule } from '../../../resolve/types.js';
import { formatAction, type LintContext, type SyscallView } from '../context.js';
import type { CallPath, Witness } from '../types.js';

const READS = new WeakMap<object, Map<string, Reads>>();

/** What the verdict of `nr` on `arch` reads (memoized per program). */
export function readsOf(ctx: LintContext, arch: Arch, nr: number): Reads {
  let perProgram = READS.get(ctx.program);
  if (!perProgram) READS.set(ctx.program, (perProgram = new Map()));
  const key = `${arch.auditArch}/${nr}`;
  let r = perProgram.get(key);
  if (!r) perProgram.set(key, (r = reads(ctx.program, arch.endian, arch.auditArch, nr)));
  return r;
}

/** The subject's ABIs that its host can run: a section for an ABI the machine cannot run is never reached. */
export function runnableAbis(ctx: LintContext): readonly Arch[] {
  const runnable = ctx.abis.filter((a) => ctx.hostAbis.includes(a));
  return runnable.length > 0 ? runnable : ctx.abis;
}

/** Can the verdict of this syscall change with its arguments (or is the answer unsure)? */
export function dependsOnArguments(view: SyscallView): boolean {
  return view.values.length > 1 || view.outcomes.dynamic || view.outcomes.truncated;
}

/** The jump where two calls of `nr` part ways in the program (for locating a finding in a filter). */
export function divergence(ctx: LintContext, arch: Arch, nr: number, a: readonly bigint[], b: readonly bigint[]): number | undefined {
  const path = (args: readonly bigint[]) => simulate(ctx.program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: pad(args) }, { trace: true }).path ?? [];
  const p = path(a);
  const q = path(b);
  for (let i = 1; i < Math.min(p.length, q.length); i++) if (p[i] !== q[i]) return p[i - 1];
  return undefined;
}

/** The `ret` a call reaches (for locating a finding in a filter). */
export function returnPc(ctx: LintContext, arch: Arch, nr: number, args: readonly bigint[]): number | undefined {
  return simulate(ctx.program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: pad(args) }, { trace: true }).path?.at(-1);
}

/** Constants the program compares with one half of argument `index`. */
export function testedConstants(r: Reads, arch: Arch, index: number, half: 'lo' | 'hi'): readonly number[] {
  return [...(r.tests.get(argOffset(index, half, arch.endian))?.constants ?? [])];
}

/** Does the verdict read argument `index` (either half)? */
export function testsArgument(r: Reads, arch: Arch, index: number): boolean {
  return r.tests.has(argOffset(index, 'lo', arch.endian)) || r.tests.has(argOffset(index, 'hi', arch.endian));
}

/** Candidate low words: 0, and every tested constant with its neighbours. */
export function lowCandidates(constants: Iterable<number>): number[] {
  const out = new Set<number>([0]);
  for (const k of constants) for (const d of [-1, 0, 1]) if (k + d >= 0 && k + d <= 0xffffffff) out.add(k + d);
  return [...out].sort((a, b) => a - b);
}

/** Candidate 64-bit values of argument `index`: the tested low words joined with the tested high words (0 on 32-bit ABIs). */
export function argumentCandidates(r: Reads, arch: Arch, index: number): bigint[] {
  const lo = lowCandidates(testedConstants(r, arch, index, 'lo'));
  const hi = arch.bits === 32 ? [0] : [...new Set([0, ...testedConstants(r, arch, index, 'hi')])];
  const out: bigint[] = [];
  for (const h of hi) for (const l of lo) out.push(join64(h, l));
  return out;
}

/**
 * Argument vectors: `base`, then `base` with one argument, then with two arguments, set to their
 * candidates (at most `cap` vectors). `candidates[i]` empty or absent leaves argument i alone.
 */
export function argumentVectors(base: readonly bigint[], candidates: ReadonlyArray<readonly bigint[] | undefined>, cap = 4096): bigint[][] {
  const out: bigint[][] = [pad(base)];
  const idx = candidates.map((c, i) => (c && c.length > 0 ? i : -1)).filter((i) => i >= 0);
  for (const i of idx) {
    for (const v of candidates[i]!) {
      if (out.length >= cap) return out;
      out.push(withArg(base, i, v));
    }
  }
  for (let p = 0; p < idx.length; p++) {
    for (let q = p + 1; q < idx.length; q++) {
      for (const v of candidates[idx[p]!]!) {
        for (const w of candidates[idx[q]!]!) {
          if (out.length >= cap) return out;
          out.push(withArg(withArg(base, idx[p]!, v), idx[q]!, w));
        }
      }
    }
  }
  return out;
}

export function pad(args: readonly bigint[]): bigint[] {
  return Array.from({ length: 6 }, (_, i) => args[i] ?? 0n);
}

export function withArg(args: readonly bigint[], index: number, value: bigint): bigint[] {
  const out = pad(args);
  out[index] = value;
  return out;
}

/** Does one profile condition hold for `value` as `arch` compares it (32-bit ABIs: low words only; MASKED_EQ's datum pre-masked)? */
export function conditionHolds(c: ArgCondition, value: bigint, arch: Arch): boolean {
  const width = arch.bits === 32 ? 0xffff_ffffn : U64_MAX;
  const v = value & width;
  const a = c.value & width;
  switch (c.op) {
    case 'EQ': return v === a;
    case 'NE': return v !== a;
    case 'LT': return v < a;
    case 'LE': return v <= a;
    case 'GT': return v > a;
    case 'GE': return v >= a;
    case 'MASKED_EQ': return (v & a) === (c.valueTwo & width & a);
  }
}

/** Do all of a rule's conditions hold (the AND the JSON seems to say)? */
export function ruleHolds(rule: Pick<ProfileRule, 'conditions'>, args: readonly bigint[], arch: Arch): boolean {
  return rule.conditions.every((c) => conditionHolds(c, args[c.index] ?? 0n, arch));
}

/** A value that satisfies the condition, where one exists (for building calls a rule matches). */
export function satisfyingValue(c: ArgCondition, arch: Arch): bigint | undefined {
  const width = arch.bits === 32 ? 0xffff_ffffn : U64_MAX;
  const a = c.value & width;
  const tries = c.op === 'MASKED_EQ' ? [c.valueTwo & a] : [a, a + 1n, a - 1n, 0n, width];
  return tries.find((v) => v >= 0n && v <= width && conditionHolds(c, v, arch));
}

/** A call one witness names. */
export interface Call {
  readonly arch: Arch;
  readonly name: string;
  readonly args: readonly bigint[];
  readonly path?: CallPath;
}

/** The filter's verdict for a call (undefined when the ABI has no such syscall). */
export function verdictOfCall(ctx: LintContext, call: Call): number | undefined {
  return ctx.verdictOf(call.arch, call.name, pad(call.args));
}

const PATH_TEXT: Readonly<Record<CallPath, string>> = {
  syscall: '',
  int80: ' (int $0x80 from 64-bit code)',
  io_uring: ' (through io_uring)',
};

/**
 * The witness for `call`, compared with `versus` when given: both verdicts come from the
 * interpreter here. `because` ends the text (`the kernel reads family 0x28 (AF_VSOCK) both times`).
 */
export function witnessOf(ctx: LintContext, call: Call, versus?: Call, because?: string): Witness | undefined {
  const verdict = verdictOfCall(ctx, call);
  const nr = ctx.syscall(call.arch, call.name)?.nr;
  if (verdict === undefined || nr === undefined) return undefined;
  let text = `${ctx.callText(call.arch, call.name, call.args)} on ${call.arch.name}${PATH_TEXT[call.path ?? 'syscall']} → ${formatAction(verdict)}`;
  let other: Witness['versus'];
  if (versus) {
    const v = verdictOfCall(ctx, versus);
    if (v === undefined) return undefined;
    const label = `${ctx.callText(versus.arch, versus.name, versus.args)}${versus.arch === call.arch ? '' : ` on ${versus.arch.name}`}`;
    other = { call: label, verdict: v };
    text += `, but ${label} → ${formatAction(v)}`;
  }
  if (because) text += `: ${because}`;
  return { arch: call.arch.name, syscall: call.name, nr, args: pad(call.args), ...(call.path ? { path: call.path } : {}), verdict, ...(other ? { versus: other } : {}), text };
}

/** `0x28` for a 32-bit word (decimal up to 9, as ctx.callText writes arguments). */
export function wordText(v: number): string {
  return v > 9 ? '0x' + (v >>> 0).toString(16) : String(v);
}

/** `a0 > 40`, `a1 & 0xffffffff == 0x28`: a condition as people read it. */
export function conditionText(c: ArgCondition): string {
  const hex = (v: bigint) => (v > 9n ? '0x' + v.toString(16) : v.toString());
  const sym: Readonly<Record<string, string>> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=' };
  return c.op === 'MASKED_EQ' ? `a${c.index} & ${hex(c.value)} == ${hex(c.valueTwo)}` : `a${c.index} ${sym[c.op]} ${hex(c.value)}`;
}
