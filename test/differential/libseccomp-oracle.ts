// SPDX-License-Identifier: Apache-2.0
// The oracle of the libseccomp differential suite: what a rule set *means*, by simple and
// obviously correct semantics, kept to the zone where libseccomp's meaning is unambiguous
// (../shared/reference/libseccomp-behaviour.md):
//   - at most one rule per syscall, so no merging and no check order matter (§2.2, §2.4);
//   - a rule's comparisons are ANDed (§2.3); unsigned; 32-bit ABIs compare low words only and
//     truncate datum and mask (§2.7); MASKED_EQ is (arg & mask) == (datum & mask) (§2.7, fact 16);
//   - a syscall absent on an ABI emits nothing (§2.1);
//   - on a multiplexer ABI, a socket- or ipc-family rule is the direct rule (when the direct
//     call exists) plus a companion on socketcall/ipc with a0 == call number and the rule's
//     a1..a5 comparisons copied (§3.2, §3.3); the generator keeps at most one rule per family;
//   - x86_64 without x32: nr ≥ 0x40000000 except 0xffffffff is a bad arch; x32 without
//     x86_64: nr < 0x40000000 is a bad arch; both: one block (§1.2);
//   - an arch the filter does not name gets the bad-arch action (§1.1).
// Syscall numbers are facts of libseccomp's table, so they are taken from where that table and
// syscage's (src/arch, libseccomp main's CSV) agree; names where they differ are left out.

import { ARCHES, archByName, syscallNames, syscallNumber, type Arch } from '../../src/arch/index.js';
import { U64_MAX, u64 } from '../../src/bits.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { resolveSyscall, resolveSyscallNumber, type ArgCmp } from '../../src/linux/libseccomp.js';

export const X32_BIT = 0x4000_0000;

/** §3.3: socketcall call numbers ((-pnr) % 100). */
export const SOCKETCALL: Readonly<Record<string, number>> = {
  socket: 1, bind: 2, connect: 3, listen: 4, accept: 5, getsockname: 6, getpeername: 7, socketpair: 8, send: 9,
  recv: 10, sendto: 11, recvfrom: 12, shutdown: 13, setsockopt: 14, getsockopt: 15, sendmsg: 16, recvmsg: 17,
  accept4: 18, recvmmsg: 19, sendmmsg: 20,
};
/** §3.3: ipc call numbers ((-pnr) % 200). */
export const IPCCALL: Readonly<Record<string, number>> = {
  semop: 1, semget: 2, semctl: 3, semtimedop: 4, msgsnd: 11, msgrcv: 12, msgget: 13, msgctl: 14, shmat: 21,
  shmdt: 22, shmget: 23, shmctl: 24,
};

export function muxFamily(name: string): 'socketcall' | 'ipc' | undefined {
  return name in SOCKETCALL ? 'socketcall' : name in IPCCALL ? 'ipc' : undefined;
}

/** Where libseccomp 2.5.4's number for a name on an ABI agrees with src/arch's, or why not. */
export interface NameFact {
  readonly ok: boolean;
  /** The direct number the filter dispatches on (undefined: absent, emits nothing). */
  readonly nr?: number;
  readonly why?: string;
}

const factCache = new Map<string, NameFact>();

export function nameFact(arch: Arch, name: string): NameFact {
  const key = `${arch.name}/${name}`;
  let f = factCache.get(key);
  if (!f) {
    f = computeFact(arch, name);
    factCache.set(key, f);
  }
  return f;
}

function computeFact(arch: Arch, name: string): NameFact {
  const ours = syscallNumber(arch, name);
  const theirs = resolveSyscall(arch.name, name);
  if (theirs === undefined) return { ok: false, why: 'unknown to libseccomp' };
  if (arch.multiplexers && muxFamily(name)) {
    // 2.5.4 returns the pseudo number here; the direct number comes from its demux table.
    if (ours === undefined) return { ok: true };
    const back = resolveSyscallNumber(arch.name, ours);
    return back === name ? { ok: true, nr: ours } : { ok: false, why: `libseccomp names ${ours} '${back}'` };
  }
  if (ours === undefined) return theirs < 0 ? { ok: true } : { ok: false, why: `libseccomp has ${theirs}, syscage none` };
  if (theirs !== ours) return { ok: false, why: `libseccomp has ${theirs}, syscage ${ours}` };
  return { ok: true, nr: ours };
}

const NATIVE = 'x86_64';
let nativeByNumber: Map<number, string[]> | undefined;

/**
 * Rules reach libseccomp as native (x86_64) numbers and are translated to other ABIs by name
 * (§2.1): a name is usable only when native number → name gives it back (pseudo numbers of
 * names absent on x86_64 may collide, §10.11).
 */
export function nativeRoundTrips(name: string): boolean {
  const nr = resolveSyscall(NATIVE, name);
  if (nr === undefined) return false;
  if (nr >= 0) return resolveSyscallNumber(NATIVE, nr) === name;
  if (!nativeByNumber) {
    nativeByNumber = new Map();
    const all = new Set(ARCHES.flatMap((a) => [...syscallNames(a)]));
    for (const n of all) {
      const v = resolveSyscall(NATIVE, n);
      if (v !== undefined && v < 0) nativeByNumber.set(v, [...(nativeByNumber.get(v) ?? []), n]);
    }
  }
  return (nativeByNumber.get(nr)?.length ?? 0) === 1 && resolveSyscallNumber(NATIVE, nr) === name;
}

export interface ModelRule {
  readonly action: number;
  readonly name: string;
  readonly args: readonly ArgCmp[];
}

export interface RuleSet {
  readonly defaultAction: number;
  readonly badArch: number;
  readonly optimize: 1 | 2;
  readonly arches: readonly string[];
  /** Only the rules libseccomp accepted (rc 0). */
  readonly rules: readonly ModelRule[];
}

export interface Entry {
  readonly rule: ModelRule;
  readonly args: readonly ArgCmp[];
  /** A companion on socketcall/ipc. */
  readonly companion: boolean;
}

export interface Model {
  readonly set: RuleSet;
  readonly arches: readonly Arch[];
  /** Per ABI, syscall number → entry. */
  readonly tables: ReadonlyMap<Arch, ReadonlyMap<number, Entry>>;
  /**
   * ABIs whose block never loads seccomp_data.nr (libseccomp quirk, ledger id
   * "libseccomp-no-nr-load-when-top-syscall-absent"): every syscall there gets the default action.
   */
  readonly noNrLoad: ReadonlySet<Arch>;
}

/**
 * libseccomp's priority of one syscall entry: 0xFFFF − node count (db.c _db_rule_gen_64/_32,
 * §1.3): 64-bit EQ/NE/MASKED_EQ 2 nodes, LT/LE/GT/GE 3; 32-bit 1 each; a MASKED_EQ whose mask
 * is 0 in every compared half is dropped (0 nodes).
 */
export function priority(args: readonly ArgCmp[], bits: 32 | 64): number {
  let nodes = 0;
  for (const c of args) {
    if (c.op === 'MASKED_EQ' && (u64(c.a) & (bits === 32 ? 0xffff_ffffn : U64_MAX)) === 0n) continue;
    nodes += bits === 32 ? 1 : c.op === 'EQ' || c.op === 'NE' || c.op === 'MASKED_EQ' ? 2 : 3;
  }
  return 0xffff - nodes;
}

/** One entry of an arch's db as gen_bpf sorts it: its priority and whether it is emitted at all. */
interface DbEntry {
  readonly priority: number;
  /** The number as libseccomp stores it (unsigned; pseudo numbers are huge). */
  readonly num: number;
  readonly pseudo: boolean;
}

/**
 * gen_bpf.c _gen_bpf_arch (2.5.4 and main at 2.6.1), optimize 1: the `ld [0]` that loads the
 * syscall number is emitted only in the block of `s_head`, the first entry of the list sorted by
 * priority (stable, the db being in unsigned-number order, the secondary x86_64/x32 db after the
 * primary). Pseudo entries (a syscall absent on the ABI; on multiplexer ABIs, whose rules go
 * through abi_rule_add, only the direct copy of a socket/ipc rule that has no direct call)
 * are skipped when the blocks are built,
 * so when s_head is one, nothing loads nr and A still holds seccomp_data.arch. x86_64 or x32
 * alone are immune (their ABI guard loads nr), and so is optimize 2 (the tree's root loads it).
 */
function losesNrLoad(dbs: readonly (readonly DbEntry[])[], optimize: 1 | 2, guarded: boolean): boolean {
  if (optimize === 2 || guarded) return false;
  const sorted = dbs.flatMap((db) => [...db].sort((a, b) => a.num - b.num));
  if (sorted.length === 0) return false;
  const top = Math.max(...sorted.map((e) => e.priority));
  return sorted.find((e) => e.priority === top)!.pseudo;
}

export function buildModel(set: RuleSet): Model {
  const arches = set.arches.map((n) => archByName(n)!);
  const tables = new Map<Arch, Map<number, Entry>>();
  const dbs = new Map<Arch, DbEntry[]>();
  for (const arch of arches) {
    const t = new Map<number, Entry>();
    const db: DbEntry[] = [];
    dbs.set(arch, db);
    const put = (nr: number, e: Entry): void => {
      if (t.has(nr)) throw new Error(`oracle: two entries for ${arch.name} nr ${nr} (${t.get(nr)!.rule.name}, ${e.rule.name}): rule set outside the unambiguous zone`);
      t.set(nr, e);
    };
    for (const rule of set.rules) {
      const fact = nameFact(arch, rule.name);
      if (!fact.ok) throw new Error(`oracle: ${rule.name} on ${arch.name}: ${fact.why}`);
      if (fact.nr !== undefined) {
        put(fact.nr, { rule, args: rule.args, companion: false });
        db.push({ priority: priority(rule.args, arch.bits), num: fact.nr >>> 0, pseudo: false });
      }
      const fam = muxFamily(rule.name);
      if (arch.multiplexers && fam) {
        const call = fam === 'socketcall' ? SOCKETCALL[rule.name]! : IPCCALL[rule.name]!;
        const args: ArgCmp[] = [{ arg: 0, op: 'EQ', a: BigInt(call) }, ...rule.args.filter((c) => c.arg !== 0)];
        put(arch.multiplexers[fam], { rule, args, companion: true });
        db.push({ priority: priority(args, arch.bits), num: arch.multiplexers[fam], pseudo: false });
        // No direct call (x86 accept, s390x accept…): abi_rule_add's demux still yields
        // __PNR_<name>, and the direct copy of the rule is stored there (never emitted).
        if (fact.nr === undefined) db.push({ priority: priority(rule.args, arch.bits), num: resolveSyscall(arch.name, rule.name)! >>> 0, pseudo: true });
      } else if (fact.nr === undefined && !arch.multiplexers) {
        // Absent here: db_rule_add stores it under its negative pseudo number (never emitted).
        // Multiplexer ABIs go through abi_rule_add (syscalls.c), which drops it instead.
        db.push({ priority: priority(rule.args, arch.bits), num: resolveSyscall(arch.name, rule.name)! >>> 0, pseudo: true });
      }
    }
    tables.set(arch, t);
  }
  const noNrLoad = new Set<Arch>();
  for (const arch of arches) {
    const siblings = arches.filter((o) => o.auditArch === arch.auditArch);
    // x86_64 and x32 together form one block: the first added is the primary db.
    const group = siblings.length > 1 ? siblings : [arch];
    const guarded = siblings.length === 1 && ARCHES.some((o) => o !== arch && o.auditArch === arch.auditArch);
    if (losesNrLoad(group.map((a) => dbs.get(a)!), set.optimize, guarded)) noNrLoad.add(arch);
  }
  return { set, arches, tables, noNrLoad };
}

/** One comparison on one argument value, as an ABI of `bits` evaluates it. */
export function compare(c: ArgCmp, value: bigint, bits: 32 | 64): boolean {
  const w = bits === 32 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
  const v = u64(value) & w;
  const a = u64(c.a) & w;
  switch (c.op) {
    case 'EQ': return v === a;
    case 'NE': return v !== a;
    case 'LT': return v < a;
    case 'LE': return v <= a;
    case 'GT': return v > a;
    case 'GE': return v >= a;
    case 'MASKED_EQ': return (v & a) === (u64(c.b ?? 0n) & w & a);
  }
}

/** The ABI whose block handles `data`, or undefined for the bad-arch path. */
export function blockFor(model: Model, data: SeccompData): Arch | undefined {
  const nr = data.nr >>> 0;
  const same = model.arches.filter((a) => a.auditArch === data.arch >>> 0);
  if (same.length === 0) return undefined;
  if (same.length === 1) {
    const a = same[0]!;
    // x86_64 alone or x32 alone: the ABI guard on bit 30 (§1.2).
    const sibling = ARCHES.some((o) => o !== a && o.auditArch === a.auditArch);
    if (!sibling) return a;
    if (a.nrBit === 0) return nr >= X32_BIT && nr !== 0xffff_ffff ? undefined : a;
    return nr >= a.nrBit ? a : undefined;
  }
  // Both x86_64 and x32: one block, no guard; x32 numbers carry bit 30.
  return same.find((a) => (a.nrBit !== 0) === ((nr & X32_BIT) !== 0)) ?? same[0];
}

export interface Expected {
  readonly value: number;
  readonly why: string;
  /** Decided by a ledgered libseccomp quirk, not by the rule set's meaning. */
  readonly quirk?: boolean;
}

export function evaluate(model: Model, data: SeccompData): Expected {
  const arch = blockFor(model, data);
  if (!arch) return { value: model.set.badArch, why: 'bad arch' };
  if (model.noNrLoad.has(arch)) return { value: model.set.defaultAction, why: `${arch.name}: block never loads nr (libseccomp quirk)`, quirk: true };
  const e = model.tables.get(arch)!.get(data.nr >>> 0);
  if (!e) return { value: model.set.defaultAction, why: `${arch.name}: no rule for nr ${data.nr >>> 0}` };
  const failed = e.args.find((c) => !compare(c, data.args[c.arg] ?? 0n, arch.bits));
  if (failed) return { value: model.set.defaultAction, why: `${arch.name} ${e.rule.name}${e.companion ? ' (companion)' : ''}: a${failed.arg} ${failed.op} fails` };
  return { value: e.rule.action, why: `${arch.name} ${e.rule.name}${e.companion ? ' (companion)' : ''}: matched` };
}
