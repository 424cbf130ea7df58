// SPDX-License-Identifier: Apache-2.0
// Lint findings for people: the diagnostic line (file:line:column, severity, code, rule, message,
// JSON pointer), then the witness and the fix indented under it; and a one-line tally.

import { formatDiagnostic } from '../../diagnostics/format.js';
import type { Severity } from '../../diagnostics/diagnostic.js';
import type { Finding } from './types.js';

export function formatFinding(f: Finding, file?: string): string {
  const { hint: _hint, ...rest } = f;
  const lines = [formatDiagnostic({ ...rest, message: `[${f.rule}] ${f.message}` }, file)];
  if (f.witness) lines.push(`  witness: ${f.witness.text}`);
  if (f.fix) lines.push(`  fix: ${f.fix}`);
  return lines.join('\n');
}

export function tally(findings: readonly Finding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${part(count('error'), 'error')}, ${part(count('warning'), 'warning')}, ${count('info')} info`;
}
