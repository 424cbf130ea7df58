// The partition on program layouts other compilers emit, written here as listings in the shapes
// their sources describe (not copies): Chromium's bpf_dsl (arch check, an instruction-pointer
// escape hatch, jset on the x32 bit, a jge binary search, masked argument tests with `and`, the
// "unexpected 64-bit argument" sign-extension check) and gVisor's pkg/seccomp (jeq/jgt tree on
// the number, hi-then-lo argument compares, `ja` trampolines, an instruction-pointer rule).
// Each must be partitioned exactly and completely, every leaf's witness must get the leaf's
// value, and a diff against a one-instruction variant must find exactly the changed region.
import { describe, expect, it } from 'vitest';
import { program } from './listing.js';
import { archByName } from '../../src/arch/index.js';
import type { Program } from '../../src/bpf/instruction.js';
import { simulate } from '../../src/seccomp/simulate.js';
import { partition } from '../../src/analysis/partition/partition.js';
import { abiSpace } from '../../src/analysis/partition/spaces.js';
import { regionWitness } from '../../src/analysis/partition/region.js';
import { diffPrograms } from '../../src/analysis/diff/diff.js';
import { describeArgs } from '../../src/analysis/describe/conditions.js';

const X86_64 = archByName('x86_64')!;


// Chromium-like: allow read(0..2)/write, mmap without PROT_EXEC (masked), kill on x32, an
// escape hatch at one instruction pointer, ioctl's `int` cmd checked for sign extension.
const CHROMIUM = `
  ld [4]
  jeq #0xc000003e, arch_ok, bad_arch
bad_arch: ret KILL_PROCESS
arch_ok: ld [8]
  jeq #0x1000, ip_hi, dispatch
ip_hi: ld [12]
  jeq #0x7f00, escape, dispatch
escape: ret ALLOW
dispatch: ld [0]
  jset #0x40000000, x32, search
x32: ret TRAP(1)
search: jge #16, high, low
low: jge #9, nine_up, below_nine
below_nine: jeq #0, read, not_read
not_read: jeq #1, allow, not_write
not_write: jeq #9, allow, deny
nine_up: jeq #9, mmap, deny
read: ld [20]
  jeq #0, read_lo, bad64
read_lo: ld [16]
  jgt #2, deny, allow
mmap: ld [36]
  and #0x0
  jeq #0, mmap_lo, deny
mmap_lo: ld [32]
  and #0x4
  jeq #0, allow, deny
high: jeq #16, ioctl, deny
ioctl: ld [28]
  jeq #0, ioctl_lo, maybe_neg
maybe_neg: jeq #0xffffffff, neg_lo, bad64
neg_lo: ld [24]
  jset #0x80000000, ioctl_lo, bad64
ioctl_lo: ld [24]
  jeq #0x5401, allow, deny
bad64: ret TRAP(2)
allow: ret ALLOW
deny: ret ERRNO(1)
`;

// gVisor-like: jgt/jeq tree on the number, 64-bit compares hi then lo, a far jump through a
// trampoline, and a rule on the instruction pointer (futex only from one call site).
const GVISOR = `
  ld [4]
  jeq #0xc000003e, load_nr, arch_bad
arch_bad: ret KILL_THREAD
load_nr: ld [0]
  jgt #0x3fffffff, kill, tree
tree: jgt #201, upper, lower
lower: jeq #0, read, l1
l1: jeq #1, allow, l2
l2: jeq #60, allow, tramp
tramp: ja deny
upper: jeq #202, futex, u1
u1: jeq #231, allow, deny
read: ld [20]
  jeq #0, read_lo, deny
read_lo: ld [16]
  jeq #3, allow, r1
r1: jeq #4, allow, deny
futex: ld [12]
  jeq #0, futex_lo, deny
futex_lo: ld [8]
  jge #0x400000, f1, deny
f1: jgt #0x4fffff, deny, allow
kill: ret KILL_PROCESS
allow: ret ALLOW
deny: ret ERRNO(38)
`;

function checkExact(p: Program): number {
  const part = partition(p, abiSpace(X86_64).region);
  expect(part.exact && part.complete).toBe(true);
  for (const leaf of part.leaves) {
    const w = regionWitness(leaf.region, 'little');
    expect(w.found).toBe(true);
    if (w.found) expect(simulate(p, 'little', w.data).value).toBe(leaf.value);
  }
  return part.leaves.length;
}

describe('partition on other compilers\' layouts', () => {
  it.each([['Chromium-like', CHROMIUM], ['gVisor-like', GVISOR]])('%s: exact and complete, every witness agrees', (_n, text) => {
    expect(checkExact(program(text))).toBeGreaterThan(8);
  });

  it.each([
    // [layout, instruction to change, replacement, expected ABI, syscall nr, condition text]
    ['Chromium-like', CHROMIUM, 'and #0x4', 'and #0x6', 9, 'a2 & 6 ≠ 0'],
    ['Chromium-like', CHROMIUM, 'jeq #0x5401, allow, deny', 'jeq #0x5402, allow, deny', 16, ''],
    ['gVisor-like', GVISOR, 'jgt #0x4fffff, deny, allow', 'jgt #0x5fffff, deny, allow', 202, 'instruction_pointer'],
    ['gVisor-like', GVISOR, 'jeq #4, allow, deny', 'jeq #5, allow, deny', 0, 'a0'],
  ] as const)('%s: a diff against a one-instruction variant finds exactly that (%s → %s)', (_n, text, from, to, nr, cond) => {
    const a = program(text);
    const b = program(text.replace(from, to));
    const d = diffPrograms(a, b);
    expect(d.complete && d.undecided.length === 0).toBe(true);
    expect(d.differences.length).toBeGreaterThan(0);
    for (const x of d.differences) {
      expect(x.arch).toBe(X86_64);
      expect(x.region.words[0]?.intervals).toEqual([nr, nr]);
      expect(x.witness!.a).not.toBe(x.witness!.b);
      if (cond) expect(describeArgs(x.region, X86_64, undefined).join(', ')).toContain(cond);
    }
  });

  it('the escape hatch reads as an instruction-pointer condition', () => {
    const p = program(CHROMIUM);
    const leaf = partition(p, abiSpace(X86_64).region).leaves.find((l) => l.pc === 7)!;
    expect(describeArgs(leaf.region, X86_64, undefined)).toEqual(['instruction_pointer = 0x7f0000001000']);
  });
});
