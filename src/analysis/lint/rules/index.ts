// SPDX-License-Identifier: Apache-2.0
// The lint rules, in the order their documentation lists them. Adding a rule = one module in this
// folder, one line in its group (./arguments.ts, ./coverage.ts) or here, one page in docs/rules/<id>.md (test/lint/docs.test.ts runs its examples).
// Codes are SC4xxx, one per rule, never reused.

import type { LintRule } from '../types.js';
import { ARGUMENT_RULES } from './arguments.js';
import { COVERAGE_RULES } from './coverage.js';
import { dangerousAllow } from './dangerous-allow.js';

export const RULES: readonly LintRule[] = [
  ...ARGUMENT_RULES,
  ...COVERAGE_RULES,
  dangerousAllow,
];

export function ruleById(id: string): LintRule | undefined {
  return RULES.find((r) => r.id === id);
}
