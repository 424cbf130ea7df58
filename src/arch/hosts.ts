// SPDX-License-Identifier: Apache-2.0
// Which ABIs a machine of one native ABI can run, i.e. which `seccomp_data.arch` values a filter on
// such a host can see. Sources: the compat entry points of the kernel (arch/x86/entry/entry_64_compat.S
// for i386 via `int $0x80`, syscall and sysenter from 64-bit code too; arch/x86/entry/syscalls for
// x32 behind CONFIG_X86_X32_ABI; arch/arm64/kernel/sys32.c for AArch32 behind CONFIG_COMPAT;
// arch/s390/kernel/compat_*.c; arch/mips/kernel/scall64-{n32,o32}.S; arch/powerpc/kernel/entry_64.S
// for 32-bit ppc on big-endian ppc64), and Docker's archMap, which lists the same families.
// Whether a compat ABI is really enabled depends on the kernel's configuration (x32 is often off,
// as on this project's test machine); the lint rules say so where it matters.

import type { Arch } from './arch.js';
import { archByName } from './index.js';

/** Native ABI name → the ABIs a kernel for it may accept, native first (a table, one per fact). */
const HOST_ABIS: Readonly<Record<string, readonly string[]>> = {
  x86_64: ['x86_64', 'x86', 'x32'],
  aarch64: ['aarch64', 'arm'],
  ppc64: ['ppc64', 'ppc'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x', 's390'],
  mips64: ['mips64', 'mips64n32', 'mips'],
  mipsel64: ['mipsel64', 'mipsel64n32', 'mipsel'],
  parisc64: ['parisc64', 'parisc'],
  riscv64: ['riscv64'],
  loongarch64: ['loongarch64'],
};

/** Compat ABIs that kernels commonly build without (CONFIG_X86_X32_ABI, AArch32 on recent CPUs). */
const OFTEN_DISABLED: ReadonlySet<string> = new Set(['x32', 'mips64n32', 'mipsel64n32']);

/** The ABIs a host whose native ABI is `native` can run, native first. */
export function hostAbis(native: Arch): readonly Arch[] {
  const names = HOST_ABIS[native.name] ?? [native.name];
  return names.map((n) => archByName(n)!);
}

/** True for a compat ABI that many kernels leave out (so a hole there is conditional on the kernel). */
export function oftenDisabled(arch: Arch): boolean {
  return OFTEN_DISABLED.has(arch.name);
}
