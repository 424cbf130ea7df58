// SPDX-License-Identifier: Apache-2.0
// x32-abi: x32 calls (AUDIT_ARCH_X86_64, nr | __X32_SYSCALL_BIT 0x40000000) permitted where the
// same x86_64 call is refused. A filter that accepts AUDIT_ARCH_X86_64 and compares nr without
// first sending numbers ≥ 0x40000000 elsewhere (libseccomp's `jge 0x40000000` guard) lets every
// x32 number miss its x86_64 rule and reach the default — a hole for a default-allow deny list.
// Only on kernels built with CONFIG_X86_X32_ABI=y: arch/x86/entry/syscall_x32.c; without it the
// kernel answers every x32 number ENOSYS (kernel-experiments.md §3, the test kernel has it off).
// libseccomp-compiled profiles close it either way (x32 listed: the x86_64 rules apply; not
// listed: the bad-arch action, ./missing-arch.ts).

import type { LintRule } from '../types.js';
import { namesByInterest, nativeAbi, x32Twin } from './abi-coverage.js';
import { wordList } from './abi-groups.js';
import { looserCalls, witnessOf } from './coverage-calls.js';

export const x32Abi: LintRule = {
  id: 'x32-abi',
  code: 'SC4009',
  severity: 'warning',
  description: 'x32 calls (nr | 0x40000000) allowed where the same x86_64 call is refused: no x32 guard',
  messages: {
    looser: '{x32} calls (nr | 0x40000000, same AUDIT_ARCH as {native}) are allowed where the same {native} call is refused: {names}. The filter has no working x32 guard. A hole only on kernels built with CONFIG_X86_X32_ABI=y (check /proc/config.gz or /boot/config-*): this project\'s test kernel has it off, and there every x32 number returns ENOSYS',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const native = nativeAbi(ctx);
    if (!native) return;
    const x32 = x32Twin(ctx, native);
    if (!x32) return;
    const pairs = looserCalls(ctx, x32, native, namesByInterest(x32));
    if (pairs.length === 0) return;
    const first = pairs[0]!;
    report({
      message: 'looser',
      args: { x32: x32.name, native: native.name, names: wordList(pairs.map((p) => `\`${p.looser.name}\``)) },
      witness: witnessOf(ctx, first.looser, { versus: first.stricter }),
      fix: ctx.kind === 'profile'
        ? `list ${x32.scmpName} with the same rules as ${native.scmpName}, or leave it out (libseccomp then kills x32 calls)`
        : 'after the arch check, send x32 numbers to a kill before comparing nr: `jge #0x40000000, kill, rules` (what libseccomp emits), or judge them with the x86_64 rules',
    });
  },
};
