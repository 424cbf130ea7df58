// SPDX-License-Identifier: Apache-2.0
// How commands talk back: diagnostics to stderr as text (or inside the JSON document with
// --json), and the exit code of DESIGN.md §7 (0 ok, 1 found something, 2 bad usage or input).

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/format.js';
import type { Host } from './host.js';

export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_BAD_INPUT = 2;

export function printDiagnostics(host: Host, diagnostics: readonly Diagnostic[], file?: string): void {
  if (diagnostics.length > 0) host.stderr(formatDiagnostics(diagnostics, file) + '\n');
}

export function printJson(host: Host, value: unknown): void {
  host.stdout(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2) + '\n');
}

/** Reports diagnostics (as JSON when asked) and returns 2 if any is an error, else undefined. */
export function stopOnErrors(host: Host, diagnostics: readonly Diagnostic[], json: boolean, file?: string): number | undefined {
  if (!hasErrors(diagnostics)) return undefined;
  if (json) printJson(host, { ok: false, diagnostics });
  else printDiagnostics(host, diagnostics, file);
  return EXIT_BAD_INPUT;
}
