// SPDX-License-Identifier: Apache-2.0
// Renders diagnostics as text for terminals (and later the playground): one line per problem,
// `file:line:column: error SC1234: message (at /pointer)`, then an indented hint.

import type { Diagnostic, Location } from './diagnostic.js';

function formatLocation(loc: Location | undefined, file: string | undefined): string {
  if (!loc) return file ? `${file}: ` : '';
  switch (loc.kind) {
    case 'pc':
      return `${file ? file + ': ' : ''}instruction ${loc.pc}: `;
    case 'text':
      return `${loc.file ?? file ?? '<input>'}:${loc.line}:${loc.column}: `;
    case 'byte':
      return `${loc.file ?? file ?? '<input>'}: byte ${loc.offset}: `;
    case 'argument':
      return `${loc.name}: `;
  }
}

export function formatDiagnostic(d: Diagnostic, file?: string): string {
  const where = formatLocation(d.location, file);
  const pointer = d.location?.kind === 'text' && d.location.pointer !== undefined ? ` (at ${d.location.pointer || '/'})` : '';
  const head = `${where}${d.severity} ${d.code}: ${d.message}${pointer}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function formatDiagnostics(ds: readonly Diagnostic[], file?: string): string {
  return ds.map((d) => formatDiagnostic(d, file)).join('\n');
}
