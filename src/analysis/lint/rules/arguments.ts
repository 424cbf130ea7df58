// SPDX-License-Identifier: Apache-2.0
// The rules about how argument conditions are read and enforced: truncated 32-bit arguments, the
// socketcall/ipc companions, runtime drops and OR-splits, pointer comparisons.

import type { LintRule } from '../types.js';
import { intArgHighBits } from './int-arg-high-bits.js';
import { multiplexerBypass } from './multiplexer-bypass.js';
import { pointerArgCompare } from './pointer-arg-compare.js';
import { ruleDroppedByRuntime } from './rule-dropped-by-runtime.js';
import { sameArgOrSplit } from './same-arg-or-split.js';

export const ARGUMENT_RULES: readonly LintRule[] = [
  intArgHighBits,
  multiplexerBypass,
  ruleDroppedByRuntime,
  sameArgOrSplit,
  pointerArgCompare,
];
