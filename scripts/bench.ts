// `npm run bench`: performance figures, as medians over repeated runs (the machine is shared
// and noisy). For the foundation: CLI startup against bare `node`, interpreter throughput on
// Docker's default filter, and instructions executed per syscall in libseccomp's layout, with
// how many syscalls the kernel's cache serves without running it.
// Compile-time ratios against libseccomp join when the compiler lands.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../src/bpf/encode.js';
import { validate } from '../src/bpf/validate.js';
import { simulate } from '../src/seccomp/simulate.js';
import { isConstantAllow } from '../src/seccomp/cache.js';
import { archByName, syscallNames, syscallNumber } from '../src/arch/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const time = (fn: () => void) => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; };

const runs = 15;
const bare = median(Array.from({ length: runs }, () => time(() => execFileSync(process.execPath, ['-e', '0']))));
const version = median(Array.from({ length: runs }, () => time(() => execFileSync(process.execPath, [join(root, 'bin/syscage.cjs'), '--version']))));
console.log(`startup: syscage --version ${version.toFixed(1)} ms, node -e 0 ${bare.toFixed(1)} ms (median of ${runs}; ratio ${(version / bare).toFixed(2)})`);

const bytes = new Uint8Array(readFileSync(join(root, 'examples/docker-default-amd64.bpf')));
const program = validate(decode(bytes, 'little').value!).value!;
for (const name of ['x86_64', 'x86', 'x32']) {
  const arch = archByName(name)!;
  const nrs = syscallNames(arch).map((s) => syscallNumber(arch, s)!);
  const steps = nrs.map((nr) => simulate(program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: [] }).steps);
  const cached = nrs.filter((nr) => isConstantAllow(program, arch.auditArch, nr)).length;
  const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
  console.log(`docker-default (libseccomp 2.5.4, optimize 2) ${name}: ${mean.toFixed(1)} mean / ${Math.max(...steps)} max instructions executed per syscall, kernel cache serves ${cached}/${nrs.length}`);
}
const arch = archByName('x86_64')!;
const nrs = syscallNames(arch).map((s) => syscallNumber(arch, s)!);
const perRun: number[] = [];
for (let r = 0; r < 7; r++) {
  const ms = time(() => { for (let i = 0; i < 20; i++) for (const nr of nrs) simulate(program, 'little', { nr, arch: arch.auditArch, instructionPointer: 0n, args: [1n, 2n] }); });
  perRun.push((20 * nrs.length) / ms * 1000);
}
console.log(`interpreter: ${Math.round(median(perRun)).toLocaleString('en')} simulations/s on docker-default x86_64 (median of 7)`);
