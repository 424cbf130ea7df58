// SPDX-License-Identifier: Apache-2.0
// seccomp_rule_add_array as libseccomp v2.6.1 runs it: mirrors src/api.c (the checks, in
// their order), src/system.c sys_chk_seccomp_action (which actions are valid) and src/db.c
// db_col_rule_add (the argument array, one transaction over every ABI of the filter).
//
// Checks, in order: more than 6 comparisons → -EINVAL; syscall -1 without API_TSKIP or
// -2..-99 → -EINVAL; an invalid action → -EINVAL; the action equal to the default → -EACCES;
// an argument index over 5, the same argument twice or an unknown operator → -EINVAL.
// Then the rule is added to every ABI; if any refuses it, every ABI is rolled back (libseccomp
// restores a snapshot rebuilt from the rules accepted so far, which this replays).

import { U64_MAX, u64 } from '../../bits.js';
import type { Arch } from '../../arch/arch.js';
import type { ApiRule, CmpOp } from '../types.js';
import { archRuleAdd, resolveName, type ArchResult } from './arch-rules.js';
import { ArchDb, type SysNum } from './db.js';
import type { Version } from './merge.js';
import type { ChainArg } from './rule-gen.js';

export const EINVAL = -22;
export const EACCES = -13;
/** seccomp_syscall_resolve_name()'s __NR_SCMP_ERROR, reported as the rc of a name that never reached libseccomp. */
export const NR_SCMP_ERROR = -1;

const OPS: ReadonlySet<CmpOp> = new Set(['NE', 'LT', 'LE', 'EQ', 'GE', 'GT', 'MASKED_EQ']);

/** sys_chk_seccomp_action (kernel support for KILL_PROCESS, LOG and NOTIFY assumed). */
export function validAction(action: number, version: Version): boolean {
  const a = action >>> 0;
  const kind = (a & 0xffff0000) >>> 0;
  const data = a & 0xffff;
  switch (kind) {
    case 0x80000000: return a === kind; // KILL_PROCESS
    case 0x00000000: return a === 0; // KILL_THREAD
    case 0x00030000: return version === '2.6' || data === 0; // TRAP: 2.5 takes no data
    case 0x00050000: return data < 4095; // ERRNO: < MAX_ERRNO
    case 0x7ff00000: return true; // TRACE
    case 0x7ffc0000: case 0x7fff0000: case 0x7fc00000: return a === kind; // LOG, ALLOW, NOTIFY
    default: return false;
  }
}

export interface ApiContext {
  readonly version: Version;
  readonly defaultAction: number;
  readonly tskip: boolean;
  /** The arch whose numbering the API uses (libseccomp's arch_def_native). */
  readonly native: Arch;
}

/** Why a rule never reached the per-ABI stage. */
export interface Refusal {
  readonly rc: number;
  readonly why: string;
}

export interface Prepared {
  readonly native: SysNum;
  readonly args: ReadonlyArray<ChainArg | undefined>;
}

/** The API-level checks of seccomp_rule_add_array and db_col_rule_add, before any ABI sees the rule. */
export function prepare(rule: ApiRule, ctx: ApiContext): Prepared | Refusal {
  if (rule.args.length > 6) return { rc: EINVAL, why: `${rule.args.length} comparisons: libseccomp takes at most 6` };
  let native: SysNum;
  if (typeof rule.syscall === 'string') {
    const r = resolveName(ctx.native, rule.syscall);
    if (r === undefined) return { rc: NR_SCMP_ERROR, why: `unknown syscall name '${rule.syscall}': seccomp_syscall_resolve_name() fails, no rule is added` };
    native = r;
  } else native = rule.syscall | 0;
  if (typeof native === 'number' && native <= -1 && native >= -99 && !(native === -1 && ctx.tskip)) {
    return { rc: EINVAL, why: native === -1 ? 'syscall -1 needs the API_TSKIP attribute' : `syscall ${native}: -2..-99 are reserved` };
  }
  if (!validAction(rule.action, ctx.version)) return { rc: EINVAL, why: `action 0x${(rule.action >>> 0).toString(16)} is not valid for libseccomp ${ctx.version}` };
  if (rule.action >>> 0 === ctx.defaultAction >>> 0) return { rc: EACCES, why: 'the action equals the default action: libseccomp refuses the rule and adds nothing' };
  const args: Array<ChainArg | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined];
  for (const c of rule.args) {
    if (!Number.isInteger(c.arg) || c.arg < 0 || c.arg > 5) return { rc: EINVAL, why: `argument index ${c.arg}: only a0..a5 exist` };
    if (args[c.arg] !== undefined) return { rc: EINVAL, why: `two comparisons on a${c.arg}: libseccomp takes one per argument` };
    if (!OPS.has(c.op)) return { rc: EINVAL, why: `unknown operator ${String(c.op)}` };
    args[c.arg] = c.op === 'MASKED_EQ' ? { arg: c.arg, op: c.op, mask: u64(c.a), datum: u64(c.b) } : { arg: c.arg, op: c.op, mask: U64_MAX, datum: u64(c.a) };
  }
  return { native, args };
}

export function isRefusal(p: Prepared | Refusal): p is Refusal {
  return 'rc' in p;
}

/** The collection of per-ABI databases and the rules accepted so far (for rollback). */
export class Collection {
  dbs: ArchDb[];
  private readonly accepted: Array<{ prepared: Prepared; rule: ApiRule }> = [];
  constructor(
    readonly arches: readonly Arch[],
    readonly ctx: ApiContext,
  ) {
    this.dbs = arches.map((a) => new ArchDb(a, ctx.version));
  }

  private addAll(dbs: readonly ArchDb[], p: Prepared, rule: ApiRule): ArchResult[] {
    const archRule = { action: rule.action, origin: rule.origin, args: p.args, strict: false };
    return dbs.map((db) => archRuleAdd(db, this.ctx.native, p.native, archRule));
  }

  /** db_col_rule_add: every ABI in order; the first non-zero rc wins and rolls every ABI back. */
  add(p: Prepared, rule: ApiRule): { rc: number; results: ArchResult[] } {
    const results = this.addAll(this.dbs, p, rule);
    const failed = results.find((r) => r.rc !== 0);
    if (!failed) {
      this.accepted.push({ prepared: p, rule });
      return { rc: 0, results };
    }
    this.rollback();
    return { rc: failed.rc, results };
  }

  /** db_col_transaction_abort: back to the state the accepted rules build. */
  rollback(): void {
    this.dbs = this.arches.map((a) => new ArchDb(a, this.ctx.version));
    for (const r of this.accepted) this.addAll(this.dbs, r.prepared, r.rule);
  }
}
