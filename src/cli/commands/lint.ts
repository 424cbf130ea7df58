// SPDX-License-Identifier: Apache-2.0
// `syscage lint [PROFILE|FILTER] [target options] [--format text|json|sarif] [--severity LEVEL] [--fix]`:
// every lint rule that applies, each finding with its location and a witness call; exit 1 when a
// finding reaches the threshold (default: warning), 2 on bad input. --fix hardens the profile
// (../fix.ts: in place, or to -o) and reports what is left.

import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Severity } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { lint, reaches, SEVERITY_RANK } from '../../analysis/lint/engine.js';
import { formatFinding, tally } from '../../analysis/lint/format.js';
import { RULES } from '../../analysis/lint/rules/index.js';
import { toSarif } from '../../analysis/lint/sarif.js';
import { VERSION } from '../../version.js';
import { lintSubject } from '../lint-subject.js';
import { fixProfile } from '../fix.js';
import { loadSource } from '../source.js';
import { describeFsError } from '../host.js';
import { addTargetOptions, parseTarget, type TargetOptions } from '../target.js';
import { EXIT_BAD_INPUT, EXIT_FOUND, printJson, stopOnErrors } from '../output.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

interface LintOptions extends TargetOptions {
  readonly format?: string;
  readonly severity?: string;
  readonly rule?: string;
  readonly disable?: string;
  readonly output?: string;
  readonly fix?: boolean;
}

export function register(parent: Command, ctx: CommandContext): void {
  addTargetOptions(parent
    .command('lint')
    .description('find the holes in a profile or filter (upper 32 bits, socketcall, io_uring, dropped rules, …), each with a witness call')
    .argument('[source]', 'profile (JSON) or filter (raw/base64 sock_filter) file, - for standard input; default: the embedded Docker default profile'))
    .option('--format <format>', 'text, json or sarif (SARIF 2.1.0, for GitHub code scanning)', 'text')
    .option('--severity <level>', 'report findings at or above this level, and exit 1 when there are any: error, warning or info', 'warning')
    .option('--rule <ids>', 'run only these rules (comma-separated ids)')
    .option('--disable <ids>', 'leave these rules out (comma-separated ids)')
    .option('-o, --output <file>', 'write the report here (atomically) instead of standard output; with --fix, the fixed profile')
    .option('--fix', 'harden the profile (as `syscage harden` does), rewriting it in place atomically or writing it to -o, then lint the result')
    .addHelpText('after', `\nRules: ${RULES.map((r) => r.id).join(', ')} (docs/rules/<id>.md)\n\nExamples:\n  syscage lint                                   # Docker's default profile, for this machine\n  syscage lint profile.json --format sarif -o lint.sarif\n  syscage lint filter.bpf --arch x86_64 --severity error\n`)
    .action((file: string | undefined, opts: LintOptions) => {
      const { host } = ctx;
      const format = opts.format ?? 'text';
      const json = format === 'json' || format === 'sarif';
      const bad = [];
      if (!(FORMATS as readonly string[]).includes(format)) bad.push(diag('usage', { reason: `--format ${format}: use text, json or sarif` }, { kind: 'argument', name: '--format' }));
      const severity = (opts.severity ?? 'warning') as Severity;
      if (!SEVERITIES.includes(severity)) bad.push(diag('usage', { reason: `--severity ${opts.severity}: use error, warning or info` }, { kind: 'argument', name: '--severity' }));
      const ids = (list?: string) => list?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const id of [...(ids(opts.rule) ?? []), ...(ids(opts.disable) ?? [])]) {
        if (!RULES.some((r) => r.id === id)) bad.push(diag('usage', { reason: `no lint rule \`${id}\`; the rules are ${RULES.map((r) => r.id).join(', ')}` }, { kind: 'argument', name: '--rule' }));
      }
      const target = parseTarget(opts, host);
      const stop = stopOnErrors(host, [...bad, ...target.diagnostics], json);
      if (stop !== undefined) return void (ctx.exitCode = stop);
      const fixed = opts.fix ? fixProfile(host, file, target, opts.output) : undefined;
      if (fixed && 'exit' in fixed) return void (ctx.exitCode = stopOnErrors(host, fixed.diagnostics, json) ?? fixed.exit);
      const src = fixed ? fixed.source : loadSource(host, file, target, target.arches?.[0]);
      const subject = lintSubject(src, target, host);
      if (!subject) return void (ctx.exitCode = stopOnErrors(host, src.diagnostics, json, src.name) ?? EXIT_BAD_INPUT);
      const only = ids(opts.rule);
      const disable = ids(opts.disable);
      const result = lint(subject, { ...(only ? { only } : {}), ...(disable ? { disable } : {}) });
      const shown = result.findings.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[severity]);
      let text: string;
      if (format === 'sarif') {
        text = JSON.stringify(toSarif({ version: VERSION, rules: result.rules, findings: shown, ...(file !== undefined && file !== '-' ? { artifact: file } : {}) }), null, 2) + '\n';
      } else if (format === 'json') {
        const lines: string[] = [];
        printJson({ ...host, stdout: (s) => lines.push(s) }, { ok: true, source: src.name, kind: src.kind, abis: subject.abis.map((a) => a.name), summary: tally(result.findings), findings: shown, ...(fixed ? { fixed: fixed.report } : {}) });
        text = lines.join('');
      } else {
        const out = [...(fixed ? fixed.lines : []), `${src.name}: ${subject.abis.map((a) => a.name).join(', ')}${src.kind === 'profile' ? ` (${target.lens} lens)` : ''} — ${tally(result.findings)} from ${result.rules.length} rules`];
        for (const f of shown) out.push(formatFinding(f, src.name));
        const hidden = result.findings.length - shown.length;
        if (hidden > 0) out.push(`(${hidden} below --severity ${severity} not shown)`);
        text = out.join('\n') + '\n';
      }
      if (opts.output !== undefined && !fixed) {
        try {
          host.writeFileAtomic(opts.output, text);
        } catch (e) {
          return void (ctx.exitCode = stopOnErrors(host, [diag('writeFailed', { file: opts.output, reason: describeFsError(e) })], json)!);
        }
      } else host.stdout(text);
      ctx.exitCode = reaches(shown, severity) ? EXIT_FOUND : 0;
    });
}
