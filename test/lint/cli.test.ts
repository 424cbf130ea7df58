// SPDX-License-Identifier: Apache-2.0
// `syscage lint` as a user runs it: formats, the severity threshold and exit codes (0 clean, 1
// findings at or above the threshold, 2 bad input), rule selection, atomic -o, and the SARIF log
// checked against the SARIF 2.1.0 JSON schema (the OASIS schema as Microsoft's SARIF SDK ships it).

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import AjvDraft04 from 'ajv-draft-04';
import { runCli } from '../cli/harness.js';

const require = createRequire(import.meta.url);
const schema = require('@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
const validateSarif = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

const modules = JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO',
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [{ names: ['read', 'write', 'exit_group', 'execve', 'init_module'], action: 'SCMP_ACT_ALLOW' }],
}, null, 2);
/** The line of `"init_module"` in the pretty-printed profile, where the finding must point. */
const moduleLine = modules.split('\n').findIndex((l) => l.includes('"init_module"')) + 1;
const quiet = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] });

describe('syscage lint', () => {
  it('text: the finding with file:line:column, rule, witness and fix; exit 1', async () => {
    const r = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow'], { 'p.json': modules });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`p.json:${moduleLine}:`);
    expect(r.stdout).toMatch(/p\.json:\d+:\d+: error SC4011: \[dangerous-allow\] `init_module` is allowed without conditions on x86_64/);
    expect(r.stdout).toContain('witness: init_module(0, 0, 0) on x86_64 → ALLOW');
    expect(r.stdout).toContain('fix: remove `init_module`');
  });

  it.each([
    ['error', 1],
    ['warning', 1],
    ['info', 1],
  ] as const)('--severity %s counts the error finding: exit %d', async (level, code) => {
    const r = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow', '--severity', level], { 'p.json': modules });
    expect(r.code).toBe(code);
  });

  it('a warning below --severity error is not shown and does not fail', async () => {
    const ptrace = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW' }] });
    const r = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow', '--severity', 'error'], { 'p.json': ptrace });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 below --severity error not shown');
    expect((await runCli(['lint', 'p.json', '--rule', 'dangerous-allow'], { 'p.json': ptrace })).code).toBe(1);
  });

  it('a profile without findings of the selected rules exits 0', async () => {
    const r = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow'], { 'p.json': quiet });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings, 0 info');
  });

  it('json: findings with witness and location', async () => {
    const r = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow', '--format', 'json'], { 'p.json': modules });
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ rule: 'dangerous-allow', code: 'SC4011', severity: 'error', location: { pointer: '/syscalls/0/names/4', line: moduleLine }, witness: { arch: 'x86_64', syscall: 'init_module', nr: 175, verdict: 0x7fff0000 } });
  });

  it('sarif: a valid SARIF 2.1.0 log with the rule, level, region and witness', async () => {
    const r = await runCli(['lint', 'p.json', '--format', 'sarif'], { 'p.json': modules });
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
    const run = log.runs[0];
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'dangerous-allow');
    expect(result.level).toBe('error');
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('dangerous-allow');
    expect(result.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'p.json' }, region: { startLine: moduleLine } });
    expect(result.properties.witness.syscall).toBe('init_module');
  });

  it('sarif for the embedded Docker default and for a filter validates too', async () => {
    const docker = await runCli(['lint', '--format', 'sarif']);
    expect(validateSarif(JSON.parse(docker.stdout)), JSON.stringify(validateSarif.errors)).toBe(true);
    const filter = new Uint8Array(8);
    filter.set([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]); // ret ALLOW
    const f = await runCli(['lint', 'f.bpf', '--arch', 'x86_64', '--format', 'sarif'], { 'f.bpf': filter });
    expect(validateSarif(JSON.parse(f.stdout)), JSON.stringify(validateSarif.errors)).toBe(true);
  });

  it('-o writes the report atomically; an unwritable file is a located error, exit 2', async () => {
    const ok = await runCli(['lint', 'p.json', '--rule', 'dangerous-allow', '-o', 'out.txt'], { 'p.json': modules });
    expect(ok.code).toBe(1);
    expect(new TextDecoder().decode(ok.files.get('out.txt'))).toContain('init_module');
    const bad = await runCli(['lint', 'p.json', '-o', '/readonly/x'], { 'p.json': modules });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SC5006');
  });

  it.each([
    [['lint', 'p.json', '--format', 'yaml'], '--format yaml'],
    [['lint', 'p.json', '--severity', 'fatal'], '--severity fatal'],
    [['lint', 'p.json', '--rule', 'no-such-rule'], 'no lint rule `no-such-rule`'],
    [['lint', 'missing.json'], 'SC5005'],
  ])('bad usage %j: exit 2, says %s, no stack trace', async (argv, text) => {
    const r = await runCli(argv, { 'p.json': modules });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a broken profile: the parser\'s located diagnostic, exit 2', async () => {
    const r = await runCli(['lint', 'p.json'], { 'p.json': '{"defaultAction": 3}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.json:1:\d+: error SC1/);
  });
});

describe('syscage check shows the lint summary', () => {
  it('text: the tally and each finding at warning or above, with its witness', async () => {
    const r = await runCli(['check', 'p.json'], { 'p.json': modules });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lint: [1-9]\d* errors?, \d+ warnings?, \d+ info/);
    expect(r.stdout).toContain('error   dangerous-allow: `init_module` is allowed without conditions');
    expect(r.stdout).toContain('witness: init_module(0, 0, 0) on x86_64 → ALLOW');
  });
  it('json: lint.summary and lint.findings', async () => {
    const out = JSON.parse((await runCli(['check', 'p.json', '--json'], { 'p.json': modules })).stdout);
    expect(out.lint.findings.some((f: { rule: string }) => f.rule === 'dangerous-allow')).toBe(true);
    expect(out.lint.summary).toMatch(/^[1-9]\d* errors?,/);
  });
});
