// SPDX-License-Identifier: Apache-2.0
// syscallSignature: which table each ABI reads and how `long64` narrows on 32-bit ABIs.

import { describe, expect, it } from 'vitest';
import { archByName, ARCHES, syscallNames } from '../arch/index.js';
import type { Arch } from '../arch/arch.js';
import { syscallSignature } from './signatures.js';

function arch(name: string): Arch {
  const a = archByName(name);
  if (a === undefined) throw new Error(name);
  return a;
}

const kinds = (a: string, s: string) => syscallSignature(arch(a), s)?.map((x) => x.kind);

describe('syscallSignature', () => {
  it.each([
    ['x86_64', 'read', ['int32', 'pointer', 'long64']],
    ['aarch64', 'mmap', ['long64', 'long64', 'long64', 'long64', 'long64', 'long64']],
    ['x86', 'read', ['int32', 'pointer', 'int32']],
    ['arm', 'read', ['int32', 'pointer', 'int32']],
    ['x32', 'read', ['int32', 'pointer', 'int32']],
    ['mips64n32', 'read', ['int32', 'pointer', 'int32']],
    ['s390x', 'read', ['int32', 'pointer', 'long64']],
    ['x86_64', 'restart_syscall', []],
  ])('%s %s', (a, s, want) => {
    expect(kinds(a, s)).toEqual(want);
  });

  it('x86 uses the i386 compat prototypes (split 64-bit values)', () => {
    expect(syscallSignature(arch('x86'), 'pread64')?.map((x) => x.name)).toEqual(['fd', 'ubuf', 'count', 'poslo', 'poshi']);
    expect(syscallSignature(arch('x86_64'), 'pread64')?.map((x) => x.type)).toEqual([
      'unsigned int', 'char *', 'size_t', 'loff_t',
    ]);
  });

  it('names, types and unknowns', () => {
    const open = syscallSignature(arch('x86_64'), 'openat');
    expect(open?.map((x) => [x.name, x.type])).toEqual([
      ['dfd', 'int'], ['filename', 'const char *'], ['flags', 'int'], ['mode', 'umode_t'],
    ]);
    expect(syscallSignature(arch('x86_64'), 'nosuchcall')).toBeUndefined();
    expect(syscallSignature(arch('x86_64'), 'toString')).toBeUndefined();
    expect(syscallSignature(arch('x86'), 'vm86')).toBeUndefined();
  });

  it('is stable (cached) and frozen', () => {
    const a = syscallSignature(arch('x86_64'), 'read');
    expect(syscallSignature(arch('x86_64'), 'read')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('never reports long64 on a 32-bit ABI, and covers most syscalls of every ABI', () => {
    for (const a of ARCHES) {
      const names = syscallNames(a);
      const known = names.filter((n) => syscallSignature(a, n) !== undefined);
      expect(known.length / names.length, a.name).toBeGreaterThan(0.85);
      if (a.bits === 32) {
        for (const n of known) expect(syscallSignature(a, n)?.some((x) => x.kind === 'long64'), `${a.name} ${n}`).toBe(false);
      }
    }
  });
});
