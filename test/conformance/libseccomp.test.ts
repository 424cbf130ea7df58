// SPDX-License-Identifier: Apache-2.0
// Conformance (DESIGN.md §5.1): libseccomp's 43 bpf-sim tables, replayed on what syscage makes of
// the same filters written as profiles (test/fixtures/conformance, from
// ../shared/data/libseccomp-conformance). For each test:
//   profile text ─parseProfile─▶ Profile ─resolveDocker (x86_64 host; the ABIs exactly as the
//   profile lists them, since the tests remove the native arch when they do not list it)─▶
//   ─runcLens (names made only of digits are raw x86_64 numbers: numericNames)─▶ ApiFilter
//   (+ x-libseccomp.attrs: API_TSKIP) ─applyLibseccomp─▶ Policy ─compilePolicy─▶ Program
// and every check the table expands to (./tables.ts, 7808 on an x86_64 host) must give the
// table's result under simulate() of the program and under evaluate() of the policy.
// runc's ENOSYS stub is not part of libseccomp's filter, so the tables are replayed on the policy
// without it; the program runc would load (with the stub) is checked too: the stub's answer
// where stubAnswers() says it answers, the table's result everywhere else.
// Tests 29 and 35 cannot be written as profiles; their tests assert exactly why (see below).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { X86, X86_64, type Arch } from '../../src/arch/index.js';
import { compilePolicy } from '../../src/compile/compile.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { evaluate, stubAnswers } from '../../src/policy/evaluate.js';
import type { Policy } from '../../src/policy/policy.js';
import { profileLocation } from '../../src/profile/position.js';
import { parseProfile } from '../../src/profile/parse.js';
import { resolveDocker } from '../../src/resolve/docker.js';
import { applyLibseccomp, type LibseccompModel } from '../../src/resolve/libseccomp/index.js';
import { runcLens } from '../../src/resolve/runc.js';
import type { ApiFilter } from '../../src/resolve/types.js';
import { encodeAction } from '../../src/seccomp/action.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { Program } from '../../src/bpf/instruction.js';
import { expandRow, parseTables, simResult, type Check, type TableRow } from './tables.js';

const FIXTURES = new URL('../fixtures/conformance/', import.meta.url);
const SHARED = new URL('../../../shared/data/libseccomp-conformance/', import.meta.url);

/** Checks per test on an x86_64 host, as libseccomp main's own suite counts them (reference §4.2). */
const UPSTREAM_CHECKS: Readonly<Record<string, number>> = {
  '01': 351, '02': 351, '03': 370, '04': 375, '05': 15, '06': 348, '07': 11, '08': 572, '09': 10, '10': 10, '12': 1401,
  '14': 365, '16': 282, '17': 26, '18': 370, '19': 351, '22': 370, '23': 288, '25': 36, '26': 264, '27': 33, '28': 8,
  '29': 12, '30': 56, '33': 36, '34': 370, '35': 3, '36': 60, '37': 36, '40': 351, '41': 4, '42': 34, '43': 39, '45': 6,
  '46': 6, '48': 18, '49': 10, '50': 8, '53': 159, '59': 351, '60': 13, '61': 25, '62': 4,
};

/**
 * What each `x-libseccomp` entry of a profile (an API feature the test used, or an attribute)
 * becomes here. Every entry a profile carries must be listed, so nothing is passed over silently.
 */
const FEATURES: Readonly<Record<string, string>> = {
  'attr:API_TSKIP': 'honoured: the ApiFilter gets attrs.tskip; but its only use, a rule on syscall -1, cannot be written as a profile name (test 35)',
  'attr:CTL_OPTIMIZE': 'honoured: passed to the libseccomp model (no effect on verdicts)',
  priority: 'not expressible (seccomp_syscall_priority); it orders the dispatch only, never a verdict',
  exactRules: 'not expressible (seccomp_rule_add_exact); runc adds best-effort, and no verdict in these tables depends on it',
  'raw-syscall-numbers': 'numbers written as names: the runc lens reads digit-only names as raw x86_64 numbers here (numericNames)',
  'negative/pseudo syscall': 'not expressible: a profile names syscalls, and a digit-only name is a non-negative native number; -1 and -100001 are neither',
  reset: 'flattened into the final rule list by the recorder',
  'merge(per-arch rule sets)': 'flattened: one rule list for both ABIs (a profile cannot scope rules per ABI); the table still holds',
  transactions: 'flattened into the final rule list by the recorder',
  precompute: 'no effect on the filter (seccomp_precompute)',
  'set_api(1)': 'no effect here (the API level only gates which actions libseccomp accepts; all of these are accepted)',
  'set_api(3)': 'no effect here (the API level only gates which actions libseccomp accepts; all of these are accepted)',
};

interface Extension {
  readonly features?: readonly string[];
  readonly attrs?: Readonly<Record<string, number>>;
  readonly exactRules?: boolean;
}

interface Built {
  readonly id: string;
  readonly rows: TableRow[];
  readonly checks: Check[];
  readonly skippedRows: number;
  readonly filter: ApiFilter;
  readonly model: LibseccompModel;
  /** The policy libseccomp's filter means (no runc stub). */
  readonly policy: Policy;
  readonly program: Program;
  /** What runc loads: the same with its ENOSYS stub, when it adds one. */
  readonly runcPolicy: Policy;
  readonly runcProgram: Program;
  readonly diagnostics: readonly Diagnostic[];
  readonly notes: readonly string[];
}

const read = (dir: string, file: string): string => readFileSync(new URL(`${dir}/${file}`, FIXTURES), 'utf8');

function extensionOf(text: string): Extension {
  return ((JSON.parse(text) as Record<string, unknown>)['x-libseccomp'] ?? {}) as Extension;
}

function featureKeys(x: Extension): string[] {
  return [...(x.features ?? []).filter((f) => !f.startsWith('attr:')), ...Object.keys(x.attrs ?? {}).map((a) => `attr:${a}`), ...(x.exactRules ? ['exactRules'] : [])];
}

function compiled(policy: Policy, what: string): Program {
  const c = compilePolicy(policy);
  expect(c.diagnostics.map((d) => d.message), `${what}: compile diagnostics`).toEqual([]);
  expect(c.program, `${what}: no program`).toBeDefined();
  return c.program!;
}

/** The filter of one test, built the way the README says runc builds it. */
function build(id: string, tests: string, profile: string): Built {
  const text = read('profiles', profile);
  const rows = parseTables(read('tests', tests), tests);
  const expansions = rows.map((r) => expandRow(r));
  const x = extensionOf(text);
  const parsed = parseProfile(text, profile);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.message), `${profile}: parse errors`).toEqual([]);
  const where = (pointer: string) => profileLocation(parsed.value!, pointer);
  const listed: Arch[] = parsed.value!.architectures.map((a) => a.arch);
  const docker = resolveDocker(parsed.value!, { host: X86_64, arches: listed.length > 0 ? listed : [X86_64] });
  expect(docker.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), `${profile}: resolve errors`).toEqual([]);
  const lens = runcLens(docker.value!, where, { numericNames: true });
  const attrs = x.attrs ?? {};
  const filter: ApiFilter = { ...lens.filter, attrs: { ...lens.filter.attrs, ...(attrs['API_TSKIP'] ? { tskip: true } : {}) } };
  const optimize = attrs['CTL_OPTIMIZE'] === 2 ? 2 : 1;
  const model = applyLibseccomp(filter, { native: X86_64, optimize });
  expect(model.fault, `${profile}: the model says libseccomp hangs`).toBeUndefined();
  const policy = model.policy;
  const runcPolicy: Policy = lens.enosysStub ? { ...policy, enosysStub: lens.enosysStub } : policy;
  const notes = featureKeys(x).map((f) => `${f}: ${FEATURES[f] ?? 'UNLISTED'}`);
  for (const o of model.outcomes) if (o.rc !== 0) notes.push(`rule ${o.origin.pointer}: rc ${o.rc} (${o.effects.map((e) => e.effect).join('; ')})`);
  return {
    id, rows, checks: expansions.flatMap((e) => e.checks), skippedRows: expansions.reduce((n, e) => n + e.skipped.length, 0),
    filter, model, policy, program: compiled(policy, profile), runcPolicy, runcProgram: compiled(runcPolicy, `${profile} (runc)`),
    diagnostics: [...parsed.diagnostics, ...docker.diagnostics, ...lens.diagnostics], notes,
  };
}

interface Failure {
  readonly check: Check;
  readonly simulated: string;
  readonly evaluated: string;
}

function describeCheck(c: Check): string {
  const args = c.data.args.map((a) => `0x${a.toString(16)}`).join(',');
  return `${c.row.file}:${c.row.line} ${c.arch.name} nr=${c.data.nr} (${c.resolved}) args=[${args}] expected ${c.expected}`;
}

/** Replays every check; returns the failures (simulate or evaluate differing from the table). */
function replay(b: Pick<Built, 'checks' | 'policy' | 'program'>): Failure[] {
  const failures: Failure[] = [];
  for (const c of b.checks) {
    const simulated = simResult(simulate(b.program, c.arch.endian, c.data).value);
    const evaluated = simResult(evaluate(b.policy, c.data).action);
    if (simulated !== c.expected || evaluated !== c.expected) failures.push({ check: c, simulated, evaluated });
  }
  return failures;
}

/** The program runc loads answers the stub's ERRNO(ENOSYS) where its stub answers, the table's result elsewhere. */
function replayRunc(b: Built): { stubbed: number; failures: string[] } {
  let stubbed = 0;
  const failures: string[] = [];
  for (const c of b.checks) {
    const stub = stubAnswers(b.runcPolicy.enosysStub, c.data);
    if (stub) stubbed++;
    const want = stub ? simResult(b.runcPolicy.enosysStub!.action) : c.expected;
    const got = simResult(simulate(b.runcProgram, c.arch.endian, c.data).value);
    if (got !== want) failures.push(`${describeCheck(c)}: runc's program gives ${got}, want ${want}`);
  }
  return { stubbed, failures };
}

const testFiles = readdirSync(new URL('tests/', FIXTURES)).filter((f) => f.endsWith('.tests')).sort();
const profileFiles = readdirSync(new URL('profiles/', FIXTURES)).filter((f) => f.endsWith('.json')).sort();
const ids = testFiles.map((f) => f.slice(0, 2));
const NOT_EXPRESSIBLE = new Set(['29', '35']);

const totals = { tests: 0, rows: 0, rowsRun: 0, rowsSkipped: 0, rowsPassed: 0, checks: 0, passed: 0, evaluated: 0, stubbed: 0, runcChecks: 0 };

describe('libseccomp bpf-sim conformance (x86_64 host, runc lens)', () => {
  it('the fixtures are the 43 tables with their 43 profiles', () => {
    expect(testFiles).toHaveLength(43);
    expect(profileFiles.map((f) => f.replace(/\.json$/, ''))).toEqual(testFiles.map((f) => f.replace(/\.tests$/, '')));
    expect(Object.keys(UPSTREAM_CHECKS).sort()).toEqual(ids);
  });

  it.skipIf(!existsSync(SHARED))('the fixtures equal ../shared/data/libseccomp-conformance byte for byte', () => {
    for (const [dir, files] of [['tests', testFiles], ['profiles', profileFiles]] as const) {
      expect(readdirSync(new URL(`${dir}/`, SHARED)).sort()).toEqual([...files]);
      for (const f of files) expect(readFileSync(new URL(`${dir}/${f}`, FIXTURES)).equals(readFileSync(new URL(`${dir}/${f}`, SHARED))), `${dir}/${f}`).toBe(true);
    }
  });

  for (const [i, tests] of testFiles.entries()) {
    const id = ids[i]!;
    if (NOT_EXPRESSIBLE.has(id)) continue;
    it(`${tests.replace(/\.tests$/, '')}: every check passes`, () => {
      const b = build(id, tests, profileFiles[i]!);
      expect(b.notes.filter((n) => n.includes('UNLISTED')), 'x-libseccomp entries without a FEATURES note').toEqual([]);
      expect(b.checks.length, 'checks, as libseccomp counts them').toBe(UPSTREAM_CHECKS[id]);
      const failures = replay(b);
      expect(failures.map((f) => `${describeCheck(f.check)}: simulate ${f.simulated}, evaluate ${f.evaluated}`)).toEqual([]);
      const runc = replayRunc(b);
      expect(runc.failures).toEqual([]);
      record(b, failures.length, runc.stubbed);
    });
  }

  // 29: `seccomp_rule_add_exact(ctx, KILL, -100001, 0)` on an x86-only filter. A profile cannot say
  // that: its names are syscall names, and a digit-only name is a non-negative native number, so
  // "-100001" is an unknown name that runc (and syscage's runc lens) skips. The table's result
  // (everything ALLOW) holds only because libseccomp refuses the rule: -100001 is not an x86_64
  // number it can translate to x86 by name (arch_syscall_translate: -EFAULT).
  it('29-sim-pseudo_syscall: not expressible (raw pseudo-syscall -100001); the table holds because the rule never exists', () => {
    const b = build('29', testFiles[ids.indexOf('29')]!, profileFiles[ids.indexOf('29')]!);
    expect(b.checks.length).toBe(UPSTREAM_CHECKS['29']);
    // The profile form: the name is skipped, with a located warning, and no rule reaches libseccomp.
    expect(b.diagnostics.filter((d) => d.code === 'SC2102').map((d) => d.message)).toEqual([expect.stringContaining('`-100001`')]);
    expect(b.filter.rules).toEqual([]);
    expect(replay(b)).toEqual([]);
    // The API form the test really makes: libseccomp refuses it with -EFAULT, so the filter is empty.
    const api: ApiFilter = { defaultAction: encodeAction('ALLOW'), arches: [X86], rules: [{ action: encodeAction('KILL_THREAD'), syscall: -100001, args: [], origin: { pointer: '/syscalls/0' } }], attrs: {} };
    const model = applyLibseccomp(api, { native: X86_64 });
    expect(model.outcomes.map((o) => o.rc)).toEqual([-14]);
    expect(model.outcomes[0]!.effects.map((e) => e.effect).join('; ')).toMatch(/EFAULT/);
    const failures = replay({ checks: b.checks, policy: model.policy, program: compiled(model.policy, '29 (API form)') });
    expect(failures).toEqual([]);
    record(b, 0, 0);
  });

  // 35: API_TSKIP + `seccomp_rule_add(ctx, ALLOW, -1, 0)` (with a priority) on x86+x86_64. The
  // attribute is honoured (attrs.tskip), but the rule is on syscall -1, which no profile can name:
  // "-1" is not a syscall name, nor a digit-only number, so runc skips it and the filter is the bare
  // default KILL. Exactly the table's 3 checks (nr -1 on x86, x86_64 and x32) then give KILL, not
  // ALLOW. Written as the API calls instead, TSKIP is what makes the rule legal and the checks pass.
  it('35-sim-negative_one: not expressible (syscall -1 with API_TSKIP); exactly its 3 checks fail as a profile, all pass as API calls', () => {
    const b = build('35', testFiles[ids.indexOf('35')]!, profileFiles[ids.indexOf('35')]!);
    expect(b.checks.length).toBe(UPSTREAM_CHECKS['35']);
    expect(b.filter.attrs.tskip).toBe(true);
    expect(b.diagnostics.filter((d) => d.code === 'SC2102').map((d) => d.message)).toEqual([expect.stringContaining('`-1`')]);
    expect(b.filter.rules).toEqual([]);
    const failures = replay(b);
    expect(failures.map((f) => [f.check.row.syscall, f.check.arch.name, f.check.data.nr, f.check.expected, f.simulated, f.evaluated])).toEqual([
      ['-1', 'x86', 0xffffffff, 'ALLOW', 'KILL', 'KILL'],
      ['-1', 'x86_64', 0xffffffff, 'ALLOW', 'KILL', 'KILL'],
      ['-1', 'x32', 0xffffffff, 'ALLOW', 'KILL', 'KILL'],
    ]);
    const rule = { action: encodeAction('ALLOW'), syscall: -1, args: [], origin: { pointer: '/syscalls/0' } };
    const api: ApiFilter = { defaultAction: encodeAction('KILL_THREAD'), arches: [X86, X86_64], rules: [rule], attrs: { tskip: true } };
    const withTskip = applyLibseccomp(api, { native: X86_64 });
    expect(withTskip.outcomes.map((o) => o.rc)).toEqual([0]);
    expect(replay({ checks: b.checks, policy: withTskip.policy, program: compiled(withTskip.policy, '35 (API form)') })).toEqual([]);
    // Without the attribute libseccomp refuses syscall -1 (-EINVAL), and the checks fail again.
    const without = applyLibseccomp({ ...api, attrs: {} }, { native: X86_64 });
    expect(without.outcomes.map((o) => o.rc)).toEqual([-22]);
    expect(replay({ checks: b.checks, policy: without.policy, program: compiled(without.policy, '35 (no TSKIP)') })).toHaveLength(3);
    record(b, failures.length, 0);
  });

  it('counts', () => {
    console.log(
      `[conformance] ${totals.tests} tests, ${totals.rows} table rows (${totals.rowsRun} run, ${totals.rowsSkipped} skipped for arch as libseccomp skips them), ` +
        `${totals.rowsPassed}/${totals.rowsRun} rows and ${totals.passed}/${totals.checks} checks pass under simulate() and evaluate(); ` +
        `the 3 that fail are test 35's, not expressible as a profile. runc's program (with its ENOSYS stub): ${totals.runcChecks} checks, ${totals.stubbed} answered by the stub.`,
    );
    for (const [note, tests] of notesSeen) console.log(`[conformance]   ${tests.join(' ')}: ${note}`);
    if (totals.tests === 43) {
      expect(totals.checks).toBe(7808);
      expect(totals.checks - totals.passed).toBe(3);
    }
  });
});

/** Each note (an x-libseccomp entry and what became of it, a refused rule) → the tests it concerns. */
const notesSeen = new Map<string, string[]>();

function record(b: Built, failed: number, stubbed: number): void {
  const failedRows = new Set<TableRow>();
  const failures = NOT_EXPRESSIBLE.has(b.id) ? replay(b) : [];
  for (const f of failures) failedRows.add(f.check.row);
  const rowsRun = b.rows.length - b.skippedRows;
  totals.tests++;
  totals.rows += b.rows.length;
  totals.rowsRun += rowsRun;
  totals.rowsSkipped += b.skippedRows;
  totals.rowsPassed += rowsRun - failedRows.size;
  totals.checks += b.checks.length;
  totals.passed += b.checks.length - failed;
  totals.stubbed += stubbed;
  if (!NOT_EXPRESSIBLE.has(b.id)) totals.runcChecks += b.checks.length;
  for (const n of b.notes) notesSeen.set(n, [...(notesSeen.get(n) ?? []), b.id]);
}
