// SPDX-License-Identifier: Apache-2.0
// A raw seccomp filter back to an editable Docker/OCI profile, proved equivalent before it is
// returned (DESIGN.md §2: Program ─partition─▶ decision space ─▶ decompile).
//
//   1. Per ABI of the host, the filter's exact decision space, syscall by syscall (./verdicts.ts);
//      what no profile can say (`ret a`, tests on computed values) is refused there.
//   2. The default action: what numbers no syscall has get (a profile cannot name them).
//   3. Per syscall name, one rule list for every ABI (./merge.ts, ./rules.ts, ./value-set.ts),
//      each checked exactly on every ABI (./syscall-check.ts).
//   4. The lens (DESIGN.md §1). runc (libcontainer/seccomp/patchbpf) puts an ENOSYS stub in front
//      of libseccomp's program unless the default is ALLOW, LOG or TRACE: numbers above the largest
//      syscall the profile names get ERRNO(ENOSYS). A filter with that stub decompiles under the
//      runc lens, where the stub comes back by itself (the syscalls it answers are left out, and a
//      name may be listed with the default action just to place it: runc drops that rule but counts
//      its names). A filter seccomp_export_bpf() wrote has no stub and decompiles under the
//      libseccomp lens. `auto` (the default) tries the one the filter's shape suggests first.
//   5. The proof (./prove.ts): the profile text recompiled and compared over the whole space.
// Several default actions are tried when the numbers without a syscall do not settle it (a
// small runc profile leaves none below its stub); the first refusal is the one reported.

import type { Arch } from '../../arch/arch.js';
import { ARCHES, syscallName } from '../../arch/index.js';
import { hostAbis } from '../../arch/hosts.js';
import type { Program } from '../../bpf/instruction.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import { errnoNumber } from '../../kernel/errno.js';
import type { Lens } from '../../resolve/resolve.js';
import { decodeAction, encodeAction, formatAction } from '../../seccomp/action.js';
import { partition } from '../partition/partition.js';
import { regionWitness, wordSet } from '../partition/region.js';
import { abiSpace } from '../partition/spaces.js';
import { constrain } from '../partition/word-set.js';
import { planName, type AbiSyscall, type NamePlan } from './merge.js';
import { actionFields, buildProfile, renderProfile, type DecompiledProfile, type ProfileFormat } from './profile.js';
import { prove, type Proof } from './prove.js';
import { syscageRecompiler, type Recompiler } from './recompiler.js';
import { analyseAbi, callText, handles, otherArchValue, topOtherThan, type AbiVerdicts } from './verdicts.js';

export type DecompileLens = Lens | 'auto';

export interface DecompileOptions {
  /** Whose reading the profile is proved under (default `auto`). */
  readonly lens?: DecompileLens;
  readonly format?: ProfileFormat;
  /** Symbolic steps per partition (default: the partition's own). */
  readonly budget?: number;
  /** Written when the filter returns USER_NOTIF (the filter does not hold the agent's socket). */
  readonly listenerPath?: string;
  /** What recompiles the rules for the checks and the proof (default: syscage's libseccomp model and compiler). */
  readonly recompiler?: Recompiler;
}

export interface Decompiled {
  readonly profile?: DecompiledProfile;
  readonly text?: string;
  readonly proof?: Proof;
  readonly diagnostics: readonly Diagnostic[];
}

export const DEFAULT_LISTENER_PATH = '/run/seccomp-agent.socket';
/** libseccomp's bad-arch action unless SCMP_FLTATR_ACT_BADARCH is set, which runc never does. */
const KILL_THREAD = 0;
/** Default actions tried at most. */
const MAX_DEFAULTS = 4;

const permissive = (v: number): boolean => ['ALLOW', 'LOG', 'TRACE'].includes(decodeAction(v).kind);
const stubAction = (native: Arch): number => encodeAction('ERRNO', errnoNumber(native, 'ENOSYS') ?? 38);

/**
 * The ABIs a filter made for a host running `native` may handle: the host's own (native first),
 * then every other ABI of its byte order (a profile's `architectures` can name any of them).
 */
export function hostCandidates(native: Arch): Arch[] {
  const own = hostAbis(native);
  return [...own, ...ARCHES.filter((a) => !own.includes(a) && a.endian === native.endian)];
}

/** The ABIs among `candidates` that the filter handles (some number but -1 gets more than the bad-arch action). */
export function handledAbis(program: Program, candidates: readonly Arch[], budget?: number): Arch[] {
  const bad = otherArchValue(program, budget !== undefined ? { budget } : {}).value ?? KILL_THREAD;
  return candidates.filter((a) => handles(analyseAbi(program, a, budget !== undefined ? { budget } : {}), bad));
}

/** Default actions to try, most likely first: what numbers without a syscall get, then the commonest syscall verdicts. */
function defaultCandidates(abis: readonly AbiVerdicts[], enosys: number): number[] {
  const score = new Map<number, number>();
  for (const av of abis) for (const v of av.unnamed.keys()) score.set(v, (score.get(v) ?? 0) + 1);
  const unnamed = [...score].sort((a, b) => Number(a[0] === enosys) - Number(b[0] === enosys) || b[1] - a[1]).map(([v]) => v);
  const freq = new Map<number, number>();
  for (const av of abis) for (const sv of av.syscalls.values()) if (sv.uniform !== undefined) freq.set(sv.uniform, (freq.get(sv.uniform) ?? 0) + 1);
  const named = [...freq].sort((a, b) => b[1] - a[1]).map(([v]) => v);
  return [...new Set([...unnamed, ...named])].slice(0, MAX_DEFAULTS);
}

type Attempt = { readonly profile: DecompiledProfile; readonly text: string; readonly notes: readonly Diagnostic[] } | { readonly refusal: readonly Diagnostic[] };

/** The numbers runc's stub would start above, per ABI, for these names. */
function stubMaxima(abis: readonly AbiVerdicts[], names: Iterable<string>): Map<Arch, number> {
  const out = new Map<Arch, number>();
  const list = [...names];
  for (const av of abis) {
    let max = 0;
    for (const n of list) max = Math.max(max, av.syscalls.get(n)?.nr ?? 0);
    out.set(av.arch, max);
  }
  return out;
}

/** The profile for default `def` under `lens`, not yet proved. */
function attempt(program: Program, abis: readonly AbiVerdicts[], def: number, lens: Lens, options: DecompileOptions): Attempt {
  const native = abis[0]!.arch;
  const stubbed = lens === 'runc' && !permissive(def);
  const enosys = stubAction(native);
  const tops = new Map(abis.map((av) => [av.arch, stubbed ? topOtherThan(av, enosys) : 0xffffffff]));
  const byName = new Map<string, AbiSyscall[]>();
  for (const av of abis) for (const sv of av.syscalls.values()) {
    const list = byName.get(sv.name) ?? [];
    list.push({ arch: av.arch, sv });
    byName.set(sv.name, list);
  }
  const answeredByStub = (a: AbiSyscall) => stubbed && a.sv.uniform === enosys && a.sv.nr > tops.get(a.arch)!;
  const plans: NamePlan[] = [];
  const notes: Diagnostic[] = [];
  for (const [name, all] of [...byName].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (!all.some((a) => a.sv.uniform !== def && !answeredByStub(a))) continue;
    const r = planName(program, name, all, def, options.recompiler ?? syscageRecompiler);
    if ('refusal' in r) return { refusal: [r.refusal] };
    if (r.plan.rules.length > 0) plans.push(r.plan);
    if (r.plan.only64) notes.push(diag('decompile64Only', { names: name, abis64: r.plan.only64.abis64.join(', '), abis32: r.plan.only64.abis32.join(', ') }));
  }
  // runc's stub starts above the largest number the profile names: name the filter's top where it is a default syscall
  const stubNames: string[] = [];
  if (stubbed) {
    for (let round = 0; round < 4; round++) {
      const maxima = stubMaxima(abis, [...plans.map((p) => p.name), ...stubNames]);
      let added = false;
      for (const av of abis) {
        const top = tops.get(av.arch)!;
        if (maxima.get(av.arch)! >= top || top === 0xffffffff) continue;
        const name = syscallName(av.arch, top);
        if (name && av.syscalls.get(name)?.uniform === def && !stubNames.includes(name)) { stubNames.push(name); added = true; }
      }
      if (!added) break;
    }
    if (stubNames.length > 0) notes.push(diag('decompileStubNames', { names: stubNames.join(', ') }));
  }
  // every value the profile writes must be one a profile can write
  const values: Array<{ value: number; where: string }> = [{ value: def, where: 'the default action (numbers no syscall has)' }];
  for (const p of plans) for (const r of p.rules) values.push({ value: r.action, where: p.name });
  for (const v of values) {
    const f = actionFields(v.value);
    if ('reason' in f) return { refusal: [diag('decompileAction', { where: v.where, value: formatAction(v.value), reason: f.reason })] };
  }
  const notify = values.some((v) => decodeAction(v.value).kind === 'USER_NOTIF');
  const listenerPath = notify ? options.listenerPath ?? DEFAULT_LISTENER_PATH : undefined;
  if (notify) notes.push(diag('decompileListener', { path: listenerPath! }));
  const profile = buildProfile({ defaultAction: def, arches: abis.map((a) => a.arch), plans, stubNames, format: options.format ?? 'docker', ...(listenerPath ? { listenerPath } : {}) });
  return { profile, text: renderProfile(profile), notes };
}

/** Is the top of the native ABI's numbers answered ENOSYS while the default is something else (runc's stub)? */
function looksStubbed(native: AbiVerdicts, def: number): boolean {
  const enosys = stubAction(native.arch);
  if (def === enosys || permissive(def)) return false;
  const top = Math.max(0, ...[...native.syscalls.values()].map((s) => s.nr));
  return topOtherThan(native, enosys) <= top;
}

/** Checks that the filter handles exactly the ABIs of the list and answers the rest with the bad-arch action. */
function checkAbis(program: Program, arches: readonly Arch[], abis: readonly AbiVerdicts[], options: DecompileOptions): Diagnostic[] {
  const budget = options.budget !== undefined ? { budget: options.budget } : {};
  const other = otherArchValue(program, budget);
  if (other.value === undefined) return [diag('decompileBadArch', { value: other.witness ? `values that vary with the call (for example arch 0x${(other.witness.arch >>> 0).toString(16)})` : 'values that vary' })];
  if (other.value !== KILL_THREAD) return [diag('decompileBadArch', { value: formatAction(other.value) })];
  const out: Diagnostic[] = [];
  for (const av of abis) if (!handles(av, KILL_THREAD)) out.push(diag('decompileAbiUnhandled', { arch: av.arch.name }));
  for (const arch of ARCHES) {
    if (arches.includes(arch) || out.length > 0) continue;
    const p = partition(program, abiSpace(arch).region, budget);
    const leaf = p.leaves.find((l) => l.value !== KILL_THREAD && constrain(wordSet(l.region, 0), 0xffffffff, 'eq', 0xffffffff, false) !== undefined);
    if (!leaf) continue;
    const w = regionWitness(leaf.region, arch.endian);
    const example = w.found ? `${callText(arch, w.data)} gets ${leaf.value !== undefined ? formatAction(leaf.value) : 'a computed value'}` : 'some calls';
    out.push(diag('decompileAbiNotListed', { arch: arch.name, example, list: arches.map((a) => a.name).join(', ') }));
  }
  return out;
}

/** The profile that loads as this filter on a host running `arches` (native first), proved, or why there is none. */
export function decompile(program: Program, arches: readonly Arch[], options: DecompileOptions = {}): Decompiled {
  if (arches.length === 0) return { diagnostics: [diag('decompileNoAbi', { list: 'none' })] };
  const budget = options.budget !== undefined ? { budget: options.budget } : {};
  const abis = arches.map((a) => analyseAbi(program, a, budget));
  const refusals = abis.flatMap((a) => a.refusals);
  if (refusals.length > 0) return { diagnostics: refusals };
  const abiProblems = checkAbis(program, arches, abis, options);
  if (abiProblems.length > 0) return { diagnostics: abiProblems };
  const enosys = stubAction(arches[0]!);
  let firstRefusal: readonly Diagnostic[] | undefined;
  for (const def of defaultCandidates(abis, enosys)) {
    const lenses: Lens[] = options.lens && options.lens !== 'auto' ? [options.lens]
      : permissive(def) ? ['runc'] : looksStubbed(abis[0]!, def) ? ['runc', 'libseccomp'] : ['libseccomp', 'runc'];
    for (const lens of lenses) {
      const a = attempt(program, abis, def, lens, options);
      if ('refusal' in a) { firstRefusal ??= a.refusal; continue; }
      const p = prove(program, a.text, arches, lens, options.recompiler ?? syscageRecompiler, budget);
      if ('refusal' in p) { firstRefusal ??= p.refusal; continue; }
      const why = options.lens && options.lens !== 'auto' ? 'as asked'
        : permissive(def) ? 'the default lets calls through, so runc adds no stub and both lenses read the profile alike'
        : lens === 'runc' ? 'numbers above the largest syscall named get ERRNO(ENOSYS), as runc\'s stub answers them'
        : 'no ENOSYS stub in front: the filter is what seccomp_export_bpf() writes';
      return { profile: a.profile, text: a.text, proof: p.proof, diagnostics: [...a.notes, diag('decompileLens', { lens, why })] };
    }
  }
  return { diagnostics: firstRefusal ?? [diag('decompileNoAbi', { list: arches.map((a) => a.name).join(', ') })] };
}
