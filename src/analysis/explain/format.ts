// SPDX-License-Identifier: Apache-2.0
// An Explanation (./explain.ts) as text a person reads at a glance, and as a JSON document with
// both the condition texts and the exact sets behind them.

import { hex32 } from '../../bits.js';
import type { Values64 } from '../partition/fields.js';
import type { WordSet } from '../partition/word-set.js';
import { describeFolded, describeRanges } from './describe.js';
import type { AbiExplanation, ActionGroup, Explanation, Outcome, SubjectExplanation } from './explain.js';
import { IP_FIELD, type Folded } from './fold.js';

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'action': return o.action;
    case 'computed': return `returns ${o.text} (computed from the call)`;
    case 'unknown': return o.reason === 'budget' ? 'not explored (budget exhausted)' : o.reason === 'search' ? 'undecided (search budget exhausted)' : 'undecided (reads no seccomp_data field)';
  }
}

const WIDTH = 100;

function wrap(words: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.length > indent.length && line.length + 1 + w.length > WIDTH) { lines.push(line); line = indent; }
    line += (line.length > indent.length ? ' ' : '') + w;
  }
  if (line.length > indent.length) lines.push(line);
  return lines;
}

function numbersText(g: ActionGroup): string {
  if (g.allNumbers) return 'every number without a name';
  return g.numbers.length ? `numbers without a name: ${describeRanges(g.numbers)}` : '';
}

function conditionsText(f: Folded, abi: AbiExplanation, name: string | undefined): string {
  const c = describeFolded(f, abi.arch, name, abi.unnamed.masked);
  return c.length ? c.join(' ∧ ') : 'always';
}

function subjectLines(s: SubjectExplanation, abi: AbiExplanation, pad: number): string[] {
  const title = s.name ?? 'numbers without a name';
  const otherwise = s.otherwise ? `otherwise ${describeOutcome(s.otherwise)}` : '';
  const single = s.cases.length === 1 && s.cases[0]!.when.length === 1;
  if (single) {
    const c = s.cases[0]!;
    const text = `${describeOutcome(c.outcome)} if ${conditionsText(c.when[0]!, abi, s.name)}${otherwise ? `; ${otherwise}` : ''}`;
    if (pad + text.length <= WIDTH * 2) return [`    ${title.padEnd(pad)}  ${text}`];
  }
  const out = [`    ${title}`];
  const w = Math.max(...s.cases.map((c) => describeOutcome(c.outcome).length), 0);
  for (const c of s.cases) {
    c.when.forEach((f, i) => out.push(`      ${(i === 0 ? describeOutcome(c.outcome) : '').padEnd(w)}  ${i === 0 ? 'if' : 'or'} ${conditionsText(f, abi, s.name)}`));
  }
  if (otherwise) out.push(`      ${otherwise}`);
  return out;
}

export function formatAbi(abi: AbiExplanation): string[] {
  const out = [`${abi.arch.name} (AUDIT_ARCH ${hex32(abi.arch.auditArch, 8)}): ${abi.syscalls} syscalls, ${abi.regions} regions of the decision space${abi.complete ? '' : ' (exploration incomplete)'}`];
  for (const g of abi.groups) {
    const nums = numbersText(g);
    const n = g.syscalls.length;
    const calls = n === 0 ? '' : `${n} syscall${n === 1 ? '' : 's'}`;
    out.push(`  ${g.outcome.action}: ${calls}${calls && nums ? ' and ' : ''}${nums}`);
    out.push(...wrap(g.syscalls, '    '));
  }
  if (abi.dependent.length) {
    out.push(`  depends on the arguments (${abi.dependent.length})`);
    const pad = Math.max(...abi.dependent.map((d) => (d.name ?? '').length));
    for (const d of abi.dependent) out.push(...subjectLines(d, abi, pad));
  }
  return out;
}

export function formatExplanation(e: Explanation): string {
  const out: string[] = [];
  for (const abi of e.abis) out.push(...formatAbi(abi), '');
  const byText = new Map<string, string[]>();
  for (const o of e.others) {
    const text = o.outcomes.map(describeOutcome).join(' | ');
    byText.set(text, [...(byText.get(text) ?? []), o.arch?.name ?? 'arch values no ABI has']);
  }
  const uniform = byText.size === 1;
  for (const [text, who] of byText) {
    const whom = uniform ? `every other ABI (${who.filter((w) => w !== 'arch values no ABI has').join(', ') || 'none'}) and arch values no ABI has` : who.join(', ');
    const varies = !uniform && text.includes(' | ') ? '  (not explained here: --arch names the ABIs to explain)' : '';
    out.push(`${whom}: ${text}${varies}`);
  }
  if (!e.exact) out.push('', 'note: some regions depend on values the program computes, or were not explored; they are shown as such');
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

// --- JSON

const hex = (v: number | bigint) => `0x${v.toString(16)}`;

function wordSetJson(s: WordSet) {
  const intervals: string[][] = [];
  for (let i = 0; i < s.intervals.length; i += 2) intervals.push([hex(s.intervals[i]!), hex(s.intervals[i + 1]!)]);
  return { intervals, masked: s.masked.map((a) => ({ mask: hex(a.mask), op: a.op, k: hex(a.k), holds: a.sense })) };
}

function valuesJson(v: Values64) {
  if (v.kind === 'intervals') {
    const intervals: string[][] = [];
    for (let i = 0; i < v.intervals.length; i += 2) intervals.push([hex(v.intervals[i]!), hex(v.intervals[i + 1]!)]);
    return { intervals };
  }
  if (v.kind === 'words') return { hi: wordSetJson(v.hi), lo: wordSetJson(v.lo) };
  return {};
}

export function outcomeJson(o: Outcome) {
  switch (o.kind) {
    case 'action': return { kind: 'action', action: o.action, value: hex32(o.value, 8) };
    case 'computed': return { kind: 'computed', returns: o.text };
    case 'unknown': return { kind: 'unknown', reason: o.reason };
  }
}

function foldedJson(f: Folded, abi: AbiExplanation, name: string | undefined) {
  const fields: Record<string, unknown> = {};
  if (f.nr) fields['nr'] = wordSetJson(f.nr);
  f.fields.forEach((v, i) => { if (v.kind !== 'any') fields[i === IP_FIELD ? 'instruction_pointer' : `a${i}`] = valuesJson(v); });
  return { conditions: describeFolded(f, abi.arch, name, abi.unnamed.masked), fields, computedTests: f.opaque.length };
}

export function explanationJson(e: Explanation) {
  return {
    endian: e.endian,
    complete: e.complete,
    exact: e.exact,
    abis: e.abis.map((abi) => ({
      arch: abi.arch.name,
      auditArch: hex32(abi.arch.auditArch, 8),
      syscalls: abi.syscalls,
      regions: abi.regions,
      complete: abi.complete,
      exact: abi.exact,
      actions: abi.groups.map((g) => {
        const numbers: string[][] = [];
        for (let i = 0; i < g.numbers.length; i += 2) numbers.push([hex(g.numbers[i]!), hex(g.numbers[i + 1]!)]);
        return { ...outcomeJson(g.outcome), syscalls: g.syscalls, numbersWithoutName: g.allNumbers ? 'all' : numbers };
      }),
      dependent: abi.dependent.map((d) => ({
        syscall: d.name ?? null,
        ...(d.nr !== undefined ? { nr: d.nr } : {}),
        cases: d.cases.map((c) => ({ outcome: outcomeJson(c.outcome), when: c.when.map((f) => foldedJson(f, abi, d.name)) })),
        otherwise: d.otherwise ? outcomeJson(d.otherwise) : null,
      })),
    })),
    others: e.others.map((o) => ({ arch: o.arch?.name ?? null, outcomes: o.outcomes.map(outcomeJson) })),
  };
}
