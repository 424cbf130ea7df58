// SPDX-License-Identifier: Apache-2.0
// Writing into an existing OCI config.json (runtime-spec config.md) without disturbing it: one
// value is set at a path (`linux.seccomp`, or `annotations["run.oci.seccomp_bpf_data"]`) with
// jsonc-parser's edit functions, so every other byte of the file stays as it was — key order,
// spacing, numbers as written. The new value is printed by ../profile/json-value.ts (exact
// 64-bit integers) at the indentation of the place it goes to.

import { applyEdits, modify } from 'jsonc-parser';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { detectIndent, printJsonValue, type Json } from '../profile/json-value.js';
import { readJson } from '../profile/json.js';

export interface ConfigEdit {
  readonly text?: string;
  /** Was there a value at the path before? */
  readonly replaced: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** Sets `path` in the config.json `text` to `value`; errors when the text is not a JSON object or a parent is not an object. */
export function setInConfig(text: string, file: string, path: readonly string[], value: Json): ConfigEdit {
  const json = readJson(text, file);
  if (!json.doc) return { replaced: false, diagnostics: json.diagnostics };
  const root = json.doc.root;
  const fail = (reason: string): ConfigEdit => ({ replaced: false, diagnostics: [diag('exportConfigNotOci', { file, reason }, json.doc!.at(root, ''))] });
  if (root.type !== 'object') return fail(`it is ${root.type === 'array' ? 'an array' : `a ${root.type}`}, not an object`);
  // every parent must be an object (or absent)
  let node = root;
  let replaced = true;
  for (let i = 0; i < path.length; i++) {
    const prop = node.children?.filter((p) => p.children?.[0]?.value === path[i]).pop();
    const child = prop?.children?.[1];
    if (!child) {
      replaced = false;
      break;
    }
    if (i < path.length - 1 && child.type !== 'object') return fail(`\`${path.slice(0, i + 1).join('.')}\` is not an object`);
    node = child;
  }
  const indent = detectIndent(text);
  let token = 'syscage-value';
  while (text.includes(token)) token += '-';
  const edits = modify(text, [...path], token, {
    formattingOptions: { insertSpaces: indent !== '\t', tabSize: indent === '\t' ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' },
  });
  const placed = applyEdits(text, edits);
  const at = placed.indexOf(JSON.stringify(token));
  const lineStart = placed.lastIndexOf('\n', at) + 1;
  const lead = /^[ \t]*/.exec(placed.slice(lineStart))![0];
  const printed = printJsonValue(value, indent).replace(/\n$/, '').replace(/\n/g, `\n${lead}`);
  return { text: placed.slice(0, at) + printed + placed.slice(at + JSON.stringify(token).length), replaced, diagnostics: [] };
}
