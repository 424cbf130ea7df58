// SPDX-License-Identifier: Apache-2.0
// `syscage run [--profile P | --preset NAME] [--harden] [--log] [--no-new-privs=false]
// [--caps …] [--kernel X.Y] [--lens L] [--dry-run] -- CMD ARGS…`: compile the profile for this
// machine as the runtime would (runc lens by default), then become CMD under that filter
// (../../linux/exec.ts: no_new_privs, seccomp(2) with the profile's flags, execve). CMD keeps
// this process's arguments, environment, stdio and pid, so its exit status — or its death by a
// signal — is what the caller sees, exactly as if the shell had started it.
//
// Fail closed: the profile is parsed, resolved, compiled, validated and the command found
// before anything is installed; any failure before execve ends syscage without running CMD.
// Exit codes follow `env`, `timeout` and `docker run`, not syscage's usual 2, because CMD's own
// statuses pass through: 125 syscage could not confine and start CMD (with a coded diagnostic),
// 126 CMD is not executable (or the filter refused execve), 127 CMD was not found.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { encode } from '../../bpf/encode.js';
import type { Program } from '../../bpf/instruction.js';
import { validate } from '../../bpf/validate.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { errnoName } from '../../kernel/errno.js';
import { buildPreset } from '../../analysis/presets/index.js';
import { hardenProfile } from '../../analysis/harden/index.js';
import { DOCKER_DEFAULT_NAME, DOCKER_DEFAULT_PROFILE } from '../../profile/defaults.gen.js';
import { describeFsError } from '../host.js';
import { printDiagnostics } from '../output.js';
import { compileProfileText, looksLikeProfile } from '../source.js';
import { readFilter } from '../filter-input.js';
import { hostArch, parseTarget } from '../target.js';
import { syscallNumber } from '../../arch/index.js';
import { outcomes } from '../../analysis/partition/per-syscall.js';
import { decodeAction, formatAction } from '../../seccomp/action.js';
import type { Arch } from '../../arch/arch.js';
import { execConfined, FILTER_FLAGS, findCommand } from '../../linux/exec.js';

export const EXIT_CANNOT_RUN = 125;
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;

interface Options {
  profile?: string;
  preset?: string;
  harden?: boolean;
  log?: boolean;
  /** commander's reading of --no-new-privs: true when absent, false when given bare, the text when given a value. */
  newPrivs: string | boolean;
  caps?: string;
  kernel?: string;
  lens?: string;
  dryRun?: boolean;
}


interface Confinement {
  readonly program: Program;
  readonly name: string;
  readonly abis: string;
  readonly flags: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

const errnoText = (e: number, arch: Arch | undefined): string => `${(arch && errnoName(arch, e)) ?? 'errno'} ${e}`;

/** The profile's text and name, from --profile, --preset or the embedded default (and --harden). */
function profileText(ctx: CommandContext, opts: Options): { text?: string; bytes?: Uint8Array; name: string; diagnostics: Diagnostic[] } {
  if (opts.preset !== undefined) {
    const p = buildPreset(opts.preset);
    return { ...(p.text !== undefined ? { text: p.text } : {}), name: `preset ${opts.preset}`, diagnostics: [...p.diagnostics] };
  }
  if (opts.profile === undefined) return { text: DOCKER_DEFAULT_PROFILE, name: DOCKER_DEFAULT_NAME, diagnostics: [] };
  try {
    const bytes = ctx.host.readFile(opts.profile);
    const name = opts.profile === '-' ? '<stdin>' : opts.profile;
    return looksLikeProfile(bytes) ? { text: new TextDecoder().decode(bytes), name, diagnostics: [] } : { bytes, name, diagnostics: [] };
  } catch (e) {
    return { name: opts.profile, diagnostics: [diag('readFailed', { file: opts.profile, reason: describeFsError(e) })] };
  }
}

/** Everything decided before the filter exists: the program for this machine and its install flags. */
function confinement(ctx: CommandContext, opts: Options): Confinement | { readonly diagnostics: readonly Diagnostic[]; readonly file?: string } {
  const target = parseTarget({ ...(opts.caps !== undefined ? { caps: opts.caps } : {}), ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}), ...(opts.lens !== undefined ? { lens: opts.lens } : {}) }, ctx.host);
  if (hasErrors(target.diagnostics)) return { diagnostics: target.diagnostics };
  if (!target.host) return { diagnostics: [diag('runUnknownMachine', { arch: ctx.host.machine.arch })] };
  const src = profileText(ctx, opts);
  if (hasErrors(src.diagnostics)) return { diagnostics: src.diagnostics };
  const extra: string[] = opts.log ? ['SECCOMP_FILTER_FLAG_LOG'] : [];
  if (src.bytes) {
    // a raw filter: installed as it is (it must be for this machine's byte order), no flags but --log
    if (opts.harden) return { diagnostics: [diag('usage', { reason: '--harden rewrites a profile; a raw filter cannot be hardened' }, { kind: 'argument', name: '--harden' })], file: src.name };
    const f = readFilter({ ...ctx.host, readFile: () => src.bytes! }, src.name, target.host);
    if (!f.program) return { diagnostics: f.diagnostics, file: src.name };
    return { program: f.program, name: src.name, abis: `${target.host.name} (raw filter)`, flags: extra, diagnostics: f.diagnostics };
  }
  let text = src.text!;
  const pre: Diagnostic[] = [...src.diagnostics];
  if (opts.harden) {
    const h = hardenProfile(text, { host: target.host, ...(target.caps ? { caps: target.caps } : {}), ...(target.kernel ? { kernel: target.kernel } : {}) }, { file: src.name });
    if (!h.text || hasErrors(h.diagnostics)) return { diagnostics: h.diagnostics, file: src.name };
    text = h.text;
  }
  const compiled = compileProfileText(text, src.name, target, src.name);
  const diagnostics = [...pre, ...compiled.diagnostics];
  if (!compiled.program || hasErrors(diagnostics)) return { diagnostics, file: src.name };
  const flags = [...(compiled.resolution?.installFlags ?? []), ...extra].filter((f, i, all) => all.indexOf(f) === i);
  const unknown = flags.find((f) => FILTER_FLAGS[f] === undefined);
  if (unknown) return { diagnostics: [diag('runUnknownFlag', { flag: unknown })], file: src.name };
  return { program: compiled.program, name: src.name, abis: (compiled.arches ?? []).map((a) => a.name).join(', '), flags, diagnostics };
}

function parseBool(v: string, name: string): boolean | Diagnostic {
  if (/^(true|yes|1)$/i.test(v)) return true;
  if (/^(false|no|0)$/i.test(v)) return false;
  return diag('usage', { reason: `${name} takes true or false, not \`${v}\`` }, { kind: 'argument', name });
}

export function register(parent: Command, ctx: CommandContext): void {
  parent
    .command('run')
    .description('run a command under a profile: compile for this machine, install the filter (no_new_privs, seccomp(2)), exec the command')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--profile <file>', 'profile (Docker/OCI JSON) or raw filter to run under (default: Docker\'s default profile)')
    .option('--preset <name>', 'run under a preset instead (see `syscage init --list`), e.g. unix-only-network')
    .option('--harden', 'harden the profile first, as `syscage harden` would')
    .option('--log', 'also pass SECCOMP_FILTER_FLAG_LOG: every action but ALLOW is logged by the kernel')
    .option('--no-new-privs [bool]', 'set PR_SET_NO_NEW_PRIVS first (default true; =false needs CAP_SYS_ADMIN, without which the kernel refuses the filter)')
    .option('--caps <list>', 'capabilities for the profile\'s includes/excludes (default: Docker\'s default set)')
    .option('--kernel <x.y>', 'kernel version for minKernel (default: this machine\'s)')
    .option('--lens <lens>', 'whose reading of the profile: runc (default) or libseccomp')
    .option('--dry-run', 'print what would be installed and executed, and stop')
    .addHelpText('after', '\nExit status: the command\'s own (a signal death as the shell reports it); 125 syscage could not confine and start it, 126 not executable (or the filter refused execve), 127 not found.\n\nExamples:\n  syscage run --preset unix-only-network -- curl https://example.com\n  syscage run --profile profile.json --dry-run -- ./server --port 8080\n')
    .action((command: string[], opts: Options) => {
      ctx.exitCode = runCommand(ctx, command, opts);
    });
}

function runCommand(ctx: CommandContext, command: string[], opts: Options): number {
  const { host } = ctx;
  const fail = (diagnostics: readonly Diagnostic[], file?: string, code = EXIT_CANNOT_RUN): number => {
    printDiagnostics(host, diagnostics, file);
    return code;
  };
  if (opts.profile !== undefined && opts.preset !== undefined) return fail([diag('usage', { reason: 'give --profile or --preset, not both' }, { kind: 'argument', name: '--preset' })]);
  const nnp = typeof opts.newPrivs === 'string' ? parseBool(opts.newPrivs, '--no-new-privs') : true;
  if (typeof nnp !== 'boolean') return fail([nnp]);
  const c = confinement(ctx, opts);
  if (!('program' in c)) return fail(c.diagnostics, c.file);
  // validated again here, whatever produced it: the kernel must never be the first to see a bad program
  const checked = validate(c.program);
  if (!checked.value) return fail(checked.diagnostics, c.name);
  const bytes = encode(checked.value, host.machine.littleEndian ? 'little' : 'big');
  const flagBits = c.flags.reduce((n, f) => n | FILTER_FLAGS[f]!, 0);
  const flagText = c.flags.length > 0 ? c.flags.join('|') : '0';
  // warnings and notes are not printed: standard error is the command's from here on (`check` shows them)
  // a filter that refuses execve itself would fail in the exec, after the filter is in place,
  // where even saying so may be refused: decided here, exactly, before anything is installed
  const arch = hostArch(host)!;
  const execveNr = syscallNumber(arch, 'execve');
  if (execveNr !== undefined) {
    const o = outcomes(checked.value, arch.endian, arch.auditArch, execveNr);
    const starts = o.dynamic || o.truncated || [...o.values].some((v) => ['ALLOW', 'LOG'].includes(decodeAction(v).kind));
    if (!starts) return fail([diag('runExecveDenied', { command: command[0]!, values: [...o.values].map(formatAction).join(' or ') })], c.name, EXIT_NOT_EXECUTABLE);
  }

  return runFound(ctx, command, c, bytes, flagBits, flagText, nnp, opts.dryRun === true);
}

function runFound(ctx: CommandContext, command: string[], c: Confinement, bytes: Uint8Array, flagBits: number, flagText: string, nnp: boolean, dryRun: boolean): number {
  const { host } = ctx;
  const arch = hostArch(host);
  const found = findCommand(command[0]!, process.env['PATH']);
  if (!('path' in found)) {
    printDiagnostics(host, [diag(found.status === 127 ? 'runNotFound' : 'runNotExecutable', { command: command[0]!, reason: found.reason })]);
    return found.status;
  }
  if (dryRun) {
    host.stdout([
      `would run ${found.path} (argv ${JSON.stringify(command)}) under ${c.name}:`,
      `  ${c.program.length} instructions for ${c.abis}`,
      `  ${nnp ? 'prctl(PR_SET_NO_NEW_PRIVS, 1), then ' : ''}seccomp(SECCOMP_SET_MODE_FILTER, ${flagText}), then execve`,
      '',
    ].join('\n'));
    return 0;
  }
  const env = Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
  const failure = execConfined({ path: found.path, argv: command, env, filter: bytes, flags: flagBits, noNewPrivs: nnp });
  // only failures return
  if (failure.step === 'execve') {
    printDiagnostics(host, [diag('runExecFailed', { path: found.path, errno: errnoText(failure.errno, arch) })]);
    return failure.errno === 2 ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
  }
  const why = failure.step === 'no_new_privs' ? `prctl(PR_SET_NO_NEW_PRIVS) failed: ${errnoText(failure.errno, arch)}`
    : failure.step === 'seccomp' ? (failure.errno === 13 ? 'the kernel refused the filter: EACCES (without no_new_privs it needs CAP_SYS_ADMIN)' : `the kernel refused the filter: seccomp(2) ${errnoText(failure.errno, arch)}`)
    : failure.detail ?? 'preparing the exec failed';
  printDiagnostics(host, [diag('runNotConfined', { command: command[0]!, why })]);
  return EXIT_CANNOT_RUN;
}
