// SPDX-License-Identifier: Apache-2.0
// Profile text → Profile, strictly, with every problem located (code, JSON pointer, line:column).
// Reads Docker/moby profiles (`names` and legacy `name`, archMap, includes/excludes), Podman's
// variant (errno names), a bare OCI LinuxSeccomp, and an OCI config.json (its `linux.seccomp`,
// with pointers into the whole document). What Docker or runc would refuse is an error; what
// they accept but may not do what the author meant is a warning; nothing is passed over silently.
// A Profile is returned only when there is no error.

import type { Node } from 'jsonc-parser';
import { archByName } from '../arch/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { ARCHMAP_FIELDS, DOCKER_ONLY_FIELDS, PROFILE_ARCHES, PROFILE_FIELDS, PROFILE_FLAGS } from './fields.js';
import { readJson } from './json.js';
import { suggest, type Field, Reader } from './reader.js';
import { checkErrnoAction, checkErrnoLimit, readAction, readErrnoName, readErrnoRet, readSyscall } from './rules.js';
import { parseSpoProfile } from './spo.js';
import type { ArchMapEntry, Profile, ProfileArch, ProfileFormat, ProfileSyscall } from './types.js';

const FLAGS: ReadonlySet<string> = new Set(PROFILE_FLAGS);

/** An SCMP_ARCH_* name, exactly as runc's ConvertStringToArch accepts it. */
function readArch(r: Reader, item: { value: string; pointer: string; node: Node }): ProfileArch | undefined {
  const arch = PROFILE_ARCHES.get(item.value);
  if (arch) return { arch, pointer: item.pointer };
  const alias = archByName(item.value);
  const close = alias ? alias.scmpName : suggest(item.value, PROFILE_ARCHES.keys());
  const detail = alias ? `: profiles write ${alias.scmpName}` : close ? ` (did you mean ${close}?)` : '';
  r.report('unknownProfileArch', { text: item.value, detail }, item.node, item.pointer);
  return undefined;
}

function readArches(r: Reader, f: Field | undefined): ProfileArch[] {
  return (r.strings(f) ?? []).flatMap((item) => readArch(r, item) ?? []);
}

function readArchMap(r: Reader, f: Field | undefined): ArchMapEntry[] {
  const entries: ArchMapEntry[] = [];
  const first = new Map<string, string>();
  for (const item of r.list(f) ?? []) {
    const node = r.obj(item);
    if (!node) continue;
    const fields = r.fields(node, item.pointer, ARCHMAP_FIELDS);
    const archField = fields.get('architecture');
    const name = r.str(archField);
    let architecture: ProfileArch | undefined;
    if (name === undefined || name === '') {
      // Go reads it as "", which matches no host: the entry is dead.
      r.report('missingDefaulted', { field: 'architecture', value: '"" (an entry that matches no host)' }, archField?.node ?? node, `${item.pointer}/architecture`);
    } else {
      architecture = readArch(r, { value: name, pointer: archField!.pointer, node: archField!.node });
    }
    if (architecture) {
      const where = first.get(architecture.arch.name);
      if (where !== undefined) r.report('archMapDuplicate', { arch: name!, where }, archField!.node, archField!.pointer);
      else first.set(architecture.arch.name, r.doc.position(archField!.node.offset).join(':'));
    }
    const subArchitectures = readArches(r, fields.get('subArchitectures'));
    entries.push({ ...(architecture ? { architecture } : {}), subArchitectures, pointer: item.pointer });
  }
  return entries;
}

function readFlags(r: Reader, f: Field | undefined): string[] | undefined {
  const items = r.strings(f);
  if (!items) return undefined;
  for (const item of items) {
    if (!FLAGS.has(item.value)) {
      const close = suggest(item.value, FLAGS);
      r.report('unknownFlag', { text: item.value }, item.node, item.pointer, close ? `did you mean ${close}?` : undefined);
    } else if (item.value === 'SECCOMP_FILTER_FLAG_TSYNC') {
      r.report('tsyncIgnored', {}, item.node, item.pointer);
    }
  }
  return items.map((i) => i.value);
}

function emptyProfile(format: ProfileFormat, pointerBase: string, r: Reader, file?: string): Profile {
  return { format, pointerBase, ...(file !== undefined ? { file } : {}), architectures: [], archMap: [], syscalls: [], source: { offsets: r.offsets, lineStarts: r.doc.lineStarts } };
}

/** Formats people pass by mistake, recognized so that the error says what the file is. */
function foreignFormat(text: string, root: Node | undefined): string | undefined {
  if (root === undefined) {
    if (/^\s*(apiVersion|kind)\s*:/m.test(text) && /\bkind:\s*["']?SeccompProfile\b/.test(text)) return 'a Security Profiles Operator SeccompProfile (YAML)';
    if (/^\s*(apiVersion|kind)\s*:/m.test(text)) return 'YAML';
    if (/^\s*[12]\s*\n\s*(allowlist|denylist|whitelist|blacklist)\b/.test(text)) return 'an LXC seccomp policy';
    return undefined;
  }
  if (root.type !== 'object') return undefined;
  // seccompiler (Firecracker): { "<thread>": { "default_action", "filter_action", "filter": [...] } }
  const threads = (root.children ?? []).map((p) => p.children?.[1]).filter((v) => v?.type === 'object');
  const keysOf = (n: Node) => (n.children ?? []).map((p) => String(p.children?.[0]?.value));
  if (threads.length > 0 && threads.every((t) => ['default_action', 'filter_action', 'filter'].some((k) => keysOf(t!).includes(k)))) {
    return 'a Firecracker seccompiler filter file';
  }
  return undefined;
}

export interface ParseOptions {
  /** A YAML stream with several SeccompProfile documents: the `metadata.name` of the one to read. */
  readonly document?: string;
}

/**
 * Reads a profile: JSON (Docker/moby, Podman, bare LinuxSeccomp, OCI config.json), or YAML (a
 * Security Profiles Operator SeccompProfile, ./spo.ts) when the text does not start with `{` or `[`.
 */
/**
 * JSON profiles start with `{` (or `[`, refused later as not an object) after optional whitespace
 * or a byte-order mark; anything else that is not empty, and not another format recognized by
 * foreignFormat, is read as YAML.
 */
function isYamlText(text: string): boolean {
  const m = /^[\s\ufeff]*(\S)/.exec(text.slice(0, 4096));
  if (!m || m[1] === '{' || m[1] === '[') return false;
  return foreignFormat(text, undefined) !== 'an LXC seccomp policy';
}

export function parseProfile(text: string, file?: string, options: ParseOptions = {}): { value?: Profile; diagnostics: Diagnostic[] } {
  if (isYamlText(text)) return parseSpoProfile(text, file, options.document);
  const json = readJson(text, file);
  const syntaxError = json.diagnostics.some((d) => d.code === 'SC1002');
  const foreign = syntaxError || json.doc ? foreignFormat(text, json.doc?.root) : undefined;
  if (foreign !== undefined) return { diagnostics: [diag('foreignFormat', { format: foreign }, { kind: 'text', ...(file !== undefined ? { file } : {}), pointer: '', line: 1, column: 1 })] };
  if (!json.doc) return { diagnostics: json.diagnostics };
  const r = new Reader(json.doc);
  const root = json.doc.root;
  r.mark('', root);
  if (root.type !== 'object') {
    r.report('profileNotObject', { type: root.type === 'array' ? 'an array' : `a ${root.type}` }, root, '');
    return { diagnostics: r.diagnostics };
  }

  // An OCI config.json (it has `ociVersion`, or `linux` and no profile field): read
  // `linux.seccomp` and nothing else; runc ignores keys it does not know, and so do we there.
  const keys = (root.children ?? []).map((p) => String(p.children?.[0]?.value));
  const oci = keys.includes('ociVersion') || (keys.includes('linux') && !keys.some((k) => (PROFILE_FIELDS as readonly string[]).includes(k)));
  let node: Node = root;
  let base = '';
  if (oci) {
    const linux = r.obj(r.fields(root, '', ['linux'], () => true).get('linux'));
    const seccomp = linux ? r.obj(r.fields(linux, '/linux', ['seccomp'], () => true).get('seccomp')) : undefined;
    base = '/linux/seccomp';
    if (!seccomp) {
      if (r.diagnostics.every((d) => d.severity !== 'error')) r.report('noSeccompSection', {}, linux ?? root, linux ? '/linux' : '');
      return r.diagnostics.some((d) => d.severity === 'error') ? { diagnostics: r.diagnostics } : { value: emptyProfile('oci-config', base, r, file), diagnostics: r.diagnostics };
    }
    node = seccomp;
  }

  return readSeccompObject(r, node, base, oci ? 'oci' : 'docker', file);
}

/**
 * How the seccomp object is read: `docker` (Docker/moby, Podman, bare LinuxSeccomp), `oci` (the
 * `linux.seccomp` of a config.json: Docker-only fields reported and not used), `spo` (the spec of
 * a Security Profiles Operator SeccompProfile, ./spo.ts: read as `oci`, plus the fields in `extra`).
 */
export type SeccompMode = 'docker' | 'oci' | 'spo';

/** Reads the seccomp object `node` (at JSON pointer `base`) into a Profile; none when there is an error. */
export function readSeccompObject(r: Reader, node: Node, base: string, mode: SeccompMode, file?: string, extra: readonly string[] = []): { value?: Profile; diagnostics: Diagnostic[] } {
  const oci = mode !== 'docker';
  const allowed: readonly string[] = extra.length > 0 ? [...PROFILE_FIELDS, ...extra] : PROFILE_FIELDS;
  const f = r.fields(node, base, allowed) as Map<string, Field>;
  if (oci) for (const [name, field] of f) if (DOCKER_ONLY_FIELDS.has(name)) r.report('dockerOnlyField', { field: name, detail: '' }, field.node, field.pointer);

  const actionField = f.get('defaultAction');
  const defaultAction = readAction(r, actionField);
  const errnoRetField = f.get('defaultErrnoRet');
  const defaultErrnoRet = readErrnoRet(r, errnoRetField);
  checkErrnoAction(r, defaultAction.kind, errnoRetField, defaultAction.text);
  checkErrnoLimit(r, defaultAction.kind, errnoRetField, defaultErrnoRet);
  const errnoField = oci ? undefined : f.get('defaultErrno');
  const defaultErrno = readErrnoName(r, errnoField);
  checkErrnoAction(r, defaultAction.kind, errnoField, defaultAction.text);
  if (defaultErrno !== undefined && /^[0-9]+$/.test(defaultErrno)) checkErrnoLimit(r, defaultAction.kind, errnoField, Number(defaultErrno));

  const architectures = readArches(r, f.get('architectures'));
  const archMap = oci ? [] : readArchMap(r, f.get('archMap'));
  if (architectures.length > 0 && archMap.length > 0) r.report('archBoth', {}, f.get('archMap')!.node, f.get('archMap')!.pointer);

  const items = r.list(f.get('syscalls')) ?? [];
  const syscalls = items.map((item) => readSyscall(r, item, oci));
  const flags = readFlags(r, f.get('flags'));
  const listenerPath = r.str(f.get('listenerPath'));
  const listenerMetadata = r.str(f.get('listenerMetadata'));

  if (defaultAction.text === '' && (!actionField || actionField.node.type === 'null' || actionField.node.type === 'string')) {
    // runc (specconv SetupSeccomp) and moby: no default action and no syscalls = seccomp disabled.
    if (items.length === 0) r.report('seccompDisabled', {}, actionField?.node ?? node, `${base}/defaultAction`);
    else r.report('noDefaultAction', {}, actionField?.node ?? node, `${base}/defaultAction`);
  }

  if (r.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: r.diagnostics };
  const value: Profile = {
    ...emptyProfile(mode === 'oci' ? 'oci-config' : 'docker', base, r, file),
    ...(defaultAction.kind !== undefined ? { defaultAction: defaultAction.kind } : {}),
    ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}),
    ...(defaultErrno !== undefined ? { defaultErrno } : {}),
    architectures,
    archMap,
    syscalls: syscalls as ProfileSyscall[],
    ...(flags !== undefined ? { flags } : {}),
    ...(listenerPath !== undefined ? { listenerPath } : {}),
    ...(listenerMetadata !== undefined ? { listenerMetadata } : {}),
  };
  return { value, diagnostics: r.diagnostics };
}
