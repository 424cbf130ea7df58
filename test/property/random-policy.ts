// Seeded random policies for the compiler's property tests: several ABIs of one byte order,
// random decision lists with word conditions near interesting values, random actions.
import { ARCHES, archByName, syscallNames, syscallNumber } from '../../src/arch/index.js';
import type { Arch } from '../../src/arch/arch.js';
import type { AbiPolicy, Decision, Policy, WordCondition } from '../../src/policy/policy.js';
import { MASK_ALL } from '../../src/policy/policy.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

export const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 38, 39, 40, 41];
const ACTIONS = [0x7fff0000, 0x00050001, 0x00050026, 0x80000000, 0x00000000, 0x00030007, 0x7ff00003, 0x7ffc0000, 0x7fc00000];

export function randomPolicy(next: () => number): Policy {
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const endian = next() % 3 === 0 ? 'big' : 'little';
  const pool = ARCHES.filter((a) => a.endian === endian);
  const count = 1 + (next() % 3);
  const arches: Arch[] = [];
  while (arches.length < count) {
    const a = next() % 4 === 0 && endian === 'little' ? pick([archByName('x86_64')!, archByName('x32')!, archByName('x86')!]) : pick(pool);
    if (!arches.includes(a)) arches.push(a);
  }
  const value = () => (next() % 3 === 0 ? next() : pick(INTERESTING)) >>> 0;
  const cond = (arch: Arch): WordCondition => {
    const masked = next() % 6 === 0;
    return {
      arg: next() % 6,
      half: arch.bits === 32 || next() % 2 === 0 ? 'lo' : 'hi',
      op: masked ? 'eq' : pick(['eq', 'gt', 'ge'] as const),
      mask: masked ? value() : MASK_ALL,
      value: value(),
      negate: next() % 3 === 0,
    };
  };
  const abis: AbiPolicy[] = arches.map((arch) => {
    const names = syscallNames(arch);
    const syscalls = new Map<number, Decision[]>();
    const n = next() % 40;
    for (let i = 0; i < n; i++) {
      const nr = syscallNumber(arch, pick(names))!;
      const decisions: Decision[] = Array.from({ length: next() % 4 }, () => ({
        conditions: Array.from({ length: next() % 4 }, () => cond(arch)),
        action: pick(ACTIONS),
      }));
      if (decisions.length === 0) decisions.push({ conditions: [], action: pick(ACTIONS) });
      syscalls.set(nr, decisions);
    }
    return { arch, defaultAction: pick(ACTIONS), syscalls };
  });
  // ABIs of one filter share one default in libseccomp; keep it so for x86_64/x32 blocks.
  const def = abis[0]!.defaultAction;
  // Sometimes runc's ENOSYS stub, with a maximum at, below or above the largest syscall used.
  const stub = next() % 3 === 0
    ? { action: 0x00050026, entries: abis.map((a) => ({ arch: a.arch, max: (Math.max(0, ...a.syscalls.keys()) + (next() % 3) - 1) >>> 0 })) }
    : undefined;
  return { abis: abis.map((a) => ({ ...a, defaultAction: def })), badArchAction: pick(ACTIONS), ...(stub ? { enosysStub: stub } : {}) };
}
