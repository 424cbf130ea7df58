// SPDX-License-Identifier: Apache-2.0
// The validator agrees with the kernel: for hand-made and random (mostly invalid) programs,
// validate() accepts exactly what seccomp(2) accepts; the kernel's EINVAL on load is the oracle.
// Seeded: SYSCAGE_SEED=<seed> replays a run.
//
// Candidates are loaded, many per child, behind a gate no call passes (kernel-harness.ts
// neverGate: `ld [arch]; jeq #0, candidate, allow; allow: ret ALLOW`), so an accepted candidate
// never runs. The gate provably does not change the kernel's verdict:
//   - every check of bpf_check_classic() and seccomp_check_filter() is per instruction, on the
//     last instruction, or on a jump's target relative to its own pc and to the length:
//     `pc + jt + 1 >= flen` and `k >= flen - pc - 1` are unchanged when pc and flen both grow
//     by 3; the gate's own instructions are valid and its jumps stay inside it;
//   - check_load_and_stores() enters the candidate with the initial state: at the gate's jeq
//     memvalid is 0, so masks[2] and masks[3] become 0; the ret at 2 does not change memvalid,
//     so the candidate's first instruction (pc 3) starts with memvalid = 0 & masks[3] = 0, as
//     pc 0 of the bare candidate does (memvalid starts at 0); candidate jumps cannot reach the
//     gate (forward only), so every later mask is what it is for the bare candidate;
//   - bpf_convert_filter()'s own errors (targets, 16-bit offsets) depend only on the
//     instructions between a jump and its target, all candidate instructions;
//   - the length limit: a gated candidate has length + 3 <= 4096 (checked); the length cases
//     (0, 4096, 4097, ...) are loaded bare and are built harmless (they only ever ALLOW).
// A child can attach filters of MAX_INSNS_PER_PATH converted instructions in all; candidates
// are packed as if all were accepted, so a surprise acceptance cannot push others into ENOMEM.

import { describe, expect, it } from 'vitest';
import { disassemble } from '../../src/bpf/disassemble.js';
import type { Instruction } from '../../src/bpf/instruction.js';
import { validate } from '../../src/bpf/validate.js';
import type { ChildStep } from './kernel-child.js';
import {
  EINVAL, FILTER_PENALTY, MAX_INSNS_PER_PATH, SECCOMP_RET_ALLOW, callText, convertedLength, describeOutcome,
  installStep, neverGate, requireKernel, runChildren,
} from './kernel-harness.js';
import { Rng, hexSeed, interestingWords, mutate, randomCases, randomProgram, runSeed } from './random-program.js';

const RANDOM_CANDIDATES = Number(process.env['SYSCAGE_KERNEL_CANDIDATES'] ?? 4000);
const { seed, fromEnv } = runSeed();

interface Candidate {
  readonly name: string;
  /** For the statistics: `hand-made`, a mutation kind, `double` or `random valid`. */
  readonly kind: string;
  readonly program: readonly Instruction[];
  /** Load without the gate (length cases; the program must be harmless). */
  readonly bare?: boolean;
  /** sock_fprog.len to tell the kernel instead of program.length (only bare). */
  readonly len?: number;
}

const I = (code: number, k = 0, jt = 0, jf = 0): Instruction => ({ code, jt, jf, k: k >>> 0 });
const RET_ALLOW = I(0x06, SECCOMP_RET_ALLOW);
const RET_A = I(0x16);

/** A harmless program of exactly n instructions (n >= 1): loads and ALU, then ret ALLOW. */
function harmless(n: number, lastNotRet = false): Instruction[] {
  const body = Array.from({ length: n - 1 }, (_, i) => [I(0x20, (i % 16) * 4), I(0x04, i), I(0x00, i), I(0x07), I(0x02, i % 16)][i % 5]!);
  return [...body, lastNotRet ? I(0x00, 0) : RET_ALLOW];
}

function handMade(): Candidate[] {
  const c: Candidate[] = [];
  const add = (name: string, program: Instruction[], extra: Partial<Candidate> = {}): void => {
    c.push({ name, kind: 'hand-made', program, ...extra });
  };
  // --- length
  add('length 0 (NULL filter pointer)', [], { bare: true });
  add('length 0 told to the kernel, with a valid filter behind the pointer', [RET_ALLOW], { bare: true, len: 0 });
  add('1 instruction: ret ALLOW', [RET_ALLOW], { bare: true });
  add('4096 instructions', harmless(4096), { bare: true });
  add('4097 instructions', harmless(4097), { bare: true });
  add('4096 instructions, the last not a return', harmless(4096, true), { bare: true });
  add('4096 instructions, an invalid one in the middle', (() => { const p = harmless(4096); p[2000] = I(0x94, 3); return p; })(), { bare: true });
  add('4093 instructions behind the 3-instruction gate = 4096', harmless(4093));
  // --- opcodes classic BPF has and seccomp refuses, and codes that are not classic BPF
  add('ret x (0x0e, not classic BPF)', [I(0x0e)]);
  add('mod #3', [I(0x20, 0), I(0x94, 3), RET_A]);
  add('mod x', [I(0x20, 0), I(0x01, 3), I(0x9c), RET_A]);
  add('mod #0', [I(0x20, 0), I(0x94, 0), RET_A]);
  add('ldh [0]', [I(0x28, 0), RET_A]);
  add('ldb [0]', [I(0x30, 0), RET_A]);
  add('ld [x+0]', [I(0x40, 0), RET_A]);
  add('ldh [x+0]', [I(0x48, 0), RET_A]);
  add('ldb [x+0]', [I(0x50, 0), RET_A]);
  add('ldxb 4*([0]&0xf)', [I(0xb1, 0), RET_A]);
  add('ldx [0] (0x21: seccomp\'s internal rewrite of ld [k])', [I(0x21, 0), RET_A]);
  add('neg with the X bit (0x8c)', [I(0x8c), RET_A]);
  add('code with bit 8 set (0x0106)', [I(0x0106, SECCOMP_RET_ALLOW)]);
  add('code 0xffff', [I(0xffff), RET_A]);
  // --- loads
  add('ld [60] (args[5].hi)', [I(0x20, 60), RET_A]);
  add('ld [62] (misaligned)', [I(0x20, 62), RET_A]);
  add('ld [64] (past seccomp_data)', [I(0x20, 64), RET_A]);
  add('ld [0xfffff000] (ancillary SKF_AD_PROTOCOL: classic accepts, seccomp refuses)', [I(0x20, 0xffff_f000), RET_A]);
  add('ld [0xfffff0fc] (unknown ancillary)', [I(0x20, 0xffff_f0fc), RET_A]);
  add('ld [0x80000000]', [I(0x20, 0x8000_0000), RET_A]);
  add('ld #len with a non-zero k (the kernel overwrites k)', [I(0x80, 12345), RET_A]);
  add('ldx #len with a non-zero k', [I(0x81, 0xffff_ffff), I(0x87), RET_A]);
  // --- ALU constants
  add('div #0', [I(0x20, 0), I(0x34, 0), RET_A]);
  add('div #1', [I(0x20, 0), I(0x34, 1), RET_A]);
  add('div x (X may be 0: accepted, decided at run time)', [I(0x20, 0), I(0x3c), RET_A]);
  add('lsh #31', [I(0x20, 0), I(0x64, 31), RET_A]);
  add('lsh #32', [I(0x20, 0), I(0x64, 32), RET_A]);
  add('rsh #0xffffffff', [I(0x20, 0), I(0x74, 0xffff_ffff), RET_A]);
  add('lsh x (any X)', [I(0x20, 0), I(0x01, 1000), I(0x6c), RET_A]);
  // --- scratch memory
  add('st M[15]; ld M[15]', [I(0x02, 15), I(0x60, 15), RET_A]);
  add('st M[16]', [I(0x02, 16), RET_A]);
  add('ld M[16]', [I(0x02, 0), I(0x60, 16), RET_A]);
  add('ldx M[0xffffffff]', [I(0x02, 0), I(0x61, 0xffff_ffff), RET_A]);
  add('ld M[0] never written', [I(0x60, 0), RET_A]);
  add('stx M[3]; ldx M[3]', [I(0x03, 3), I(0x61, 3), RET_A]);
  add('M[0] written on one path only', [I(0x20, 0), I(0x15, 1, 0, 1), I(0x02, 0), I(0x60, 0), RET_A]);
  add('M[0] written on both paths', [I(0x20, 0), I(0x15, 1, 0, 2), I(0x02, 0), I(0x05, 1), I(0x02, 0), I(0x60, 0), RET_A]);
  // The quirk: a `ret` does not reset memvalid, so the state before it flows on. Here pc 5 is
  // reached only from pc 3 (M[0] written), yet the kernel refuses it: the ret at pc 4 hands
  // it "nothing written" (pc 4's state comes from the jeq at pc 1).
  add('quirk: read after a ret, only reachable with M[0] written, refused', [
    I(0x20, 0), I(0x15, 1, 0, 2), I(0x02, 0), I(0x05, 1), I(0x06, 0x0005_0001), I(0x60, 0), RET_A,
  ]);
  // …and the other way: dead code after a ret inherits the ret's state, so this read passes.
  add('quirk: dead read after a ret inherits the state before the ret, accepted', [I(0x02, 0), I(0x06, 0x0005_0001), I(0x60, 0), RET_A]);
  add('dead read after a ja is accepted (memvalid = all after a jump)', [I(0x05, 1), I(0x06, SECCOMP_RET_ALLOW), I(0x60, 7), RET_A]);
  add('dead read after a ja, but the ja jumps to it without M[7]', [I(0x05, 0), I(0x60, 7), RET_A]);
  // --- jumps
  add('jeq to the last instruction', [I(0x20, 0), I(0x15, 0, 1, 0), I(0x06, 0x0005_0001), RET_A]);
  add('jeq one past the last instruction', [I(0x20, 0), I(0x15, 0, 2, 0), I(0x06, 0x0005_0001), RET_A]);
  add('jf 255 past the end', [I(0x20, 0), I(0x15, 0, 0, 255), RET_A]);
  add('ja to the last instruction', [I(0x05, 1), I(0x06, 0x0005_0001), RET_A]);
  add('ja one past the end', [I(0x05, 2), I(0x06, 0x0005_0001), RET_A]);
  add('ja 0xffffffff', [I(0x05, 0xffff_ffff), RET_A]);
  add('ja 0x80000000', [I(0x05, 0x8000_0000), RET_A]);
  add('last instruction is ja', [I(0x05, 0)]);
  add('last instruction is jeq', [I(0x20, 0), I(0x15, 0, 0, 0)]);
  add('jset with jt = jf = 0', [I(0x20, 0), I(0x45, 1, 0, 0), RET_A]);
  add('jgt x to the last instruction', [I(0x20, 0), I(0x2d, 0, 1, 1), I(0x06, 1), RET_A]);
  // --- fields the opcode does not read
  add('ret #k with jt = jf = 255', [I(0x06, SECCOMP_RET_ALLOW, 255, 255)]);
  add('tax with k, jt, jf set', [I(0x20, 0), I(0x07, 5, 7, 9), RET_A]);
  add('ja with jt, jf set', [I(0x05, 0, 200, 200), RET_A]);
  add('ret a with k set', [I(0x16, 77)]);
  return c;
}

function randomCandidates(rng: Rng): Candidate[] {
  const out: Candidate[] = [];
  while (out.length < RANDOM_CANDIDATES) {
    const cases = randomCases(rng, 4);
    const base = randomProgram(rng, { size: rng.range(1, 30), words: interestingWords(rng, cases), divByAnyX: rng.chance(0.3) });
    if (rng.chance(0.08)) {
      out.push({ name: 'random valid', kind: 'random valid', program: base });
      continue;
    }
    const m = mutate(rng, base);
    if (rng.chance(0.25) && m.program.length > 0) {
      const m2 = mutate(rng, m.program);
      out.push({ name: `${m.kind} then ${m2.kind}`, kind: 'double', program: m2.program });
    } else {
      out.push({ name: m.kind, kind: m.kind, program: m.program });
    }
  }
  return out;
}

/** What one child is given for a candidate, and what it costs towards MAX_INSNS_PER_PATH. */
function loadStep(c: Candidate): { step: ChildStep; cost: number } {
  // Fields out of their C types would be truncated by encode(): the kernel would judge another program.
  for (const ins of c.program) {
    const ok = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;
    if (!ok(ins.code, 0xffff) || !ok(ins.jt, 0xff) || !ok(ins.jf, 0xff) || !ok(ins.k, 0xffff_ffff)) {
      throw new Error(`harness bug: candidate "${c.name}" has a field out of range: ${JSON.stringify(ins)}`);
    }
  }
  // An empty program cannot be gated, and needs no gate: the kernel refuses length 0 before installing anything.
  if (c.bare || c.program.length === 0) {
    return { step: installStep(c.program, c.len === undefined ? {} : { len: c.len }), cost: convertedLength(c.program) + FILTER_PENALTY };
  }
  if (c.program.length === 0 || c.program.length + 3 > 4096) throw new Error(`candidate ${c.name} cannot be gated: length ${c.program.length}`);
  const gated = [...neverGate(), ...c.program];
  return { step: installStep(gated), cost: convertedLength(gated) + FILTER_PENALTY };
}

function pack(cands: readonly Candidate[]): Candidate[][] {
  const groups: Candidate[][] = [];
  let cur: Candidate[] = [];
  let used = 0;
  for (const c of cands) {
    const { cost } = loadStep(c);
    if (used + cost > MAX_INSNS_PER_PATH) {
      groups.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(c);
    used += cost;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

describe('kernel differential: validator', () => {
  if (!requireKernel({ it, skip: (name) => it.skip(name, () => {}) })) return;

  it('validate() accepts exactly what seccomp(2) accepts (EINVAL otherwise)', async () => {
    console.log(`kernel-validate seed=${hexSeed(seed)} (${fromEnv ? 'from SYSCAGE_SEED' : 'random; replay with SYSCAGE_SEED=' + hexSeed(seed)})`);
    const t0 = Date.now();
    const rng = new Rng(seed).fork('validate');
    const hand = handMade();
    const cands = [...hand, ...randomCandidates(rng)];
    const groups = pack(cands);
    const outcomes = await runChildren(groups.map((g) => g.map((c) => loadStep(c).step)), 2);
    const mismatches: string[] = [];
    const byKind = new Map<string, { accepted: number; refused: number }>();
    const codes = new Map<string, number>();
    let accepted = 0;
    groups.forEach((g, gi) => {
      const o = outcomes[gi]!;
      expect(o.code, describeOutcome(o)).toBe(0);
      expect(o.results.length, describeOutcome(o)).toBe(g.length);
      g.forEach((c, i) => {
        const errno = o.results[i] as number;
        if (errno !== 0 && errno !== EINVAL) throw new Error(`candidate "${c.name}": the kernel answered errno ${errno}, neither 0 nor EINVAL (harness problem)`);
        const kernel = errno === 0;
        // What the kernel was told: the first sock_fprog.len instructions.
        const v = validate(c.len === undefined ? c.program : c.program.slice(0, c.len));
        const ours = v.value !== undefined;
        if (kernel) accepted++;
        const k = byKind.get(c.kind) ?? { accepted: 0, refused: 0 };
        k[kernel ? 'accepted' : 'refused']++;
        byKind.set(c.kind, k);
        for (const d of v.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
        if (kernel !== ours) {
          mismatches.push(
            `"${c.name}": kernel ${kernel ? 'accepts' : 'refuses (EINVAL)'}, validate() ${ours ? 'accepts' : 'refuses: ' + v.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}\n` +
              (c.program.length <= 64 ? disassemble(c.program) : `(${c.program.length} instructions)`),
          );
        }
      });
    });
    console.log(
      `kernel-validate: ${cands.length} candidates (${hand.length} hand-made, ${cands.length - hand.length} random) in ${groups.length} children, ` +
        `kernel accepted ${accepted}, refused ${cands.length - accepted}; ${mismatches.length} mismatches; ${Date.now() - t0} ms; seed=${hexSeed(seed)}`,
    );
    console.log(`kernel-validate: by mutation: ${[...byKind].sort().map(([k, v]) => `${k} ${v.accepted}/${v.refused}`).join(', ')} (accepted/refused)`);
    console.log(`kernel-validate: validate() diagnostics seen: ${[...codes].sort().map(([k, v]) => `${k}×${v}`).join(' ')}`);
    for (const m of mismatches.slice(0, 10)) console.log(`MISMATCH seed=${hexSeed(seed)} ${m}`);
    expect(mismatches).toEqual([]);
    // Every check the validator makes was exercised by some refused candidate.
    for (const code of ['SC3001', 'SC3003', 'SC3004', 'SC3005', 'SC3006', 'SC3007', 'SC3008', 'SC3009', 'SC3010', 'SC3011', 'SC3012', 'SC3013']) {
      expect(codes.get(code) ?? 0, `diagnostic ${code} exercised`).toBeGreaterThan(0);
    }
  }, 60_000);

  it('MAX_INSNS_PER_PATH counts the converted (eBPF) instructions: convertedLength() is exact', async () => {
    // Fill a child with random valid filters, then a harmless pad that brings the total to
    // exactly 32768 (accepted) or 32769 (ENOMEM). An error of even one instruction in
    // convertedLength() over all the filters flips one of the two answers.
    const rng = new Rng(seed).fork('max-insns');
    const ENOMEM = 12;
    const pad = (len: number): Instruction[] => [...Array.from({ length: len - 5 }, () => I(0x00, 0)), RET_ALLOW]; // 3 + (len-5) + 2
    const fillers: Instruction[][] = [];
    let used = 0;
    // The pads must stay within 4096 classic instructions: converted length <= 4100, and the
    // second one is one longer.
    while (MAX_INSNS_PER_PATH - used > 4099) {
      const cases = randomCases(rng, 4);
      const p = [...neverGate(), ...randomProgram(rng, { size: rng.range(5, 60), words: interestingWords(rng, cases), divByAnyX: true })];
      if (!validate(p).value) throw new Error('generated program is invalid');
      const cost = convertedLength(p) + FILTER_PENALTY;
      if (MAX_INSNS_PER_PATH - used - cost < 5) continue;
      fillers.push(p);
      used += cost;
    }
    const rest = MAX_INSNS_PER_PATH - used; // the pad's converted length for a total of exactly 32768
    expect(rest >= 5 && rest + 1 <= 4100, `pad length ${rest}`).toBe(true);
    const fill = fillers.map((p) => installStep(p));
    const [exact, over] = await runChildren([
      [...fill, installStep(pad(rest)), installStep([RET_ALLOW])],
      [...fill, installStep(pad(rest + 1)), installStep(pad(rest))],
    ]);
    console.log(`kernel-validate MAX_INSNS_PER_PATH: ${fillers.length} filters of ${fillers.reduce((n, p) => n + p.length, 0)} classic / ${used - fillers.length * FILTER_PENALTY} converted instructions + a pad of ${rest} converted; seed=${hexSeed(seed)}`);
    for (const o of [exact!, over!]) expect(o.code, describeOutcome(o)).toBe(0);
    expect(exact!.results.slice(0, fillers.length).every((e) => e === 0), 'the fillers load').toBe(true);
    expect(exact!.results.slice(fillers.length), 'total 32768 loads; one more filter is ENOMEM').toEqual([0, ENOMEM]);
    expect(over!.results.slice(fillers.length), 'total 32769 is ENOMEM (and attaches nothing)').toEqual([ENOMEM, 0]);
  }, 30_000);

  it('loadValidated() refuses an invalid program before the kernel sees it and installs a valid one', async () => {
    const magic = 0xa5c2_0000;
    const gated = (k: number): Instruction[] => [I(0x20, 60), I(0x15, magic, 1, 0), RET_ALLOW, I(0x06, k)];
    const call = callText(110, [0n, 0n, 0n, 0n, 0n, BigInt(magic) << 32n]);
    const [o] = await runChildren([[
      { op: 'loadValidated', program: [I(0x20, 60), I(0x15, magic, 1, 0), RET_ALLOW, I(0x94, 3), I(0x06, 0x0005_0007)] }, // mod: invalid
      { op: 'calls', calls: [call] },
      { op: 'loadValidated', program: gated(0x0005_0009) },
      { op: 'calls', calls: [call] },
    ]]);
    expect(o!.code, describeOutcome(o!)).toBe(0);
    expect(o!.results[0]).toEqual({ invalid: ['SC3005'] });
    expect(o!.results[1], 'nothing was installed: the call ran').toEqual([[String(process.pid), 0]]);
    expect(o!.results[2]).toBe(0);
    expect(o!.results[3], 'the valid filter is in force').toEqual([['-1', 9]]);
  }, 30_000);
});
