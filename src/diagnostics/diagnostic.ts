// SPDX-License-Identifier: Apache-2.0
// A user's mistake, located: every stage returns these instead of throwing (DESIGN.md §7).
// A thrown error is a bug; bad input is a Diagnostic with a stable code from ./messages.ts.

export type Severity = 'error' | 'warning' | 'info';

export type Location =
  /** An instruction of a BPF program (0-based program counter). */
  | { readonly kind: 'pc'; readonly pc: number }
  /** A place in a text document: JSON pointer where there is one, 1-based line and column. */
  | { readonly kind: 'text'; readonly file?: string; readonly pointer?: string; readonly line: number; readonly column: number }
  /** A byte offset in a binary input. */
  | { readonly kind: 'byte'; readonly file?: string; readonly offset: number }
  /** A command-line argument or option. */
  | { readonly kind: 'argument'; readonly name: string };

export interface Diagnostic {
  /** Stable code, `SC` + 4 digits; never reused for another meaning. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location?: Location;
  /** What the user can do about it. */
  readonly hint?: string;
}

/** Result of a stage that may fail on bad input: a value when it could produce one, and every problem found. */
export interface Result<T> {
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown only for broken internal invariants: a bug in syscage, never an answer to input. */
export class InternalError extends Error {
  override name = 'InternalError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new InternalError(message);
}

export function unreachable(x: never): never {
  throw new InternalError(`unreachable: ${JSON.stringify(x)}`);
}
