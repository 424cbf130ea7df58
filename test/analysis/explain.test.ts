// `explain` as tables of behaviour (Docker's default, libseccomp's and syscage's filters, a
// hand-written program with computed tests), and its exactness: for every syscall of every ABI of
// several real filters (and seeded random programs), the folded conditions it reports, evaluated
// here on witnesses, boundary points and random calls, give the interpreter's verdict.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName, syscallName, syscallNames, syscallNumber } from '../../src/arch/index.js';
import type { Arch } from '../../src/arch/arch.js';
import { decode } from '../../src/bpf/encode.js';
import { validate } from '../../src/bpf/validate.js';
import type { Instruction, Program } from '../../src/bpf/instruction.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { compileProfileText } from '../../src/cli/source.js';
import { explainProgram, type AbiExplanation, type Explanation, type Outcome } from '../../src/analysis/explain/explain.js';
import { formatAbi, formatExplanation } from '../../src/analysis/explain/format.js';
import { fold, type Folded } from '../../src/analysis/explain/fold.js';
import { partition } from '../../src/analysis/partition/partition.js';
import { abiSpace, otherArchSpace } from '../../src/analysis/partition/spaces.js';
import { constrainRegion, dataOfWords, regionWitness, wordsOfData } from '../../src/analysis/partition/region.js';
import { evalSym } from '../../src/analysis/partition/expr.js';
import { member } from '../../src/analysis/partition/word-set.js';
import type { Values64 } from '../../src/analysis/partition/fields.js';
import { hexSeed, interestingWords, randomCases, randomProgram, Rng, runSeed } from '../differential/random-program.js';
import { runCli } from '../cli/harness.js';

const arch = (name: string): Arch => archByName(name)!;
const X86_64 = arch('x86_64');

function filterFile(path: string, endian: 'little' | 'big' = 'little'): Program {
  const bytes = readFileSync(new URL(path, import.meta.url));
  return validate(decode(new Uint8Array(bytes), endian).value!).value!;
}

function profileProgram(path: string, host: string): Program {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  const h = arch(host);
  const src = compileProfileText(text, path, { host: h, kernel: [6, 18], lens: 'runc', diagnostics: [] });
  if (!src.program) throw new Error(`${path} does not compile for ${host}`);
  return src.program;
}

const DOCKER = filterFile('../../examples/docker-default-amd64.bpf');
const dockerExplained = explainProgram(DOCKER);

/** The text line (or block) `explain` prints for one argument-dependent syscall. */
function lineOf(abi: AbiExplanation, name: string): string {
  const lines = formatAbi(abi);
  const i = lines.findIndex((l) => l.startsWith(`    ${name} `) || l === `    ${name}`);
  if (i < 0) return '';
  const out = [lines[i]!.replace(/\s+/g, ' ').trim()];
  for (let j = i + 1; j < lines.length && lines[j]!.startsWith('      '); j++) out.push(lines[j]!.trim());
  return out.join(' / ');
}

const abiOf = (e: Explanation, name: string) => e.abis.find((a) => a.arch.name === name)!;

describe('explain: Docker\'s default (libseccomp 2.5.4, amd64)', () => {
  it('explains the ABIs the filter tests, in its order', () => {
    expect(dockerExplained.abis.map((a) => a.arch.name)).toEqual(['x86_64', 'x32', 'x86']);
    expect(dockerExplained.exact && dockerExplained.complete).toBe(true);
  });

  it.each(['x86_64', 'x32', 'x86'])('%s: the argument-dependent syscalls, folded, with named values', (name) => {
    const abi = abiOf(dockerExplained, name);
    expect(abi.dependent.map((d) => d.name)).toEqual(['clone', 'personality', 'socket']);
    // the profile allows socket for families < 38, = 39, > 40: AF_ALG and AF_VSOCK fall to the default
    expect(lineOf(abi, 'socket')).toBe('socket ERRNO(1) if a0 ∈ {38 (AF_ALG), 40 (AF_VSOCK)}; otherwise ALLOW');
    // MASKED_EQ 0x7e020000 == 0: the namespace flags
    expect(lineOf(abi, 'clone')).toBe('clone ALLOW if a0 & (CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET) = 0; otherwise ERRNO(1)');
    expect(lineOf(abi, 'personality')).toBe('personality ALLOW if a0 ∈ {0 (PER_LINUX), 8 (PER_LINUX32), 0x20000 (PER_LINUX|UNAME26), 0x20008 (PER_LINUX32|UNAME26), 0xffffffff}; otherwise ERRNO(1)');
  });

  it.each([
    ['x86_64', 'read', 'ALLOW'],
    ['x86_64', 'mount', 'ERRNO(1)'],
    ['x86_64', 'clone3', 'ERRNO(38)'],
    ['x86', 'socketcall', 'ALLOW'],
    ['x32', 'kexec_load', 'ERRNO(1)'],
  ])('%s %s always gets %s', (abiName, syscall, action) => {
    const abi = abiOf(dockerExplained, abiName);
    expect(abi.groups.find((g) => g.syscalls.includes(syscall))?.outcome.action).toBe(action);
  });

  it('numbers without a name and every other ABI', () => {
    for (const abi of dockerExplained.abis) expect(abi.groups.find((g) => g.allNumbers)?.outcome.action).toBe('ERRNO(1)');
    const text = formatExplanation(dockerExplained);
    expect(text).toMatch(/^every other ABI \(arm, aarch64, .*\) and arch values no ABI has: KILL_THREAD$/m);
  });
});

describe('explain: profiles compiled by syscage (runc lens)', () => {
  it('an older Docker default (AF_VSOCK only): `socket: ERRNO(1) if a0 = 40 (AF_VSOCK); otherwise ALLOW`', () => {
    const e = explainProgram(profileProgram('../fixtures/profiles/moby/default-before-afalg.json', 'x86_64'));
    expect(lineOf(abiOf(e, 'x86_64'), 'socket')).toBe('socket ERRNO(1) if a0 = 40 (AF_VSOCK); otherwise ALLOW');
  });

  it('s390x: clone\'s flags are its second argument (CLONE_BACKWARDS2), and named there', () => {
    const e = explainProgram(profileProgram('../fixtures/profiles/moby/default.json', 's390x'), [arch('s390x')], { syscalls: ['clone'] });
    expect(lineOf(e.abis[0]!, 'clone')).toBe('clone ALLOW if a1 & (CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET) = 0; otherwise ERRNO(1)');
  });

  it('runc\'s ENOSYS stub: numbers above the profile\'s last syscall get ERRNO(38), the lower ones the default', () => {
    const abi = abiOf(explainProgram(profileProgram('../fixtures/profiles/moby/default.json', 'x86_64')), 'x86_64');
    const errno38 = abi.groups.find((g) => g.outcome.action === 'ERRNO(38)')!;
    const errno1 = abi.groups.find((g) => g.outcome.action === 'ERRNO(1)')!;
    expect(errno38.numbers.at(-1)).toBe(0xffffffff);
    expect(errno1.numbers[0]).toBe(0);
  });
});

// for socket (nr 41): ld a1.lo (byte 24 on x86_64); add #5; jgt #10 → ERRNO(1), else ALLOW;
// for read (nr 0): ret (a0.lo | ALLOW), a value computed from the call; everything else ALLOW
const ALU_PROGRAM: Instruction[] = [
  { code: 0x20, jt: 0, jf: 0, k: 4 }, //          0 ld [4] arch
  { code: 0x15, jt: 1, jf: 0, k: 0xc000003e }, // 1 jeq AUDIT_ARCH_X86_64
  { code: 0x06, jt: 0, jf: 0, k: 0 }, //          2 ret KILL_THREAD
  { code: 0x20, jt: 0, jf: 0, k: 0 }, //          3 ld [0] nr
  { code: 0x15, jt: 0, jf: 4, k: 41 }, //         4 jeq #41 → 5 | 9
  { code: 0x20, jt: 0, jf: 0, k: 24 }, //         5 ld a1.lo
  { code: 0x04, jt: 0, jf: 0, k: 5 }, //          6 add #5
  { code: 0x25, jt: 0, jf: 5, k: 10 }, //         7 jgt #10 → 8 | 13
  { code: 0x06, jt: 0, jf: 0, k: 0x00050001 }, // 8 ret ERRNO(1)
  { code: 0x15, jt: 0, jf: 3, k: 0 }, //          9 jeq #0 → 10 | 13
  { code: 0x20, jt: 0, jf: 0, k: 16 }, //        10 ld a0.lo
  { code: 0x44, jt: 0, jf: 0, k: 0x7fff0000 }, // 11 or #ALLOW
  { code: 0x16, jt: 0, jf: 0, k: 0 }, //         12 ret A
  { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }, // 13 ret ALLOW
];

describe('explain: computed tests are shown as computed, not guessed', () => {
  const program = validate(ALU_PROGRAM).value!;
  const e = explainProgram(program, [X86_64]);
  const abi = e.abis[0]!;

  it('a test on a1 + 5 is an opaque condition', () => {
    expect(e.exact).toBe(false);
    const socket = abi.dependent.find((d) => d.name === 'socket')!;
    expect(lineOf(abi, 'socket')).toBe('socket ERRNO(1) if (args[1].lo + 0x5) > 0xa; otherwise ALLOW');
    expect(socket.cases.map((c) => c.outcome.kind)).toEqual(['action']);
  });

  it('`ret A` on data is an outcome of its own: the value it computes', () => {
    const read = abi.dependent.find((d) => d.name === 'read')!;
    expect(read.cases.map((c) => c.outcome.kind === 'computed' && c.outcome.text)).toEqual(['(args[0].lo | 0x7fff0000)']);
    expect(read.otherwise).toBeUndefined();
  });
});

// ioctl (nr 16): two jset tests on a0; bit 1 alone decides, bit 0 only splits the paths
const JSET_PROGRAM: Instruction[] = [
  { code: 0x20, jt: 0, jf: 0, k: 4 }, //          0 ld [4] arch
  { code: 0x15, jt: 1, jf: 0, k: 0xc000003e }, // 1 jeq AUDIT_ARCH_X86_64
  { code: 0x06, jt: 0, jf: 0, k: 0 }, //          2 ret KILL_THREAD
  { code: 0x20, jt: 0, jf: 0, k: 0 }, //          3 ld [0] nr
  { code: 0x15, jt: 0, jf: 6, k: 16 }, //         4 jeq #16 → 5 | 11
  { code: 0x20, jt: 0, jf: 0, k: 16 }, //         5 ld a0.lo
  { code: 0x45, jt: 0, jf: 2, k: 1 }, //          6 jset #1 → 7 | 9
  { code: 0x45, jt: 2, jf: 3, k: 2 }, //          7 jset #2 → 10 | 11
  { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }, // 8 (unreached)
  { code: 0x45, jt: 0, jf: 1, k: 2 }, //          9 jset #2 → 10 | 11
  { code: 0x06, jt: 0, jf: 0, k: 0x00050001 }, // 10 ret ERRNO(1)
  { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }, // 11 ret ALLOW
];

describe('explain: masked tests fold when a test and its negation meet', () => {
  const program = validate(JSET_PROGRAM).value!;
  const e = explainProgram(program, [X86_64]);
  it('four paths, two conditions', () => {
    expect(lineOf(e.abis[0]!, 'ioctl')).toBe('ioctl ERRNO(1) if a0 & 0x2 ≠ 0; otherwise ALLOW');
    expect(checkExplanation(program, e, new Rng(1), 'jset')).toBeGreaterThan(300);
  });
});

describe('fold: only exact unions', () => {
  const t = (k: number, taken: boolean) => ({ l: { kind: 'word' as const, offset: 16 }, op: 'jgt' as const, r: k, taken });
  const any: Values64 = { kind: 'any' };
  const region = (opaque: ReturnType<typeof t>[], a0: Values64 = any): Folded => ({ fields: [a0, any, any, any, any, any, any], opaque });
  const points = (...v: bigint[]): Values64 => ({ kind: 'intervals', intervals: v.flatMap((x) => [x, x]) });
  it.each([
    ['a computed test and its negation cancel out', [region([t(10, true)]), region([t(10, false)])], 1],
    ['two different computed tests stay apart', [region([t(10, true)]), region([t(20, true)])], 2],
    ['values of one argument join', [region([], points(1n)), region([], points(3n))], 1],
    ['different arguments and different values stay apart', [region([], points(1n)), { ...region([]), fields: [any, points(3n), any, any, any, any, any] }], 2],
  ] as const)('%s', (_name, regions, count) => {
    expect(fold(regions).length).toBe(count);
  });
});

describe('explain: CLI', () => {
  const bpf = readFileSync(new URL('../fixtures/libseccomp/x86_64+x86+x32.bpf', import.meta.url));

  it('--json: the cases with their conditions and exact sets', async () => {
    const r = await runCli(['explain', 'f.bpf', '--json', '--syscall', 'socket'], { 'f.bpf': bpf });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; abis: Array<{ arch: string; dependent: Array<{ syscall: string; cases: Array<{ outcome: { action: string }; when: Array<{ conditions: string[]; fields: Record<string, unknown> }> }>; otherwise: { action: string } }> }> };
    expect(doc.ok).toBe(true);
    expect(doc.abis.map((a) => a.arch)).toEqual(['x86_64', 'x32', 'x86']);
    const socket = doc.abis[0]!.dependent[0]!;
    expect(socket.syscall).toBe('socket');
    expect(socket.cases[0]!.outcome.action).toBe('ALLOW');
    expect(socket.cases[0]!.when[0]!.conditions).toEqual(['a0 = 1 (AF_UNIX)']);
    expect(socket.cases[0]!.when[0]!.fields).toEqual({ a0: { intervals: [['0x1', '0x1']] } });
    expect(socket.otherwise.action).toBe('ERRNO(1)');
  });

  it('text; unknown syscall names and bad files exit 2 with a coded diagnostic', async () => {
    const ok = await runCli(['explain', 'f.bpf', '--syscall', 'socket,socketcall'], { 'f.bpf': bpf });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('socketcall  ALLOW if a0 = 1 (SYS_SOCKET); otherwise ERRNO(1)');
    const bad = await runCli(['explain', 'f.bpf', '--syscall', 'sockett'], { 'f.bpf': bpf });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SC5002');
    const missing = await runCli(['explain', 'nope.bpf']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SC5005');
    expect(missing.stderr).not.toContain('    at ');
  });
});

// --- exactness: the explanation, evaluated here, against the interpreter

function valuesHold(v: Values64, x: bigint): boolean {
  if (v.kind === 'any') return true;
  if (v.kind === 'words') return member(v.hi, Number(x >> 32n)) && member(v.lo, Number(x & 0xffff_ffffn));
  for (let i = 0; i < v.intervals.length; i += 2) if (x >= v.intervals[i]! && x <= v.intervals[i + 1]!) return true;
  return false;
}

function holds(f: Folded, d: SeccompData, a: Arch): boolean {
  if (f.nr && !member(f.nr, d.nr)) return false;
  if (!f.fields.every((v, i) => valuesHold(v, i === 6 ? d.instructionPointer : d.args[i] ?? 0n))) return false;
  const words = wordsOfData(d, a.endian);
  return f.opaque.every((t) => {
    const l = evalSym(t.l, (o) => words[o >> 2]!);
    const r = evalSym(t.r, (o) => words[o >> 2]!);
    const res = t.op === 'jeq' ? l === r : t.op === 'jgt' ? l > r : t.op === 'jge' ? l >= r : (l & r) !== 0;
    return res === t.taken;
  });
}

function inRanges(ranges: readonly number[], n: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (n >= ranges[i]! && n <= ranges[i + 1]!) return true;
  return false;
}

/** What the explanation says `d` gets on `abi`. */
function said(abi: AbiExplanation, d: SeccompData): Outcome {
  const name = syscallName(abi.arch, d.nr);
  const groups = name !== undefined ? abi.groups.filter((g) => g.syscalls.includes(name)) : abi.groups.filter((g) => g.allNumbers || inRanges(g.numbers, d.nr));
  const subjects = abi.dependent.filter((s) => s.name === name);
  expect(groups.length + subjects.length, `${abi.arch.name} nr ${d.nr} is in one place`).toBe(1);
  if (groups.length === 1) return groups[0]!.outcome;
  const s = subjects[0]!;
  const hits = s.cases.filter((c) => c.when.some((f) => holds(f, d, abi.arch)));
  expect(hits.length, `${abi.arch.name} ${name ?? d.nr}: the cases are disjoint`).toBeLessThanOrEqual(1);
  const o = hits[0]?.outcome ?? s.otherwise;
  expect(o, `${abi.arch.name} ${name ?? d.nr}: a case or otherwise`).toBeDefined();
  return o!;
}

function agrees(o: Outcome, program: Program, a: Arch, d: SeccompData): boolean {
  const v = simulate(program, a.endian, d).value;
  if (o.kind === 'action') return o.value === v;
  if (o.kind === 'computed') { const w = wordsOfData(d, a.endian); return evalSym(o.returns, (off) => w[off >> 2]!) === v; }
  return true;
}

/** Boundary variants per ABI at most (random programs have thousands of regions, every one argument-dependent). */
const MAX_VARIANTS = 8000;

/** Witnesses of every region of every syscall, boundary variants of every word a region tests, random calls. */
function checkExplanation(program: Program, e: Explanation, rng: Rng, label: string, maxVariants = MAX_VARIANTS): number {
  let points = 0;
  const check = (abi: AbiExplanation, d: SeccompData) => {
    const o = said(abi, d);
    if (!agrees(o, program, abi.arch, d)) {
      throw new Error(`${label} ${abi.arch.name} nr ${d.nr} args ${d.args.map((x) => x.toString(16)).join(',')} ip ${d.instructionPointer.toString(16)}: explain says ${JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v))}, the interpreter ${simulate(program, abi.arch.endian, d).value.toString(16)}`);
    }
    points++;
  };
  for (const abi of e.abis) {
    const a = abi.arch;
    const p = partition(program, abiSpace(a).region);
    const numbers = syscallNames(a).map((n) => syscallNumber(a, n)!);
    const dependent = new Set(abi.dependent.map((s) => (s.name === undefined ? -1 : syscallNumber(a, s.name)!)));
    // boundary values of every word any region tests
    const bounds: Set<number>[] = Array.from({ length: 16 }, () => new Set<number>());
    for (const l of p.leaves) l.region.words.forEach((s, i) => {
      if (!s || i < 2) return;
      for (let j = 0; j < s.intervals.length && j < 16; j++) for (const v of [s.intervals[j]!, s.intervals[j]! - 1, s.intervals[j]! + 1]) bounds[i]!.add(v >>> 0);
      for (const m of s.masked) for (const v of [m.k, (m.k | ~m.mask) >>> 0, (m.k ^ m.mask) >>> 0, (m.k - 1) >>> 0]) bounds[i]!.add(v >>> 0);
    });
    let variants = 0;
    for (const l of p.leaves) {
      const nrs = numbers.filter((n) => member(l.region.words[0] ?? { intervals: [0, 0xffffffff], masked: [], witness: 0 }, n));
      const own = regionWitness(l.region, a.endian);
      const bases: SeccompData[] = own.found ? [own.data] : [];
      for (const n of nrs.filter((_, i) => i % Math.ceil(nrs.length / 40) === 0)) {
        const r = constrainRegion(l.region, 0, 0xffffffff, 'eq', n, true);
        const w = r && regionWitness(r, a.endian);
        if (w && w.found) bases.push(w.data);
      }
      let varied = 0;
      for (const base of bases) {
        check(abi, base);
        if (!dependent.has(syscallName(a, base.nr) === undefined ? -1 : base.nr) || varied++ >= 2 || variants > maxVariants) continue;
        const words = wordsOfData(base, a.endian);
        bounds.forEach((vals, i) => {
          const list = [...vals];
          const step = Math.ceil(list.length / 24);
          for (let j = 0; j < list.length; j += step) {
            const ws = words.slice();
            ws[i] = list[j]!;
            check(abi, dataOfWords(ws, a.endian));
            variants++;
          }
        });
      }
    }
    const unnamed: number[] = [];
    for (let j = 0; j < abi.unnamed.intervals.length && unnamed.length < 64; j += 2) unnamed.push(abi.unnamed.intervals[j]!, abi.unnamed.intervals[j + 1]!);
    for (let i = 0; i < 300; i++) {
      const c = randomCases(rng, 1)[0]!;
      const nr = i % 3 === 0 ? rng.pick(numbers) : i % 3 === 1 ? rng.pick(unnamed) : c.nr;
      const d = { ...c, nr, arch: a.auditArch, instructionPointer: i % 5 === 0 ? rng.u64() : 0n };
      if (syscallName(a, nr) !== undefined || member(abi.unnamed, nr)) check(abi, d);
    }
  }
  for (const o of e.others) {
    const space = o.arch ? abiSpace(o.arch) : otherArchSpace();
    for (const l of partition(program, space.region).leaves.slice(0, 50)) {
      const w = regionWitness(l.region, o.arch?.endian ?? e.endian);
      if (!w.found) continue;
      const v = simulate(program, o.arch?.endian ?? e.endian, w.data).value;
      expect(o.outcomes.some((x) => x.kind !== 'action' || x.value === v), `${label} ${o.arch?.name ?? 'other arch'}`).toBe(true);
      points++;
    }
  }
  return points;
}

describe('explain is exact: the folded conditions give the interpreter\'s verdict', () => {
  const { seed } = runSeed();

  it.each([
    ['Docker default, libseccomp 2.5.4', () => [DOCKER, dockerExplained] as const],
    ['libseccomp x86_64+x86+x32', () => { const p = filterFile('../fixtures/libseccomp/x86_64+x86+x32.bpf'); return [p, explainProgram(p, [X86_64, arch('x86'), arch('x32')])] as const; }],
    ['libseccomp x86_64 (x32 guard)', () => { const p = filterFile('../fixtures/libseccomp/x86_64.bpf'); return [p, explainProgram(p)] as const; }],
    ['libseccomp s390x (big-endian)', () => { const p = filterFile('../fixtures/libseccomp/s390x.bpf', 'big'); return [p, explainProgram(p, [arch('s390x')])] as const; }],
    ['libseccomp ppc64 (big-endian)', () => { const p = filterFile('../fixtures/libseccomp/ppc64.bpf', 'big'); return [p, explainProgram(p, [arch('ppc64')])] as const; }],
    ['syscage: moby default for amd64', () => { const p = profileProgram('../fixtures/profiles/moby/default.json', 'x86_64'); return [p, explainProgram(p)] as const; }],
    ['syscage: moby default for s390x', () => { const p = profileProgram('../fixtures/profiles/moby/default.json', 's390x'); return [p, explainProgram(p, [arch('s390x'), arch('s390')])] as const; }],
    ['syscage: sio2project oioioi for amd64', () => { const p = profileProgram('../fixtures/profiles/sio2project-oioioi/seccomp.json', 'x86_64'); return [p, explainProgram(p)] as const; }],
    ['syscage: apptainer default for arm64', () => { const p = profileProgram('../fixtures/profiles/apptainer/default.json', 'aarch64'); return [p, explainProgram(p)] as const; }],
  ])('%s', (label, make) => {
    const [program, e] = make();
    const points = checkExplanation(program, e, new Rng(seed), label);
    expect(points).toBeGreaterThan(400);
  });

  it('seeded random programs (ALU tests, computed returns, any number)', () => {
    const r = new Rng(seed);
    let points = 0;
    for (let i = 0; i < 16; i++) {
      const cases = randomCases(r, 20);
      const program = validate(randomProgram(r, { size: 5 + r.int(30), words: interestingWords(r, cases) })).value!;
      const e = explainProgram(program, [X86_64, arch('x32')], { budget: 200_000 });
      if (!e.complete) continue;
      points += checkExplanation(program, e, r, `seed ${hexSeed(seed)} program ${i}`, 2000);
      for (const c of cases) {
        const abi = e.abis[c.nr & 0x4000_0000 ? 1 : 0]!;
        if (syscallName(abi.arch, c.nr) !== undefined || member(abi.unnamed, c.nr)) expect(agrees(said(abi, c), program, abi.arch, c)).toBe(true);
      }
    }
    expect(points).toBeGreaterThan(1000);
  });
});
