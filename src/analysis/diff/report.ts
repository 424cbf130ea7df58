// SPDX-License-Identifier: Apache-2.0
// A diff (or subset) result in rows a person reads: one row per ABI, syscall and pair of values,
// with the argument conditions of the region ("socket: a0 = 38 (AF_ALG) was ALLOW, is now
// ERRNO(1)") and one witness call. Regions that cover many syscall numbers are told apart by
// name (each named syscall of the ABI inside is a row of its own, the numbers without a name one
// more row), and exact regions of one syscall and pair that differ in one argument only are
// merged where the union is one exact 64-bit value set (`a0 != 40`, tested word by word, is one
// row). Nothing is dropped: every region of the result is in exactly one row.

import type { Arch } from '../../arch/arch.js';
import { ARCHES, syscallName, syscallNames, syscallNumber } from '../../arch/index.js';
import { syscallSignature } from '../../kernel/signatures.js';
import type { SeccompData } from '../../seccomp/data.js';
import { simulate } from '../../seccomp/simulate.js';
import type { Program } from '../../bpf/instruction.js';
import { formatCall } from '../lint/context.js';
import { describeFields, describeWord } from '../describe/conditions.js';
import { fieldsOf, unionValues, U64_MAX, type Fields, type Values64 } from '../partition/fields.js';
import { constrainRegion, regionWitness, type Region } from '../partition/region.js';
import { intersectIntervals, singleton, unionIntervals, type WordSet } from '../partition/word-set.js';
import { abiSpace } from '../partition/spaces.js';
import type { Difference, DiffResult } from './diff.js';

export interface DiffRow {
  /** The ABI's name, or `other arch values`. */
  readonly abi: string;
  readonly arch?: Arch;
  /** The syscall's name, `syscall 1000`, or `numbers without a name`. */
  readonly syscall: string;
  readonly nr?: number;
  /** Conditions that all hold on the row's regions (none: the whole syscall). */
  readonly conditions: readonly string[];
  readonly a?: number;
  readonly b?: number;
  readonly exact: boolean;
  /** A call in the row, and what each program returns for it. */
  readonly witness?: { readonly data: SeccompData; readonly call: string; readonly a: number; readonly b: number };
  /** Regions of the result in this row. */
  readonly regions: number;
}

interface Piece {
  readonly arch?: Arch;
  readonly syscall: string;
  readonly nr?: number;
  readonly region: Region;
  readonly fields: Fields;
  readonly d: Difference;
  regions: number;
}

function sameWordSet(x: WordSet | undefined, y: WordSet | undefined): boolean {
  if (!x || !y) return x === y;
  return x.intervals.length === y.intervals.length && x.intervals.every((v, i) => v === y.intervals[i])
    && x.masked.length === y.masked.length && x.masked.every((m, i) => { const n = y.masked[i]!; return m.mask === n.mask && m.op === n.op && m.k === n.k && m.sense === n.sense; });
}

function sameValues(x: Values64, y: Values64): boolean {
  if (x.kind !== y.kind) return false;
  if (x.kind === 'intervals' && y.kind === 'intervals') return x.intervals.length === y.intervals.length && x.intervals.every((v, i) => v === y.intervals[i]);
  if (x.kind === 'words' && y.kind === 'words') return sameWordSet(x.hi, y.hi) && sameWordSet(x.lo, y.lo);
  return true;
}


/** The union of two number sets with the same masked tests. */
function unionNr(x: WordSet | undefined, y: WordSet | undefined): WordSet | undefined {
  if (!x || !y) return undefined;
  if (x.masked.length !== y.masked.length || !x.masked.every((m, i) => { const n = y.masked[i]!; return m.mask === n.mask && m.op === n.op && m.k === n.k && m.sense === n.sense; })) return undefined;
  return { intervals: unionIntervals(x.intervals, y.intervals), masked: x.masked, witness: Math.min(x.witness, y.witness) };
}

/** `p` and `q` merged, when they differ in one field only and the union is exact. */
function merged(p: Piece, q: Piece): Fields | undefined {
  if (p.d.a !== q.d.a || p.d.b !== q.d.b || !p.d.exact || !q.d.exact || p.syscall !== q.syscall || p.arch !== q.arch) return undefined;
  const fa = [p.fields.ip, ...p.fields.args];
  const fb = [q.fields.ip, ...q.fields.args];
  const differ = fa.flatMap((v, i) => (sameValues(v, fb[i]!) ? [] : [i]));
  if (!sameWordSet(p.fields.nr, q.fields.nr)) {
    // numbers without a name: the same conditions on two number sets
    const nr = differ.length === 0 ? unionNr(p.fields.nr, q.fields.nr) : undefined;
    return nr ? { ...p.fields, nr } : undefined;
  }
  if (differ.length !== 1) return differ.length === 0 ? p.fields : undefined;
  const i = differ[0]!;
  const u = unionValues(fa[i]!, fb[i]!);
  if (!u) return undefined;
  const all = fa.slice();
  all[i] = u;
  return { ...(p.fields.nr ? { nr: p.fields.nr } : {}), ip: all[0]!, args: all.slice(1) };
}

const NR = 0;
const ARCH_INDEX = (a: Arch): number => ARCHES.indexOf(a);

/** Splits a region over many numbers into its named syscalls and the rest. */
function pieces(d: Difference): Piece[] {
  const arch = d.arch;
  const nrSet = d.region.words[NR];
  const one = nrSet ? singleton(nrSet) : undefined;
  const base = { ...(arch ? { arch } : {}), d, regions: 1 };
  const fields = (r: Region) => fieldsOf(r, arch?.endian ?? 'little');
  if (!arch) return [{ ...base, syscall: 'any syscall', region: d.region, fields: fields(d.region) }];
  if (one !== undefined) {
    return [{ ...base, syscall: syscallName(arch, one) ?? `syscall ${one}`, nr: one, region: d.region, fields: fields(d.region) }];
  }
  const out: Piece[] = [];
  let rest: Region | undefined = d.region;
  for (const name of syscallNames(arch)) {
    const nr = syscallNumber(arch, name)!;
    const r = constrainRegion(d.region, NR, 0xffffffff, 'eq', nr, true);
    if (!r) continue;
    out.push({ ...base, syscall: name, nr, region: r, fields: fields(r), regions: 0 });
    rest = rest && constrainRegion(rest, NR, 0xffffffff, 'eq', nr, false);
  }
  if (rest) out.push({ ...base, syscall: 'numbers without a name', region: rest, fields: fields(rest), regions: 0 });
  // the region is counted once, in its first row
  if (out.length > 0) out[0]!.regions = 1;
  return out;
}

function callText(arch: Arch | undefined, data: SeccompData): string {
  if (!arch) return `arch 0x${data.arch.toString(16)}, nr ${data.nr}`;
  const name = syscallName(arch, data.nr) ?? `syscall_${data.nr}`;
  const n = syscallSignature(arch, name)?.length;
  let used = 0;
  data.args.forEach((a, i) => { if (a !== 0n) used = i + 1; });
  const call = formatCall(name, data.args, n === undefined ? Math.max(used, 1) : Math.max(n, used));
  return data.instructionPointer !== 0n ? `${call} at ip 0x${data.instructionPointer.toString(16)}` : call;
}

/** The rows of a result, in the order of `arches` (then the other ABIs, then other arch values). */
export function diffRows(result: DiffResult, a: Program, b: Program, arches: readonly Arch[] = [], which: 'differences' | 'undecided' = 'differences'): DiffRow[] {
  const all = which === 'differences' ? result.differences : result.undecided;
  const order = (d: Difference) => { const i = d.arch ? arches.indexOf(d.arch) : -1; return d.arch === undefined ? 1e9 : i < 0 ? 1e6 + ARCH_INDEX(d.arch) : i; };
  const ps = [...all].sort((x, y) => order(x) - order(y)).flatMap(pieces);
  // merge pieces of one syscall and pair of values that differ in one argument
  const rows: Piece[] = [];
  for (const p of ps) {
    let done = false;
    for (let i = rows.length - 1; i >= 0 && !done; i--) {
      const q = rows[i]!;
      if (q.arch !== p.arch) break;
      const f = merged(q, p);
      if (f) { rows[i] = { ...q, fields: f, regions: q.regions + p.regions }; done = true; }
    }
    if (!done) rows.push(p);
  }
  // within an ABI, by syscall number (numbers without a name last); sort is stable
  const rank = new Map(rows.map((p, i) => [p, i]));
  const abiOf = (p: Piece) => (p.arch ? (arches.indexOf(p.arch) < 0 ? 1e6 + ARCH_INDEX(p.arch) : arches.indexOf(p.arch)) : 1e9);
  rows.sort((x, y) => abiOf(x) - abiOf(y) || (x.nr ?? Infinity) - (y.nr ?? Infinity) || rank.get(x)! - rank.get(y)!);
  return rows.map((p) => {
    const w = regionWitness(p.region, p.arch?.endian ?? 'little');
    const endian = p.arch?.endian ?? 'little';
    const witness = w.found ? { data: w.data, call: callText(p.arch, w.data), a: simulate(a, endian, w.data).value, b: simulate(b, endian, w.data).value } : undefined;
    const nrText = p.syscall === 'numbers without a name' && p.fields.nr ? describeNumbers(p.fields.nr, p.arch) : [];
    return {
      abi: p.arch?.name ?? 'other arch values',
      ...(p.arch ? { arch: p.arch } : {}),
      syscall: p.syscall,
      ...(p.nr !== undefined ? { nr: p.nr } : {}),
      conditions: [...nrText, ...describeFields(p.fields, p.region.opaque, p.arch ?? FALLBACK_ARCH, p.nr !== undefined ? p.syscall : undefined)],
      ...(p.d.a !== undefined ? { a: p.d.a } : {}),
      ...(p.d.b !== undefined ? { b: p.d.b } : {}),
      exact: p.d.exact,
      ...(witness ? { witness } : {}),
      regions: p.regions,
    };
  });
}

/** A number set without the tests its ABI implies (x32's bit 30). */
function describeNumbers(nr: WordSet, arch: Arch | undefined): string[] {
  const implied = arch ? abiSpace(arch).region.words[NR]?.masked ?? [] : [];
  let intervals = nr.intervals;
  const masked = nr.masked.filter((m) => {
    if (!implied.some((n) => m.mask === n.mask && m.op === n.op && m.k === n.k && m.sense === n.sense)) return true;
    // one high bit set or clear (x32's bit 30): a few intervals, so the numbers read as ranges
    const bit = 31 - Math.clz32(m.mask);
    if (m.op !== 'eq' || m.mask !== (1 << bit) >>> 0 || bit < 29) return true;
    const step = 2 ** bit;
    const ranges: number[] = [];
    for (let lo = 0; lo < 2 ** 32; lo += step) if ((((lo & m.mask) >>> 0) === m.k) === m.sense) ranges.push(lo, lo + step - 1);
    intervals = intersectIntervals(intervals, ranges);
    return false;
  });
  const own = { ...nr, intervals, masked };
  return describeWord('nr', own, (v) => (v < 256n ? v.toString() : `0x${v.toString(16)}`));
}

const FALLBACK_ARCH: Arch = { name: 'unknown', scmpName: '', auditArch: 0, endian: 'little', bits: 64, nrBase: 0, nrBit: 0, tableColumn: '', aliases: [] };

/** `  socket: a0 = 38 (AF_ALG) — was ALLOW, is now ERRNO(1); e.g. socket(38, 0, 0)`, grouped under each ABI. */
export function formatRows(rows: readonly DiffRow[], words: { readonly a: string; readonly b: string }, action: (v: number) => string): string[] {
  const out: string[] = [];
  let abi: string | undefined;
  for (const r of rows) {
    if (r.abi !== abi) { abi = r.abi; out.push(`${r.abi}`); }
    const values = r.exact
      ? `${words.a} ${action(r.a!)}, ${words.b} ${action(r.b!)}`
      : `not decided exactly${r.witness ? `; at the witness ${words.a} ${action(r.witness.a)}, ${words.b} ${action(r.witness.b)}` : '; no member found'}`;
    const cond = r.conditions.length ? `: ${r.conditions.join(', ')}` : '';
    out.push(`  ${r.syscall}${cond} — ${values}${r.witness ? `; e.g. ${r.witness.call}` : ''}`);
  }
  return out;
}
