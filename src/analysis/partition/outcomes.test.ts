// Soundness of the per-syscall outcome analysis: whatever the arguments, the verdict the
// interpreter gives is one the analysis said was reachable.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decode } from '../../bpf/encode.js';
import { validate } from '../../bpf/validate.js';
import { simulate } from '../../seccomp/simulate.js';
import { outcomes } from './per-syscall.js';
import { archByName, syscallNames, syscallNumber } from '../../arch/index.js';

const SEED = Number(process.env['SYSCAGE_SEED'] ?? Date.now() % 2 ** 31);
console.log(`outcomes soundness: seed ${SEED}`);
let state = SEED >>> 0 || 1;
const rand32 = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state; };
const interesting = [0n, 1n, 2n, 37n, 38n, 39n, 40n, 41n, 0xffffffffn, 0x100000000n, 0x100000028n, 0xffffffffffffffffn];
const pick = () => (rand32() % 3 === 0 ? (BigInt(rand32()) << 32n) | BigInt(rand32()) : interesting[rand32() % interesting.length]!);

describe('outcomes', () => {
  const bytes = new Uint8Array(readFileSync(new URL('../../../examples/docker-default-amd64.bpf', import.meta.url)));
  const program = validate(decode(bytes, 'little').value!).value!;
  it.each(['x86_64', 'x86', 'x32'])('contains every verdict simulate gives on %s', (name) => {
    const arch = archByName(name)!;
    let checked = 0;
    for (const sc of syscallNames(arch)) {
      const nr = syscallNumber(arch, sc)!;
      const o = outcomes(program, arch.endian, arch.auditArch, nr);
      for (let i = 0; i < 8; i++) {
        const args = Array.from({ length: 6 }, pick);
        const v = simulate(program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args });
        expect(o.values.has(v.value) || o.dynamic).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
