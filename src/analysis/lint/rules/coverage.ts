// SPDX-License-Identifier: Apache-2.0
// The rules about which syscalls and ABIs a profile covers: io_uring and fd passing around
// socket rules, ABIs the host can run, startup needs, W^X paths, equivalent syscalls, and what
// new syscalls get.

import type { LintRule } from '../types.js';
import { cannotStart } from './cannot-start.js';
import { compatAbi } from './compat-abi.js';
import { enosysForNewSyscalls } from './enosys-for-new-syscalls.js';
import { equivalentSyscallGap } from './equivalent-syscall-gap.js';
import { fdPassing } from './fd-passing.js';
import { ioUringBypass } from './io-uring-bypass.js';
import { missingArch } from './missing-arch.js';
import { wxIncomplete } from './wx-incomplete.js';
import { x32Abi } from './x32-abi.js';

export const COVERAGE_RULES: readonly LintRule[] = [
  ioUringBypass,
  fdPassing,
  missingArch,
  x32Abi,
  compatAbi,
  cannotStart,
  wxIncomplete,
  equivalentSyscallGap,
  enosysForNewSyscalls,
];
