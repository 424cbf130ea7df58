// SPDX-License-Identifier: Apache-2.0
// `syscage disasm FILTER [--arch ARCH]`: the annotated listing of a filter. An invalid filter is
// still listed (so it can be read and fixed), then its problems are reported and the exit is 2.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { disassemble, formatInstruction } from '../../bpf/disassemble.js';
import { seccompAnnotator } from '../../seccomp/annotate.js';
import { readFilter } from '../filter-input.js';
import { liveSource } from './dump.js';
import { compileProfileText, looksLikeProfile } from '../source.js';
import { addTargetOptions, parseArch, parseTarget, type TargetOptions } from '../target.js';
import type { Instruction } from '../../bpf/instruction.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { EXIT_BAD_INPUT, printDiagnostics, printJson, stopOnErrors } from '../output.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('disasm')
    .description('disassemble a seccomp filter (raw sock_filter bytes or base64), or the program a profile compiles to, with syscall, argument and action names')
    .argument('<source>', 'filter or profile file, or - for standard input')
    .option('--arch <arch>', 'ABI the filter is for (sets the byte order; default: guessed)'), false)
    .option('--no-annotate', 'leave out the `; …` annotations')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  syscage disasm docker.bpf --arch x86_64\n')
    .action((file: string, opts: Omit<TargetOptions, 'arch'> & { arch?: string; annotate: boolean; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = opts.arch !== undefined ? parseArch(opts.arch) : { diagnostics: [] };
      const early = stopOnErrors(host, target.diagnostics, json);
      if (early !== undefined) return void (ctx.exitCode = early);
      let bytes: Uint8Array | undefined;
      try { bytes = host.readFile(file); } catch { /* readFilter reports it */ }
      let input: { instructions?: readonly Instruction[]; endian: 'little' | 'big'; diagnostics: readonly Diagnostic[] };
      if (file.startsWith('pid:')) {
        const src = liveSource(host, file)!;
        input = { endian: src.endian, diagnostics: src.diagnostics, ...(src.program ? { instructions: src.program } : {}) };
      } else if (bytes && looksLikeProfile(bytes)) {
        const { arch: _filterArch, ...targetOpts } = opts;
        const t = parseTarget(targetOpts, host);
        const stop = stopOnErrors(host, t.diagnostics, json);
        if (stop !== undefined) return void (ctx.exitCode = stop);
        const src = compileProfileText(new TextDecoder().decode(bytes), file, t, file);
        input = { endian: src.endian, diagnostics: src.diagnostics.filter((d) => d.severity !== 'info'), ...(src.program ? { instructions: src.program } : {}) };
      } else input = readFilter(bytes ? { ...host, readFile: () => bytes! } : host, file, target.arch);
      const insns = input.instructions;
      if (!insns) return void (ctx.exitCode = stopOnErrors(host, input.diagnostics, json, file) ?? EXIT_BAD_INPUT);
      const annotate = opts.annotate ? seccompAnnotator(insns, { endian: input.endian, ...(target.arch ? { arch: target.arch } : {}) }) : undefined;
      if (json) {
        printJson(host, {
          ok: !hasErrors(input.diagnostics),
          endian: input.endian,
          count: insns.length,
          instructions: insns.map((ins, pc) => ({ pc, ...ins, text: formatInstruction(ins, pc), note: annotate?.(ins, pc) ?? null })),
          diagnostics: input.diagnostics,
        });
      } else {
        host.stdout(disassemble(insns, { ...(annotate ? { annotate } : {}), title: `(${input.endian}-endian${target.arch ? `, ${target.arch.name}` : ''})` }));
        printDiagnostics(host, input.diagnostics, file);
      }
      ctx.exitCode = hasErrors(input.diagnostics) ? EXIT_BAD_INPUT : 0;
    });
}
