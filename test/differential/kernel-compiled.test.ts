// SPDX-License-Identifier: Apache-2.0
// Compiled x86_64 filters in the kernel: seeded random policies (decisions on harmless syscalls
// only, conditions on all six args, every action, every kind of default and bad-arch action,
// sometimes runc's ENOSYS stub) over the ABI sets {x86_64}, {x86_64, x86}, {x86_64, x86, x32}
// and {x86, x86_64}, compiled with compilePolicy() and loaded with seccomp(2) in children of
// ./native/seccomp-probe.c, which makes real calls under them: x86_64 through `syscall`,
// x32-numbered through `syscall`, and i386 through `int $0x80`. Every call's outcome must be
// what evaluate(policy, seccomp_data) says the kernel does with it (./kernel-compiled-gen.ts,
// expectedOutcome), and the kernel must accept every program. Docker's default profile, as
// src/cli/source.ts compiles it for x86_64 under both lenses, is loaded and called the same way.
//
// What the probe can and cannot tell apart: ALLOW and LOG both run the call (its result is
// compared with the same call made just before, without the filter); ERRNO(n) returns
// -min(n, 4095) (0 for ERRNO(0); the policies never use ERRNO(38)); TRACE and USER_NOTIF,
// with no tracer or listener, return -ENOSYS, which is also what ALLOW gives for an unassigned
// number and what runc's stub usually returns; TRAP delivers SIGSYS to a handler that checks
// its data (si_errno), si_syscall and si_arch; KILL_THREAD ends only the calling thread (the
// probe's child has a second thread that sees it); KILL_PROCESS and unknown actions kill the
// child with SIGSYS.
//
// Seed: SYSCAGE_SEED (decimal or 0x hex), printed every run.

import { afterAll, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import type { Program } from '../../src/bpf/instruction.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { Policy } from '../../src/policy/policy.js';
import { formatAction, decodeAction, MAX_ERRNO } from '../../src/seccomp/action.js';
import { BPF_K, BPF_RET } from '../../src/bpf/opcodes.js';
import { validate } from '../../src/bpf/validate.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { hexSeed, Rng, runSeed } from './random-program.js';
import {
  ABI_SETS, callsFor, expectedOutcome, judge, policyJson, randomPolicy, seccompDataOf, showCall,
  unassignedRangeProblems, X86_64, type Call,
} from './kernel-compiled-gen.js';
import { pool, probeAvailability, runProbe, type Probe, type ProbeJobProgram, type ProbeResult } from './kernel-compiled-probe.js';

const { seed } = runSeed();
console.log(`kernel-compiled: seed ${hexSeed(seed)} (replay with SYSCAGE_SEED=${hexSeed(seed)})`);

const PROGRAMS_PER_SET = 30;
/**
 * Programs of each set that also run with some `ret`s changed: the first with all of them, the
 * others with those of one value. Exactly the calls whose verdict simulate() says changed must
 * then fail the judge (the probe does run what was loaded, and the judge does look).
 */
const MUTATED_PER_SET = 4;
const PARALLEL = Math.max(1, Math.min(4, availableParallelism()));

interface Case {
  readonly label: string;
  readonly policy: Policy;
  readonly program: Program;
  readonly calls: readonly Call[];
}

interface Report {
  programs: number;
  calls: number;
  byCallAbi: Record<string, number>;
  byAbiSet: Record<string, { programs: number; calls: number }>;
  byOutcome: Record<string, number>;
  bySource: Record<string, number>;
  loadFailures: string[];
  mismatches: string[];
  instructions: { min: number; max: number };
  /** Calls decided by a decision with conditions, and per (arg, half) the conditions that held in them. */
  conditional: number;
  heldConditions: Record<string, number>;
  /** Calls to a syscall with conditional decisions that none of them decided. */
  fellThrough: number;
}

function emptyReport(): Report {
  return { programs: 0, calls: 0, byCallAbi: {}, byAbiSet: {}, byOutcome: {}, bySource: {}, loadFailures: [], mismatches: [], instructions: { min: Infinity, max: 0 }, conditional: 0, heldConditions: {}, fellThrough: 0 };
}

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** Runs the cases in the probe (in parallel jobs) and judges every call. */
async function exercise(probe: Probe, cases: readonly Case[], report: Report): Promise<void> {
  const perJob = Math.max(1, Math.ceil(cases.length / (PARALLEL * 4)));
  const jobs: Case[][] = [];
  for (let i = 0; i < cases.length; i += perJob) jobs.push(cases.slice(i, i + perJob));
  const results = await pool(jobs, PARALLEL, (job) => runProbe(probe, job.map((c): ProbeJobProgram => ({ program: c.program, calls: c.calls }))));
  jobs.forEach((job, ji) => job.forEach((c, ci) => judgeCase(c, results[ji]![ci]!, report)));
}

function judgeCase(c: Case, results: readonly ProbeResult[], report: Report): void {
  report.programs++;
  report.instructions.min = Math.min(report.instructions.min, c.program.length);
  report.instructions.max = Math.max(report.instructions.max, c.program.length);
  const set = c.policy.abis.map((a) => a.arch.name).join('+');
  const s = (report.byAbiSet[set] ??= { programs: 0, calls: 0 });
  s.programs++;
  let refused = false;
  c.calls.forEach((call, i) => {
    const got = results[i]!;
    report.calls++;
    s.calls++;
    bump(report.byCallAbi, call.abi);
    if (got.kind === 'load') {
      if (!refused) report.loadFailures.push(`${c.label}: the kernel refused the program (errno ${got.errno}), ${c.program.length} instructions; policy ${policyJson(c.policy)}`);
      refused = true;
      return;
    }
    const data = seccompDataOf(call);
    const verdict = evaluate(c.policy, data);
    const kind = decodeAction(verdict.action).kind;
    bump(report.bySource, `${verdict.stub ? 'stub' : verdict.decision ? 'decision' : verdict.abi ? 'default' : 'bad-arch'} ${kind}`);
    bump(report.byOutcome, got.kind);
    if (verdict.decision && verdict.decision.conditions.length > 0) {
      report.conditional++;
      for (const cond of verdict.decision.conditions) bump(report.heldConditions, `a${cond.arg}.${cond.half}${cond.negate ? '!' : ''}`);
    } else if (verdict.abi?.syscalls.get(data.nr)?.some((d) => d.conditions.length > 0)) {
      report.fellThrough++;
    }
    const pre = 'pre' in got ? got.pre : NaN;
    // The unfiltered run must show the call is what the generator meant: a harmless syscall
    // (a non-negative result) or no syscall (ENOSYS, or the real result of an x32 syscall if
    // x32 were enabled here).
    const sane = pre >= 0 || pre === -38;
    const exp = expectedOutcome(verdict.action, data, pre);
    const why = sane ? judge(exp, got) : `the unfiltered call returned ${pre}: not a harmless call`;
    if (why !== undefined) {
      const sim = simulate(c.program, 'little', data).value;
      report.mismatches.push(
        `${c.label} call ${i}: ${showCall(call)}\n` +
        `  evaluate: ${formatAction(verdict.action)}; simulate(program): ${formatAction(sim)}${sim === verdict.action ? '' : ' (COMPILER DIFFERS FROM evaluate)'}\n` +
        `  kernel: ${JSON.stringify(got)}; ${why}\n` +
        `  policy: ${policyJson(c.policy)}`,
      );
    }
  });
}

function printReport(title: string, r: Report, ms: number): void {
  const lines = [
    `${title}: ${r.programs} programs (${r.instructions.min}-${r.instructions.max} instructions), ${r.calls} calls in ${(ms / 1000).toFixed(1)} s, seed ${hexSeed(seed)}`,
    `  calls by ABI: ${Object.entries(r.byCallAbi).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  by ABI set: ${Object.entries(r.byAbiSet).map(([k, v]) => `{${k}} ${v.programs} programs / ${v.calls} calls`).join(', ')}`,
    `  kernel outcomes: ${Object.entries(r.byOutcome).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  verdicts (source, action): ${Object.entries(r.bySource).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  decided by a conditional decision: ${r.conditional} calls (held: ${Object.entries(r.heldConditions).sort().map(([k, v]) => `${k} ${v}`).join(', ')}); past every conditional decision: ${r.fellThrough}`,
    `  load failures: ${r.loadFailures.length}, mismatches: ${r.mismatches.length}`,
  ];
  console.log(lines.join('\n'));
  for (const m of [...r.loadFailures, ...r.mismatches].slice(0, 20)) console.log(m);
}

function assertClean(r: Report): void {
  expect(r.loadFailures, 'every compiled program must be accepted by the kernel').toEqual([]);
  expect(r.mismatches.slice(0, 10), `${r.mismatches.length} calls did not end as evaluate() says (seed ${hexSeed(seed)})`).toEqual([]);
}

/** Another action of another observable class (or other data), for the negative control. */
function mutateAction(k: number): number {
  const a = decodeAction(k);
  switch (a.kind) {
    case 'ALLOW': case 'LOG': return 0x0005_004d; // ERRNO(77)
    case 'ERRNO': return (0x0005_0000 | (Math.min(a.data, MAX_ERRNO) >= 4000 ? 1 : a.data + 1)) >>> 0;
    case 'TRACE': return (0x0003_0000 | a.data) >>> 0; // TRAP, same data
    case 'USER_NOTIF': return 0x0000_0000; // KILL_THREAD
    case 'TRAP': return (0x0003_0000 | (a.data ^ 1)) >>> 0;
    case 'KILL_THREAD': return 0x8000_0000;
    case 'KILL_PROCESS': return 0x0000_0000;
  }
}

/** Changes the `ret`s returning one of the program's values (all of them when `all`). */
function mutateProgram(rng: Rng, p: Program, all: boolean): Program {
  const values = [...new Set(p.filter((ins) => ins.code === (BPF_RET | BPF_K)).map((ins) => ins.k))];
  const victim = rng.pick(values);
  const checked = validate(p.map((ins) => (ins.code === (BPF_RET | BPF_K) && (all || ins.k === victim) ? { ...ins, k: mutateAction(ins.k) } : ins)));
  if (!checked.value) throw new Error(`a mutated program is invalid: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
  return checked.value;
}

const avail = probeAvailability();

describe('compiled filters in the kernel (seccomp-probe)', () => {
  if (!avail.probe) {
    const reason = avail.reason!;
    if (process.env['CI']) {
      it('gcc, seccomp(2) and int $0x80 are usable (CI requires this suite)', () => {
        throw new Error(`compiled-filter kernel suite cannot run: ${reason}`);
      });
    } else {
      console.warn(`\n*** SKIPPING the compiled-filter kernel suite: ${reason} (set CI=1 to make this a failure) ***\n`);
      it.skip(`compiled-filter kernel suite (skipped: ${reason})`, () => undefined);
    }
    return;
  }
  const probe = avail.probe;
  afterAll(() => probe.dispose());

  it('the numbers used as "no syscall" are unassigned on x86_64, i386 and x32', () => {
    expect(unassignedRangeProblems()).toEqual([]);
  });

  it('random policies over four ABI sets: every program loads, every call ends as evaluate() says', async () => {
    const started = Date.now();
    const rng = new Rng(seed).fork('kernel-compiled');
    const cases: Case[] = [];
    // A random policy can need more than the kernel's 4096 instructions (seed 0xae7e132e drew one
    // of 4365 on x86_64+x32+x86); the compiler then refuses it with SC2001, which is its right
    // answer. Such a policy is checked to be refused honestly and replaced by another.
    let tooLarge = 0;
    ABI_SETS.forEach((arches, si) => {
      for (let p = 0; p < PROGRAMS_PER_SET; p++) {
        let policy = randomPolicy(rng, arches);
        let compiled = compilePolicy(policy);
        for (let tries = 0; tries < 5 && compiled.diagnostics.length === 1 && compiled.diagnostics[0]!.code === 'SC2001'; tries++) {
          expect(compiled.stats.instructions, 'SC2001 only for a program over 4096 instructions').toBeGreaterThan(4096);
          tooLarge++;
          policy = randomPolicy(rng, arches);
          compiled = compilePolicy(policy);
        }
        expect(compiled.diagnostics, `set ${si} policy ${p}: ${policyJson(policy)}`).toEqual([]);
        cases.push({ label: `seed ${hexSeed(seed)} set {${arches.map((a) => a.name).join(',')}} policy ${p}`, policy, program: compiled.program!, calls: callsFor(rng, policy) });
      }
    });
    if (tooLarge > 0) console.log(`kernel-compiled: ${tooLarge} random policies over 4096 instructions were refused (SC2001) and replaced`);
    expect(tooLarge, 'policies too large to load should be rare').toBeLessThan(ABI_SETS.length * PROGRAMS_PER_SET / 10);
    const report = emptyReport();
    await exercise(probe, cases, report);
    printReport('kernel-compiled random policies', report, Date.now() - started);
    expect(report.programs).toBe(ABI_SETS.length * PROGRAMS_PER_SET);
    // Every outcome class shows up (a run where one never does is not testing what it claims).
    for (const k of ['ret', 'trap', 'killthread', 'killprocess']) expect(report.byOutcome[k] ?? 0, `outcome ${k}`).toBeGreaterThan(0);
    assertClean(report);
  }, 180_000);

  it('negative control: programs with `ret`s changed are caught, call by call, where simulate() predicts', async () => {
    const rng = new Rng(seed).fork('kernel-compiled-mutated');
    const cases: Case[] = [];
    ABI_SETS.forEach((arches, si) => {
      for (let p = 0; p < MUTATED_PER_SET; p++) {
        const policy = randomPolicy(rng, arches);
        const program = mutateProgram(rng, compilePolicy(policy).program!, p === 0);
        cases.push({ label: `seed ${hexSeed(seed)} mutated set ${si} policy ${p}`, policy, program, calls: callsFor(rng, policy) });
      }
    });
    const report = emptyReport();
    await exercise(probe, cases, report);
    // Which calls must show up as mismatches: those where the mutated program's verdict (by the
    // interpreter) is observably different from the policy's.
    let predicted = 0;
    const expectedLines = new Set<string>();
    for (const c of cases) {
      c.calls.forEach((call, i) => {
        const data = seccompDataOf(call);
        const want = evaluate(c.policy, data).action;
        const sim = simulate(c.program, 'little', data).value;
        // pre is the same for both sides; a placeholder is enough to compare the two expectations.
        if (JSON.stringify(expectedOutcome(want, data, 12345)) !== JSON.stringify(expectedOutcome(sim, data, 12345))) {
          predicted++;
          expectedLines.add(`${c.label} call ${i}:`);
        }
      });
    }
    const seen = report.mismatches.map((m) => m.slice(0, m.indexOf(':', m.indexOf(' call ')) + 1));
    console.log(`kernel-compiled negative control: ${report.programs} mutated programs, ${report.calls} calls, ${report.mismatches.length} mismatches seen, ${predicted} predicted`);
    expect(report.loadFailures).toEqual([]);
    expect(predicted).toBeGreaterThan(report.calls / 8);
    expect(predicted).toBeLessThan(report.calls);
    expect([...new Set(seen)].sort()).toEqual([...expectedLines].sort());
  }, 60_000);

  it("Docker's default profile (runc and libseccomp lenses): loads, and harmless calls end as evaluate() says", async (ctx) => {
    // src/cli/source.ts is not committed yet while this suite is written: import it by a
    // computed specifier so the suite type-checks and runs without it, and skip loudly then.
    const spec = '../../src/cli/source.js';
    type Compile = (text: string, name: string, target: { host: typeof X86_64; lens: 'runc' | 'libseccomp'; diagnostics: [] }) => { program?: Program; policy?: Policy; diagnostics: readonly { severity?: string; code: string; message: string }[] };
    let compileProfileText: Compile | undefined;
    try {
      compileProfileText = ((await import(/* @vite-ignore */ spec)) as { compileProfileText?: Compile }).compileProfileText;
    } catch (e) {
      console.warn(`\n*** kernel-compiled: src/cli/source.ts unavailable (${(e as Error).message}); Docker profile part skipped ***\n`);
    }
    if (!compileProfileText) {
      if (process.env['CI']) throw new Error('src/cli/source.ts compileProfileText is required in CI');
      ctx.skip();
      return;
    }
    const { DOCKER_DEFAULT_PROFILE, DOCKER_DEFAULT_NAME } = await import('../../src/profile/defaults.gen.js');
    const started = Date.now();
    const rng = new Rng(seed).fork('kernel-compiled-docker');
    const cases: Case[] = [];
    for (const lens of ['runc', 'libseccomp'] as const) {
      const s = compileProfileText(DOCKER_DEFAULT_PROFILE, DOCKER_DEFAULT_NAME, { host: X86_64, lens, diagnostics: [] });
      expect(s.program, `${lens}: ${s.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`).toBeDefined();
      const policy = s.policy!;
      cases.push({ label: `Docker default (${lens} lens, ${policy.abis.map((a) => a.arch.name).join('+')})`, policy, program: s.program!, calls: callsFor(rng, policy) });
    }
    const report = emptyReport();
    await exercise(probe, cases, report);
    printReport("kernel-compiled Docker's default profile", report, Date.now() - started);
    expect(report.programs).toBe(2);
    assertClean(report);
  }, 60_000);
});
