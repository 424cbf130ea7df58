// SPDX-License-Identifier: Apache-2.0
// What the BPF that libseccomp exports does, as a Policy: mirrors the control flow of
// src/gen_bpf.c (v2.6.1) _gen_bpf_build_bpf, _gen_bpf_arch, _gen_bpf_syscalls,
// _gen_bpf_syscall, _gen_bpf_chain, _gen_bpf_chain_lvl_res, _gen_bpf_node, _sys_sort and
// _skip_syscall — not its layout (hashing, block placement and long-jump fixes don't change
// what a program returns).
//
// Control flow of one syscall's tree: a level's nodes are tried in order. A node's true (false)
// edge goes to its nxt_t (nxt_f) level, else to its true (false) action, else on to the next
// node of the level. When a whole level falls through, control continues after the node that
// led to it (the next sibling of the parent), and when the top level falls through, to the
// filter's default action. That is a first-match list over the root-to-action paths in
// depth-first order, which is what a Policy decision list is.
//
// Dispatch: every emitted syscall is one `jeq nr`; a number in both halves of the
// x86_64+x32 block (only -1, with API_TSKIP) is decided by whichever entry the search reaches
// first: under optimize=1 the higher priority (then the first-added ABI); under optimize=2
// the binary tree's leaves (4 syscalls each, filled from the lowest number after padding) are
// searched from the highest number down, and a tie across a leaf boundary goes to the lower
// leaf.
//
// This is the meaning libseccomp intends. Where its layout departs from it (the no-nr-load and
// stale-accumulator bugs) see lower-layout.ts; losesNrLoad() says where the first one strikes:
// under optimize=1 only the first entry of the priority-sorted list loads seccomp_data.nr, and
// when that entry is a pseudo syscall (skipped) a block without its own ABI guard never does.

import type { Arch } from '../../arch/arch.js';
import type { AbiPolicy, Decision, Origin, WordCondition } from '../../policy/policy.js';
import { isEmitted, type ArchDb, type SysEntry } from './db.js';
import { LibseccompFault, levelStart, stepper, type ChainNode } from './tree.js';

export interface LowerOptions {
  readonly defaultAction: number;
  readonly tskip: boolean;
  readonly optimize: 1 | 2;
}

/** How many decisions one syscall may expand to before the model gives up (a DAG can fan out). */
const MAX_DECISIONS = 200_000;

function condition(n: ChainNode, taken: boolean): WordCondition {
  return {
    arg: n.arg,
    half: n.hi ? 'hi' : 'lo',
    op: n.op === 'GT' ? 'gt' : n.op === 'GE' ? 'ge' : 'eq',
    mask: n.mask,
    value: n.datum,
    negate: !taken,
  };
}

/** The decision list of one tree (paths in depth-first order, as gen_bpf's fall-throughs run them). */
export function treeDecisions(chains: ChainNode, defaultOrigin?: Origin): Decision[] {
  const out: Decision[] = [];
  const depthLimit = 512;
  const walk = (entry: ChainNode, prefix: readonly WordCondition[], depth: number): void => {
    if (depth > depthLimit) throw new LibseccompFault('hang', 'the argument tree is too deep to generate (gen_bpf recursion)');
    const step = stepper('a level of the argument tree loops (gen_bpf level walk)');
    for (let n: ChainNode | null = levelStart(entry); n !== null; n = n.lvlNxt) {
      step();
      for (const taken of [true, false]) {
        const next = taken ? n.nxtT : n.nxtF;
        const conds = [...prefix, condition(n, taken)];
        if (next !== null) walk(next, conds, depth + 1);
        else if (taken ? n.actTFlag : n.actFFlag) {
          const origin = (taken ? n.actTOrigin : n.actFOrigin) ?? defaultOrigin;
          out.push(origin ? { conditions: conds, action: taken ? n.actT : n.actF, origin } : { conditions: conds, action: taken ? n.actT : n.actF });
          if (out.length > MAX_DECISIONS) throw new Error(`libseccomp model: more than ${MAX_DECISIONS} decisions for one syscall`);
        }
      }
    }
  };
  walk(chains, [], 0);
  return out;
}

export function entryDecisions(e: SysEntry): Decision[] {
  if (e.chains === null) return [e.actionOrigin ? { conditions: [], action: e.action, origin: e.actionOrigin } : { conditions: [], action: e.action }];
  return treeDecisions(e.chains);
}

interface Listed {
  readonly e: SysEntry;
  /** 0 for the block's first ABI, 1 for the second (x86_64+x32). */
  readonly db: number;
}

/** _sys_sort over the block's databases: the order the dispatch list is built from. */
function sortedList(dbs: readonly ArchDb[], optimize: 1 | 2): Listed[] {
  const all: Listed[] = [];
  for (let i = 0; i < dbs.length; i++) for (const e of dbs[i]!.entries) all.push({ e, db: i });
  // Array.prototype.sort is stable: ties stay in insertion order (primary ABI first).
  if (optimize === 2) return all.sort((a, b) => b.e.key - a.e.key); // descending by number
  return all.sort((a, b) => b.e.priority - a.e.priority); // highest priority first
}

/** gen_bpf's _get_bintree_levels / empty slots: only the count mod 4 matters here. */
function emptySlots(count: number): number {
  if (count === 0) return 0;
  let levels = 2;
  let max = 8;
  while (max < count) {
    max *= 2;
    levels++;
  }
  return 8 * 2 ** (levels - 1) - count;
}

/** For each emitted number, the entry the dispatch reaches first. */
function winners(list: readonly Listed[], o: LowerOptions): Map<number, Listed> {
  const emitted = list.filter((l) => isEmitted(l.e, o.tskip));
  const win = new Map<number, Listed>();
  if (o.optimize === 1) {
    for (const l of emitted) if (!win.has(l.e.key)) win.set(l.e.key, l);
    return win;
  }
  // Processing runs from the smallest number up; leaves are groups of 4 after the padding.
  const ascending = [...emitted].reverse();
  const empty = emptySlots(ascending.length);
  const best = new Map<number, { l: Listed; group: number; idx: number }>();
  ascending.forEach((l, idx) => {
    const group = Math.floor((idx + empty) / 4);
    const cur = best.get(l.e.key);
    if (!cur || group < cur.group || (group === cur.group && idx > cur.idx)) best.set(l.e.key, { l, group, idx });
  });
  for (const [k, v] of best) win.set(k, v.l);
  return win;
}

/** Does this block lose its `ld nr` (the ledgered libseccomp bug)? */
export function losesNrLoad(dbs: readonly ArchDb[], o: LowerOptions, guarded: boolean, sorted?: readonly Listed[]): boolean {
  if (o.optimize !== 1 || guarded) return false;
  const head = (sorted ?? sortedList(dbs, 1))[0];
  return head !== undefined && !isEmitted(head.e, o.tskip);
}

export interface BlockResult {
  readonly policies: AbiPolicy[];
  readonly noNrLoad: boolean;
  readonly faults: string[];
}

/**
 * One arch block: one ABI, or x86_64 and x32 together (the first added leads). `guarded` is
 * true for x86_64 or x32 alone (the x32-bit guard loads nr itself).
 */
export function lowerBlock(dbs: readonly ArchDb[], o: LowerOptions): BlockResult {
  const arches = dbs.map((d) => d.arch);
  const guarded = dbs.length === 1 && arches[0]!.auditArch === 0xc000003e;
  const maps = arches.map(() => new Map<number, readonly Decision[]>());
  const faults: string[] = [];
  const sorted = sortedList(dbs, o.optimize);
  const noNrLoad = losesNrLoad(dbs, o, guarded, o.optimize === 1 ? sorted : undefined);
  {
    for (const [key, l] of winners(sorted, o)) {
      let decisions: Decision[];
      try {
        decisions = entryDecisions(l.e);
      } catch (err) {
        if (!(err instanceof LibseccompFault)) throw err;
        faults.push(`${arches[l.db]!.name} syscall ${key}: ${err.message}`);
        continue;
      }
      // evaluate() picks x32 in a shared block for nr >= 0x40000000.
      const target = dbs.length === 1 ? 0 : arches.findIndex((a) => (a.nrBit !== 0) === key >= 0x4000_0000);
      maps[target < 0 ? 0 : target]!.set(key, decisions);
    }
  }
  const policies = arches.map((arch: Arch, i): AbiPolicy => ({ arch, defaultAction: o.defaultAction, syscalls: maps[i]! }));
  return { policies, noNrLoad, faults };
}
