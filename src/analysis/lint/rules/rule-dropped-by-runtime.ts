// SPDX-License-Identifier: Apache-2.0
// rule-dropped-by-runtime: a rule the profile writes that the runtime does not load as written.
// The resolve stage knows each case (src/resolve/runc.ts, src/resolve/libseccomp/outcome.ts): runc
// skips a rule whose action equals the default (SC2101, libcontainer/seccomp matchCall) and a name
// libseccomp does not know (SC2102); seccomp_rule_add() refuses a rule (SC2110/SC2111); libseccomp
// drops a rule or overrides conditional ones (SC2112: an unconditional rule beats every conditional
// rule of its syscall, the first unconditional rule wins, a longer rule after its prefix is
// dropped — db.c), or rewrites a condition for a 32-bit ABI. This rule makes one finding per
// such rule, located in the profile, and judges it on the program: when a call the rule meant to
// refuse is allowed — a same-as-default `socketcall ERRNO(EPERM)` next to arg-filtered socket
// rules leaves libseccomp's socketcall companion allowing it (kernel-experiments.md §7) — it is an
// error with that call as the witness; a name missing on some ABIs only is an info note.
// Not repeated here: OR-split conditions (same-arg-or-split) and the socketcall/ipc companions
// (multiplexer-bypass).

import type { Arch } from '../../../arch/arch.js';
import { syscallName, syscallNumber } from '../../../arch/index.js';
import type { Severity } from '../../../diagnostics/diagnostic.js';
import type { ApiRule, ArgCondition, ProfileRule } from '../../../resolve/types.js';
import { formatAction, permits, type LintContext } from '../context.js';
import type { LintRule, Report, Witness } from '../types.js';
import {
  argumentCandidates, argumentVectors, conditionText, readsOf, ruleHolds, runnableAbis, satisfyingValue, testsArgument, verdictOfCall, withArg, witnessOf,
} from './witness-search.js';

/** The resolve stage's codes this rule reads (src/diagnostics/messages.ts). */
const RUNC_DROPS_DEFAULT = 'SC2101';
const RUNC_SKIPS_UNKNOWN = 'SC2102';

/** seccomp_rule_add()'s refusals that have a fix of their own. */
const EACCES = -13;
const EEXIST = -17;
const SAME_AS_DEFAULT_FIX = 'give the rule an action other than the default (for ERRNO another errno, such as ENOSYS, will do), or remove it if nothing broader allows these calls';
const UNKNOWN_NAME_FIX = 'check the spelling (runc takes names, not numbers); remove the name if no ABI has it';

type Kind = 'dropped' | 'overrides' | 'absent' | 'condition' | 'skip';

/** libseccomp's effects (src/resolve/libseccomp/outcome.ts) by what they mean for the rule; the first match wins. */
const EFFECTS: ReadonlyArray<readonly [RegExp, Kind]> = [
  [/companion/, 'skip'],
  [/^(no change|replaces the longer|added)/, 'skip'],
  [/^dropped: /, 'dropped'],
  [/^overrides the conditional rules for /, 'overrides'],
  [/ does not exist on /, 'absent'],
  [/^a\d .*(is dropped \(always true\)|the upper half is dropped)$/, 'condition'],
];

function kindOf(effect: string): Kind {
  return EFFECTS.find(([re]) => re.test(effect))?.[1] ?? 'skip';
}

/** What a lost rule meant: these names, this action, when these conditions hold. */
interface Meant {
  readonly names: readonly string[];
  readonly action: number;
  readonly conditions: readonly ArgCondition[];
}

function apiConditions(rule: ApiRule): ArgCondition[] {
  return rule.args.map((a) => ({ index: a.arg, op: a.op, value: a.a, valueTwo: a.b }));
}

function apiName(ctx: LintContext, rule: ApiRule): string | undefined {
  return typeof rule.syscall === 'string' ? rule.syscall : ctx.abis[0] && syscallName(ctx.abis[0], rule.syscall);
}

/** A call the lost rule meant to refuse that the program allows (or, for an allow, refuses). */
function judge(ctx: LintContext, meant: Meant, abis: readonly Arch[]): { witness: Witness; hole: boolean } | undefined {
  let lost: Witness | undefined;
  for (const name of meant.names) {
    for (const arch of abis) {
      const nr = syscallNumber(arch, name);
      if (nr === undefined) continue;
      const r = readsOf(ctx, arch, nr);
      const count = ctx.signature(arch, name)?.length ?? 6;
      const base = meant.conditions.reduce((args, c) => withArg(args, c.index, satisfyingValue(c, arch) ?? 0n), [0n, 0n, 0n, 0n, 0n, 0n]);
      const candidates = Array.from({ length: count }, (_, j) => (testsArgument(r, arch, j) ? argumentCandidates(r, arch, j) : undefined));
      for (const args of argumentVectors(base, candidates, 1024)) {
        if (!ruleHolds(meant, args, arch)) continue;
        const v = verdictOfCall(ctx, { arch, name, args })!;
        if (permits(v) === permits(meant.action)) continue;
        const because = `the rule the runtime does not load says ${formatAction(meant.action)}`;
        const w = witnessOf(ctx, { arch, name, args }, undefined, because);
        if (!w) continue;
        if (!permits(meant.action)) return { witness: w, hole: true };
        lost ??= w;
      }
    }
  }
  return lost ? { witness: lost, hole: false } : undefined;
}

/** The resolved rule at `pointer` and, when `name` is given, that name's own pointer. */
function locate(ctx: LintContext, pointer: string, name?: string): { rule?: ProfileRule; pointer: string } {
  const rule = ctx.resolved?.rules.find((r) => r.pointer === pointer);
  const i = name === undefined ? -1 : rule?.names.indexOf(name) ?? -1;
  return { ...(rule ? { rule } : {}), pointer: (i >= 0 ? rule?.namePointers?.[i] : undefined) ?? pointer };
}

interface Item {
  readonly message: string;
  readonly pointer: string;
  readonly args: Record<string, string | number>;
  readonly meant?: Meant;
  readonly abis: readonly Arch[];
  readonly severity?: Severity;
  readonly fix: string;
}

function runcItems(ctx: LintContext): Item[] {
  const out: Item[] = [];
  for (const d of ctx.diagnostics) {
    const pointer = d.location?.kind === 'text' ? d.location.pointer : undefined;
    if (pointer === undefined) continue;
    if (d.code === RUNC_DROPS_DEFAULT) {
      const rule = ctx.resolved?.rules.find((r) => r.pointer === pointer);
      if (!rule) continue;
      out.push({ message: 'sameAsDefault', pointer, abis: ctx.abis, args: { names: rule.names.join(', '), action: formatAction(rule.action) }, meant: rule, fix: SAME_AS_DEFAULT_FIX });
    } else if (d.code === RUNC_SKIPS_UNKNOWN) {
      const name = /`([^`]+)`/.exec(d.message)?.[1] ?? '?';
      out.push({ message: 'unknownName', pointer, abis: ctx.abis, args: { name }, fix: UNKNOWN_NAME_FIX });
    }
  }
  return out;
}

function libseccompItems(ctx: LintContext): Item[] {
  const rules = ctx.resolution?.filter?.rules ?? [];
  const outcomes = ctx.resolution?.outcomes ?? [];
  const byArch = (names: readonly string[]) => ctx.abis.filter((a) => names.includes(a.name) || names.includes('*'));
  const out: Item[] = [];
  // Names some ABIs lack, per profile rule: one note per rule, not one per name.
  const absent = new Map<string, Map<string, string[]>>();
  outcomes.forEach((o, i) => {
    const rule = rules[i];
    const name = rule && apiName(ctx, rule);
    if (!rule || name === undefined) return;
    const meant: Meant = { names: [name], action: rule.action, conditions: apiConditions(rule) };
    const { pointer } = locate(ctx, o.origin.pointer, name);
    if (o.rc !== 0) {
      const why = o.effects.map((e) => `${e.arch === '*' ? '' : `${e.arch}: `}${e.effect}`).join('; ');
      const fix = o.rc === EACCES ? SAME_AS_DEFAULT_FIX
        : o.rc === EEXIST ? 'remove the rule, or make it agree with the rule it conflicts with (same action, or no overlap)'
          : /unknown syscall name/.test(why) ? UNKNOWN_NAME_FIX : 'remove the rule or rewrite it as libseccomp accepts it';
      out.push({ message: 'refused', pointer, abis: ctx.abis, args: { name, why }, meant, fix });
      return;
    }
    const groups = new Map<string, { kind: Kind; arches: string[] }>();
    for (const e of o.effects) {
      const kind = kindOf(e.effect);
      if (kind === 'skip') continue;
      // One finding per effect; the ABI names are taken out so that the ABIs it applies to group.
      const text = kind === 'absent' ? 'absent' : e.effect;
      const g = groups.get(text) ?? { kind, arches: [] };
      g.arches.push(e.arch);
      groups.set(text, g);
    }
    for (const [effect, { kind, arches }] of groups) {
      const abis = byArch(arches);
      const on = abis.map((a) => a.name).join(', ');
      if (kind === 'absent') {
        const names = absent.get(o.origin.pointer) ?? new Map<string, string[]>();
        names.set(name, abis.map((a) => a.name));
        absent.set(o.origin.pointer, names);
      } else if (kind === 'dropped') {
        const kept = rules.slice(0, i).find((r) => r.syscall === rule.syscall && r.args.length === 0);
        const fix = kept
          ? `remove \`${name}\` from the unconditional rule at ${kept.origin.pointer} (${formatAction(kept.action)}) or from this one: libseccomp lets the first unconditional rule win over every later rule for the syscall, whatever the action`
          : 'merge the rules for this syscall: libseccomp keeps the shorter of two rules with the same leading conditions';
        out.push({ message: 'dropped', pointer, abis, args: { name, abis: on, effect: effect.replace(/^dropped: /, '') }, meant, fix });
      } else if (kind === 'condition') {
        out.push({ message: 'condition', pointer, abis, args: { name, abis: on, effect }, fix: 'write conditions whose mask and value fit the ABI\'s argument width' });
      } else if (kind === 'overrides') {
        // The conditional rules written for the same syscall before this one are the ones lost (companions are multiplexer-bypass's).
        rules.slice(0, i).forEach((earlier, j) => {
          if (earlier.syscall !== rule.syscall || earlier.args.length === 0 || outcomes[j]?.rc !== 0) return;
          const lostAt = locate(ctx, earlier.origin.pointer, name);
          out.push({
            message: 'overridden', pointer: lostAt.pointer, abis,
            args: { name, abis: on, cond: earlier.args.map((a) => conditionText({ index: a.arg, op: a.op, value: a.a, valueTwo: a.b })).join(' and '), by: o.origin.pointer, byAction: formatAction(rule.action) },
            meant: { names: [name], action: earlier.action, conditions: apiConditions(earlier) },
            fix: `remove \`${name}\` from the unconditional rule at ${o.origin.pointer}, or drop the conditional rule: libseccomp lets the unconditional rule win whatever the order`,
          });
        });
      }
    }
  });
  for (const [rulePointer, names] of absent) {
    const byAbis = new Map<string, string[]>();
    for (const [name, abis] of names) byAbis.set(abis.join(', '), [...(byAbis.get(abis.join(', ')) ?? []), name]);
    const list = (n: readonly string[]) => (n.length > 4 ? `${n.slice(0, 3).map((x) => `\`${x}\``).join(', ')} and ${n.length - 3} more` : n.map((x) => `\`${x}\``).join(', '));
    const details = [...byAbis].map(([abis, n]) => `${list(n)} on ${abis}`).join('; ');
    const only = names.size === 1 ? [...names.keys()][0] : undefined;
    out.push({
      message: 'absent', pointer: locate(ctx, rulePointer, only).pointer, abis: ctx.abis, severity: 'info',
      args: names.size === 1 ? { details, count: '1 name', verb: 'is', them: 'it' } : { details, count: `${names.size} names`, verb: 'are', them: 'them' },
      fix: 'nothing to do when the profile serves several ABIs (the names are for the others)',
    });
  }
  return out;
}

export const ruleDroppedByRuntime: LintRule = {
  id: 'rule-dropped-by-runtime',
  code: 'SC4005',
  severity: 'warning',
  description: 'a rule the runtime drops, skips, refuses or overrides, so it does not do what the profile says',
  messages: {
    sameAsDefault: 'runc drops this rule for `{names}`: its action {action} equals the default action, so it never reaches libseccomp{effect}',
    unknownName: 'runc skips `{name}`: libseccomp does not know the name, so the rule does nothing for it',
    refused: 'seccomp_rule_add() refuses this rule for `{name}`, so it is not loaded: {why}{effect}',
    dropped: 'libseccomp drops this rule for `{name}` on {abis}: {effect}{consequence}',
    overridden: 'the conditional rule for `{name}` ({cond}) is overridden on {abis} by the unconditional rule at {by} ({byAction}){consequence}',
    condition: 'libseccomp changes a condition of this rule for `{name}` on {abis}: {effect}',
    absent: '{count} of this rule {verb} missing on some ABIs, so libseccomp emits nothing for {them} there: {details}',
  },
  subjects: ['profile'],
  check(ctx, report) {
    for (const item of [...runcItems(ctx), ...libseccompItems(ctx)]) {
      const runnable = runnableAbis(ctx);
      const judged = item.meant ? judge(ctx, item.meant, item.abis.filter((a) => runnable.includes(a))) : undefined;
      const consequence = judged?.hole
        ? ` — ${judged.witness.syscall} is allowed where the rule meant ${formatAction(item.meant!.action)}`
        : judged ? ` — calls the rule meant to allow get ${formatAction(judged.witness.verdict)}` : '';
      const r: Report = {
        message: item.message,
        args: { ...item.args, effect: item.message === 'sameAsDefault' || item.message === 'refused' ? consequence : item.args['effect'] ?? '', consequence },
        pointer: item.pointer,
        fix: item.fix,
        ...(judged ? { witness: judged.witness } : {}),
        ...(judged?.hole ? { severity: 'error' as const } : item.severity ? { severity: item.severity } : {}),
      };
      report(r);
    }
  },
};
