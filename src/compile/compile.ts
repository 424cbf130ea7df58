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
// for tracers), and runc's ENOSYS stub, when present, is folded into the same tree (numbers
// above the profile's largest syscall). Identical code is shared across syscalls and ABIs; the
// result is validated before it is returned.

import { ARCHES } from '../arch/index.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_MAXINSNS, BPF_W } from '../bpf/opcodes.js';
import type { Program } from '../bpf/instruction.js';
import { validate } from '../bpf/validate.js';
import { SECCOMP_DATA_ARCH, SECCOMP_DATA_NR } from '../seccomp/data.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { assert } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import type { AbiPolicy, Policy } from '../policy/policy.js';
import { abiFor, stubAnswers } from '../policy/evaluate.js';
import type { SeccompData } from '../seccomp/data.js';
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

/**
 * Where the verdict of a number without a syscall of its own can change: every threshold the
 * arch dispatch (x32's bit, nr -1) and runc's stub (its maxima, bit 30 as a bit, nr 0) use.
 */
function breakpoints(policy: Policy, audit: number): number[] {
  const points = new Set<number>([0, 1, 0xffffffff]);
  for (const a of ARCHES) {
    if (a.auditArch !== audit || a.nrBit === 0) continue;
    for (let hi = 0; hi < 4; hi++) points.add((hi * 0x40000000) >>> 0); // bit 30 as a bit: 0x40000000, 0x80000000, 0xc0000000
  }
  for (const e of policy.enosysStub?.entries ?? []) if (e.arch.auditArch === audit && e.max < 0xffffffff) points.add(e.max + 1);
  return [...points].sort((x, y) => x - y);
}

function block(b: ProgramBuilder, policy: Policy, audit: number, badArch: NodeId): NodeId {
  const enosys = policy.enosysStub ? b.ret(policy.enosysStub.action) : undefined;
  // Only nr varies: one probe, rewritten per number (abiFor and stubAnswers keep no reference).
  const probe = { nr: 0, arch: audit, instructionPointer: 0n, args: [] as bigint[] };
  const at = (nr: number): SeccompData => {
    probe.nr = nr;
    return probe;
  };
  const points: Array<{ nr: number; leaf: NodeId }> = [];
  const members = policy.abis.filter((a) => a.arch.auditArch === audit);
  for (const m of members) {
    const nrs = [...m.syscalls.keys()].sort((x, y) => y - x); // build high numbers first: the tree's far side
    for (const nr of nrs) {
      const data = at(nr);
      if (policy.enosysStub && stubAnswers(policy.enosysStub, data)) points.push({ nr, leaf: enosys! });
      else if (members.length === 1 && m.arch.nrBit === 0 && nr < 0x40000000 ? true : abiFor(policy, data) === m) {
        points.push({ nr, leaf: lowerDecisions(b, m.syscalls.get(nr)!, m.defaultAction, m.arch.endian, undefined) });
      }
    }
  }
  points.sort((x, y) => x.nr - y.nr);
  for (let i = 1; i < points.length; i++) if (points[i]!.nr === points[i - 1]!.nr) assert(false, `two ABIs of one block claim syscall ${points[i]!.nr}`);
  // What a number without a syscall gets, between breakpoints (constant there by construction).
  const background: Range[] = breakpoints(policy, audit).map((start) => {
    if (stubAnswers(policy.enosysStub, at(start))) return { start, leaf: enosys! };
    const abi = abiFor(policy, at(start));
    return { start, leaf: abi ? b.ret(abi.defaultAction) : badArch };
  });
  const tree = searchTree(b, toRanges(points, background));
  return b.stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR, tree);
}

export function compilePolicy(policy: Policy): Compiled {
  // Every decision with conditions costs at least one jump: past the kernel's limit the program
  // cannot fit, and lowering it (recursive in the decision list) is not even tried.
  const perAbiDecisions = policy.abis.map((a) => ({ arch: a.arch.name, instructions: [...a.syscalls.values()].reduce((n, ds) => n + ds.filter((d) => d.conditions.length > 0).length, 0) }));
  const decisions = perAbiDecisions.reduce((n, a) => n + a.instructions, 0);
  if (decisions > BPF_MAXINSNS) {
    const costly = [...perAbiDecisions].sort((x, y) => y.instructions - x.instructions).map((p) => `${p.arch} at least ${p.instructions}`).join(', ');
    return { stats: { instructions: decisions, perAbi: perAbiDecisions }, diagnostics: [diag('programTooLarge', { count: `at least ${decisions}`, over: `at least ${decisions - BPF_MAXINSNS}`, costly })] };
  }
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
    const body = block(b, policy, g[0]!.arch.auditArch, badArch);
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
  if (!checked.value) assert(false, `compile produced a program the kernel refuses: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
  return { program: checked.value, stats, diagnostics: [] };
}

