// SPDX-License-Identifier: Apache-2.0
// The presets of `syscage init`: profiles to start from, built in code from the embedded Docker
// default (so they follow it when it is regenerated), each closing the paths it promises on every
// host Docker's archMap names. One table: name, one line, how it is built.

import { DOCKER_DEFAULT_PROFILE } from '../../profile/defaults.gen.js';
import { diag } from '../../diagnostics/messages.js';
import type { PresetResult } from './base.js';
import { denyAllLog } from './record.js';
import { defaultDeny } from './default-deny.js';
import { wxMemory } from './memory.js';
import { noAfAlgVsock, unixOnlyNetwork } from './network.js';

export type { PresetResult } from './base.js';

export interface PresetOptions {
  /** default-deny: the syscalls the workload needs. */
  readonly syscalls?: readonly string[];
}

export interface Preset {
  readonly name: string;
  readonly summary: string;
  /** Does it use --syscalls? */
  readonly takesSyscalls?: boolean;
  build(options: PresetOptions): PresetResult;
}


export const PRESETS: readonly Preset[] = [
  { name: 'docker-default', summary: 'Docker\'s default profile, as embedded and unchanged (with its upper-32-bit and socketcall holes: no-af-alg-vsock is the same, closed)', build: () => ({ text: DOCKER_DEFAULT_PROFILE.endsWith('\n') ? DOCKER_DEFAULT_PROFILE : DOCKER_DEFAULT_PROFILE + '\n', changes: [], diagnostics: [] }) },
  { name: 'unix-only-network', summary: 'Docker\'s default with sockets for AF_UNIX only (low-word masks), socketcall answered ENOSYS, io_uring denied', build: unixOnlyNetwork },
  { name: 'no-af-alg-vsock', summary: 'Docker\'s default with AF_ALG and AF_VSOCK closed on every path (low-word masks, socketcall answered ENOSYS)', build: noAfAlgVsock },
  { name: 'wx-memory', summary: 'Docker\'s default plus W^X: mmap/mmap2/mprotect/pkey_mprotect with PROT_WRITE|PROT_EXEC and shmat with SHM_EXEC get EACCES', build: wxMemory },
  { name: 'deny-all-log', summary: 'complain mode: default SCMP_ACT_LOG, to record what a workload calls; only kexec, module loading, open_by_handle_at and iopl/ioperm refused (and logged)', build: denyAllLog },
  { name: 'default-deny', summary: 'EPERM for everything but --syscalls a,b,c and what a container needs to start; newer syscalls answered ENOSYS', takesSyscalls: true, build: (o) => defaultDeny(o.syscalls) },
];

export function presetByName(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/** The preset's profile text, or why it cannot be built. */
export function buildPreset(name: string, options: PresetOptions = {}): PresetResult {
  const preset = presetByName(name);
  if (!preset) return { changes: [], diagnostics: [diag('presetUnknown', { name, list: PRESETS.map((p) => p.name).join(', ') }, { kind: 'argument', name: 'PRESET' })] };
  const out = preset.build(options);
  if (options.syscalls !== undefined && !preset.takesSyscalls) {
    return { ...out, diagnostics: [...out.diagnostics, diag('presetSyscallsUnused', { name }, { kind: 'argument', name: '--syscalls' })] };
  }
  return out;
}
