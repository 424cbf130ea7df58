// SPDX-License-Identifier: Apache-2.0
// The profile harden is rewriting: the input document as a JSON value tree (../../profile/
// json-value.ts) and its `syscalls` as a list of rules, each remembering the JSON pointer of the
// input rule it came from. Steps replace the list; text() prints the whole document back (every
// field harden did not touch kept, integers exact) in the input's indentation.
// Rule fields are read and written the way Docker's decoder reads them (case-insensitive keys).

import { readJson } from '../../profile/json.js';
import { getField, isObject, jsonFromNode, jsonObject, printJsonValue, withField, detectIndent, type Json, type JsonObject } from '../../profile/json-value.js';
import type { Profile } from '../../profile/types.js';
import type { CmpOp } from '../../resolve/types.js';

export interface DraftRule {
  readonly json: JsonObject;
  /** JSON pointer of the input rule this one comes from; absent for a rule harden added. */
  readonly origin?: string;
}

/** SCMP_CMP_* spelling of an operator. */
const OP_NAMES: Readonly<Record<CmpOp, string>> = {
  NE: 'SCMP_CMP_NE', LT: 'SCMP_CMP_LT', LE: 'SCMP_CMP_LE', EQ: 'SCMP_CMP_EQ', GE: 'SCMP_CMP_GE', GT: 'SCMP_CMP_GT', MASKED_EQ: 'SCMP_CMP_MASKED_EQ',
};

export class Draft {
  private constructor(
    private readonly root: Json,
    /** Path of object keys from the root to the seccomp object ([] or ['linux', 'seccomp']). */
    private readonly path: readonly string[],
    readonly rules: readonly DraftRule[],
    readonly base: string,
    private readonly indent: string,
    /** Does the text end with a newline (kept as the input had it)? */
    private readonly newline = true,
  ) {}

  /** The draft of a parsed profile's text (the profile must come from this text). */
  static of(profile: Profile, text: string): Draft | undefined {
    const json = readJson(text);
    if (!json.doc) return undefined;
    const root = jsonFromNode(json.doc.root, text);
    const path = profile.pointerBase === '' ? [] : profile.pointerBase.slice(1).split('/');
    const seccomp = Draft.at(root, path);
    if (!isObject(seccomp)) return undefined;
    const list = getField(seccomp, 'syscalls');
    const items = Array.isArray(list) ? list : [];
    const rules = items.flatMap((r, i): DraftRule[] => (isObject(r) ? [{ json: r, origin: `${profile.pointerBase}/syscalls/${i}` }] : []));
    return new Draft(root, path, rules, profile.pointerBase, detectIndent(text), text.endsWith('\n'));
  }

  /** A draft built from code (presets). */
  static fromJson(seccomp: JsonObject, indent = '\t'): Draft {
    const list = getField(seccomp, 'syscalls');
    const rules = (Array.isArray(list) ? list : []).flatMap((r, i): DraftRule[] => (isObject(r) ? [{ json: r, origin: `/syscalls/${i}` }] : []));
    return new Draft(seccomp, [], rules, '', indent);
  }

  private static at(root: Json, path: readonly string[]): Json | undefined {
    let node: Json | undefined = root;
    for (const key of path) node = isObject(node) ? getField(node, key) : undefined;
    return node;
  }

  with(rules: readonly DraftRule[]): Draft {
    return new Draft(this.root, this.path, rules, this.base, this.indent, this.newline);
  }

  /** The seccomp object with the current rules. */
  seccomp(): JsonObject {
    const seccomp = Draft.at(this.root, this.path) as JsonObject;
    return withField(seccomp, 'syscalls', this.rules.map((r) => r.json));
  }

  /** The whole document. */
  text(): string {
    const put = (node: Json, path: readonly string[]): Json => {
      if (path.length === 0) return this.seccomp();
      const obj = node as JsonObject;
      return withField(obj, path[0]!, put(getField(obj, path[0]!) ?? null, path.slice(1)));
    };
    const out = printJsonValue(put(this.root, this.path), this.indent);
    return this.newline ? out : out.slice(0, -1);
  }
}

/** The names a rule lists (`names`, or the legacy `name`). */
export function ruleNames(rule: JsonObject): string[] {
  const names = getField(rule, 'names');
  if (Array.isArray(names) && names.length > 0) return names.filter((n): n is string => typeof n === 'string');
  const name = getField(rule, 'name');
  return typeof name === 'string' && name !== '' ? [name] : [];
}

/** The rule with these names, in the field it used (a legacy `name` stays one while there is one name). */
export function withNames(rule: JsonObject, names: readonly string[]): JsonObject {
  const legacy = getField(rule, 'names') === undefined && typeof getField(rule, 'name') === 'string';
  if (legacy && names.length === 1) return withField(rule, 'name', names[0]!);
  const out = withField(rule, 'names', [...names]);
  return legacy ? withField(out, 'name', undefined) : out;
}

/** The rule's `args` as written (objects), [] when none. */
export function ruleArgs(rule: JsonObject): JsonObject[] {
  const args = getField(rule, 'args');
  return Array.isArray(args) ? args.filter(isObject) : [];
}

export function withArgs(rule: JsonObject, args: readonly JsonObject[]): JsonObject {
  return withField(rule, 'args', args.length === 0 && getField(rule, 'args') === undefined ? undefined : [...args], 'action');
}

/** A condition as profiles write it (MASKED_EQ: value is the mask, valueTwo the datum). */
export function argJson(index: number, op: CmpOp, value: bigint, valueTwo = 0n): JsonObject {
  return jsonObject([['index', BigInt(index)], ['value', value], ['valueTwo', valueTwo], ['op', OP_NAMES[op]]]);
}

/** The rule returning ERRNO(errnoRet), with a Podman errno name when given. */
export function withErrno(rule: JsonObject, errnoRet: number, errnoName?: string): JsonObject {
  let out = withField(rule, 'errnoRet', BigInt(errnoRet), 'action');
  if (errnoName !== undefined) out = withField(out, 'errno', errnoName, 'errnoRet');
  return out;
}

/** A new rule: names, an action, fields in Docker's order. */
export function newRule(names: readonly string[], action: string, extra: { errnoRet?: number; errno?: string; comment?: string } = {}): JsonObject {
  return jsonObject([
    ['names', [...names]],
    ['action', action],
    ['errnoRet', extra.errnoRet !== undefined ? BigInt(extra.errnoRet) : undefined],
    ['errno', extra.errno],
    ['comment', extra.comment],
  ]);
}
