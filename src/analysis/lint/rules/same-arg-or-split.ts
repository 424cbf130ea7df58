// SPDX-License-Identifier: Apache-2.0
// same-arg-or-split: a rule with several conditions on one argument (`a0 > 40` and `a0 < 100`)
// reads as an AND, but runc adds each of the rule's conditions as its own rule when one argument
// repeats (libcontainer/seccomp/seccomp_linux.go matchCall: libseccomp refuses two comparisons on
// one argument with -EINVAL), so the conditions are ORed: every value is > 40 or < 100, and the
// range allows everything. The resolve stage says so (SC2103, src/resolve/runc.ts); this rule adds
// the witness: a call the AND would not give the rule's action to, and the program does. The
// candidate values come from the rule's own datums; the verdict comes from the interpreter.

import type { Arch } from '../../../arch/arch.js';
import { syscallNumber } from '../../../arch/index.js';
import { U64_MAX } from '../../../bits.js';
import type { ArgCondition, ProfileRule } from '../../../resolve/types.js';
import { formatAction, permits, type LintContext } from '../context.js';
import type { LintRule, Witness } from '../types.js';
import { blocksText } from './masked-blocks.js';
import { conditionText, ruleHolds, runnableAbis, verdictOfCall, witnessOf } from './witness-search.js';

/** runc's SC2103 (src/diagnostics/messages.ts runcSplitsSameArg). */
const RUNC_SPLITS = 'SC2103';

/** Values around a condition's datum, within the ABI's word. */
function around(c: ArgCondition, arch: Arch): bigint[] {
  const width = arch.bits === 32 ? 0xffff_ffffn : U64_MAX;
  const a = c.value & width;
  const raw = c.op === 'MASKED_EQ' ? [c.valueTwo & a, (c.valueTwo & a) ^ a, 0n] : [a - 1n, a, a + 1n, 0n, width];
  return raw.filter((v) => v >= 0n && v <= width);
}

/** Every combination of candidate values for the arguments the rule tests (other arguments 0). */
function combinations(rule: ProfileRule, arch: Arch): bigint[][] {
  const per = new Map<number, bigint[]>();
  for (const c of rule.conditions) per.set(c.index, [...new Set([...(per.get(c.index) ?? []), ...around(c, arch)])]);
  let out: bigint[][] = [[0n, 0n, 0n, 0n, 0n, 0n]];
  for (const [index, values] of per) out = out.flatMap((v) => values.map((x) => v.map((y, i) => (i === index ? x : y))));
  return out.slice(0, 4096);
}

/** The values of one argument the AND allows, as intervals, when every condition on it is a comparison. */
function intervals(conditions: readonly ArgCondition[], max: bigint): Array<[bigint, bigint]> | undefined {
  let set: Array<[bigint, bigint]> = [[0n, max]];
  const clip = (lo: bigint, hi: bigint) => { set = set.map(([a, b]): [bigint, bigint] => [a > lo ? a : lo, b < hi ? b : hi]).filter(([a, b]) => a <= b); };
  for (const c of conditions) {
    const v = c.value & max;
    switch (c.op) {
      case 'EQ': clip(v, v); break;
      case 'LT': if (v === 0n) set = []; else clip(0n, v - 1n); break;
      case 'LE': clip(0n, v); break;
      case 'GT': if (v === max) set = []; else clip(v + 1n, max); break;
      case 'GE': clip(v, max); break;
      case 'NE': set = set.flatMap(([a, b]): Array<[bigint, bigint]> => (v < a || v > b ? [[a, b]] : [...(v > a ? [[a, v - 1n] as [bigint, bigint]] : []), ...(v < b ? [[v + 1n, b] as [bigint, bigint]] : [])])); break;
      case 'MASKED_EQ': return undefined;
    }
  }
  return set;
}

function fixFor(ctx: LintContext, rule: ProfileRule, index: number, arch: Arch, name: string): string {
  const on = rule.conditions.filter((c) => c.index === index);
  const rest = rule.conditions.filter((c) => c.index !== index).map(conditionText);
  const bits = ctx.signature(arch, name)?.[index]?.kind === 'int32' || arch.bits === 32 ? 32 : 64;
  const range = intervals(on, bits === 32 ? 0xffff_ffffn : U64_MAX);
  const others = rest.length ? `, each also with ${rest.join(' and ')}` : '';
  if (!range || range.length === 0) return `write one rule per value or range, each with a single condition on a${index}${others}: runc ORs conditions that share an argument`;
  return `write the range ${on.map(conditionText).join(' and ')} as ${blocksText(index, range, bits)}${others}`;
}

export const sameArgOrSplit: LintRule = {
  id: 'same-arg-or-split',
  code: 'SC4006',
  severity: 'warning',
  description: 'several conditions on one argument in one rule: runc ORs them instead of ANDing',
  messages: {
    ored: '{conds} in one rule for `{names}` are ORed, not ANDed: runc adds each condition as its own rule, so {what}',
  },
  subjects: ['profile'],
  check(ctx, report) {
    const split = new Set(ctx.diagnostics.filter((d) => d.code === RUNC_SPLITS && d.location?.kind === 'text').map((d) => (d.location as { pointer?: string }).pointer));
    for (const rule of ctx.resolved?.rules ?? []) {
      if (!split.has(rule.pointer)) continue;
      const index = rule.conditions.find((c, i) => rule.conditions.findIndex((d) => d.index === c.index) !== i)!.index;
      const conds = rule.conditions.filter((c) => c.index === index).map((c) => `\`${conditionText(c)}\``).join(' and ');
      let found: { witness: Witness; arch: Arch; name: string } | undefined;
      search: for (const name of rule.names) {
        for (const arch of runnableAbis(ctx)) {
          if (syscallNumber(arch, name) === undefined) continue;
          const others = (ctx.resolved?.rules ?? []).filter((r) => r !== rule && r.action === rule.action && r.names.includes(name));
          // Calls that fail only conditions on the repeated argument first: they show the range broken.
          const rest = { conditions: rule.conditions.filter((c) => c.index !== index) };
          const all = combinations(rule, arch);
          for (const args of [...all.filter((a) => ruleHolds(rest, a, arch)), ...all.filter((a) => !ruleHolds(rest, a, arch))]) {
            if (ruleHolds(rule, args, arch) || others.some((r) => ruleHolds(r, args, arch))) continue;
            if (verdictOfCall(ctx, { arch, name, args }) !== rule.action) continue;
            const failing = rule.conditions.filter((c) => !ruleHolds({ conditions: [c] }, args, arch)).map(conditionText);
            const witness = witnessOf(ctx, { arch, name, args }, undefined, `${failing.join(' and ')} ${failing.length === 1 ? 'does' : 'do'} not hold, yet the call gets the rule's action`);
            if (witness && witness.verdict === rule.action) { found = { witness, arch, name }; break search; }
          }
        }
      }
      const what = permits(rule.action) ? `calls the AND would refuse are allowed (${formatAction(rule.action)})` : `calls the AND would let through get ${formatAction(rule.action)}`;
      const name = found?.name ?? rule.names[0] ?? '';
      const arch = found?.arch ?? runnableAbis(ctx)[0]!;
      report({
        message: 'ored',
        args: { conds, names: rule.names.join(', '), what },
        pointer: rule.pointer,
        ...(found ? { witness: found.witness } : {}),
        fix: fixFor(ctx, rule, index, arch, name),
      });
    }
  },
};
