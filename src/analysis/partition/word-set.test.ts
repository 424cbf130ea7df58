// WordSet against brute force: random conjunctions of word and masked tests, restricted to
// [0, 4095] so every member can be enumerated; the smallest member (or emptiness) must agree.
import { describe, expect, it } from 'vitest';
import { atomHolds, constrain, FULL_WORD, intersectWordSets, member, type CmpOp, type MaskedAtom, type WordSet } from './word-set.js';

const SEED = Number(process.env['SYSCAGE_SEED'] ?? Date.now() % 2 ** 31);

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

const UNIVERSE = 4096;

function randomAtom(next: () => number): MaskedAtom {
  const masks = [0xffffffff, 0xfff, 0xff0, 0x0f0f, 0x1, 0x800, 0xffffff00, 0xfffff000, next() & 0xfff, next()];
  const mask = masks[next() % masks.length]! >>> 0;
  const op = (['eq', 'gt', 'ge'] as const)[next() % 3]!;
  const k = (next() % 3 === 0 ? next() : next() % UNIVERSE) >>> 0;
  return { mask, op, k: op === 'eq' && next() % 2 ? (k & mask) >>> 0 : k, sense: next() % 3 !== 0 };
}

function brute(atoms: readonly MaskedAtom[]): number | undefined {
  for (let w = 0; w < UNIVERSE; w++) if (atoms.every((a) => atomHolds(a, w))) return w;
  return undefined;
}

function build(atoms: readonly MaskedAtom[]): WordSet | undefined {
  let s: WordSet | undefined = constrain(FULL_WORD, 0xffffffff, 'ge', UNIVERSE, false);
  for (const a of atoms) s = s && constrain(s, a.mask, a.op as CmpOp, a.k, a.sense);
  return s;
}

describe('WordSet', () => {
  it(`agrees with brute force on random conjunctions (seed ${SEED})`, () => {
    const next = rng(SEED);
    let empty = 0;
    for (let t = 0; t < 400; t++) {
      const atoms = Array.from({ length: 1 + (next() % 6) }, () => randomAtom(next));
      const want = brute(atoms);
      const got = build(atoms);
      if (want === undefined) empty++;
      expect(got?.witness, `seed ${SEED} case ${t}: ${JSON.stringify(atoms)}`).toBe(want);
      if (got) for (let w = 0; w < UNIVERSE; w += 37) expect(member(got, w)).toBe(atoms.every((a) => atomHolds(a, w)));
    }
    expect(empty).toBeGreaterThan(10);
  });

  it('intersects like the conjunction of both', () => {
    const next = rng(SEED ^ 0x1234);
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: 1 + (next() % 3) }, () => randomAtom(next));
      const b = Array.from({ length: 1 + (next() % 3) }, () => randomAtom(next));
      const x = build(a);
      const y = build(b);
      const want = brute([...a, ...b]);
      const got = x && y ? intersectWordSets(x, y) : undefined;
      expect(got?.witness, `seed ${SEED} case ${t}`).toBe(want);
    }
  });

  it.each([
    ['nr != k chains stay intervals', [[0xffffffff, 'eq', 5, false], [0xffffffff, 'eq', 0, false], [0xffffffff, 'eq', 1, false]], 2, 0],
    ['a high-run mask is a range', [[0xffff0000, 'eq', 0x10000, true]], 0x10000, 0],
    ['bit 30 set (x32)', [[0x40000000, 'eq', 0, false]], 0x40000000, 1],
    ['jset both ways is empty', [[0x4, 'eq', 0, true], [0x4, 'eq', 0, false]], undefined, 0],
    ['masked gt', [[0xff, 'gt', 0xfe, true]], 0xff, 1],
  ] as const)('%s', (_name, atoms, witness, masked) => {
    let s: WordSet | undefined = FULL_WORD;
    for (const [m, op, k, sense] of atoms) s = s && constrain(s, m, op, k, sense);
    expect(s?.witness).toBe(witness);
    if (s) expect(s.masked.length).toBe(masked);
  });
});
