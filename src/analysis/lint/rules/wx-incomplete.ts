// SPDX-License-Identifier: Apache-2.0
// wx-incomplete: a W^X rule on mmap (mmap with PROT_WRITE|PROT_EXEC refused while a writable
// mapping is allowed) without the same rule on the other ways to get memory that is both writable
// and executable (mm/mprotect.c, mm/mmap.c, ipc/shm.c, kernel/exec_domain.c):
//   - mprotect / pkey_mprotect with PROT_WRITE|PROT_EXEC on an existing mapping;
//   - the ABI's other mmap: mmap2 on 32-bit ABIs, and i386's old mmap, which reads its arguments
//     (prot included) from a struct in memory that seccomp cannot see;
//   - shmat with SHM_EXEC (directly, or as ipc(SHMAT) on ABIs with the multiplexer);
//   - personality(READ_IMPLIES_EXEC), after which mmap turns PROT_READ into PROT_READ|PROT_EXEC
//     (do_mmap in mm/mmap.c) and a PROT_READ|PROT_WRITE mapping comes out writable and executable.
// Not on the list: remap_file_pages (emulated since Linux 4.0; it takes the prot of the mapping it
// replaces and refuses any other) and mremap (keeps the mapping's prot). Outside seccomp's reach:
// the same memory mapped twice, once writable and once executable (memfd_create, or a shared
// file), which no prot argument shows.

import type { Arch } from '../../../arch/arch.js';
import { permits, type LintContext } from '../context.js';
import type { LintRule } from '../types.js';
import { reachableAbis } from './abi-coverage.js';
import { abiList, groupByKey } from './abi-groups.js';
import { callOf, describeCall, witnessOf, type Call } from './coverage-calls.js';
import { allowingPointer } from './profile-rules.js';

const PROT_READ = 1n;
const PROT_WRITE = 2n;
const PROT_EXEC = 4n;
const WX = PROT_WRITE | PROT_EXEC;
const MAP_PRIVATE_ANONYMOUS = 0x22n;
const SHM_EXEC = 0o100000n;
const IPC_SHMAT = 21n;
const READ_IMPLIES_EXEC = 0x0400000n;
const ADDR = 0x10000n;
const LEN = 0x1000n;

/** The other ways to writable, executable memory, each as a call that asks for it. */
const PATHS: ReadonlyArray<{ readonly name: string; readonly args: readonly bigint[]; readonly how: string }> = [
  { name: 'mprotect', args: [ADDR, LEN, WX], how: 'makes an existing mapping writable and executable' },
  { name: 'pkey_mprotect', args: [ADDR, LEN, WX, 0n], how: 'makes an existing mapping writable and executable' },
  { name: 'mmap2', args: [0n, LEN, WX, MAP_PRIVATE_ANONYMOUS, 0n, 0n], how: 'maps writable, executable memory (the 32-bit ABIs\' mmap)' },
  { name: 'mmap', args: [0n, LEN, WX, MAP_PRIVATE_ANONYMOUS, 0n, 0n], how: 'maps writable, executable memory' },
  { name: 'shmat', args: [0n, 0n, SHM_EXEC], how: 'attaches shared memory executable (SHM_EXEC), writable by whoever else has it attached' },
  { name: 'ipc', args: [IPC_SHMAT, 0n, SHM_EXEC, 0n, 0n, 0n], how: 'is shmat(SHM_EXEC) through the ipc multiplexer' },
  { name: 'personality', args: [READ_IMPLIES_EXEC], how: 'sets READ_IMPLIES_EXEC, after which mmap(PROT_READ|PROT_WRITE) maps executable memory too' },
];

/** mmap-like calls whose prot is a register argument (i386's old mmap takes a struct pointer instead). */
function protInRegister(ctx: LintContext, arch: Arch, name: string): boolean {
  return ctx.signature(arch, name)?.[2]?.name === 'prot';
}

/** The W^X rule on this ABI: an mmap with PROT_WRITE|PROT_EXEC refused while the same mmap with PROT_READ|PROT_WRITE runs. */
function wxRule(ctx: LintContext, arch: Arch): Call | undefined {
  for (const name of ['mmap', 'mmap2']) {
    if (!protInRegister(ctx, arch, name)) continue;
    const wx = callOf(ctx, arch, name, [0n, LEN, WX, MAP_PRIVATE_ANONYMOUS, 0n, 0n]);
    const rw = callOf(ctx, arch, name, [0n, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE_ANONYMOUS, 0n, 0n]);
    if (wx && rw && !permits(wx.verdict) && permits(rw.verdict)) return wx;
  }
  return undefined;
}

interface Gap {
  readonly call: Call;
  readonly how: string;
  readonly rule: Call;
}

function gaps(ctx: LintContext, arch: Arch): Gap[] {
  const rule = wxRule(ctx, arch);
  if (!rule) return [];
  const out: Gap[] = [];
  for (const path of PATHS) {
    if (path.name === rule.name) continue;
    // i386's old mmap takes one argument, a pointer to its six: prot is in memory.
    const inMemory = (path.name === 'mmap' || path.name === 'mmap2') && !protInRegister(ctx, arch, path.name);
    const call = callOf(ctx, arch, path.name, inMemory ? [ADDR] : path.args);
    if (!call || !permits(call.verdict)) continue;
    const how = inMemory ? 'reads its prot from a struct in memory, which seccomp cannot see (i386\'s old mmap)' : path.how;
    out.push({ call, how, rule });
  }
  return out;
}

export const wxIncomplete: LintRule = {
  id: 'wx-incomplete',
  code: 'SC4013',
  severity: 'warning',
  description: 'a W^X rule on mmap without the same on mprotect, pkey_mprotect, mmap2, shmat(SHM_EXEC) or personality(READ_IMPLIES_EXEC)',
  messages: {
    gap: '{rule} refuses writable, executable memory on {abis}, but `{name}` {how}, and it is allowed',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    const results = reachableAbis(ctx).flatMap((arch) => gaps(ctx, arch).map((g) => ({ arch, key: `${g.call.name}|${g.how}`, value: g })));
    for (const { abis, first } of groupByKey(results)) {
      const pointer = allowingPointer(ctx, first.call.name);
      report({
        message: 'gap',
        args: { rule: `\`${first.rule.name}\``, abis: abiList(abis), name: first.call.name, how: first.how },
        ...(pointer !== undefined ? { pointer } : {}),
        witness: witnessOf(ctx, first.call, { versus: first.rule, text: `${describeCall(ctx, first.call)}, but ${describeCall(ctx, first.rule)}` }),
        fix: first.call.name === 'personality'
          ? 'allow personality only for the values the workload needs (Docker allows 0, 8, 0x20000, 0x20008 and 0xffffffff), never READ_IMPLIES_EXEC (0x400000)'
          : `give \`${first.call.name}\` the same condition as \`${first.rule.name}\` (refuse the call when its prot/flags ask for execute${first.call.name === 'mprotect' || first.call.name === 'pkey_mprotect' ? ' — systemd\'s MemoryDenyWriteExecute refuses PROT_EXEC there altogether' : ''}), or deny it`,
      });
    }
  },
};
