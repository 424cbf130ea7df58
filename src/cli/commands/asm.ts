// SPDX-License-Identifier: Apache-2.0
// `syscage asm LISTING -o FILTER [--arch ARCH]`: text (as disasm prints it, or hand-written)
// to a raw filter in the ABI's byte order. The program is validated as the kernel would before
// anything is written, and the output file is written whole or not at all.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { assemble } from '../../bpf/assemble.js';
import { encode } from '../../bpf/encode.js';
import { validate } from '../../bpf/validate.js';
import { parseAction } from '../../seccomp/action.js';
import { diag } from '../../diagnostics/messages.js';
import { describeFsError } from '../host.js';
import { hostArch, parseArch } from '../target.js';
import { printDiagnostics, printJson, stopOnErrors } from '../output.js';

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('asm')
    .description('assemble a listing into a raw seccomp filter')
    .argument('<listing>', 'listing file, or - for standard input')
    .requiredOption('-o, --output <file>', 'where to write the filter (- for standard output)')
    .option('--arch <arch>', 'ABI whose byte order to write (default: this machine)')
    .option('--format <format>', 'raw (sock_filter bytes) or base64', 'raw')
    .option('--no-validate', 'write the program even if the kernel would refuse it')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  syscage disasm in.bpf | syscage asm - -o out.bpf\n')
    .action((file: string, opts: { output: string; arch?: string; format: string; validate: boolean; json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = opts.arch !== undefined ? parseArch(opts.arch) : { arch: hostArch(host), diagnostics: [] };
      const formatOk = opts.format === 'raw' || opts.format === 'base64';
      const usage = [...target.diagnostics, ...(formatOk ? [] : [diag('usage', { reason: `--format must be raw or base64, not \`${opts.format}\`` }, { kind: 'argument', name: '--format' })])];
      const early = stopOnErrors(host, usage, json);
      if (early !== undefined) return void (ctx.exitCode = early);
      let text: string;
      const name = file === '-' ? '<stdin>' : file;
      try {
        text = new TextDecoder().decode(host.readFile(file));
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('readFailed', { file: name, reason: describeFsError(e) })], json)!);
      }
      const asm = assemble(text, { parseReturn: parseAction, file: name });
      if (!asm.value) return void (ctx.exitCode = stopOnErrors(host, asm.diagnostics, json, name)!);
      const checked = validate(asm.value);
      if (opts.validate) {
        const stop = stopOnErrors(host, checked.diagnostics, json, name);
        if (stop !== undefined) return void (ctx.exitCode = stop);
      }
      const endian = target.arch?.endian ?? (host.machine.littleEndian ? 'little' : 'big');
      const bytes = encode(asm.value, endian);
      const out = opts.format === 'base64' ? Buffer.from(bytes).toString('base64') + '\n' : bytes;
      try {
        host.writeFileAtomic(opts.output, out);
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: opts.output, reason: describeFsError(e) })], json)!);
      }
      if (json) printJson(host, { ok: true, output: opts.output, endian, count: asm.value.length, diagnostics: [...asm.diagnostics, ...checked.diagnostics] });
      else printDiagnostics(host, [...asm.diagnostics, ...(opts.validate ? [] : checked.diagnostics)], name);
      ctx.exitCode = 0;
    });
}
