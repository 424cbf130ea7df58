// SPDX-License-Identifier: Apache-2.0
// `syscage decompile FILTER [--arch LIST | --host H] [--lens L] [--compiler C] [-o PROFILE]
// [--format docker|oci]`: a raw (or base64) filter back to an editable Docker/OCI profile
// (../../analysis/decompile/decompile.ts). The profile is printed (or written atomically to -o)
// only once it is proved: recompiled and equivalent to the filter over the whole decision space,
// which the one-line summary on standard error says. What no profile can express is refused
// with located, coded diagnostics and exit 2.
//
// The ABIs: --arch is the exact list (native first); --host takes the host's ABIs and any other
// of its byte order the filter handles; without either, the ABIs the filter tests. --compiler
// libseccomp proves with this machine's libseccomp.so.2 (../../linux/libseccomp-recompiler.ts),
// for filters that an older libseccomp exported (its syscall table can differ from syscage's).

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Arch } from '../../arch/arch.js';
import { ARCHES } from '../../arch/index.js';
import { decompile, handledAbis, hostCandidates, type DecompileLens } from '../../analysis/decompile/decompile.js';
import type { ProfileFormat } from '../../analysis/decompile/profile.js';
import type { Recompiler } from '../../analysis/decompile/recompiler.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { libseccompRecompiler } from '../../linux/libseccomp-recompiler.js';
import { filterAbis } from '../../seccomp/summary.js';
import { readFilter } from '../filter-input.js';
import { describeFsError } from '../host.js';
import { looksLikeProfile } from '../source.js';
import { parseArch, parseArchList } from '../target.js';
import { EXIT_BAD_INPUT, printDiagnostics, stopOnErrors } from '../output.js';

interface Options {
  arch?: string;
  host?: string;
  lens: string;
  compiler: string;
  output?: string;
  format: string;
  listenerPath?: string;
  budget?: string;
}

const LENSES = ['auto', 'runc', 'libseccomp'];
const COMPILERS = ['syscage', 'libseccomp'];
const FORMATS = ['docker', 'oci'];

function usage(reason: string, name: string): Diagnostic {
  return diag('usage', { reason }, { kind: 'argument', name });
}

function archList(text: string): { arches: Arch[]; diagnostics: Diagnostic[] } {
  const list = parseArchList(text);
  if (list.arches.length === 0 && list.diagnostics.length === 0) list.diagnostics.push(usage('--arch needs at least one ABI', '--arch'));
  return list;
}

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('decompile')
    .description('turn a raw seccomp filter into an editable Docker/OCI profile, proved equivalent by recompiling it')
    .argument('<filter>', 'filter file (raw or base64 struct sock_filter), or - for standard input')
    .option('--arch <list>', 'the exact ABI list, native first (default: the ABIs the filter tests)')
    .option('--host <arch>', 'the host ABI: its ABIs, and any other of its byte order the filter handles')
    .option('--lens <lens>', `whose reading the profile is proved under: ${LENSES.join(', ')} (auto: runc when the filter has runc's ENOSYS stub, else libseccomp)`, 'auto')
    .option('--compiler <compiler>', `what recompiles the profile for the proof: ${COMPILERS.join(', ')} (this machine's libseccomp.so.2)`, 'syscage')
    .option('-o, --output <file>', 'write the profile here (atomically) instead of standard output')
    .option('--format <format>', `docker (moby JSON) or oci (the linux.seccomp object)`, 'docker')
    .option('--listener-path <path>', 'listenerPath to write when the filter returns USER_NOTIF')
    .option('--budget <steps>', 'symbolic steps per exploration of the decision space')
    .addHelpText('after', '\nExamples:\n  syscage decompile filter.bpf --host amd64 -o profile.json\n  syscage decompile filter.bpf --arch aarch64,arm --format oci\n')
    .action((file: string, opts: Options) => {
      const { host } = ctx;
      const bad: Diagnostic[] = [];
      if (!LENSES.includes(opts.lens)) bad.push(usage(`--lens must be one of ${LENSES.join(', ')}, not \`${opts.lens}\``, '--lens'));
      if (!COMPILERS.includes(opts.compiler)) bad.push(usage(`--compiler must be one of ${COMPILERS.join(', ')}, not \`${opts.compiler}\``, '--compiler'));
      if (!FORMATS.includes(opts.format)) bad.push(usage(`--format must be docker or oci, not \`${opts.format}\``, '--format'));
      if (opts.arch !== undefined && opts.host !== undefined) bad.push(usage('give --arch or --host, not both', '--arch'));
      const budget = opts.budget === undefined ? undefined : Number(opts.budget);
      if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) bad.push(usage(`--budget must be a positive whole number, not \`${opts.budget}\``, '--budget'));
      const listed = opts.arch !== undefined ? archList(opts.arch) : undefined;
      const hostArch = opts.host !== undefined ? parseArch(opts.host, '--host') : undefined;
      bad.push(...(listed?.diagnostics ?? []), ...(hostArch?.diagnostics ?? []));
      let recompiler: Recompiler | undefined;
      if (bad.length === 0 && opts.compiler === 'libseccomp') {
        const r = libseccompRecompiler();
        if (r.recompiler) recompiler = r.recompiler;
        else bad.push(usage(`--compiler libseccomp: ${r.reason}`, '--compiler'));
      }
      const early = stopOnErrors(host, bad, false);
      if (early !== undefined) return void (ctx.exitCode = early);

      const name = file === '-' ? '<stdin>' : file;
      let bytes: Uint8Array;
      try {
        bytes = host.readFile(file);
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('readFailed', { file: name, reason: describeFsError(e) })], false)!);
      }
      if (looksLikeProfile(bytes)) return void (ctx.exitCode = stopOnErrors(host, [diag('decompileNotFilter', { file: name })], false)!);
      const input = readFilter({ ...host, readFile: () => bytes }, file, listed?.arches[0] ?? hostArch?.arch);
      if (!input.program) return void (ctx.exitCode = stopOnErrors(host, input.diagnostics, false, name) ?? EXIT_BAD_INPUT);
      const program = input.program;
      const arches = listed ? listed.arches
        : hostArch ? handledAbis(program, hostCandidates(hostArch.arch!), budget)
        : handledAbis(program, filterAbis(program, input.endian).filter((a) => ARCHES.includes(a)), budget);
      if (arches.length === 0) {
        const tried = (hostArch ? hostCandidates(hostArch.arch!) : filterAbis(program, input.endian)).map((a) => a.name).join(', ') || 'none (the filter never tests seccomp_data.arch)';
        return void (ctx.exitCode = stopOnErrors(host, [diag('decompileNoAbi', { list: tried })], false, name)!);
      }
      const result = decompile(program, arches, {
        lens: opts.lens as DecompileLens,
        format: opts.format as ProfileFormat,
        ...(budget !== undefined ? { budget } : {}),
        ...(opts.listenerPath !== undefined ? { listenerPath: opts.listenerPath } : {}),
        ...(recompiler ? { recompiler } : {}),
      });
      const failed = stopOnErrors(host, [...input.diagnostics, ...result.diagnostics], false, name);
      if (failed !== undefined || !result.text || !result.proof) return void (ctx.exitCode = failed ?? EXIT_BAD_INPUT);
      try {
        host.writeFileAtomic(opts.output ?? '-', result.text);
      } catch (e) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: opts.output!, reason: describeFsError(e) })], false)!);
      }
      printDiagnostics(host, [...input.diagnostics, ...result.diagnostics].filter((d) => d.code !== 'SC2233'), name);
      const p = result.proof;
      host.stderr(`syscage: proved equivalent over ${p.regions} regions of ${p.spaces - 1} ABIs and the other arch values (${arches.map((a) => a.name).join(', ')} decompiled; ${p.lens} lens; recompiled by ${p.compiler})\n`);
      ctx.exitCode = 0;
    });
}
