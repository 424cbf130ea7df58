// SPDX-License-Identifier: Apache-2.0
// Is one policy at least as strict as another? Both are evaluated (../../policy/evaluate.ts, the
// reference the compiler is tested against, runc's ENOSYS stub included) over a decision space
// and compared by the kernel's precedence (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF
// > TRACE > LOG > ALLOW, ../lint/context.ts compareStrictness; errnos do not rank). The space:
// per ABI, every syscall number the tables know, the numbers either policy decides and the
// thresholds of both stubs; for a syscall whose decisions test arguments, vectors at the edges
// of every word either policy compares (value, ±1, the masks' corners, 0, 0xffffffff), each with
// high words 0, 1 and 0xffffffff, moved one argument at a time from zero and from a vector that
// meets each decision. Deterministic: harden runs it on every step (the test suite's random
// space is a separate, wider check).

import { syscallNames, syscallNumber, type Arch } from '../../arch/index.js';
import { join64 } from '../../bits.js';
import { evaluate } from '../../policy/evaluate.js';
import type { Decision, Policy, WordCondition } from '../../policy/policy.js';
import type { SeccompData } from '../../seccomp/data.js';
import { compareStrictness } from '../lint/context.js';

export interface WeakerPoint {
  readonly data: SeccompData;
  readonly before: number;
  readonly after: number;
}

export interface StrictnessReport {
  /** Points compared. */
  readonly points: number;
  /** Points where `after` is less strict than `before` (at most `limit`). */
  readonly weaker: readonly WeakerPoint[];
}

const HIGH_WORDS = [0, 1, 0xffffffff];

function wordEdges(c: WordCondition): number[] {
  const v = c.value >>> 0;
  const out = [v, (v - 1) >>> 0, (v + 1) >>> 0];
  if (c.mask !== 0xffffffff) {
    const m = c.mask >>> 0;
    out.push((v | ~m) >>> 0, m, (v ^ (m & -m)) >>> 0, (v & m) >>> 0);
  }
  return out;
}

function holds(c: WordCondition, w: number): boolean {
  const x = (w & c.mask) >>> 0;
  const k = c.value >>> 0;
  return (c.op === 'eq' ? x === k : c.op === 'gt' ? x > k : x >= k) !== c.negate;
}

interface Edges {
  readonly lo: number[][];
  readonly hi: number[][];
}

function edges(decisions: readonly Decision[]): Edges {
  const lo = Array.from({ length: 6 }, () => new Set<number>([0, 0xffffffff]));
  const hi = Array.from({ length: 6 }, () => new Set<number>(HIGH_WORDS));
  for (const d of decisions) for (const c of d.conditions) for (const w of wordEdges(c)) (c.half === 'lo' ? lo : hi)[c.arg]!.add(w);
  return { lo: lo.map((s) => [...s]), hi: hi.map((s) => [...s]) };
}

/** A vector meeting every condition of `d`, from the edge words, when there is one. */
function meeting(d: Decision, e: Edges): bigint[] | undefined {
  const args: bigint[] = [];
  for (let a = 0; a < 6; a++) {
    const words: number[] = [];
    for (const half of ['hi', 'lo'] as const) {
      const conds = d.conditions.filter((c) => c.arg === a && c.half === half);
      const w = conds.length === 0 ? 0 : e[half][a]!.find((x) => conds.every((c) => holds(c, x)));
      if (w === undefined) return undefined;
      words.push(w);
    }
    args.push(join64(words[0]!, words[1]!));
  }
  return args;
}

function vectors(decisions: readonly Decision[]): bigint[][] {
  const zero = [0n, 0n, 0n, 0n, 0n, 0n];
  if (decisions.every((d) => d.conditions.length === 0)) return [zero];
  const e = edges(decisions);
  const used = new Set<number>();
  for (const d of decisions) for (const c of d.conditions) used.add(c.arg);
  const bases: bigint[][] = [zero, ...decisions.flatMap((d) => { const m = meeting(d, e); return m ? [m] : []; })];
  const out = new Map<string, bigint[]>();
  const put = (v: bigint[]) => out.set(v.join(','), v);
  for (const base of bases) {
    put(base);
    for (const a of used) {
      // moving `a` on a base that is zero elsewhere gives the zero base's moves again
      if (base !== zero && base.every((x, i) => i === a || x === 0n)) continue;
      for (const h of e.hi[a]!) for (const l of e.lo[a]!) {
        const v = [...base];
        v[a] = join64(h, l);
        put(v);
      }
    }
  }
  return [...out.values()];
}

function numbers(arch: Arch, before: Policy, after: Policy): number[] {
  const out = new Set<number>([0, 1, 0xffffffff]);
  for (const n of syscallNames(arch)) out.add(syscallNumber(arch, n)!);
  if (arch.multiplexers) out.add(arch.multiplexers.socketcall).add(arch.multiplexers.ipc);
  for (const p of [before, after]) {
    for (const abi of p.abis) if (abi.arch === arch) for (const nr of abi.syscalls.keys()) out.add(nr);
    for (const e of p.enosysStub?.entries ?? []) if (e.arch === arch) for (const d of [0, 1, 2]) out.add((e.max + d) >>> 0);
  }
  return [...out].map((n) => (arch.nrBit !== 0 ? (n | arch.nrBit) >>> 0 : n));
}

/** Compares `after` with `before` over the decision space of both. */
export function atLeastAsStrict(before: Policy, after: Policy, limit = 1): StrictnessReport {
  let points = 0;
  const weaker: WeakerPoint[] = [];
  const arches = [...new Set([...before.abis, ...after.abis].map((a) => a.arch))];
  for (const arch of arches) {
    const b = before.abis.find((x) => x.arch === arch);
    const a = after.abis.find((x) => x.arch === arch);
    for (const nr of numbers(arch, before, after)) {
      const decisions = [...(b?.syscalls.get(nr) ?? []), ...(a?.syscalls.get(nr) ?? [])];
      for (const args of vectors(decisions)) {
        const data: SeccompData = { nr, arch: arch.auditArch, instructionPointer: 0n, args };
        const x = evaluate(before, data).action;
        const y = evaluate(after, data).action;
        points++;
        if (compareStrictness(y, x) > 0) {
          weaker.push({ data, before: x, after: y });
          if (weaker.length >= limit) return { points, weaker };
        }
      }
    }
  }
  return { points, weaker };
}
