// SPDX-License-Identifier: Apache-2.0
// `syscage compile [PROFILE] [target options] [--format raw|c|hex|base64|json|text] [-o FILE]`:
// a profile to the filter the runtime would load (verdict for verdict), in the form the
// consumer wants: raw sock_filter bytes in the target byte order (bwrap --seccomp, crun's
// annotation), base64 (run.oci.seccomp_bpf_data), a C array, hex, JSON, or the listing.
// --harden compiles the profile as `syscage harden` rewrites it (../harden-input.ts).

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { encode } from '../../bpf/encode.js';
import { diag } from '../../diagnostics/messages.js';
import { describeFsError } from '../host.js';
import { loadSource } from '../source.js';
import { loadHardenedSource } from '../harden-input.js';
import { addTargetOptions, parseTarget, type TargetOptions } from '../target.js';
import { printDiagnostics, printJson, stopOnErrors } from '../output.js';
import { PROGRAM_FORMATS as FORMATS, renderProgram, type ProgramFormat } from '../program-output.js';


export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('compile')
    .description('compile a Docker/OCI seccomp profile to the filter runc + libseccomp would load (default: Docker\'s default profile)')
    .argument('[profile]', 'profile file (- for standard input); default: the embedded Docker default'))
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'raw')
    .option('-o, --output <file>', 'write here (atomically) instead of standard output')
    .option('--json', 'a JSON report on standard output (the program goes to -o, or into the report as base64)')
    .option('--harden', 'compile the profile hardened (as `syscage harden` rewrites it) instead of as written')
    .addHelpText('after', '\nExamples:\n  syscage compile profile.json --host amd64 -o filter.bpf\n  syscage compile --format text | head\n  syscage compile profile.json --arch aarch64,arm --format base64\n')
    .action((file: string | undefined, opts: TargetOptions & { format: string; output?: string; json?: boolean; harden?: boolean }) => {
      const { host } = ctx;
      const target = parseTarget(opts, host);
      const bad = [...target.diagnostics];
      if (!FORMATS.includes(opts.format as ProgramFormat)) bad.push(diag('usage', { reason: `--format must be one of ${FORMATS.join(', ')}, not \`${opts.format}\`` }, { kind: 'argument', name: '--format' }));
      const stop = stopOnErrors(host, bad, false);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const src = opts.harden ? loadHardenedSource(host, file, target) : loadSource(host, file, target);
      const failed = stopOnErrors(host, src.diagnostics, false, src.name);
      if (failed !== undefined || !src.program) return void (ctx.exitCode = failed ?? 2);
      const arches = src.arches?.map((a) => a.name) ?? [];
      const out = renderProgram(opts.format as ProgramFormat, src.program, src.endian, `${src.name} for ${arches.join(', ')}`, { arches, stats: src.stats, diagnostics: src.diagnostics });
      const report = { ok: true, arches, endian: src.endian, instructions: src.program.length, stats: src.stats, diagnostics: src.diagnostics };
      const dest = opts.output ?? (opts.json ? undefined : '-');
      try {
        if (dest !== undefined) host.writeFileAtomic(dest, out);
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: dest!, reason: describeFsError(e) })], !!opts.json)!);
      }
      if (opts.json) printJson(host, { ...report, ...(dest === undefined ? { base64: Buffer.from(encode(src.program, src.endian)).toString('base64') } : { output: dest }) });
      else printDiagnostics(host, src.diagnostics.filter((d) => d.severity !== 'info'), src.name);
    });
}
