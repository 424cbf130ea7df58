// SPDX-License-Identifier: Apache-2.0
// `syscage explain [FILTER|PROFILE] [target options] [--syscall NAME…] [--json]`: per ABI, per
// action, the syscalls that always get it and, for the others, the argument conditions that lead
// to each action, folded and with named constants (../../analysis/explain). A profile is compiled
// for the target first, as `check` does; a raw filter is explained for the ABIs it tests (or
// --arch). Without a file: Docker's embedded default profile, for this machine.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { syscallNumber } from '../../arch/index.js';
import { filterAbis } from '../../seccomp/summary.js';
import { diag } from '../../diagnostics/messages.js';
import { explainProgram } from '../../analysis/explain/explain.js';
import { explanationJson, formatExplanation } from '../../analysis/explain/format.js';
import { loadSource } from '../source.js';
import { addTargetOptions, hostArch, parseTarget, type TargetOptions } from '../target.js';
import { EXIT_BAD_INPUT, printJson, stopOnErrors } from '../output.js';

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('explain')
    .description('per ABI and action: the syscalls that always get it, and the argument conditions that lead to each action, folded, with named constants')
    .argument('[source]', 'profile (JSON) or filter (raw/base64 sock_filter) file, - for standard input; default: the embedded Docker default profile'))
    .option('--syscall <names...>', 'only these syscalls (names, space- or comma-separated)')
    .option('--json', 'machine-readable output: condition texts and the exact value sets behind them')
    .addHelpText('after', '\nExamples:\n  syscage explain                              # Docker\'s default profile, for this machine\n  syscage explain filter.bpf --syscall socket clone\n  syscage explain profile.json --host arm64 --json\n')
    .action((file: string | undefined, opts: TargetOptions & { syscall?: string[]; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = parseTarget(opts, host);
      const stop = stopOnErrors(host, target.diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const src = loadSource(host, file, target, target.arches?.[0]);
      if (!src.program) return void (ctx.exitCode = stopOnErrors(host, src.diagnostics, json, src.name) ?? EXIT_BAD_INPUT);
      const errors = stopOnErrors(host, src.diagnostics, json, src.name);
      if (errors !== undefined) return void (ctx.exitCode = errors);
      let arches: readonly Arch[] = src.arches ?? target.arches ?? filterAbis(src.program, src.endian);
      const notes: string[] = [];
      if (arches.length === 0) {
        const h = hostArch(host);
        arches = h && h.endian === src.endian ? [h] : [];
        notes.push(`the filter never tests seccomp_data.arch: every ABI gets the same numbers-only treatment${h ? `; explained for this machine (${h.name})` : ''}`);
      }
      const names = opts.syscall?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
      if (names) {
        const unknown = names.filter((n) => !arches.some((a) => syscallNumber(a, n) !== undefined));
        const bad = unknown.map((name) => diag('unknownSyscall', { name, arch: arches.map((a) => a.name).join(', ') || 'any ABI' }, { kind: 'argument', name: '--syscall' }));
        const s = stopOnErrors(host, bad, json);
        if (s !== undefined) return void (ctx.exitCode = s);
      }
      const e = explainProgram(src.program, arches, names ? { syscalls: names } : {});
      if (json) {
        printJson(host, { ok: true, source: src.name, kind: src.kind, instructions: src.program.length, ...explanationJson(e), notes });
        return;
      }
      const head = `${src.name}: ${src.program.length} instructions, ${src.endian}-endian${src.kind === 'profile' ? `, compiled for ${arches.map((a) => a.name).join(', ')} (${target.lens} lens)` : ''}`;
      host.stdout(`${head}\n\n${formatExplanation(e)}${notes.map((n) => `note: ${n}\n`).join('')}`);
    });
}
