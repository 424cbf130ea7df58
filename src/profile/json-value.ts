// SPDX-License-Identifier: Apache-2.0
// Profiles out: a JSON value tree that keeps what the text said — key order, integers exact
// (bigint: uint64 datums lose precision as JS numbers), other numbers as their source text — and
// prints it back as stable, pretty JSON. Built from the parser's syntax tree (./json.ts), so a
// rewritten profile (harden) keeps every field it did not touch, and from code (presets).
//
// Field lookup follows Go's encoding/json, which Docker and runc decode with: keys match fields
// case-insensitively and a repeated key's last value wins; setting a field replaces every
// spelling of it, in the place of the first.

import type { Node } from 'jsonc-parser';

/** A number that is not an integer, kept as written (`1.5`, `1e3`). */
export interface JsonRaw {
  readonly raw: string;
}

export type JsonObject = Map<string, Json>;
export type Json = null | boolean | string | bigint | JsonRaw | Json[] | JsonObject;

/** The value a jsonc-parser node stands for (`text` is the document the node was parsed from). */
export function jsonFromNode(node: Node, text: string): Json {
  switch (node.type) {
    case 'object': {
      const out: JsonObject = new Map();
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key && value) {
          const k = String(key.value);
          out.delete(k); // a repeated key: the last one, at its own place (as Go reads it)
          out.set(k, jsonFromNode(value, text));
        }
      }
      return out;
    }
    case 'array': return (node.children ?? []).map((c) => jsonFromNode(c, text));
    case 'string': return String(node.value);
    case 'boolean': return Boolean(node.value);
    case 'null': return null;
    case 'number': {
      const raw = text.slice(node.offset, node.offset + node.length);
      return /^-?(0|[1-9][0-9]*)$/.test(raw) ? BigInt(raw) : { raw };
    }
    default: return null;
  }
}

export function isObject(v: Json | undefined): v is JsonObject {
  return v instanceof Map;
}

/** The key Go would read field `name` from (case-insensitive; the last match wins). */
export function fieldKey(obj: JsonObject, name: string): string | undefined {
  let hit: string | undefined;
  const lower = name.toLowerCase();
  for (const k of obj.keys()) if (k === name || k.toLowerCase() === lower) hit = k;
  return hit;
}

export function getField(obj: JsonObject, name: string): Json | undefined {
  const k = fieldKey(obj, name);
  return k === undefined ? undefined : obj.get(k);
}

/**
 * A copy of `obj` with field `name` set to `value` (every spelling of it replaced, in the place
 * of the first one; at the end when absent, or after the field `after` when that is present).
 * `undefined` removes the field.
 */
export function withField(obj: JsonObject, name: string, value: Json | undefined, after?: string): JsonObject {
  const lower = name.toLowerCase();
  const out: JsonObject = new Map();
  let placed = value === undefined;
  for (const [k, v] of obj) {
    if (k.toLowerCase() === lower) {
      if (!placed) out.set(name, value!);
      placed = true;
      continue;
    }
    out.set(k, v);
    if (!placed && after !== undefined && k.toLowerCase() === after.toLowerCase()) {
      out.set(name, value!);
      placed = true;
    }
  }
  if (!placed) out.set(name, value!);
  return out;
}

/** An object from entries, skipping undefined values. */
export function jsonObject(entries: ReadonlyArray<readonly [string, Json | undefined]>): JsonObject {
  const out: JsonObject = new Map();
  for (const [k, v] of entries) if (v !== undefined) out.set(k, v);
  return out;
}

function printString(s: string): string {
  return JSON.stringify(s);
}

function print(v: Json, indent: string, depth: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return printString(v);
  if (typeof v === 'bigint') return v.toString();
  const inner = indent.repeat(depth + 1);
  const outer = indent.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + print(x, indent, depth + 1)).join(',\n')}\n${outer}]`;
  }
  if (isObject(v)) {
    if (v.size === 0) return '{}';
    const parts = [...v].map(([k, x]) => `${inner}${printString(k)}: ${print(x, indent, depth + 1)}`);
    return `{\n${parts.join(',\n')}\n${outer}}`;
  }
  return v.raw;
}

/** Pretty JSON, one member or element per line, with a final newline. */
export function printJsonValue(v: Json, indent = '  '): string {
  return print(v, indent, 0) + '\n';
}

/** The indentation unit of a JSON text (a tab, or the first indented line's spaces); two spaces when flat. */
export function detectIndent(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1]!.startsWith('\t') ? '\t' : m[1]!;
}
