// SPDX-License-Identifier: Apache-2.0
// One rule's comparisons as a chain of 32-bit tree nodes: mirrors src/db.c (v2.6.1)
// _db_rule_gen_64 and _db_rule_gen_32 (with _db_arg_cmp_need_lo/_hi, _db_node_mask_fixup).
//
// Comparisons are taken in ascending argument index (db_col_rule_add files them in a
// 6-slot array). A MASKED_EQ whose mask has no bit in any compared half is a tautology and
// emits nothing.
//
// 64-bit ABIs split each comparison in high and low word nodes (H, L: halves of the argument;
// Rh, Rl: of the datum; the datum is pre-masked):
//   EQ/MASKED_EQ  H==Rh → (L==Rl → accept)                     2 nodes
//   NE            H==Rh false → accept; L==Rl false → accept    2 nodes (actions on false)
//   GT/GE         H>Rh → accept; else H==Rh → (L>Rl | L>=Rl → accept)          3 nodes
//   LT/LE         H>Rh → reject; else H==Rh false → accept; L>=Rl | L>Rl false → accept
// The next comparison hangs off every "accept" edge, so after GT/GE/LT/LE it is shared by
// two nodes (the tree is a DAG).
// 32-bit ABIs use one node on the low word with datum and mask truncated to 32 bits; NE, LT
// and LE become EQ, GE and GT whose false edge accepts.

import { hi32, lo32 } from '../../bits.js';
import type { CmpOp } from '../types.js';
import type { Origin } from '../../policy/policy.js';
import { ChainNode, nodeGet, type NodeOp } from './tree.js';

/** One slot of db_api_rule_list.args: MASKED_EQ has its own mask, every other op all ones. */
export interface ChainArg {
  readonly arg: number;
  readonly op: CmpOp;
  readonly mask: bigint;
  readonly datum: bigint;
}

export interface GenRule {
  readonly action: number;
  readonly origin: Origin | undefined;
  /** Indexed by argument number; undefined = no comparison on that argument. */
  readonly args: ReadonlyArray<ChainArg | undefined>;
}

export interface GenResult {
  /** The head node, or null for an unconditional rule. */
  readonly chains: ChainNode | null;
  readonly nodeCnt: number;
}

function node(c: ChainArg, hi: boolean, op: NodeOp, width: 32 | 64): ChainNode {
  const word = (v: bigint): number => (hi ? hi32(v) : lo32(v));
  const mask = width === 32 ? lo32(c.mask) : word(c.mask);
  const datum = (width === 32 ? lo32(c.datum) : word(c.datum)) & mask;
  return new ChainNode({ arg: c.arg, hi, op, opOrig: c.op, mask, datum, datumFull: c.datum });
}

function setT(n: ChainNode, rule: GenRule): void {
  n.actTFlag = true;
  n.actT = rule.action;
  n.actTOrigin = rule.origin;
}

function setF(n: ChainNode, rule: GenRule): void {
  n.actFFlag = true;
  n.actF = rule.action;
  n.actFOrigin = rule.origin;
}

/** _db_rule_gen_64 */
export function genChain64(rule: GenRule): GenResult {
  let head: ChainNode | null = null;
  let nodeCnt = 0;
  let prev: { op: CmpOp; c: ChainNode[] } | undefined;
  for (const c of rule.args) {
    if (c === undefined) continue;
    if (c.op === 'MASKED_EQ' && hi32(c.mask) === 0 && lo32(c.mask) === 0) continue;
    let cur: ChainNode[];
    if (c.op === 'EQ' || c.op === 'NE' || c.op === 'MASKED_EQ') {
      const op: NodeOp = c.op === 'MASKED_EQ' ? 'MASKED_EQ' : 'EQ';
      cur = [node(c, true, op, 64), node(c, false, op, 64)];
      cur[0]!.nxtT = nodeGet(cur[1]!);
      nodeCnt += 2;
    } else {
      const last: NodeOp = c.op === 'GT' || c.op === 'LE' ? 'GT' : 'GE';
      cur = [node(c, true, 'GT', 64), node(c, true, 'EQ', 64), node(c, false, last, 64)];
      cur[0]!.nxtF = nodeGet(cur[1]!);
      cur[1]!.nxtT = nodeGet(cur[2]!);
      nodeCnt += 3;
    }
    if (prev === undefined) head = nodeGet(cur[0]!);
    else {
      const [p0, p1, p2] = prev.c;
      switch (prev.op) {
        case 'GT': case 'GE':
          p0!.nxtT = nodeGet(cur[0]!);
          p2!.nxtT = nodeGet(cur[0]!);
          break;
        case 'EQ': case 'MASKED_EQ':
          p1!.nxtT = nodeGet(cur[0]!);
          break;
        case 'LE': case 'LT':
          p1!.nxtF = nodeGet(cur[0]!);
          p2!.nxtF = nodeGet(cur[0]!);
          break;
        case 'NE':
          p0!.nxtF = nodeGet(cur[0]!);
          p1!.nxtF = nodeGet(cur[0]!);
          break;
      }
    }
    prev = { op: c.op, c: cur };
  }
  if (prev !== undefined) {
    const [p0, p1, p2] = prev.c;
    switch (prev.op) {
      case 'GT': case 'GE': setT(p0!, rule); setT(p2!, rule); break;
      case 'LE': case 'LT': setF(p1!, rule); setF(p2!, rule); break;
      case 'EQ': case 'MASKED_EQ': setT(p1!, rule); break;
      case 'NE': setF(p0!, rule); setF(p1!, rule); break;
    }
  }
  return { chains: head, nodeCnt };
}

/** _db_rule_gen_32 */
export function genChain32(rule: GenRule): GenResult {
  let head: ChainNode | null = null;
  let nodeCnt = 0;
  let prev: ChainNode | undefined;
  let onTrue = true;
  for (const c of rule.args) {
    if (c === undefined) continue;
    if (c.op === 'MASKED_EQ' && lo32(c.mask) === 0) continue;
    const op: NodeOp = c.op === 'NE' || c.op === 'EQ' ? 'EQ' : c.op === 'LT' || c.op === 'GE' ? 'GE' : c.op === 'LE' || c.op === 'GT' ? 'GT' : 'MASKED_EQ';
    const n = node(c, false, op, 32);
    if (prev === undefined) head = nodeGet(n);
    else if (onTrue) prev.nxtT = nodeGet(n);
    else prev.nxtF = nodeGet(n);
    nodeCnt++;
    onTrue = !(c.op === 'NE' || c.op === 'LT' || c.op === 'LE');
    prev = n;
  }
  if (prev !== undefined) {
    if (onTrue) setT(prev, rule);
    else setF(prev, rule);
  }
  return { chains: head, nodeCnt };
}
