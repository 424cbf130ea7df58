// SPDX-License-Identifier: Apache-2.0
// harden: a Docker/OCI profile rewritten so that the bypasses syscage knows of are closed for the
// target, without letting anything through that was not before. The steps, in order:
//   1. int32          32-bit comparisons expressed on the low word (./int32.ts)
//   2. default-equal  deny rules runc drops for equalling the default made to count (./default-equal.ts)
//   3. multiplexer    socketcall/ipc pinned to ENOSYS where their companions bypass conditions (./multiplexer.ts)
//   4. io-uring       io_uring denied where what it can do is restricted (./io-uring.ts)
//   5. new-syscalls   newer syscalls answered with ENOSYS where the fallback is allowed (./new-syscalls.ts)
// Every step works on the runtime's reading of the current draft (runc lens: Docker, containerd,
// Kubernetes) and is checked before it is kept: the draft must still parse, resolve and compile
// without errors (runc would start the container), and its policy must be at least as strict as
// the input's at every point of the decision space (./strictness.ts). A step that fails either
// check is left out, with a warning that says why. The output is the whole input document with
// only the rules changed (every other field kept, integers exact), or the input text itself when
// nothing changed. Platform-neutral: no node:* imports.

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { parseProfile } from '../../profile/parse.js';
import type { Target } from '../../resolve/resolve.js';
import { formatAction } from '../../seccomp/action.js';
import { formatCall } from '../lint/context.js';
import { syscallName } from '../../arch/index.js';
import { analyse, type Analysis } from './analysis.js';
import { defaultEqualStep } from './default-equal.js';
import { Draft } from './draft.js';
import { int32Step } from './int32.js';
import { ioUringStep } from './io-uring.js';
import { multiplexerStep } from './multiplexer.js';
import { newSyscallsStep } from './new-syscalls.js';
import { atLeastAsStrict, type WeakerPoint } from './strictness.js';
import { note, type Change, type HardenResult, type StepEnv, type StepId, type StepResult } from './types.js';

export type { Change, HardenResult, StepId } from './types.js';
export { atLeastAsStrict, type StrictnessReport, type WeakerPoint } from './strictness.js';

/** The steps, in the order they run. */
export const STEPS: ReadonlyArray<{ readonly id: StepId; readonly what: string; readonly run: (a: Analysis, env: StepEnv) => StepResult }> = [
  { id: 'int32', what: '32-bit comparisons on the low word', run: int32Step },
  { id: 'default-equal', what: 'rules equal to the default given another errno', run: defaultEqualStep },
  { id: 'multiplexer', what: 'socketcall/ipc answered with ENOSYS', run: multiplexerStep },
  { id: 'io-uring', what: 'io_uring denied', run: ioUringStep },
  { id: 'new-syscalls', what: 'newer syscalls answered with ENOSYS', run: newSyscallsStep },
];

export interface HardenOptions {
  /** File name for locations. */
  readonly file?: string;
  /** Run only these steps (default: all). */
  readonly steps?: readonly StepId[];
}

function pointText(p: WeakerPoint, arches: Analysis['ctx']['abis']): string {
  const arch = arches.find((a) => a.auditArch === p.data.arch && (a.nrBit === 0 || (p.data.nr & a.nrBit) !== 0));
  const name = arch ? syscallName(arch, p.data.nr) ?? `syscall ${p.data.nr}` : `syscall ${p.data.nr}`;
  return `${formatCall(name, p.data.args)} on ${arch?.name ?? 'another ABI'} would get ${formatAction(p.after)} instead of ${formatAction(p.before)}`;
}

/** Hardens the profile `text` for `target` (see the module header). */
export function hardenProfile(text: string, target: Target, options: HardenOptions = {}): HardenResult {
  const parsed = parseProfile(text, options.file);
  if (!parsed.value || hasErrors(parsed.diagnostics)) return { changes: [], diagnostics: parsed.diagnostics };
  const input = parsed.value;
  const first = Draft.of(input, text);
  const base = first ? analyse(first, target, text, options.file) : undefined;
  if (!base?.analysis) return { changes: [], diagnostics: base?.diagnostics ?? parsed.diagnostics };
  const env: StepEnv = { target, input, primary: target.host };
  const changes: Change[] = [];
  const diagnostics: Diagnostic[] = [];
  let current = base.analysis;
  for (const step of STEPS) {
    if (options.steps && !options.steps.includes(step.id)) continue;
    const out = step.run(current, env);
    diagnostics.push(...out.notes);
    if (out.changes.length === 0) continue;
    const next = analyse(current.draft.with(out.rules), target);
    const failed = next.diagnostics.find((d) => d.severity === 'error');
    if (!next.analysis || failed) {
      diagnostics.push(note(env, 'hardenStepReverted', { step: step.what, reason: `the result would not load (${failed?.code ?? 'error'}: ${failed?.message ?? 'it does not compile'})` }, input.pointerBase));
      continue;
    }
    const cmp = atLeastAsStrict(base.analysis.policy, next.analysis.policy);
    if (cmp.weaker.length > 0) {
      diagnostics.push(note(env, 'hardenStepReverted', { step: step.what, reason: `it would weaken the profile: ${pointText(cmp.weaker[0]!, current.ctx.abis)}` }, input.pointerBase));
      continue;
    }
    current = next.analysis;
    changes.push(...out.changes);
  }
  if (changes.length === 0) {
    diagnostics.push(note(env, 'hardenUnchanged', { target: current.ctx.abis.map((a) => a.name).join(', ') }, input.pointerBase));
    return { text, profile: input, changes, diagnostics };
  }
  return { text: current.text, profile: current.profile, changes, diagnostics };
}
