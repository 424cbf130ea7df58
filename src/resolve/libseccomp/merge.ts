// SPDX-License-Identifier: Apache-2.0
// How libseccomp merges a new rule's chain into a syscall's existing tree: mirrors src/db.c
// (v2.6.1) _db_tree_prune and _db_tree_add, with the 2.5.4 variant of the GHSA-4q85-33p6-j5g6
// line (commit 5404f5c: when an existing node's false action has to change, ≤ 2.6.0 wrote the
// true action instead).
//
// prune runs first: it looks for the new chain inside the existing tree. When the new chain is
// a shorter form of an existing sub-tree with the same action, that sub-tree is removed; when
// an existing chain is a prefix of the new one, the new rule is redundant (db.c drops it).
// add then walks both trees level by level: equal nodes merge their actions and children,
// other nodes are inserted into the level in sibling order (tree.ts chainLt).
//
// libseccomp bug reproduced, not fixed: add() starts each level walk at the node its parent
// points to, not at the level's start, and a new node shared by two parents (the chain after a
// GT/GE/LT/LE comparison hangs off both its high- and low-word nodes) can be inserted twice.
// The second insertion makes the node its own predecessor, and every later walk of that level
// loops forever: tree.ts throws LibseccompFault('hang') where libseccomp would spin.
// E.g. ALLOW read(a0 > 5, a1 > 7) then ALLOW read(a0 > 5, a1 == 1) never returns (2.5.4
// measured; the code is unchanged in 2.6.1).

import type { Origin } from '../../policy/policy.js';
import { chainEq, chainLt, isLeaf, levelStart, live, local, nodeGet, nodePut, slot, stepper, treeActCheck, treeRemove, type ChainNode, type Ref } from './tree.js';

export type Version = '2.6' | '2.5';

/** Counts the changes treeAdd makes to existing trees (so db.ts can tell a no-op merge). */
export const changes = { count: 0, shorter: 0 };

/** The parts of a db_sys_list entry the merge touches. */
export interface TreeOwner {
  chains: ChainNode | null;
  nodeCnt: number;
}

const MATCH = 0x1;
const MATCH_ONCE = 0x2;
const X_FINISHED = 0x10;
const N_FINISHED = 0x20;
const X_PREFIX = 0x100;
const N_PREFIX = 0x200;
const M_MATCHSET = MATCH | MATCH_ONCE;
export const M_REDUNDANT = MATCH | X_FINISHED | N_PREFIX;

export interface PruneState {
  flags: number;
  readonly action: number;
  readonly sx: TreeOwner;
}

/** _db_tree_prune. Returns the number of existing nodes removed; `state.flags` reports the match. */
export function treePrune(existing: Ref, n: ChainNode | null, state: PruneState): number {
  let cnt = 0;
  const next: PruneState = { ...state };
  let x = existing.get();
  const finish = (): number => {
    if (next.flags & MATCH) state.flags |= next.flags;
    else state.flags &= ~MATCH;
    return cnt;
  };
  if (n === null || x === null) return finish();
  if ((state.flags & M_MATCHSET) === MATCH_ONCE) return finish();
  x = levelStart(x);
  const step = stepper('a level of the argument tree loops (prune)');
  /** Recurse one level down with a temporary reference on `x`; false when `x` got freed. */
  const descend = (into: Ref, with_: ChainNode, set: number, clear: number): { freed: boolean; matched: boolean } => {
    const held = local(nodeGet(x));
    const sub: PruneState = { ...state, flags: (state.flags & ~clear) | set };
    cnt += treePrune(into, with_, sub);
    cnt += nodePut(held);
    x = held.get();
    if (sub.flags & MATCH) next.flags |= sub.flags;
    return { freed: x === null, matched: (sub.flags & MATCH) !== 0 };
  };
  do {
    step();
    const cur: ChainNode = live(x!);
    const after = cur.lvlNxt;
    if (chainEq(cur, n)) {
      next.flags |= M_MATCHSET;
      if (isLeaf(n)) next.flags |= N_FINISHED;
      if (isLeaf(cur)) next.flags |= X_FINISHED;
      // The existing node has more to it than the new one: nothing to remove here.
      if ((cur.actTFlag || cur.nxtT) && !(n.actTFlag || n.nxtT)) return finish();
      if ((cur.actFFlag || cur.nxtF) && !(n.actFFlag || n.nxtF)) return finish();
      if (next.flags & N_FINISHED && next.flags & X_FINISHED) {
        if (n.actTFlag !== cur.actTFlag || n.actT !== cur.actT) return finish();
        if (n.actFFlag !== cur.actFFlag || n.actF !== cur.actF) return finish();
      }
      if (n.nxtT) {
        const r = descend(slot(cur, 'nxtT'), n.nxtT, M_MATCHSET, 0);
        if (r.freed) {
          x = after;
          continue;
        }
      }
      if (n.nxtF) {
        const r = descend(slot(x!, 'nxtF'), n.nxtF, M_MATCHSET, 0);
        if (r.freed) {
          x = after;
          continue;
        }
      }
      const same = treeActCheck(x, state.action) === undefined;
      if (same && next.flags & MATCH && next.flags & N_FINISHED && next.flags & X_PREFIX) {
        // The new chain is shorter: drop the longer existing sub-tree.
        const sys = { get: () => state.sx.chains, set: (v: ChainNode | null) => (state.sx.chains = v) };
        cnt += treeRemove(sys, x);
        if (state.sx.chains === null) return finish();
      } else if (same && next.flags & MATCH && next.flags & X_FINISHED && next.flags & N_PREFIX) {
        // The existing chain is shorter: the new one is redundant.
        return finish();
      }
    } else if (chainLt(cur, n)) {
      if (state.flags & N_PREFIX) return finish();
      if (cur.nxtT) {
        const r = descend(slot(cur, 'nxtT'), n, X_PREFIX, MATCH);
        if (r.matched) return finish();
        if (r.freed) {
          x = after;
          continue;
        }
      }
      if (x!.nxtF) {
        const r = descend(slot(x!, 'nxtF'), n, X_PREFIX, MATCH);
        if (r.matched) return finish();
        if (r.freed) {
          x = after;
          continue;
        }
      }
    } else {
      if (state.flags & X_PREFIX) return finish();
      if (n.nxtT) {
        const r = descend(local(cur), n.nxtT, N_PREFIX, MATCH);
        if (r.matched) return finish();
        if (r.freed) {
          x = after;
          continue;
        }
      }
      if (n.nxtF) {
        const r = descend(local(x), n.nxtF, N_PREFIX, MATCH);
        if (r.matched) return finish();
        if (r.freed) {
          x = after;
          continue;
        }
      }
    }
    x = after;
  } while (x !== null);
  next.flags &= ~MATCH;
  return finish();
}

/** Why _db_tree_add refused the rule (-EEXIST). */
export interface Conflict {
  readonly kind: 'longer-exists' | 'same-chain';
  /** The existing action the new rule contradicts, and the rule that set it. */
  readonly action: number;
  readonly origin: Origin | undefined;
}

/**
 * _db_tree_add: merges `n` (a level of the new chain) into the level `existing` points into.
 * Returns a Conflict for -EEXIST (the caller rolls the transaction back), else undefined.
 */
export function treeAdd(existing: Ref, n: ChainNode, owner: TreeOwner, version: Version): Conflict | undefined {
  let x: ChainNode | null = existing.get();
  const step = stepper('a level of the argument tree loops (add)');
  while (x !== null) {
    step();
    live(x);
    if (chainEq(x, n)) return mergeEqual(x, n, owner, version);
    if (!chainLt(x, n)) {
      if (x.lvlNxt === null) {
        changes.count++;
        n.lvlPrv = nodeGet(x);
        x.lvlNxt = nodeGet(n);
        return undefined;
      }
      x = x.lvlNxt;
      continue;
    }
    // Insert n before x. When x already has a predecessor that is n itself (n reached twice
    // through a shared parent), this makes n its own predecessor: the hang described above.
    changes.count++;
    if (x.lvlPrv !== null) {
      x.lvlPrv.lvlNxt = nodeGet(n);
      n.lvlPrv = x.lvlPrv;
      x.lvlPrv = nodeGet(n);
      n.lvlNxt = x;
    } else {
      x.lvlPrv = nodeGet(n);
      n.lvlNxt = nodeGet(x);
    }
    if (existing.get() === x) {
      existing.set(nodeGet(n));
      nodePut(local(x));
    }
    return undefined;
  }
  return undefined;
}

function mergeEqual(x: ChainNode, n: ChainNode, owner: TreeOwner, version: Version): Conflict | undefined {
  if (n.actTFlag) {
    if (!x.actTFlag) {
      // The new rule ends here: every action below must already be the same one.
      const bad = treeActCheck(x.nxtT, n.actT);
      if (bad) return { kind: 'longer-exists', ...bad };
      changes.count++;
      const freed = nodePut(slot(x, 'nxtT'));
      x.nxtT = null;
      x.actT = n.actT;
      x.actTOrigin = n.actTOrigin;
      x.actTFlag = true;
      owner.nodeCnt = (owner.nodeCnt - freed) >>> 0;
    } else if (n.actT !== x.actT) {
      // A high-word GT/GE node: the rule with the larger 64-bit datum decides.
      if (n.hi && n.datumFull > x.datumFull) {
        changes.count++;
        x.actT = n.actT;
        x.actTOrigin = n.actTOrigin;
      }
      if (isLeaf(x) || isLeaf(n)) return { kind: 'same-chain', action: x.actT, origin: x.actTOrigin };
    }
  }
  if (n.actFFlag) {
    if (!x.actFFlag) {
      const bad = treeActCheck(x.nxtF, n.actF);
      if (bad) return { kind: 'longer-exists', ...bad };
      changes.count++;
      const freed = nodePut(slot(x, 'nxtF'));
      x.nxtF = null;
      x.actF = n.actF;
      x.actFOrigin = n.actFOrigin;
      x.actFFlag = true;
      owner.nodeCnt = (owner.nodeCnt - freed) >>> 0;
    } else if (n.actF !== x.actF) {
      // A high-word LT/LE (or NE) node: the rule with the smaller 64-bit datum decides.
      if (n.hi && n.datumFull < x.datumFull) {
        changes.count++;
        if (version === '2.6') {
          x.actF = n.actF;
          x.actFOrigin = n.actFOrigin;
        } else {
          // ≤ 2.6.0 (GHSA-4q85-33p6-j5g6): the true action is overwritten instead.
          x.actT = n.actT;
          x.actTOrigin = n.actTOrigin;
        }
      }
      if (isLeaf(x) || isLeaf(n)) return { kind: 'same-chain', action: x.actF, origin: x.actFOrigin };
    }
  }
  if (n.nxtT) {
    if (x.nxtT) {
      const c = treeAdd(slot(x, 'nxtT'), n.nxtT, owner, version);
      if (c) return c;
    } else if (!x.actTFlag) {
      changes.count++;
      x.nxtT = nodeGet(n.nxtT);
    }
    else {
      changes.shorter++; // the existing chain is shorter: the rest of the new one is dropped
      return undefined;
    }
  }
  if (n.nxtF) {
    if (x.nxtF) {
      const c = treeAdd(slot(x, 'nxtF'), n.nxtF, owner, version);
      if (c) return c;
    } else if (!x.actFFlag) {
      changes.count++;
      x.nxtF = nodeGet(n.nxtF);
    } else {
      changes.shorter++;
      return undefined;
    }
  }
  return undefined;
}
