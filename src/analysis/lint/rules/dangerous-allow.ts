// SPDX-License-Identifier: Apache-2.0
// dangerous-allow: a syscall that hands out power a container should not have — the kernel's own
// modules and image, other processes' memory, raw hardware, filesystems by handle — allowed on an
// ABI without any argument condition. Severity by context: error where one call crosses the
// sandbox boundary outright once the capability is there, warning for attack surface with a
// history of exploits, info for the merely unusual. The kernel still checks capabilities (the
// `cap` column): the finding says which one the call needs, so a reader can weigh it.

import { formatAction } from '../../../seccomp/action.js';
import type { Severity } from '../../../diagnostics/diagnostic.js';
import { permits } from '../context.js';
import { allowingPointer } from './profile-rules.js';
import type { LintRule } from '../types.js';

interface Dangerous {
  readonly names: readonly string[];
  readonly severity: Severity;
  /** Capability the kernel requires for the dangerous use, if any. */
  readonly cap?: string;
  readonly why: string;
}

// One table: what is dangerous, and why (kernel sources and the container-escape record).
const DANGEROUS: readonly Dangerous[] = [
  { names: ['kexec_load', 'kexec_file_load'], severity: 'error', cap: 'CAP_SYS_BOOT', why: 'replaces the running kernel' },
  { names: ['init_module', 'finit_module', 'delete_module'], severity: 'error', cap: 'CAP_SYS_MODULE', why: 'loads or unloads code into the host kernel' },
  { names: ['open_by_handle_at'], severity: 'error', cap: 'CAP_DAC_READ_SEARCH', why: 'opens any file of a mounted filesystem by its handle, outside the container\'s root (the "shocker" escape)' },
  { names: ['iopl', 'ioperm'], severity: 'error', cap: 'CAP_SYS_RAWIO', why: 'gives direct access to hardware I/O ports' },
  { names: ['bpf'], severity: 'warning', cap: 'CAP_BPF or CAP_SYS_ADMIN', why: 'loads eBPF programs into the kernel; the verifier has a long record of exploitable bugs' },
  { names: ['ptrace'], severity: 'warning', cap: 'CAP_SYS_PTRACE for other users\' processes', why: 'reads and writes other processes\' memory and registers (before Linux 4.8 it could also step around seccomp)' },
  { names: ['process_vm_readv', 'process_vm_writev'], severity: 'warning', cap: 'CAP_SYS_PTRACE for other users\' processes', why: 'reads or writes another process\'s memory' },
  { names: ['perf_event_open'], severity: 'warning', cap: 'CAP_PERFMON (or kernel.perf_event_paranoid ≤ 2)', why: 'opens a large, often exploited kernel interface that also leaks kernel addresses' },
  { names: ['userfaultfd'], severity: 'warning', why: 'lets a process stall kernel page faults at will, the usual primitive for winning kernel races' },
  { names: ['keyctl', 'add_key', 'request_key'], severity: 'warning', why: 'uses the kernel keyrings, which are not namespaced: keys are shared with the host' },
  { names: ['mount', 'umount', 'umount2', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr', 'pivot_root'], severity: 'warning', cap: 'CAP_SYS_ADMIN', why: 'changes the mount table; with the capability, mounts can expose host filesystems' },
  { names: ['unshare', 'setns'], severity: 'warning', why: 'enters or creates namespaces; unprivileged user namespaces open kernel interfaces that normally need root' },
  { names: ['kcmp', 'pidfd_getfd'], severity: 'warning', cap: 'CAP_SYS_PTRACE for other users\' processes', why: 'inspects or steals other processes\' file descriptors' },
  { names: ['fanotify_init'], severity: 'warning', cap: 'CAP_SYS_ADMIN', why: 'watches file access system-wide' },
  { names: ['reboot'], severity: 'warning', cap: 'CAP_SYS_BOOT', why: 'reboots the host outside a PID namespace' },
  { names: ['swapon', 'swapoff', 'acct', 'quotactl', 'quotactl_fd', 'lookup_dcookie', 'nfsservctl', 'uselib', 'vm86', 'vm86old'], severity: 'info', cap: 'CAP_SYS_ADMIN', why: 'administers the host or is an obsolete interface; a container does not need it' },
  { names: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex'], severity: 'info', cap: 'CAP_SYS_TIME', why: 'sets the clock, which is not namespaced: the host\'s time changes too (adjtimex and clock_adjtime only read it without the capability)' },
];

export const dangerousAllow: LintRule = {
  id: 'dangerous-allow',
  code: 'SC4011',
  severity: 'warning',
  description: 'a syscall with kernel-wide power (modules, kexec, other processes\' memory, mounts, eBPF…) allowed without conditions',
  messages: {
    allowed: '`{name}` is allowed without conditions on {abis}: it {why}{cap}',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    for (const entry of DANGEROUS) {
      for (const name of entry.names) {
        const abis = ctx.abis.filter((arch) => ctx.syscall(arch, name)?.permitted === 'always');
        if (abis.length === 0) continue;
        const arch = abis[0]!;
        const view = ctx.syscall(arch, name)!;
        const verdict = view.constant ?? view.values.find(permits)!;
        const pointer = allowingPointer(ctx, name);
        report({
          message: 'allowed',
          args: { name, abis: abis.map((a) => a.name).join(', '), why: entry.why, cap: entry.cap ? ` (the kernel still requires ${entry.cap})` : '' },
          ...(pointer !== undefined ? { pointer } : {}),
          severity: entry.severity,
          witness: { arch: arch.name, syscall: name, nr: view.nr, args: [0n, 0n, 0n, 0n, 0n, 0n], verdict, text: `${ctx.callText(arch, name, [])} on ${arch.name} → ${formatAction(verdict)}` },
          fix: `remove \`${name}\` from the allowed names, or allow it only with the argument conditions the workload needs`,
        });
      }
    }
  },
};
