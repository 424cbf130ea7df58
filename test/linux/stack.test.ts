// Stacked filters as one program (src/linux/stack.ts), shown three ways:
//   1. stackVerdict against the kernel's rule written out by hand (kernel/seccomp.c
//      seccomp_run_filters: signed ACTION_ONLY comparison, ties to the most recent filter,
//      starting from SECCOMP_RET_ALLOW);
//   2. combineFilters on seeded random stacks of random valid programs (`ret a`, scratch memory,
//      every ALU op but div x), the combined program validated and interpreted against
//      stackVerdict of the filters interpreted one by one;
//   3. the live kernel: a stack of filters with ERRNO / TRACE / LOG / ALLOW / computed returns is
//      installed in a child, every combination of selectors is called, and the kernel's answer
//      is compared with what the combined program returns.
import { describe, expect, it } from 'vitest';
import { insn, type Instruction, type Program } from '../../src/bpf/instruction.js';
import { validate } from '../../src/bpf/validate.js';
import { BPF_ABS, BPF_ALU, BPF_DIV, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_A, BPF_SUB, BPF_W, BPF_X } from '../../src/bpf/opcodes.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { combineFilters, severityKey, stackVerdict } from '../../src/linux/stack.js';
import { hexSeed, randomCases, randomProgram, Rng, runSeed } from '../differential/random-program.js';
import { argsGate, callText, installStep, kernelUnavailable, requireKernel, runChild } from '../differential/kernel-harness.js';

const ALLOW = 0x7fff_0000, LOG = 0x7ffc_0000, TRACE = 0x7ff0_0000, NOTIF = 0x7fc0_0000, ERRNO = 0x0005_0000, TRAP = 0x0003_0000;
const KILL_THREAD = 0, KILL_PROCESS = 0x8000_0000;
const prog = (p: readonly Instruction[]): Program => {
  const v = validate(p);
  if (!v.value) throw new Error(JSON.stringify(v.diagnostics));
  return v.value;
};
const ret = (k: number) => insn(BPF_RET | BPF_K, k);

describe('stackVerdict: the kernel rule', () => {
  it('keeps the most severe action, KILL_PROCESS above all (signed comparison)', () => {
    expect(stackVerdict([ALLOW, KILL_PROCESS, ERRNO | 1])).toBe(KILL_PROCESS);
    expect(stackVerdict([ERRNO | 1, KILL_THREAD])).toBe(KILL_THREAD);
    expect(stackVerdict([LOG, TRACE | 3, NOTIF])).toBe(NOTIF);
    expect(stackVerdict([TRAP | 2, ERRNO | 1])).toBe(TRAP | 2);
  });
  it('on equal action bits the most recent filter (listed first) wins, data included', () => {
    expect(stackVerdict([ERRNO | 13, ERRNO | 1])).toBe(ERRNO | 13);
    expect(stackVerdict([ERRNO | 1, ERRNO | 13])).toBe(ERRNO | 1);
  });
  it('starts from SECCOMP_RET_ALLOW: ALLOW data is dropped, no filter means ALLOW', () => {
    expect(stackVerdict([])).toBe(ALLOW);
    expect(stackVerdict([ALLOW | 5])).toBe(ALLOW);
  });
  it('unknown actions rank by their raw bits (0x00010000 beats ERRNO, 0x7ffd0000 loses to LOG)', () => {
    expect(stackVerdict([ERRNO | 1, 0x0001_0000])).toBe(0x0001_0000);
    expect(stackVerdict([0x7ffd_0000, LOG])).toBe(LOG);
    expect(severityKey(KILL_PROCESS)).toBe(0);
  });
});

describe('combineFilters', () => {
  const nrIs = (nr: number, yes: number, no: number): Program => prog([insn(BPF_LD | BPF_W | BPF_ABS, 0), insn(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1), ret(yes), ret(no)]);
  const data = (nr: number): SeccompData => ({ nr, arch: 0xc000003e, instructionPointer: 0n, args: [0n, 0n, 0n, 0n, 0n, 0n] });

  it('returns a single filter as it is', () => {
    const f = nrIs(1, ERRNO | 1, ALLOW);
    expect(combineFilters([f]).value).toBe(f);
  });

  it('two filters: the stack verdict for every number, ties to the more recent', () => {
    const older = nrIs(1, ERRNO | 1, ALLOW);
    const recent = nrIs(2, ERRNO | 2, ERRNO | 9);
    const c = combineFilters([older, recent]).value!;
    for (const nr of [0, 1, 2, 3]) {
      const want = stackVerdict([simulate(recent, 'little', data(nr)).value, simulate(older, 'little', data(nr)).value]);
      expect(simulate(c, 'little', data(nr)).value, `nr ${nr}`).toBe(want);
    }
    expect(simulate(c, 'little', data(1)).value).toBe(ERRNO | 9); // both ERRNO: the recent one's
  });

  it('refuses div x when another filter can return a KILL verdict, and a stack that does not fit', () => {
    const div = prog([insn(BPF_LD | BPF_W | BPF_ABS, 16), insn(BPF_ALU | BPF_DIV | BPF_X), ret(ALLOW)]);
    expect(combineFilters([div, nrIs(1, KILL_PROCESS, ALLOW)]).diagnostics[0]?.code).toBe('SC8021');
    expect(combineFilters([div, nrIs(1, ERRNO | 1, ALLOW)]).value).toBeDefined(); // no KILL elsewhere: exact
    const big = prog([...Array.from({ length: 4000 }, () => insn(BPF_LD | BPF_W | BPF_ABS, 0)), insn(BPF_RET | BPF_A)]);
    expect(combineFilters([big, nrIs(1, ERRNO | 1, ALLOW)]).diagnostics[0]?.code).toBe('SC8023');
  });

  const { seed, fromEnv } = runSeed();
  it(`random stacks of random programs: combined ≡ kernel rule over the filters (seed ${hexSeed(seed)}${fromEnv ? ' from SYSCAGE_SEED' : ''})`, () => {
    const rng = new Rng(seed);
    let combined = 0;
    let refused = 0;
    for (let round = 0; round < 120; round++) {
      const words = [0, 1, 38, 39, 0x7fff0000, 0x50001, 0x80000000, 0x7ff00000, rng.u32(), rng.u32()];
      const stack = Array.from({ length: rng.range(2, 3) }, () => {
        // div x is refused in stacks (see SC8021), so it becomes sub x; every program ends in `ret a`
        const p = randomProgram(rng, { size: rng.range(4, 16), words }).map((i) => (i.code === (BPF_ALU | BPF_DIV | BPF_X) ? { ...i, code: BPF_ALU | BPF_SUB | BPF_X } : i));
        // make some returns constants of interesting actions
        return prog(p.map((i) => (i.code === (BPF_RET | BPF_A) && rng.chance(0.3) ? ret(rng.pick([ALLOW, ERRNO | 3, ERRNO | 4, KILL_PROCESS, TRACE, LOG, KILL_THREAD])) : i)));
      });
      const c = combineFilters(stack);
      if (!c.value) {
        expect(c.diagnostics.map((d) => d.code)).toEqual(['SC8022']); // all 16 cells used: the only refusal expected here
        refused++;
        continue;
      }
      combined++;
      for (const d of randomCases(rng, 40)) {
        const each = [...stack].reverse().map((f) => simulate(f, 'little', d).value);
        expect(simulate(c.value, 'little', d).value, `round ${round}`).toBe(stackVerdict(each));
      }
    }
    expect(combined).toBeGreaterThan(60);
    expect(refused).toBeLessThan(combined);
  });
});

describe('combineFilters on the live kernel', () => {
  if (!requireKernel({ it, skip: it.skip }, kernelUnavailable(), 'stacked-filter kernel check')) return;
  const MAGIC = 0x5ca9e;
  // Filter i reads args[i].lo: 1 → ERRNO(10+i), 2 → TRACE (ENOSYS without a tracer), 3 → LOG
  // (runs), 4 → ERRNO(20+i), 5 → `ret a` of args[3].lo (a computed return), else ALLOW.
  const filter = (i: number): Instruction[] => {
    const body = [
      insn(BPF_LD | BPF_W | BPF_ABS, 16 + 8 * i),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1), ret(ERRNO | (10 + i)),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1), ret(TRACE),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 1), ret(LOG),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 1), ret(ERRNO | (20 + i)),
      insn(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 2), insn(BPF_LD | BPF_W | BPF_ABS, 16 + 24), insn(BPF_RET | BPF_A),
      ret(ALLOW),
    ];
    return [...argsGate(MAGIC), ...body];
  };
  const stack = [0, 1, 2].map((i) => prog(filter(i)));

  it('every selector combination: the kernel answers what the combined program returns', async () => {
    const combined = combineFilters(stack).value!;
    const GETPPID = 110;
    const cases: SeccompData[] = [];
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) for (let c = 0; c < 6; c++) {
      const a3 = [ERRNO | 7, TRACE, ALLOW][(a + b + c) % 3]!;
      cases.push({ nr: GETPPID, arch: 0xc000003e, instructionPointer: 0n, args: [BigInt(a), BigInt(b), BigInt(c), BigInt(a3), 0n, BigInt(MAGIC) << 32n] });
    }
    const out = await runChild([...stack.map((p) => installStep(p)), { op: 'calls', calls: cases.map((d) => callText(d.nr, d.args)) }]);
    expect(out.results.slice(0, 3)).toEqual([0, 0, 0]);
    const answers = out.results[3] as Array<[string, number]>;
    const ppid = String(process.pid); // the child's parent is this worker
    cases.forEach((d, i) => {
      const v = simulate(combined, 'little', d).value;
      const kind = (v & 0xffff_0000) >>> 0;
      const expected: [string, number] = kind === ERRNO ? ['-1', v & 0xffff] : kind === TRACE ? ['-1', 38] : [ppid, 0];
      expect(answers[i], `a0..a3 = ${d.args.slice(0, 4).join(', ')}: combined returns 0x${v.toString(16)}`).toEqual(expected);
    });
  });
});
