// SPDX-License-Identifier: Apache-2.0
// The properties of diff and subset (DESIGN.md §5.4), on seeded pairs of programs (./diff-pairs.ts:
// compiled random policies and random profiles against a one-change copy, random valid programs
// of every opcode against a one-instruction change), every answer checked against the interpreter:
//   diff(p, p)    is empty, and nothing is undecided where both were explored completely (`ret a`
//                 of the same expression on both sides is equal);
//   soundness     every difference's witness lies in its region and simulate gives both reported
//                 values, which differ; on exact regions, random members of the region do too;
//   symmetry      diff(a, b) and diff(b, a) cover the same points: each side's witnesses lie in
//                 the other's regions (values swapped), and sampled points fall in both or neither;
//   completeness  no sampled point where the programs differ lies outside every reported region,
//                 and none lies in two (the regions are disjoint);
//   subset        reflexive; a copy made stricter action by action is at least as strict, and
//                 chains of such copies are transitive; mixed chains keep the implication; every
//                 sampled point where the program is less strict than the baseline lies in a
//                 reported violation (so `holds` is false), and every violation's witness is one.
// Seed: SYSCAGE_SEED (decimal or 0x hex), random otherwise; printed.

import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/bpf/instruction.js';
import type { Endian } from '../../src/arch/arch.js';
import { compareStrictness } from '../../src/analysis/lint/context.js';
import { diffPrograms, type CompareOptions, type Difference, type DiffResult } from '../../src/analysis/diff/diff.js';
import { atLeastAsStrictAs } from '../../src/analysis/diff/subset.js';
import { dataOfWords, regionContains, type Region } from '../../src/analysis/partition/region.js';
import { member, type WordSet } from '../../src/analysis/partition/word-set.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { formatAction } from '../../src/seccomp/action.js';
import { hexSeed, Rng, runSeed } from '../differential/random-program.js';
import { randomPolicy, rng as policyRng } from '../property/random-policy.js';
import { compiled, endianOf, mutatePolicy, policyPairs, policyPoints, profilePairs, programPairs, stricterPolicy, type Pair } from './diff-pairs.js';

const { seed: SEED } = runSeed();
console.log(`diff properties: seed ${hexSeed(SEED)} (replay with SYSCAGE_SEED=${SEED})`);

const root = new Rng(SEED);
const seeds = { policies: root.u32(), profiles: root.u32(), programs: root.u32(), chains: root.u32(), samples: root.u32() };
const profiles = profilePairs(seeds.profiles, 16);
const PAIRS: readonly Pair[] = [...policyPairs(seeds.policies, 60), ...profiles.pairs, ...programPairs(new Rng(seeds.programs), 60)];
const sampler = new Rng(seeds.samples);

const optionsOf = (p: Pair): CompareOptions => ({ spaces: p.spaces, ...(p.exact ? {} : { budget: 300_000 }) });
const cache = new Map<Pair, { ab: DiffResult; ba: DiffResult }>();
function diffs(p: Pair): { ab: DiffResult; ba: DiffResult } {
  let hit = cache.get(p);
  if (!hit) cache.set(p, (hit = { ab: diffPrograms(p.a, p.b, optionsOf(p)), ba: diffPrograms(p.b, p.a, optionsOf(p)) }));
  return hit;
}

const hex = (v: number | undefined) => (v === undefined ? '?' : formatAction(v));
const show = (d: SeccompData) => JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));
const endianOfDiff = (d: Difference): Endian => d.arch?.endian ?? 'little';
/** The reported regions that hold `data` (regionContains decides; nr and arch words first, to keep it quick). */
function holding(ds: readonly Difference[], data: SeccompData): Difference[] {
  const e = endianOf(data);
  const quick = (s: WordSet | undefined, w: number) => !s || member(s, w);
  return ds.filter((d) => endianOfDiff(d) === e && quick(d.region.words[0], data.nr) && quick(d.region.words[1], data.arch) && regionContains(d.region, data, e));
}

/** Collects failures with the seed and the case; the test shows the first few. */
class Failures {
  readonly list: string[] = [];
  add(pair: Pair, what: string): void {
    this.list.push(`seed ${hexSeed(SEED)} ${pair.label}: ${what}`);
  }
  check(): void {
    expect(this.list.slice(0, 5), `${this.list.length} failures`).toEqual([]);
  }
}

/** A random member of one word set (its endpoints often). */
function memberOf(s: WordSet, r: Rng): number {
  for (let t = 0; t < 16; t++) {
    const j = 2 * r.int(s.intervals.length / 2);
    const lo = s.intervals[j]!;
    const hi = s.intervals[j + 1]!;
    const v = r.chance(0.3) ? (r.chance(0.5) ? lo : hi) : (lo + r.int(hi - lo + 1)) >>> 0;
    if (member(s, v)) return v;
  }
  return s.witness;
}

/** A random member of a region without opaque tests (each word drawn from its own set). */
function sampleRegion(region: Region, endian: Endian, r: Rng): SeccompData {
  return dataOfWords(region.words.map((s) => (s ? memberOf(s, r) : r.chance(0.5) ? 0 : r.u32())), endian);
}

describe('diff properties', () => {
  console.log(`diff properties: ${PAIRS.length} pairs (${PAIRS.filter((p) => p.label.startsWith('policy')).length} policy, ${profiles.pairs.length} profile (${profiles.skipped} generated profiles did not compile), ${PAIRS.filter((p) => !p.exact).length} program), ${PAIRS.reduce((n, p) => n + p.points.length, 0)} sampled points`);

  it('diff(p, p) is empty, with nothing undecided where explored completely', () => {
    const f = new Failures();
    let programs = 0;
    let undecided = 0;
    for (const pair of PAIRS) {
      for (const p of [pair.a, pair.b]) {
        const r = diffPrograms(p, p, optionsOf(pair));
        programs++;
        undecided += r.undecided.length;
        if (r.differences.length > 0) f.add(pair, `diff(p, p) reports ${r.differences.length} differences, first at ${show(r.differences[0]!.witness!.data)}`);
        if (pair.exact && !r.complete) f.add(pair, `diff(p, p): incomplete`);
        // equal constants, and the same expression of seccomp_data on both sides, are decided even where the region is not described exactly
        if (r.complete && r.undecided.length > 0) f.add(pair, `diff(p, p): ${r.undecided.length} undecided, first at ${r.undecided[0]!.witness ? show(r.undecided[0]!.witness.data) : 'no witness'}`);
      }
    }
    console.log(`diff(p, p): ${programs} programs, 0 differences; ${undecided} undecided regions (only where an exploration was incomplete)`);
    f.check();
  });

  it('soundness: every witness is in its region and gives the reported, different values; exact regions hold them throughout', () => {
    const f = new Failures();
    let checked = 0;
    let members = 0;
    for (const pair of PAIRS) {
      const { ab, ba } = diffs(pair);
      for (const [r, x, y] of [[ab, pair.a, pair.b], [ba, pair.b, pair.a]] as const) {
        if (pair.exact && (!r.complete || r.undecided.length > 0)) f.add(pair, `compiled programs: complete ${r.complete}, ${r.undecided.length} undecided`);
        for (const d of r.differences) {
          checked++;
          const w = d.witness;
          const e = endianOfDiff(d);
          if (!w) { f.add(pair, 'a difference without a witness'); continue; }
          const va = simulate(x, e, w.data).value;
          const vb = simulate(y, e, w.data).value;
          if (!regionContains(d.region, w.data, e)) f.add(pair, `witness ${show(w.data)} outside its region`);
          if (va !== w.a || vb !== w.b || va === vb) f.add(pair, `witness ${show(w.data)}: reported ${hex(w.a)}/${hex(w.b)}, simulate ${hex(va)}/${hex(vb)}`);
          if (d.exact && (d.a !== va || d.b !== vb)) f.add(pair, `exact region says ${hex(d.a)}/${hex(d.b)}, witness gives ${hex(va)}/${hex(vb)}`);
          if (!d.exact) continue;
          for (let i = 0; i < 4; i++) {
            const data = sampleRegion(d.region, e, sampler);
            members++;
            if (!regionContains(d.region, data, e)) { f.add(pair, `sampled member ${show(data)} is not in the region`); continue; }
            const ma = simulate(x, e, data).value;
            const mb = simulate(y, e, data).value;
            if (ma !== d.a || mb !== d.b) f.add(pair, `exact region ${hex(d.a)}/${hex(d.b)}, but its member ${show(data)} gives ${hex(ma)}/${hex(mb)}`);
          }
        }
      }
    }
    console.log(`soundness: ${checked} differences (both directions) checked at their witness, ${members} random members of exact regions, 0 mismatches`);
    f.check();
  });

  it('symmetry: diff(a, b) and diff(b, a) cover the same points', () => {
    const f = new Failures();
    let witnesses = 0;
    let points = 0;
    for (const pair of PAIRS) {
      const { ab, ba } = diffs(pair);
      for (const [from, to, name] of [[ab, ba, 'diff(a, b)'], [ba, ab, 'diff(b, a)']] as const) {
        for (const d of from.differences) {
          witnesses++;
          const w = d.witness!;
          const there = holding([...to.differences, ...to.undecided], w.data);
          if (there.length === 0) f.add(pair, `${name} witness ${show(w.data)} lies in no region of the other direction`);
          for (const t of there) if (t.exact && (t.a !== w.b || t.b !== w.a)) f.add(pair, `${name} witness ${show(w.data)} ${hex(w.a)}/${hex(w.b)}, the other direction says ${hex(t.a)}/${hex(t.b)}`);
        }
      }
      for (const data of pair.points) {
        points++;
        const inAb = holding(ab.differences, data);
        const inBa = holding(ba.differences, data);
        if (pair.exact && (inAb.length > 0) !== (inBa.length > 0)) f.add(pair, `point ${show(data)}: in diff(a, b) ${inAb.length > 0}, in diff(b, a) ${inBa.length > 0}`);
        if (!pair.exact && inAb.some((d) => d.exact) && holding([...ba.differences, ...ba.undecided], data).length === 0) f.add(pair, `point ${show(data)} in an exact region of diff(a, b) only`);
      }
    }
    console.log(`symmetry: ${witnesses} witnesses found in the other direction's regions, ${points} sampled points in both or neither, 0 mismatches`);
    f.check();
  });

  it('completeness: no sampled point where the programs differ lies outside every reported region', () => {
    const f = new Failures();
    let points = 0;
    let differing = 0;
    for (const pair of PAIRS) {
      const { ab } = diffs(pair);
      for (const data of pair.points) {
        points++;
        const e = endianOf(data);
        const va = simulate(pair.a, e, data).value;
        const vb = simulate(pair.b, e, data).value;
        const hits = holding(ab.differences, data);
        // the regions are cells of one product of two partitions: disjoint
        if (hits.length + holding(ab.undecided, data).length > 1) f.add(pair, `point ${show(data)} lies in ${hits.length} differences and ${holding(ab.undecided, data).length} undecided regions at once`);
        if (va === vb) {
          if (hits.some((d) => d.exact)) f.add(pair, `point ${show(data)} gives ${hex(va)} on both, yet lies in an exact difference`);
          continue;
        }
        differing++;
        const covered = hits.length > 0 || holding(ab.undecided, data).length > 0;
        if (!covered) f.add(pair, `point ${show(data)} gives ${hex(va)}/${hex(vb)} but lies in no reported region`);
        else if (pair.exact && hits.length === 0) f.add(pair, `point ${show(data)} differs and lies only in undecided regions of compiled programs`);
      }
    }
    console.log(`completeness: ${points} sampled points, ${differing} where the programs differ, each inside a reported region; 0 outside`);
    expect(differing).toBeGreaterThan(0);
    f.check();
  });
});

describe('subset properties', () => {
  it('reflexive: every program is at least as strict as itself', () => {
    const f = new Failures();
    for (const pair of PAIRS) {
      for (const p of [pair.a, pair.b]) {
        const r = atLeastAsStrictAs(p, p, optionsOf(pair));
        if (r.differences.length > 0) f.add(pair, `p ⋢ p: ${r.differences.length} violations`);
        if (pair.exact && !r.holds) f.add(pair, `compiled p ⋢ p: holds false (${r.undecided.length} undecided, complete ${r.complete})`);
      }
    }
    f.check();
  });

  it('stricter copies are at least as strict, and chains are transitive (a ⊒ b ⊒ c ⇒ a ⊒ c)', () => {
    const next = policyRng(seeds.chains);
    const counts = { chains: 0, premise: 0, stricter: 0 };
    const fails: string[] = [];
    const holds = (p: Program, base: Program) => atLeastAsStrictAs(p, base).holds;
    for (let n = 0; n < 40; n++) {
      // c ← b ← a: each step stricter (three chains in four) or any change
      const c = randomPolicy(next);
      const step = (p: typeof c) => (next() % 4 !== 0 ? { ...stricterPolicy(p, next), stricter: true } : { ...mutatePolicy(p, next), stricter: false });
      const sb = step(c);
      const sa = step(sb.policy);
      const [pa, pb, pc] = [compiled(sa.policy), compiled(sb.policy), compiled(c)];
      const label = `seed ${hexSeed(SEED)} chain ${n}: c → b (${sb.what}) → a (${sa.what})`;
      counts.chains++;
      for (const [s, x, y, name] of [[sb, pb, pc, 'b ⊒ c'], [sa, pa, pb, 'a ⊒ b']] as const) {
        if (!s.stricter) continue;
        counts.stricter++;
        if (!holds(x, y)) fails.push(`${label}: ${name} made stricter, yet not at least as strict`);
      }
      if (holds(pa, pb) && holds(pb, pc)) {
        counts.premise++;
        if (!holds(pa, pc)) fails.push(`${label}: a ⊒ b and b ⊒ c, but not a ⊒ c`);
      }
    }
    console.log(`subset: ${counts.chains} chains, ${counts.stricter} stricter steps proved at least as strict, ${counts.premise} with a ⊒ b ⊒ c, all with a ⊒ c`);
    expect(fails.slice(0, 5)).toEqual([]);
    expect(counts.premise).toBeGreaterThan(10);
  });

  it('agrees with sampling: a point where the program is less strict lies in a violation, and every violation witness is one', () => {
    const f = new Failures();
    const counts = { comparisons: 0, holding: 0, looser: 0, violations: 0 };
    for (const pair of PAIRS) {
      for (const [x, y] of [[pair.a, pair.b], [pair.b, pair.a]] as const) {
        const s = atLeastAsStrictAs(x, y, optionsOf(pair));
        counts.comparisons++;
        if (s.holds) counts.holding++;
        for (const d of s.differences) {
          counts.violations++;
          const w = d.witness!;
          if (compareStrictness(w.a, w.b) <= 0) f.add(pair, `violation witness ${show(w.data)}: ${hex(w.a)} is at least as strict as ${hex(w.b)}`);
          const e = endianOfDiff(d);
          if (simulate(x, e, w.data).value !== w.a || simulate(y, e, w.data).value !== w.b) f.add(pair, `violation witness ${show(w.data)} does not give its values`);
        }
        for (const data of pair.points) {
          const e = endianOf(data);
          const va = simulate(x, e, data).value;
          const vb = simulate(y, e, data).value;
          const looser = compareStrictness(va, vb) > 0;
          const hits = holding(s.differences, data);
          if (!looser) {
            if (hits.some((d) => d.exact)) f.add(pair, `point ${show(data)} ${hex(va)} vs ${hex(vb)} is no violation, yet lies in an exact one`);
            continue;
          }
          counts.looser++;
          if (s.holds) f.add(pair, `holds, but at ${show(data)} the program gives ${hex(va)}, the baseline ${hex(vb)}`);
          if (hits.length === 0 && holding(s.undecided, data).length === 0) f.add(pair, `point ${show(data)} ${hex(va)} looser than ${hex(vb)} lies in no reported region`);
        }
      }
    }
    console.log(`subset: ${counts.comparisons} comparisons (${counts.holding} hold), ${counts.violations} violation witnesses checked, ${counts.looser} sampled looser points all inside a violation`);
    f.check();
  });
});

// Keep the points generator honest: it reaches every syscall number of a policy's ABIs.
it('the policy sample covers every syscall the policy names', () => {
  const next = policyRng(SEED ^ 0x51);
  const p = randomPolicy(next);
  const pts = policyPoints([p], next);
  for (const abi of p.abis) for (const nr of abi.syscalls.keys()) expect(pts.some((d) => d.arch === abi.arch.auditArch && d.nr === nr)).toBe(true);
});
