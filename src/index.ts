// SPDX-License-Identifier: Apache-2.0
// syscage's public library API, in pipeline order (DESIGN.md §2): profile text ─parse─▶ Profile
// ─resolve─▶ Policy ─compile─▶ Program ─encode─▶ bytes; bytes ─decode/validate─▶ Program;
// Program ─interpret/simulate─▶ Verdict; Program ─disassemble─▶ text ─assemble─▶ Program;
// lint, harden and presets; the partition of the decision space, and diff / subset / explain /
// decompile over it.
// A few entry points join several stages where a caller always needs them together
// (compileProfile, lintProfile, lintFilter, diffProfiles, profileAtLeastAsStrictAs).
// Platform-neutral, so it also runs in a browser: nothing here reaches src/cli/ or src/linux/,
// and test/analysis/api.test.ts walks the import graph from this file to keep it so.

import type { Arch, Endian } from './arch/arch.js';
import type { Program } from './bpf/instruction.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { compileProfile, type CompiledProfile, type ProfileTarget } from './compile/profile.js';
import type { LintSubject } from './analysis/lint/context.js';
import { lint, type LintOptions } from './analysis/lint/engine.js';
import type { Finding } from './analysis/lint/types.js';
import { filterAbis } from './seccomp/summary.js';
import { diffPrograms, type CompareOptions, type DiffResult } from './analysis/diff/diff.js';
import { atLeastAsStrictAs, type SubsetResult } from './analysis/diff/subset.js';

export { VERSION } from './version.js';

// ── diagnostics: what every stage reports ───────────────────────────────────────────────────
export type { Diagnostic, Location, Result, Severity } from './diagnostics/diagnostic.js';
export { hasErrors, InternalError } from './diagnostics/diagnostic.js';
export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.js';

// ── ABIs and syscall tables ─────────────────────────────────────────────────────────────────
export type { Arch, Endian, Multiplexers } from './arch/arch.js';
export { ARCHES, archByAuditArch, archByName, knownSyscallNames, syscallName, syscallNames, syscallNumber } from './arch/index.js';
export { hostAbis } from './arch/hosts.js';
export { errnoName, errnoNumber } from './kernel/errno.js';
export { syscallSignature, type ArgKind, type ArgSignature } from './kernel/signatures.js';

// ── parse: profile text → Profile ───────────────────────────────────────────────────────────
export { parseProfile, type ParseOptions } from './profile/parse.js';
export { parseSpoProfile, SPO_API_VERSIONS } from './profile/spo.js';
export type { ArchMapEntry, Profile, ProfileArch, ProfileArg, ProfileFormat, ProfileSyscall, RuleFilter } from './profile/types.js';
export { DOCKER_DEFAULT_NAME, DOCKER_DEFAULT_PROFILE } from './profile/defaults.gen.js';

// ── resolve: Profile × target × lens → Policy ───────────────────────────────────────────────
export { resolveProfile, type Lens, type Resolution, type Target } from './resolve/resolve.js';
export { MASK_ALL, type AbiPolicy, type Decision, type EnosysStub, type Origin, type Policy, type WordCondition } from './policy/policy.js';
export { evaluate } from './policy/evaluate.js';

// ── compile: Policy → Program (and the whole front half in one call) ────────────────────────
export { compilePolicy, type Compiled, type CompileStats } from './compile/compile.js';
export { compileProfile, type CompiledProfile, type ProfileTarget } from './compile/profile.js';

// ── classic BPF: encode / decode / validate ─────────────────────────────────────────────────
export { insn, type Instruction, type Program } from './bpf/instruction.js';
export { decode, encode, SOCK_FILTER_SIZE } from './bpf/encode.js';
export { validate } from './bpf/validate.js';

// ── interpret / simulate: Program × seccomp_data → Verdict ──────────────────────────────────
export { interpret, type Execution, type Input } from './bpf/interpret.js';
export { simulate, type Verdict } from './seccomp/simulate.js';
export { type SeccompData } from './seccomp/data.js';
export { ACTIONS, decodeAction, encodeAction, formatAction, parseAction, type Action, type ActionKind } from './seccomp/action.js';
export { isConstantAllow } from './seccomp/cache.js';
export { filterAbis, summarise, summariseAbi, type AbiSummary, type FilterSummary } from './seccomp/summary.js';

// ── disassemble / assemble ──────────────────────────────────────────────────────────────────
export { disassemble, formatInstruction, type Annotator, type ListingOptions } from './bpf/disassemble.js';
export { seccompAnnotator, type AnnotateOptions } from './seccomp/annotate.js';
export { assemble, type AssembleOptions } from './bpf/assemble.js';

// ── lint ────────────────────────────────────────────────────────────────────────────────────
export { lint, reaches, type LintOptions, type LintResult } from './analysis/lint/engine.js';
export { compareStrictness, LintContext, permits, type LintSubject } from './analysis/lint/context.js';
export type { CallPath, Finding, LintRule, Witness } from './analysis/lint/types.js';
export { RULES, ruleById } from './analysis/lint/rules/index.js';
export { formatFinding, tally } from './analysis/lint/format.js';
export { toSarif, type SarifInput } from './analysis/lint/sarif.js';

// ── harden / presets ────────────────────────────────────────────────────────────────────────
export { hardenProfile, STEPS, type Change, type HardenOptions, type HardenResult, type StepId } from './analysis/harden/index.js';
export { buildPreset, presetByName, PRESETS, type Preset, type PresetOptions, type PresetResult } from './analysis/presets/index.js';

// ── partition: the decision space ───────────────────────────────────────────────────────────
export { partition, type Leaf, type Partition, type PartitionOptions, type UnknownReason } from './analysis/partition/partition.js';
export { abiSpace, allSpaces, otherArchSpace, type Space } from './analysis/partition/spaces.js';
export { regionContains, regionWitness, WHOLE_SPACE, type OpaqueTest, type Region, type Witness as RegionWitness } from './analysis/partition/region.js';
export { fieldsOf, type Fields, type Values64 } from './analysis/partition/fields.js';
export type { WordSet } from './analysis/partition/word-set.js';
export { describeArgs } from './analysis/describe/conditions.js';

// ── diff / subset ───────────────────────────────────────────────────────────────────────────
export { diffPrograms, type CompareOptions, type Difference, type DiffResult, type Witnessed } from './analysis/diff/diff.js';
export { atLeastAsStrictAs, type SubsetResult } from './analysis/diff/subset.js';

// ── explain: per ABI and action, the syscalls and argument conditions that lead there ───────
export { explainAbi, explainProgram, type AbiExplanation, type ActionGroup, type Case, type ExplainOptions, type Explanation, type OtherSpace, type Outcome, type SubjectExplanation } from './analysis/explain/explain.js';
export { describeOutcome, explanationJson, formatExplanation } from './analysis/explain/format.js';

// ── decompile: Program → profile, proved by recompiling it ──────────────────────────────────
export { decompile, handledAbis, hostCandidates, DEFAULT_LISTENER_PATH, type Decompiled, type DecompileLens, type DecompileOptions } from './analysis/decompile/decompile.js';
export type { DecompiledProfile, ProfileFormat as DecompiledFormat, ProfileRule as DecompiledRule } from './analysis/decompile/profile.js';
export type { Proof } from './analysis/decompile/prove.js';
export { syscageRecompiler, type CompileRequest, type CompileResult, type Recompiler } from './analysis/decompile/recompiler.js';

// ── export: a profile in another runtime's form (OCI, Docker, Kubernetes, SPO, crun, bwrap, systemd) ──
export { exportProfile, EXPORT_FORMATS, isExportFormat, type Exported, type ExportFormat, type ExportOptions } from './export/export.js';
export { ociSeccomp, profileAction } from './export/oci.js';
export { dockerProfile } from './export/docker.js';
export { localhostProfile, validLocalhostPath, DEFAULT_KUBELET_ROOT, type LocalhostProfile } from './export/k8s.js';
export { spoProfile, SPO_API_VERSION, type SpoExport } from './export/spo.js';
export { crunAnnotation, CRUN_ANNOTATION } from './export/crun.js';
export { bwrapProgram } from './export/bwrap.js';
export { systemdUnit, type SystemdOptions, type SystemdUnit } from './export/systemd.js';
export { setInConfig, type ConfigEdit } from './export/config.js';

// ── entry points over several stages ────────────────────────────────────────────────────────

/** The lint subject of a compiled profile (undefined when it did not compile). */
export function profileSubject(compiled: CompiledProfile, host: Arch, file?: string): LintSubject | undefined {
  if (!compiled.program) return undefined;
  return {
    kind: 'profile', program: compiled.program, endian: compiled.endian, abis: compiled.arches ?? [host], host,
    ...(file !== undefined ? { file } : {}),
    ...(compiled.profile ? { profile: compiled.profile } : {}),
    ...(compiled.resolution ? { resolution: compiled.resolution } : {}),
  };
}

/** Compiles and lints a profile: the findings hold for the program the runtime loads. */
export function lintProfile(text: string, target: ProfileTarget, options: LintOptions & { readonly file?: string } = {}): { readonly compiled: CompiledProfile; readonly findings: readonly Finding[] } {
  const compiled = compileProfile(text, target, options.file !== undefined ? { file: options.file } : {});
  const subject = profileSubject(compiled, target.host, options.file);
  return { compiled, findings: subject ? lint(subject, options).findings : [] };
}

/** Lints a raw filter; its ABIs are the AUDIT_ARCH values it compares, the first taken as native unless `host` is given. */
export function lintFilter(program: Program, endian: Endian, options: LintOptions & { readonly host?: Arch; readonly file?: string } = {}): readonly Finding[] {
  const abis = filterAbis(program, endian);
  const host = options.host ?? abis[0];
  const subject: LintSubject = {
    kind: 'filter', program, endian, abis: abis.length > 0 ? abis : host ? [host] : [],
    ...(host ? { host } : {}),
    ...(options.file !== undefined ? { file: options.file } : {}),
  };
  return lint(subject, options).findings;
}

/** Two profiles compiled for one target, and what the comparison found (absent when either did not compile). */
export interface ProfileComparison<R> {
  readonly a: CompiledProfile;
  readonly b: CompiledProfile;
  readonly result?: R;
  /** Both sides' diagnostics. */
  readonly diagnostics: readonly Diagnostic[];
}

function compareProfiles<R>(a: string, b: string, target: ProfileTarget, run: (pa: Program, pb: Program) => R): ProfileComparison<R> {
  const ca = compileProfile(a, target);
  const cb = compileProfile(b, target);
  const diagnostics = [...ca.diagnostics, ...cb.diagnostics];
  return { a: ca, b: cb, diagnostics, ...(ca.program && cb.program ? { result: run(ca.program, cb.program) } : {}) };
}

/** Every region of the decision space where the runtime's filters for two profiles return different values. */
export function diffProfiles(a: string, b: string, target: ProfileTarget, options: CompareOptions = {}): ProfileComparison<DiffResult> {
  return compareProfiles(a, b, target, (pa, pb) => diffPrograms(pa, pb, options));
}

/** Is `profile` at least as strict as `baseline` everywhere (kernel precedence), as the runtime loads both? */
export function profileAtLeastAsStrictAs(profile: string, baseline: string, target: ProfileTarget, options: CompareOptions = {}): ProfileComparison<SubsetResult> {
  return compareProfiles(profile, baseline, target, (pa, pb) => atLeastAsStrictAs(pa, pb, options));
}
