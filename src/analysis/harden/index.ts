// SPDX-License-Identifier: Apache-2.0
// harden: a Docker/OCI profile rewritten so that the bypasses syscage knows of are closed for the
// target, without letting anything through that was not before. The steps, in order:
//   1. int32          32-bit comparisons expressed on the low word (./int32.ts)
//   2. default-equal  deny rules runc drops for equalling the default made to count (./default-equal.ts)
//   3. overridden     stricter rules libseccomp overrides made to count (./overridden.ts)
//   4. multiplexer    socketcall/ipc pinned to ENOSYS where their companions bypass conditions (./multiplexer.ts)
//   5. io-uring       io_uring denied where what it can do is restricted (./io-uring.ts)
//   6. new-syscalls   newer syscalls answered with ENOSYS where the fallback is allowed (./new-syscalls.ts)
// Every step works on the runtime's reading of the current draft (runc lens: Docker, containerd,
// Kubernetes) and is checked before it is kept: the draft must still parse, resolve and compile
// without errors (runc would start the container), and its program must be at least as strict as
// the input's at every point of the decision space (proved exactly over both programs'
// partitions, ../diff/subset.ts). A step that fails either check is left out, with a warning
// that says why. The output is the whole input document with only the rules changed (every
// other field kept, integers exact), or the input text itself when nothing changed.
// Platform-neutral: no node:* imports.

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { parseProfile } from '../../profile/parse.js';
import { profileLocation } from '../../profile/position.js';
import { diag } from '../../diagnostics/messages.js';
import type { Target } from '../../resolve/resolve.js';
import { formatAction } from '../../seccomp/action.js';
import { formatCall } from '../lint/context.js';
import { syscallName } from '../../arch/index.js';
import { analyse, originOf, type Analysis } from './analysis.js';
import { lint } from '../lint/engine.js';
import { defaultEqualStep } from './default-equal.js';
import { Draft } from './draft.js';
import { int32Step } from './int32.js';
import { ioUringStep } from './io-uring.js';
import { multiplexerStep } from './multiplexer.js';
import { newSyscallsStep } from './new-syscalls.js';
import { overriddenStep } from './overridden.js';
import { atLeastAsStrictAs } from '../diff/subset.js';
import type { Difference } from '../diff/diff.js';
import { applyUnits, note, type Change, type HardenResult, type StepEnv, type StepId, type StepResult, type StepUnit } from './types.js';

export type { Change, HardenResult, StepId } from './types.js';

/** The steps, in the order they run. */
export const STEPS: ReadonlyArray<{ readonly id: StepId; readonly what: string; readonly run: (a: Analysis, env: StepEnv) => StepResult }> = [
  { id: 'int32', what: '32-bit comparisons on the low word', run: int32Step },
  { id: 'default-equal', what: 'rules equal to the default given another errno', run: defaultEqualStep },
  { id: 'overridden', what: 'overriding rules made to let the stricter ones apply', run: overriddenStep },
  { id: 'multiplexer', what: 'socketcall/ipc answered with ENOSYS', run: multiplexerStep },
  { id: 'io-uring', what: 'io_uring denied', run: ioUringStep },
  { id: 'new-syscalls', what: 'newer syscalls answered with ENOSYS', run: newSyscallsStep },
];

/**
 * The lint rules whose error findings harden exists to close (the bypasses it rewrites); what is
 * left of them after harden is reported as SC6053.
 */
export const HARDEN_ANSWERS: ReadonlySet<string> = new Set([
  'int-arg-high-bits', 'multiplexer-bypass', 'io-uring-bypass', 'rule-dropped-by-runtime', 'same-arg-or-split', 'enosys-for-new-syscalls',
]);

export interface HardenOptions {
  /** File name for locations. */
  readonly file?: string;
  /** Run only these steps (default: all). */
  readonly steps?: readonly StepId[];
}

function pointText(d: Difference): string {
  const w = d.witness;
  if (!w) return 'a region of the decision space could not be decided';
  const arch = d.arch;
  const name = arch ? syscallName(arch, w.data.nr) ?? `syscall ${w.data.nr}` : `syscall ${w.data.nr}`;
  return `${formatCall(name, w.data.args)} on ${arch?.name ?? 'another ABI'} would get ${formatAction(w.a)} instead of ${formatAction(w.b)}`;
}

/** Hardens the profile `text` for `target` (see the module header). */
export function hardenProfile(text: string, target: Target, options: HardenOptions = {}): HardenResult {
  const parsed = parseProfile(text, options.file);
  if (!parsed.value || hasErrors(parsed.diagnostics)) return { changes: [], diagnostics: parsed.diagnostics };
  const input = parsed.value;
  const first = Draft.of(input, text);
  // the rewriter edits JSON text in place; a YAML (SPO) profile is read but not rewritten
  if (!first) return { changes: [], diagnostics: [...parsed.diagnostics, diag('hardenNotJson', {}, profileLocation(input, input.pointerBase))] };
  const base = analyse(first, target, text, options.file);
  if (!base?.analysis) return { changes: [], diagnostics: base?.diagnostics ?? parsed.diagnostics };
  const env: StepEnv = { target, input, primary: target.host };
  const changes: Change[] = [];
  const diagnostics: Diagnostic[] = [];
  let current = base.analysis;
  // The draft with `rules`, if it loads and is at least as strict as the input; else why not.
  const check = (rules: StepResult['rules']): { analysis: Analysis } | { reason: string } => {
    const next = analyse(current.draft.with(rules), target);
    const failed = next.diagnostics.find((d) => d.severity === 'error');
    if (!next.analysis || failed) return { reason: `the result would not load (${failed?.code ?? 'error'}: ${failed?.message ?? 'it does not compile'})` };
    // exact, over the whole decision space of both compiled programs (../diff/subset.ts)
    const cmp = atLeastAsStrictAs(next.analysis.ctx.program, base.analysis!.ctx.program, { limit: 1 });
    if (!cmp.holds) return { reason: `it would weaken the profile: ${pointText(cmp.differences[0] ?? cmp.undecided[0]!)}` };
    return { analysis: next.analysis };
  };
  for (const step of STEPS) {
    if (options.steps && !options.steps.includes(step.id)) continue;
    const out = step.run(current, env);
    diagnostics.push(...out.notes);
    if (out.changes.length === 0) continue;
    const whole = check(out.rules);
    if ('analysis' in whole) {
      current = whole.analysis;
      changes.push(...out.changes);
      continue;
    }
    if (!out.units || out.units.length < 2) {
      diagnostics.push(note(env, 'hardenStepReverted', { step: step.what, reason: whole.reason }, input.pointerBase));
      continue;
    }
    // Rule by rule: keep each rewrite that passes the checks with the ones kept before it.
    const kept: StepUnit[] = [];
    const base0 = current;
    for (const unit of out.units) {
      const tried = check(applyUnits(base0.draft.rules, [...kept, unit]).rules);
      if ('analysis' in tried) {
        kept.push(unit);
        current = tried.analysis;
      } else {
        const where = unit.changes[0]?.pointer ?? input.pointerBase;
        diagnostics.push(note(env, 'hardenStepReverted', { step: `${step.what} for this rule`, reason: tried.reason }, where));
      }
    }
    changes.push(...kept.flatMap((u) => u.changes));
  }
  // What harden answers and could not close: said, located in the input.
  for (const f of lint(current.ctx, { only: [...HARDEN_ANSWERS] }).findings) {
    if (f.severity !== 'error') continue;
    const pointer = f.location?.kind === 'text' ? f.location.pointer : undefined;
    const m = pointer !== undefined ? /^(.*\/syscalls\/\d+)(.*)$/.exec(pointer) : null;
    const where = m ? originOf(current, m[1]!) + m[2]! : pointer ?? input.pointerBase;
    diagnostics.push(note(env, 'hardenLeft', { rule: f.rule, message: f.message }, where));
  }
  if (changes.length === 0) {
    diagnostics.push(note(env, 'hardenUnchanged', { target: current.ctx.abis.map((a) => a.name).join(', ') }, input.pointerBase));
    return { text, profile: input, changes, abis: current.ctx.abis, diagnostics };
  }
  return { text: current.text, profile: current.profile, changes, abis: current.ctx.abis, diagnostics };
}
