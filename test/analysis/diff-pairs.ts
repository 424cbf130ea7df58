// SPDX-License-Identifier: Apache-2.0
// Seeded pairs of seccomp programs for the diff and subset properties (./diff-properties.test.ts),
// each with the sample of seccomp_data the properties probe it on:
//   - policies (../property/random-policy.ts) compiled by compilePolicy, against a copy with one
//     change (a decision's action, a condition's value ±1, its operator or sense, a dropped
//     decision or syscall, the default), and chains of copies made stricter action by action;
//     sampled at every syscall number of every ABI of the policy, the numbers where dispatch
//     changes, argument vectors at and around every constant either side compares, other arches;
//   - random Docker profiles (../differential/profiles-gen.ts) compiled through the runc lens,
//     against a copy with one rule dropped, its action changed or a value moved by one; sampled on
//     ../differential/profiles-space.ts's decision space of both sides;
//   - random valid programs of every opcode (../differential/random-program.ts) against a copy with
//     one instruction changed (a constant, a jump target, an offset), still valid; sampled on
//     random data and on the words they compare set to each constant ±1.

import { ARCHES, archByAuditArch, archByName, syscallNames, syscallNumber } from '../../src/arch/index.js';
import type { Endian } from '../../src/arch/arch.js';
import type { Instruction, Program } from '../../src/bpf/instruction.js';
import { opcode } from '../../src/bpf/opcodes.js';
import { validate } from '../../src/bpf/validate.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { compileProfile } from '../../src/compile/profile.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import type { AbiPolicy, Decision, Policy, WordCondition } from '../../src/policy/policy.js';
import { compareStrictness } from '../../src/analysis/lint/context.js';
import { abiSpace, allSpaces, type Space } from '../../src/analysis/partition/spaces.js';
import { dataOfWords, wordsOfData } from '../../src/analysis/partition/region.js';
import { formatAction } from '../../src/seccomp/action.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { BODY_LOAD_OFFSETS, interestingWords, randomCases, randomProgram, type Rng } from '../differential/random-program.js';
import { Rng as SpaceRng } from '../differential/libseccomp-gen.js';
import { genProfile, HOSTS } from '../differential/profiles-gen.js';
import { decisionSpace } from '../differential/profiles-space.js';
import { INTERESTING, randomPolicy, rng as policyRng } from '../property/random-policy.js';

export interface Pair {
  /** What the pair is, enough to rebuild it: kind, index and the change made. */
  readonly label: string;
  readonly a: Program;
  readonly b: Program;
  readonly spaces: readonly Space[];
  /** Compiled programs: every region of their product has two constant values. */
  readonly exact: boolean;
  readonly points: readonly SeccompData[];
}

/** The byte order seccomp_data has for this arch value (the diff takes other arch values as little-endian). */
export function endianOf(data: SeccompData): Endian {
  return archByAuditArch(data.arch)?.endian ?? 'little';
}

const ACTIONS = [0x7fff0000, 0x00050001, 0x00050026, 0x80000000, 0x00000000, 0x00030007, 0x7ff00003, 0x7ffc0000, 0x7fc00000];

// ── policies ────────────────────────────────────────────────────────────────────────────────

type Next = () => number;
type Edit = { readonly policy: Policy; readonly what: string };

function withSyscalls(p: Policy, i: number, syscalls: ReadonlyMap<number, readonly Decision[]>): Policy {
  return { ...p, abis: p.abis.map((abi, j) => (j === i ? { ...abi, syscalls } : abi)) };
}

function withDecisions(p: Policy, i: number, nr: number, ds: readonly Decision[] | undefined): Policy {
  const syscalls = new Map(p.abis[i]!.syscalls);
  if (ds) syscalls.set(nr, ds);
  else syscalls.delete(nr);
  return withSyscalls(p, i, syscalls);
}

function pickDecision(p: Policy, next: Next): { i: number; abi: AbiPolicy; nr: number; ds: readonly Decision[]; k: number } | undefined {
  const withRules = p.abis.map((abi, i) => ({ abi, i })).filter((x) => x.abi.syscalls.size > 0);
  if (withRules.length === 0) return undefined;
  const { abi, i } = withRules[next() % withRules.length]!;
  const nrs = [...abi.syscalls.keys()];
  const nr = nrs[next() % nrs.length]!;
  const ds = abi.syscalls.get(nr)!;
  return { i, abi, nr, ds, k: next() % ds.length };
}

const where = (x: { abi: AbiPolicy; nr: number; k: number }) => `${x.abi.arch.name} nr ${x.nr} decision ${x.k}`;

function withDefault(p: Policy, action: number, what: string): Edit {
  return { policy: { ...p, abis: p.abis.map((abi) => ({ ...abi, defaultAction: action })) }, what: `default ${formatAction(p.abis[0]!.defaultAction)} → ${formatAction(action)}${what}` };
}

/** One change anywhere in the policy. */
export function mutatePolicy(p: Policy, next: Next): Edit {
  const x = pickDecision(p, next);
  const kind = x ? next() % 5 : 4;
  if (x && kind === 0) {
    const action = ACTIONS.filter((a) => a !== x.ds[x.k]!.action)[next() % (ACTIONS.length - 1)]!;
    const ds = x.ds.map((d, j) => (j === x.k ? { ...d, action } : d));
    return { policy: withDecisions(p, x.i, x.nr, ds), what: `${where(x)} action → ${formatAction(action)}` };
  }
  if (x && (kind === 1 || kind === 2) && x.ds[x.k]!.conditions.length > 0) {
    const d = x.ds[x.k]!;
    const c = next() % d.conditions.length;
    const old = d.conditions[c]!;
    const changed: WordCondition = kind === 1
      ? { ...old, value: (old.value + (next() % 2 ? 1 : -1)) >>> 0 }
      : next() % 2 ? { ...old, negate: !old.negate } : { ...old, op: old.mask !== 0xffffffff ? 'eq' : (['eq', 'gt', 'ge'] as const).filter((o) => o !== old.op)[next() % 2]!, mask: old.mask };
    const ds = x.ds.map((e, j) => (j === x.k ? { ...e, conditions: e.conditions.map((w, q) => (q === c ? changed : w)) } : e));
    return { policy: withDecisions(p, x.i, x.nr, ds), what: `${where(x)} condition ${c} ${kind === 1 ? `value ${old.value} → ${changed.value}` : `${old.negate ? '!' : ''}${old.op} → ${changed.negate ? '!' : ''}${changed.op}`}` };
  }
  if (x && kind === 3) {
    const ds = x.ds.length > 1 ? x.ds.filter((_d, j) => j !== x.k) : undefined;
    return { policy: withDecisions(p, x.i, x.nr, ds), what: ds ? `${where(x)} dropped` : `${x.abi.arch.name} nr ${x.nr} dropped` };
  }
  const def = p.abis[0]!.defaultAction;
  return withDefault(p, ACTIONS.filter((a) => a !== def)[next() % (ACTIONS.length - 1)]!, '');
}

/** One action made stricter or equally strict (kernel precedence), never looser: the result is at least as strict. */
export function stricterPolicy(p: Policy, next: Next): Edit {
  for (let tries = 0; tries < 8; tries++) {
    const x = pickDecision(p, next);
    if (!x) break;
    const old = x.ds[x.k]!.action;
    const options = ACTIONS.filter((a) => a !== old && compareStrictness(a, old) <= 0);
    if (options.length === 0) continue;
    const action = options[next() % options.length]!;
    const ds = x.ds.map((d, j) => (j === x.k ? { ...d, action } : d));
    return { policy: withDecisions(p, x.i, x.nr, ds), what: `${where(x)} action ${formatAction(old)} → ${formatAction(action)}` };
  }
  const def = p.abis[0]!.defaultAction;
  const options = ACTIONS.filter((a) => a !== def && compareStrictness(a, def) <= 0);
  return options.length > 0 ? withDefault(p, options[next() % options.length]!, ' (stricter)') : { policy: p, what: 'unchanged (nothing stricter)' };
}

export function compiled(p: Policy): Program {
  const out = compilePolicy(p);
  if (!out.program) throw new Error(`compilePolicy refused a random policy: ${out.diagnostics.map((d) => d.message).join('; ')}`);
  return out.program;
}

/** Argument vectors aimed at the constants `decisions` compare, so each condition goes both ways. */
function argVectors(decisions: readonly Decision[], count: number, next: Next): bigint[][] {
  const word = () => (next() % 2 ? next() : INTERESTING[next() % INTERESTING.length]!) >>> 0;
  const conds = decisions.flatMap((d) => d.conditions);
  return Array.from({ length: count }, () => Array.from({ length: 6 }, (_, i) => {
    const mine = conds.filter((c) => c.arg === i);
    const c = mine.length > 0 ? mine[next() % mine.length] : undefined;
    const near = (c: WordCondition) => (next() % 4 === 0 ? (c.value | ~c.mask) >>> 0 : (c.value + (next() % 3) - 1) >>> 0);
    const lo = c && c.half === 'lo' && next() % 4 !== 0 ? near(c) : word();
    const hi = c && c.half === 'hi' && next() % 4 !== 0 ? near(c) : next() % 2 ? 0 : word();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }));
}

/** Every syscall number of the policies' ABIs, dispatch edges, arguments near every constant, other arches. */
export function policyPoints(policies: readonly Policy[], next: Next): SeccompData[] {
  const out: SeccompData[] = [];
  const first = policies[0]!;
  for (const abi of first.abis) {
    const arch = abi.arch;
    const nrs = new Set<number>(syscallNames(arch).map((s) => syscallNumber(arch, s)!));
    for (const p of policies) for (const a of p.abis) if (a.arch === arch) for (const nr of a.syscalls.keys()) nrs.add(nr);
    for (const e of first.enosysStub?.entries ?? []) for (const d of [-1, 0, 1, 2]) nrs.add((e.max + d) >>> 0);
    for (const n of [0, 1, 0xffffffff, 0x40000000, 0x40000001, 0x3fffffff, 0x7fffffff, 0x80000000, 0x80000001, 0xc0000002, next(), next() & 0x3fff]) nrs.add((n | arch.nrBit) >>> 0);
    for (const nr of nrs) {
      const decisions = policies.flatMap((p) => p.abis.filter((a) => a.arch === arch).flatMap((a) => a.syscalls.get(nr) ?? []));
      const vectors = decisions.some((d) => d.conditions.length > 0) ? argVectors(decisions, 24, next) : [[0n, 0n, 0n, 0n, 0n, 0n], ...(next() % 8 === 0 ? argVectors([], 1, next) : [])];
      for (const args of vectors) out.push({ nr, arch: arch.auditArch, instructionPointer: 0n, args });
    }
  }
  const nrs = [...first.abis[0]!.syscalls.keys(), 0, 1];
  for (const other of ARCHES) out.push({ nr: nrs[next() % nrs.length]!, arch: other.auditArch, instructionPointer: 0n, args: [] });
  for (let i = 0; i < 8; i++) out.push({ nr: nrs[next() % nrs.length]!, arch: next(), instructionPointer: 0n, args: [] });
  return out;
}

/** `count` policies, each against one change of itself. */
export function policyPairs(seed: number, count: number): Pair[] {
  const next = policyRng(seed);
  return Array.from({ length: count }, (_, n) => {
    const p = randomPolicy(next);
    const m = mutatePolicy(p, next);
    return { label: `policy pair ${n}: ${m.what}`, a: compiled(p), b: compiled(m.policy), spaces: allSpaces(), exact: true, points: policyPoints([p, m.policy], next) };
  });
}

// ── profiles ────────────────────────────────────────────────────────────────────────────────

const PROFILE_ACTIONS = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_LOG', 'SCMP_ACT_TRAP', 'SCMP_ACT_KILL'];

/** One rule of a generated profile (one line each) dropped, its action changed, or one value moved by one. */
function mutateProfile(text: string, r: SpaceRng): { text: string; what: string } {
  const lines = text.split('\n');
  const rules = lines.map((l, i) => ({ l, i })).filter((x) => x.l.trimStart().startsWith('{ "names"'));
  if (rules.length === 0) return { text, what: 'unchanged (no rule)' };
  const { l, i } = r.pick(rules);
  const kind = r.int(3);
  if (kind === 0 && rules.length > 1) {
    const out = lines.filter((_x, j) => j !== i);
    if (!l.endsWith(',')) out[i - 1] = out[i - 1]!.replace(/,$/, '');
    return { text: out.join('\n'), what: `rule at line ${i + 1} dropped` };
  }
  const values = [...l.matchAll(/"value": (\d+)/g)];
  if (kind === 1 && values.length > 0) {
    const v = BigInt(r.pick(values)[1]!);
    const moved = v === 0n ? 1n : r.chance(0.5) ? v + 1n : v - 1n;
    lines[i] = l.replace(`"value": ${v},`, `"value": ${moved},`);
    return { text: lines.join('\n'), what: `line ${i + 1} value ${v} → ${moved}` };
  }
  const action = r.pick(PROFILE_ACTIONS);
  lines[i] = l.replace(/"action": "[A-Z_]+"(, "errnoRet": \d+)?/, action === 'SCMP_ACT_ERRNO' ? `"action": "${action}", "errnoRet": ${r.pick([1, 13, 38])}` : `"action": "${action}"`);
  return { text: lines.join('\n'), what: `line ${i + 1} action → ${action}` };
}

/** `count` random profiles that compile, each against one change of itself (both compiled through the runc lens). */
export function profilePairs(seed: number, count: number): { pairs: Pair[]; skipped: number } {
  const r = new SpaceRng(seed);
  const pairs: Pair[] = [];
  let skipped = 0;
  for (let n = 0; pairs.length < count && n < count * 6; n++) {
    const host = r.chance(0.6) ? HOSTS[0]! : r.pick(HOSTS);
    const target = { host: archByName(host.arch)!, kernel: [6, 8] as const };
    const g = genProfile(r, host.docker);
    const m = mutateProfile(g.text, r);
    const ca = compileProfile(g.text, target);
    const cb = compileProfile(m.text, target);
    const ok = (c: typeof ca) => c.program && c.policy && c.resolution?.filter && !hasErrors(c.diagnostics);
    if (!ok(ca) || !ok(cb)) { skipped++; continue; }
    const points = [ca, cb].flatMap((c) => decisionSpace(c.policy!, c.resolution!.filter!, r).queries);
    pairs.push({ label: `profile pair ${n} (${g.summary}): ${m.what}`, a: ca.program!, b: cb.program!, spaces: allSpaces(), exact: true, points });
  }
  return { pairs, skipped };
}

// ── random programs ─────────────────────────────────────────────────────────────────────────

const X86_SPACES = [abiSpace(archByName('x86_64')!), abiSpace(archByName('x32')!)];

/** One instruction changed, the result still valid. */
function mutateProgram(p: readonly Instruction[], r: Rng): { program: Program; what: string } | undefined {
  for (let tries = 0; tries < 20; tries++) {
    const pc = r.int(p.length);
    const ins = p[pc]!;
    const e = opcode(ins.code)!.effect;
    let next: Instruction | undefined;
    if (e.kind === 'jmp' && r.chance(0.5)) {
      const room = p.length - pc - 2;
      next = r.chance(0.5) ? { ...ins, jt: r.int(room + 1) } : { ...ins, jf: r.int(room + 1) };
    } else if (e.kind === 'ld-abs') next = { ...ins, k: r.pick(BODY_LOAD_OFFSETS) };
    else if (e.kind === 'jmp' || e.kind === 'ret' || e.kind === 'ld-imm' || (e.kind === 'alu' && e.src === 'k' && e.op !== 'div' && e.op !== 'lsh' && e.op !== 'rsh')) {
      next = { ...ins, k: (ins.k + (r.chance(0.5) ? 1 : -1)) >>> 0 };
    }
    if (!next) continue;
    const copy = p.slice();
    copy[pc] = next;
    const v = validate(copy);
    if (v.value) return { program: v.value, what: `pc ${pc} ${JSON.stringify(ins)} → ${JSON.stringify(next)}` };
  }
  return undefined;
}

/** Random data, and the same data with one loaded word set to each constant a jump compares (±1). */
function programPoints(programs: readonly Program[], r: Rng): SeccompData[] {
  const cases = randomCases(r, 48);
  const ks = [...new Set(programs.flatMap((p) => p.filter((i) => opcode(i.code)!.effect.kind === 'jmp').map((i) => i.k)))];
  const out = [...cases];
  for (let i = 0; i < 96 && ks.length > 0; i++) {
    const words = wordsOfData(r.pick(cases), 'little');
    const k = r.pick(ks);
    // any word the body loads but the arch: the pairs are compared on x86_64's and x32's spaces
    words[r.pick(BODY_LOAD_OFFSETS.filter((o) => o !== 4)) >> 2] = (k + r.range(-1, 1)) >>> 0;
    out.push(dataOfWords(words, 'little'));
  }
  return out;
}

/** `count` random valid programs, each against a one-instruction change of itself. */
export function programPairs(r: Rng, count: number): Pair[] {
  const pairs: Pair[] = [];
  for (let n = 0; pairs.length < count; n++) {
    const words = interestingWords(r, randomCases(r, 24));
    const raw = randomProgram(r, { size: 5 + r.int(30), words });
    const a = validate(raw).value;
    const m = a && mutateProgram(raw, r);
    if (!a || !m) continue;
    pairs.push({ label: `program pair ${n}: ${m.what}`, a, b: m.program, spaces: X86_SPACES, exact: false, points: programPoints([a, m.program], r) });
  }
  return pairs;
}
