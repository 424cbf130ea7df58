// SPDX-License-Identifier: Apache-2.0
// An exact set of u32 values: the values one seccomp_data word may hold in a region of the
// decision space. It is the conjunction of the tests a path made on the word, as classic BPF's
// conditional jumps make them (net/core/filter.c: jeq / jgt / jge / jset against K, after an
// optional `and #mask`):
//   - tests on the whole word (and on masks that keep a run of high bits, which are ranges too)
//     are kept as sorted disjoint intervals, so `nr != k` chains and `jgt` trees stay cheap;
//   - every other masked test `(w & mask) op k` (op eq / gt / ge, or its negation) is kept as an
//     atom and decided by a search over the 32 bits, most significant first (each atom's state is
//     "equal so far", "below" or "above"), which gives the smallest member or proves none exists.
// Nothing is approximated: `witness` is a member, and a set without members is never built.

export type CmpOp = 'eq' | 'gt' | 'ge';

/** `((w & mask) op k) === sense`. */
export interface MaskedAtom {
  readonly mask: number;
  readonly op: CmpOp;
  readonly k: number;
  readonly sense: boolean;
}

export interface WordSet {
  /** Sorted disjoint closed intervals, flat: [lo0, hi0, lo1, hi1, …]. */
  readonly intervals: readonly number[];
  /** Tests the intervals cannot hold. */
  readonly masked: readonly MaskedAtom[];
  /** The smallest member. */
  readonly witness: number;
}

const MAX = 0xffffffff;
export const FULL_WORD: WordSet = Object.freeze({ intervals: Object.freeze([0, MAX]), masked: Object.freeze([]), witness: 0 });

/** The search met more states than it may visit: the caller says the answer is unknown. */
export class SearchBudgetExceeded extends Error {}
const SEARCH_BUDGET = 200_000;

export function atomHolds(a: MaskedAtom, w: number): boolean {
  const x = (w & a.mask) >>> 0;
  const r = a.op === 'eq' ? x === a.k : a.op === 'gt' ? x > a.k : x >= a.k;
  return r === a.sense;
}

function inIntervals(iv: readonly number[], w: number): boolean {
  let lo = 0;
  let hi = iv.length / 2 - 1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (w < iv[2 * m]!) hi = m - 1;
    else if (w > iv[2 * m + 1]!) lo = m + 1;
    else return true;
  }
  return false;
}

export function member(s: WordSet, w: number): boolean {
  return inIntervals(s.intervals, w >>> 0) && s.masked.every((a) => atomHolds(a, w));
}

export function intersectIntervals(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function complementIntervals(a: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > next) out.push(next, a[i]! - 1);
    next = a[i + 1]! + 1;
  }
  if (next <= MAX) out.push(next, MAX);
  return out;
}

export function unionIntervals(a: readonly number[], b: readonly number[]): number[] {
  const all: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) all.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) all.push([b[i]!, b[i + 1]!]);
  all.sort((p, q) => p[0] - q[0]);
  const out: number[] = [];
  for (const [lo, hi] of all) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** A mask that keeps a run of high bits (0xffffffff, 0xffff0000, …) makes every test a range. */
function highRunMask(mask: number): boolean {
  const low = ~mask >>> 0;
  return (low & (low + 1)) === 0;
}

/** The intervals of `(w & mask) op k` for a high-run mask. */
function rangeOf(mask: number, op: CmpOp, k: number): number[] {
  const step = (~mask >>> 0) + 1; // values of w & mask are the multiples of step
  if (op === 'eq') return k % step === 0 ? [k, k + step - 1] : [];
  const first = op === 'gt' ? (Math.floor(k / step) + 1) * step : Math.ceil(k / step) * step;
  return first > MAX ? [] : [first, MAX];
}

/** The set narrowed by `((w & mask) op k) === sense`, or undefined when nothing is left. */
export function constrain(s: WordSet, mask: number, op: CmpOp, k: number, sense: boolean): WordSet | undefined {
  mask >>>= 0;
  k >>>= 0;
  if (mask === 0) return atomHolds({ mask, op, k, sense }, 0) ? s : undefined;
  if (highRunMask(mask)) {
    let r = rangeOf(mask, op, k);
    if (!sense) r = complementIntervals(r);
    const intervals = intersectIntervals(s.intervals, r);
    if (intervals.length === 0) return undefined;
    if (inIntervals(intervals, s.witness)) return { intervals, masked: s.masked, witness: s.witness };
    const w = search(intervals, s.masked);
    return w === undefined ? undefined : { intervals, masked: s.masked, witness: w };
  }
  const atom: MaskedAtom = { mask, op, k, sense };
  if (s.masked.some((a) => a.mask === mask && a.op === op && a.k === k && a.sense === sense)) return s;
  const masked = [...s.masked, atom];
  if (atomHolds(atom, s.witness)) return { intervals: s.intervals, masked, witness: s.witness };
  const w = search(s.intervals, masked);
  return w === undefined ? undefined : { intervals: s.intervals, masked, witness: w };
}

export function intersectWordSets(a: WordSet, b: WordSet): WordSet | undefined {
  const intervals = intersectIntervals(a.intervals, b.intervals);
  if (intervals.length === 0) return undefined;
  const masked = [...a.masked, ...b.masked.filter((m) => !a.masked.some((n) => n.mask === m.mask && n.op === m.op && n.k === m.k && n.sense === m.sense))];
  for (const w of [a.witness, b.witness]) if (inIntervals(intervals, w) && masked.every((m) => atomHolds(m, w))) return { intervals, masked, witness: w };
  const w = search(intervals, masked);
  return w === undefined ? undefined : { intervals, masked, witness: w };
}

/** The single value of the set, if it has exactly one. */
export function singleton(s: WordSet): number | undefined {
  return s.intervals.length === 2 && s.intervals[0] === s.intervals[1] ? s.intervals[0] : undefined;
}

export function isFullWord(s: WordSet): boolean {
  return s.masked.length === 0 && s.intervals.length === 2 && s.intervals[0] === 0 && s.intervals[1] === MAX;
}

/** The smallest value in the intervals that meets every atom. */
export function search(intervals: readonly number[], atoms: readonly MaskedAtom[]): number | undefined {
  for (let i = 0; i < intervals.length; i += 2) {
    const w = smallestIn(intervals[i]!, intervals[i + 1]!, atoms);
    if (w !== undefined) return w;
  }
  return undefined;
}

const EQ = 0;
const BELOW = 1;
const ABOVE = 2;

function accepts(a: MaskedAtom, state: number): boolean {
  const r = a.op === 'eq' ? state === EQ : a.op === 'gt' ? state === ABOVE : state !== BELOW;
  return r === a.sense;
}

/**
 * The smallest w in [lo, hi] meeting every atom: a depth-first walk over the bits, most
 * significant first, trying 0 before 1. An atom is decided at the first bit where w & mask
 * and k differ, and a branch dies as soon as a decided atom fails. Dead (bit, bound tightness,
 * undecided atoms) states are remembered, so an empty set is proved without enumerating it.
 */
export function smallestIn(lo: number, hi: number, atoms: readonly MaskedAtom[]): number | undefined {
  const n = atoms.length;
  // a dead state's key: which atoms are still undecided, the bit, and the two tightness flags
  // (a number while the undecided set fits in 20 bits, a string beyond)
  const small = n <= 20;
  const deadNumbers = new Set<number>();
  const deadStrings = new Set<string>();
  let visits = 0;
  const state = new Uint8Array(n);
  const changed = new Int32Array(n);
  let undecided = small ? (1 << n) - 1 : 0;
  const stateKey = (bit: number, loTight: boolean, hiTight: boolean): string => {
    let key = `${bit}${loTight ? 't' : 'f'}${hiTight ? 't' : 'f'}`;
    for (let i = 0; i < n; i++) key += state[i] === EQ ? '1' : '0';
    return key;
  };
  const walk = (bit: number, prefix: number, loTight: boolean, hiTight: boolean, depth: number): number | undefined => {
    if (bit < 0) {
      for (let i = 0; i < n; i++) if (state[i] === EQ && !accepts(atoms[i]!, EQ)) return undefined;
      return prefix >>> 0;
    }
    // an undecided atom with no bit of its mask or k left stays equal to the end: it must accept
    // that; with no other atom undecided, the smallest completion is lo's low bits (or zeros)
    const left = bit >= 31 ? -1 : (1 << (bit + 1)) - 1;
    let live = false;
    for (let i = 0; i < n; i++) {
      if (state[i] !== EQ) continue;
      if (((atoms[i]!.mask | atoms[i]!.k) & left) !== 0) live = true;
      else if (!accepts(atoms[i]!, EQ)) return undefined;
    }
    if (!live) return (loTight ? prefix | (lo & left) : prefix) >>> 0;
    const numberKey = small ? undecided * 128 + bit * 4 + (loTight ? 2 : 0) + (hiTight ? 1 : 0) : 0;
    const stringKey = small ? '' : stateKey(bit, loTight, hiTight);
    if (small ? deadNumbers.has(numberKey) : deadStrings.has(stringKey)) return undefined;
    if (++visits > SEARCH_BUDGET) throw new SearchBudgetExceeded();
    const loBit = (lo >>> bit) & 1;
    const hiBit = (hi >>> bit) & 1;
    for (let v = 0; v <= 1; v++) {
      if (loTight && v < loBit) continue;
      if (hiTight && v > hiBit) continue;
      let top = depth;
      let ok = true;
      for (let i = 0; i < n; i++) {
        if (state[i] !== EQ) continue;
        const a = atoms[i]!;
        const wb = (a.mask >>> bit) & 1 ? v : 0;
        const kb = (a.k >>> bit) & 1;
        if (wb === kb) continue;
        state[i] = wb < kb ? BELOW : ABOVE;
        if (small) undecided &= ~(1 << i);
        changed[top++] = i;
        if (!accepts(a, state[i]!)) { ok = false; break; }
      }
      const r = ok ? walk(bit - 1, v ? (prefix | (1 << bit)) >>> 0 : prefix, loTight && v === loBit, hiTight && v === hiBit, top) : undefined;
      for (let j = depth; j < top; j++) { const i = changed[j]!; state[i] = EQ; if (small) undecided |= 1 << i; }
      if (r !== undefined) return r;
    }
    if (small) deadNumbers.add(numberKey);
    else deadStrings.add(stringKey);
    return undefined;
  };
  return walk(31, 0, true, true, 0);
}

/** A key equal for equal atoms. */
export const atomKey = (a: MaskedAtom): string => `${a.mask}:${a.op}:${a.k}:${a.sense ? 1 : 0}`;
/** A key equal for word sets with the same intervals and atoms. */
export const wordSetKey = (s: WordSet): string => `${s.intervals.join(',')}/${s.masked.map(atomKey).sort().join(';')}`;

/** The union of two word sets when it is one word set; undefined otherwise. */
export function unionWordSets(a: WordSet, b: WordSet): WordSet | undefined {
  const witness = Math.min(a.witness, b.witness);
  const ka = a.masked.map(atomKey).sort().join(';');
  const kb = b.masked.map(atomKey).sort().join(';');
  if (ka === kb) {
    const intervals = unionIntervals(a.intervals, b.intervals);
    const s = { intervals, masked: a.masked, witness };
    return isFullWord(s) ? FULL_WORD : s;
  }
  // the same intervals, and the tests differ in one test taken both ways: it cancels out
  if (a.intervals.join(',') !== b.intervals.join(',') || a.masked.length !== b.masked.length) return undefined;
  const bKeys = new Set(b.masked.map(atomKey));
  const onlyA = a.masked.filter((x) => !bKeys.has(atomKey(x)));
  if (onlyA.length !== 1) return undefined;
  const t = onlyA[0]!;
  if (!bKeys.has(atomKey({ ...t, sense: !t.sense }))) return undefined;
  const s = { intervals: a.intervals, masked: a.masked.filter((x) => x !== t), witness };
  return isFullWord(s) ? FULL_WORD : s;
}
