// SPDX-License-Identifier: Apache-2.0
// `syscage check FILTER [--arch LIST]`: the main job. For now it summarises a filter per ABI —
// instructions, syscalls allowed / denied / argument-dependent, syscalls the kernel's cache
// serves. The ABIs are those whose AUDIT_ARCH the filter tests, or the --arch list.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { summarise } from '../../seccomp/summary.js';
import { filterAbis } from '../../seccomp/summary.js';
import { hex32 } from '../../bits.js';
import { diag } from '../../diagnostics/messages.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { readFilter } from '../filter-input.js';
import { hostArch, parseArch } from '../target.js';
import { EXIT_BAD_INPUT, printDiagnostics, printJson, stopOnErrors } from '../output.js';

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('check')
    .description('summarise a seccomp filter per ABI: allowed, denied and argument-dependent syscalls, kernel cache')
    .argument('<filter>', 'filter file (raw sock_filter bytes or base64), or - for standard input')
    .option('--arch <list>', 'comma-separated ABIs to summarise (default: those the filter checks)')
    .option('--verbose', 'list every argument-dependent syscall')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  syscage check docker.bpf\n')
    .action((file: string, opts: { arch?: string; verbose?: boolean; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const diagnostics: Diagnostic[] = [];
      const chosen: Arch[] = [];
      for (const name of opts.arch?.split(',').filter((s) => s.trim() !== '') ?? []) {
        const r = parseArch(name);
        diagnostics.push(...r.diagnostics);
        if (r.arch) chosen.push(r.arch);
      }
      if (chosen.some((a) => a.endian !== chosen[0]!.endian)) {
        const other = chosen.find((a) => a.endian !== chosen[0]!.endian)!;
        diagnostics.push(diag('mixedEndian', { a: chosen[0]!.name, b: other.name }, { kind: 'argument', name: '--arch' }));
      }
      const stop = stopOnErrors(host, diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const input = readFilter(host, file, chosen[0]);
      if (!input.program) return void (ctx.exitCode = stopOnErrors(host, input.diagnostics, json, file) ?? EXIT_BAD_INPUT);
      let arches = chosen.length ? chosen : filterAbis(input.program, input.endian);
      const notes: string[] = [];
      if (arches.length === 0) {
        const h = hostArch(host);
        arches = h && h.endian === input.endian ? [h] : [];
        notes.push(`the filter never tests seccomp_data.arch: every ABI gets the same numbers-only treatment${h ? `; summarised for this machine (${h.name})` : ''}`);
      }
      const summary = summarise(input.program, arches);
      if (json) {
        printJson(host, {
          ok: true,
          instructions: summary.instructions,
          endian: input.endian,
          otherArch: summary.otherArch,
          archUnchecked: summary.archUnchecked,
          abis: summary.abis.map((s) => ({
            arch: s.arch.name, auditArch: hex32(s.arch.auditArch, 8), syscalls: s.syscalls, byAction: s.byAction,
            argumentDependent: s.dependent, kernelCacheServes: s.cached, newSyscalls: s.newSyscalls,
          })),
          notes,
          diagnostics: input.diagnostics,
        });
        return;
      }
      const out: string[] = [`${file}: ${summary.instructions} instructions, ${input.endian}-endian`];
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
      host.stdout(out.join('\n') + '\n');
      printDiagnostics(host, input.diagnostics, file);
    });
}
