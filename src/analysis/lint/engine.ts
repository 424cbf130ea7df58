// SPDX-License-Identifier: Apache-2.0
// Runs lint rules over a subject and turns their reports into findings: the message filled from
// the rule's catalog, the severity (the rule's, or the report's where severity depends on
// context), and the location (a JSON pointer resolved to line:column for profiles, a program
// counter for filters). Findings come out sorted by severity, then position, then rule, so the
// output is stable; a rule that throws is a bug in syscage and is not swallowed.

import type { Location, Severity } from '../../diagnostics/diagnostic.js';
import { LintContext, type LintSubject } from './context.js';
import { RULES } from './rules/index.js';
import type { Finding, LintRule, Report } from './types.js';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

export interface LintOptions {
  /** Run only these rule ids (default: every rule that applies to the subject). */
  readonly only?: readonly string[];
  /** Rule ids to leave out. */
  readonly disable?: readonly string[];
  /** The rule set (default: every rule of ./rules/index.ts). */
  readonly rules?: readonly LintRule[];
}

export interface LintResult {
  readonly findings: readonly Finding[];
  /** The rules that ran. */
  readonly rules: readonly LintRule[];
}

function fill(template: string, args: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (args && name in args ? String(args[name]) : m));
}

function position(loc: Location | undefined): number {
  if (!loc) return -1;
  if (loc.kind === 'text') return loc.line * 100_000 + loc.column;
  if (loc.kind === 'pc') return loc.pc;
  return -1;
}

export function lint(subject: LintSubject | LintContext, options: LintOptions = {}): LintResult {
  const ctx = subject instanceof LintContext ? subject : new LintContext(subject);
  const all = options.rules ?? RULES;
  const rules = all.filter((r) => r.subjects.includes(ctx.kind) && (!options.only || options.only.includes(r.id)) && !options.disable?.includes(r.id));
  const findings: Finding[] = [];
  for (const rule of rules) {
    rule.check(ctx, (r: Report) => {
      const template = rule.messages[r.message];
      if (template === undefined) throw new Error(`lint rule ${rule.id}: no message '${r.message}'`);
      const location: Location | undefined = r.pointer !== undefined ? ctx.locate(r.pointer) ?? { kind: 'text', pointer: r.pointer, line: 1, column: 1 } : r.pc !== undefined ? { kind: 'pc', pc: r.pc } : undefined;
      findings.push({
        code: rule.code,
        severity: r.severity ?? rule.severity,
        message: fill(template, r.args),
        ...(location ? { location } : {}),
        ...(r.fix !== undefined ? { hint: r.fix, fix: r.fix } : {}),
        rule: rule.id,
        ...(r.witness ? { witness: r.witness } : {}),
      });
    });
  }
  findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || position(a.location) - position(b.location) || a.rule.localeCompare(b.rule));
  return { findings, rules };
}

/** Do any findings reach `threshold` (error ⊂ warning ⊂ info)? */
export function reaches(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[threshold]);
}
