// The partition of the decision space against the interpreter: every leaf's witness gets the
// leaf's value; every random seccomp_data lies in exactly one leaf, and that leaf's value (or,
// for `ret a` on data, its expression) is what the interpreter returns. On the programs compilers
// emit (syscage's and libseccomp's, from random policies and real profiles) it is also exact.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHES, archByName } from '../../src/arch/index.js';
import type { Arch } from '../../src/arch/arch.js';
import { validate } from '../../src/bpf/validate.js';
import { decode } from '../../src/bpf/encode.js';
import type { Program } from '../../src/bpf/instruction.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { partition, type Partition } from '../../src/analysis/partition/partition.js';
import { abiSpace, allSpaces } from '../../src/analysis/partition/spaces.js';
import { regionContains, regionWitness, wordsOfData } from '../../src/analysis/partition/region.js';
import { evalSym } from '../../src/analysis/partition/expr.js';
import { hexSeed, interestingWords, randomCases, randomProgram, Rng, runSeed } from '../differential/random-program.js';
import { randomPolicy, rng, INTERESTING } from '../property/random-policy.js';

const { seed: SEED } = runSeed();
console.log(`partition: seed ${hexSeed(SEED)} (replay with SYSCAGE_SEED=${SEED})`);

const X86_64 = archByName('x86_64')!;

/** The leaf holding `data`, checked to be the only one. */
function leafOf(p: Partition, data: SeccompData, arch: Arch) {
  const hits = p.leaves.filter((l) => regionContains(l.region, data, arch.endian));
  expect(hits.length).toBe(1);
  return hits[0]!;
}

function checkPoint(program: Program, p: Partition, data: SeccompData, arch: Arch, where: string): void {
  const leaf = leafOf(p, data, arch);
  if (leaf.unknown === 'budget') return;
  const want = simulate(program, arch.endian, data).value;
  const words = wordsOfData(data, arch.endian);
  const got = leaf.value ?? (leaf.returns !== undefined ? evalSym(leaf.returns, (o) => words[o >> 2]!) : undefined);
  expect(got, where).toBe(want);
}

function checkWitnesses(program: Program, p: Partition, arch: Arch, where: string): number {
  let n = 0;
  let searched = 0;
  for (const leaf of p.leaves) {
    // a region with opaque tests is searched for a member: a few hundred per program are enough
    if (leaf.region.opaque.length > 0 && ++searched > 300) continue;
    const w = regionWitness(leaf.region, arch.endian);
    if (!w.found) { expect(leaf.region.opaque.length, where).toBeGreaterThan(0); continue; }
    expect(regionContains(leaf.region, w.data, arch.endian), where).toBe(true);
    if (leaf.value !== undefined) expect(simulate(program, arch.endian, w.data).value, where).toBe(leaf.value);
    n++;
  }
  return n;
}

describe('partition', () => {
  it('random valid programs (every opcode): leaves cover the space once and agree with the interpreter', () => {
    const r = new Rng(SEED);
    let points = 0;
    let leaves = 0;
    for (let i = 0; i < 150; i++) {
      const cases = randomCases(r, 40);
      const words = interestingWords(r, cases);
      const raw = randomProgram(r, { size: 5 + r.int(40), words });
      const v = validate(raw);
      expect(v.diagnostics).toEqual([]);
      const program = v.value!;
      // x86_64 and x32 share the arch value: together they hold every case
      const parts = [abiSpace(X86_64), abiSpace(archByName('x32')!)].map((s) => partition(program, s.region, { budget: 300_000 }));
      const p: Partition = { leaves: parts.flatMap((x) => x.leaves), exact: false, complete: true, steps: 0 };
      leaves += p.leaves.length;
      for (const c of cases) {
        checkPoint(program, p, c, X86_64, `seed ${hexSeed(SEED)} program ${i}`);
        points++;
      }
      checkWitnesses(program, p, X86_64, `seed ${hexSeed(SEED)} program ${i}`);
    }
    console.log(`partition: 150 random programs, ${leaves} leaves, ${points} points in exactly one leaf, 0 mismatches`);
  });

  it('compiled random policies: exact, complete, and every witness and sample agrees', () => {
    const next = rng(SEED);
    let leaves = 0;
    for (let i = 0; i < 60; i++) {
      const policy = randomPolicy(next);
      const program = compilePolicy(policy).program!;
      for (const space of allSpaces()) {
        const arch = space.arch ?? policy.abis[0]!.arch;
        const p = partition(program, space.region);
        expect(p.exact && p.complete, `seed ${SEED} policy ${i} ${space.arch?.name ?? 'other'}`).toBe(true);
        leaves += checkWitnesses(program, p, arch, `seed ${SEED} policy ${i}`);
        if (!policy.abis.some((a) => a.arch === space.arch)) continue;
        const abi = policy.abis.find((a) => a.arch === space.arch)!;
        for (const nr of [...abi.syscalls.keys()].slice(0, 12)) {
          for (let q = 0; q < 4; q++) {
            const args = Array.from({ length: 6 }, () => (BigInt(next() % 2 ? next() : INTERESTING[next() % INTERESTING.length]!) << 32n) | BigInt(INTERESTING[next() % INTERESTING.length]!));
            checkPoint(program, p, { nr, arch: arch.auditArch, instructionPointer: 0n, args }, arch, `seed ${SEED} policy ${i}`);
          }
        }
      }
    }
    console.log(`partition: 60 compiled random policies × ${ARCHES.length + 1} spaces, ${leaves} witnesses checked`);
  });

  it('Docker\'s default as libseccomp 2.5.4 loads it on amd64: exact, one region per path', () => {
    const bytes = readFileSync(new URL('../../examples/docker-default-amd64.bpf', import.meta.url));
    const decoded = decode(new Uint8Array(bytes), 'little');
    const program = validate(decoded.value!).value!;
    for (const name of ['x86_64', 'x32', 'x86', 'aarch64']) {
      const arch = archByName(name)!;
      const p = partition(program, abiSpace(arch).region);
      expect(p.exact && p.complete).toBe(true);
      checkWitnesses(program, p, arch, name);
    }
  });
});
