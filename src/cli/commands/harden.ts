// SPDX-License-Identifier: Apache-2.0
// `syscage harden [PROFILE] [-o OUT] [target options] [--json]`: the profile rewritten so that the
// bypasses syscage knows of are closed for the target, without letting anything through that was
// not before (src/analysis/harden/). The hardened profile goes to OUT, atomically, or to standard
// output; the changes, located in the input, go to standard output with -o, else to standard
// error. Without PROFILE: Docker's embedded default.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { diag } from '../../diagnostics/messages.js';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { hardenFile } from '../harden-input.js';
import { describeFsError } from '../host.js';
import { addTargetOptions, parseTarget, type TargetOptions } from '../target.js';
import { printJson, stopOnErrors } from '../output.js';

interface HardenOptions extends TargetOptions {
  readonly output?: string;
  readonly json?: boolean;
}

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('harden')
    .description('rewrite a profile so that the upper-32-bit, socketcall/ipc, io_uring and dropped-rule holes are closed for the target, without widening anything')
    .argument('[profile]', 'profile file (- for standard input); default: the embedded Docker default'))
    .option('-o, --output <file>', 'write the hardened profile here (atomically) instead of standard output')
    .option('--json', 'a JSON report on standard output (with the hardened profile in it unless -o is given)')
    .addHelpText('after', '\nExamples:\n  syscage harden profile.json --host amd64 -o hardened.json\n  syscage harden -o docker-hardened.json          # Docker\'s default profile, for this machine\n  syscage harden profile.json --json | jq .changes\n')
    .action((file: string | undefined, opts: HardenOptions) => {
      const { host } = ctx;
      const json = !!opts.json;
      const target = parseTarget(opts, host);
      const stop = stopOnErrors(host, target.diagnostics, json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const h = hardenFile(host, file, target);
      if ('diagnostics' in h) return void (ctx.exitCode = stopOnErrors(host, h.diagnostics, json, file) ?? 2);
      const { input, result } = h;
      const abis = (result.abis ?? []).map((a) => a.name);
      if (opts.output !== undefined) {
        try {
          host.writeFileAtomic(opts.output, result.text!);
        } catch (e) {
          return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: opts.output, reason: describeFsError(e) })], json)!);
        }
      }
      if (json) {
        printJson(host, {
          ok: true,
          source: input.name,
          abis,
          changes: result.changes,
          diagnostics: result.diagnostics,
          ...(opts.output !== undefined ? { output: opts.output } : { text: result.text }),
        });
        return;
      }
      const report = [
        `${input.name}: hardened for ${abis.join(', ')} (runc lens) — ${result.changes.length} change${result.changes.length === 1 ? '' : 's'}${opts.output !== undefined ? `, written to ${opts.output}` : ''}`,
        ...(result.changes.length + result.diagnostics.length > 0 ? [formatDiagnostics([...result.changes, ...result.diagnostics], input.name)] : []),
      ].join('\n') + '\n';
      if (opts.output !== undefined) host.stdout(report);
      else {
        host.stdout(result.text!);
        host.stderr(report);
      }
    });
}
