// SPDX-License-Identifier: Apache-2.0
// Lowers one syscall's decision list (first match wins) to code, for an ABI's byte order.
// Each word condition is
//   ld  [args[i].lo|hi]          ; only when A does not already hold that word
//   and #mask                    ; only for masked tests
//   jeq|jgt|jge #value, T, F     ; T/F swapped when the condition is negated
// A failed condition jumps to the next decision that could still match: decisions whose
// conditions include a test already known false on this path are skipped, and tests already
// known true are not repeated (libseccomp's trees give many decisions a shared prefix).
// No match leaves for the ABI's default action.

import type { Endian } from '../arch/arch.js';
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_W } from '../bpf/opcodes.js';
import { argOffset } from '../seccomp/data.js';
import type { Decision, WordCondition } from '../policy/policy.js';
import { MASK_ALL } from '../policy/policy.js';
import type { NodeId, ProgramBuilder } from './builder.js';

const JUMP = { eq: BPF_JEQ, gt: BPF_JGT, ge: BPF_JGE } as const;

/** What the accumulator holds: a seccomp_data word offset and the mask applied to it. */
export interface AccState {
  readonly offset: number;
  readonly mask: number;
}

function testKey(c: WordCondition): string {
  return `${c.arg}${c.half}${c.op}${c.mask}:${c.value}`;
}

export function lowerDecisions(b: ProgramBuilder, decisions: readonly Decision[], defaultAction: number, endian: Endian, entry: AccState | undefined): NodeId {
  // Most syscalls have one unconditional decision: no search needed.
  const first = decisions[0];
  if (!first) return b.ret(defaultAction);
  if (first.conditions.length === 0) return b.ret(first.action);
  const memo = new Map<string, NodeId>();
  // A fact matters only while a later decision still tests it: forget it after that (keeps the
  // number of distinct paths, and so of memo entries, small).
  const lastUse = new Map<string, number>();
  decisions.forEach((d, i) => d.conditions.forEach((c) => lastUse.set(testKey(c), i)));
  // Facts multiply the paths; past a budget of distinct paths, stop learning new ones (the code
  // stays correct — it only re-tests — and its size stays linear in the decision list).
  const budget = 2 * decisions.reduce((n, d) => n + d.conditions.length, 0) + 32;
  const learn = (known: ReadonlyMap<string, boolean>, tk: string, value: boolean, from: number): Map<string, boolean> => {
    const next = new Map<string, boolean>();
    if (memo.size > budget) return next;
    for (const [k, v] of known) if ((lastUse.get(k) ?? -1) >= from) next.set(k, v);
    if ((lastUse.get(tk) ?? -1) >= from) next.set(tk, value);
    return next;
  };

  // Code for: decision i, from condition j on, with facts about tests known on this path. Built
  // depth first with an explicit stack (a profile may hold thousands of decisions for one
  // syscall, deeper than the JS stack): the passed branch first, then the failed one, then the
  // test itself — the order in which the nodes are made, so the layout is the same as ever.
  interface Task {
    readonly i: number;
    readonly jj: number;
    readonly acc: AccState | undefined;
    readonly known: ReadonlyMap<string, boolean>;
    readonly key: string;
    /** The test at (i, jj), where A will be after it, and its fact key. */
    readonly c: WordCondition;
    readonly after: AccState;
    readonly tk: string;
    stage: 0 | 1 | 2;
    passed?: NodeId;
  }
  type Prepared = { readonly node: NodeId } | { readonly task: Task };
  const prepare = (i0: number, j0: number, acc: AccState | undefined, known: ReadonlyMap<string, boolean>): Prepared => {
    for (let i = i0, j = j0; ; i++, j = 0) {
      if (i >= decisions.length) return { node: b.ret(defaultAction) };
      const d = decisions[i]!;
      // Skip tests already known true; a test known false means this decision cannot match.
      let jj = j;
      let cannot = false;
      while (jj < d.conditions.length) {
        const c = d.conditions[jj]!;
        const fact = known.get(testKey(c));
        if (fact === undefined) break;
        if (fact === c.negate) { cannot = true; break; }
        jj++;
      }
      if (cannot) continue;
      if (jj >= d.conditions.length) return { node: b.ret(d.action) };
      const key = `${i}/${jj}/${acc ? `${acc.offset}&${acc.mask}` : '-'}/${[...known].map(([k, v]) => `${k}=${v ? 1 : 0}`).sort().join(',')}`;
      const hit = memo.get(key);
      if (hit !== undefined) return { node: hit };
      const c = d.conditions[jj]!;
      return { task: { i, jj, acc, known, key, c, after: { offset: argOffset(c.arg, c.half, endian), mask: c.mask }, tk: testKey(c), stage: 0 } };
    }
  };
  const root = prepare(0, 0, entry, new Map());
  if ('node' in root) return root.node;
  const stack: Task[] = [root.task];
  let value: NodeId | undefined;
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    const { c, after, tk } = t;
    const offset = after.offset;
    if (t.stage === 0) {
      t.stage = 1;
      const p = prepare(t.i, t.jj + 1, after, learn(t.known, tk, !c.negate, t.i));
      if ('task' in p) { stack.push(p.task); continue; }
      value = p.node;
    }
    if (t.stage === 1) {
      t.passed = value!;
      t.stage = 2;
      const p = prepare(t.i + 1, 0, after, learn(t.known, tk, c.negate, t.i + 1));
      if ('task' in p) { stack.push(p.task); continue; }
      value = p.node;
    }
    const passed = t.passed!;
    const failed = value!;
    let node = b.jump(BPF_JMP | JUMP[c.op] | BPF_K, c.value, c.negate ? failed : passed, c.negate ? passed : failed);
    const acc = t.acc;
    const holds = acc && acc.offset === offset && acc.mask === c.mask;
    if (!holds) {
      if (c.mask !== MASK_ALL) node = b.stmt(BPF_ALU | BPF_AND | BPF_K, c.mask, node);
      // After `and`, A holds the masked word; a plain load is needed unless A has the unmasked word.
      if (!(acc && acc.offset === offset && acc.mask === MASK_ALL && c.mask !== MASK_ALL)) node = b.stmt(BPF_LD | BPF_W | BPF_ABS, offset, node);
    }
    memo.set(t.key, node);
    stack.pop();
    value = node;
  }
  return value!;
}
