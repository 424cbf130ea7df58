// SPDX-License-Identifier: Apache-2.0
// Writing into an existing OCI config.json (runtime-spec config.md) without disturbing it: one
// value is set at a path (`linux.seccomp`, or `annotations["run.oci.seccomp_bpf_data"]`) by
// splicing the text at the syntax tree's offsets (jsonc-parser), so every other byte of the file
// stays as it was — key order, spacing, numbers as written. The new value is printed by ../profile/json-value.ts (exact
// 64-bit integers) at the indentation of the place it goes to.

import type { Node } from 'jsonc-parser';
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
  const unit = detectIndent(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const leadOf = (offset: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))![0];
  const print = (v: Json, lead: string) => printJsonValue(v, unit).replace(/\n$/, '').replace(/\n/g, `${eol}${lead}`);

  // walk down to the deepest object on the path that exists (Go reads a repeated key's last value)
  let node: Node = root;
  for (let i = 0; i < path.length; i++) {
    const prop = node.children?.filter((p) => p.children?.[0]?.value === path[i]).pop();
    const child = prop?.children?.[1];
    if (!prop || !child) {
      // insert `"key": value` (the rest of the path as nested objects) as the last member of `node`
      let rest: Json = value;
      for (let j = path.length - 1; j > i; j--) rest = new Map([[path[j]!, rest]]);
      const last = node.children?.[node.children.length - 1];
      const lead = last ? leadOf(last.offset) : leadOf(node.offset) + unit;
      const member = `${JSON.stringify(path[i])}: ${print(rest, lead)}`;
      if (last) {
        const at = last.offset + last.length;
        const inline = !text.slice(node.offset, at).includes('\n');
        return { text: text.slice(0, at) + (inline ? `, ${member}` : `,${eol}${lead}${member}`) + text.slice(at), replaced: false, diagnostics: [] };
      }
      const at = node.offset + 1; // just inside `{`
      const close = node.offset + node.length - 1;
      return { text: `${text.slice(0, at)}${eol}${lead}${member}${eol}${leadOf(node.offset)}${text.slice(close)}`, replaced: false, diagnostics: [] };
    }
    if (i < path.length - 1 && child.type !== 'object') return fail(`\`${path.slice(0, i + 1).join('.')}\` is not an object`);
    node = child;
  }
  // replace the value in place
  return { text: text.slice(0, node.offset) + print(value, leadOf(node.offset)) + text.slice(node.offset + node.length), replaced: true, diagnostics: [] };
}
