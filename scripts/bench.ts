// `npm run bench`: performance as ratios against libseccomp measured in the same run, medians
// over repeated runs (the machine is shared and noisy). For Docker's default profile and
// Podman's, on an amd64 host (x86_64 + x86 + x32), runc's reading:
//   compile time      syscage in-process (parse, resolve, compile) vs libseccomp through koffi
//                     (seccomp_init … seccomp_export_bpf for the calls runc makes, optimize 2)
//   instructions      emitted
//   executed          instructions per syscall, mean and max over every syscall number of each ABI
//   kernel cache      syscalls served without running the filter (seccomp_is_const_allow)
//   diff              Docker's default against Podman's on the three ABIs (x86_64, x32, x86): the
//                     time of diffPrograms on syscage's two programs and on libseccomp's two, as a
//                     ratio to one libseccomp compile of Docker's default (libseccomp has no diff)
//   decompile         syscage's filter for Docker's default back to a proved profile, same yardstick
// Plus CLI startup against bare `node`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../src/bpf/encode.js';
import { validate } from '../src/bpf/validate.js';
import type { Program } from '../src/bpf/instruction.js';
import { simulate } from '../src/seccomp/simulate.js';
import { isConstantAllow } from '../src/seccomp/cache.js';
import { archByName, syscallNames, syscallNumber } from '../src/arch/index.js';
import type { Arch } from '../src/arch/arch.js';
import { compileProfileText } from '../src/cli/source.js';
import { exportFilter, loadLibseccomp } from '../src/linux/libseccomp.js';
import type { ApiFilter } from '../src/resolve/types.js';
import { DOCKER_DEFAULT_PROFILE } from '../src/profile/defaults.gen.js';
import { diffPrograms, type DiffResult } from '../src/analysis/diff/diff.js';
import { abiSpace } from '../src/analysis/partition/spaces.js';
import { decompile } from '../src/analysis/decompile/decompile.js';

// Run as plain node over an esbuild bundle (`npm run bench`): tsx's transform (keepNames) would
// slow the code measured by about 2x. The bundle lives in node_modules/.cache/syscage-bench/.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const time = (fn: () => void) => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; };
const f1 = (x: number) => x.toFixed(1);

const runs = 15;
const measured = 31;
/** Runs fn until it has run 1000 times or for 4 s, whichever comes first. */
function warmUp(fn: () => void): void {
  const end = Date.now() + 4000;
  for (let i = 0; i < 1000 && Date.now() < end; i++) fn();
}
const bare = median(Array.from({ length: runs }, () => time(() => execFileSync(process.execPath, ['-e', '0']))));
const version = median(Array.from({ length: runs }, () => time(() => execFileSync(process.execPath, [join(root, 'bin/syscage.cjs'), '--version']))));
console.log(`startup: syscage --version ${f1(version)} ms, node -e 0 ${f1(bare)} ms (median of ${runs}; ratio ${(version / bare).toFixed(2)})`);

const status = loadLibseccomp();
if (!status.available) {
  console.log(`libseccomp unavailable (${status.reason}): no ratios`);
  process.exit(0);
}
const x86_64 = archByName('x86_64')!;
const target = { host: x86_64, kernel: [6, 18] as const, lens: 'runc' as const, diagnostics: [] };

function libseccompProgram(filter: ApiFilter): { program: Program; bytes: number } {
  const r = exportFilter({
    defaultAction: filter.defaultAction,
    arches: filter.arches.map((a) => a.name),
    rules: filter.rules.map((x) => ({ action: x.action, syscall: x.syscall, args: x.args })),
    attrs: { optimize: 2 },
  });
  if (!r.ok) throw new Error(r.message);
  return { program: validate(decode(r.bytes, 'little').value!).value!, bytes: r.bytes.length };
}

function executed(program: Program, arch: Arch): { mean: number; max: number; cached: number } {
  const nrs = syscallNames(arch).map((s) => syscallNumber(arch, s)!);
  const steps = nrs.map((nr) => simulate(program, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: [] }).steps);
  return { mean: steps.reduce((a, b) => a + b, 0) / steps.length, max: Math.max(...steps), cached: nrs.filter((nr) => isConstantAllow(program, arch.auditArch, nr)).length };
}

const PODMAN = 'test/fixtures/profiles/containers-common/seccomp.json';
const profiles: Array<[string, string, string | undefined]> = [
  ['docker default', DOCKER_DEFAULT_PROFILE, undefined],
  ['podman default', readFileSync(join(root, PODMAN), 'utf8'), PODMAN],
];
/** Each profile's two programs and libseccomp's compile, kept for the diff below. */
const built: Array<{ ours: Program; theirs: Program; theirsMs: number; theirsFn: () => void }> = [];
for (const [name, text, file] of profiles) {
  const ours = compileProfileText(text, name, target);
  if (!ours.program || !ours.resolution?.filter) throw new Error(`${name}: ${ours.diagnostics.map((d) => d.message).join('; ')}`);
  const filter = ours.resolution.filter;
  // Steady state, as a library or a long-lived tool compiles: both sides warmed up first (V8's
  // JIT for syscage, caches and koffi's call setup for libseccomp), then the median of `runs`.
  // The cold figure is the first compile of a fresh process (a one-shot CLI run).
  const coldMs = median(Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [join(here, 'bench-cold.mjs'), ...(file ? [file] : [])], { cwd: root, encoding: 'utf8' }).trim())));
  warmUp(() => compileProfileText(text, name, target));
  warmUp(() => libseccompProgram(filter));
  // Each sample is the mean of a batch of 10 compiles, so garbage collection is paid in every
  // sample. Two ways, both printed: each side on its own (31 batches of one, then of the other),
  // and alternating batch by batch (both see the same moments of a noisy machine, but each also
  // runs with the other's caches and garbage around it); the ratio is the median of per-round ratios.
  const batch = (fn: () => void) => time(() => { for (let i = 0; i < 10; i++) fn(); }) / 10;
  const oursFn = () => compileProfileText(text, name, target);
  const theirsFn = () => libseccompProgram(filter);
  const alone = { o: Array.from({ length: measured }, () => batch(oursFn)), t: Array.from({ length: measured }, () => batch(theirsFn)) };
  const rounds = Array.from({ length: measured }, () => {
    const o = batch(oursFn);
    const t = batch(theirsFn);
    return t / o;
  });
  const oursMs = median(alone.o);
  const theirsMs = median(alone.t);
  const speedup = theirsMs / oursMs;
  const alternating = median(rounds);
  const theirs = libseccompProgram(filter).program;
  built.push({ ours: ours.program, theirs, theirsMs, theirsFn });
  console.log(`\n${name} on amd64 (${ours.arches!.map((a) => a.name).join(' + ')}), runc lens, libseccomp ${status.version.major}.${status.version.minor}.${status.version.micro} optimize 2:`);
  console.log(`  compile time   syscage ${f1(oursMs)} ms, libseccomp ${f1(theirsMs)} ms: ${speedup.toFixed(1)}x faster, ${alternating.toFixed(1)}x alternating (target >= 5x; warm, medians of ${measured} batches of 10); cold: first compile in a fresh process ${f1(coldMs)} ms (median of 5)`);
  console.log(`  instructions   syscage ${ours.program.length}, libseccomp ${theirs.length}: ${(ours.program.length / theirs.length).toFixed(2)} of libseccomp's (target <= 1.00, aim 0.80)`);
  for (const arch of ours.arches!) {
    const a = executed(ours.program, arch);
    const b = executed(theirs, arch);
    console.log(`  ${arch.name.padEnd(7)} executed mean ${f1(a.mean)} vs ${f1(b.mean)} (ratio ${(a.mean / b.mean).toFixed(2)}), max ${a.max} vs ${b.max}; kernel cache serves ${a.cached} vs ${b.cached}`);
  }
}

// diff: libseccomp has none, so the yardstick is one libseccomp compile of Docker's default,
// measured above (alone) and again batch by batch against the diff (alternating).
const [docker, podman] = built as [typeof built[0], typeof built[0]];
const amd64 = ['x86_64', 'x32', 'x86'].map((n) => abiSpace(archByName(n)!));
console.log(`\ndocker default vs podman default on amd64 (x86_64 + x32 + x86), runc lens: diffPrograms (aim < 200 ms); ratio = diff / one libseccomp compile of docker default (${f1(docker.theirsMs)} ms)`);
for (const [label, a, b] of [['syscage programs', docker.ours, podman.ours], ['libseccomp programs', docker.theirs, podman.theirs]] as const) {
  let result: DiffResult | undefined;
  const diffFn = () => { result = diffPrograms(a, b, { spaces: amd64 }); };
  warmUp(diffFn);
  const batch = (fn: () => void) => time(() => { for (let i = 0; i < 10; i++) fn(); }) / 10;
  const alone = median(Array.from({ length: measured }, () => batch(diffFn)));
  const alternating = median(Array.from({ length: measured }, () => { const d = batch(diffFn); return d / batch(docker.theirsFn); }));
  const r = result!;
  console.log(`  ${label.padEnd(19)} ${f1(alone)} ms: ${(alone / docker.theirsMs).toFixed(2)}x a libseccomp compile, ${alternating.toFixed(2)}x alternating (warm, medians of ${measured} batches of 10); ${r.differences.length} differences over ${r.cells} regions, ${r.complete && r.undecided.length === 0 ? 'complete' : `incomplete (${r.undecided.length} undecided)`}`);
}

// decompile: a filter back to a proved profile (the proof recompiles it and diffs it everywhere);
// the yardstick is again one libseccomp compile of Docker's default
{
  const arches = ['x86_64', 'x86', 'x32'].map((n) => archByName(n)!);
  let proved = 0;
  const fn = () => { proved = decompile(docker.ours, arches).proof?.regions ?? 0; };
  warmUp(fn);
  const runs = Array.from({ length: 11 }, () => time(fn));
  const ms = median(runs);
  console.log(`\ndecompile of syscage's docker default filter on amd64 (x86_64, x86, x32), proof included: ${f1(ms)} ms, ${(ms / docker.theirsMs).toFixed(1)}x a libseccomp compile (median of 11); ${proved ? `proved over ${proved} regions` : 'NOT proved'}`);
}

const bytes = new Uint8Array(readFileSync(join(root, 'examples/docker-default-amd64.bpf')));
const program = validate(decode(bytes, 'little').value!).value!;
const nrs = syscallNames(x86_64).map((s) => syscallNumber(x86_64, s)!);
const perRun: number[] = [];
for (let r = 0; r < 7; r++) {
  const ms = time(() => { for (let i = 0; i < 20; i++) for (const nr of nrs) simulate(program, 'little', { nr, arch: x86_64.auditArch, instructionPointer: 0n, args: [1n, 2n] }); });
  perRun.push((20 * nrs.length) / ms * 1000);
}
console.log(`\ninterpreter: ${Math.round(median(perRun)).toLocaleString('en')} simulations/s on libseccomp's docker-default x86_64 (median of 7)`);
