// disasm, asm, simulate and check on filters exported by libseccomp 2.5.4 for x86_64, aarch64,
// ppc64 (big-endian), s390x (big-endian) and x86_64+x86+x32 (test/fixtures/libseccomp/README.md).
// Expected verdicts follow the fixtures' profile: default ERRNO(1); ALLOW read, write,
// exit_group, openat; ALLOW socket if a0 == 1; ERRNO(38) clone3.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from './harness.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/libseccomp/${name}.bpf`, import.meta.url)));
const FIXTURES = [
  { file: 'x86_64', arch: 'x86_64', endian: 'little', abis: ['x86_64', 'x32'] },
  { file: 'aarch64', arch: 'aarch64', endian: 'little', abis: ['aarch64'] },
  { file: 'ppc64', arch: 'ppc64', endian: 'big', abis: ['ppc64'] },
  { file: 's390x', arch: 's390x', endian: 'big', abis: ['s390x'] },
  { file: 'x86_64+x86+x32', arch: 'x86', endian: 'little', abis: ['x86_64', 'x32', 'x86'] },
];
const CALLS: Array<[string, string, string]> = [
  ['read', '', 'ALLOW'],
  ['openat', '0xffffff9c', 'ALLOW'],
  ['exit_group', '', 'ALLOW'],
  ['socket', '1,1,0', 'ALLOW'],
  ['socket', '2,1,0', 'ERRNO(1)'],
  ['socket', '0x100000001,1,0', 'ERRNO(1)'], // 64-bit ABIs compare the high word; x86 has no high word … see below
  ['clone3', '', 'ERRNO(38)'],
  ['getpid', '', 'ERRNO(1)'],
];

describe.each(FIXTURES)('libseccomp export for $file', ({ file, arch, endian, abis }) => {
  const files = { f: fixture(file) };
  it('disasm lists it in its byte order, and asm gives the same bytes back', async () => {
    const d = await runCli(['disasm', 'f'], files);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n')[0]).toMatch(new RegExp(`^# \\d+ instructions \\(${endian}-endian\\)$`));
    const a = await runCli(['asm', 'l', '-o', 'copy', '--arch', arch], { l: d.stdout });
    expect(a.code).toBe(0);
    expect(Buffer.from(a.files.get('copy')!)).toEqual(Buffer.from(files.f));
  });
  it.each(CALLS)(`simulate ${arch} %s(%s) → %s`, async (syscall, args, want) => {
    const r = await runCli(['simulate', 'f', '--arch', arch, '--syscall', syscall, '--args', args, '--json'], files);
    expect(r.code).toBe(0);
    // On 32-bit x86 the argument is one 32-bit word: 0x1_0000_0001 arrives as 1.
    const expected = arch === 'x86' && args.startsWith('0x100000001') ? 'ALLOW' : want;
    expect(JSON.parse(r.stdout).action).toBe(expected);
  });
  it('check names every ABI and the argument-dependent syscalls', async () => {
    const r = await runCli(['check', 'f', '--json'], files);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.abis.map((a: { arch: string }) => a.arch)).toEqual(abis);
    for (const abi of out.abis) {
      if (file === 'x86_64' && abi.arch === 'x32') {
        // x32 shares AUDIT_ARCH_X86_64; the x32 guard sends every x32 number to the bad-arch action.
        expect(abi.byAction).toEqual({ KILL_THREAD: abi.syscalls });
        continue;
      }
      const dependent = abi.argumentDependent.map((d: { name: string }) => d.name).sort();
      // socketcall gets the companion rule on ABIs with the multiplexer (ppc64, s390x, x86).
      expect(dependent).toEqual(['ppc64', 's390x', 'x86'].includes(abi.arch) ? ['socket', 'socketcall'] : ['socket']);
      expect(abi.byAction['ALLOW']).toBe(4);
      expect(abi.byAction['ERRNO(38)']).toBe(1);
      expect(abi.kernelCacheServes).toBe(4);
    }
  });
});
