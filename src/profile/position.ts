// SPDX-License-Identifier: Apache-2.0
// Text positions of a parsed profile: offset → 1-based line:column (column in UTF-16 code units),
// and JSON pointer → Location for diagnostics of later stages. A pointer the parser recorded no
// offset for (a synthesized element) falls back to its nearest parent.

import type { Location } from '../diagnostics/diagnostic.js';
import type { Profile } from './types.js';

/** Offsets of the first character of each line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineColumn(starts: readonly number[], offset: number): [number, number] {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return [lo + 1, offset - starts[lo]! + 1];
}

export function profileLocation(profile: Profile, pointer: string): Location {
  const { offsets, lineStarts: starts } = profile.source;
  let p = pointer;
  let offset = offsets.get(p);
  while (offset === undefined && p !== '') {
    p = p.slice(0, p.lastIndexOf('/'));
    offset = offsets.get(p);
  }
  const [line, column] = lineColumn(starts, offset ?? 0);
  return { kind: 'text', ...(profile.file !== undefined ? { file: profile.file } : {}), pointer, line, column };
}
