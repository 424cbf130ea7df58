// SPDX-License-Identifier: Apache-2.0
// The public API (src/index.ts) is platform-neutral and works end to end:
//   - every module its import graph reaches (import/export statements, read with TypeScript's
//     own pre-processor) imports no Node builtin (`node:*`, `fs`, `path`, …) and no koffi, and
//     none lives in src/cli/ or src/linux/;
//   - those modules type-check against the ECMAScript library alone (no @types/node, no DOM), so
//     no Node global (process, Buffer, require) is used either;
//   - esbuild bundles it for the browser, and the bundle runs in a bare V8 context (node:vm,
//     nothing but ECMAScript globals) and compiles the same filter as the library in process;
//   - smoke: Docker's default for amd64 against copies with one change, through the public API
//     only: the differences the change implies, each witness run through simulate.

import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = resolve(root, 'src/index.ts');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]!]));

interface Graph {
  /** Reached source files, relative to the repository root. */
  readonly files: string[];
  /** `file: specifier` for every import that is not relative. */
  readonly external: Array<{ readonly file: string; readonly specifier: string }>;
}

/** The modules reachable from `start` through import and re-export statements (type-only ones too). */
function importGraph(start: string): Graph {
  const seen = new Set<string>();
  const external: Graph['external'] = [];
  const stack = [start];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.push({ file: relative(root, file), specifier: spec });
    }
  }
  return { files: [...seen].map((f) => relative(root, f)).sort(), external };
}

const isNodeOnly = (spec: string) => spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0]!) || spec === 'koffi' || spec.startsWith('koffi/');

describe('public API: platform-neutral', () => {
  const graph = importGraph(entry);

  it('reaches no Node builtin, no koffi, nothing in src/cli or src/linux', () => {
    expect(graph.files.length).toBeGreaterThan(50);
    expect(graph.files.filter((f) => f.startsWith('src/cli/') || f.startsWith('src/linux/'))).toEqual([]);
    expect(graph.external.filter((e) => isNodeOnly(e.specifier))).toEqual([]);
    const packages = [...new Set(graph.external.map((e) => e.specifier))].sort();
    console.log(`api: ${graph.files.length} modules reached from src/index.ts; packages: ${packages.join(', ') || 'none'}`);
  });

  it('the walk itself sees the Node imports it is meant to catch', () => {
    // the bench script loads libseccomp through koffi and reads files: the walk must see it
    const bench = importGraph(resolve(root, 'scripts/bench.ts'));
    expect(bench.files).toEqual(expect.arrayContaining(['src/linux/libseccomp.ts', 'src/cli/source.ts']));
    expect(bench.external.filter((e) => isNodeOnly(e.specifier)).map((e) => e.specifier)).toEqual(expect.arrayContaining(['node:fs', 'node:child_process', 'koffi']));
    expect(['fs', 'node:fs', 'path', 'child_process', 'node:child_process', 'fs/promises', 'koffi', 'vm'].map(isNodeOnly)).toEqual([true, true, true, true, true, true, true, true]);
    expect(['jsonc-parser', 'yaml', './fs.js'].map(isNodeOnly)).toEqual([false, false, false]);
  });

  it('type-checks with the ECMAScript library alone (no Node or DOM globals)', () => {
    const program = ts.createProgram(graph.files.map((f) => resolve(root, f)), {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'], types: [], strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true,
      isolatedModules: true, skipLibCheck: true, noEmit: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? relative(root, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(problems).toEqual([]);
  });

  it('bundles for the browser and runs in a bare ECMAScript context', async () => {
    const out = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', globalName: 'syscage', target: 'es2022', write: false, logLevel: 'silent' });
    expect(out.errors).toEqual([]);
    const context = vm.createContext({});
    vm.runInContext(out.outputFiles[0]!.text, context);
    const sandboxed = (context as { syscage: typeof api }).syscage;
    const target = { host: sandboxed.archByName('x86_64')! };
    const there = sandboxed.compileProfile(sandboxed.DOCKER_DEFAULT_PROFILE, target);
    const here = api.compileProfile(api.DOCKER_DEFAULT_PROFILE, { host: api.archByName('x86_64')! });
    expect(there.program).toBeDefined();
    expect([...sandboxed.encode(there.program!, 'little')]).toEqual([...api.encode(here.program!, 'little')]);
  });
});

// ── smoke: the pipeline through the public API ──────────────────────────────────────────────

const amd64 = { host: api.archByName('x86_64')! };
const ALLOW = api.encodeAction('ALLOW');
const EPERM = api.encodeAction('ERRNO', 1);
const ENOSYS = api.encodeAction('ERRNO', 38);
const DOCKER = api.DOCKER_DEFAULT_PROFILE;

/** Docker's default with `ptrace` taken out of its first (minKernel 4.8) allow rule. */
const NO_PTRACE = DOCKER.replace(/"process_vm_writev",\s*"ptrace"\s*\]/, '"process_vm_writev"\n\t\t\t]');

/** Every difference's witness gives the reported values under simulate, and lies in its region. */
function checkWitnesses(a: api.Program, b: api.Program, r: api.DiffResult): void {
  for (const d of r.differences) {
    const w = d.witness!;
    const endian = d.arch?.endian ?? 'little';
    expect(api.regionContains(d.region, w.data, endian)).toBe(true);
    expect(api.simulate(a, endian, w.data).value).toBe(w.a);
    expect(api.simulate(b, endian, w.data).value).toBe(w.b);
    expect(w.a).not.toBe(w.b);
    if (d.exact) expect([w.a, w.b]).toEqual([d.a, d.b]);
  }
}

describe('public API: Docker\'s default on amd64, end to end', () => {
  const docker = api.compileProfile(DOCKER, amd64);

  it('compiles for x86_64, x32 and x86 without errors', () => {
    expect(api.hasErrors(docker.diagnostics)).toBe(false);
    expect(docker.arches![0]!.name).toBe('x86_64');
    expect(docker.arches!.map((a) => a.name).sort()).toEqual(['x32', 'x86', 'x86_64']);
    const bytes = api.encode(docker.program!, 'little');
    expect(api.validate(api.decode(bytes, 'little').value!).value).toEqual(docker.program);
  });

  it('diff with itself is empty and complete', () => {
    const r = api.diffPrograms(docker.program!, docker.program!);
    expect([r.differences.length, r.undecided.length, r.complete]).toEqual([0, 0, true]);
  });

  it('without ptrace: ptrace on each ABI, ALLOW before, EPERM after, and nothing else', () => {
    expect(NO_PTRACE).not.toBe(DOCKER);
    const cmp = api.diffProfiles(DOCKER, NO_PTRACE, amd64);
    expect(api.hasErrors(cmp.diagnostics)).toBe(false);
    const r = cmp.result!;
    expect(r.complete).toBe(true);
    expect(r.undecided).toEqual([]);
    const rows = r.differences.map((d) => {
      const nr = d.witness!.data.nr;
      return [d.arch?.name, api.syscallName(d.arch!, nr), d.a, d.b];
    });
    expect(rows.sort()).toEqual([
      ['x32', 'ptrace', ALLOW, EPERM],
      ['x86', 'ptrace', ALLOW, EPERM],
      ['x86_64', 'ptrace', ALLOW, EPERM],
    ]);
    checkWitnesses(cmp.a.program!, cmp.b.program!, r);
  });

  it('subset: taking ptrace out is stricter, putting it back is not', () => {
    const stricter = api.profileAtLeastAsStrictAs(NO_PTRACE, DOCKER, amd64).result!;
    expect(stricter.holds).toBe(true);
    const looser = api.profileAtLeastAsStrictAs(DOCKER, NO_PTRACE, amd64).result!;
    expect(looser.holds).toBe(false);
    expect(looser.differences.map((d) => api.syscallName(d.arch!, d.witness!.data.nr))).toEqual(['ptrace', 'ptrace', 'ptrace']);
  });

  it('defaultErrnoRet 1 → 38: every difference is EPERM against ENOSYS, on every ABI', () => {
    const enosys = DOCKER.replace('"defaultErrnoRet": 1,', '"defaultErrnoRet": 38,');
    expect(enosys).not.toBe(DOCKER);
    const cmp = api.diffProfiles(DOCKER, enosys, amd64);
    const r = cmp.result!;
    expect(r.complete).toBe(true);
    expect(new Set(r.differences.map((d) => `${d.a}→${d.b}`))).toEqual(new Set([`${EPERM}→${ENOSYS}`]));
    expect(new Set(r.differences.map((d) => d.arch?.name))).toEqual(new Set(['x86_64', 'x32', 'x86']));
    // e.g. reboot, refused without CAP_SYS_BOOT, now with ENOSYS
    const reboot = api.syscallNumber(amd64.host, 'reboot')!;
    const data = { nr: reboot, arch: amd64.host.auditArch, instructionPointer: 0n, args: [] };
    expect(r.differences.some((d) => d.arch === amd64.host && api.regionContains(d.region, data, 'little'))).toBe(true);
    checkWitnesses(cmp.a.program!, cmp.b.program!, r);
  });

  it('lint and disassembly through the same API', () => {
    const { findings } = api.lintProfile(DOCKER, amd64);
    expect(findings.some((f) => f.rule === 'int-arg-high-bits')).toBe(true);
    const listing = api.disassemble(docker.program!);
    expect(listing.split('\n')[0]).toBe(`# ${docker.program!.length} instructions`);
    expect(api.lintFilter(docker.program!, 'little').length).toBeGreaterThan(0);
  });

  it('explain: ptrace always ALLOW and reboot always EPERM on x86_64, exploration complete', () => {
    const e = api.explainProgram(docker.program!, docker.arches);
    expect(e.complete).toBe(true);
    const x86_64 = e.abis.find((a) => a.arch === amd64.host)!;
    const always = (action: number) => x86_64.groups.find((g) => g.outcome.value === action)?.syscalls ?? [];
    expect(always(ALLOW)).toContain('ptrace');
    expect(always(EPERM)).toContain('reboot');
    expect(api.formatExplanation(e).length).toBeGreaterThan(0);
  });

  it('decompile: Docker\'s default filter comes back as a profile that diffs equivalent to Docker\'s default', () => {
    const d = api.decompile(docker.program!, docker.arches!);
    expect(d.proof?.lens).toBe('runc');
    const cmp = api.diffProfiles(d.text!, DOCKER, amd64);
    expect(cmp.result!.differences).toEqual([]);
    expect(cmp.result!.complete).toBe(true);
  });
});
