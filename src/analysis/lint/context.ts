// SPDX-License-Identifier: Apache-2.0
// What a lint rule can ask about its subject. A subject is a raw filter (a validated Program) or
// a profile, which comes with its runtime reading (the resolve stage: the resolved rules with
// their JSON pointers, runc's and libseccomp's diagnostics, the Policy) and the program compiled
// from it. Either way the program is the ground truth for verdicts: rules ask it (through the
// interpreter, the kernel's semantics) rather than re-reading the JSON, so a finding on a
// profile holds for what the runtime loads, and the same rule often works for raw filters.
//
// The per-syscall view (constant or argument-dependent verdict) is the abstract interpretation
// of ../../seccomp/outcomes.ts, memoized per (ABI, syscall).

import type { Arch, Endian } from '../../arch/arch.js';
import { syscallName, syscallNumber } from '../../arch/index.js';
import { hostAbis } from '../../arch/hosts.js';
import type { Program } from '../../bpf/instruction.js';
import { opcode } from '../../bpf/opcodes.js';
import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { syscallSignature, type ArgSignature } from '../../kernel/signatures.js';
import type { Policy } from '../../policy/policy.js';
import type { Profile } from '../../profile/types.js';
import type { Resolution } from '../../resolve/resolve.js';
import type { ResolvedProfile } from '../../resolve/types.js';
import { actionSpec, decodeAction, formatAction } from '../../seccomp/action.js';
import { outcomes, type Outcomes } from '../partition/per-syscall.js';
import { simulate } from '../../seccomp/simulate.js';
import type { SubjectKind } from './types.js';

export interface LintSubject {
  readonly kind: SubjectKind;
  /** The program the kernel would run: the compiled profile, or the filter itself. */
  readonly program: Program;
  readonly endian: Endian;
  /** The ABIs the program judges (a profile's compiled ABIs; the AUDIT_ARCHes a filter tests). */
  readonly abis: readonly Arch[];
  /** The machine's native ABI the subject is judged for (a profile's host; a filter's guess). */
  readonly host?: Arch;
  /** File name for messages. */
  readonly file?: string;
  readonly profile?: Profile;
  readonly resolution?: Resolution;
}

/** How a syscall fares on one ABI when its arguments are unknown. */
export interface SyscallView {
  readonly arch: Arch;
  readonly name: string;
  readonly nr: number;
  /** Return values some path reaches (see Outcomes for exactness). */
  readonly values: readonly number[];
  readonly outcomes: Outcomes;
  /** 'always': every reachable verdict lets the call run (ALLOW, LOG); 'never': none does; else 'sometimes'. */
  readonly permitted: 'always' | 'never' | 'sometimes';
  /** The verdict when it does not depend on arguments. */
  readonly constant?: number;
}

/** Does this return value let the call run (ALLOW, or LOG which allows and logs)? */
export function permits(value: number): boolean {
  const kind = decodeAction(value).kind;
  return kind === 'ALLOW' || kind === 'LOG';
}

/**
 * The kernel's precedence (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG >
 * ALLOW): negative when `a` is stricter than `b`, 0 when the same action kind.
 */
export function compareStrictness(a: number, b: number): number {
  return actionSpec(decodeAction(a).kind).precedence - actionSpec(decodeAction(b).kind).precedence;
}

export class LintContext {
  readonly kind: SubjectKind;
  readonly program: Program;
  readonly endian: Endian;
  readonly abis: readonly Arch[];
  readonly host?: Arch;
  /** ABIs the host can run (native and compat), whether or not the filter judges them. */
  readonly hostAbis: readonly Arch[];
  readonly file?: string;
  readonly profile?: Profile;
  readonly resolution?: Resolution;
  private readonly views = new Map<string, SyscallView | null>();
  private constantsCache?: readonly number[];

  constructor(subject: LintSubject) {
    this.kind = subject.kind;
    this.program = subject.program;
    this.endian = subject.endian;
    this.abis = subject.abis;
    if (subject.host) this.host = subject.host;
    this.hostAbis = subject.host ? hostAbis(subject.host) : subject.abis;
    if (subject.file !== undefined) this.file = subject.file;
    if (subject.profile) this.profile = subject.profile;
    if (subject.resolution) this.resolution = subject.resolution;
  }

  /** The profile as the runtime resolves it (rules with pointers, arches), for profiles. */
  get resolved(): ResolvedProfile | undefined {
    return this.resolution?.resolved;
  }

  get policy(): Policy | undefined {
    return this.resolution?.policy;
  }

  /** The resolve stage's diagnostics (runc's drops and splits, libseccomp's effects). */
  get diagnostics(): readonly Diagnostic[] {
    return this.resolution?.diagnostics ?? [];
  }

  /** The profile's default action (profiles only). */
  get defaultAction(): number | undefined {
    return this.resolved?.defaultAction;
  }

  locate(pointer: string): Location | undefined {
    return this.resolution?.locate?.(pointer);
  }

  /** The filter's return value for one call (args default to 0, the instruction pointer to 0). */
  verdict(arch: Arch, nr: number, args: readonly bigint[] = [], instructionPointer = 0n): number {
    return simulate(this.program, arch.endian, { nr, arch: arch.auditArch, instructionPointer, args }).value;
  }

  /** The verdict for `name` on `arch` with these arguments; undefined when the ABI has no such syscall. */
  verdictOf(arch: Arch, name: string, args: readonly bigint[] = []): number | undefined {
    const nr = syscallNumber(arch, name);
    return nr === undefined ? undefined : this.verdict(arch, nr, args);
  }

  /** The per-syscall view, or undefined when the ABI has no such syscall. */
  syscall(arch: Arch, name: string): SyscallView | undefined {
    const key = `${arch.name}/${name}`;
    const hit = this.views.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const nr = syscallNumber(arch, name);
    if (nr === undefined) {
      this.views.set(key, null);
      return undefined;
    }
    const o = outcomes(this.program, arch.endian, arch.auditArch, nr);
    const values = [...o.values].sort((a, b) => a - b);
    const allowed = values.filter(permits).length;
    const permitted = o.dynamic || o.truncated ? 'sometimes' : allowed === values.length ? 'always' : allowed === 0 ? 'never' : 'sometimes';
    const constant = values.length === 1 && !o.dynamic && !o.truncated ? values[0] : undefined;
    const view: SyscallView = { arch, name, nr, values, outcomes: o, permitted, ...(constant !== undefined ? { constant } : {}) };
    this.views.set(key, view);
    return view;
  }

  /** The syscall `arch` runs for number `nr`. */
  nameOf(arch: Arch, nr: number): string | undefined {
    return syscallName(arch, nr);
  }

  signature(arch: Arch, name: string): readonly ArgSignature[] | undefined {
    return syscallSignature(arch, name);
  }

  /** `socket(0x100000028, 0x1, 0x0)`, with as many arguments as the syscall takes on `arch`. */
  callText(arch: Arch, name: string, args: readonly bigint[]): string {
    const n = this.signature(arch, name)?.length;
    let used = 0;
    args.forEach((a, i) => { if (a !== 0n) used = i + 1; });
    return formatCall(name, args, n === undefined ? undefined : Math.max(n, used));
  }

  /** Every constant the program compares with (jeq/jgt/jge/jset #k), sorted: candidate argument words for witnesses. */
  constants(): readonly number[] {
    if (this.constantsCache) return this.constantsCache;
    const set = new Set<number>();
    for (const ins of this.program) {
      const e = opcode(ins.code)?.effect;
      if (e?.kind === 'jmp' && e.src === 'k') set.add(ins.k >>> 0);
    }
    this.constantsCache = [...set].sort((a, b) => a - b);
    return this.constantsCache;
  }
}

/** `socket(0x100000028, 0x1, 0x0)`: a call as people write it, arguments in hex past 9. */
export function formatCall(name: string, args: readonly bigint[], count?: number): string {
  const n = count ?? Math.max(1, args.length);
  const shown = Array.from({ length: n }, (_, i) => args[i] ?? 0n).map((v) => (v > 9n ? '0x' + v.toString(16) : v.toString()));
  return `${name}(${shown.join(', ')})`;
}

export { formatAction };
