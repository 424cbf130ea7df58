// SPDX-License-Identifier: Apache-2.0
// `syscage simulate FILTER --arch ARCH --syscall NAME|NR [--args A0,…] [--ip N]`: the verdict
// the kernel would give one syscall, with --trace the path; --table every syscall of the ABI;
// --batch FILE.jsonl one JSON query per line in, one JSON verdict per line out.
// Numbers are 64-bit (decimal or 0x hex); a syscall number is the one seccomp_data.nr holds.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { syscallName, syscallNames, syscallNumber } from '../../arch/index.js';
import type { Program } from '../../bpf/instruction.js';
import { formatInstruction } from '../../bpf/disassemble.js';
import { simulate, type Verdict } from '../../seccomp/simulate.js';
import { formatAction } from '../../seccomp/action.js';
import { seccompAnnotator } from '../../seccomp/annotate.js';
import { diag } from '../../diagnostics/messages.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hex32, hex64, parseUint } from '../../bits.js';
import { describeFsError } from '../host.js';
import { loadSource, type Source } from '../source.js';
import { addTargetOptions, parseArch, parseTarget, type TargetOptions } from '../target.js';
import { evaluate } from '../../policy/evaluate.js';
import { EXIT_BAD_INPUT, printDiagnostics, printJson, stopOnErrors } from '../output.js';

interface Query {
  readonly arch: Arch;
  readonly nr: number;
  readonly name?: string;
  readonly args: readonly bigint[];
  readonly ip: bigint;
}

type Parsed<T> = { value: T; diagnostics?: undefined } | { value?: undefined; diagnostics: Diagnostic[] };

export function parseSyscall(arch: Arch, text: string, where: string): Parsed<{ nr: number; name?: string }> {
  const n = parseUint(text, 32);
  if (n !== undefined) {
    const name = syscallName(arch, Number(n));
    return { value: { nr: Number(n), ...(name ? { name } : {}) } };
  }
  const nr = syscallNumber(arch, text.trim());
  if (nr === undefined) return { diagnostics: [diag('unknownSyscall', { name: text, arch: arch.name }, { kind: 'argument', name: where })] };
  return { value: { nr, name: text.trim() } };
}

export function parseArgs(texts: readonly string[], where: string): Parsed<bigint[]> {
  if (texts.length > 6) return { diagnostics: [diag('tooManyArgs', { count: texts.length }, { kind: 'argument', name: where })] };
  const diagnostics: Diagnostic[] = [];
  const args = texts.map((t) => {
    const v = parseUint(t, 64);
    if (v === undefined) diagnostics.push(diag('badNumber', { text: t, bits: 64 }, { kind: 'argument', name: where }));
    return v ?? 0n;
  });
  return diagnostics.length ? { diagnostics } : { value: args };
}

function run(program: Program, q: Query, trace = false): Verdict {
  return simulate(program, q.arch.endian, { nr: q.nr, arch: q.arch.auditArch, instructionPointer: q.ip, args: q.args }, { trace });
}

function verdictJson(q: Query, v: Verdict) {
  return {
    arch: q.arch.name,
    syscall: q.name ?? null,
    nr: q.nr,
    args: q.args.map(hex64),
    ip: hex64(q.ip),
    value: hex32(v.value, 8),
    action: formatAction(v.value),
    kind: v.action.kind,
    data: v.action.data,
    steps: v.steps,
    ...(v.path ? { path: v.path } : {}),
  };
}

function describeCall(q: Query): string {
  const args = q.args.length ? q.args.map(hex64).join(', ') : '';
  return `${q.arch.name} ${q.name ?? `syscall ${q.nr}`}(${args})${q.ip !== 0n ? ` at ip ${hex64(q.ip)}` : ''}`;
}

function batch(ctx: CommandContext, program: Program, file: string, defaultArch: Arch | undefined): number {
  const { host } = ctx;
  let text: string;
  try {
    text = new TextDecoder().decode(host.readFile(file));
  } catch (e) {
    printDiagnostics(host, [diag('readFailed', { file, reason: describeFsError(e) })]);
    return EXIT_BAD_INPUT;
  }
  let bad = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fail = (reason: string) => {
      bad++;
      host.stdout(JSON.stringify({ line: i + 1, error: diag('batchLine', { reason }, { kind: 'text', file, line: i + 1, column: 1 }) }) + '\n');
    };
    let q: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('each line must be a JSON object');
      q = parsed as Record<string, unknown>;
    } catch (e) {
      return fail(`not JSON (${(e as Error).message})`);
    }
    const unknownKeys = Object.keys(q).filter((k) => !['arch', 'syscall', 'args', 'ip'].includes(k));
    if (unknownKeys.length) return fail(`unknown field \`${unknownKeys[0]}\` (fields: arch, syscall, args, ip)`);
    const archText = q['arch'] ?? defaultArch?.name;
    if (typeof archText !== 'string') return fail('`arch` must be a string (or give --arch)');
    const arch = parseArch(archText).arch;
    if (!arch) return fail(`unknown architecture \`${archText}\``);
    const sc = q['syscall'];
    if (typeof sc !== 'string' && typeof sc !== 'number') return fail('`syscall` must be a name, or a number as a decimal/hex string');
    if (typeof sc === 'number' && !Number.isSafeInteger(sc)) return fail('`syscall` number is not exact; write it as a string');
    const s = parseSyscall(arch, String(sc), 'syscall');
    if (!s.value) return fail(s.diagnostics[0]!.message);
    const rawArgs = q['args'] ?? [];
    if (!Array.isArray(rawArgs) || rawArgs.some((a) => typeof a !== 'string' && !(typeof a === 'number' && Number.isSafeInteger(a)))) {
      return fail('`args` must be an array of decimal or hex strings (numbers above 2^53 lose precision in JSON)');
    }
    const a = parseArgs(rawArgs.map(String), 'args');
    if (!a.value) return fail(a.diagnostics[0]!.message);
    const ipRaw = q['ip'] ?? '0';
    if (typeof ipRaw !== 'string' && !(typeof ipRaw === 'number' && Number.isSafeInteger(ipRaw))) return fail('`ip` must be a decimal or hex string');
    const ip = parseUint(String(ipRaw), 64);
    if (ip === undefined) return fail(`\`ip\` ${String(ipRaw)} is not a 64-bit unsigned number`);
    const query: Query = { arch, ...s.value, args: a.value, ip };
    host.stdout(JSON.stringify(verdictJson(query, run(program, query))) + '\n');
  });
  return bad > 0 ? EXIT_BAD_INPUT : 0;
}

/** Which part of the profile decided the verdict (the policy's reference semantics agree with the program). */
function explain(src: Source, q: Query, v: Verdict): { pointer?: string; line?: number; column?: number; text: string } {
  if (!src.policy) return { text: 'the filter (no profile to point into: --explain needs a profile)' };
  const e = evaluate(src.policy, { nr: q.nr, arch: q.arch.auditArch, instructionPointer: q.ip, args: q.args });
  if (e.action !== v.value) return { text: `(internal mismatch: the policy says ${formatAction(e.action)}; please report this)` };
  if (e.stub) return { text: "runc's ENOSYS stub: the number is above the largest syscall the profile names on this ABI" };
  if (!e.abi) return { text: 'the bad-arch action: the profile does not cover this ABI' };
  if (!e.decision) return { text: 'the default action (/defaultAction): no rule matches' };
  const origin = e.decision.origin;
  const loc = origin ? src.resolution?.locate?.(origin.pointer) : undefined;
  const place = loc && loc.kind === 'text' ? `${loc.line}:${loc.column}` : '';
  return {
    ...(origin ? { pointer: origin.pointer } : {}),
    ...(loc && loc.kind === 'text' ? { line: loc.line, column: loc.column } : {}),
    text: `${origin?.pointer ?? 'a rule'}${place ? ` (${src.name}:${place})` : ''}${origin?.note ? ` — ${origin.note}` : ''}`,
  };
}

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('simulate')
    .description('the verdict of a filter or profile for one syscall (--syscall), every syscall (--table) or a batch of queries (--batch)')
    .argument('[source]', 'profile (JSON) or filter (raw/base64 sock_filter) file, - for standard input; default: the embedded Docker default profile')
    .option('--arch <arch>', 'ABI of the calling process (sets seccomp_data.arch and the byte order)'), false)
    .option('--explain', 'for a profile: the rule (JSON pointer, line:column) that decided the verdict')
    .option('--syscall <name|nr>', 'syscall name, or the number seccomp_data.nr holds')
    .option('--args <a0,a1,…>', 'up to six 64-bit arguments, decimal or 0x hex', '')
    .option('--ip <n>', 'instruction pointer', '0')
    .option('--trace', 'print the instructions executed')
    .option('--table', 'the verdict of every syscall of the ABI for the given arguments')
    .option('--batch <file.jsonl>', 'one JSON query per line: {"arch","syscall","args":["0x…"],"ip"}')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  syscage simulate docker.bpf --arch x86_64 --syscall socket --args 40,1,0\n  syscage simulate docker.bpf --arch x86_64 --table\n')
    .action((file: string | undefined, opts: Omit<TargetOptions, 'arch'> & { arch?: string; explain?: boolean; syscall?: string; args: string; ip: string; trace?: boolean; table?: boolean; batch?: string; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const diagnostics: Diagnostic[] = [];
      const target = opts.arch !== undefined ? parseArch(opts.arch) : { diagnostics: [] };
      diagnostics.push(...target.diagnostics);
      const modes = [opts.syscall !== undefined, !!opts.table, opts.batch !== undefined].filter(Boolean).length;
      if (modes !== 1) diagnostics.push(diag('usage', { reason: 'give exactly one of --syscall, --table or --batch' }));
      if (!target.arch && opts.batch === undefined && opts.arch === undefined) diagnostics.push(diag('usage', { reason: '--arch is required with --syscall and --table' }, { kind: 'argument', name: '--arch' }));
      const args = parseArgs(opts.args === '' ? [] : opts.args.split(','), '--args');
      if (args.diagnostics) diagnostics.push(...args.diagnostics);
      const ip = parseUint(opts.ip, 64);
      if (ip === undefined) diagnostics.push(diag('badNumber', { text: opts.ip, bits: 64 }, { kind: 'argument', name: '--ip' }));
      const stop = stopOnErrors(host, diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);

      const { arch: _calling, ...targetOpts } = opts;
      const compileTarget = parseTarget(targetOpts, host);
      const early = stopOnErrors(host, compileTarget.diagnostics, json);
      if (early !== undefined) return void (ctx.exitCode = early);
      const src = loadSource(host, file, compileTarget, target.arch);
      const program = src.program;
      if (!program) return void (ctx.exitCode = stopOnErrors(host, src.diagnostics, json, src.name) ?? EXIT_BAD_INPUT);
      printDiagnostics(host, json ? [] : src.diagnostics.filter((d) => d.severity === 'error'), src.name);
      if (opts.batch !== undefined) return void (ctx.exitCode = batch(ctx, program, opts.batch, target.arch));
      const arch = target.arch!;

      if (opts.table) {
        const rows = syscallNames(arch).map((name) => {
          const q: Query = { arch, nr: syscallNumber(arch, name)!, name, args: args.value ?? [], ip: ip! };
          return verdictJson(q, run(program, q));
        });
        if (json) printJson(host, { ok: true, arch: arch.name, verdicts: rows });
        else {
          const w = Math.max(...rows.map((r) => String(r.syscall).length));
          host.stdout(rows.map((r) => `${String(r.nr).padStart(10)}  ${String(r.syscall).padEnd(w)}  ${r.action}`).join('\n') + '\n');
        }
        return;
      }
      const s = parseSyscall(arch, opts.syscall!, '--syscall');
      if (!s.value) return void (ctx.exitCode = stopOnErrors(host, s.diagnostics, json)!);
      const q: Query = { arch, ...s.value, args: args.value ?? [], ip: ip! };
      const v = run(program, q, !!opts.trace);
      const why = opts.explain ? explain(src, q, v) : undefined;
      if (json) return void printJson(host, { ok: true, ...verdictJson(q, v), ...(why ? { explain: why } : {}) });
      host.stdout(`${describeCall(q)} -> ${formatAction(v.value)}  (${hex32(v.value, 8)}, ${v.steps} instructions)\n`);
      if (why) host.stdout(`  decided by ${why.text}\n`);
      if (opts.trace && v.path) {
        const note = seccompAnnotator(program, { endian: arch.endian, arch });
        for (const pc of v.path) {
          const ins = program[pc]!;
          const n = note(ins, pc);
          host.stdout(`  ${String(pc).padStart(4, '0')}: ${formatInstruction(ins, pc).padEnd(28)}${n ? ` ; ${n}` : ''}\n`);
        }
        if (v.divisionByZero) host.stdout('  division by X = 0: the kernel ends the filter with 0 (KILL_THREAD)\n');
      }
    });
}
