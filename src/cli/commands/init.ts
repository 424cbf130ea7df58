// SPDX-License-Identifier: Apache-2.0
// `syscage init PRESET [-o FILE] [--syscalls a,b,c]` and `syscage init --list`: a profile to start
// from (src/analysis/presets/), as stable, pretty JSON, written atomically to FILE or to standard
// output.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { diag } from '../../diagnostics/messages.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { buildPreset, PRESETS } from '../../analysis/presets/index.js';
import { describeFsError } from '../host.js';
import { printDiagnostics, printJson, stopOnErrors } from '../output.js';

interface InitOptions {
  readonly output?: string;
  readonly syscalls?: string;
  readonly list?: boolean;
  readonly json?: boolean;
}

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('init')
    .description('write a profile to start from (a preset built from Docker\'s default profile)')
    .argument('[preset]', `one of ${PRESETS.map((p) => p.name).join(', ')}`)
    .option('-o, --output <file>', 'write the profile here (atomically) instead of standard output')
    .option('--syscalls <list>', 'default-deny: the syscalls the workload needs, comma-separated')
    .option('--list', 'list the presets, one line each')
    .option('--json', 'with --list: the presets as JSON; else a JSON report with the profile in it unless -o is given')
    .addHelpText('after', `\nPresets:\n${PRESETS.map((p) => `  ${p.name.padEnd(18)} ${p.summary}`).join('\n')}\n\nExamples:\n  syscage init unix-only-network -o profile.json\n  syscage init default-deny --syscalls read,write,openat,clone,futex -o profile.json\n  syscage init --list\n`)
    .action((name: string | undefined, opts: InitOptions) => {
      const { host } = ctx;
      const json = !!opts.json;
      if (opts.list) {
        if (json) printJson(host, { presets: PRESETS.map((p) => ({ name: p.name, summary: p.summary })) });
        else host.stdout(PRESETS.map((p) => `${p.name.padEnd(18)} ${p.summary}`).join('\n') + '\n');
        return;
      }
      if (name === undefined) {
        return void (ctx.exitCode = stopOnErrors(host, [diag('usage', { reason: `give a preset (${PRESETS.map((p) => p.name).join(', ')}), or --list` }, { kind: 'argument', name: 'PRESET' })], json)!);
      }
      const syscalls = opts.syscalls?.split(',').map((s) => s.trim()).filter(Boolean);
      const result = buildPreset(name, syscalls !== undefined ? { syscalls } : {});
      if (!result.text || hasErrors(result.diagnostics)) return void (ctx.exitCode = stopOnErrors(host, result.diagnostics, json) ?? 2);
      if (opts.output !== undefined) {
        try {
          host.writeFileAtomic(opts.output, result.text);
        } catch (e) {
          return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: opts.output, reason: describeFsError(e) })], json)!);
        }
      }
      if (json) {
        printJson(host, { ok: true, preset: name, ...(opts.output !== undefined ? { output: opts.output } : { text: result.text }), diagnostics: result.diagnostics });
        return;
      }
      if (opts.output === undefined) host.stdout(result.text);
      else host.stdout(`${opts.output}: the ${name} preset${result.changes.length > 0 ? `, hardened (${result.changes.length} changes)` : ''}\n`);
      printDiagnostics(host, result.diagnostics);
    });
}
