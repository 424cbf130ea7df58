// SPDX-License-Identifier: Apache-2.0
// Builds a program backwards, Chromium-codegen style (sandbox/linux/bpf_dsl/codegen.cc): every
// node is made after the nodes it jumps to, so all jumps go forward by construction. Nodes are
// hash-consed — an instruction with the same fields and the same successors is made once — so
// identical tails (the `ret ALLOW` of 300 syscalls, a shared argument check) are shared.
// Jump range repair: jt/jf reach at most 255 instructions; a farther `ret` is copied next to the
// jump (a copy within reach is reused), any other far target gets a `ja` trampoline.
// A node id counts from the end of the program (0 = last instruction).

import type { Instruction } from '../bpf/instruction.js';
import { BPF_JA, BPF_JMP, BPF_K, BPF_RET, opcode } from '../bpf/opcodes.js';
import { assert } from '../diagnostics/diagnostic.js';

export type NodeId = number;

export class ProgramBuilder {
  /** Instructions in reverse order: reversed[id] is node `id`. */
  private readonly reversed: Instruction[] = [];
  /** For jumps, the absolute ids of their targets (to emit offsets at the end). */
  private readonly targets: Array<[NodeId, NodeId] | NodeId | undefined> = [];
  private readonly memo = new Map<string, NodeId>();
  /** Nearest copy of each `ret #k`. */
  private readonly rets = new Map<number, NodeId>();

  get length(): number {
    return this.reversed.length;
  }

  private push(ins: Instruction, targets?: [NodeId, NodeId] | NodeId): NodeId {
    this.reversed.push(ins);
    this.targets.push(targets);
    return this.reversed.length - 1;
  }

  /** A `ret #k`; reuses a copy that a jump made now can still reach. */
  ret(k: number): NodeId {
    const near = this.rets.get(k >>> 0);
    if (near !== undefined && this.length - near - 1 <= 255) return near;
    const id = this.push({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: k >>> 0 });
    this.rets.set(k >>> 0, id);
    return id;
  }

  /** A straight-line instruction (load, ALU, …) followed by `next`. */
  stmt(code: number, k: number, next: NodeId): NodeId {
    const key = `s${code}:${k}:${next}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    // The next node must be the very next instruction: add a `ja` when it is not.
    if (next !== this.length - 1) this.ja(next);
    const id = this.push({ code, jt: 0, jf: 0, k: k >>> 0 });
    this.memo.set(key, id);
    return id;
  }

  /** An unconditional jump to `target`. */
  ja(target: NodeId): NodeId {
    return this.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 0 }, target);
  }

  /** A conditional jump (`code` is BPF_JMP | op | BPF_K/X) to `t` when true, `f` when false. */
  jump(code: number, k: number, t: NodeId, f: NodeId): NodeId {
    if (opcode(code)?.effect.kind !== 'jmp') assert(false, `jump: 0x${code.toString(16)} is not a conditional jump`);
    if (t === f) return t;
    const key = `j${code}:${k}:${t}:${f}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    // Each far target gets a nearby stand-in: a copy of a `ret`, or a `ja`.
    let tt = t;
    let ff = f;
    if (this.length - ff > 255) ff = this.standIn(ff);
    if (this.length - tt > 255) tt = this.standIn(tt);
    if (this.length - ff > 255) ff = this.standIn(f); // the stand-in for t pushed f out of reach again
    const id = this.push({ code, jt: 0, jf: 0, k: k >>> 0 }, [tt, ff]);
    this.memo.set(key, id);
    return id;
  }

  private standIn(target: NodeId): NodeId {
    const ins = this.reversed[target]!;
    if (ins.code === (BPF_RET | BPF_K)) return this.ret(ins.k);
    return this.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 0 }, target);
  }

  /** The program with `entry` as its first instruction (it must be the last node made). */
  finish(entry: NodeId): Instruction[] {
    assert(entry === this.length - 1, 'finish: the entry must be the last node built');
    const n = this.length;
    const out: Instruction[] = [];
    for (let id = n - 1; id >= 0; id--) {
      const ins = this.reversed[id]!;
      const tg = this.targets[id];
      const pc = n - 1 - id;
      if (tg === undefined) out.push(ins);
      else if (typeof tg === 'number') out.push({ ...ins, k: (n - 1 - tg) - pc - 1 });
      else {
        const jt = n - 1 - tg[0] - pc - 1;
        const jf = n - 1 - tg[1] - pc - 1;
        if (!(jt >= 0 && jt <= 255 && jf >= 0 && jf <= 255)) assert(false, `finish: jump at ${pc} out of range (${jt}, ${jf})`);
        out.push({ ...ins, jt, jf });
      }
    }
    return out;
  }
}
