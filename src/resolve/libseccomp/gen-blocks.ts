// SPDX-License-Identifier: Apache-2.0
// gen_bpf's instruction blocks, as libseccomp builds them: mirrors src/gen_bpf.c (v2.6.1)
// struct bpf_blk / bpf_instr / acc_state, _blk_append, _blk_prepend, _hsh_add (block
// de-duplication), _hsh_find_once, _gen_bpf_action(_hsh), _gen_bpf_node, _gen_bpf_chain and
// _gen_bpf_chain_lvl_res. Used only to reproduce what the exported program really does where
// its layout changes verdicts (lower-layout.ts); the intended meaning is lower.ts.
//
// Block identity: libseccomp hashes a block's instruction bytes and accumulator states
// (MurmurHash3) and merges identical blocks; here identical content gets the same id, which
// is the same thing short of a 64-bit hash collision.
//
// The accumulator state (offset loaded, mask applied) is tracked while a level is generated:
// each node's block assumes the state the previous sibling left and omits its `ld` when that
// state already holds its word. When the previous sibling's sub-tree falls through to it, the
// accumulator holds something else; only the placement pass (gen-layout.ts) may repair that.

import type { Arch } from '../../arch/arch.js';
import { argOffset } from '../../seccomp/data.js';
import type { ChainNode } from './tree.js';
import { levelStart, stepper } from './tree.js';

export interface Acc {
  /** Byte offset loaded into A (-1: unknown). */
  readonly offset: number;
  readonly mask: number;
}
export const UNDEF: Acc = { offset: -1, mask: 0xffffffff };
export const NR_ACC: Acc = { offset: 0, mask: 0xffffffff };
export const ARCH_ACC: Acc = { offset: 4, mask: 0xffffffff };
export function accEq(a: Acc, b: Acc): boolean {
  return a.offset === b.offset && a.mask === b.mask;
}

export type Jump =
  | { readonly t: 'none' }
  | { readonly t: 'nxt'; readonly n: number }
  | { readonly t: 'blk'; readonly b: Blk }
  | { readonly t: 'db'; readonly node: ChainNode }
  | { readonly t: 'hsh'; readonly h: number };
export const NONE: Jump = { t: 'none' };

export interface Ins {
  readonly op: 'ld' | 'and' | 'jeq' | 'jgt' | 'jge' | 'ret';
  readonly k: number;
  jt: Jump;
  jf: Jump;
}

export class Blk {
  ins: Ins[] = [];
  accStart: Acc = UNDEF;
  accEnd: Acc = UNDEF;
  /** The state gen_bpf assumed when it generated the block (before any placement fix). */
  assumed: Acc = UNDEF;
  /** 'syscall': a dispatch `jeq nr`; 'node': an argument test. */
  kind: 'syscall' | 'node' | 'other' = 'other';
  hash = 0;
  flagHash = false;
  priority = 0;
  lvlPrv: Blk | null = null;
  lvlNxt: Blk | null = null;
  prev: Blk | null = null;
  next: Blk | null = null;
}

interface Bucket {
  readonly blk: Blk;
  found: boolean;
}

function jumpKey(j: Jump): string {
  switch (j.t) {
    case 'none': return '-';
    case 'nxt': return `n${j.n}`;
    case 'hsh': return `h${j.h}`;
    default: throw new Error(`libseccomp model: unresolved ${j.t} jump hashed`);
  }
}

/** The hash table of one gen_bpf run (_hsh_add / _hsh_find / _hsh_find_once). */
export class BlockTable {
  private readonly byKey = new Map<string, number>();
  private readonly buckets = new Map<number, Bucket>();

  /** _hsh_add: the block that now stands for `blk` (an identical earlier one when found is false). */
  add(blk: Blk, found: boolean): Blk {
    if (blk.flagHash) return blk;
    const key = `${blk.ins.map((i) => `${i.op}:${i.k >>> 0}:${jumpKey(i.jt)}:${jumpKey(i.jf)}`).join(';')}|${blk.accStart.offset}/${blk.accStart.mask}|${blk.accEnd.offset}/${blk.accEnd.mask}`;
    const existing = this.byKey.get(key);
    blk.flagHash = true;
    if (existing !== undefined) {
      blk.hash = existing;
      if (found) return blk; // a duplicate kept in the main list (flag_dup)
      return this.buckets.get(existing)!.blk;
    }
    const h = this.byKey.size + 1;
    this.byKey.set(key, h);
    blk.hash = h;
    this.buckets.set(h, { blk, found });
    return blk;
  }

  find(h: number): Blk {
    const b = this.buckets.get(h);
    if (!b) throw new Error(`libseccomp model: no block ${h}`);
    return b.blk;
  }

  findOnce(h: number): Blk | undefined {
    const b = this.buckets.get(h);
    if (!b || b.found) return undefined;
    b.found = true;
    return b.blk;
  }
}

export function append(blk: Blk | null, ins: Ins): Blk {
  const b = blk ?? new Blk();
  b.ins.push(ins);
  return b;
}

export function actionBlock(action: number): Blk {
  return append(null, { op: 'ret', k: action >>> 0, jt: NONE, jf: NONE });
}

/**
 * One generated level, as the generator saw it (blocks may be shared with identical levels
 * elsewhere, but an instance knows where its own edges and fall-through go).
 */
export type Level = { readonly action: Blk } | { readonly insts: Inst[] };
export type Edge = { readonly k: 'child'; readonly level: Level } | { readonly k: 'action' } | { readonly k: 'nxt' };
export interface Inst {
  /** The block that stands for this node after de-duplication (placement may prepend to it). */
  blk: Blk;
  t: Edge;
  f: Edge;
}

/** The per-syscall part of gen_bpf's state. */
export interface ChainContext {
  readonly table: BlockTable;
  readonly arch: Arch;
  /** The entry's action when it has no tree. */
  readonly sysAction: number;
}

function nodeOffset(arch: Arch, n: ChainNode): number {
  return argOffset(n.arg, n.hi ? 'hi' : 'lo', arch.endian);
}

/** _gen_bpf_node: `acc` is the running state of the level and is updated. */
function genNode(ctx: ChainContext, node: ChainNode, acc: { v: Acc }): { blk: Blk; t: 'child' | 'action' | 'nxt'; f: 'child' | 'action' | 'nxt' } {
  const blk = new Blk();
  blk.kind = 'node';
  blk.accStart = acc.v;
  blk.assumed = acc.v;
  const actT = node.actTFlag ? ctx.table.add(actionBlock(node.actT), false).hash : 0;
  const actF = node.actFFlag ? ctx.table.add(actionBlock(node.actF), false).hash : 0;
  const offset = nodeOffset(ctx.arch, node);
  const mask = node.mask >>> 0;
  if (offset !== acc.v.offset || ((mask & acc.v.mask) >>> 0) !== mask) {
    acc.v = { offset, mask: 0xffffffff };
    append(blk, { op: 'ld', k: offset, jt: NONE, jf: NONE });
    blk.accStart = UNDEF;
  }
  if (mask !== acc.v.mask) {
    acc.v = { offset: acc.v.offset, mask };
    append(blk, { op: 'and', k: mask, jt: NONE, jf: NONE });
  }
  blk.accEnd = acc.v;
  const op = node.op === 'GT' ? 'jgt' : node.op === 'GE' ? 'jge' : 'jeq';
  const jt: Jump = node.nxtT ? { t: 'db', node: node.nxtT } : node.actTFlag ? { t: 'hsh', h: actT } : { t: 'nxt', n: 0 };
  const jf: Jump = node.nxtF ? { t: 'db', node: node.nxtF } : node.actFFlag ? { t: 'hsh', h: actF } : { t: 'nxt', n: 0 };
  append(blk, { op, k: node.datum, jt, jf });
  const kind = (j: Jump): 'child' | 'action' | 'nxt' => (j.t === 'db' ? 'child' : j.t === 'hsh' ? 'action' : 'nxt');
  return { blk, t: kind(jt), f: kind(jf) };
}

/** _gen_bpf_chain_lvl_res: resolves a block's pointers into hashes (generating child levels). */
function levelResolve(ctx: ChainContext, blk: Blk, nxt: Jump, depth: number, children?: { t?: Level; f?: Level }): Blk {
  if (blk.flagHash) return blk;
  for (const ins of blk.ins) {
    for (const side of ['jt', 'jf'] as const) {
      const j = ins[side];
      if (j.t === 'blk') ins[side] = { t: 'hsh', h: levelResolve(ctx, j.b, nxt, depth).hash };
      else if (j.t === 'db') {
        const child = genChain(ctx, j.node, nxt, blk.accEnd, depth + 1);
        if (children) children[side === 'jt' ? 't' : 'f'] = child.level;
        ins[side] = { t: 'hsh', h: child.head.hash };
      }
    }
  }
  return ctx.table.add(blk, false);
}

/** _gen_bpf_chain: the blocks of the level `chain` is on; returns the level's first block. */
export function genChain(ctx: ChainContext, chain: ChainNode | null, nxt: Jump, start: Acc, depth = 0): { head: Blk; level: Level } {
  if (depth > 512) throw new Error('libseccomp model: argument tree too deep');
  const acc = { v: start };
  let head: Blk;
  const kinds = new Map<Blk, { t: 'child' | 'action' | 'nxt'; f: 'child' | 'action' | 'nxt' }>();
  if (chain === null) head = actionBlock(ctx.sysAction);
  else {
    const step = stepper('a level of the argument tree loops (gen_bpf level walk)');
    let tail: Blk | null = null;
    head = undefined as unknown as Blk;
    for (let c: ChainNode | null = levelStart(chain); c !== null; c = c.lvlNxt) {
      step();
      const g = genNode(ctx, c, acc);
      const b = g.blk;
      kinds.set(b, { t: g.t, f: g.f });
      if (tail) {
        b.lvlPrv = tail;
        tail.lvlNxt = b;
      } else head = b;
      tail = b;
    }
    for (let b: Blk | null = head; b !== null; b = b.lvlNxt) {
      const after: Jump = b.lvlNxt ? { t: 'blk', b: b.lvlNxt } : nxt;
      for (const ins of b.ins) {
        if (ins.jt.t === 'nxt') ins.jt = after;
        if (ins.jf.t === 'nxt') ins.jf = after;
      }
    }
  }
  let tail = head;
  const order: Blk[] = [head];
  while (tail.lvlNxt) {
    tail = tail.lvlNxt;
    order.push(tail);
  }
  const insts = new Map<Blk, Inst>();
  for (let b: Blk | null = tail; b !== null; ) {
    const prv: Blk | null = b.lvlPrv;
    const nx: Blk | null = b.lvlNxt;
    const children: { t?: Level; f?: Level } = {};
    const own = b;
    const r = levelResolve(ctx, b, nx ? { t: 'blk', b: nx } : nxt, depth, children);
    const k = kinds.get(own);
    if (k) {
      const edge = (kind: 'child' | 'action' | 'nxt', lv: Level | undefined): Edge => (kind === 'child' ? { k: 'child', level: lv! } : { k: kind });
      insts.set(own, { blk: r, t: edge(k.t, children.t), f: edge(k.f, children.f) });
    }
    if (prv) prv.lvlNxt = r;
    r.lvlPrv = prv;
    r.lvlNxt = nx;
    if (nx) nx.lvlPrv = r;
    if (!r.lvlPrv) head = r;
    b = prv;
  }
  const level: Level = chain === null ? { action: head } : { insts: order.map((b) => insts.get(b)!) };
  return { head, level };
}
