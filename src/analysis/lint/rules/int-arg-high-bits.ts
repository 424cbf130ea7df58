// SPDX-License-Identifier: Apache-2.0
// int-arg-high-bits: on a 64-bit ABI the filter sees all 64 bits of every argument register, but
// for an `int` parameter the kernel uses only the low 32 (the SYSCALL_DEFINE wrappers cast the
// register: include/linux/syscalls.h __SC_CAST). A call whose upper half is set is the same call to
// the kernel, yet a 64-bit comparison can judge it differently: `a0 > 40` lets 0x1_0000_0028
// through and the kernel creates an AF_VSOCK socket (measured on Linux 6.18,
// ../shared/reference/kernel-experiments.md §1). libseccomp's SCMP_CMP32 / SCMP_A0_32 emit the
// same 64-bit code and do not help; MASKED_EQ with a mask inside the low 32 bits does.
//
// Worked from the program, so raw filters are judged too: for every (64-bit ABI, syscall) whose
// verdict depends on arguments and every int32 argument the verdict tests (signatures from
// ../../../kernel/signatures.ts), pairs of calls with the same low word — upper half 0 (or all
// ones for a negative int, as a sign-extending caller passes it) against upper half 1 or all
// ones — are run through the interpreter; a pair where the upper-half call gets a less strict
// verdict is the witness. 32-bit ABIs compare low words only and are safe. For profiles the
// finding points at the condition that lets the upper half through (or the deny it dodges).

import type { Arch } from '../../../arch/arch.js';
import { syscallNames } from '../../../arch/index.js';
import { join64, lo32 } from '../../../bits.js';
import { familyName, isFamilyArgument } from '../../../kernel/families.js';
import type { ArgSignature } from '../../../kernel/signatures.js';
import type { ArgCondition } from '../../../resolve/types.js';
import { compareStrictness, formatAction, type LintContext } from '../context.js';
import type { LintRule, Report } from '../types.js';
import { blocksText } from './masked-blocks.js';
import { rulesNaming } from './profile-rules.js';
import {
  argumentCandidates, argumentVectors, conditionHolds, conditionText, dependsOnArguments, divergence, lowCandidates,
  readsOf, runnableAbis, ruleHolds, testedConstants, testsArgument, verdictOfCall, withArg, witnessOf, wordText,
} from './witness-search.js';

const LOW = 0xffff_ffffn;
/** Findings per (syscall, argument), at most: one per distinct low word. */
const MAX_PER_ARGUMENT = 4;

interface Dodge {
  readonly arch: Arch;
  readonly name: string;
  readonly nr: number;
  readonly index: number;
  readonly arg: ArgSignature;
  /** The call whose upper half is set, and its 32-bit twin. */
  readonly high: readonly bigint[];
  readonly plain: readonly bigint[];
  readonly looser: number;
  readonly stricter: number;
}

/** The pairs of calls one (ABI, syscall, int argument) is judged by: per low word, the first dodge found. */
function dodges(ctx: LintContext, arch: Arch, name: string, nr: number, sig: readonly ArgSignature[], index: number): Dodge[] {
  const r = readsOf(ctx, arch, nr);
  const candidates = sig.map((_, j) => (j === index ? lowCandidates(testedConstants(r, arch, index, 'lo')).map(BigInt) : testsArgument(r, arch, j) ? argumentCandidates(r, arch, j) : undefined));
  const out = new Map<number, Dodge>();
  const tried = new Set<string>();
  for (const v of argumentVectors([], candidates)) {
    const low = lo32(v[index]!);
    const key = v.map((a, j) => (j === index ? BigInt(low) : a)).join(',');
    if (out.has(low) || tried.has(key)) continue;
    tried.add(key);
    // The forms a caller passes for this int: zero-extended, or sign-extended when negative.
    const natural = [join64(0, low), ...(low >= 0x8000_0000 ? [join64(0xffff_ffff, low)] : [])];
    const odd = [join64(1, low), ...(low < 0x8000_0000 ? [join64(0xffff_ffff, low)] : [])];
    let plain = withArg(v, index, natural[0]!);
    let best = verdictOfCall(ctx, { arch, name, args: plain })!;
    for (const n of natural.slice(1)) {
      const args = withArg(v, index, n);
      const verdict = verdictOfCall(ctx, { arch, name, args })!;
      if (compareStrictness(verdict, best) > 0) { best = verdict; plain = args; }
    }
    for (const o of odd) {
      const high = withArg(v, index, o);
      const verdict = verdictOfCall(ctx, { arch, name, args: high })!;
      if (compareStrictness(verdict, best) > 0) {
        out.set(low, { arch, name, nr, index, arg: sig[index]!, high, plain, looser: verdict, stricter: best });
        break;
      }
    }
    if (out.size >= MAX_PER_ARGUMENT) break;
  }
  return [...out.values()];
}

/** The profile conditions behind a dodge: the one that lets the upper half through, or the deny it dodges. */
function causes(ctx: LintContext, d: Dodge): Array<{ condition: ArgCondition; side: 'allow' | 'deny' }> {
  const out: Array<{ condition: ArgCondition; side: 'allow' | 'deny' }> = [];
  for (const { rule } of rulesNaming(ctx, d.name)) {
    const on = rule.conditions.filter((c) => c.index === d.index);
    if (rule.action === d.looser && ruleHolds(rule, d.high, d.arch) && !ruleHolds(rule, d.plain, d.arch)) {
      for (const c of on) if (conditionHolds(c, d.high[d.index]!, d.arch) && !conditionHolds(c, d.plain[d.index]!, d.arch)) out.push({ condition: c, side: 'allow' });
    }
    if (rule.action === d.stricter && ruleHolds(rule, d.plain, d.arch) && !ruleHolds(rule, d.high, d.arch)) {
      for (const c of on) if (conditionHolds(c, d.plain[d.index]!, d.arch) && !conditionHolds(c, d.high[d.index]!, d.arch)) out.push({ condition: c, side: 'deny' });
    }
  }
  return out.sort((a, b) => (a.side === b.side ? 0 : a.side === 'allow' ? -1 : 1));
}

/** How to write one condition so the upper half is not tested. */
function conditionFix(c: ArgCondition, side: 'allow' | 'deny'): string {
  const v = c.value & LOW;
  const where = `\`${conditionText(c)}\`${c.pointer !== undefined ? ` (${c.pointer})` : ''}`;
  const masked = (mask: bigint, datum: bigint) => `${where}: write it as SCMP_CMP_MASKED_EQ with value (the mask) 0x${mask.toString(16)} and valueTwo 0x${datum.toString(16)}`;
  const ranges = (list: ReadonlyArray<readonly [bigint, bigint]>) => `${where}: replace its rule by ${blocksText(c.index, list, 32)}, so the upper half is never tested`;
  switch (c.op) {
    case 'EQ': return masked(LOW, v);
    case 'MASKED_EQ': return masked(c.value & LOW, c.valueTwo & c.value & LOW);
    case 'NE': return ranges([...(v > 0n ? [[0n, v - 1n] as const] : []), ...(v < LOW ? [[v + 1n, LOW] as const] : [])]);
    case 'GT': return ranges(v < LOW ? [[v + 1n, LOW]] : []);
    case 'GE': return ranges([[v, LOW]]);
    case 'LT': return side === 'deny' && v > 0n ? ranges([[0n, v - 1n]]) : `${where}: compare the low 32 bits only`;
    case 'LE': return side === 'deny' ? ranges([[0n, v]]) : `${where}: compare the low 32 bits only`;
  }
}

/** The fix when no condition of the profile is behind the comparison (a filter, or a rule libseccomp adds). */
function unwrittenFix(ctx: LintContext, name: string, index: number): string {
  if (ctx.kind === 'filter') return `test only the low word of a${index} (args[${index}].lo), as the kernel reads it, and never its upper half`;
  if (name === 'socketcall' || name === 'ipc') {
    return `the comparison is libseccomp's ${name} companion of the profile's socket or IPC rules, not a condition the profile writes: give \`${name}\` an explicit unconditional rule (ERRNO(ENOSYS)), which overrides every companion`;
  }
  return `the comparison is not a condition the profile writes: compare a${index} with SCMP_CMP_MASKED_EQ and a mask inside the low 32 bits`;
}

function valueText(d: Dodge): string {
  const low = lo32(d.plain[d.index]!);
  const family = isFamilyArgument(d.name, d.arg.name) ? familyName(low) : undefined;
  return `${wordText(low)}${family ? ` (${family})` : ''}`;
}

export const intArgHighBits: LintRule = {
  id: 'int-arg-high-bits',
  code: 'SC4001',
  severity: 'error',
  description: 'a 64-bit comparison on an int argument the kernel truncates to 32 bits: setting the upper half dodges it',
  messages: {
    dodged: '`{name}`\'s `{arg}` ({type}, a{index}) is at most 32 bits wide to the kernel, but the filter compares all 64 on {abis}: with the upper half set, {value} gets {looser} instead of {stricter}',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const groups = new Map<string, { dodge: Dodge; abis: Arch[]; report: Omit<Report, 'args'> }>();
    for (const arch of runnableAbis(ctx)) {
      if (arch.bits !== 64) continue;
      for (const name of syscallNames(arch)) {
        const sig = ctx.signature(arch, name);
        if (!sig?.some((a) => a.kind === 'int32')) continue;
        const view = ctx.syscall(arch, name);
        if (!view || !dependsOnArguments(view)) continue;
        const r = readsOf(ctx, arch, view.nr);
        sig.forEach((a, index) => {
          if (a.kind !== 'int32' || !testsArgument(r, arch, index)) return;
          for (const d of dodges(ctx, arch, name, view.nr, sig, index)) {
            const found = causes(ctx, d);
            const where = found.map((f) => f.condition.pointer ?? '').join('|');
            const key = `${name}/${index}/${lo32(d.plain[index]!)}/${ctx.kind === 'filter' ? arch.name : where}`;
            const hit = groups.get(key);
            if (hit) { hit.abis.push(arch); continue; }
            const family = isFamilyArgument(name, a.name) ? familyName(lo32(d.plain[index]!)) : undefined;
            const because = `the kernel reads ${a.name} ${wordText(lo32(d.plain[index]!))}${family ? ` (${family})` : ''} both times`;
            const witness = witnessOf(ctx, { arch, name, args: d.high }, { arch, name, args: d.plain }, because);
            if (!witness || witness.verdict !== d.looser || witness.versus?.verdict !== d.stricter) continue;
            const pointer = found[0]?.condition.pointer;
            const pc = ctx.kind === 'filter' ? divergence(ctx, arch, view.nr, d.high, d.plain) : undefined;
            const fixes = [...new Map(found.map((f) => [f.condition.pointer ?? conditionText(f.condition), conditionFix(f.condition, f.side)])).values()];
            const fix = fixes.length > 0 ? fixes.join('; ') : unwrittenFix(ctx, name, index);
            groups.set(key, { dodge: d, abis: [arch], report: { message: 'dodged', witness, fix, ...(pointer !== undefined ? { pointer } : {}), ...(pc !== undefined ? { pc } : {}) } });
          }
        });
      }
    }
    for (const { dodge: d, abis, report: r } of groups.values()) {
      report({ ...r, args: { name: d.name, arg: d.arg.name, type: d.arg.type, index: d.index, abis: abis.map((a) => a.name).join(', '), value: valueText(d), looser: formatAction(d.looser), stricter: formatAction(d.stricter) } });
    }
  },
};
