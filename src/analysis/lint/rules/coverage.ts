// SPDX-License-Identifier: Apache-2.0
// The rules about which syscalls and ABIs a profile covers: io_uring and fd passing around
// socket rules, ABIs the host can run, startup needs, W^X paths, equivalent syscalls, and what
// new syscalls get.

import type { LintRule } from '../types.js';

export const COVERAGE_RULES: readonly LintRule[] = [];
