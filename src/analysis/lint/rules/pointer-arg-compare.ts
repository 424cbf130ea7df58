// SPDX-License-Identifier: Apache-2.0
// pointer-arg-compare: a condition on a pointer argument (signature kind 'pointer',
// ../../../kernel/signatures.ts) compares the address, not the data behind it: seccomp cannot read
// user memory (kernel/seccomp.c hands the filter struct seccomp_data only), so `connect` limited to
// one sockaddr, or `execve` to one path, limits nothing — the same data at another address passes
// (and a check against the data would race with other threads anyway). A test against 0 is the
// one thing a filter can know about a pointer (NULL or not), so it is only noted (info).
//
// Profiles: from the resolved rules' conditions, per ABI where the argument is a pointer.
// Filters: from the program, via what each syscall's verdict tests (../../../seccomp/reads.ts).
// The witness, where one exists, is two calls that differ only in the address and get different
// verdicts, both run through the interpreter.

import type { Arch } from '../../../arch/arch.js';
import { syscallNames, syscallNumber } from '../../../arch/index.js';
import { join64 } from '../../../bits.js';
import type { ArgSignature } from '../../../kernel/signatures.js';
import type { ArgCondition } from '../../../resolve/types.js';
import { argOffset } from '../../../seccomp/data.js';
import { compareStrictness, type LintContext } from '../context.js';
import type { LintRule, Report, Witness } from '../types.js';
import {
  argumentCandidates, argumentVectors, conditionText, dependsOnArguments, readsOf, runnableAbis, satisfyingValue, testsArgument,
  verdictOfCall, withArg, witnessOf,
} from './witness-search.js';

/** Addresses a caller can put the same data at (any mapped page). */
const ADDRESSES = [0x10000n, 0x20000n];

/** Two calls that differ only in argument `index` and get different verdicts. */
function addressWitness(ctx: LintContext, arch: Arch, name: string, bases: readonly bigint[][], index: number, values: readonly bigint[]): Witness | undefined {
  for (const base of bases) {
    const tried = [...new Set([...values, ...ADDRESSES])];
    const verdicts = tried.map((v) => verdictOfCall(ctx, { arch, name, args: withArg(base, index, v) }));
    for (let i = 1; i < tried.length; i++) {
      if (verdicts[i] === verdicts[0]) continue;
      // The less strict call first: `… → ALLOW, but … → ERRNO(1)`.
      const [a, b] = compareStrictness(verdicts[i]!, verdicts[0]!) > 0 ? [tried[i]!, tried[0]!] : [tried[0]!, tried[i]!];
      return witnessOf(ctx, { arch, name, args: withArg(base, index, a) }, { arch, name, args: withArg(base, index, b) }, 'the same data at another address');
    }
  }
  return undefined;
}

/** `p == 0`, `p != 0`, `p <= 0`, `p > 0`: is it NULL? */
const isNullTest = (c: ArgCondition): boolean => c.value === 0n && (c.op === 'EQ' || c.op === 'NE' || c.op === 'LE' || c.op === 'GT');

function checkProfile(ctx: LintContext, report: (r: Report) => void): void {
  for (const rule of ctx.resolved?.rules ?? []) {
    rule.conditions.forEach((c) => {
      const hits: Array<{ arch: Arch; name: string; arg: ArgSignature }> = [];
      for (const name of rule.names) {
        for (const arch of runnableAbis(ctx)) {
          const arg = syscallNumber(arch, name) !== undefined ? ctx.signature(arch, name)?.[c.index] : undefined;
          if (arg?.kind === 'pointer') hits.push({ arch, name, arg });
        }
      }
      if (hits.length === 0) return;
      const first = hits[0]!;
      const base = rule.conditions.reduce((args, d) => (d === c ? args : withArg(args, d.index, satisfyingValue(d, first.arch) ?? 0n)), [0n, 0n, 0n, 0n, 0n, 0n]);
      const matching = satisfyingValue(c, first.arch);
      const nullTest = isNullTest(c);
      // NULL and not NULL are not the same data: a NULL test gets no witness.
      const witness = nullTest ? undefined : addressWitness(ctx, first.arch, first.name, [base], c.index, matching !== undefined ? [matching] : []);
      const names = [...new Set(hits.map((h) => h.name))];
      const abis = [...new Set(hits.map((h) => h.arch.name))];
      report({
        message: nullTest ? 'null' : 'address',
        args: { cond: conditionText(c), names: names.join(', '), arg: first.arg.name, type: first.arg.type, index: c.index, abis: abis.join(', ') },
        pointer: c.pointer ?? rule.pointer,
        ...(witness ? { witness } : {}),
        ...(nullTest ? { severity: 'info' as const } : {}),
        fix: nullTest
          ? 'nothing to change if a NULL test is what you meant; the data behind the pointer is not checked'
          : `drop the condition on a${c.index}: a filter cannot check what ${first.arg.name} points to; restrict ${names.join(', ')} with an LSM (AppArmor, SELinux, Landlock) or a seccomp user-notification supervisor instead`,
      });
    });
  }
}

function checkFilter(ctx: LintContext, report: (r: Report) => void): void {
  const seen = new Map<string, { report: Report; abis: string[] }>();
  for (const arch of runnableAbis(ctx)) {
    for (const name of syscallNames(arch)) {
      const sig = ctx.signature(arch, name);
      if (!sig?.some((a) => a.kind === 'pointer')) continue;
      const view = ctx.syscall(arch, name);
      if (!view || !dependsOnArguments(view)) continue;
      const r = readsOf(ctx, arch, view.nr);
      sig.forEach((arg, index) => {
        if (arg.kind !== 'pointer' || !testsArgument(r, arch, index)) return;
        const key = `${name}/${index}`;
        const hit = seen.get(key);
        if (hit) { hit.abis.push(arch.name); return; }
        const words = (['lo', 'hi'] as const).map((h) => r.tests.get(argOffset(index, h, arch.endian)));
        const constants = words.flatMap((w) => [...(w?.constants ?? [])]);
        const nullTest = constants.every((k) => k === 0);
        const candidates = sig.map((_, j) => (j !== index && testsArgument(r, arch, j) ? argumentCandidates(r, arch, j) : undefined));
        const values = [...argumentCandidates(r, arch, index), ...constants.map((k) => join64(0, k))];
        const witness = nullTest ? undefined : addressWitness(ctx, arch, name, argumentVectors([], candidates, 64), index, values);
        const pc = Math.min(...words.flatMap((w) => w?.pcs ?? []));
        seen.set(key, {
          abis: [arch.name],
          report: {
            message: nullTest ? 'null' : 'address',
            args: { cond: `a${index} (args[${index}])`, names: name, arg: arg.name, type: arg.type, index, abis: '' },
            pc,
            ...(witness ? { witness } : {}),
            ...(nullTest ? { severity: 'info' as const } : {}),
            fix: nullTest ? 'nothing to change if a NULL test is what you meant' : `do not branch on args[${index}] of ${name}: it is an address; restrict the call with an LSM or a user-notification supervisor`,
          },
        });
      });
    }
  }
  for (const { report: r, abis } of seen.values()) report({ ...r, args: { ...r.args, abis: abis.join(', ') } });
}

export const pointerArgCompare: LintRule = {
  id: 'pointer-arg-compare',
  code: 'SC4007',
  severity: 'warning',
  description: 'a comparison on a pointer argument: it tests the address, not the data it points to',
  messages: {
    address: '`{cond}` on `{names}` compares `{arg}` ({type}, a{index}), a pointer, on {abis}: the filter sees the address, not the data, so the same data at another address gets another verdict',
    null: '`{cond}` on `{names}` tests whether `{arg}` ({type}, a{index}) is NULL on {abis}: that is all a filter can know about a pointer',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    if (ctx.kind === 'profile') checkProfile(ctx, report);
    else checkFilter(ctx, report);
  },
};
