// Bad input never reaches a stack trace: each case is a located diagnostic and exit code 2.
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';
import { encode } from '../../src/bpf/encode.js';
import { assemble } from '../../src/bpf/assemble.js';
import { parseAction } from '../../src/seccomp/action.js';

const good = encode(assemble('ld [4]\njeq #0xc000003e, 2, 5\nld [0]\njeq #41, 5, 6\nret KILL\nret ALLOW\nret ERRNO(1)', { parseReturn: parseAction }).value!, 'little');
const withBadOpcode = (() => { const b = good.slice(); b[8] = 0xff; b[9] = 0xff; return b; })();
const withJumpPastEnd = (() => { const b = good.slice(); b[8 + 2] = 200; return b; })();

const CASES: Array<{ name: string; argv: string[]; files?: Record<string, Uint8Array | string>; code: string }> = [
  { name: 'missing file', argv: ['disasm', 'nope.bpf'], code: 'SC5005' },
  { name: 'empty file', argv: ['disasm', 'f'], files: { f: new Uint8Array(0) }, code: 'SC3001' },
  { name: 'truncated file', argv: ['disasm', 'f'], files: { f: good.slice(0, 20) }, code: 'SC3002' },
  { name: 'length not a multiple of 8', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'read'], files: { f: good.slice(0, 51) }, code: 'SC3002' },
  { name: 'unknown opcode', argv: ['check', 'f', '--arch', 'x86_64'], files: { f: withBadOpcode }, code: 'SC3004' },
  { name: 'jump past the end', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'read'], files: { f: withJumpPastEnd }, code: 'SC3008' },
  { name: 'unknown arch', argv: ['simulate', 'f', '--arch', 'vax', '--syscall', 'read'], files: { f: good }, code: 'SC5001' },
  { name: 'unknown arch in check', argv: ['check', 'f', '--arch', 'x86_64,pdp11'], files: { f: good }, code: 'SC5001' },
  { name: 'syscall the ABI lacks', argv: ['simulate', 'f', '--arch', 'aarch64', '--syscall', 'open'], files: { f: good }, code: 'SC5002' },
  { name: 'misspelt syscall', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'sockett'], files: { f: good }, code: 'SC5002' },
  { name: '65-bit argument', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'socket', '--args', '0x1ffffffffffffffff'], files: { f: good }, code: 'SC5003' },
  { name: 'seven arguments', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'socket', '--args', '1,2,3,4,5,6,7'], files: { f: good }, code: 'SC5004' },
  { name: 'bad ip', argv: ['simulate', 'f', '--arch', 'x86_64', '--syscall', 'socket', '--ip', 'zz'], files: { f: good }, code: 'SC5003' },
  { name: 'no mode', argv: ['simulate', 'f', '--arch', 'x86_64'], files: { f: good }, code: 'SC5008' },
  { name: 'asm syntax', argv: ['asm', 'l', '-o', 'out'], files: { l: 'ld [0]\nfrobnicate\n' }, code: 'SC3021' },
  { name: 'asm of a program the kernel refuses', argv: ['asm', 'l', '-o', 'out'], files: { l: 'ld [0]\n' }, code: 'SC3009' },
  { name: 'asm output unwritable', argv: ['asm', 'l', '-o', '/readonly/out'], files: { l: 'ret ALLOW\n' }, code: 'SC5006' },
];

describe('bad input: a diagnostic and exit 2, never a stack trace', () => {
  it.each(CASES)('$name → $code', async ({ argv, files, code }) => {
    const r = await runCli(argv, files);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.files.has('out')).toBe(false);
  });
  it('reports the pc of a bad instruction', async () => {
    const r = await runCli(['disasm', 'f', '--arch', 'x86_64'], { f: withBadOpcode });
    expect(r.stderr).toContain('instruction 1:');
    expect(r.stdout).toContain('.insn 0xffff');
  });
  it('puts diagnostics in the JSON document with --json', async () => {
    const r = await runCli(['simulate', 'f', '--arch', 'vax', '--syscall', 'read', '--json'], { f: good });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, diagnostics: [{ code: 'SC5001' }] });
  });
  it('an unknown option is exit 2', async () => {
    const r = await runCli(['disasm', '--frobnicate', 'f'], { f: good });
    expect(r.code).toBe(2);
  });
  it('batch: a bad line is reported in place, the others answered, exit 2', async () => {
    const batch = ['{"arch":"x86_64","syscall":"socket","args":["1"]}', 'not json', '{"arch":"x86_64","syscall":"socket","args":["0x1ffffffffffffffff"]}', '{"arch":"x86_64","syscall":41}'].join('\n');
    const r = await runCli(['simulate', 'f', '--batch', 'q.jsonl'], { f: good, 'q.jsonl': batch });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ action: 'ALLOW', nr: 41 });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'SC5007' } });
    expect(lines[2]).toMatchObject({ line: 3, error: { code: 'SC5007' } });
    expect(lines[3]).toMatchObject({ action: 'ALLOW' });
    expect(r.code).toBe(2);
  });
});
