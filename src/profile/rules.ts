// SPDX-License-Identifier: Apache-2.0
// One `syscalls[]` entry of a profile: names (or the legacy `name`), action, errnoRet / Podman's
// errno, args, and Docker's includes/excludes. What each runtime does with odd values is cited
// where it is decided; the reader (./reader.ts) already refuses wrong types and bad numbers.

import { errnoNames } from '../kernel/errno.js';
import type { ActionKind } from '../seccomp/action.js';
import { ARG_FIELDS, DOCKER_ONLY_FIELDS, FILTER_FIELDS, PROFILE_ACTIONS, PROFILE_OPS, SYSCALL_FIELDS } from './fields.js';
import { CAPABILITIES, CONDITION_ARCH_NAMES } from './names.js';
import { suggest, type Field, type Reader } from './reader.js';
import type { ProfileArg, ProfileSyscall, RuleFilter } from './types.js';

const ERRNO_NAMES: ReadonlySet<string> = new Set(errnoNames());
const CAPS: ReadonlySet<string> = new Set(CAPABILITIES);
const MAX_DATA = 0xffffn;
/** libseccomp accepts ERRNO data below MAX_ERRNO only (libseccomp-behaviour.md trap 10.2). */
const LIBSECCOMP_ERRNO_LIMIT = 4095;

/**
 * The action a field names, as runc's ConvertStringToAction accepts it (no `(data)` suffix).
 * `text` is '' when the field is absent, null or "" — Go reads all three as "" — and the caller
 * decides what that means; a non-empty unknown name is reported here.
 */
export function readAction(r: Reader, f: Field | undefined): { kind?: ActionKind; text: string } {
  const text = r.str(f) ?? '';
  if (text === '' || !f) return { text };
  const kind = PROFILE_ACTIONS.get(text);
  if (kind === undefined) {
    const close = suggest(text, PROFILE_ACTIONS.keys());
    r.report('unknownAction', { text }, f.node, f.pointer, close ? `did you mean ${close}? (the errno goes in errnoRet)` : undefined);
  }
  return kind !== undefined ? { kind, text } : { text };
}

/**
 * errnoRet / defaultErrnoRet: a Go *uint. runc passes it through int16() to libseccomp, which
 * keeps the low 16 bits as the action's data, so only 0..65535 mean what they say.
 */
export function readErrnoRet(r: Reader, f: Field | undefined): number | undefined {
  const v = r.uint(f);
  if (v === undefined || !f) return undefined;
  if (v > MAX_DATA) return r.report('errnoRange', { value: v.toString(), field: f.label }, f.node, f.pointer), undefined;
  return Number(v);
}

/** Podman's errno / defaultErrno (containers/common getErrno): a decimal number or a name from its errno list. */
export function readErrnoName(r: Reader, f: Field | undefined): string | undefined {
  const text = r.str(f);
  if (text === undefined || text === '' || !f) return undefined;
  if (/^[0-9]+$/.test(text)) {
    if (BigInt(text) > MAX_DATA) return r.report('errnoRange', { value: text, field: f.label }, f.node, f.pointer), undefined;
    return text;
  }
  if (!ERRNO_NAMES.has(text)) {
    const close = suggest(text, ERRNO_NAMES);
    return r.report('unknownErrno', { text }, f.node, f.pointer, close ? `did you mean ${close}?` : undefined), undefined;
  }
  return text;
}

/** runc uses errnoRet only with ERRNO and TRACE (getAction); Podman passes errno the same way. */
export function checkErrnoAction(r: Reader, action: ActionKind | undefined, f: Field | undefined, actionName: string): void {
  if (f && f.node.type !== 'null' && action !== undefined && action !== 'ERRNO' && action !== 'TRACE') {
    r.report('errnoIgnored', { field: f.label, action: actionName }, f.node, f.pointer);
  }
}

/** libseccomp refuses ERRNO data ≥ 4095, so runc fails to start the container. */
export function checkErrnoLimit(r: Reader, action: ActionKind | undefined, f: Field | undefined, value: number | undefined): void {
  if (f && action === 'ERRNO' && value !== undefined && value >= LIBSECCOMP_ERRNO_LIMIT) r.report('errnoRefused', { value }, f.node, f.pointer);
}

function readMinKernel(r: Reader, f: Field | undefined): readonly [number, number] | undefined {
  const text = r.str(f);
  if (text === undefined || text === '' || !f) return undefined; // "" is nil in moby's KernelVersion.UnmarshalJSON
  // moby: strings.SplitN(v, ".", 3) must give 2 parts, each strconv.ParseUint(p, 10, 8), not 0.0.
  const m = /^([0-9]+)\.([0-9]+)$/.exec(text);
  const major = m ? Number(m[1]) : NaN;
  const minor = m ? Number(m[2]) : NaN;
  if (!m || major > 255 || minor > 255 || (major === 0 && minor === 0)) return r.report('badMinKernel', { text }, f.node, f.pointer), undefined;
  return [major, minor];
}

function readFilter(r: Reader, f: Field | undefined): RuleFilter | undefined {
  const node = r.obj(f);
  if (!node || !f) return undefined;
  const fields = r.fields(node, f.pointer, FILTER_FIELDS);
  const caps = r.strings(fields.get('caps')) ?? [];
  for (const c of caps) {
    if (CAPS.has(c.value)) continue;
    const fixed = CAPS.has('CAP_' + c.value.toUpperCase()) ? 'CAP_' + c.value.toUpperCase() : suggest(c.value, CAPS);
    r.report('unknownCapability', { cap: c.value, detail: fixed ? ` (did you mean ${fixed}?)` : '' }, c.node, c.pointer);
  }
  const arches = r.strings(fields.get('arches')) ?? [];
  for (const a of arches) if (!CONDITION_ARCH_NAMES.has(a.value)) r.report('unknownGoArch', { arch: a.value }, a.node, a.pointer);
  const minKernel = readMinKernel(r, fields.get('minKernel'));
  return { caps: caps.map((c) => c.value), arches: arches.map((a) => a.value), ...(minKernel ? { minKernel } : {}), pointer: f.pointer };
}

function readArg(r: Reader, f: Field): ProfileArg | undefined {
  const node = r.obj(f);
  if (!node) return undefined;
  const fields = r.fields(node, f.pointer, ARG_FIELDS);
  // Go leaves a missing index/value at 0: accepted, but said.
  for (const name of ['index', 'value'] as const) {
    if (!fields.has(name) || fields.get(name)!.node.type === 'null') r.report('missingDefaulted', { field: name, value: '0' }, fields.get(name)?.node ?? node, `${f.pointer}/${name}`);
  }
  const indexField = fields.get('index');
  const index = r.uint(indexField) ?? 0n;
  // libseccomp-golang MakeCondition refuses arg > 5 (and runc would index past its argCounts[6]).
  if (index > 5n) r.report('argIndexRange', { index: index.toString() }, indexField!.node, indexField!.pointer);
  const value = r.uint(fields.get('value')) ?? 0n;
  const valueTwo = r.uint(fields.get('valueTwo')) ?? 0n;
  const opField = fields.get('op');
  const opText = r.str(opField) ?? '';
  const op = PROFILE_OPS.get(opText);
  if (opText === '') {
    // Go reads a missing op as "", which runc refuses (ConvertStringToOperator).
    if (!opField || opField.node.type === 'null' || opField.node.type === 'string') {
      r.report('missingField', { field: 'op', what: 'a condition without a comparison' }, opField?.node ?? node, `${f.pointer}/op`);
    }
  } else if (op === undefined) {
    const close = suggest(opText, PROFILE_OPS.keys());
    r.report('unknownOp', { text: opText }, opField!.node, opField!.pointer, close ? `did you mean ${close}?` : undefined);
  }
  if (op === undefined || index > 5n) return undefined;
  const twoField = fields.get('valueTwo');
  if (op !== 'MASKED_EQ' && valueTwo !== 0n && twoField) r.report('valueTwoIgnored', { op: opText }, twoField.node, twoField.pointer);
  if (op === 'MASKED_EQ' && (valueTwo & ~value) !== 0n) {
    r.report('maskedNeverMatches', { index: index.toString(), mask: '0x' + value.toString(16), value: '0x' + valueTwo.toString(16) }, node, f.pointer);
  }
  return { index: Number(index), value, valueTwo, op, pointer: f.pointer };
}

/** One rule. In a config.json (`oci`) the Docker-only fields are reported and not used, as runc does. */
export function readSyscall(r: Reader, f: Field, oci: boolean): ProfileSyscall | undefined {
  const node = r.obj(f);
  if (!node) {
    if (f.node.type === 'null') r.report('wrongType', { field: f.label, expected: 'an object', actual: 'null' }, f.node, f.pointer);
    return undefined;
  }
  const before = r.diagnostics.length;
  const fields = r.fields(node, f.pointer, SYSCALL_FIELDS);
  if (oci) {
    for (const [name, field] of fields) {
      if (DOCKER_ONLY_FIELDS.has(name)) r.report('dockerOnlyField', { field: name, detail: name === 'includes' || name === 'excludes' ? ': the rule applies whatever the capabilities, arch and kernel' : '' }, field.node, field.pointer);
    }
  }
  const names = r.strings(fields.get('names')) ?? [];
  for (const n of names) if (n.value === '') r.report('emptyName', {}, n.node, n.pointer);
  const nameField = oci ? undefined : fields.get('name');
  const legacy = r.str(nameField);
  let namePointers = names.map((n) => n.pointer);
  let list = names.map((n) => n.value);
  if (legacy !== undefined && legacy !== '') {
    // moby setupSeccomp and containers/common both refuse a rule with both (non-empty).
    if (list.length > 0) r.report('nameAndNames', {}, nameField!.node, nameField!.pointer);
    else [list, namePointers] = [[legacy], [nameField!.pointer]];
  }
  // `"name": ""` is Go's zero value, i.e. no name; an empty entry of `names` is refused above.
  if (list.length === 0) r.report('emptyNames', {}, node, f.pointer);

  const actionField = fields.get('action');
  const action = readAction(r, actionField);
  if (action.text === '' && (!actionField || actionField.node.type === 'null' || actionField.node.type === 'string')) {
    r.report('missingField', { field: 'action', what: 'a rule without an action' }, actionField?.node ?? node, `${f.pointer}/action`);
  }
  const errnoRetField = fields.get('errnoRet');
  const errnoRet = readErrnoRet(r, errnoRetField);
  checkErrnoAction(r, action.kind, errnoRetField, action.text);
  checkErrnoLimit(r, action.kind, errnoRetField, errnoRet);
  const errnoField = oci ? undefined : fields.get('errno');
  const errno = readErrnoName(r, errnoField);
  checkErrnoAction(r, action.kind, errnoField, action.text);
  if (errno !== undefined && /^[0-9]+$/.test(errno)) checkErrnoLimit(r, action.kind, errnoField, Number(errno));

  const args = (r.list(fields.get('args')) ?? []).map((a) => readArg(r, a));
  const comment = r.str(fields.get('comment'));
  const includes = oci ? undefined : readFilter(r, fields.get('includes'));
  const excludes = oci ? undefined : readFilter(r, fields.get('excludes'));
  if (action.kind === undefined || args.some((a) => a === undefined) || r.diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined;
  return {
    names: list,
    namePointers,
    legacyName: legacy !== undefined && legacy !== '' && names.length === 0,
    action: action.kind,
    ...(errnoRet !== undefined ? { errnoRet } : {}),
    ...(errno !== undefined ? { errno } : {}),
    args: args as ProfileArg[],
    ...(comment !== undefined ? { comment } : {}),
    ...(includes ? { includes } : {}),
    ...(excludes ? { excludes } : {}),
    pointer: f.pointer,
  };
}
