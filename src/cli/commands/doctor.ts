// SPDX-License-Identifier: Apache-2.0
// `syscage doctor [--json]`: what this machine supports, one line per fact, each with what it
// means for a profile and how it was found (../../linux/doctor.ts). Exit 0; 2 off Linux.
//
//   ok    filter actions          kill_process kill_thread … — every SCMP_ACT_* … [from: …]
//
// The status word: ok (supported / nothing to do), no (not available here), warn (available, and
// a profile must account for it: io_uring, x32, an old libseccomp…), ?? (could not be established).

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { diag } from '../../diagnostics/messages.js';
import { EXIT_BAD_INPUT, printJson, stopOnErrors } from '../output.js';
import type { Fact, FactStatus } from '../../linux/doctor.js';

const WORD: Readonly<Record<FactStatus, string>> = { ok: 'ok', no: 'no', warn: 'warn', unknown: '??' };

/** One fact as one line: status, title, value — meaning [from: source]. */
export function formatFact(f: Fact): string {
  return `${WORD[f.status].padEnd(5)} ${f.title.padEnd(22)} ${f.value} — ${f.meaning} [from: ${f.source}]`;
}

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('doctor')
    .description('what this machine supports for seccomp profiles: modes, actions, flags, user notification, cache, io_uring, x32/i386, Landlock, libseccomp, runtimes')
    .option('--json', 'machine-readable report')
    .addHelpText('after', '\nEach line: status (ok, no, warn, ??), the fact, what it means for a profile, and how it was found.\nKernel probes run in child processes; nothing is installed.\n')
    .action(async (opts: { json?: boolean }) => {
      const { host } = ctx;
      const json = !!opts.json;
      if (process.platform !== 'linux') {
        return void (ctx.exitCode = stopOnErrors(host, [diag('doctorNotLinux', { reason: `this is ${process.platform}` })], json) ?? EXIT_BAD_INPUT);
      }
      const { doctor } = await import('../../linux/doctor.js');
      const report = doctor();
      if (json) {
        printJson(host, { ok: true, kernel: report.kernel, arch: report.arch, facts: report.facts });
        return;
      }
      host.stdout([`syscage doctor: Linux ${report.kernel}, ${report.arch}`, ...report.facts.map(formatFact)].join('\n') + '\n');
    });
}
