// SPDX-License-Identifier: Apache-2.0
// The bad-input corpus (test/profile/bad/*.json): each file is one mistake, and the table says
// the diagnostic it must produce — code, JSON pointer, line:column — and whether a Profile still
// comes out (warnings) or not (errors). Rows marked `resolve` are found by Docker resolution for an
// x86_64 host. Two inputs are generated here instead: a 10 MB file and a deeply nested one.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { X86_64 } from '../../src/arch/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseProfile } from '../../src/profile/parse.js';
import { resolveDocker } from '../../src/resolve/docker.js';

const dir = new URL('./bad/', import.meta.url);

interface Case {
  readonly code: string;
  readonly pointer?: string;
  readonly at: readonly [number, number];
  /** Does parseProfile still give a Profile? */
  readonly value: boolean;
  /** Found by resolveDocker (x86_64 host), not by the parser. */
  readonly resolve?: true;
}

// prettier-ignore
const CASES: Readonly<Record<string, Case>> = {
  'invalid-json.json':               { code: 'SC1002', at: [4, 54], value: false },
  'comment.json':                    { code: 'SC1002', at: [2, 3], value: false },
  'bom.json':                        { code: 'SC1004', at: [1, 1], value: false },
  'not-an-object.json':              { code: 'SC1005', pointer: '', at: [1, 1], value: false },
  'firecracker.json':                { code: 'SC1006', pointer: '', at: [1, 1], value: false },
  'number-for-string.json':          { code: 'SC1010', pointer: '/syscalls/0/action', at: [4, 36], value: false },
  'null-rule.json':                  { code: 'SC1010', pointer: '/syscalls/0', at: [3, 16], value: false },
  'unknown-field.json':              { code: 'SC1011', pointer: '/syscalls/0/arg', at: [4, 56], value: true },
  'field-case.json':                 { code: 'SC1012', pointer: '/DefaultAction', at: [2, 3], value: true },
  'duplicate-key.json':              { code: 'SC1013', pointer: '/syscalls/0/action', at: [4, 56], value: true },
  'oci-config-docker-fields.json':   { code: 'SC1014', pointer: '/linux/seccomp/syscalls/0/includes', at: [8, 71], value: true },
  'missing-action.json':             { code: 'SC1015', pointer: '/syscalls/0/action', at: [4, 5], value: false },
  'missing-op.json':                 { code: 'SC1015', pointer: '/syscalls/0/args/0/op', at: [4, 63], value: false },
  'missing-index.json':              { code: 'SC1016', pointer: '/syscalls/0/args/0/index', at: [4, 63], value: true },
  'errnoret-negative.json':          { code: 'SC1020', pointer: '/syscalls/0/errnoRet', at: [4, 67], value: false },
  'value-fraction.json':             { code: 'SC1021', pointer: '/syscalls/0/args/0/value', at: [4, 86], value: false },
  'value-2-64.json':                 { code: 'SC1022', pointer: '/syscalls/0/args/1/value', at: [9, 32], value: false },
  'arg-index-6.json':                { code: 'SC1023', pointer: '/syscalls/0/args/0/index', at: [7, 27], value: false },
  'errnoret-65536.json':             { code: 'SC1024', pointer: '/syscalls/0/errnoRet', at: [4, 67], value: false },
  'errnoret-4095.json':              { code: 'SC1025', pointer: '/syscalls/0/errnoRet', at: [4, 67], value: true },
  'unknown-action.json':             { code: 'SC1030', pointer: '/defaultAction', at: [2, 20], value: false },
  'unknown-op.json':                 { code: 'SC1031', pointer: '/syscalls/0/args/0/op', at: [7, 48], value: false },
  'unknown-arch.json':               { code: 'SC1032', pointer: '/architectures/1', at: [3, 41], value: false },
  'unknown-flag.json':               { code: 'SC1033', pointer: '/flags/1', at: [3, 40], value: false },
  'bad-minkernel.json':              { code: 'SC1035', pointer: '/syscalls/0/includes/minKernel', at: [4, 91], value: false },
  'unknown-errno.json':              { code: 'SC1036', pointer: '/defaultErrno', at: [3, 19], value: false },
  'empty-names.json':                { code: 'SC1040', pointer: '/syscalls/0', at: [4, 5], value: true },
  'empty-name.json':                 { code: 'SC1041', pointer: '/syscalls/0/names/1', at: [4, 25], value: false },
  'name-and-names.json':             { code: 'SC1042', pointer: '/syscalls/0/name', at: [4, 15], value: false },
  'value-two-ignored.json':          { code: 'SC1043', pointer: '/syscalls/0/args/0/valueTwo', at: [4, 101], value: true },
  'masked-never-matches.json':       { code: 'SC1044', pointer: '/syscalls/0/args/0', at: [4, 64], value: true },
  'errno-with-allow.json':           { code: 'SC1045', pointer: '/syscalls/0/errnoRet', at: [4, 66], value: true },
  'architectures-and-archmap.json':  { code: 'SC1046', pointer: '/archMap', at: [4, 14], value: false },
  'archmap-duplicate.json':          { code: 'SC1047', pointer: '/archMap/1/architecture', at: [5, 23], value: true },
  'empty-object.json':               { code: 'SC1048', pointer: '/defaultAction', at: [1, 1], value: true },
  'no-default-action.json':          { code: 'SC1049', pointer: '/defaultAction', at: [1, 1], value: false },
  'oci-config-no-seccomp.json':      { code: 'SC1050', pointer: '/linux', at: [3, 12], value: true },
  'unknown-capability.json':         { code: 'SC1051', pointer: '/syscalls/0/includes/caps/0', at: [4, 78], value: true },
  'unknown-condition-arch.json':     { code: 'SC1052', pointer: '/syscalls/0/includes/arches/0', at: [4, 85], value: true },
  'archmap-without-host.json':       { code: 'SC1101', pointer: '/archMap', at: [3, 14], value: true, resolve: true },
  'mixed-endian.json':               { code: 'SC1104', pointer: '/architectures/1', at: [3, 41], value: true, resolve: true },
  'podman-errno-not-on-host.json':   { code: 'SC1107', pointer: '/defaultErrno', at: [3, 19], value: true, resolve: true },
};

function diagnose(text: string, file: string): { value: boolean; parse: Diagnostic[]; resolve: Diagnostic[] } {
  const parsed = parseProfile(text, file);
  const resolved = parsed.value ? resolveDocker(parsed.value, { host: X86_64 }).diagnostics : [];
  return { value: parsed.value !== undefined, parse: parsed.diagnostics, resolve: resolved };
}

describe('bad-input corpus', () => {
  it('has a table row for every file, and a file for every row', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES).map(([file, c]) => [file, c.code, c] as const))('%s → %s', (file, _code, c) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const got = diagnose(text, file);
    expect(got.value).toBe(c.value);
    const pool = c.resolve ? got.resolve : got.parse;
    const hit = pool.find((d) => d.code === c.code);
    expect(hit, `${c.code} in ${JSON.stringify([...got.parse, ...got.resolve].map((d) => d.code))}`).toBeDefined();
    expect(hit!.location).toMatchObject({ kind: 'text', file, line: c.at[0], column: c.at[1] });
    if (c.pointer !== undefined) expect(hit!.location).toMatchObject({ pointer: c.pointer });
    // An error stops the stage; a warning never does.
    expect(got.value || pool.some((d) => d.severity === 'error')).toBe(true);
    // Every diagnostic says what to do or names the place: a message, and a location.
    for (const d of [...got.parse, ...got.resolve]) {
      expect(d.message.length).toBeGreaterThan(10);
      expect(d.location).toBeDefined();
    }
  });

  it('refuses a 10 MB file at once, with a diagnostic', () => {
    const rule = '{"names":["read"],"action":"SCMP_ACT_ALLOW"},';
    const body = rule.repeat(Math.ceil((10 * 1024 * 1024) / rule.length));
    const text = `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[${body}{"names":["write"],"action":"SCMP_ACT_ALLOW"}]}`;
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const got = parseProfile(text, 'big.json');
    expect(got.value).toBeUndefined();
    expect(got.diagnostics).toHaveLength(1);
    expect(got.diagnostics[0]).toMatchObject({ code: 'SC1001', severity: 'error', location: { line: 1, column: 1 } });
  });

  it('reads a profile just under the limit (1 MiB of rules)', () => {
    const rule = '{"names":["read"],"action":"SCMP_ACT_ALLOW"},';
    const n = Math.floor((1024 * 1024 - 200) / rule.length);
    const text = `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[${rule.repeat(n)}{"names":["write"],"action":"SCMP_ACT_ALLOW"}]}`;
    const got = parseProfile(text, 'large.json');
    expect(got.diagnostics).toEqual([]);
    expect(got.value?.syscalls).toHaveLength(n + 1);
  });

  it('refuses deep nesting before parsing (no stack overflow)', () => {
    const text = '{"defaultAction":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const got = parseProfile(text, 'deep.json');
    expect(got.value).toBeUndefined();
    // the root object is level 1, so the 64th bracket (column 18 + 63) is level 65
    expect(got.diagnostics[0]).toMatchObject({ code: 'SC1003', location: { line: 1, column: 18 + 63 } });
  });

  it('reports every problem of a file, not just the first', () => {
    const text = readFileSync(new URL('value-2-64.json', dir), 'utf8').replace('"SCMP_CMP_NE" },', '"SCMP_CMP_NOPE" },');
    const codes = parseProfile(text).diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['SC1031', 'SC1022']));
  });
});
