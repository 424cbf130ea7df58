// SPDX-License-Identifier: Apache-2.0
// The record type for one Linux ABI, as libseccomp knows it (src/arch-*.c, include/seccomp.h)
// and as the kernel reports it in seccomp_data.arch (include/uapi/linux/audit.h).
// Every per-ABI fact lives in the records in ./abis.ts; code reads fields, never names.

export type Endian = 'little' | 'big';

export interface Multiplexers {
  /** Final syscall number of socketcall(2) on this ABI (base included). */
  readonly socketcall: number;
  /** Final syscall number of ipc(2) on this ABI (base included). */
  readonly ipc: number;
}

export interface Arch {
  /** libseccomp's short name: `x86_64`, `x86`, `x32`, `aarch64`, `mipsel64n32`, … */
  readonly name: string;
  /** `SCMP_ARCH_X86_64`, as Docker/OCI profiles spell it. */
  readonly scmpName: string;
  /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch. x32 shares x86_64's. */
  readonly auditArch: number;
  readonly endian: Endian;
  /** Width of the ABI's syscall arguments: 32-bit ABIs compare low words only. */
  readonly bits: 32 | 64;
  /** Added to every table number to get the number the kernel sees (mips: 4000/5000/6000). */
  readonly nrBase: number;
  /** OR-ed into every table number (x32: __X32_SYSCALL_BIT 0x40000000); 0 when none. */
  readonly nrBit: number;
  /** Column of ../shared/data/libseccomp-syscalls.csv that holds this ABI's table numbers. */
  readonly tableColumn: string;
  /** Present where the ABI has the socketcall/ipc multiplexers. */
  readonly multiplexers?: Multiplexers;
  /**
   * True where syscall 0 is the kernel's multiplexer for numbers it cannot encode directly
   * (s390 `setup`): an unknown syscall arrives as nr 0, so runc's ENOSYS stub answers 0 too.
   */
  readonly nrZeroMultiplexes?: boolean;
  /** Other names people use for it (Go's GOARCH, uname -m, Docker/OCI spellings…), lower-case. */
  readonly aliases: readonly string[];
}
