// SPDX-License-Identifier: Apache-2.0
// What the three ABI rules (missing-arch, x32-abi, compat-abi) share: the host's ABIs split into
// the native one, its x32 twin (same AUDIT_ARCH, numbers with __X32_SYSCALL_BIT) and the compat
// ABIs with an AUDIT_ARCH of their own (i386 on x86_64, AArch32 on aarch64…), the syscalls worth
// showing first in a witness, and where a profile says which ABIs it covers.

import type { Arch } from '../../../arch/arch.js';
import { syscallNames } from '../../../arch/index.js';
import type { LintContext } from '../context.js';

/** The native ABI the subject is judged for: the host, else the filter's first ABI. */
export function nativeAbi(ctx: LintContext): Arch | undefined {
  return ctx.host ?? ctx.abis[0];
}

/** The ABIs the filter judges that the host can run (an x86 section on an arm64 host is never reached). */
export function reachableAbis(ctx: LintContext): Arch[] {
  return ctx.abis.filter((a) => ctx.hostAbis.includes(a));
}

/** The ABI that shares the native AUDIT_ARCH and sets an nr bit (x32 on x86_64). */
export function x32Twin(ctx: LintContext, native: Arch): Arch | undefined {
  return ctx.hostAbis.find((a) => a !== native && a.auditArch === native.auditArch && a.nrBit !== 0);
}

/** The host's other ABIs with an AUDIT_ARCH of their own (x86 on x86_64, arm on aarch64, s390 on s390x…). */
export function compatAbis(ctx: LintContext, native: Arch): Arch[] {
  return ctx.hostAbis.filter((a) => a !== native && a.auditArch !== native.auditArch && a.endian === native.endian);
}

/** Syscalls that make the best witnesses (a sandbox most often means to keep them in check), in order. */
const TELLING: readonly string[] = [
  'socket', 'socketcall', 'connect', 'execve', 'execveat', 'ptrace', 'mount', 'unshare', 'setns', 'bpf', 'init_module',
  'finit_module', 'kexec_load', 'open_by_handle_at', 'io_uring_setup', 'clone', 'clone3', 'personality',
  'keyctl', 'userfaultfd', 'perf_event_open', 'open', 'openat', 'mprotect', 'mmap', 'chmod', 'kill',
];

/** Every syscall of `arch`, the telling ones first. */
export function namesByInterest(arch: Arch): string[] {
  const all = syscallNames(arch);
  const first = TELLING.filter((n) => all.includes(n));
  return [...first, ...all.filter((n) => !first.includes(n))];
}

/** Where a profile lists its ABIs (`/archMap` or `/architectures`); undefined for filters or when it lists none. */
export function archesPointer(ctx: LintContext): string | undefined {
  const p = ctx.profile;
  if (!p) return undefined;
  if (p.archMap.length > 0) return `${p.pointerBase}/archMap`;
  if (p.architectures.length > 0) return `${p.pointerBase}/architectures`;
  return undefined;
}

