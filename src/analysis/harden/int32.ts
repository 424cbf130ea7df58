// SPDX-License-Identifier: Apache-2.0
// Harden step 1: 32-bit comparisons expressed safely (kernel-experiments.md §1; libseccomp issue
// #383). On a 64-bit ABI, a condition on an argument the kernel truncates to 32 bits (signature
// kind int32: `int family`, `unsigned int cmd`…) is rewritten when the upper half could change
// its answer toward the rule's action (./low-word.ts dodgeable): it becomes MASKED_EQ conditions
// on the low word only, one rule per aligned block, exactly the low words the kernel acts on —
// never wider than before for a rule that lets calls through, never narrower for one that denies.
// "Lets through" and "denies" are relative to what else can answer the syscall (the default and
// the profile's other rules on it), by ALLOW/LOG versus the rest.
//
// Conditions on one argument in one rule are what runc (libcontainer/seccomp/seccomp_linux.go,
// matchCall) turns into separate rules, each condition alone (OR). A permitting rule on an int32
// argument whose conditions there can be intersected becomes the range they meet together
// (stricter than runc's OR); otherwise the rule is written out as runc reads it, and each piece
// is then rewritten as above. Never two conditions on one argument in the output. A rule whose
// names differ in argument kinds or in what else answers them is split per name as needed; every
// other field (comment, includes, excludes, errnoRet…) is kept.

import { syscallNumber } from '../../arch/index.js';
import type { ArgSignature } from '../../kernel/signatures.js';
import { syscallSignature } from '../../kernel/signatures.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { MessageId } from '../../diagnostics/messages.js';
import { getField, printJsonValue, withField, type JsonObject } from '../../profile/json-value.js';
import type { ProfileSyscall } from '../../profile/types.js';
import { encodeAction, type ActionKind } from '../../seccomp/action.js';
import { compareStrictness } from '../lint/context.js';
import type { CmpOp } from '../../resolve/types.js';
import { parsedRule, type Analysis } from './analysis.js';
import { argJson, ruleArgs, withArgs, withNames, type DraftRule } from './draft.js';
import { blocksOf, dodgeable, intersect, lowAtZero, lowForAll, lowForSome, type LowSet } from './low-word.js';
import { applyUnits, change, note, type Change, type StepEnv, type StepResult, type StepUnit } from './types.js';

/** Most rules one input rule may become; beyond, it is left as written (with a warning). */
const MAX_RULES = 256;
const LOW_MAX = 0xffff_ffffn;
/** Grouping key of the names a rule keeps as written. */
const KEEP = 'keep';

interface Cond {
  readonly index: number;
  readonly op: CmpOp;
  readonly value: bigint;
  readonly valueTwo: bigint;
  readonly json: JsonObject;
  /** Position in the input rule's args (absent for a condition harden wrote). */
  readonly at?: number;
}

type Role = 'permit' | 'deny' | 'neither';

/**
 * What the rule does to `name` relative to what would answer otherwise, by the kernel's precedence:
 * `permit` when its action is weaker than the default (or, in the default's class, than another
 * rule on the syscall) — its set may only shrink; `deny` when stricter — its set may only grow.
 */
function role(a: Analysis, rule: ProfileSyscall, name: string): Role {
  const kind = (k: ActionKind) => encodeAction(k);
  const x = kind(rule.action);
  const d = a.profile.defaultAction === undefined ? undefined : kind(a.profile.defaultAction);
  if (d === undefined) return 'neither';
  const byDefault = compareStrictness(x, d);
  if (byDefault > 0) return 'permit';
  if (byDefault < 0) return 'deny';
  const others = a.profile.syscalls.filter((r) => r !== rule && r.names.includes(name)).map((r) => compareStrictness(x, kind(r.action)));
  if (others.some((c) => c > 0) && !others.some((c) => c < 0)) return 'permit';
  if (others.some((c) => c < 0) && !others.some((c) => c > 0)) return 'deny';
  return 'neither';
}

/** The signature of argument `index` when every 64-bit ABI of the target that has `name` truncates it to 32 bits. */
function truncated(a: Analysis, name: string, index: number): ArgSignature | undefined {
  let found: ArgSignature | undefined;
  for (const arch of a.ctx.abis) {
    if (arch.bits !== 64 || syscallNumber(arch, name) === undefined) continue;
    const s = syscallSignature(arch, name)?.[index];
    if (!s || s.kind !== 'int32') return undefined;
    found ??= s;
  }
  return found;
}

const SYMBOL: Readonly<Record<CmpOp, string>> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=', MASKED_EQ: '&' };
const num = (v: bigint) => (v > 0xffffn ? '0x' + v.toString(16) : v.toString());

export function condText(c: { index: number; op: CmpOp; value: bigint; valueTwo: bigint }): string {
  return c.op === 'MASKED_EQ' ? `(a${c.index} & ${num(c.value)}) == ${num(c.valueTwo)}` : `a${c.index} ${SYMBOL[c.op]} ${num(c.value)}`;
}

function blockConds(index: number, set: LowSet): Cond[] | undefined {
  return blocksOf(set)?.map((b) => ({ index, op: 'MASKED_EQ', value: BigInt(b.mask), valueTwo: BigInt(b.value), json: argJson(index, 'MASKED_EQ', BigInt(b.mask), BigInt(b.value)) }));
}

function product(choices: ReadonlyArray<readonly Cond[][]>, limit: number): Cond[][] | undefined {
  let out: Cond[][] = [[]];
  for (const alts of choices) {
    if (out.length * alts.length > limit) return undefined;
    out = out.flatMap((prefix) => alts.map((alt) => [...prefix, ...alt]));
  }
  return out;
}

/** A permitting rule's same-argument conditions as the range they meet together, or undefined when that is not safe. */
function intersected(a: Analysis, name: string, conds: readonly Cond[]): Cond[][][] | undefined {
  const indices = [...new Set(conds.map((c) => c.index))];
  const choices: Cond[][][] = [];
  for (const index of indices) {
    const here = conds.filter((c) => c.index === index);
    if (here.length === 1) {
      choices.push([[here[0]!]]);
      continue;
    }
    // Every high word must stay inside runc's OR: some NE/GT/GE with a 32-bit datum holds for all of them.
    if (!truncated(a, name, index) || here.some((c) => c.op === 'MASKED_EQ')) return undefined;
    if (!here.some((c) => (c.op === 'NE' || c.op === 'GT' || c.op === 'GE') && c.value <= LOW_MAX)) return undefined;
    let set: LowSet | undefined = { kind: 'all' };
    for (const c of here) set = set && intersect(set, lowAtZero(c.op, c.value, c.valueTwo));
    if (!set) return undefined;
    const blocks = blockConds(index, set);
    choices.push(blocks === undefined ? [[]] : blocks.map((b) => [b]));
  }
  return choices;
}

interface Plan {
  /** Condition lists of the rules the name gets; undefined: as written. */
  readonly lists?: Cond[][];
  readonly id?: MessageId;
  readonly rewritten: Cond[];
  readonly tooMany?: number;
}

function plan(a: Analysis, rule: ProfileSyscall, json: JsonObject, name: string): Plan {
  const r = role(a, rule, name);
  const written = ruleArgs(json);
  const conds: Cond[] = rule.args.map((c, k) => ({ index: c.index, op: c.op, value: c.value, valueTwo: c.valueTwo, json: written[k]!, at: k }));
  const repeated = conds.some((c, i) => conds.findIndex((d) => d.index === c.index) !== i);
  let pieces: Cond[][][];
  let id: MessageId | undefined;
  if (repeated) {
    const and = r === 'permit' ? intersected(a, name, conds) : undefined;
    if (and) [pieces, id] = [and, 'hardenSameArgAnd'];
    else [pieces, id] = [[conds.map((c) => [c])], 'hardenSameArgSplit'];
  } else pieces = conds.map((c) => [[c]]);
  // pieces: an AND of choices (each choice an OR of condition lists); a split rule is one choice of singletons.
  const rewritten: Cond[] = [];
  const rewrite = (c: Cond): Cond[][] => {
    const sig = r === 'neither' ? undefined : truncated(a, name, c.index);
    if (!sig || !dodgeable(c.op, c.value, r === 'permit', c.valueTwo)) return [[c]];
    const set = r === 'permit' ? lowForAll(c.op, c.value, c.valueTwo) : lowForSome(c.op, c.value, c.valueTwo);
    if (r === 'deny' && set.kind === 'none') return [[c]]; // matches nothing as written either
    rewritten.push(c);
    const blocks = blockConds(c.index, set);
    return blocks === undefined ? [[]] : blocks.map((b) => [b]);
  };
  let tooMany: number | undefined;
  const choices = pieces.map((alts) => alts.flatMap((list) => {
    const each = list.map(rewrite);
    const out = product(each, MAX_RULES);
    if (!out) tooMany = each.reduce((n, c) => n * c.length, 1);
    return out ?? [list];
  }));
  const lists = tooMany === undefined ? product(choices, MAX_RULES) : undefined;
  if (!lists) return { rewritten, tooMany: tooMany ?? choices.reduce((n, c) => n * c.length, 1) };
  if (id === undefined && rewritten.length === 0) return { rewritten };
  return { lists, rewritten, id: id ?? (lists.length === 0 ? 'hardenInt32Never' : 'hardenInt32') };
}

function argText(a: Analysis, name: string, conds: readonly Cond[]): { arg: string; type: string } {
  const seen = [...new Set(conds.map((c) => c.index))];
  const sigs = seen.map((i) => truncated(a, name, i));
  return {
    arg: seen.map((i, k) => `a${i}${sigs[k] ? ` (${sigs[k]!.name})` : ''}`).join(', '),
    type: [...new Set(sigs.map((s) => s?.type ?? '?'))].join(', '),
  };
}

export function int32Step(a: Analysis, env: StepEnv): StepResult {
  const notes: Diagnostic[] = [];
  const units: StepUnit[] = [];
  for (const [i, r] of a.draft.rules.entries()) {
    const p = parsedRule(a, i);
    if (!p || p.args.length === 0) continue;
    const rules: DraftRule[] = [];
    const changes: Change[] = [];
    const origin = r.origin ?? `${env.input.pointerBase}/syscalls`;
    const groups = new Map<string, { names: string[]; plan: Plan }>();
    for (const name of p.names) {
      const pl = plan(a, p, r.json, name);
      if (pl.tooMany !== undefined) notes.push(note(env, 'hardenTooManyRules', { names: name, conditions: pl.rewritten.map(condText).join(', '), count: pl.tooMany }, origin));
      const key = pl.lists ? `rules:${pl.lists.map((l) => `[${l.map((c) => printJsonValue(c.json)).join('&')}]`).join('|')}` : KEEP;
      const g = groups.get(key);
      if (g) g.names.push(name);
      else groups.set(key, { names: [name], plan: pl });
    }
    const kept = groups.get(KEEP);
    if (kept) rules.push(kept.names.length === p.names.length ? r : { ...r, json: withNames(r.json, kept.names) });
    for (const [key, { names, plan: pl }] of groups) {
      if (key === KEEP || !pl.lists) continue;
      const shown = pl.rewritten.length > 0 ? pl.rewritten : p.args.map((c, k) => ({ ...c, json: r.json, at: k }));
      const what = shown.map(condText).join(', ');
      pl.lists.forEach((list, k) => {
        let json = withArgs(withNames(r.json, names), list.map((c) => c.json));
        if (getField(json, 'comment') === undefined) json = withField(json, 'comment', `syscage harden: ${what}, on the low 32 bits (${k + 1} of ${pl.lists!.length})`);
        rules.push({ ...r, json });
      });
      const { arg, type } = argText(a, names[0]!, shown);
      const pointer = pl.rewritten.length === 1 && pl.rewritten[0]!.at !== undefined ? `${origin}/args/${pl.rewritten[0]!.at}` : origin;
      const effect = role(a, p, names[0]!) === 'permit' ? 'no longer lets a call through' : 'no longer slips a call past this rule';
      changes.push(change(env, 'int32', pl.id!, { names: names.join(', '), conditions: what, arg, type, count: pl.lists.length, effect }, pointer));
    }
    if (changes.length > 0) units.push({ index: i, replacement: rules, changes });
  }
  return { ...applyUnits(a.draft.rules, units), notes, units };
}
