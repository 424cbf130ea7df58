// SPDX-License-Identifier: Apache-2.0
// Harden step 4: the socketcall/ipc path closed (kernel-experiments.md §2, §7). On ABIs with the
// multiplexers (x86 — reachable with `int $0x80` from any x86_64 process —, ppc, s390, mips o32,
// m68k, sh), libseccomp gives every socket-family (SysV-IPC) rule a companion on socketcall
// (ipc) that tests only the call number, so argument conditions are not enforced on that path
// (libseccomp src/arch.c arch_filter_rule_add, syscalls.c _abi_syscall_mux; the ipc call number
// also carries version bits the companion's `a0 ==` does not expect: ../../kernel/multiplexed.ts). When socket-family (IPC)
// rules have conditions, or a call gets through the multiplexer where its direct syscall would
// not, the multiplexer is pinned (./pin.ts) to ERRNO(ENOSYS): glibc then uses the direct calls.

import { permits } from '../lint/context.js';
import { IPC_CALLS, SOCKET_CALLS } from '../../resolve/libseccomp/arch-rules.js';
import { formatAction } from '../../seccomp/action.js';
import { ipcVersionRunningSameCall } from '../../kernel/multiplexed.js';
import { activeRules, defaultAction, type Analysis } from './analysis.js';
import { pin, pinnedAction } from './pin.js';
import { change, note, type Change, type StepEnv, type StepResult } from './types.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';

/** One table: each multiplexer, its calls (call number by syscall name) and its field in Arch.multiplexers. */
const FAMILIES = [
  { mux: 'socketcall', calls: SOCKET_CALLS, field: 'socketcall' },
  { mux: 'ipc', calls: IPC_CALLS, field: 'ipc' },
] as const;

function list(names: Iterable<string>): string {
  const all = [...new Set(names)];
  return all.length > 4 ? `${all.slice(0, 4).join(', ')}, …` : all.join(', ');
}

export function multiplexerStep(a: Analysis, env: StepEnv): StepResult {
  let draft = a.draft;
  const changes: Change[] = [];
  const notes: Diagnostic[] = [];
  const native = a.ctx.abis[0];
  for (const fam of FAMILIES) {
    const abis = a.ctx.abis.filter((abi) => abi.multiplexers && (a.ctx.syscall(abi, fam.mux)?.permitted ?? 'never') !== 'never');
    if (abis.length === 0) continue;
    const conditioned = activeRules(a).filter((r) => r.conditions.length > 0).flatMap((r) => r.names.filter((n) => n in fam.calls));
    const leaks: string[] = [];
    for (const abi of abis) {
      const nr = abi.multiplexers![fam.field];
      for (const [name, call] of Object.entries(fam.calls)) {
        // ipc(2) runs a call with version bits (call >> 16) as the same call (ipc/syscall.c)
        const version = fam.mux === 'ipc' ? ipcVersionRunningSameCall(abi, name) : undefined;
        const numbers = [call, ...(version !== undefined ? [call | (version << 16)] : [])];
        if (!numbers.some((k) => permits(a.ctx.verdict(abi, nr, [BigInt(k), 0n, 0n, 0n, 0n, 0n])))) continue;
        const direct = a.ctx.syscall(abi, name) ?? (native ? a.ctx.syscall(native, name) : undefined);
        if (direct && direct.permitted !== 'always') leaks.push(name);
      }
    }
    if (conditioned.length === 0 && leaks.length === 0) continue;
    const where = abis.map((x) => x.name).join(', ');
    const action = pinnedAction(a, env.primary, fam.mux);
    if (!action) {
      notes.push(note(env, 'hardenMuxCannot', { mux: fam.mux, abis: where, action: formatAction(defaultAction(a)) }, `${env.input.pointerBase}/defaultAction`));
      continue;
    }
    const why = [
      ...(conditioned.length > 0 ? [`their conditions are not checked through ${fam.mux}(2)`] : []),
      ...(leaks.length > 0 ? [`${list(leaks.map((n) => `${fam.mux}(SYS_${n.toUpperCase()})`))} ${leaks.length === 1 ? 'gets' : 'get'} through where the direct call${leaks.length === 1 ? ' does' : 's do'} not`] : []),
    ].join(', and ');
    const comment = `syscage harden: ${fam.mux} answered with ${action.errno ?? formatAction(action.value)}, so that the argument conditions of the direct calls cannot be bypassed through it`;
    const pinned = pin({ ...a, draft }, env, 'multiplexer', fam.mux, action, comment, 'hardenMuxRemoved', { mux: fam.mux });
    draft = draft.with(pinned.rules);
    changes.push(...pinned.changes);
    changes.push(change(env, 'multiplexer', 'hardenMuxClosed', { mux: fam.mux, abis: where, action: formatAction(action.value), names: list([...conditioned, ...leaks]), why }, `${env.input.pointerBase}/syscalls`));
  }
  return { rules: draft.rules, changes, notes };
}
