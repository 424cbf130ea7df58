// SPDX-License-Identifier: Apache-2.0
// `syscage lint --fix`: the profile hardened (../analysis/harden/) and written back atomically —
// over PROFILE, or to -o — then handed to lint as the source, so that the report is about what is
// left. A file is rewritten only when harden changed something; standard input and the embedded
// default need -o.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { formatDiagnostics } from '../diagnostics/format.js';
import type { Change } from '../analysis/harden/index.js';
import { hardenFile } from './harden-input.js';
import { describeFsError, type Host } from './host.js';
import { EXIT_BAD_INPUT } from './output.js';
import { compileProfileText, type Source } from './source.js';
import type { ParsedTarget } from './target.js';

export interface Fixed {
  /** The fixed profile, compiled for the target: what lint judges. */
  readonly source: Source;
  readonly report: { readonly output: string; readonly written: boolean; readonly changes: readonly Change[]; readonly diagnostics: readonly Diagnostic[] };
  /** Lines for the text report. */
  readonly lines: readonly string[];
}

export function fixProfile(host: Host, file: string | undefined, target: ParsedTarget, output: string | undefined): Fixed | { exit: number; diagnostics: readonly Diagnostic[] } {
  const where = { kind: 'argument', name: '--fix' } as const;
  if (file === undefined && output === undefined) return { exit: EXIT_BAD_INPUT, diagnostics: [diag('fixNeedsProfile', { reason: 'give the profile file, or -o to write a fixed copy of the embedded Docker default' }, where)] };
  if (file === '-' && output === undefined) return { exit: EXIT_BAD_INPUT, diagnostics: [diag('fixNeedsProfile', { reason: 'standard input cannot be rewritten in place: give -o' }, where)] };
  const h = hardenFile(host, file, target);
  if ('diagnostics' in h) return { exit: EXIT_BAD_INPUT, diagnostics: h.diagnostics };
  const dest = output ?? file!;
  const { result } = h;
  const write = output !== undefined || result.changes.length > 0;
  if (write) {
    try {
      host.writeFileAtomic(dest, result.text!);
    } catch (e) {
      return { exit: EXIT_BAD_INPUT, diagnostics: [diag('writeFailed', { file: dest, reason: describeFsError(e) })] };
    }
  }
  const source = compileProfileText(result.text!, dest, target, dest);
  const notes = [...result.changes, ...result.diagnostics.filter((d) => d.severity !== 'info')];
  const lines = [
    `${h.input.name}: fixed — ${result.changes.length} change${result.changes.length === 1 ? '' : 's'}${write ? `, written to ${dest}` : ', nothing written'}`,
    ...(notes.length > 0 ? [formatDiagnostics(notes, h.input.name)] : []),
  ];
  return { source, report: { output: dest, written: write, changes: result.changes, diagnostics: result.diagnostics }, lines };
}
