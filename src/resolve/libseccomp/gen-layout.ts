// SPDX-License-Identifier: Apache-2.0
// The whole program as libseccomp lays it out, block by block: mirrors src/gen_bpf.c (v2.6.1)
// _gen_bpf_syscall, _gen_bpf_syscalls (with _sys_sort, _skip_syscall, the binary tree of
// _gen_bpf_init_bintree / _gen_bpf_bintree), _gen_bpf_arch (the x86_64/x32 guard, the arch
// check), _gen_bpf_insert, _gen_bpf_find_nxt and the first half of _gen_bpf_build_bpf: the
// main list, top-level fall-through resolution and the pass that pulls every referenced block
// in after its first jumper, prepending an `ld` (and `and`) when that jumper's accumulator
// differs from the block's assumption. Only the first jumper is checked: the other ones reach
// the block with whatever they hold (the stale-accumulator bug). The long-jump pass that
// follows changes no verdict (bar trap 1 on big-endian hosts) and is not reproduced.

import { X32, X86_64 } from '../../arch/index.js';
import type { ArchDb, SysEntry } from './db.js';
import { isEmitted } from './db.js';
import { accEq, actionBlock, append, ARCH_ACC, Blk, BlockTable, genChain, NONE, NR_ACC, UNDEF, type Ins, type Jump, type Level } from './gen-blocks.js';

export interface LayoutOptions {
  readonly defaultAction: number;
  readonly badArchAction: number;
  readonly tskip: boolean;
  readonly optimize: 1 | 2;
}

export interface Layout {
  readonly head: Blk;
  readonly table: BlockTable;
  /** The argument tree each dispatch block jumps into. */
  readonly chains: ReadonlyMap<Blk, Level>;
}

const X32_SYSCALL_BIT = 0x4000_0000;
const SYSCALLS_PER_NODE = 4;
const INVALID = -1;

interface State {
  readonly table: BlockTable;
  readonly o: LayoutOptions;
  readonly defHash: number;
  readonly badArchHash: number;
  head: Blk | null;
  tail: Blk | null;
  cur: Blk | null;
  readonly chains: Map<Blk, Level>;
}

/** _gen_bpf_insert: hashes `ins` (appended to `into`, or a new block) and puts it at the list head. */
function insert(st: State, ins: Ins, into: Blk | null): Blk {
  let b = append(into, ins);
  b.next = st.head;
  if (st.head) st.head.prev = b;
  st.head = b;
  b = st.table.add(b, true);
  return b;
}

function sorted(dbs: readonly ArchDb[], optimize: 1 | 2): SysEntry[] {
  const all = dbs.flatMap((db) => db.entries).map((e, i) => ({ e, i }));
  all.sort(optimize === 2 ? (a, b) => b.e.key - a.e.key || a.i - b.i : (a, b) => b.e.priority - a.e.priority || a.i - b.i);
  return all.map((x) => x.e);
}

/** _gen_bpf_syscall */
function genSyscall(st: State, dbArch: ArchDb, e: SysEntry, nxtHash: number, accReset: boolean): Blk {
  let blk = new Blk();
  blk.kind = 'syscall';
  let start = UNDEF;
  if (accReset) {
    append(blk, { op: 'ld', k: 0, jt: NONE, jf: NONE });
    start = NR_ACC;
    blk.accStart = UNDEF;
    blk.assumed = UNDEF;
    blk.accEnd = NR_ACC;
  } else {
    blk.accStart = NR_ACC;
    blk.assumed = NR_ACC;
    blk.accEnd = NR_ACC;
  }
  const chain = genChain({ table: st.table, arch: dbArch.arch, sysAction: e.action }, e.chains, { t: 'hsh', h: st.defHash }, start);
  append(blk, { op: 'jeq', k: e.key, jt: { t: 'hsh', h: chain.head.hash }, jf: { t: 'hsh', h: nxtHash } });
  blk.priority = e.priority;
  blk = st.table.add(blk, true);
  st.chains.set(blk, chain.level);
  return blk;
}

function bintreeLevels(count: number): number {
  if (count === 0) return 0;
  let i = 2;
  let max = SYSCALLS_PER_NODE * 2;
  while (max < count) {
    max *= 2;
    i++;
  }
  return i;
}

/** _gen_bpf_syscalls: the dispatch of one block; returns how many blocks it added. */
function genSyscalls(st: State, dbs: readonly ArchDb[]): { added: number; levels: number } {
  st.head = null;
  st.tail = null;
  st.cur = null;
  const list = sorted(dbs, st.o.optimize);
  const dbOf = new Map<SysEntry, ArchDb>();
  for (const db of dbs) for (const e of db.entries) dbOf.set(e, db);
  let levels = 0;
  let empty = 0;
  const treeNr: number[] = [];
  const treeHash: number[] = [];
  if (st.o.optimize === 2) {
    const count = list.filter((e) => isEmitted(e, st.o.tskip)).length;
    levels = bintreeLevels(count);
    if (levels > 0) {
      empty = ((SYSCALLS_PER_NODE * 2) << (levels - 1)) - count;
      for (let i = 0; i < levels; i++) {
        treeNr.push(INVALID);
        treeHash.push(INVALID);
      }
    }
  }
  const guarded = dbs.length === 1 && (dbs[0]!.arch === X86_64 || dbs[0]!.arch === X32);
  let accReset = !guarded;
  if (levels > 0) accReset = false;
  let added = 0;
  let count = 0;
  for (let k = list.length - 1; k >= 0; k--) {
    const e = list[k]!;
    if (!isEmitted(e, st.o.tskip)) continue;
    const nxt = levels > 0 && (count + empty) % SYSCALLS_PER_NODE === 0 ? st.defHash : st.head === null ? st.defHash : st.head.hash;
    const b = genSyscall(st, dbOf.get(e)!, e, nxt, k === 0 ? accReset : false);
    st.cur = b;
    b.prev = null;
    b.next = st.head;
    if (st.tail !== null) {
      st.head!.prev = b;
      st.head = b;
    } else {
      st.head = b;
      st.tail = b;
    }
    if (st.tail.next !== null) st.tail = st.tail.next;
    added++;
    count++;
    if (levels > 0) added += bintree(st, treeNr, treeHash, levels, count + empty, e.key);
  }
  return { added, levels };
}

/** _gen_bpf_bintree: after a syscall that closes a leaf, the `jgt` nodes above it. */
function bintree(st: State, treeNr: number[], treeHash: number[], levels: number, total: number, cur: number): number {
  let added = 0;
  for (let i = levels - 1; i >= 0; i--) {
    const level = SYSCALLS_PER_NODE << i;
    if (total % level !== 0) continue;
    treeNr[i] = cur >>> 0;
    treeHash[i] = st.cur!.hash;
    let node: Blk | null = null;
    let j = 0;
    for (; j < i; j++) {
      // BTREE_SYSCALL_INVALID is UINT_MAX: a leaf ending at syscall -1 looks unset.
      if (treeNr[j] === INVALID || treeNr[j] === 0xffffffff || treeHash[j] === INVALID) continue;
      const ins: Ins = { op: 'jgt', k: treeNr[j]!, jt: { t: 'hsh', h: node === null ? st.cur!.hash : node.hash }, jf: { t: 'hsh', h: treeHash[j]! } };
      added++;
      node = insert(st, ins, null);
    }
    if (node !== null) treeHash[j] = node.hash;
    break;
  }
  return added;
}

/** _gen_bpf_arch: one arch block (x86_64 and x32 share one); returns its first block. */
function genArch(st: State, dbs: readonly ArchDb[]): Blk {
  const arch = dbs[0]!.arch;
  const r = genSyscalls(st, dbs);
  let count = r.added;
  if (r.levels > 0) {
    const b = insert(st, { op: 'ld', k: 0, jt: NONE, jf: NONE }, null);
    b.accStart = UNDEF;
    b.accEnd = NR_ACC;
    count++;
  }
  const first = (): number => (st.head !== null ? st.head.hash : st.defHash);
  if ((arch === X86_64 || arch === X32) && dbs.length === 1) {
    let g = append(null, { op: 'ld', k: 0, jt: NONE, jf: NONE });
    g.accEnd = NR_ACC;
    let last: Ins;
    if (arch === X86_64) {
      g = append(g, { op: 'jge', k: X32_SYSCALL_BIT, jt: NONE, jf: { t: 'hsh', h: first() } });
      last = { op: 'jeq', k: 0xffffffff, jt: { t: 'hsh', h: first() }, jf: { t: 'hsh', h: st.badArchHash } };
    } else last = { op: 'jge', k: X32_SYSCALL_BIT, jt: { t: 'hsh', h: first() }, jf: { t: 'hsh', h: st.badArchHash } };
    count++;
    insert(st, last, g);
  }
  const check: Ins = { op: 'jeq', k: arch.auditArch, jt: { t: 'hsh', h: first() }, jf: { t: 'nxt', n: count } };
  insert(st, check, null);
  return st.head!;
}

/** _gen_bpf_build_bpf up to (not including) the long-jump pass. */
export function buildLayout(dbs: readonly ArchDb[], o: LayoutOptions): Layout {
  const table = new BlockTable();
  const badArch = table.add(actionBlock(o.badArchAction), true);
  const def = table.add(actionBlock(o.defaultAction), false);
  let head = append(null, { op: 'ld', k: 4, jt: NONE, jf: NONE });
  head.accEnd = ARCH_ACC;
  head = table.add(head, true);
  const chains = new Map<Blk, Level>();
  const st: State = { table, o, defHash: def.hash, badArchHash: badArch.hash, head: null, tail: null, cur: null, chains };
  let tail = head;
  const i64 = dbs.findIndex((d) => d.arch === X86_64);
  const i32 = dbs.findIndex((d) => d.arch === X32);
  dbs.forEach((db, i) => {
    let block: ArchDb[] = [db];
    if (i === i64 && i32 >= 0) {
      if (i32 < i) return;
      block = [db, dbs[i32]!];
    } else if (i === i32 && i64 >= 0) {
      if (i64 < i) return;
      block = [db, dbs[i64]!];
    }
    const b = genArch(st, block);
    b.prev = tail;
    tail.next = b;
    tail = b;
    while (tail.next !== null) tail = tail.next;
  });
  badArch.prev = tail;
  badArch.next = null;
  tail.next = badArch;
  tail = badArch;
  // Top-level fall-through jumps (the arch checks' "next arch").
  for (let b: Blk | null = head; b !== null && b.next !== null; b = b.next) {
    for (const ins of b.ins) {
      for (const side of ['jt', 'jf'] as const) {
        const j = ins[side];
        if (j.t !== 'nxt') continue;
        let t: Blk | null = b.next;
        for (let n = j.n; t !== null && n > 0; n--) t = t.next;
        if (t === null) throw new Error('libseccomp model: a fall-through jump runs off the program');
        ins[side] = { t: 'hsh', h: t.hash };
      }
    }
  }
  pullIn(table, tail);
  return { head, table, chains };
}

/** Every referenced block goes right after the first block found jumping to it, scanning from the tail. */
function pullIn(table: BlockTable, last: Blk): void {
  let tail = last;
  let it: Blk | null = tail;
  while (it !== null) {
    let pulled: Blk | undefined;
    for (let i = it.ins.length - 1; i >= 0 && pulled === undefined; i--) {
      const ins = it.ins[i]!;
      if (ins.jt.t === 'hsh') pulled = table.findOnce(ins.jt.h);
      if (pulled === undefined && ins.jf.t === 'hsh') pulled = table.findOnce(ins.jf.h);
      if (pulled !== undefined) {
        if (pulled.accStart.offset !== -1 && !accEq(it.accEnd, pulled.accStart)) {
          if (pulled.accStart.mask !== 0xffffffff) pulled.ins.unshift({ op: 'and', k: pulled.accStart.mask, jt: NONE, jf: NONE });
          pulled.ins.unshift({ op: 'ld', k: pulled.accStart.offset, jt: NONE, jf: NONE });
          pulled.accStart = UNDEF;
        }
        pulled.prev = it;
        pulled.next = it.next;
        it.next = pulled;
        if (pulled.next) pulled.next.prev = pulled;
      }
    }
    if (pulled !== undefined) {
      while (tail.next !== null) tail = tail.next;
      it = tail;
    } else it = it.prev;
  }
}

export type { Jump };
