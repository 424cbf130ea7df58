// SPDX-License-Identifier: Apache-2.0
// Typed reads from the JSON tree, with Go's encoding/json as the measure of what Docker and runc
// accept: a wrong type or an out-of-range number is an error (Go's Unmarshal fails, so the
// container does not start); an unknown, mis-cased or repeated key is a warning (Go ignores the
// first two kinds' differences and keeps the last value of a repeated key — so do we); `null`
// means absent (Go leaves the field at its zero value). Every value read is recorded by pointer
// (its offset: a few hundred thousand line:column pairs would cost more than the parse).

import type { Node } from 'jsonc-parser';
import { U64_MAX } from '../bits.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag, type MessageId } from '../diagnostics/messages.js';
import type { JsonDoc } from './json.js';

export interface Field {
  readonly node: Node;
  readonly pointer: string;
  readonly label: string;
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function typeName(node: Node): string {
  switch (node.type) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'null': return 'null';
    case 'array': return 'an array';
    default: return 'an object';
  }
}

/** Levenshtein distance, for "did you mean" (keys are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.floor(word.length / 4)) ? best : undefined;
}

export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly offsets = new Map<string, number>();

  constructor(readonly doc: JsonDoc) {}

  report(id: MessageId, args: Record<string, string | number>, at: Node | number, pointer: string, hint?: string): void {
    const d = diag(id, args, this.doc.at(at, pointer));
    this.diagnostics.push(hint !== undefined ? { ...d, hint } : d);
  }

  mark(pointer: string, node: Node): void {
    this.offsets.set(pointer, node.offset);
  }

  /**
   * The members of an object, by field name. A key that matches a field only case-insensitively
   * is read as that field (as Go does) with a warning; unknown keys are warned about and skipped,
   * unless `ignore` says they belong to the surrounding document.
   */
  fields<F extends string>(node: Node, pointer: string, allowed: readonly F[], ignore?: (key: string) => boolean): Map<F, Field> {
    const out = new Map<F, Field>();
    const first = new Map<F, number>();
    for (const prop of node.children ?? []) {
      const [keyNode, value] = prop.children ?? [];
      if (!keyNode || !value) continue;
      const key = String(keyNode.value);
      let field = allowed.find((f) => f === key);
      if (field === undefined) {
        field = allowed.find((f) => f.toLowerCase() === key.toLowerCase());
        if (field !== undefined) this.report('fieldCase', { field: key, expected: field }, keyNode, `${pointer}/${pointerToken(key)}`);
      }
      if (field === undefined) {
        if (ignore?.(key)) continue;
        const close = suggest(key, allowed);
        this.report('unknownField', { field: key, detail: close ? ` (did you mean \`${close}\`?)` : '' }, keyNode, `${pointer}/${pointerToken(key)}`);
        continue;
      }
      const fieldPointer = `${pointer}/${field}`;
      const seen = first.get(field);
      if (seen !== undefined) this.report('duplicateKey', { field: key, where: this.doc.position(seen).join(':') }, keyNode, fieldPointer);
      else first.set(field, keyNode.offset);
      out.set(field, { node: value, pointer: fieldPointer, label: field });
      this.mark(fieldPointer, value);
    }
    return out;
  }

  private expect(f: Field, type: Node['type'], expected: string): boolean {
    if (f.node.type === type) return true;
    if (f.node.type !== 'null') this.report('wrongType', { field: f.label, expected, actual: typeName(f.node) }, f.node, f.pointer);
    return false;
  }

  str(f: Field | undefined): string | undefined {
    return f && this.expect(f, 'string', 'a string') ? String(f.node.value) : undefined;
  }

  obj(f: Field | undefined): Node | undefined {
    return f && this.expect(f, 'object', 'an object') ? f.node : undefined;
  }

  /** The elements of an array field (absent or null: undefined), each as a Field. */
  list(f: Field | undefined): Field[] | undefined {
    if (!f || !this.expect(f, 'array', 'an array')) return undefined;
    return (f.node.children ?? []).map((node, i) => {
      const pointer = `${f.pointer}/${i}`;
      this.mark(pointer, node);
      return { node, pointer, label: `${f.label}[${i}]` };
    });
  }

  /** An array of strings; non-strings are reported and left out. */
  strings(f: Field | undefined): Array<{ value: string; pointer: string; node: Node }> | undefined {
    const items = this.list(f);
    if (!items) return undefined;
    const out: Array<{ value: string; pointer: string; node: Node }> = [];
    for (const item of items) {
      if (item.node.type === 'string') out.push({ value: String(item.node.value), pointer: item.pointer, node: item.node });
      else this.report('wrongType', { field: item.label, expected: 'a string', actual: typeName(item.node) }, item.node, item.pointer);
    }
    return out;
  }

  /**
   * An unsigned integer, exactly as written: Go's decoder refuses a sign, a fraction, an exponent
   * and anything over 2^64−1 for its uint/uint64 fields.
   */
  uint(f: Field | undefined): bigint | undefined {
    if (!f || !this.expect(f, 'number', 'an unsigned integer')) return undefined;
    const text = this.doc.text.slice(f.node.offset, f.node.offset + f.node.length);
    if (text.startsWith('-')) return this.report('negativeNumber', { text, field: f.label }, f.node, f.pointer), undefined;
    if (/[.eE]/.test(text)) return this.report('notInteger', { text, field: f.label }, f.node, f.pointer), undefined;
    const v = BigInt(text);
    if (v > U64_MAX) return this.report('numberTooLarge', { text }, f.node, f.pointer), undefined;
    return v;
  }
}
