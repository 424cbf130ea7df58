// SPDX-License-Identifier: Apache-2.0
// The proof: the decompiled profile's text is read back as a user's profile would be
// (../../profile/parse.ts), resolved for the same host through the chosen lens (runc with its
// ENOSYS stub, or libseccomp's raw API: ../../resolve/), compiled (./recompiler.ts), and
// compared with the input filter over the whole decision space — every ABI syscage knows and
// every other arch value (../diff/diff.ts). Equivalent means no region differs, none is
// undecided, and both programs were explored completely. Otherwise the first witness is
// explained as precisely as it can be (an ABI left out, a number no syscall has, runc's stub,
// the bad-arch action), so a heuristic of the decompiler that went wrong is a refusal, not a
// wrong profile.

import type { Arch } from '../../arch/arch.js';
import { syscallName } from '../../arch/index.js';
import type { Program } from '../../bpf/instruction.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { diag } from '../../diagnostics/messages.js';
import type { Policy } from '../../policy/policy.js';
import { parseProfile } from '../../profile/parse.js';
import { profileLocation } from '../../profile/position.js';
import { resolveProfile, type Lens } from '../../resolve/resolve.js';
import { formatAction } from '../../seccomp/action.js';
import { diffPrograms, type Difference } from '../diff/diff.js';
import type { PartitionOptions } from '../partition/partition.js';
import { allSpaces } from '../partition/spaces.js';
import type { Recompiler } from './recompiler.js';
import { callText } from './verdicts.js';

export interface Proof {
  readonly lens: Lens;
  /** What recompiled the profile. */
  readonly compiler: string;
  /** Regions of the decision space compared (cells of the two partitions' product). */
  readonly regions: number;
  /** Starting regions compared: every ABI syscage knows, plus the arch values no ABI has. */
  readonly spaces: number;
  /** The recompiled program. */
  readonly program: Program;
}

export type ProofResult = { readonly proof: Proof } | { readonly refusal: readonly Diagnostic[] };

function errorsText(ds: readonly Diagnostic[]): string {
  return ds.filter((d) => d.severity === 'error').slice(0, 3).map((d) => `${d.code} ${d.message}`).join('; ');
}

function explain(d: Difference, arches: readonly Arch[], lens: Lens, policy: Policy): Diagnostic {
  const w = d.witness;
  if (!w) return diag('decompileUndecided', { count: 1, call: 'a region without a member found', arch: d.arch?.name ?? 'other arch values' });
  const a = formatAction(w.a);
  const b = formatAction(w.b);
  if (!d.arch) return diag('decompileBadArch', { value: a });
  const call = callText(d.arch, w.data);
  // nr -1 sits in x32's half of x86_64's numbers: say what it is before blaming an ABI left out
  if (w.data.nr >>> 0 === 0xffffffff) return diag('decompileNrMinusOne', { arch: arches.includes(d.arch) ? d.arch.name : arches[0]!.name, a, b });
  if (!arches.includes(d.arch)) return diag('decompileAbiNotListed', { arch: d.arch.name, example: `${call} gets ${a}`, list: arches.map((x) => x.name).join(', ') });
  const nr = w.data.nr >>> 0;
  const stub = policy.enosysStub;
  if (lens === 'runc' && stub && (w.a === stub.action || w.b === stub.action)) {
    const entry = stub.entries.find((e) => e.arch === d.arch);
    if (entry) return diag('decompileStub', { arch: d.arch.name, max: entry.max, enosys: formatAction(stub.action), value: a, nr });
  }
  if (syscallName(d.arch, nr) === undefined) return diag('decompileUnnamed', { arch: d.arch.name, nr, value: a, default: b });
  return diag('decompileNotEquivalent', { call, arch: d.arch.name, a, b });
}

/** Recompiles `text` for `arches[0]` as host under `lens` and compares it with `program` everywhere. */
export function prove(program: Program, text: string, arches: readonly Arch[], lens: Lens, recompiler: Recompiler, options: PartitionOptions = {}): ProofResult {
  const parsed = parseProfile(text);
  if (!parsed.value || hasErrors(parsed.diagnostics)) return { refusal: [diag('decompileRecompile', { host: arches[0]!.name, lens, reason: errorsText(parsed.diagnostics) })] };
  const profile = parsed.value;
  const res = resolveProfile(profile, { host: arches[0]! }, lens, (p) => profileLocation(profile, p));
  if (!res.policy || hasErrors(res.diagnostics)) return { refusal: [diag('decompileRecompile', { host: arches[0]!.name, lens, reason: errorsText(res.diagnostics) })] };
  const compiled = recompiler.compile({ filter: res.filter!, ...(res.policy.enosysStub ? { stub: res.policy.enosysStub } : {}), profileRules: res.resolved?.rules.length ?? 0 });
  if ('reason' in compiled) return { refusal: [diag('decompileRecompile', { host: arches[0]!.name, lens, reason: `${recompiler.name}: ${compiled.reason}` })] };
  const spaces = allSpaces();
  const d = diffPrograms(program, compiled.program, { ...options, spaces, limit: 1 });
  const first = d.differences[0];
  if (first) return { refusal: [explain(first, arches, lens, res.policy)] };
  if (d.undecided.length > 0) {
    const u = d.undecided[0]!;
    const call = u.witness && u.arch ? callText(u.arch, u.witness.data) : 'a region without a member found';
    return { refusal: [diag('decompileUndecided', { count: d.undecided.length, call, arch: u.arch?.name ?? 'other arch values' })] };
  }
  if (!d.complete) return { refusal: [diag('decompileTooComplex', { arch: 'the proof', reason: 'the exploration budget ran out', call: 'the recompiled profile' })] };
  return { proof: { lens, compiler: recompiler.name, regions: d.cells, spaces: spaces.length, program: compiled.program } };
}
