// SPDX-License-Identifier: Apache-2.0
// compat-abi: a compat ABI the filter judges (i386 on x86_64, AArch32 on aarch64, s390 on
// s390x…, ../../../arch/hosts.ts) that permits a syscall, for some arguments, that the native ABI
// refuses for the same arguments. The compat entry points are open to every process of the host
// (int $0x80 needs no 32-bit binary, kernel-experiments.md §2), so the looser policy is the one
// that holds. Names are compared as names: each ABI's own number, the same argument values (a
// 32-bit ABI's filter compares low words only). x32 has ./x32-abi.ts; socketcall and ipc, which
// have no native namesake, are the argument rules' business.

import type { LintRule } from '../types.js';
import { compatAbis, namesByInterest, nativeAbi } from './abi-coverage.js';
import { wordList } from './abi-groups.js';
import { looserCalls, witnessOf } from './coverage-calls.js';

export const compatAbi: LintRule = {
  id: 'compat-abi',
  code: 'SC4010',
  severity: 'warning',
  description: 'a compat ABI (x86 on x86_64, arm on aarch64…) allows calls the native ABI refuses',
  messages: {
    looser: '{compat} allows what {native} refuses for the same arguments: {names}. Every process on the host can make {compat} calls{how}, so the looser rules are the ones that hold',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const native = nativeAbi(ctx);
    if (!native) return;
    for (const compat of compatAbis(ctx, native).filter((a) => ctx.abis.includes(a))) {
      const pairs = looserCalls(ctx, compat, native, namesByInterest(compat));
      if (pairs.length === 0) continue;
      const first = pairs[0]!;
      report({
        message: 'looser',
        args: { compat: compat.name, native: native.name, names: wordList(pairs.map((p) => `\`${p.looser.name}\``)), how: compat.name === 'x86' && native.name === 'x86_64' ? ' (int $0x80 from 64-bit code is enough)' : '' },
        witness: witnessOf(ctx, first.looser, { versus: first.stricter }),
        fix: ctx.kind === 'profile'
          ? `give ${compat.name} the same rules as ${native.name} (check the rules' \`includes\`/\`excludes\` arches), or leave ${compat.scmpName} out if no 32-bit program must run`
          : `judge ${compat.name} calls with the same rules as ${native.name}, or kill them`,
      });
    }
  },
};
