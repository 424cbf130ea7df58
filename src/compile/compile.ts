// SPDX-License-Identifier: Apache-2.0
// Policy -> program. The layout (facts the kernel and libseccomp agree on, layout our own):
//
//   ld  [4]                              ; arch
//   jeq #AUDIT_ARCH_1, <block 1>, next   ; one check per AUDIT_ARCH, in the policy's order
//   …
//   ret <bad-arch action>
//   <block>: ld [0]; a search tree over the number space (./dispatch.ts); leaves are the
//            ABI's default, a constant action, or a syscall's argument checks (./conditions.ts)
//
// ABIs sharing an AUDIT_ARCH (x86_64, x32) share one block; a missing sibling's numbers go to
// the bad-arch action inside the search tree (libseccomp's x32 guard, with nr -1 let through
// for tracers). Identical code is shared across syscalls and ABIs; the result is validated.

import type { Arch } from '../arch/arch.js';
import { ARCHES } from '../arch/index.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MAXINSNS, BPF_W } from '../bpf/opcodes.js';
import type { Program } from '../bpf/instruction.js';
import { validate } from '../bpf/validate.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from '../seccomp/data.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { assert } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import type { AbiPolicy, Policy } from '../policy/policy.js';
import { ProgramBuilder, type NodeId } from './builder.js';
import { lowerDecisions } from './conditions.js';
import { searchTree, toRanges, type Range } from './dispatch.js';

export interface CompileStats {
  readonly instructions: number;
  /** Instructions each arch block added (shared code counts where it was first made). */
  readonly perAbi: ReadonlyArray<{ readonly arch: string; readonly instructions: number }>;
}

export interface Compiled {
  readonly program?: Program;
  readonly stats: CompileStats;
  readonly diagnostics: readonly Diagnostic[];
}

/** Numbers the block of these ABIs hands to the bad-arch action (the x32 guard), as background ranges. */
function background(b: ProgramBuilder, members: readonly AbiPolicy[], badArch: NodeId): Range[] {
  const def = b.ret(members[0]!.defaultAction);
  const arch = members[0]!.arch;
  const siblings = ARCHES.filter((a) => a.auditArch === arch.auditArch);
  const bits = siblings.reduce((acc, a) => acc | a.nrBit, 0);
  if (bits === 0 || members.length === siblings.length) return [{ start: 0, leaf: def }];
  const flagged = members.filter((m) => m.arch.nrBit !== 0);
  if (flagged.length > 0) {
    // Only the flagged ABI (x32): numbers below its bit are not its own.
    const bit = flagged[0]!.arch.nrBit;
    return [{ start: 0, leaf: badArch }, { start: bit, leaf: def }];
  }
  // Only the unflagged ABI (x86_64): numbers with the bit go to bad-arch, except -1 (tracers).
  return [{ start: 0, leaf: def }, { start: bits, leaf: badArch }, { start: 0xffffffff, leaf: def }];
}

function block(b: ProgramBuilder, members: readonly AbiPolicy[], badArch: NodeId): NodeId {
  const points: Array<{ nr: number; leaf: NodeId }> = [];
  for (const m of members) {
    const endian = m.arch.endian;
    const nrs = [...m.syscalls.keys()].sort((x, y) => y - x); // build high numbers first: the tree's far side
    for (const nr of nrs) {
      const decisions = m.syscalls.get(nr)!;
      const leaf = lowerDecisions(b, decisions, m.defaultAction, endian, undefined);
      points.push({ nr: nr >>> 0, leaf });
    }
  }
  points.sort((x, y) => x.nr - y.nr);
  for (let i = 1; i < points.length; i++) assert(points[i]!.nr !== points[i - 1]!.nr, `two ABIs of one block claim syscall ${points[i]!.nr}`);
  const tree = searchTree(b, toRanges(points, background(b, members, badArch)));
  return b.stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR, tree);
}

export function compilePolicy(policy: Policy): Compiled {
  const b = new ProgramBuilder();
  const badArch = b.ret(policy.badArchAction);
  // Group ABIs by AUDIT_ARCH, in the order of their first appearance.
  const groups: AbiPolicy[][] = [];
  for (const abi of policy.abis) {
    const g = groups.find((x) => x[0]!.arch.auditArch === abi.arch.auditArch);
    if (g) g.push(abi);
    else groups.push([abi]);
  }
  // Build the last arch check first (backwards construction).
  let next = badArch;
  const perAbi: Array<{ arch: string; instructions: number }> = [];
  for (const g of [...groups].reverse()) {
    const before = b.length;
    const body = block(b, g, badArch);
    next = b.jump(BPF_JMP | BPF_JEQ | BPF_K, g[0]!.arch.auditArch, body, next);
    perAbi.unshift({ arch: g.map((m) => m.arch.name).join('+'), instructions: b.length - before });
  }
  const entry = b.stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH, next);
  const insns = b.finish(entry);
  const stats = { instructions: insns.length, perAbi };
  if (insns.length > BPF_MAXINSNS) {
    const costly = [...perAbi].sort((x, y) => y.instructions - x.instructions).map((p) => `${p.arch} ${p.instructions}`).join(', ');
    return { stats, diagnostics: [diag('programTooLarge', { count: insns.length, over: insns.length - BPF_MAXINSNS, costly })] };
  }
  const checked = validate(insns);
  assert(checked.value, `compile produced a program the kernel refuses: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
  return { program: checked.value, stats, diagnostics: [] };
}

export type { Arch };
