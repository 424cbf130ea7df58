// SPDX-License-Identifier: Apache-2.0
// One architecture's rule database: mirrors src/db.c (v2.6.1) struct db_filter /
// db_sys_list and db_rule_add. Entries are kept sorted by syscall number as libseccomp sorts
// them (unsigned: negative pseudo numbers after every real one). Each entry is either
// unconditional (chains null, `action`) or an argument tree; its priority is
// 0xFFFF − node count (fewer nodes dispatch first under optimize=1).
//
// db_rule_add, in order:
//   new syscall                      → new entry
//   entry unconditional              → the new rule is dropped (whatever its action)
//   new rule unconditional           → it replaces the whole tree
//   prune removed the whole tree     → the new chain becomes the tree
//   an existing chain is a prefix    → the new rule is dropped (redundant)
//   otherwise                        → merge (merge.ts treeAdd), -EEXIST on conflict

import type { Arch } from '../../arch/arch.js';
import type { Origin } from '../../policy/policy.js';
import { changes, M_REDUNDANT, treeAdd, treePrune, type Conflict, type PruneState, type Version } from './merge.js';
import { genChain32, genChain64, type GenRule } from './rule-gen.js';
import { treePut, type ChainNode } from './tree.js';

/**
 * A syscall number as libseccomp stores it: a real number, -1 (API_TSKIP), a negative raw or
 * multiplexer pseudo number (-101…, -201…), or `{ pnr }`: the __PNR_* pseudo number of a
 * syscall the ABI does not have (its value only matters for ordering, so the name stands in).
 */
export type SysNum = number | { readonly pnr: string };

export interface SysEntry {
  readonly num: SysNum;
  /** Unsigned sort key of `num`. */
  readonly key: number;
  priority: number;
  chains: ChainNode | null;
  nodeCnt: number;
  /** The action when unconditional. */
  action: number;
  actionOrigin: Origin | undefined;
}

/** What one db_rule_add did, for the rule's outcome. */
export type DbEffect =
  | { readonly kind: 'new' }
  | { readonly kind: 'after-unconditional'; readonly action: number; readonly origin: Origin | undefined }
  | { readonly kind: 'override'; readonly replaced: number }
  | { readonly kind: 'replaced-pruned'; readonly pruned: number }
  | { readonly kind: 'redundant' }
  | { readonly kind: 'merged'; readonly pruned: number; readonly changed: boolean }
  | { readonly kind: 'conflict'; readonly conflict: Conflict };

const PRI_CHAIN = 0xffff;
const NEW: DbEffect = Object.freeze({ kind: 'new' });
/** __PNR_* numbers are ≤ -10000; any value between the real numbers and -1 sorts the same. */
const PNR_KEY = 0xffffd8f0;

export function sysKey(num: SysNum): number {
  return typeof num === 'number' ? num >>> 0 : PNR_KEY;
}

function sameSys(a: SysNum, b: SysNum): boolean {
  return typeof a === 'number' || typeof b === 'number' ? a === b : a.pnr === b.pnr;
}

function before(a: SysEntry, num: SysNum): boolean {
  const k = sysKey(num);
  if (a.key !== k) return a.key < k;
  return typeof a.num !== 'number' && typeof num !== 'number' && a.num.pnr < num.pnr;
}

/** Skipped by gen_bpf (_skip_syscall): pseudo numbers, and -1 unless API_TSKIP is set. */
export function isEmitted(e: SysEntry, tskip: boolean): boolean {
  if (typeof e.num !== 'number') return false;
  return e.num >= 0 || (tskip && e.num === -1);
}

export class ArchDb {
  /** Sorted by `key` (libseccomp's db->syscalls list). */
  readonly entries: SysEntry[] = [];
  constructor(
    readonly arch: Arch,
    readonly version: Version,
  ) {}

  find(num: SysNum): SysEntry | undefined {
    return this.entries.find((e) => sameSys(e.num, num));
  }

  /** db_rule_add: `num` is already translated for this ABI. */
  ruleAdd(num: SysNum, rule: GenRule): DbEffect {
    const gen = this.arch.bits === 64 ? genChain64(rule) : genChain32(rule);
    // Entries are sorted by `before`: the first entry not before `num` (a lower bound).
    let i = 0;
    let hi = this.entries.length;
    while (i < hi) {
      const mid = (i + hi) >>> 1;
      if (before(this.entries[mid]!, num)) i = mid + 1;
      else hi = mid;
    }
    const found = this.entries[i];
    if (found === undefined || !sameSys(found.num, num)) {
      this.entries.splice(i, 0, {
        num,
        key: sysKey(num),
        priority: (PRI_CHAIN - gen.nodeCnt) >>> 0,
        chains: gen.chains,
        nodeCnt: gen.nodeCnt,
        action: rule.action,
        actionOrigin: gen.chains === null ? rule.origin : undefined,
      });
      return NEW;
    }
    const s = found;
    const newHead = { v: gen.chains };
    const dropNew = (): void => {
      treePut({ get: () => newHead.v, set: (x) => (newHead.v = x) });
    };
    // (0xFFFF − node count) is unsigned in C and OR-ed in whole: a count above 0xFFFF spills upward.
    const updatePriority = (): void => {
      s.priority = ((s.priority & ~PRI_CHAIN) | ((PRI_CHAIN - s.nodeCnt) >>> 0)) >>> 0;
    };
    if (s.chains === null) {
      dropNew();
      updatePriority();
      return { kind: 'after-unconditional', action: s.action, origin: s.actionOrigin };
    }
    if (gen.chains === null) {
      const replaced = s.nodeCnt;
      treePut({ get: () => s.chains, set: (x) => (s.chains = x) });
      s.chains = null;
      s.nodeCnt = 0;
      s.action = rule.action;
      s.actionOrigin = rule.origin;
      updatePriority();
      return { kind: 'override', replaced };
    }
    const before_ = changes.count;
    const shorter = changes.shorter;
    const state: PruneState = { flags: 0, action: rule.action, sx: s };
    const pruned = treePrune({ get: () => s.chains, set: (x) => (s.chains = x) }, gen.chains, state);
    if (pruned > 0) {
      s.nodeCnt = (s.nodeCnt - pruned) >>> 0;
      if (s.chains === null) {
        // The new chain is shorter than everything that was there: it becomes the tree.
        s.chains = gen.chains;
        s.action = rule.action;
        s.actionOrigin = undefined;
        s.nodeCnt = gen.nodeCnt;
        s.priority = (PRI_CHAIN - gen.nodeCnt) >>> 0;
        updatePriority();
        return { kind: 'replaced-pruned', pruned };
      }
    } else if ((state.flags & M_REDUNDANT) === M_REDUNDANT) {
      dropNew();
      updatePriority();
      return { kind: 'redundant' };
    }
    const conflict = treeAdd({ get: () => s.chains, set: (x) => (s.chains = x) }, gen.chains, s, this.version);
    if (conflict) {
      dropNew();
      return { kind: 'conflict', conflict };
    }
    s.nodeCnt = (s.nodeCnt + gen.nodeCnt) >>> 0;
    s.nodeCnt = (s.nodeCnt - treePut({ get: () => newHead.v, set: (x) => (newHead.v = x) })) >>> 0;
    updatePriority();
    if (pruned === 0 && changes.count === before_ && changes.shorter !== shorter) return { kind: 'redundant' };
    return { kind: 'merged', pruned, changed: pruned > 0 || changes.count !== before_ };
  }
}
