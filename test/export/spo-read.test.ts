// SPDX-License-Identifier: Apache-2.0
// Reading SPO SeccompProfile YAML (src/profile/spo.ts) through parseProfile: what is read, and
// the located diagnostics for bad YAML, the wrong kind, several documents, and the fields the
// CRD does not have or drops. Positions are 1-based line:column in the YAML text.

import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/profile/parse.js';

const doc = (spec: string, head = 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: p\n') => `${head}spec:\n${spec}`;

describe('SPO YAML', () => {
  it('reads names, actions, errnoRet and exact 64-bit args (YAML 1.1 numbers: hex, octal)', () => {
    const r = parseProfile(doc([
      '  defaultAction: SCMP_ACT_ERRNO',
      '  architectures: [SCMP_ARCH_X86_64]',
      '  syscalls:',
      '  - action: SCMP_ACT_ERRNO',
      '    errnoRet: 38',
      '    names: [clone3]',
      '  - action: SCMP_ACT_ALLOW',
      '    names: [ioctl]',
      '    args:',
      '    - {index: 1, value: 18446744073709551615, valueTwo: 0x10, op: SCMP_CMP_MASKED_EQ}',
      '    - {index: 2, value: 010, op: SCMP_CMP_EQ}',
      '',
    ].join('\n')), 'p.yaml');
    expect(r.diagnostics).toEqual([]);
    const p = r.value!;
    expect(p.syscalls[0]).toMatchObject({ names: ['clone3'], action: 'ERRNO', errnoRet: 38, pointer: '/spec/syscalls/0' });
    expect(p.syscalls[1]!.args).toMatchObject([{ index: 1, value: 18446744073709551615n, valueTwo: 16n, op: 'MASKED_EQ' }, { index: 2, value: 8n, op: 'EQ' }]);
  });

  it('bad YAML: located, no profile', () => {
    const r = parseProfile(doc('  defaultAction: [SCMP_ACT_ERRNO\n  syscalls: []\n'), 'bad.yaml');
    expect(r.value).toBeUndefined();
    // the unclosed `[` opens on line 6; the parser finds out on line 7, where the spec goes on
    expect(r.diagnostics[0]).toMatchObject({ code: 'SC7101', severity: 'error', location: { file: 'bad.yaml' } });
    expect([6, 7]).toContain(r.diagnostics[0]!.location?.kind === 'text' ? r.diagnostics[0]!.location.line : 0);
  });

  it('a duplicate key is a YAML error (the API server refuses it too)', () => {
    const r = parseProfile(doc('  defaultAction: SCMP_ACT_ERRNO\n  defaultAction: SCMP_ACT_ALLOW\n'), 'dup.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.location?.kind === 'text' ? d.location.line : 0])).toEqual([['SC7101', 7]]);
  });

  it('the wrong kind, located at its value', () => {
    const r = parseProfile('apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec: {}\n', 'pod.yaml');
    expect(r.diagnostics).toMatchObject([{ code: 'SC7103', location: { pointer: '/kind', line: 2, column: 7 } }]);
  });

  it('a wrong type in the spec is located in the YAML', () => {
    const r = parseProfile(doc('  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: read\n'), 't.yaml');
    expect(r.diagnostics).toMatchObject([
      { code: 'SC1010', location: { pointer: '/spec/syscalls/0/names', line: 9, column: 12 } },
      { code: 'SC1040', location: { pointer: '/spec/syscalls/0', line: 8, column: 5 } }, // so the rule names nothing
    ]);
  });

  it('several documents: pick one by name, or be told which there are', () => {
    const two = `${doc('  defaultAction: SCMP_ACT_LOG\n')}---\n${doc('  defaultAction: SCMP_ACT_ALLOW\n', 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: q\n')}`;
    expect(parseProfile(two, 'two.yaml').diagnostics.map((d) => d.code)).toEqual(['SC7105']);
    expect(parseProfile(two, 'two.yaml', { document: 'q' }).value?.defaultAction).toBe('ALLOW');
    const missing = parseProfile(two, 'two.yaml', { document: 'r' });
    expect(missing.diagnostics.map((d) => [d.code, d.message])).toEqual([['SC7106', 'no SeccompProfile named `r` here; the documents are: p, q']]);
    // another kind in the stream is skipped
    expect(parseProfile(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${doc('  defaultAction: SCMP_ACT_LOG\n')}`).value?.defaultAction).toBe('LOG');
  });

  it('fields the CRD does not have are pruned, with a warning', () => {
    const r = parseProfile(doc('  defaultAction: SCMP_ACT_ERRNO\n  defaultErrnoRet: 38\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read]\n    includes: {caps: [CAP_SYS_ADMIN]}\n'), 'x.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.location?.kind === 'text' ? d.location.line : 0])).toEqual([['SC7108', 11], ['SC7108', 7]]);
    expect(r.value!.defaultErrnoRet).toBeUndefined(); // so runc returns EPERM, as on the cluster
    expect(r.value!.syscalls[0]!.includes).toBeUndefined();
  });

  it('errnoRet 0 is dropped by omitempty; baseProfileName and disabled are said', () => {
    const r = parseProfile(doc('  baseProfileName: runc-v1.4.2\n  disabled: true\n  defaultAction: SCMP_ACT_ALLOW\n  syscalls:\n  - action: SCMP_ACT_ERRNO\n    errnoRet: 0\n    names: [mount]\n'), 'z.yaml');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['SC7109', 'SC7110', 'SC7111']);
    expect(r.value!.syscalls[0]!.errnoRet).toBeUndefined();
  });

  it('refuses hostile YAML: alias bombs and deep flow nesting', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'apiVersion: security-profiles-operator.x-k8s.io/v1', 'kind: SeccompProfile', 'spec:', '  defaultAction: *h', ''].join('\n');
    expect(parseProfile(bomb, 'bomb.yaml').diagnostics.map((d) => d.code)).toEqual(['SC7114']);
    const deep = `kind: SeccompProfile\nspec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(parseProfile(deep, 'deep.yaml').diagnostics.map((d) => d.code)).toEqual(['SC7112']);
  });

  it('an apiVersion the operator does not serve is a warning', () => {
    const r = parseProfile(doc('  defaultAction: SCMP_ACT_ALLOW\n', 'apiVersion: example.com/v1\nkind: SeccompProfile\n'), 'v.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SC7104']);
    expect(r.value).toBeDefined();
  });
});
