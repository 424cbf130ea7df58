// SPDX-License-Identifier: Apache-2.0
// The libseccomp model: what libseccomp (≥ 2.6.1 by default, or Debian's 2.5.4) builds from a
// runtime's API calls, as a Policy whose evaluate() is the verdict of the BPF libseccomp would
// export, for every seccomp_data; plus, per rule, what libseccomp did on each ABI.
// Mirrors, from libseccomp's sources: src/api.c (api.ts), src/db.c (db.ts, merge.ts,
// rule-gen.ts, tree.ts), src/arch.c and src/syscalls.c (arch-rules.ts), src/gen_bpf.c
// (lower.ts); seccomp_init / seccomp_arch_add / seccomp_attr_set are here.

import { X32, X86_64, type Arch } from '../../arch/index.js';
import type { AbiPolicy, Policy } from '../../policy/policy.js';
import type { ApiFilter, RuleOutcome } from '../types.js';
import { Collection, EINVAL, isRefusal, prepare, validAction, type ApiContext } from './api.js';
import type { Version } from './merge.js';
import { lowerBlock } from './lower.js';
import { lowerLayout } from './lower-layout.js';
import { archEffects, errnoLabel } from './outcome.js';
import { LibseccompFault } from './tree.js';

export { LibseccompFault } from './tree.js';

export interface LibseccompOptions {
  /** '2.6' (default): libseccomp ≥ 2.6.1. '2.5': Debian 12's 2.5.4 where it differs (GHSA-4q85 merge, TRAP data, fewer arches). */
  readonly version?: Version;
  /** SCMP_FLTATR_CTL_OPTIMIZE (default 1). Changes verdicts only for ties of -1 in x86_64+x32 and for the no-nr-load bug. */
  readonly optimize?: 1 | 2;
  /**
   * Reproduce libseccomp's missing `ld nr` (ledger libseccomp-no-nr-load-when-top-syscall-absent):
   * for the differential suite only; by default the model gives the filter the rules mean.
   */
  readonly reproduceNoNrLoadBug?: boolean;
  /**
   * Reproduce libseccomp's stale accumulator (ledger
   * libseccomp-stale-accumulator-after-sibling-fallthrough): an argument test emitted without its
   * `ld`, reached with another word loaded. Differential suite only, like reproduceNoNrLoadBug.
   */
  readonly reproduceStaleAccumulatorBug?: boolean;
  /**
   * How the Policy is derived: 'tree' (default without reproduce options) walks libseccomp's rule
   * trees as gen_bpf's control flow runs them; 'layout' runs the program as gen_bpf lays it out
   * (implied by the reproduce options; with them off it must agree with 'tree').
   */
  readonly lowering?: 'tree' | 'layout';
  /** The arch whose numbers ApiRule.syscall numbers are (libseccomp's host arch); default: the filter's first. */
  readonly native?: Arch;
}

export interface LibseccompFilterFault {
  /** 'rule': seccomp_rule_add() never returns for rule `rule`; 'export': seccomp_export_bpf() never returns. */
  readonly stage: 'rule' | 'export';
  readonly rule?: number;
  readonly message: string;
}

export interface LibseccompModel {
  readonly policy: Policy;
  readonly outcomes: RuleOutcome[];
  /** Filter-level effects: arches libseccomp refuses, an invalid default or bad-arch action. */
  readonly notes: string[];
  /** Set when libseccomp would hang (or touch freed memory) on this filter; the policy is then the rules before it. */
  readonly fault?: LibseccompFilterFault;
  /** ABIs whose block, as libseccomp lays it out, never loads nr (the ledgered bug; applied only on request). */
  readonly noNrLoad: readonly string[];
  /** With a reproduce option: per ABI, how many comparisons a reproduced layout bug changed. */
  readonly bugHits?: ReadonlyMap<string, number>;
}

const KILL_THREAD = 0;
const ELOOP = -40;
/** Arches Debian's libseccomp 2.5.4 does not know (added in 2.6). */
const NEW_IN_26 = new Set(['loongarch64', 'm68k', 'sh', 'sheb']);

function acceptArches(filter: ApiFilter, version: Version, notes: string[]): Arch[] {
  const out: Arch[] = [];
  for (const arch of filter.arches) {
    if (version === '2.5' && NEW_IN_26.has(arch.name)) notes.push(`${arch.name}: unknown to libseccomp 2.5; left out`);
    else if (out.includes(arch)) notes.push(`${arch.name}: added twice; seccomp_arch_add() fails with -EEXIST`);
    else if (out.length > 0 && out[0]!.endian !== arch.endian) notes.push(`${arch.name}: ${arch.endian}-endian, unlike ${out[0]!.name}; seccomp_arch_add() fails with -EDOM and the ABI is left out`);
    else out.push(arch);
  }
  return out;
}

/** Models the libseccomp calls in `filter` and returns the Policy its exported BPF implements. */
export function applyLibseccomp(filter: ApiFilter, options: LibseccompOptions = {}): LibseccompModel {
  const version = options.version ?? '2.6';
  const optimize = options.optimize ?? 1;
  const notes: string[] = [];
  const outcomes: RuleOutcome[] = [];
  const arches = acceptArches(filter, version, notes);
  const tskip = filter.attrs.tskip === true;
  let badArchAction = KILL_THREAD;
  if (filter.attrs.badArchAction !== undefined) {
    if (validAction(filter.attrs.badArchAction, version)) badArchAction = filter.attrs.badArchAction >>> 0;
    else notes.push(`bad-arch action 0x${(filter.attrs.badArchAction >>> 0).toString(16)} is invalid: seccomp_attr_set() fails with -EINVAL and KILL_THREAD stays`);
  }
  if (!validAction(filter.defaultAction, version)) {
    notes.push(`default action 0x${(filter.defaultAction >>> 0).toString(16)} is invalid: seccomp_init() fails, there is no filter`);
    for (const rule of filter.rules) outcomes.push({ origin: rule.origin, rc: EINVAL, effects: [] });
    return { policy: { abis: [], badArchAction }, outcomes, notes, fault: { stage: 'rule', message: 'seccomp_init() fails' }, noNrLoad: [] };
  }
  const ctx: ApiContext = { version, defaultAction: filter.defaultAction >>> 0, tskip, native: options.native ?? arches[0] ?? X86_64 };
  const col = new Collection(arches, ctx);
  let fault: LibseccompFilterFault | undefined;
  // The effect of most rules on most ABIs, shared (outcomes are read-only).
  const added = arches.map((a) => Object.freeze({ arch: a.name, effect: 'added' }));
  for (let index = 0; index < filter.rules.length; index++) {
    const rule = filter.rules[index]!;
    if (fault) {
      outcomes.push({ origin: rule.origin, rc: ELOOP, effects: [{ arch: '*', effect: `never reached: libseccomp hangs at rule ${fault.rule} (${filter.rules[fault.rule!]?.origin.pointer ?? '?'})` }] });
      continue;
    }
    const p = prepare(rule, ctx);
    if (isRefusal(p)) {
      outcomes.push({ origin: rule.origin, rc: p.rc, effects: [{ arch: '*', effect: `${errnoLabel(p.rc)}: ${p.why}` }] });
      continue;
    }
    try {
      const { rc, results } = col.add(p, rule);
      // A refused rule is rolled back everywhere: only the ABIs that refused it say why.
      const effects: Array<{ arch: string; effect: string }> = [];
      for (let i = 0; i < results.length; i++) {
        const r = results[i]!;
        if (rc !== 0 && r.rc === 0) continue;
        for (const effect of archEffects(arches[i]!, rule, r)) effects.push(effect === 'added' ? added[i]! : { arch: arches[i]!.name, effect });
      }
      if (rc !== 0) effects.push({ arch: '*', effect: `${errnoLabel(rc)}: the rule is rolled back on every ABI` });
      outcomes.push({ origin: rule.origin, rc, effects });
    } catch (err) {
      if (!(err instanceof LibseccompFault)) throw err;
      fault = { stage: 'rule', rule: index, message: err.message };
      outcomes.push({ origin: rule.origin, rc: ELOOP, effects: [{ arch: '*', effect: `${err.message}: seccomp_rule_add() never returns (the runtime hangs)` }] });
      col.rollback();
    }
  }
  const abis: AbiPolicy[] = [];
  const noNrLoad: string[] = [];
  const lower = { defaultAction: ctx.defaultAction, tskip, optimize };
  const i64 = col.dbs.findIndex((d) => d.arch === X86_64);
  const i32 = col.dbs.findIndex((d) => d.arch === X32);
  col.dbs.forEach((db, i) => {
    // x86_64 and x32 share one block, placed where the first of them was added.
    if ((i === i64 && i32 >= 0 && i32 < i) || (i === i32 && i64 >= 0 && i64 < i)) return;
    const partner = i === i64 && i32 > i ? col.dbs[i32] : i === i32 && i64 > i ? col.dbs[i64] : undefined;
    const block = lowerBlock(partner ? [db, partner] : [db], lower);
    if (block.noNrLoad) noNrLoad.push(...block.policies.map((p) => p.arch.name));
    if (block.faults.length > 0 && !fault) fault = { stage: 'export', message: block.faults.join('; ') };
    abis.push(...block.policies);
  });
  const bugs = { noNrLoad: options.reproduceNoNrLoadBug === true, staleAccumulator: options.reproduceStaleAccumulatorBug === true };
  let bugHits: ReadonlyMap<string, number> | undefined;
  if ((bugs.noNrLoad || bugs.staleAccumulator || options.lowering === 'layout') && options.lowering !== 'tree' && !fault) {
    // As exported: libseccomp's own layout, run symbolically (lower-layout.ts).
    const laid = lowerLayout(col.dbs, { defaultAction: ctx.defaultAction, badArchAction, tskip, optimize }, bugs);
    abis.splice(0, abis.length, ...laid.policies);
    bugHits = laid.bugHits;
  }
  // Policy order is arch-check order; evaluate() finds ABIs by AUDIT_ARCH, so order within a shared block is free.
  const policy: Policy = { abis, badArchAction };
  const model: LibseccompModel = { policy, outcomes, notes, noNrLoad, ...(bugHits ? { bugHits } : {}) };
  return fault ? { ...model, fault } : model;
}
