// SPDX-License-Identifier: Apache-2.0
// `syscage check [PROFILE|FILTER] [target options]`: the main job. Per ABI: instructions,
// syscalls allowed / denied / argument-dependent, syscalls the kernel's cache serves, what newer
// syscalls and other ABIs get; for a profile also every diagnostic of the runtime's reading.
// Without a file: Docker's embedded default profile, for this machine.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { filterAbis, summarise } from '../../seccomp/summary.js';
import { hex32 } from '../../bits.js';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { loadSource, type Source } from '../source.js';
import { addTargetOptions, hostArch, parseTarget, type ParsedTarget, type TargetOptions } from '../target.js';
import { EXIT_BAD_INPUT, printJson, stopOnErrors } from '../output.js';
import { lint } from '../../analysis/lint/engine.js';
import { tally } from '../../analysis/lint/format.js';
import { lintSubject } from '../lint-subject.js';
import { atLeastAsStrictAs } from '../../analysis/diff/subset.js';
import { diffRows, formatRows } from '../../analysis/diff/report.js';
import { formatAction } from '../../seccomp/action.js';
import { EXIT_FOUND } from '../output.js';
import { abiOrder, rowJson } from './diff.js';

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('check')
    .description('the main job: a profile (or a filter) per ABI — instructions, syscalls allowed / denied / argument-dependent, kernel cache, and every place the runtime reads the profile differently from how it looks')
    .argument('[source]', 'profile (JSON) or filter (raw/base64 sock_filter) file, - for standard input; default: the embedded Docker default profile'))
    .option('--verbose', 'list every argument-dependent syscall, and informational diagnostics')
    .option('--subset-of <baseline>', 'prove the source at least as strict as BASELINE (profile or filter) everywhere, by the kernel\'s action precedence; exit 1 with witnesses where it is not')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  syscage check                       # Docker\'s default profile, for this machine\n  syscage check profile.json --host arm64\n  syscage check filter.bpf --arch x86_64\n')
    .action((file: string | undefined, opts: TargetOptions & { verbose?: boolean; json?: boolean; subsetOf?: string }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = parseTarget(opts, host);
      const stop = stopOnErrors(host, target.diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const src = loadSource(host, file, target, target.arches?.[0]);
      if (!src.program) return void (ctx.exitCode = stopOnErrors(host, src.diagnostics, json, src.name) ?? EXIT_BAD_INPUT);
      let arches: readonly Arch[] = src.arches ?? target.arches ?? filterAbis(src.program, src.endian);
      const notes: string[] = [];
      if (arches.length === 0) {
        const h = hostArch(host);
        arches = h && h.endian === src.endian ? [h] : [];
        notes.push(`the filter never tests seccomp_data.arch: every ABI gets the same numbers-only treatment${h ? `; summarised for this machine (${h.name})` : ''}`);
      }
      let subset: ReturnType<typeof subsetSection> | undefined;
      if (opts.subsetOf !== undefined) {
        const base = loadSource(host, opts.subsetOf, target, target.arches?.[0]);
        if (!base.program) return void (ctx.exitCode = stopOnErrors(host, base.diagnostics, json, base.name) ?? EXIT_BAD_INPUT);
        subset = subsetSection(src, base, target);
        if (!subset.holds) ctx.exitCode = EXIT_FOUND;
      }
      const summary = summarise(src.program, arches);
      const subject = lintSubject(src, target, host);
      const findings = subject ? lint(subject).findings : [];
      const lintShown = findings.filter((f) => opts.verbose || f.severity !== 'info');
      const shownDiagnostics = src.diagnostics.filter((d) => opts.verbose || d.severity !== 'info');
      if (json) {
        printJson(host, {
          ok: true,
          source: src.name,
          kind: src.kind,
          instructions: summary.instructions,
          endian: src.endian,
          otherArch: summary.otherArch,
          archUnchecked: summary.archUnchecked,
          abis: summary.abis.map((s) => ({
            arch: s.arch.name, auditArch: hex32(s.arch.auditArch, 8), syscalls: s.syscalls, byAction: s.byAction,
            argumentDependent: s.dependent, kernelCacheServes: s.cached, newSyscalls: s.newSyscalls,
          })),
          notes,
          diagnostics: src.diagnostics,
          lint: { summary: tally(findings), findings },
          ...(subset ? { subsetOf: subset.json } : {}),
        });
        return;
      }
      const out: string[] = [`${src.name}: ${summary.instructions} instructions, ${src.endian}-endian${src.kind === 'profile' ? `, compiled for ${arches.map((a) => a.name).join(', ')} (${target.lens} lens)` : ''}`];
      for (const s of summary.abis) {
        const actions = Object.entries(s.byAction).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
        out.push('', `${s.arch.name} (AUDIT_ARCH ${hex32(s.arch.auditArch, 8)}): ${s.syscalls} syscalls`);
        out.push(`  constant verdict     ${actions || 'none'}`);
        const dep = s.dependent.map((d) => d.name);
        const shown = opts.verbose || dep.length <= 12 ? dep.join(', ') : `${dep.slice(0, 12).join(', ')}, … (${dep.length - 12} more; --verbose lists them)`;
        out.push(`  argument-dependent   ${dep.length}${dep.length ? `: ${shown}` : ''}`);
        if (opts.verbose) for (const d of s.dependent) out.push(`    ${d.name}: ${d.actions.join(' | ')}${d.exact ? '' : ' (may include unreachable verdicts)'}`);
        out.push(`  kernel cache serves  ${s.cached} of ${s.syscalls} without running the filter`);
        out.push(`  newer syscalls       ${s.newSyscalls}`);
      }
      out.push('', `other ABIs: ${summary.otherArch}`);
      for (const n of notes) out.push(`note: ${n}`);
      out.push('', `lint: ${tally(findings)}${lintShown.length ? '' : ' (syscage lint --severity info lists them)'}`);
      for (const f of lintShown) out.push(`  ${f.severity.padEnd(7)} ${f.rule}: ${f.message}${f.witness ? `\n            witness: ${f.witness.text}` : ''}`);
      if (lintShown.length) out.push('  (syscage lint shows locations and fixes)');
      if (shownDiagnostics.length) out.push('', `${shownDiagnostics.length} diagnostic${shownDiagnostics.length === 1 ? '' : 's'}:`);
      if (subset) out.push('', ...subset.text);
      host.stdout(out.join('\n') + '\n');
      if (shownDiagnostics.length) host.stdout(formatDiagnostics(shownDiagnostics, src.name) + '\n');
    });
}

const PRECEDENCE = 'KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW; errno values do not rank';

/** `--subset-of`: is the source at least as strict as the baseline everywhere? */
function subsetSection(src: Source, base: Source, target: ParsedTarget) {
  const r = atLeastAsStrictAs(src.program!, base.program!);
  const order = abiOrder(src, base, target);
  const rows = diffRows(r, src.program!, base.program!, order);
  const undecided = diffRows(r, src.program!, base.program!, order, 'undecided');
  const text: string[] = [];
  if (r.holds) text.push(`subset of ${base.name}: proved — ${src.name} is at least as strict everywhere (${r.cells} regions of the decision space, every ABI and arch value; ${PRECEDENCE})`);
  else {
    text.push(`subset of ${base.name}: NOT proved — ${rows.length} place${rows.length === 1 ? '' : 's'} where ${src.name} is less strict (${PRECEDENCE}):`);
    text.push(...formatRows(rows, { a: 'this profile', b: 'the baseline' }, formatAction).map((l) => `  ${l}`));
    if (undecided.length) text.push(`  not decided exactly (${undecided.length}):`, ...formatRows(undecided, { a: 'this profile', b: 'the baseline' }, formatAction).map((l) => `  ${l}`));
    if (!r.complete) text.push('  the exploration budget ran out: the answer is incomplete');
  }
  return {
    holds: r.holds,
    text,
    json: { baseline: base.name, holds: r.holds, complete: r.complete, regionsCompared: r.cells, precedence: PRECEDENCE, violations: rows.map((x) => rowJson(x, 'profile', 'baseline')), undecided: undecided.map((x) => rowJson(x, 'profile', 'baseline')) },
  };
}
