// SPDX-License-Identifier: Apache-2.0
// The interpreter agrees with the running kernel. Random valid programs (every opcode seccomp
// allows, ALU, scratch memory, X) and random seccomp_data are run both ways: by simulate() and
// by the kernel, which runs the program as a seccomp filter in a child process for a real
// syscall carrying that data. Seeded: SYSCAGE_SEED=<seed> replays a run.
//
// How a program's result becomes visible (./kernel-harness.ts): each program is installed
// behind a gate on args[5].hi (its own magic number) and ends in a trailer that returns
// ERRNO(12 bits of the body's A), the 12 bits chosen by args[5].lo. Filters that are not
// addressed return ALLOW, and ERRNO beats ALLOW, so many programs share one child. Every gated
// call returns ERRNO, so no syscall body ever runs. Two comparisons per call:
//   1. the errno the kernel produced = simulate(the exact installed program, the exact data);
//   2. the body's 32-bit A, joined from its three 12-bit slices = simulate(the body alone).
// The instruction pointer the kernel reports (libc's syscall() call site) is calibrated per
// child with the trailer's ip selectors, before and after the cases.

import { describe, expect, it } from 'vitest';
import { disassemble } from '../../src/bpf/disassemble.js';
import type { Instruction, Program } from '../../src/bpf/instruction.js';
import { OPCODES, opcode } from '../../src/bpf/opcodes.js';
import { validate } from '../../src/bpf/validate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { simulate } from '../../src/seccomp/simulate.js';
import {
  BODY_SELECTORS, FILTER_PENALTY, IP_HI_SELECTORS, IP_LO_SELECTORS, MAX_INSNS_PER_PATH,
  callText, convertedLength, describeOutcome, errnoOf, installStep, installedProgram, pool, requireKernel, runChild, runChildren,
} from './kernel-harness.js';
import type { ChildStep } from './kernel-child.js';
import { AUDIT_ARCH_X86_64, BODY_LOAD_OFFSETS, Rng, hexSeed, interestingWords, randomCases, randomProgram, runSeed } from './random-program.js';

const PROGRAMS = Number(process.env['SYSCAGE_KERNEL_PROGRAMS'] ?? 1500);
const CASES_PER_PROGRAM = 6;
const MAGIC_BASE = 0xa5c0_0000; // args[5].hi of gated calls: not a user-space pointer's high word, not a small number
const CALIBRATION_MAGIC = MAGIC_BASE;

const { seed, fromEnv } = runSeed();

interface Subject {
  readonly p: Program; // the body + final `ret a`
  readonly magic: number;
  readonly installed: Program;
  readonly cases: readonly { data: SeccompData; nr: bigint }[]; // data without ip and args[5]; nr as passed (may carry high bits)
}

function check(p: readonly Instruction[], what: string): Program {
  const v = validate(p);
  if (!v.value) throw new Error(`${what} is invalid: ${v.diagnostics.map((d) => d.message).join('; ')}\n${disassemble(p)}`);
  return v.value;
}

function makeSubjects(rng: Rng): Subject[] {
  const out: Subject[] = [];
  for (let i = 0; i < PROGRAMS; i++) {
    const data = randomCases(rng, CASES_PER_PROGRAM);
    const words = interestingWords(rng, data);
    const size = rng.chance(0.1) ? rng.range(40, 70) : rng.range(3, 40);
    const magic = (MAGIC_BASE + 1 + i) >>> 0;
    const p = check(randomProgram(rng, { size, words }), `generated program ${i}`);
    const cases = data.map((d) => ({ data: d, nr: rng.chance(0.1) ? BigInt(d.nr) | (BigInt(rng.u32()) << 32n) : BigInt(d.nr) }));
    out.push({ p, magic, installed: check(installedProgram(p, magic), `installed program ${i}`), cases });
  }
  return out;
}

/** Packs subjects into children under MAX_INSNS_PER_PATH (plus the calibration filter). */
function pack(subjects: readonly Subject[]): Subject[][] {
  const calibration = convertedLength(installedProgram([{ code: 0x16, jt: 0, jf: 0, k: 0 }], CALIBRATION_MAGIC)) + FILTER_PENALTY;
  const budget = MAX_INSNS_PER_PATH - calibration;
  const groups: Subject[][] = [];
  let cur: Subject[] = [];
  let used = 0;
  for (const s of subjects) {
    const cost = convertedLength(s.installed) + FILTER_PENALTY;
    if (used + cost > budget) {
      groups.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(s);
    used += cost;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

const args5 = (magic: number, selector: number): bigint => (BigInt(magic) << 32n) | BigInt(selector);
const calibrationCalls = (): string[] =>
  [...IP_LO_SELECTORS, ...IP_HI_SELECTORS].map((s) => callText(110, [0n, 0n, 0n, 0n, 0n, args5(CALIBRATION_MAGIC, s)]));

function jobFor(group: readonly Subject[]): ChildStep[] {
  const calls: string[] = [...calibrationCalls()];
  for (const s of group) {
    for (const c of s.cases) {
      for (const sel of BODY_SELECTORS) calls.push(callText(c.nr, [...c.data.args.slice(0, 5), args5(s.magic, sel)]));
    }
  }
  calls.push(...calibrationCalls());
  return [
    installStep(installedProgram([{ code: 0x16, jt: 0, jf: 0, k: 0 }], CALIBRATION_MAGIC)),
    ...group.map((s) => installStep(s.installed)),
    { op: 'calls', calls },
  ];
}

function joinSlices(e: readonly number[]): number {
  return (e[0]! | (e[1]! << 12) | (e[2]! << 24)) >>> 0;
}

interface Mismatch {
  readonly kind: string;
  readonly detail: string;
}

function describeSubject(s: Subject, c?: SeccompData): string {
  const text = disassemble(s.p);
  const data = c ? `nr=0x${(c.nr >>> 0).toString(16)} ip=0x${c.instructionPointer.toString(16)} args=[${c.args.map((a) => '0x' + a.toString(16)).join(', ')}]` : '';
  return `program (magic 0x${s.magic.toString(16)}):\n${text}\n${data}`;
}

describe('kernel differential: interpreter', () => {
  if (!requireKernel({ it, skip: (name) => it.skip(name, () => {}) })) return;

  it('simulate() agrees with the kernel on random programs and random seccomp_data', async () => {
    console.log(`kernel-interpret seed=${hexSeed(seed)} (${fromEnv ? 'from SYSCAGE_SEED' : 'random; replay with SYSCAGE_SEED=' + hexSeed(seed)})`);
    const t0 = Date.now();
    const rng = new Rng(seed).fork('interpret');
    const subjects = makeSubjects(rng);
    const groups = pack(subjects);
    const tGen = Date.now() - t0;
    const outcomes = await runChildren(groups.map(jobFor), 2);
    const tKernel = Date.now() - t0 - tGen;
    const mismatches: Mismatch[] = [];
    let calls = 0;
    let bodyChecks = 0;
    let midReturns = 0;
    const executed = new Set<number>();
    const loaded = new Set<number>(); // ld [k] offsets executed
    const jumpWays = new Map<number, [number, number]>(); // code → [taken, not taken]
    let instructions = 0;
    groups.forEach((group, gi) => {
      const o = outcomes[gi]!;
      expect(o.code, describeOutcome(o)).toBe(0);
      const installs = o.results.slice(0, group.length + 1) as number[];
      const results = o.results[group.length + 1] as [string, number][];
      expect(installs[0], 'calibration filter installs').toBe(0);
      group.forEach((s, i) => {
        if (installs[i + 1] !== 0) mismatches.push({ kind: 'kernel refused a valid program', detail: `errno ${installs[i + 1]}\n${describeSubject(s)}` });
      });
      const slices = (from: number): number[] => results.slice(from, from + 3).map((r) => {
        const e = errnoOf(r);
        if (e === 'ran') throw new Error(`calibration call ran: ${JSON.stringify(r)}`);
        return e;
      });
      const ipAt = (from: number): bigint => (BigInt(joinSlices(slices(from + 3))) << 32n) | BigInt(joinSlices(slices(from)));
      const ip = ipAt(0);
      expect(ipAt(results.length - 6), 'the instruction pointer is the same before and after the cases').toBe(ip);
      let r = 6;
      for (const s of group) {
        instructions += s.p.length;
        for (const c of s.cases) {
          const got: (number | 'ran')[] = [];
          for (const sel of BODY_SELECTORS) {
            const data: SeccompData = { ...c.data, instructionPointer: ip, args: [...c.data.args.slice(0, 5), args5(s.magic, sel)] };
            const v = simulate(s.installed, 'little', data);
            if (v.action.kind !== 'ERRNO') throw new Error(`harness bug: installed program returns ${v.value.toString(16)}`);
            const want = Math.min(v.action.data, 4095);
            const e = errnoOf(results[r++]!);
            calls++;
            got.push(e);
            if (e !== want) {
              mismatches.push({ kind: 'installed program: kernel errno != simulate()', detail: `selector ${sel}: kernel ${e}, simulate ${want} (value 0x${v.value.toString(16)})\n${describeSubject(s, data)}` });
            }
          }
          const data: SeccompData = { ...c.data, instructionPointer: ip, args: [...c.data.args.slice(0, 5), args5(s.magic, 0)] };
          const body = simulate(s.p, 'little', data, { trace: true });
          const path = body.path!;
          path.forEach((pc, i) => {
            const ins = s.p[pc]!;
            executed.add(ins.code);
            const e = opcode(ins.code)!.effect;
            if (e.kind === 'ld-abs') loaded.add(ins.k);
            if (e.kind === 'jmp' && ins.jt !== ins.jf) {
              const w = jumpWays.get(ins.code) ?? [0, 0];
              w[path[i + 1] === pc + 1 + ins.jt ? 0 : 1]++;
              jumpWays.set(ins.code, w);
            }
          });
          if (path[path.length - 1] === s.p.length - 1) {
            bodyChecks++;
            if (got.some((g) => g === 'ran') || joinSlices(got as number[]) !== body.value) {
              mismatches.push({ kind: 'body: kernel A != simulate()', detail: `kernel slices ${JSON.stringify(got)} → 0x${got.every((g) => g !== 'ran') ? joinSlices(got as number[]).toString(16) : '?'}, simulate 0x${body.value.toString(16)}\n${describeSubject(s, data)}` });
            }
          } else {
            midReturns++;
          }
        }
      }
      expect(r, 'every call answered').toBe(results.length - 6);
    });
    const seccompOps = OPCODES.filter((o) => o.seccomp);
    const notExecuted = seccompOps.filter((o) => !executed.has(o.code)).map((o) => `${o.mnemonic}(0x${o.code.toString(16)})`);
    const oneWay = [...jumpWays].filter(([, [t, f]]) => t === 0 || f === 0).map(([code]) => `0x${code.toString(16)}`);
    console.log(
      `kernel-interpret: ${subjects.length} programs (${instructions} instructions, ${(instructions / subjects.length).toFixed(1)} on average) in ${groups.length} children, ` +
        `${calls} gated syscalls (${calls / 3} seccomp_data × 3 slices), ${bodyChecks} body results compared whole, ${midReturns} cases ending in a mid-body ret, ` +
        `${mismatches.length} mismatches, ${Date.now() - t0} ms (generate ${tGen}, children ${tKernel}, compare ${Date.now() - t0 - tGen - tKernel}), seed=${hexSeed(seed)}`,
    );
    for (const m of mismatches.slice(0, 5)) console.log(`MISMATCH (${m.kind}) seed=${hexSeed(seed)}\n${m.detail}`);
    expect(mismatches.map((m) => m.kind)).toEqual([]);
    expect(notExecuted, 'every seccomp opcode is executed by some case').toEqual([]);
    expect(oneWay, 'every conditional jump opcode goes both ways').toEqual([]);
    expect([...loaded].sort((a, b) => a - b), 'every seccomp_data word but args[5] is loaded').toEqual(BODY_LOAD_OFFSETS);
  }, 60_000);

  it('division by X = 0 returns 0 from the filter: the kernel kills the calling thread (KILL_THREAD)', async () => {
    const rng = new Rng(seed).fork('div-by-x-zero');
    console.log(`kernel-interpret div-by-X seed=${hexSeed(seed)}`);
    const magic = (MAGIC_BASE + 0xfff0) >>> 0;
    // Body: X = args[k].lo & mask; A = some data; A /= X; the case data decide whether X is 0.
    const jobs: { steps: ChildStep[]; divByZero: boolean; want?: number; label: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const arg = rng.int(5);
      const mask = rng.pick([0xff, 0xffff_ffff, 0x8000_0000, 1]);
      const p: Instruction[] = [
        { code: 0x20, jt: 0, jf: 0, k: 16 + 8 * arg }, // ld [args[arg].lo]
        { code: 0x54, jt: 0, jf: 0, k: mask }, //         and #mask
        { code: 0x07, jt: 0, jf: 0, k: 0 }, //            tax
        { code: 0x20, jt: 0, jf: 0, k: rng.pick([0, 4, 24, 28]) }, // ld [...]
        { code: 0x3c, jt: 0, jf: 0, k: 0 }, //            div x
        { code: 0x16, jt: 0, jf: 0, k: 0 }, //            ret a
      ];
      const prog = check(p, 'div-by-x body');
      const installed = check(installedProgram(prog, magic), 'div-by-x installed');
      const zero = i % 2 === 0;
      const args = [0, 1, 2, 3, 4].map(() => rng.u64());
      args[arg] = zero ? BigInt.asUintN(64, rng.u64() & ~BigInt(mask)) : (rng.u64() | BigInt(mask & -mask));
      const data: SeccompData = { nr: 110, arch: AUDIT_ARCH_X86_64, instructionPointer: 0n, args: [...args, args5(magic, 0)] };
      const v = simulate(installed, 'little', data);
      expect(v.divisionByZero === true, `case ${i}: the data make X ${zero ? '' : 'non-'}zero`).toBe(zero);
      jobs.push({
        divByZero: zero,
        label: `case ${i}: X = args[${arg}].lo & 0x${mask.toString(16)}`,
        ...(zero ? {} : { want: Math.min(v.action.data, 4095) }),
        steps: [{ op: 'nodump' }, installStep(installed), { op: 'flush' }, { op: 'calls', calls: [callText(110, data.args)] }],
      });
    }
    const outcomes = await pool(jobs, 3, (j) => runChild(j.steps, { expectDeath: j.divByZero, timeoutMs: 10_000 }));
    outcomes.forEach((o, i) => {
      const j = jobs[i]!;
      if (j.divByZero) {
        expect(o.mainThreadDied, `${j.label}: main thread killed, process left hanging (${describeOutcome(o)})`).toBe(true);
      } else {
        expect(o.code, describeOutcome(o)).toBe(0);
        expect(errnoOf((o.results[2] as [string, number][])[0]!), j.label).toBe(j.want);
      }
    });
    console.log(`kernel-interpret div-by-X: ${jobs.length} children, ${jobs.filter((j) => j.divByZero).length} killed by KILL_THREAD as simulate() predicts`);
  }, 30_000);
});
