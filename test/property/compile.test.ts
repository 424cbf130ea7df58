// interpret(compile(policy)) ≡ evaluate(policy), on seeded random policies and data.
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/compile/compile.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { isConstantAllow } from '../../src/seccomp/cache.js';
import { ARCHES } from '../../src/arch/index.js';
import { INTERESTING, randomPolicy, rng } from './random-policy.js';

const SEED = Number(process.env['SYSCAGE_SEED'] ?? Date.now() % 2 ** 31);
console.log(`compile properties: seed ${SEED} (replay with SYSCAGE_SEED=${SEED})`);

describe('compile', () => {
  it('interpret(compile(policy)) equals evaluate(policy)', () => {
    const next = rng(SEED);
    let checks = 0;
    for (let p = 0; p < 300; p++) {
      const policy = randomPolicy(next);
      const out = compilePolicy(policy);
      expect(out.diagnostics).toEqual([]);
      const program = out.program!;
      const endian = policy.abis[0]!.arch.endian;
      const word = () => (next() % 2 ? next() : INTERESTING[next() % INTERESTING.length]!) >>> 0;
      for (const abi of policy.abis) {
        const nrs = [...abi.syscalls.keys(), 0, 1, 0xffffffff, 0x40000000 | 1, 0x80000001, 0xc0000002, 0x7fffffff, next(), ...(policy.enosysStub?.entries.flatMap((e) => [e.max, (e.max + 1) >>> 0]) ?? [])];
        for (const nr of nrs) {
          for (let q = 0; q < 6; q++) {
            const decisions = abi.syscalls.get(nr) ?? [];
            const args = Array.from({ length: 6 }, (_, i) => {
              // Aim at the constants the decisions test, so conditions go both ways.
              const c = decisions.flatMap((d) => d.conditions).filter((x) => x.arg === i)[next() % 4];
              const v = c && next() % 2 ? (c.value + (next() % 3) - 1) >>> 0 : word();
              const other = word();
              return c?.half === 'hi' ? (BigInt(v) << 32n) | BigInt(other) : (BigInt(next() % 2 ? other : 0) << 32n) | BigInt(v);
            });
            for (const arch of [abi.arch.auditArch, ARCHES[next() % ARCHES.length]!.auditArch]) {
              const data = { nr, arch, instructionPointer: 0n, args };
              const got = simulate(program, endian, data).value;
              const want = evaluate(policy, data).action;
              if (got !== want) throw new Error(`seed ${SEED} policy ${p}: ${JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))} got ${got.toString(16)} want ${want.toString(16)}`);
              checks++;
            }
          }
        }
      }
    }
    console.log(`compile properties: 300 policies, ${checks} verdicts compared, 0 mismatches`);
  });

  it('every syscall with a constant ALLOW is served by the kernel cache', () => {
    const next = rng(SEED ^ 0x5555);
    for (let p = 0; p < 100; p++) {
      const policy = randomPolicy(next);
      const program = compilePolicy(policy).program!;
      for (const abi of policy.abis) {
        for (const [nr, ds] of abi.syscalls) {
          const constantAllow = ds[0]!.conditions.length === 0 && ds[0]!.action === 0x7fff0000;
          if (constantAllow && !policy.enosysStub && evaluate(policy, { nr, arch: abi.arch.auditArch, instructionPointer: 0n, args: [] }).abi === abi) {
            expect(isConstantAllow(program, abi.arch.auditArch, nr)).toBe(true);
          }
        }
      }
    }
  });
});
