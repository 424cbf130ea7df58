// SPDX-License-Identifier: Apache-2.0
// Security Profiles Operator SeccompProfile YAML → Profile, with located diagnostics.
// Mirrors the CRD of kubernetes-sigs/security-profiles-operator (api/seccompprofile/v1beta1 and
// v1 seccompprofile_types.go): apiVersion security-profiles-operator.x-k8s.io/*, kind
// SeccompProfile, `spec` = an OCI LinuxSeccomp less defaultErrnoRet (defaultAction,
// architectures, syscalls[{names, action, errnoRet, args}], flags, listenerPath,
// listenerMetadata) plus baseProfileName and disabled. The operator writes the spec as the JSON
// file the kubelet hands to the runtime, so it is read here like a bare LinuxSeccomp.
//
// How: the `yaml` package parses the stream as YAML 1.1 (Kubernetes decodes with go-yaml, a 1.1
// reader: 0x10 and 010 are numbers); the chosen document is turned into JSON text with a map
// from every JSON offset back to its YAML offset, and ./parse.ts reads that JSON with the same
// strict rules as any profile. Locations (line:column) and the Profile's source map point into
// the YAML text. Aliases are expanded under a size limit (a billion-laughs document is refused).

import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { parseTree, type Node } from 'jsonc-parser';
import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { diag, type MessageId } from '../diagnostics/messages.js';
import { MAX_DEPTH, MAX_PROFILE_LENGTH, type JsonDoc } from './json.js';
import { readSeccompObject } from './parse.js';
import { lineColumn, lineStarts } from './position.js';
import { Reader } from './reader.js';
import type { Profile } from './types.js';

export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';
export const SPO_API_VERSIONS: readonly string[] = [`${SPO_GROUP}/v1alpha1`, `${SPO_GROUP}/v1beta1`, `${SPO_GROUP}/v1`];
/** Fields of SeccompProfileSpec that a LinuxSeccomp does not have. */
const SPO_EXTRA = ['baseProfileName', 'disabled'] as const;
/** The JSON made from aliases may not grow past this (4× the text limit). */
const MAX_EXPANDED = 4 * MAX_PROFILE_LENGTH;

/** One document of the stream, as far as the choice of document needs. */
interface DocInfo {
  readonly doc: Document.Parsed;
  readonly kind?: string;
  readonly name?: string;
}

class Located {
  readonly diagnostics: Diagnostic[] = [];
  readonly starts: readonly number[];
  constructor(readonly text: string, readonly file: string | undefined) {
    this.starts = lineStarts(text);
  }
  at(offset: number, pointer?: string): Location {
    const [line, column] = lineColumn(this.starts, offset);
    return { kind: 'text', ...(this.file !== undefined ? { file: this.file } : {}), ...(pointer !== undefined ? { pointer } : {}), line, column };
  }
  report(id: MessageId, args: Record<string, string | number>, offset: number, pointer?: string): void {
    this.diagnostics.push(diag(id, args, this.at(offset, pointer)));
  }
}

/**
 * The deepest flow nesting (`[`, `{`) outside quotes and comments, and where it passes MAX_DEPTH:
 * the YAML composer recurses per level, so a hostile `[[[[…` must be refused before it runs.
 * Block nesting needs indentation, which the text length already bounds.
 */
function flowTooDeep(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\n' && depth === 0) quote = '';
  }
  return undefined;
}

function scalarText(node: YamlNode | null | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function mapGet(node: YamlNode | null | undefined, key: string): YamlNode | null | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) if (isScalar(item.key) && item.key.value === key) return item.value as YamlNode | null;
  return undefined;
}

function typeOf(node: YamlNode | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isSeq(node)) return 'a sequence';
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) return node.value === null ? 'null' : `a ${typeof node.value === 'bigint' ? 'number' : typeof node.value}`;
  return 'an alias';
}

/**
 * YAML → JSON text, recording for each JSON value and key its YAML offset. Strings are
 * JSON.stringify'd; integers are written exactly (bigint); other numbers as JS prints them
 * (so the reader reports them as not whole); `.inf` / `.nan` as 1e999 (not whole either).
 */
class JsonWriter {
  readonly parts: string[] = [];
  length = 0;
  readonly map: Array<[number, number]> = [];
  tooLarge = false;
  constructor(readonly doc: Document.Parsed) {}

  private put(s: string, yamlOffset?: number): void {
    if (yamlOffset !== undefined) this.map.push([this.length, yamlOffset]);
    this.parts.push(s);
    this.length += s.length;
    if (this.length > MAX_EXPANDED) this.tooLarge = true;
  }

  value(node: YamlNode | null | undefined, fallback: number, depth: number, seen: ReadonlySet<YamlNode>): void {
    if (this.tooLarge) return;
    let n: unknown = node;
    let offset = node?.range?.[0] ?? fallback;
    if (isAlias(n)) {
      const target = n.resolve(this.doc) as YamlNode | undefined;
      // a cycle (an alias inside its own anchor) or a dangling alias reads as null
      n = target !== undefined && !seen.has(target) ? target : null;
    }
    if (n === null || n === undefined) return this.put('null', offset);
    if (depth > MAX_DEPTH) return this.put('null', offset);
    const inner = new Set(seen).add(n as YamlNode);
    if (isMap(n)) {
      this.put('{', offset);
      n.items.forEach((item, i) => {
        if (!isPair(item)) return;
        if (i > 0) this.put(',');
        const key = item.key as YamlNode | null;
        const keyOffset = key?.range?.[0] ?? offset;
        const k = isScalar(key) ? String(key.value) : '';
        this.put(JSON.stringify(k), keyOffset);
        this.put(':');
        this.value(item.value as YamlNode | null, key?.range?.[1] ?? keyOffset, depth + 1, inner);
      });
      return this.put('}');
    }
    if (isSeq(n)) {
      this.put('[', offset);
      n.items.forEach((item, i) => {
        if (i > 0) this.put(',');
        this.value(item as YamlNode | null, offset, depth + 1, inner);
      });
      return this.put(']');
    }
    if (isScalar(n)) {
      offset = n.range?.[0] ?? offset;
      const v = n.value;
      if (typeof v === 'bigint') return this.put(v.toString(), offset);
      if (typeof v === 'number') return this.put(Number.isInteger(v) ? BigInt(v).toString() : Number.isFinite(v) ? String(v) : '1e999', offset);
      if (typeof v === 'boolean') return this.put(v ? 'true' : 'false', offset);
      if (v === null || v === undefined) return this.put('null', offset);
      return this.put(JSON.stringify(String(v)), offset);
    }
    return this.put('null', offset);
  }
}

/** JSON offset → YAML offset: the entry at or before it (every node the reader sees has its own). */
function offsetMapper(map: ReadonlyArray<readonly [number, number]>): (offset: number) => number {
  return (offset) => {
    let lo = 0;
    let hi = map.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map[mid]![0] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return map[lo]![1];
  };
}

/** Picks the SeccompProfile document to read; reports why there is none. */
function chooseDocument(loc: Located, docs: readonly DocInfo[], wanted: string | undefined): DocInfo | undefined {
  const profiles = docs.filter((d) => d.kind === 'SeccompProfile');
  const names = profiles.map((d) => d.name ?? '(no name)').join(', ');
  if (wanted !== undefined) {
    const hit = profiles.find((d) => d.name === wanted);
    if (!hit) loc.report('spoDocumentNotFound', { name: wanted, names: names || 'none' }, 0);
    return hit;
  }
  if (profiles.length === 1) return profiles[0];
  if (profiles.length > 1) {
    loc.report('spoManyDocuments', { count: profiles.length, names }, profiles[1]!.doc.contents?.range?.[0] ?? 0);
    return undefined;
  }
  // No SeccompProfile: say what the first document is instead.
  const first = docs.find((d) => d.doc.contents !== null);
  const contents = first?.doc.contents as YamlNode | null | undefined;
  if (!first || !contents) loc.report('spoNoProfile', { detail: ': the stream is empty' }, 0);
  else if (!isMap(contents)) loc.report('spoNotMapping', { what: 'a SeccompProfile document', type: typeOf(contents) }, contents.range?.[0] ?? 0, '');
  else if (first.kind !== undefined) {
    const kindNode = mapGet(contents, 'kind');
    loc.report('spoWrongKind', { kind: first.kind }, kindNode?.range?.[0] ?? 0, '/kind');
  } else loc.report('spoNoProfile', { detail: ': the document has no `kind`' }, contents.range?.[0] ?? 0, '');
  return undefined;
}

/** Remaps the diagnostics the JSON reader gave for the operator's own vocabulary. */
function spoDiagnostics(diagnostics: readonly Diagnostic[], fields: ReadonlyMap<string, Location | undefined>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    // parse.ts's `oci` reading calls archMap, defaultErrno (and per rule name, errno, includes,
    // excludes) "Docker-only, ignored by runc": here it is the API server that prunes them.
    if (d.code === 'SC1014') {
      const field = /`([^`]+)`/.exec(d.message)?.[1] ?? '?';
      out.push(diag('spoNotAField', { field }, d.location));
      continue;
    }
    out.push(d);
  }
  for (const [field, where] of fields) out.push(diag('spoNotAField', { field }, where));
  return out;
}

/**
 * Reads a Security Profiles Operator SeccompProfile from YAML text. With several SeccompProfile
 * documents in the stream, `document` (a metadata.name) says which one; other kinds are skipped.
 */
export function parseSpoProfile(text: string, file?: string, document?: string): { value?: Profile; diagnostics: Diagnostic[] } {
  const loc = new Located(text, file);
  if (text.length > MAX_PROFILE_LENGTH) {
    loc.report('profileTextTooLong', { size: text.length, limit: '1 MiB' }, 0);
    return { diagnostics: loc.diagnostics };
  }
  const deep = flowTooDeep(text);
  if (deep !== undefined) {
    loc.report('yamlTooDeep', { limit: MAX_DEPTH }, deep);
    return { diagnostics: loc.diagnostics };
  }
  let parsed: Document.Parsed[];
  try {
    const all = parseAllDocuments(text, { version: '1.1', intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
    parsed = Array.isArray(all) ? all : [];
  } catch (e) {
    // The composer recurses; a nesting the prescan missed ends here, never as a crash.
    if (e instanceof RangeError) return loc.report('yamlTooDeep', { limit: MAX_DEPTH }, 0), { diagnostics: loc.diagnostics };
    throw e;
  }
  for (const d of parsed) {
    for (const e of d.errors.slice(0, 10)) loc.report('yamlSyntax', { reason: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') }, e.pos[0]);
  }
  if (loc.diagnostics.length > 0) return { diagnostics: loc.diagnostics };

  const docs: DocInfo[] = parsed.map((doc) => {
    const contents = doc.contents as YamlNode | null;
    const kind = scalarText(mapGet(contents, 'kind'));
    const name = scalarText(mapGet(mapGet(contents, 'metadata'), 'name'));
    return { doc, ...(kind !== undefined ? { kind } : {}), ...(name !== undefined ? { name } : {}) };
  });
  const chosen = chooseDocument(loc, docs, document);
  if (!chosen) return { diagnostics: loc.diagnostics };
  const contents = chosen.doc.contents as YamlNode;

  const apiNode = mapGet(contents, 'apiVersion');
  const apiVersion = scalarText(apiNode);
  if (apiVersion === undefined || !SPO_API_VERSIONS.includes(apiVersion)) {
    loc.report('spoApiVersion', { text: apiVersion === undefined ? '(none)' : `\`${apiVersion}\`` }, apiNode?.range?.[0] ?? contents.range?.[0] ?? 0, '/apiVersion');
  }
  const spec = mapGet(contents, 'spec');
  if (spec === undefined || spec === null || (isScalar(spec) && spec.value === null)) {
    loc.report('spoNoSpec', {}, spec?.range?.[0] ?? contents.range?.[0] ?? 0, '/spec');
    return { diagnostics: loc.diagnostics };
  }

  // The whole document as JSON (pointers then start at /spec), read by the JSON profile reader.
  const w = new JsonWriter(chosen.doc);
  w.value(contents, 0, 0, new Set());
  if (w.tooLarge) {
    loc.report('yamlTooLarge', { limit: `${MAX_EXPANDED / (1024 * 1024)} Mi` }, contents.range?.[0] ?? 0);
    return { diagnostics: loc.diagnostics };
  }
  const json = w.parts.join('');
  const root = parseTree(json);
  const yamlOffset = offsetMapper(w.map);
  const position = (offset: number) => lineColumn(loc.starts, yamlOffset(offset));
  const jsonDoc: JsonDoc = {
    text: json,
    root: root!,
    lineStarts: loc.starts,
    ...(file !== undefined ? { file } : {}),
    position,
    at: (n, pointer) => loc.at(yamlOffset(typeof n === 'number' ? n : n.offset), pointer),
  };
  const r = new Reader(jsonDoc);
  r.mark('', root!);
  const specField = r.fields(root!, '', ['spec'], () => true).get('spec');
  const specNode: Node | undefined = r.obj(specField);
  if (!specNode) return { diagnostics: [...loc.diagnostics, ...r.diagnostics] };

  // Fields the spec does not have: reported once here, and not used.
  const pruned = new Map<string, Location | undefined>();
  for (const prop of specNode.children ?? []) {
    const key = String(prop.children?.[0]?.value);
    if (key === 'defaultErrnoRet') pruned.set(key, jsonDoc.at(prop.children![0]!, `/spec/${key}`));
  }
  const read = readSeccompObject(r, specNode, '/spec', 'spo', file, SPO_EXTRA);
  const diagnostics = [...loc.diagnostics, ...spoDiagnostics(read.diagnostics, pruned)];
  const specValue = (name: string) => specNode.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
  const base = specValue('baseProfileName');
  if (base?.type === 'string' && base.value !== '') diagnostics.push(diag('spoBaseProfile', { name: String(base.value) }, jsonDoc.at(base, '/spec/baseProfileName')));
  const disabled = specValue('disabled');
  if (disabled?.type === 'boolean' && disabled.value === true) diagnostics.push(diag('spoDisabled', {}, jsonDoc.at(disabled, '/spec/disabled')));
  if (!read.value) return { diagnostics };

  // errnoRet 0 is Go's zero value: `omitempty` drops it from the file the operator writes.
  const syscalls = read.value.syscalls.map((s) => {
    if (s.errnoRet !== 0) return s;
    diagnostics.push(diag('spoErrnoZero', {}, jsonDoc.at(read.value!.source.offsets.get(`${s.pointer}/errnoRet`) ?? 0, `${s.pointer}/errnoRet`)));
    const { errnoRet: _dropped, ...rest } = s;
    return rest;
  });
  const { defaultErrnoRet: _pruned, source, ...profile } = read.value;
  const offsets = new Map<string, number>();
  for (const [pointer, offset] of source.offsets) offsets.set(pointer, yamlOffset(offset));
  return { value: { ...profile, syscalls, source: { offsets, lineStarts: loc.starts } }, diagnostics };
}
