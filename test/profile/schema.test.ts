// SPDX-License-Identifier: Apache-2.0
// schema/seccomp-profile.schema.json stays in step with the parser:
//   1. the fields of every object, and every enumeration, are the parser's tables (src/profile/fields.ts);
//   2. a corpus of documents gets the same yes/no from the schema (ajv, draft 2020-12) and the parser.
// "Yes" for the parser is: a Profile, and none of the warnings the schema is stricter about (the
// schema rejects what Docker only ignores or defaults: unknown or mis-cased keys, fields left for Go
// to zero, a rule without names, a profile without defaultAction). What a JSON Schema cannot see —
// the literal form of a number (1e3, 2^64 next to 2^64−1 once parsed as doubles), comments, a
// byte-order mark, duplicate keys — is tested on the parser alone (bad.test.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { errnoNames } from '../../src/kernel/errno.js';
import {
  ARCHMAP_FIELDS, ARG_FIELDS, FILTER_FIELDS, PROFILE_ACTIONS, PROFILE_ARCHES, PROFILE_FIELDS, PROFILE_FLAGS, PROFILE_OPS, SYSCALL_FIELDS,
} from '../../src/profile/fields.js';
import { parseProfile } from '../../src/profile/parse.js';

interface Def {
  properties?: Record<string, unknown>;
  enum?: unknown[];
  anyOf?: Def[];
}
const schema = JSON.parse(readFileSync(new URL('../../schema/seccomp-profile.schema.json', import.meta.url), 'utf8')) as Def & { $defs: Record<string, Def> };
const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);

/** Parser warnings about the document's shape, which the schema turns into "invalid". */
const SCHEMA_STRICTER = new Set(['SC1011', 'SC1012', 'SC1016', 'SC1040', 'SC1048']);

function parserSays(text: string): boolean {
  const r = parseProfile(text);
  return r.value !== undefined && !r.diagnostics.some((d) => SCHEMA_STRICTER.has(d.code));
}

function schemaSays(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  return validate(doc) === true;
}

const keys = (d: Def | undefined) => Object.keys(d?.properties ?? {}).sort();
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('schema fields and enumerations', () => {
  it.each([
    ['profile', schema, PROFILE_FIELDS],
    ['archMapEntry', schema.$defs.archMapEntry, ARCHMAP_FIELDS],
    ['syscall', schema.$defs.syscall, SYSCALL_FIELDS],
    ['arg', schema.$defs.arg, ARG_FIELDS],
    ['filter', schema.$defs.filter, FILTER_FIELDS],
  ] as const)('%s has exactly the fields the parser reads', (_name, def, fields) => {
    expect(keys(def)).toEqual(sorted(fields));
  });

  it.each([
    ['action', PROFILE_ACTIONS.keys()],
    ['op', PROFILE_OPS.keys()],
    ['arch', PROFILE_ARCHES.keys()],
    ['flag', PROFILE_FLAGS],
  ] as const)('%s lists exactly the names the parser accepts', (name, names) => {
    expect(sorted(schema.$defs[name]!.enum as string[])).toEqual(sorted(names));
  });

  it('lists every errno name of the errno table', () => {
    const names = schema.$defs.errnoName!.anyOf!.find((d) => d.enum)!.enum as string[];
    expect(sorted(names)).toEqual(sorted(errnoNames()));
  });
});

const fixtures = new URL('../fixtures/profiles/', import.meta.url);
const REAL = readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !f.startsWith('firecracker'))
  .sort();

const bad = new URL('./bad/', import.meta.url);
/** Bad-corpus files outside what a JSON Schema of a profile can judge. */
const NOT_FOR_SCHEMA = new Set([
  'invalid-json.json', 'comment.json', 'bom.json', // not JSON
  'value-2-64.json', 'value-fraction.json', // the number's literal form
  'oci-config-docker-fields.json', 'oci-config-no-seccomp.json', // whole config.json documents
]);
const BAD = readdirSync(bad).filter((f) => f.endsWith('.json') && !NOT_FOR_SCHEMA.has(f)).sort();

const base = (rule: object) => JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', ...rule }] });
// prettier-ignore
const INLINE: ReadonlyArray<readonly [string, string]> = [
  ['minimal', '{"defaultAction":"SCMP_ACT_ALLOW"}'],
  ['every field', JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, defaultErrno: 'EPERM', flags: ['SECCOMP_FILTER_FLAG_LOG'],
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
    listenerPath: '/run/agent.sock', listenerMetadata: 'x',
    syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, errno: 'ENOSYS', comment: 'c',
      args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      includes: { caps: ['CAP_SYS_ADMIN'], arches: ['amd64'], minKernel: '4.8' }, excludes: {} }],
  })],
  ['nulls where Go reads zero values', '{"defaultAction":"SCMP_ACT_ERRNO","architectures":null,"syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW","args":null,"includes":null}]}'],
  ['legacy name with empty names', base({ names: [], name: 'write' })],
  ['numeric errno string', base({ action: 'SCMP_ACT_ERRNO', errno: '0038' })],
  ['errno number too large', base({ action: 'SCMP_ACT_ERRNO', errno: '65536' })],
  ['errno empty', base({ action: 'SCMP_ACT_ERRNO', errno: '' })],
  ['minKernel empty', base({ includes: { minKernel: '' } })],
  ['minKernel 0.0', base({ includes: { minKernel: '0.0' } })],
  ['minKernel 256.1', base({ includes: { minKernel: '256.1' } })],
  ['minKernel 004.08', base({ includes: { minKernel: '004.08' } })],
  ['index 5', base({ args: [{ index: 5, value: 0, op: 'SCMP_CMP_EQ' }] })],
  ['value 2^64-1', base({ args: [{ index: 0, value: 2 ** 53, op: 'SCMP_CMP_LE' }] })],
  ['valueTwo null', base({ args: [{ index: 0, value: 1, valueTwo: null, op: 'SCMP_CMP_EQ' }] })],
  ['op missing', base({ args: [{ index: 0, value: 1 }] })],
  ['errnoRet string', base({ errnoRet: '1' })],
  ['names of numbers', base({ names: ['41'] })],
  ['names with a number', base({ names: [41] })],
  ['unknown filter field', base({ includes: { kernel: '4.8' } })],
  ['archMap entry without architecture', '{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"subArchitectures":["SCMP_ARCH_X86"]}]}'],
  ['empty architectures next to archMap', '{"defaultAction":"SCMP_ACT_ERRNO","architectures":[],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}'],
  ['TSYNC flag', '{"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_TSYNC"]}'],
  ['defaultAction null', '{"defaultAction":null,"syscalls":[]}'],
  ['top-level comment', '{"defaultAction":"SCMP_ACT_ERRNO","comment":"x"}'],
];

describe('schema and parser agree', () => {
  it.each(REAL)('real profile %s: both accept', (f) => {
    const text = readFileSync(new URL(f, fixtures), 'utf8');
    expect(parserSays(text)).toBe(true);
    expect(schemaSays(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(BAD)('bad corpus %s: same verdict', (f) => {
    const text = readFileSync(new URL(f, bad), 'utf8');
    expect(schemaSays(text), JSON.stringify(validate.errors)).toBe(parserSays(text));
  });

  it.each(INLINE)('%s: same verdict', (_name, text) => {
    expect(schemaSays(text), JSON.stringify(validate.errors)).toBe(parserSays(text));
  });

  it('the corpus has both verdicts', () => {
    const verdicts = [...BAD.map((f) => readFileSync(new URL(f, bad), 'utf8')), ...INLINE.map(([, t]) => t)].map(parserSays);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(10);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(20);
  });
});
