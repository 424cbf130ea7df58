// SPDX-License-Identifier: Apache-2.0
// JSON pointer → text Location in a parsed profile, for diagnostics of later stages. A pointer
// the parser recorded no position for (a synthesized element) falls back to its nearest parent.

import type { Location } from '../diagnostics/diagnostic.js';
import type { Profile } from './types.js';

export function profileLocation(profile: Profile, pointer: string): Location {
  let p = pointer;
  for (;;) {
    const pos = profile.positions.get(p);
    if (pos !== undefined || p === '') {
      const [line, column] = pos ?? [1, 1];
      return { kind: 'text', ...(profile.file !== undefined ? { file: profile.file } : {}), pointer, line, column };
    }
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
