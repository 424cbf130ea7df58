// SPDX-License-Identifier: Apache-2.0
// Action decoding against the kernel: what a filter's 32-bit return value does to a syscall,
// compared with seccomp/action.ts (decodeAction, MAX_ERRNO, the precedence of stacked filters).
// Each filter is `gate(magic); ret #value`, and the call is getppid() (harmless when it runs:
// its result is the parent's pid, this test process). Values that kill are tested one child
// each; the others share a child.
//
// What the kernel does (kernel/seccomp.c __seccomp_filter), in terms of decodeAction:
//   ALLOW, LOG             the syscall runs (data ignored)
//   ERRNO(d)               returns -min(d, MAX_ERRNO); ERRNO(0) returns 0
//   TRACE                  no tracer attached: ENOSYS
//   USER_NOTIF             no listener: ENOSYS
//   TRAP                   SIGSYS to the thread; Node has no handler: the process dies of SIGSYS
//   KILL_THREAD            the calling (main) thread exits; Node's other threads keep the
//                          process alive (the harness sees a zombie leader and kills it)
//   KILL_PROCESS, unknown  the process dies of SIGSYS
// Stacked filters: all run, the lowest ACTION_ONLY(value) as s32 wins, the newest on a tie.

import { describe, expect, it } from 'vitest';
import type { Instruction } from '../../src/bpf/instruction.js';
import { ACTIONS, MAX_ERRNO, decodeAction, formatAction } from '../../src/seccomp/action.js';
import type { ChildStep } from './kernel-child.js';
import { ENOSYS, argsGate, callText, describeOutcome, installStep, pool, requireKernel, runChild, type ChildOutcome } from './kernel-harness.js';

type Outcome = { readonly ran: true } | { readonly errno: number } | { readonly death: 'process' | 'thread' };

const filterFor = (magic: number, value: number): Instruction[] => [...argsGate(magic), { code: 0x06, jt: 0, jf: 0, k: value >>> 0 }];
const call = (magic: number): string => callText(110, [0n, 0n, 0n, 0n, 0n, BigInt(magic) << 32n]);

/** What decodeAction() says the kernel does with `value` for getppid(). */
function predicted(value: number): Outcome {
  const a = decodeAction(value);
  switch (a.kind) {
    case 'ALLOW': case 'LOG': return { ran: true };
    case 'ERRNO': return { errno: Math.min(a.data, MAX_ERRNO) };
    case 'TRACE': case 'USER_NOTIF': return { errno: ENOSYS };
    case 'TRAP': case 'KILL_PROCESS': return { death: 'process' };
    case 'KILL_THREAD': return { death: 'thread' };
  }
}

/** The kernel's choice among stacked filters' values, newest first (seccomp_run_filters). */
function stacked(newestFirst: readonly number[]): number {
  const actionOnly = (v: number): number => (v & 0xffff_0000) | 0; // s32
  let ret = 0x7fff_0000;
  for (const v of newestFirst) if (actionOnly(v) < actionOnly(ret)) ret = v;
  return ret;
}

function observed(o: ChildOutcome, index: number): Outcome | undefined {
  const r = (o.results[index] as [string, number][] | undefined)?.[0];
  if (r) {
    if (r[0] === '-1') return { errno: r[1] };
    if (r[0] === '0') return { errno: 0 };
    return r[0] === String(process.pid) ? { ran: true } : { errno: -1 };
  }
  if (o.mainThreadDied) return { death: 'thread' };
  if (o.signal === 'SIGSYS') return { death: 'process' };
  return undefined;
}

const show = (values: readonly number[]): string => values.map((v) => `${formatAction(v)} [0x${(v >>> 0).toString(16)}]`).join(' under ');

const SURVIVABLE = [
  0x7fff_0000, 0x7fff_1234, // ALLOW, with data
  0x7ffc_0000, 0x7ffc_0055, // LOG
  0x0005_0000, 0x0005_0001, 0x0005_0026, 0x0005_0ffe, 0x0005_0fff, 0x0005_1000, 0x0005_ffff, // ERRNO 0, 1, 38, 4094, 4095, 4096, 0xffff
  0x7ff0_0000, 0x7ff0_0007, // TRACE without a tracer
  0x7fc0_0000, 0x7fc0_0003, // USER_NOTIF without a listener
];
const FATAL = [
  0x8000_0000, 0x8000_0001, // KILL_PROCESS
  0x0000_0000, 0x0000_0001, // KILL_THREAD
  0x0003_0000, 0x0003_0005, // TRAP
  0x0001_0000, 0x0004_0000, 0x7ffd_0000, 0x7fe0_0000, 0xffff_0000, 0x8fff_0000, // unknown actions
];
/** Pairs [older, newer]. */
const STACKS: readonly (readonly [number, number])[] = [
  [0x0005_0005, 0x0005_0009], [0x0005_0009, 0x0005_0005], // equal actions: the newest wins
  [0x0005_0005, 0x7ff0_0001], [0x7ff0_0001, 0x0005_0005], // ERRNO beats TRACE
  [0x7fc0_0000, 0x0005_0005], [0x7ffc_0000, 0x7fff_0000], [0x7fff_0003, 0x7ffc_0000],
  [0x0005_0005, 0x7ffd_0000], [0x7ffd_0000, 0x0005_0005], // an unknown action above ERRNO loses to it
  [0x0005_0005, 0x0001_0000], [0x0005_0005, 0x8000_0000], [0x0005_0005, 0x0000_0000], [0x0003_0001, 0x0005_0005],
];

describe('kernel differential: actions', () => {
  if (!requireKernel({ it, skip: (name) => it.skip(name, () => {}) })) return;

  it('ACTIONS precedence is the kernel\'s order: ACTION_ONLY(value) as s32', () => {
    const byPrecedence = [...ACTIONS].sort((a, b) => a.precedence - b.precedence).map((a) => a.kind);
    const byValue = [...ACTIONS].sort((a, b) => (a.ret | 0) - (b.ret | 0)).map((a) => a.kind);
    expect(byPrecedence).toEqual(byValue);
  });

  it('decodeAction() predicts what the kernel does with each return value', async () => {
    const magic = (i: number): number => (0xa5c1_0000 + i) >>> 0;
    // One child for everything that does not kill.
    const steps: ChildStep[] = [];
    const cases: { values: number[]; index: number }[] = [];
    let m = 0;
    for (const v of SURVIVABLE) {
      steps.push(installStep(filterFor(magic(m), v)));
      cases.push({ values: [v], index: -1 });
      m++;
    }
    for (const [older, newer] of STACKS) {
      const want = predicted(stacked([newer, older]));
      if ('death' in want) continue; // below, one child each
      steps.push(installStep(filterFor(magic(m), older)), installStep(filterFor(magic(m), newer)));
      cases.push({ values: [older, newer], index: -1 });
      m++;
    }
    const survivors = cases.length;
    cases.forEach((c, i) => {
      c.index = steps.length;
      steps.push({ op: 'calls', calls: [call(magic(i))] });
    });
    const jobs: { values: number[]; steps: ChildStep[]; index: number }[] = [];
    for (const v of FATAL) jobs.push({ values: [v], index: 2, steps: [{ op: 'nodump' }, installStep(filterFor(magic(0), v)), { op: 'flush' }, { op: 'calls', calls: [call(magic(0))] }] });
    for (const [older, newer] of STACKS) {
      if (!('death' in predicted(stacked([newer, older])))) continue;
      jobs.push({
        values: [older, newer],
        index: 3,
        steps: [{ op: 'nodump' }, installStep(filterFor(magic(0), older)), installStep(filterFor(magic(0), newer)), { op: 'flush' }, { op: 'calls', calls: [call(magic(0))] }],
      });
    }
    const [shared, ...fatal] = await pool([{ steps, expectDeath: false }, ...jobs.map((j) => ({ steps: j.steps, expectDeath: true }))], 4, (j) =>
      runChild(j.steps, { expectDeath: j.expectDeath, timeoutMs: 10_000 }));
    expect(shared!.results.slice(0, cases[0]!.index).every((e) => e === 0), 'every filter loads').toBe(true);
    expect(shared!.code, describeOutcome(shared!)).toBe(0);
    const rows: string[] = [];
    const mismatches: string[] = [];
    const judge = (values: number[], o: ChildOutcome, index: number): void => {
      const want = predicted(stacked([...values].reverse()));
      const got = observed(o, index);
      rows.push(`${show(values)} → ${JSON.stringify(got)}`);
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${show(values)}: kernel ${JSON.stringify(got)}, decodeAction ${JSON.stringify(want)} (${describeOutcome(o)})`);
    };
    cases.forEach((c) => judge(c.values, shared!, c.index));
    jobs.forEach((j, i) => judge(j.values, fatal[i]!, j.index));
    console.log(`kernel-actions: ${survivors} values/stacks in one child, ${jobs.length} fatal ones in a child each:\n  ${rows.join('\n  ')}`);
    expect(mismatches).toEqual([]);
  }, 30_000);
});
