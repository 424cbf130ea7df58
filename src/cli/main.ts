// SPDX-License-Identifier: Apache-2.0
// argv -> command -> exit code. Only the command being run is loaded (startup stays fast); the
// others are listed for --help from the registry below. Adding a command = one file in
// ./commands/ exporting `register`, plus one line here.

import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { nodeHost, type Host } from './host.js';
import { EXIT_BAD_INPUT } from './output.js';
import { InternalError } from '../diagnostics/diagnostic.js';

export interface CommandContext {
  readonly host: Host;
  /** Set by a command's action: the process exit code. */
  exitCode: number;
}

export interface CommandModule {
  register(parent: Command, ctx: CommandContext): void;
}

const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<CommandModule> }> = [
  { name: 'compile', summary: 'compile a Docker/OCI profile to the filter runc + libseccomp would load', load: () => import('./commands/compile.js') },
  { name: 'check', summary: 'the main job: a profile or filter per ABI — allowed, denied, argument-dependent syscalls, and what the runtime changes', load: () => import('./commands/check.js') },
  { name: 'lint', summary: 'find the holes in a profile or filter, each with a witness call; text, JSON or SARIF', load: () => import('./commands/lint.js') },
  { name: 'harden', summary: 'rewrite a profile so the bypasses are closed for the target, without widening anything', load: () => import('./commands/harden.js') },
  { name: 'init', summary: 'write a profile to start from: docker-default, unix-only-network, no-af-alg-vsock, wx-memory, deny-all-log, default-deny', load: () => import('./commands/init.js') },
  { name: 'diff', summary: 'exact differences between two profiles or filters, per ABI and syscall, each with a witness call', load: () => import('./commands/diff.js') },
  { name: 'explain', summary: 'per ABI and action: which syscalls and argument conditions lead there, folded, with named constants (AF_UNIX, CLONE_NEWUSER)', load: () => import('./commands/explain.js') },
  { name: 'disasm', summary: 'disassemble a seccomp filter with syscall, argument and action names', load: () => import('./commands/disasm.js') },
  { name: 'export', summary: 'write a profile for another runtime: OCI linux.seccomp, Docker JSON, Kubernetes Localhost, SPO SeccompProfile, crun annotation, bwrap program, systemd settings', load: () => import('./commands/export.js') },
  { name: 'decompile', summary: 'turn a raw filter back into an editable Docker/OCI profile, proved equivalent by recompiling it', load: () => import('./commands/decompile.js') },
  { name: 'run', summary: 'run a command under a profile: compile for this machine, install the filter, exec the command (fails closed)', load: () => import('./commands/run.js') },
  { name: 'dump', summary: 'the seccomp filters a running process carries (needs root), with its /proc status: summary and listing', load: () => import('./commands/dump.js') },
  { name: 'doctor', summary: 'what this machine supports: seccomp actions and flags, user notification, x32/i386, io_uring, Landlock, libseccomp, runtimes', load: () => import('./commands/doctor.js') },
  { name: 'asm', summary: 'assemble a listing (as disasm prints it) into a filter', load: () => import('./commands/asm.js') },
  { name: 'simulate', summary: 'run one syscall, a table or a batch of queries through a filter', load: () => import('./commands/simulate.js') },
  { name: 'arches', summary: 'list the ABIs syscage knows, with their names and facts', load: () => import('./commands/arches.js') },
];

export async function main(argv: readonly string[], host: Host = nodeHost): Promise<number> {
  const ctx: CommandContext = { host, exitCode: 0 };
  const program = new Command('syscage')
    .description('seccomp toolkit: compile, check, simulate and disassemble seccomp profiles and filters')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => host.stdout(s), writeErr: (s) => host.stderr(s) })
    .showHelpAfterError('(run with --help for usage)');
  const wanted = argv.find((a) => !a.startsWith('-'));
  for (const entry of COMMANDS) {
    if (entry.name === wanted) (await entry.load()).register(program, ctx);
    else program.command(entry.name).description(entry.summary);
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    const lost = host.outputFailure?.();
    if (lost !== undefined) {
      host.stderr(`syscage: error SC5006: cannot write standard output: ${lost}\n`);
      return ctx.exitCode === 0 ? EXIT_BAD_INPUT : ctx.exitCode;
    }
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return EXIT_BAD_INPUT;
    }
    if (e instanceof InternalError) {
      host.stderr(`syscage: internal error (a bug in syscage, please report it): ${e.message}\n`);
      return 70;
    }
    throw e;
  }
}
