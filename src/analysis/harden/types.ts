// SPDX-License-Identifier: Apache-2.0
// The shapes of harden: what one step produces, and what hardenProfile returns. A change is a
// Diagnostic (so every output path renders it) located in the input profile, plus the step it
// belongs to and the JSON pointer of what it rewrote.

import type { Arch } from '../../arch/arch.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diag, type MessageId } from '../../diagnostics/messages.js';
import { profileLocation } from '../../profile/position.js';
import type { Profile } from '../../profile/types.js';
import type { Target } from '../../resolve/resolve.js';
import type { DraftRule } from './draft.js';

export type StepId = 'int32' | 'default-equal' | 'overridden' | 'multiplexer' | 'io-uring' | 'new-syscalls';

export interface Change extends Diagnostic {
  readonly step: StepId;
  /** JSON pointer, in the input, of the rule or condition rewritten (of `syscalls` for an added rule). */
  readonly pointer: string;
}

/** One rule of the draft rewritten on its own: kept or left out by itself when the whole step fails the checks. */
export interface StepUnit {
  /** Index of the rule in the draft the step ran on. */
  readonly index: number;
  readonly replacement: readonly DraftRule[];
  readonly changes: readonly Change[];
}

export interface StepResult {
  readonly rules: readonly DraftRule[];
  readonly changes: readonly Change[];
  /** Warnings: what the step left as written, and why. */
  readonly notes: readonly Diagnostic[];
  /** The step as independent rule rewrites, when it is one (the rules are the draft with every unit applied). */
  readonly units?: readonly StepUnit[];
}

/** What the steps know besides the draft: the target, and the input for locations. */
export interface StepEnv {
  readonly target: Target;
  readonly input: Profile;
  /** The ABI whose errno numbering new errno rules use first (the target's host). */
  readonly primary: Arch;
}

export interface HardenResult {
  /** The hardened profile's text (pretty JSON in the input's indentation); absent when the input has errors. */
  readonly text?: string;
  /** The hardened profile, parsed (pointers into `text`). */
  readonly profile?: Profile;
  readonly changes: readonly Change[];
  /** The ABIs the profile was hardened for (the target's, as the profile resolves them). */
  readonly abis?: readonly Arch[];
  /** The input's diagnostics when it cannot be hardened, and harden's own warnings. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A change located in the input profile. */
export function change(env: StepEnv, step: StepId, id: MessageId, args: Record<string, string | number>, pointer: string): Change {
  return { ...diag(id, args, profileLocation(env.input, pointer)), step, pointer };
}

export function note(env: StepEnv, id: MessageId, args: Record<string, string | number>, pointer: string): Diagnostic {
  return diag(id, args, profileLocation(env.input, pointer));
}

/** The draft's rules with these units applied, and their changes. */
export function applyUnits(rules: readonly DraftRule[], units: readonly StepUnit[]): { rules: DraftRule[]; changes: Change[] } {
  const by = new Map(units.map((u) => [u.index, u]));
  return {
    rules: rules.flatMap((r, i) => by.get(i)?.replacement ?? [r]),
    changes: units.flatMap((u) => u.changes),
  };
}
