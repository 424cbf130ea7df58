// SPDX-License-Identifier: Apache-2.0
// One finding for the same hole on several ABIs: per-ABI results with the same key (the same
// syscalls, the same verdicts) are merged into one group that names every ABI, in the order the
// subject lists them, keeps every ABI's result and the first ABI's evidence for the witness.

import type { Arch } from '../../../arch/arch.js';

export interface AbiGroup<T> {
  readonly abis: readonly Arch[];
  /** The first ABI's result. */
  readonly first: T;
  /** Every ABI's result, parallel to `abis`. */
  readonly all: readonly T[];
}

export function groupByKey<T>(results: ReadonlyArray<{ readonly arch: Arch; readonly key: string; readonly value: T }>): AbiGroup<T>[] {
  const groups = new Map<string, { abis: Arch[]; first: T; all: T[] }>();
  for (const r of results) {
    const g = groups.get(r.key);
    if (g) {
      g.abis.push(r.arch);
      g.all.push(r.value);
    } else groups.set(r.key, { abis: [r.arch], first: r.value, all: [r.value] });
  }
  return [...groups.values()];
}

/** `x86_64, x32, x86`. */
export function abiList(abis: readonly Arch[]): string {
  return abis.map((a) => a.name).join(', ');
}

/** `a`, `a and b`, `a, b and c`, at most `max` shown (`… and 4 more`). */
export function wordList(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
