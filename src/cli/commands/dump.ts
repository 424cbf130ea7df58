// SPDX-License-Identifier: Apache-2.0
// `syscage dump PID [--all-filters] [--json] [--format text|raw|base64|hex] [-o FILE]`: the
// seccomp filters a live process carries (ptrace PTRACE_SECCOMP_GET_FILTER, needs CAP_SYS_ADMIN)
// and its /proc/PID/status facts (Seccomp, Seccomp_filters, NoNewPrivs).
//
// Filters are listed in installation order (1 = first installed). The kernel runs every filter
// for every syscall and keeps the most severe verdict, so by default dump shows the EFFECTIVE
// program: the filter itself when there is one, else the stack combined into one program with the
// same verdict everywhere (../../linux/stack.ts) — a summary per ABI and the annotated listing;
// -o writes that program. --all-filters shows (and with -o writes) each filter on its own; -o then
// takes a name with `%d` (the filter's number) or a directory ending in `/` (filter-N.bpf).
// `liveSource` is what `diff pid:N …` reads. Exit 0 (also for a process without a filter), 2 when
// the filters cannot be read.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { disassemble } from '../../bpf/disassemble.js';
import { encode } from '../../bpf/encode.js';
import { insn, type Program } from '../../bpf/instruction.js';
import { validate } from '../../bpf/validate.js';
import { BPF_K, BPF_RET } from '../../bpf/opcodes.js';
import { hex32 } from '../../bits.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { seccompAnnotator } from '../../seccomp/annotate.js';
import { filterAbis, summarise } from '../../seccomp/summary.js';
import { isConstantAllow } from '../../seccomp/cache.js';
import { syscallNames, syscallNumber } from '../../arch/index.js';
import type { Arch } from '../../arch/arch.js';
import { combineFilters, SECCOMP_RET_ALLOW } from '../../linux/stack.js';
import { dumpFilters, modeMeaning, type DumpResult } from '../../linux/dump.js';
import type { ProcStatus } from '../../linux/proc.js';
import { describeFsError, type Host } from '../host.js';
import { EXIT_BAD_INPUT, printDiagnostics, printJson, stopOnErrors } from '../output.js';
import { renderProgram } from '../program-output.js';
import type { Source } from '../source.js';
import { hostArch } from '../target.js';

const FORMATS = ['text', 'raw', 'base64', 'hex'] as const;
type Format = (typeof FORMATS)[number];

/** `1234` or `pid:1234` → 1234; anything else undefined. */
export function parsePid(text: string): number | undefined {
  const m = /^(?:pid:)?([1-9]\d{0,9})$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) && n <= 0x3fff_ffff ? n : undefined; // PID_MAX_LIMIT is 2^22; 2^30 is generous
}

/** The effective program of a dump: the one filter, the combined stack, or `ret ALLOW` for none. */
export function effectiveProgram(filters: readonly Program[]): { program?: Program; diagnostics: readonly Diagnostic[] } {
  if (filters.length === 0) return { program: validate([insn(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]).value! , diagnostics: [] };
  const c = combineFilters(filters);
  return c.value ? { program: c.value, diagnostics: [] } : { diagnostics: c.diagnostics };
}

/**
 * A `pid:N` argument (or a bare number that names no file) read as that process's effective
 * program, for diff and the other two-sided commands; undefined when `arg` is not a pid.
 */
export function liveSource(host: Host, arg: string): Source | undefined {
  if (!/^pid:/.test(arg)) {
    if (!/^\d+$/.test(arg)) return undefined;
    try {
      host.readFile(arg);
      return undefined; // a file of that name exists: it is read as a file
    } catch { /* no such file: a pid */ }
  }
  const pid = parsePid(arg);
  const name = `pid ${pid ?? arg}`;
  const endian = host.machine.littleEndian ? 'little' : 'big';
  if (pid === undefined) return { name, kind: 'filter', endian, diagnostics: [diag('dumpBadPid', { text: arg }, { kind: 'argument', name: arg })] };
  const d = dumpFilters(pid);
  if (d.error || !d.filters) return { name, kind: 'filter', endian, diagnostics: [d.error ?? diag('dumpFailed', { pid, step: 'reading', errno: '?' })] };
  const eff = effectiveProgram(d.filters);
  const notes = d.filters.length === 0 ? [diag('dumpNoFilter', { pid, mode: modeText(d.status), meaning: 'it is compared as a filter that allows everything' })] : [];
  const label = d.filters.length === 0 ? `${name} (no seccomp filter)` : d.filters.length > 1 ? `${name} (${d.filters.length} stacked filters, combined)` : name;
  return { name: label, kind: 'filter', endian, diagnostics: [...notes, ...eff.diagnostics], ...(eff.program ? { program: eff.program } : {}) };
}

function modeText(s: ProcStatus | undefined): string {
  return s?.seccomp !== undefined ? `Seccomp: ${s.seccomp}, ${s.seccompMode ?? 'unknown mode'}` : 'no Seccomp: line in /proc';
}

function statusJson(s: ProcStatus | undefined) {
  return s ? { name: s.name ?? null, state: s.state ?? null, seccomp: s.seccomp ?? null, mode: s.seccompMode ?? null, meaning: modeMeaning(s), seccompFilters: s.seccompFilters ?? null, noNewPrivs: s.noNewPrivs ?? null, tracerPid: s.tracerPid ?? null } : null;
}


/** Where filter `n` goes with --all-filters -o PATTERN; a diagnostic when the pattern has no place for n. */
function outputPath(pattern: string, n: number): string {
  return pattern.endsWith('/') ? `${pattern}filter-${n}.bpf` : pattern.replace('%d', String(n));
}

/**
 * Syscalls of `arch` the kernel serves from its cache for a stack: it keeps one bitmap per
 * filter, ANDed with the previous filter's (kernel/seccomp.c seccomp_cache_prepare), so a syscall
 * is served only when every filter ALLOWs it without looking at arguments.
 */
function stackCached(filters: readonly Program[], arch: Arch): number {
  return syscallNames(arch).filter((name) => filters.every((f) => isConstantAllow(f, arch.auditArch, syscallNumber(arch, name)!))).length;
}

/** The per-ABI summary; `stack`: the filters `program` combines, for the kernel cache line. */
function summaryLines(program: Program, arches: readonly Arch[], stack?: readonly Program[]): string[] {
  const s = summarise(program, arches);
  const out: string[] = [];
  for (const a of s.abis) {
    const actions = Object.entries(a.byAction).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    const dep = a.dependent.map((d) => d.name);
    out.push(`  ${a.arch.name} (AUDIT_ARCH ${hex32(a.arch.auditArch, 8)}): ${a.syscalls} syscalls`);
    out.push(`    constant verdict     ${actions || 'none'}`);
    out.push(`    argument-dependent   ${dep.length}${dep.length ? `: ${dep.slice(0, 12).join(', ')}${dep.length > 12 ? `, … (${dep.length - 12} more)` : ''}` : ''}`);
    out.push(stack
      ? `    kernel cache serves  ${stackCached(stack, a.arch)} of ${a.syscalls} without running the filters (every filter must ALLOW it constantly)`
      : `    kernel cache serves  ${a.cached} of ${a.syscalls} without running the filter`);
    out.push(`    newer syscalls       ${a.newSyscalls}`);
  }
  out.push(`  other ABIs: ${s.otherArch}`);
  return out;
}

function abisOf(program: Program, endian: 'little' | 'big', host: Host): Arch[] {
  const found = filterAbis(program, endian);
  if (found.length) return found;
  const h = hostArch(host);
  return h ? [h] : [];
}

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('dump')
    .description('the seccomp filters a running process carries (ptrace, needs CAP_SYS_ADMIN), with its /proc status: summary and listing of what the kernel runs')
    .argument('<pid>', 'process id (or pid:N)')
    .option('--all-filters', 'show (and with -o write) every stacked filter on its own, instead of their combined verdict')
    .option('--format <format>', `output: ${FORMATS.join(', ')} (text = summary and listing)`, 'text')
    .option('-o, --output <file>', 'write the program (raw unless --format); with --all-filters a name with %d, or a directory ending in /')
    .option('--no-annotate', 'leave out the `; …` annotations of the listing')
    .option('--json', 'machine-readable report')
    .addHelpText('after', '\nFilters are numbered in installation order (1 = installed first). Needs root.\n\nExamples:\n  sudo syscage dump 1234\n  sudo syscage dump 1234 --all-filters -o filter-%d.bpf\n  sudo syscage diff pid:1234 profile.json\n')
    .action((pidText: string, opts: { allFilters?: boolean; format: string; output?: string; annotate: boolean; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const bad: Diagnostic[] = [];
      const pid = parsePid(pidText);
      if (pid === undefined) bad.push(diag('dumpBadPid', { text: pidText }, { kind: 'argument', name: '<pid>' }));
      if (!FORMATS.includes(opts.format as Format)) bad.push(diag('usage', { reason: `--format must be one of ${FORMATS.join(', ')}, not \`${opts.format}\`` }, { kind: 'argument', name: '--format' }));
      if (opts.allFilters && opts.output !== undefined && !opts.output.endsWith('/') && !opts.output.includes('%d')) {
        bad.push(diag('dumpOutputPattern', { file: opts.output, reason: 'each filter is written to a file of its own, and this name has no place for the number' }, { kind: 'argument', name: '--output' }));
      }
      const early = stopOnErrors(host, bad, json);
      if (early !== undefined) return void (ctx.exitCode = early);
      const d = dumpFilters(pid!);
      if (d.error || !d.filters) {
        if (json) printJson(host, { ok: false, pid, status: statusJson(d.status), diagnostics: [d.error] });
        else printDiagnostics(host, d.error ? [d.error] : []);
        return void (ctx.exitCode = EXIT_BAD_INPUT);
      }
      ctx.exitCode = show(host, d, d.filters, opts as { allFilters?: boolean; format: Format; output?: string; annotate: boolean }, json);
    });
}

function show(host: Host, d: DumpResult, filters: readonly Program[], opts: { allFilters?: boolean; format: Format; output?: string; annotate: boolean }, json: boolean): number {
  const endian = host.machine.littleEndian ? 'little' : 'big';
  const s = d.status;
  const head = `process ${d.pid}${s?.name ? ` (${s.name})` : ''}: Seccomp ${s?.seccomp ?? '?'} — ${modeMeaning(s)}; Seccomp_filters ${s?.seccompFilters ?? '(not shown by this kernel)'}; NoNewPrivs ${s?.noNewPrivs === undefined ? '?' : s.noNewPrivs ? '1 (execve cannot gain privileges; a filter could be loaded without CAP_SYS_ADMIN)' : '0'}`;
  if (filters.length === 0) {
    const note = diag('dumpNoFilter', { pid: d.pid, mode: modeText(s), meaning: 'every syscall reaches the kernel unfiltered' });
    if (json) printJson(host, { ok: true, pid: d.pid, status: statusJson(s), order: 'installation', filters: [], effective: null, diagnostics: [note] });
    else host.stdout(`${head}\n${note.message}\n`);
    return 0;
  }
  const eff = effectiveProgram(filters);
  const writes: Array<{ path: string; program: Program }> = [];
  if (opts.output !== undefined) {
    if (opts.allFilters) filters.forEach((f, i) => writes.push({ path: outputPath(opts.output!, i + 1), program: f }));
    else if (eff.program) writes.push({ path: opts.output, program: eff.program });
    else return stopOnErrors(host, eff.diagnostics, json) ?? EXIT_BAD_INPUT;
  }
  for (const w of writes) {
    try {
      host.writeFileAtomic(w.path, renderProgram(opts.format === 'text' ? 'raw' : opts.format, w.program, endian, `pid ${d.pid}`));
    } catch (e) {
      return stopOnErrors(host, [diag('writeFailed', { file: w.path, reason: describeFsError(e) })], json) ?? EXIT_BAD_INPUT;
    }
  }
  const filterInfo = filters.map((f, i) => ({ number: i + 1, instructions: f.length, abis: filterAbis(f, endian).map((a) => a.name), base64: Buffer.from(d.raw?.[i] ?? encode(f, endian)).toString('base64') }));
  if (json) {
    printJson(host, {
      ok: true, pid: d.pid, status: statusJson(s), order: 'installation', filters: filterInfo,
      effective: eff.program ? { instructions: eff.program.length, combined: filters.length > 1, base64: Buffer.from(encode(eff.program, endian)).toString('base64') } : null,
      written: writes.map((w) => w.path), diagnostics: eff.diagnostics,
    });
    return 0;
  }
  if (opts.output === undefined && opts.format !== 'text') {
    if (opts.allFilters && filters.length > 1) return stopOnErrors(host, [diag('dumpOutputPattern', { file: '-', reason: `${filters.length} filters cannot share standard output in --format ${opts.format}` }, { kind: 'argument', name: '--format' })], json) ?? EXIT_BAD_INPUT;
    const p = opts.allFilters ? filters[0]! : eff.program;
    if (!p) return stopOnErrors(host, eff.diagnostics, json) ?? EXIT_BAD_INPUT;
    host.writeFileAtomic('-', renderProgram(opts.format, p, endian, `pid ${d.pid}`));
    return 0;
  }
  const out: string[] = [head];
  out.push(`${filters.length} filter${filters.length === 1 ? '' : 's'}, in installation order${filters.length > 1 ? ' (the kernel runs every one for each syscall and keeps the most severe verdict)' : ''}:`);
  for (const f of filterInfo) out.push(`  filter ${f.number}${filters.length > 1 ? (f.number === 1 ? ' (installed first)' : f.number === filters.length ? ' (most recent)' : '') : ''}: ${f.instructions} instruction${f.instructions === 1 ? '' : 's'}${f.abis.length ? `, tests ${f.abis.join(', ')}` : ', never tests seccomp_data.arch'}`);
  for (const w of writes) out.push(`written: ${w.path}`);
  const listing = (p: Program, title: string): string => {
    const annotate = opts.annotate ? seccompAnnotator(p, { endian }) : undefined;
    return disassemble(p, { ...(annotate ? { annotate } : {}), title });
  };
  if (!opts.allFilters && filters.length > 1 && !eff.program) out.push('', 'the filters cannot be combined into one program (see below): each is listed on its own');
  if (opts.allFilters || filters.length === 1 || !eff.program) {
    filters.forEach((f, i) => {
      out.push('', `filter ${i + 1}: what it returns, per ABI`, ...summaryLines(f, abisOf(f, endian, host)), '', listing(f, `(filter ${i + 1} of ${filters.length}, ${endian}-endian)`).trimEnd());
    });
  } else {
    out.push(`combined: ${eff.program.length} instructions, one program with the stack's verdict for every syscall (what diff pid:${d.pid} compares; --all-filters lists the filters)`);
    out.push('', 'the stack\'s verdict, per ABI', ...summaryLines(eff.program, abisOf(eff.program, endian, host), filters), '', listing(eff.program, `(${filters.length} filters combined, ${endian}-endian)`).trimEnd());
  }
  host.stdout(out.join('\n') + '\n');
  printDiagnostics(host, eff.diagnostics);
  return 0;
}
