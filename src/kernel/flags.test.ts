// Named argument values: table tests written from the kernel headers, per ABI where they differ,
// and a cross-check of every single-bit name against this machine's uapi headers when present.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName } from '../arch/index.js';
import { argumentName, argumentTable, nameMask, nameMasked, nameValue, type ValueTable } from './flags.js';
import { argumentNamer } from '../analysis/describe/values.js';

const arch = (name: string) => archByName(name)!;
const table = (abi: string, syscall: string, index: number): ValueTable => {
  const t = argumentTable(arch(abi), syscall, index);
  if (!t) throw new Error(`no table for ${abi} ${syscall} a${index}`);
  return t;
};

describe('argument tables', () => {
  it.each([
    ['x86_64', 'clone', 0, 'clone flags'],
    ['x86_64', 'clone', 1, undefined],
    ['s390x', 'clone', 0, undefined], // CLONE_BACKWARDS2: newsp first
    ['s390x', 'clone', 1, 'clone flags'],
    ['aarch64', 'unshare', 0, 'unshare flags'],
    ['x86_64', 'setns', 1, 'namespace types'],
    ['x86', 'personality', 0, 'personality'],
    ['x86_64', 'mmap', 2, 'memory protection'],
    ['x86_64', 'mmap', 3, 'mapping flags'],
    ['x86', 'mmap2', 2, 'memory protection'],
    ['x86_64', 'mprotect', 2, 'memory protection'],
    ['x86_64', 'socket', 1, 'socket type'],
    ['x86_64', 'socket', 2, undefined], // protocol: depends on the family
    ['x86_64', 'read', 0, undefined],
  ] as const)('%s %s a%i holds %s', (abi, syscall, index, id) => {
    expect(argumentTable(arch(abi), syscall, index)?.id).toBe(id);
  });

  it('s390 clone: arguments named in the CLONE_BACKWARDS2 order', () => {
    expect(argumentName(arch('s390x'), 'clone', 0)).toBe('newsp');
    expect(argumentName(arch('s390'), 'clone', 1)).toBe('clone_flags');
    expect(argumentName(arch('x86_64'), 'clone', 0)).toBe('clone_flags');
  });
});

describe('values', () => {
  it.each([
    // abi, syscall, index, value, name
    ['x86_64', 'clone', 0, 0x10000000n, 'CLONE_NEWUSER'],
    ['x86_64', 'clone', 0, 0x10020000n, 'CLONE_NEWNS|CLONE_NEWUSER'],
    ['x86_64', 'clone', 0, 0x7e020000n, 'CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET'],
    ['x86_64', 'clone', 0, 0x01200011n, 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|0x11'], // SIGCHLD in the exit-signal byte
    ['x86_64', 'clone', 0, 0x11n, undefined], // only the signal
    ['x86_64', 'clone', 0, 0x1_0000_0000n, undefined], // CLONE_CLEAR_SIGHAND: clone3 only, not named
    ['x86_64', 'unshare', 0, 0x80n, 'CLONE_NEWTIME'],
    ['x86_64', 'unshare', 0, 0x10000080n, 'CLONE_NEWTIME|CLONE_NEWUSER'],
    ['x86_64', 'setns', 1, 0x40000000n, 'CLONE_NEWNET'],
    ['x86_64', 'setns', 1, 0x100n, undefined], // CLONE_VM is no namespace
    ['x86_64', 'personality', 0, 0n, 'PER_LINUX'],
    ['x86_64', 'personality', 0, 8n, 'PER_LINUX32'],
    ['x86_64', 'personality', 0, 0x20000n, 'PER_LINUX|UNAME26'],
    ['x86_64', 'personality', 0, 0x20008n, 'PER_LINUX32|UNAME26'],
    ['x86_64', 'personality', 0, 0x8000008n, 'PER_LINUX32_3GB'],
    ['x86_64', 'personality', 0, 0x4100001n, 'PER_SVR4'],
    ['x86_64', 'personality', 0, 0x40000n, 'PER_LINUX|ADDR_NO_RANDOMIZE'],
    ['x86_64', 'personality', 0, 0xffffffffn, undefined], // the query value has no name
    ['x86_64', 'mprotect', 2, 0n, 'PROT_NONE'],
    ['x86_64', 'mprotect', 2, 7n, 'PROT_READ|PROT_WRITE|PROT_EXEC'],
    ['x86_64', 'mprotect', 2, 0x10n, undefined],
    ['aarch64', 'mprotect', 2, 0x15n, 'PROT_READ|PROT_EXEC|PROT_BTI'],
    ['mipsel', 'mprotect', 2, 0x10n, 'PROT_SEM'],
    ['x86_64', 'mprotect', 2, 0x8n, 'PROT_SEM'],
    ['x86_64', 'mmap', 3, 0x22n, 'MAP_PRIVATE|MAP_ANONYMOUS'],
    ['x86_64', 'mmap', 3, 0x62n, 'MAP_PRIVATE|MAP_ANONYMOUS|MAP_32BIT'],
    ['aarch64', 'mmap', 3, 0x62n, undefined], // no MAP_32BIT off x86
    ['mipsel', 'mmap', 3, 0x802n, 'MAP_PRIVATE|MAP_ANONYMOUS'],
    ['ppc64le', 'mmap', 3, 0x42n, 'MAP_PRIVATE|MAP_NORESERVE'],
    ['parisc', 'mmap', 3, 0x11n, 'MAP_SHARED|MAP_ANONYMOUS'],
    ['x86_64', 'mmap', 3, 0x20n, undefined], // no mapping type
    ['x86_64', 'socket', 0, 40n, 'AF_VSOCK'],
    ['x86_64', 'socket', 0, 1n, 'AF_UNIX'],
    ['x86_64', 'socket', 1, 1n, 'SOCK_STREAM'],
    ['x86_64', 'socket', 1, 0x80801n, 'SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC'],
    ['mipsel', 'socket', 1, 1n, 'SOCK_DGRAM'],
    ['mipsel', 'socket', 1, 0x82n, 'SOCK_STREAM|SOCK_NONBLOCK'],
    ['x86_64', 'accept4', 3, 0x80000n, 'SOCK_CLOEXEC'],
    ['x86', 'socketcall', 0, 1n, 'SYS_SOCKET'],
    ['x86', 'socketcall', 0, 20n, 'SYS_SENDMMSG'],
    ['x86', 'ipc', 0, 21n, 'SHMAT'],
    ['x86_64', 'read', 0, 1n, undefined],
  ] as const)('%s %s a%i = %s: %s', (abi, syscall, index, value, name) => {
    expect(argumentNamer(arch(abi), syscall, index).value(value)).toBe(name);
  });

  it.each([
    ['x86_64', 'clone', 0, 0x10000000, 'CLONE_NEWUSER'],
    ['x86_64', 'clone', 0, 0xff, 'CSIGNAL'],
    ['x86_64', 'clone', 0, 0x7e020000, 'CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET'],
    ['x86_64', 'clone', 0, 0x7e020001, undefined], // a bit of the signal byte, alone, has no name
    ['x86_64', 'socket', 1, 0xf, 'SOCK_TYPE_MASK'],
    ['x86_64', 'mmap', 2, 0x4, 'PROT_EXEC'],
    ['x86_64', 'personality', 0, 0xff, 'PER_MASK'],
  ] as const)('%s %s a%i mask %s: %s', (abi, syscall, index, mask, name) => {
    expect(nameMask(table(abi, syscall, index), mask)).toBe(name);
  });

  it.each([
    ['x86_64', 'socket', 1, 0xf, 3, 'SOCK_RAW'],
    ['x86_64', 'mmap', 2, 0x6, 0x4, 'PROT_EXEC'],
    ['x86_64', 'mmap', 2, 0x6, 0x6, 'PROT_WRITE|PROT_EXEC'],
    ['x86_64', 'mmap', 2, 0x4, 0, undefined], // zero is written as 0
    ['x86_64', 'mmap', 2, 0x4, 0x2, undefined], // outside the mask
  ] as const)('%s %s a%i (& %s) = %s: %s', (abi, syscall, index, mask, k, name) => {
    expect(nameMasked(table(abi, syscall, index), mask, k)).toBe(name);
  });

  it('values above 32 bits are never named (the kernel may truncate them, the filter did not)', () => {
    expect(nameValue(table('x86_64', 'personality', 0), 0x1_0000_0000n)).toBeUndefined();
    expect(argumentNamer(arch('x86_64'), 'socket', 0).value(0x1_0000_0028n)).toBeUndefined();
  });
});

/** `#define NAME 0x…` and enum `NAME = 0x…,` lines of a uapi header on this machine. */
function headerValues(path: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  for (const m of readFileSync(path, 'utf8').matchAll(/^\s*(?:#define\s+)?([A-Z][A-Z0-9_]+)\s*=?\s+(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\b(?![^\n]*\|)/gm)) {
    out.set(m[1]!, Number(m[2]!.startsWith('0') && !m[2]!.startsWith('0x') ? parseInt(m[2]!, 8) : m[2]));
  }
  return out;
}

describe('against this machine\'s uapi headers (skipped where absent)', () => {
  const cases: Array<[string, string, string, number, RegExp]> = [
    ['/usr/include/linux/sched.h', 'x86_64', 'unshare', 0, /^CLONE_(?!ARGS|CLEAR|INTO)/],
    ['/usr/include/linux/personality.h', 'x86_64', 'personality', 0, /^(UNAME26|ADDR_|FDPIC_|MMAP_PAGE|READ_IMPLIES|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS)/],
    ['/usr/include/asm-generic/mman-common.h', 'aarch64', 'mprotect', 2, /^PROT_(READ|WRITE|EXEC|SEM|GROWS)/],
  ];
  it.each(cases)('%s', (path, abi, syscall, index, names) => {
    const values = headerValues(path);
    const t = table(abi, syscall, index);
    let checked = 0;
    for (const [name, v] of values) {
      if (!names.test(name)) continue;
      const got = t.flags?.find(([n]) => n === name)?.[1];
      expect(got, name).toBe(v);
      checked++;
    }
    if (values.size > 0) expect(checked).toBeGreaterThan(4);
  });
});
