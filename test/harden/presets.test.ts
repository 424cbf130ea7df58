// SPDX-License-Identifier: Apache-2.0
// The presets of `syscage init` (src/analysis/presets/): each builds, compiles for amd64 and arm64
// as runc would load it, lints with no error-severity finding (docker-default is Docker's profile
// unchanged, with the two holes the issue is about), is stable, and gives the verdicts it
// promises — table rows of (ABI, call, verdict), checked on the compiled program.

import { describe, expect, it } from 'vitest';
import { archByName, syscallNumber } from '../../src/arch/index.js';
import { buildPreset, PRESETS } from '../../src/analysis/presets/index.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';
import { formatAction } from '../../src/seccomp/action.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { compileFor, HARDEN_HOSTS, lintSource } from './corpus.js';

const X86_64 = archByName('x86_64')!;
const OPTIONS = { syscalls: ['getpid', 'socket', 'clone'] };
const texts = new Map(PRESETS.map((p) => [p.name, buildPreset(p.name, p.takesSyscalls ? OPTIONS : {}).text!]));

/** The error findings a preset may have per host, and why. */
const EXPECTED_ERRORS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // Docker's default as it ships: the holes harden closes (socketcall only where x86 runs)
  'docker-default': { amd64: ['int-arg-high-bits', 'multiplexer-bypass'], arm64: ['int-arg-high-bits'] },
};

type Row = readonly [arch: string, call: string, args: readonly bigint[], verdict: string];

const ROWS: Readonly<Record<string, readonly Row[]>> = {
  'unix-only-network': [
    ['x86_64', 'socket', [1n, 1n], 'ALLOW'],
    ['x86_64', 'socket', [0x1_0000_0001n, 1n], 'ALLOW'], // the kernel reads AF_UNIX: allowed, as the low word says
    ['x86_64', 'socket', [2n, 1n], 'ERRNO(1)'],
    ['x86_64', 'socket', [0x1_0000_0002n, 1n], 'ERRNO(1)'],
    ['x86_64', 'socketpair', [1n, 1n], 'ALLOW'],
    ['x86_64', 'socketpair', [10n, 1n], 'ERRNO(1)'],
    ['x86', 'socketcall', [1n], 'ERRNO(38)'],
    ['x86', 'socket', [2n, 1n], 'ERRNO(1)'],
    ['x86_64', 'io_uring_setup', [], 'ERRNO(1)'],
    ['aarch64', 'socket', [2n, 1n], 'ERRNO(1)'],
    ['aarch64', 'socket', [1n, 1n], 'ALLOW'],
  ],
  'no-af-alg-vsock': [
    ['x86_64', 'socket', [40n, 1n], 'ERRNO(1)'],
    ['x86_64', 'socket', [0x1_0000_0028n, 1n], 'ERRNO(1)'],
    ['x86_64', 'socket', [38n, 5n], 'ERRNO(1)'],
    ['x86_64', 'socket', [0xffff_ffff_0000_0026n, 5n], 'ERRNO(1)'],
    ['x86_64', 'socket', [39n, 1n], 'ALLOW'],
    ['x86_64', 'socket', [2n, 1n], 'ALLOW'],
    ['x86_64', 'socket', [0x1_0000_0002n, 1n], 'ALLOW'],
    ['x86', 'socketcall', [1n], 'ERRNO(38)'],
    ['x86', 'socket', [40n, 1n], 'ERRNO(1)'],
  ],
  'wx-memory': [
    ['x86_64', 'mmap', [0n, 4096n, 7n, 0x22n], 'ERRNO(13)'],
    ['x86_64', 'mmap', [0n, 4096n, 6n, 0x22n], 'ERRNO(13)'],
    ['x86_64', 'mmap', [0n, 4096n, 3n, 0x22n], 'ALLOW'],
    ['x86_64', 'mmap', [0n, 4096n, 5n, 0x22n], 'ALLOW'],
    ['x86_64', 'mprotect', [0x10000n, 4096n, 7n], 'ERRNO(13)'],
    ['x86_64', 'mprotect', [0x10000n, 4096n, 1n], 'ALLOW'],
    ['x86_64', 'pkey_mprotect', [0x10000n, 4096n, 6n, 0n], 'ERRNO(13)'],
    ['x86_64', 'shmat', [0n, 0n, 0o100000n], 'ERRNO(13)'],
    ['x86_64', 'shmat', [0n, 0n, 0o10000n], 'ALLOW'],
    ['x86', 'mmap2', [0n, 4096n, 7n, 0x22n], 'ERRNO(13)'],
    ['x86', 'ipc', [21n, 0n, 0o100000n], 'ERRNO(38)'],
    ['aarch64', 'mmap', [0n, 4096n, 7n, 0x22n], 'ERRNO(13)'],
    ['aarch64', 'mprotect', [0x10000n, 4096n, 6n], 'ERRNO(13)'],
  ],
  'deny-all-log': [
    ['x86_64', 'getpid', [], 'LOG'],
    ['x86_64', 'socket', [40n, 1n], 'LOG'],
    ['x86', 'socketcall', [1n], 'LOG'],
    ['x86_64', 'kexec_load', [], 'ERRNO(1)'],
    ['x86_64', 'init_module', [], 'ERRNO(1)'],
  ],
  'default-deny': [
    ['x86_64', 'getpid', [], 'ALLOW'],
    ['x86_64', 'execve', [], 'ALLOW'],
    ['x86_64', 'exit_group', [], 'ALLOW'],
    ['x86_64', 'clone', [], 'ALLOW'],
    ['x86_64', 'clone3', [], 'ERRNO(38)'], // glibc falls back to clone on ENOSYS only
    ['x86_64', 'mount', [], 'ERRNO(1)'],
    ['x86_64', 'io_uring_setup', [], 'ERRNO(1)'],
    ['x86_64', 'mseal', [], 'ERRNO(38)'], // above the largest syscall named (faccessat2, 439): runc's stub
    ['x86', 'getpid', [], 'ALLOW'],
    ['aarch64', 'openat', [], 'ALLOW'],
    ['aarch64', 'ptrace', [], 'ERRNO(1)'],
  ],
};

function verdict(text: string, archName: string, name: string, args: readonly bigint[]): string {
  const arch = archByName(archName)!;
  const host = arch.name === 'aarch64' ? arch : X86_64;
  const src = compileFor(text, host);
  const nr = syscallNumber(arch, name)!;
  const full = Array.from({ length: 6 }, (_, i) => args[i] ?? 0n);
  return formatAction(simulate(src.program!, arch.endian, { nr, arch: arch.auditArch, instructionPointer: 0n, args: full }).value);
}

describe('presets', () => {
  it('docker-default is the embedded profile, byte for byte', () => {
    expect(texts.get('docker-default')!.trimEnd()).toBe(DOCKER_DEFAULT_PROFILE.trimEnd());
  });

  it.each(PRESETS.map((p) => p.name))('%s is stable pretty JSON', (name) => {
    const again = buildPreset(name, PRESETS.find((p) => p.name === name)!.takesSyscalls ? OPTIONS : {}).text!;
    expect(again).toBe(texts.get(name));
    expect(again.endsWith('}\n')).toBe(true);
    expect(() => JSON.parse(again)).not.toThrow();
  });

  for (const { docker, arch } of HARDEN_HOSTS) {
    it.each(PRESETS.map((p) => p.name))(`%s compiles for ${docker} and lints with no error-severity finding`, (name) => {
      const src = compileFor(texts.get(name)!, arch, name);
      expect(src.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(src.program).toBeDefined();
      const errors = lintSource(src, arch).filter((f) => f.severity === 'error');
      expect([...new Set(errors.map((f) => f.rule))].sort(), errors.map((f) => f.message).join('\n')).toEqual([...(EXPECTED_ERRORS[name]?.[docker] ?? [])].sort());
    });
  }

  for (const [name, rows] of Object.entries(ROWS)) {
    it.each(rows)(`${name}: %s %s(%s) → %s`, (arch, call, args, expected) => {
      expect(verdict(texts.get(name)!, arch, call, args)).toBe(expected);
    });
  }
});
