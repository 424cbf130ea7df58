// SPDX-License-Identifier: Apache-2.0
// libseccomp's argument-chain tree, node by node: mirrors src/db.c (v2.6.1) struct
// db_arg_chain_tree and its helpers _db_chain_lt, _db_chain_eq, _db_chain_leaf,
// _db_chain_zombie, _db_node_get, _db_node_put, _db_level_clean, _db_tree_put,
// _db_tree_remove and _db_tree_act_check.
//
// The tree is a DAG of mutable nodes. A "level" is a doubly linked list of sibling nodes
// (lvlPrv/lvlNxt); nxtT/nxtF point at one node of the next level, reached when the node's test
// is true/false. Nodes are reference counted exactly as libseccomp counts them, because the
// counts decide which nodes a removal frees (and so the node count that orders the syscall
// dispatch). A node freed here is only marked; touching it again would be a use-after-free in
// C and throws. A walk that never ends (libseccomp can corrupt a level into a cycle, see
// merge.ts) throws LibseccompFault instead of looping.

import type { CmpOp } from '../types.js';
import type { Origin } from '../../policy/policy.js';

/** The comparison a node emits: `jeq` (EQ, MASKED_EQ after `and mask`), `jgt` or `jge`. */
export type NodeOp = 'EQ' | 'MASKED_EQ' | 'GT' | 'GE';

export class ChainNode {
  /** Argument number, 0..5. */
  arg: number;
  /** The high 32-bit word of a 64-bit argument (64-bit ABIs only). */
  hi: boolean;
  op: NodeOp;
  /** The API operator the node came from: orders siblings (_db_chain_lt). */
  opOrig: CmpOp;
  /** 32-bit mask and (pre-masked) 32-bit datum. */
  mask: number;
  datum: number;
  /** The rule's whole 64-bit datum: breaks ties between merged high-word nodes. */
  datumFull: bigint;
  actTFlag = false;
  actT = 0;
  actTOrigin: Origin | undefined;
  actFFlag = false;
  actF = 0;
  actFOrigin: Origin | undefined;
  lvlPrv: ChainNode | null = null;
  lvlNxt: ChainNode | null = null;
  nxtT: ChainNode | null = null;
  nxtF: ChainNode | null = null;
  refcnt = 0;
  freed = false;

  constructor(init: { arg: number; hi: boolean; op: NodeOp; opOrig: CmpOp; mask: number; datum: number; datumFull: bigint }) {
    this.arg = init.arg;
    this.hi = init.hi;
    this.op = init.op;
    this.opOrig = init.opOrig;
    this.mask = init.mask >>> 0;
    this.datum = init.datum >>> 0;
    this.datumFull = init.datumFull;
  }
}

/** libseccomp would loop forever, or touch freed memory, on this input. */
export class LibseccompFault extends Error {
  constructor(
    readonly kind: 'hang' | 'use-after-free',
    readonly where: string,
  ) {
    super(kind === 'hang' ? `libseccomp would never return: ${where}` : `libseccomp would use freed memory: ${where}`);
  }
}

/** A C `struct db_arg_chain_tree **`: a slot some function may rewrite. */
export interface Ref {
  get(): ChainNode | null;
  set(n: ChainNode | null): void;
}

export function local(n: ChainNode | null): Ref {
  let v = n;
  return { get: () => v, set: (x) => (v = x) };
}

export function slot(node: ChainNode, key: 'nxtT' | 'nxtF'): Ref {
  return { get: () => node[key], set: (x) => (node[key] = x) };
}

/** Bounds every walk: a level is never longer than the rules that built it. */
const WALK_LIMIT = 200_000;

export function live(n: ChainNode): ChainNode {
  if (n.freed) throw new LibseccompFault('use-after-free', 'a freed argument-tree node is used again');
  return n;
}

/** The first node of `n`'s level (the `while (x->lvl_prv) x = x->lvl_prv` walk). */
export function levelStart(n: ChainNode): ChainNode {
  let x = live(n);
  let steps = 0;
  while (x.lvlPrv !== null) {
    x = live(x.lvlPrv);
    if (++steps > WALK_LIMIT) throw new LibseccompFault('hang', 'a level of the argument tree loops back on itself (lvl_prv cycle)');
  }
  return x;
}

/** Counts steps of a forward walk; throws when it cannot end. */
export function stepper(where: string): () => void {
  let steps = 0;
  return () => {
    if (++steps > WALK_LIMIT) throw new LibseccompFault('hang', where);
  };
}

function argPriority(n: ChainNode): number {
  return (n.arg << 1) + (n.hi ? 1 : 0);
}

function opPriority(op: CmpOp): number {
  switch (op) {
    case 'MASKED_EQ': case 'EQ': case 'NE': return 3;
    case 'LE': case 'LT': return 2;
    case 'GE': case 'GT': return 1;
  }
}

/**
 * Sibling order (_db_chain_lt): `a` sorts after `b` (a level is kept highest first) when its
 * argument index is lower, then low word before high, then by operator class, then by datum
 * (smaller first, inverted for LT/LE).
 */
export function chainLt(a: ChainNode, b: ChainNode): boolean {
  const aa = argPriority(a);
  const ba = argPriority(b);
  if (aa !== ba) return aa < ba;
  const ao = opPriority(a.opOrig);
  const bo = opPriority(b.opOrig);
  if (ao !== bo) return ao < bo;
  if (a.opOrig === 'LE' || a.opOrig === 'LT') return a.datum > b.datum;
  return a.datum < b.datum;
}

/** Same test (_db_chain_eq): argument word, emitted op, datum and mask; op_orig is ignored. */
export function chainEq(a: ChainNode, b: ChainNode): boolean {
  return argPriority(a) === argPriority(b) && a.op === b.op && a.datum === b.datum && a.mask === b.mask;
}

export function isLeaf(n: ChainNode): boolean {
  return n.nxtT === null && n.nxtF === null;
}

export function isZombie(n: ChainNode): boolean {
  return isLeaf(n) && !n.actTFlag && !n.actFFlag;
}

export function nodeGet(n: ChainNode | null): ChainNode | null {
  if (n !== null) live(n).refcnt++;
  return n;
}

/**
 * _db_node_put: drops one reference; the last one frees the node and everything only it
 * holds, splices its level back together and points `ref` at a surviving neighbour.
 * Returns the number of nodes freed.
 */
export function nodePut(ref: Ref): number {
  const n = ref.get();
  if (n === null) return 0;
  live(n);
  let cnt = 0;
  if (--n.refcnt === 0) {
    const lp = local(n.lvlPrv);
    const ln = local(n.lvlNxt);
    const nt = local(n.nxtT);
    const nf = local(n.nxtF);
    if (lp.get()) lp.get()!.lvlNxt = null;
    if (ln.get()) ln.get()!.lvlPrv = null;
    if (lp.get()) cnt += nodePut(lp);
    if (ln.get()) cnt += nodePut(ln);
    if (lp.get()) lp.get()!.lvlNxt = nodeGet(ln.get());
    if (ln.get()) ln.get()!.lvlPrv = nodeGet(lp.get());
    ref.set(lp.get() ?? ln.get() ?? null);
    cnt += treePut(nt);
    cnt += treePut(nf);
    n.freed = true;
    cnt++;
  }
  return cnt;
}

/** _db_level_clean: frees `node`'s whole level when nothing outside the level holds it. */
export function levelClean(node: ChainNode): number {
  const start = levelStart(node);
  const step = stepper('a level of the argument tree loops (level clean)');
  for (let n: ChainNode | null = start; n !== null; n = n.lvlNxt) {
    step();
    const links = (n.lvlPrv ? 1 : 0) + (n.lvlNxt ? 1 : 0);
    if (live(n).refcnt > links) return 0;
  }
  let cnt = 0;
  const it = local(start);
  while (it.get() !== null) {
    step();
    cnt += nodePut(it);
  }
  return cnt;
}

/** _db_tree_put: drops the reference `ref` holds and collects its level if it became garbage. */
export function treePut(ref: Ref): number {
  let cnt = nodePut(ref);
  const n = ref.get();
  if (n !== null) cnt += levelClean(n);
  return cnt;
}

/**
 * _db_tree_remove: finds `node` below `tree` and unlinks it (and its sub-tree) from its level;
 * on the way back up a node left without children or actions (a zombie) goes too. Stops after
 * the first level where something was freed.
 */
export function treeRemove(tree: Ref, node: ChainNode | null): number {
  const head = tree.get();
  if (head === null || node === null) return 0;
  let cnt = 0;
  let c: ChainNode | null = levelStart(head);
  const step = stepper('a level of the argument tree loops (tree remove)');
  let target: ChainNode | undefined;
  do {
    step();
    if (c === node) {
      target = c;
      break;
    }
    cnt += treeRemove(slot(c, 'nxtT'), node);
    cnt += treeRemove(slot(c, 'nxtF'), node);
    if (isZombie(c)) {
      target = c;
      break;
    }
    c = c.lvlNxt;
  } while (c !== null && cnt === 0);
  if (target === undefined) return cnt;
  if (target === tree.get()) tree.set(target.lvlPrv ?? target.lvlNxt);
  if (target.lvlPrv) target.lvlPrv.lvlNxt = target.lvlNxt;
  if (target.lvlNxt) target.lvlNxt.lvlPrv = target.lvlPrv;
  target.lvlPrv = null;
  target.lvlNxt = null;
  cnt += nodePut(local(target));
  return cnt;
}

/**
 * _db_tree_act_check: undefined when every action in the tree equals `action`, else the first
 * node action that differs (libseccomp answers -EEXIST).
 */
export function treeActCheck(tree: ChainNode | null, action: number): { action: number; origin: Origin | undefined } | undefined {
  if (tree === null) return undefined;
  const step = stepper('a level of the argument tree loops (action check)');
  for (let c: ChainNode | null = levelStart(tree); c !== null; c = c.lvlNxt) {
    step();
    if (c.actTFlag && c.actT !== action) return { action: c.actT, origin: c.actTOrigin };
    if (c.actFFlag && c.actF !== action) return { action: c.actF, origin: c.actFOrigin };
    const t = treeActCheck(c.nxtT, action) ?? treeActCheck(c.nxtF, action);
    if (t) return t;
  }
  return undefined;
}
