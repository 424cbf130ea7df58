// SPDX-License-Identifier: Apache-2.0
// The names a Docker profile's `includes` / `excludes` compare with: capability names, and the
// arch names dockerd (and Podman) use for the host.
//
// Capabilities: include/uapi/linux/capability.h (CAP_CHOWN 0 … CAP_CHECKPOINT_RESTORE 40).
// Docker's default set: moby/moby daemon/pkg/oci/caps/defaults.go DefaultCapabilities(); dockerd
// applies WithCapabilities before WithSeccomp, so `caps` are tested against the container's
// bounding set (moby/profiles seccomp/seccomp_linux.go setupSeccomp, rs.Process.Capabilities.Bounding).
//
// Arch names: moby/profiles seccomp/seccomp_linux.go maps runtime.GOARCH through `goToNative` to
// the name `includes.arches` is compared with, then that name through `nativeToSeccomp` to the
// archMap entry it picks. The two maps disagree for loong64 ("loongarch64" vs key "loong64") and
// mipsle ("mipsel" vs key "mipsle"), and GOARCH mips has no entry at all: on those hosts Docker
// never applies archMap. Podman (containers/common seccomp_linux.go) compares with libseccomp's
// native arch name instead (libseccomp-golang ScmpArch.String()).

import type { Arch } from '../arch/arch.js';

export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The capabilities of a container Docker starts without --cap-add/--cap-drop/--privileged. */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

interface HostNames {
  /** goToNative[GOARCH]: what Docker compares `arches` with; absent where Docker has no name. */
  readonly docker?: string;
  /** Why Docker never applies archMap on this host, when it does not. */
  readonly archMapBroken?: string;
  /** libseccomp's native arch name, which Podman compares with. */
  readonly podman: string;
}

/** By libseccomp arch name. */
const HOST_NAMES: Readonly<Record<string, HostNames>> = {
  x86: { docker: 'x86', podman: 'x86' },
  x86_64: { docker: 'amd64', podman: 'amd64' },
  x32: { archMapBroken: 'Go has no x32 port, so dockerd never runs as x32', podman: 'x32' },
  arm: { docker: 'arm', podman: 'arm' },
  aarch64: { docker: 'arm64', podman: 'arm64' },
  loongarch64: { docker: 'loongarch64', archMapBroken: 'moby maps GOARCH loong64 to "loongarch64", but its archMap lookup table knows only "loong64"', podman: 'loong64' },
  m68k: { archMapBroken: 'moby has no m68k entry', podman: 'm68k' },
  mips: { archMapBroken: 'moby has no entry for GOARCH mips', podman: 'mips' },
  mipsel: { docker: 'mipsel', archMapBroken: 'moby maps GOARCH mipsle to "mipsel", but its archMap lookup table knows only "mipsle"', podman: 'mipsel' },
  mips64: { docker: 'mips64', podman: 'mips64' },
  mipsel64: { docker: 'mipsel64', podman: 'mipsel64' },
  mips64n32: { docker: 'mips64n32', podman: 'mips64n32' },
  // moby spells it "mips3l64n32" in both of its maps, so the typo is consistent and works.
  mipsel64n32: { docker: 'mips3l64n32', podman: 'mipsel64n32' },
  parisc: { archMapBroken: 'moby has no parisc entry', podman: 'parisc' },
  parisc64: { archMapBroken: 'moby has no parisc64 entry', podman: 'parisc64' },
  ppc: { docker: 'ppc', podman: 'ppc' },
  ppc64: { docker: 'ppc64', podman: 'ppc64' },
  ppc64le: { docker: 'ppc64le', podman: 'ppc64le' },
  riscv64: { docker: 'riscv64', podman: 'riscv64' },
  s390: { docker: 's390', podman: 's390' },
  s390x: { docker: 's390x', podman: 's390x' },
  sh: { archMapBroken: 'moby has no sh entry', podman: 'sh' },
  sheb: { archMapBroken: 'moby has no sheb entry', podman: 'sheb' },
};

/** What Docker and Podman call `host` when they test `includes.arches` / `excludes.arches`. */
export function hostNames(host: Arch): HostNames {
  return HOST_NAMES[host.name] ?? { archMapBroken: `moby has no ${host.name} entry`, podman: host.name };
}

/** Every name an `arches` condition can match on some host (Docker's and Podman's spellings). */
export const CONDITION_ARCH_NAMES: ReadonlySet<string> = new Set(
  Object.values(HOST_NAMES).flatMap((n) => (n.docker ? [n.docker, n.podman] : [n.podman])),
);
