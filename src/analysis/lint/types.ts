// SPDX-License-Identifier: Apache-2.0
// The shapes of the lint engine (DESIGN.md §2: Program | Profile ─lint─▶ Diagnostic[]).
// A rule is a small module: id, code, severity, a one-line description, its messages by id and a
// check that reports findings through the context (./context.ts). A finding is a Diagnostic (so
// every output path that renders diagnostics renders findings) plus the rule id, a concrete
// witness — a call, with its arguments, that shows the hole — and the fix where there is one.

import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';
import type { LintContext } from './context.js';

export type SubjectKind = 'profile' | 'filter';

/** How a witness call reaches the kernel (the int $0x80 path is an i386 call from 64-bit code). */
export type CallPath = 'syscall' | 'int80' | 'io_uring';

/** One concrete call and what the filter does with it. */
export interface Witness {
  /** ABI name (`x86_64`, `x86`, …). */
  readonly arch: string;
  readonly syscall: string;
  readonly nr: number;
  /** Six 64-bit argument values as seccomp_data holds them. */
  readonly args: readonly bigint[];
  readonly path?: CallPath;
  /** The filter's return value for this call. */
  readonly verdict: number;
  /** The return value of the call the witness is compared with (its 32-bit twin, the direct call, …). */
  readonly versus?: { readonly call: string; readonly verdict: number };
  /** The whole story in one line, e.g. `socket(0x100000028, 1, 0) on x86_64 → ALLOW, but socket(40, 1, 0) → ERRNO(1)`. */
  readonly text: string;
}

export interface Finding extends Diagnostic {
  /** The rule's id (`int-arg-high-bits`). */
  readonly rule: string;
  readonly witness?: Witness;
  /** What to change, in words (harden does it). */
  readonly fix?: string;
}

/** What a rule reports: a message of its own catalog, its arguments, where, and the evidence. */
export interface Report {
  readonly message: string;
  readonly args?: Readonly<Record<string, string | number>>;
  /** JSON pointer in the profile (profiles), resolved to line:column by the engine. */
  readonly pointer?: string;
  /** Program counter (filters). */
  readonly pc?: number;
  readonly witness?: Witness;
  readonly fix?: string;
  /** Overrides the rule's default severity (severity by context). */
  readonly severity?: Severity;
}

export interface LintRule {
  /** Stable id, kebab-case; the doc page is docs/rules/<id>.md. */
  readonly id: string;
  /** Stable diagnostic code, SC4xxx. */
  readonly code: string;
  /** Default severity: error for a bypass, warning for a likely mistake, info for a note. */
  readonly severity: Severity;
  /** One line: what the rule finds. */
  readonly description: string;
  /** Message templates by id, `{name}` placeholders filled from Report.args. */
  readonly messages: Readonly<Record<string, string>>;
  /** The subjects the rule can judge. */
  readonly subjects: readonly SubjectKind[];
  check(ctx: LintContext, report: (r: Report) => void): void;
}
