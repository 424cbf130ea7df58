// SPDX-License-Identifier: Apache-2.0
// Seeded random Docker/OCI profiles for the profile differential suite
// (./profiles-libseccomp.test.ts), written as JSON text so that the parser, Docker resolution and
// the runc lens all take part. They aim at the places where runtimes, libseccomp and the JSON
// disagree (../shared/reference/libseccomp-behaviour.md §2-3, §10):
//   every action as default and as rule action; all seven operators; several conditions on one
//   argument (runc ORs them); the same syscall twice with the same conditions and different
//   actions (libseccomp -EEXIST, runc refuses); prefixes and unconditional overrides; rules equal
//   to the default (errno included); socket and SysV IPC calls (companions on socketcall/ipc on
//   x86, ppc64le, s390x, mips o32…); names missing on some ABIs, names only libseccomp 2.6 knows,
//   numbers written as names, unknown names; data near 2^32 and 2^63 and sign-extended values;
//   ABI lists from archMap, from `architectures` (little- and big-endian sets) or none.
// Numbers are written as exact JSON integers (uint64), as Go's encoding/json reads them.

import type { Rng } from './libseccomp-gen.js';

/** The hosts of the suite: Docker's arch name and the host ABI's libseccomp name. */
export const HOSTS: ReadonlyArray<{ readonly docker: string; readonly arch: string }> = [
  { docker: 'amd64', arch: 'x86_64' },
  { docker: 'arm64', arch: 'aarch64' },
  { docker: 'ppc64le', arch: 'ppc64le' },
  { docker: 's390x', arch: 's390x' },
  { docker: 'riscv64', arch: 'riscv64' },
  { docker: 'mips64le', arch: 'mipsel64' },
];

/** Docker's archMap (moby/profiles default.json), by host ABI: the profile's ABIs on that host. */
const ARCH_MAP: ReadonlyArray<{ readonly architecture: string; readonly subArchitectures: readonly string[] }> = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },
  { architecture: 'SCMP_ARCH_MIPSEL64', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },
  { architecture: 'SCMP_ARCH_PPC64LE', subArchitectures: [] },
  { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: [] },
  { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
];

/**
 * ABIs an `architectures` list may add on each host: the host's byte order only (runc's
 * seccomp_arch_add fails with -EDOM otherwise), and only ABIs Debian's libseccomp 2.5.4 knows
 * (loongarch64, m68k and sh are 2.6 additions: the export would stop at seccomp_arch_add).
 */
const LITTLE = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'];
const BIG = ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC', 'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64'];

export function sameEndianArches(host: string): readonly string[] {
  return host === 's390x' ? BIG : LITTLE;
}

const COMMON = [
  'read', 'write', 'openat', 'close', 'mmap', 'munmap', 'mprotect', 'futex', 'clone', 'clone3', 'execve', 'execveat', 'exit_group',
  'ioctl', 'fcntl', 'prctl', 'personality', 'kill', 'tgkill', 'getpid', 'mount', 'umount2', 'unshare', 'setns', 'ptrace', 'bpf',
  'keyctl', 'add_key', 'perf_event_open', 'io_uring_setup', 'chmod', 'fchmodat', 'madvise', 'pidfd_open', 'memfd_create',
  'process_vm_readv', 'quotactl', 'sched_setaffinity', 'set_mempolicy', 'userfaultfd', 'faccessat2', 'close_range', 'futex_waitv',
];
/** Absent on some of the suite's ABIs (legacy calls, per-arch calls, the multiplexers themselves). */
const PARTIAL = [
  'open', 'stat', 'lstat', 'fork', 'vfork', 'creat', 'access', 'pipe', 'poll', 'select', 'dup2', 'alarm', 'getdents', 'time',
  'chown', 'lchown', 'mkdir', 'rename', 'arch_prctl', 'iopl', 'ioperm', 'modify_ldt', 'socketcall', 'ipc', 'mmap2', '_llseek',
  'fstat64', 'sync_file_range2', 'arm_fadvise64_64', 'cacheflush', 'set_tls', 's390_runtime_instr', 's390_pci_mmio_read',
  'spu_run', 'subpage_prot', 'riscv_flush_icache', 'sysmips', 'cachectl', 'tuxcall', 'vm86', 'waitpid', 'sigreturn',
  'map_shadow_stack', 'sys_debug_setcontext', 'switch_endian', 'kexec_file_load', 'epoll_wait', 'signalfd', 'ugetrlimit',
];
const SOCKET = [
  'socket', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername', 'socketpair', 'send', 'recv', 'sendto',
  'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg', 'recvmmsg', 'sendmmsg',
];
const IPC = ['semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'msgctl', 'shmat', 'shmdt', 'shmget', 'shmctl'];
/** In libseccomp main's table (v2.6.1+) but unknown to Debian's 2.5.4. */
const NEWER = ['statmount', 'listmount', 'lsm_get_self_attr', 'mseal', 'setxattrat', 'open_tree_attr', 'riscv_hwprobe', 'file_getattr', 'uretprobe'];
/** runc skips these: not names libseccomp knows (numbers included). */
const BOGUS = ['41', '1000', 'notasyscall', 'SYS_read'];

export function pickName(rng: Rng): string {
  const r = rng.int(100);
  if (r < 34) return rng.pick(COMMON);
  if (r < 56) return rng.pick(PARTIAL);
  if (r < 76) return rng.pick(SOCKET);
  if (r < 90) return rng.pick(IPC);
  if (r < 97) return rng.pick(NEWER);
  return rng.pick(BOGUS);
}

const OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;

const U64 = (1n << 64n) - 1n;
const wrap = (v: bigint): bigint => BigInt.asUintN(64, v);

/** A datum: small, around 2^32, around 2^63, sign-extended, or random. */
export function value(rng: Rng): bigint {
  switch (rng.int(10)) {
    case 0: return BigInt(rng.int(4));
    case 1: return BigInt(rng.int(64));
    case 2: return 0xffff_ffffn + BigInt(rng.int(3)) - 1n; // 2^32 - 2 .. 2^32
    case 3: return (1n << 32n) + BigInt(rng.int(3)); // 2^32 .. 2^32 + 2
    case 4: return (1n << 63n) + BigInt(rng.int(3)) - 1n; // 2^63 - 1 .. 2^63 + 1
    case 5: return wrap(-BigInt(rng.int(3) + 1)); // -1, -2, -3 as C passes them
    case 6: return wrap(-BigInt(rng.int(100) + 1)) & 0xffff_ffffn; // a negative int, zero-extended
    case 7: return BigInt(rng.u32());
    case 8: return rng.u64();
    default: return BigInt([38, 39, 40, 16, 17, 0x7fff_ffff, 0x8000_0000][rng.int(7)]!);
  }
}

function mask(rng: Rng): bigint {
  switch (rng.int(6)) {
    case 0: return 0n;
    case 1: return 1n << BigInt(rng.int(64));
    case 2: return 0xffff_ffffn;
    case 3: return 0xffff_ffff_0000_0000n;
    case 4: return BigInt(rng.u32() & 0xff0f);
    default: return rng.u64();
  }
}

interface Arg {
  index: number;
  op: string;
  value: bigint;
  valueTwo?: bigint;
}

function condition(rng: Rng, index: number): Arg {
  const op = rng.pick(OPS);
  if (op !== 'SCMP_CMP_MASKED_EQ') return { index, op, value: value(rng) };
  const m = mask(rng);
  return { index, op, value: m, valueTwo: rng.chance(0.7) ? value(rng) & m : value(rng) };
}

interface Action {
  action: string;
  errnoRet?: number;
}

function errno(rng: Rng): number {
  const r = rng.int(10);
  return r < 4 ? 1 : r < 6 ? 38 : r < 7 ? 0 : r < 8 ? 4094 : rng.int(200);
}

/** An action as a profile writes it. TRAP never has data (runc passes none), NOTIFY only as a rule action. */
function action(rng: Rng, rule: boolean): Action {
  const r = rng.int(rule ? 11 : 9);
  switch (r) {
    case 0: case 1: return { action: 'SCMP_ACT_ALLOW' };
    case 2: case 3: return rng.chance(0.2) ? { action: 'SCMP_ACT_ERRNO' } : { action: 'SCMP_ACT_ERRNO', errnoRet: errno(rng) };
    case 4: return { action: rng.chance(0.5) ? 'SCMP_ACT_KILL' : 'SCMP_ACT_KILL_THREAD' };
    case 5: return { action: 'SCMP_ACT_KILL_PROCESS' };
    case 6: return { action: 'SCMP_ACT_TRAP' };
    case 7: return rng.chance(0.2) ? { action: 'SCMP_ACT_TRACE' } : { action: 'SCMP_ACT_TRACE', errnoRet: rng.int(5000) };
    case 8: return { action: 'SCMP_ACT_LOG' };
    default: return rule ? { action: 'SCMP_ACT_NOTIFY' } : { action: 'SCMP_ACT_ALLOW' };
  }
}

interface Rule extends Action {
  names: string[];
  args?: Arg[];
}

function args(rng: Rng): Arg[] | undefined {
  const n = rng.pick([0, 0, 1, 1, 1, 2, 2, 3]);
  if (n === 0) return rng.chance(0.2) ? [] : undefined;
  const out: Arg[] = [];
  const indices = [0, 0, 0, 1, 1, 2, 3, 4, 5];
  for (let i = 0; i < n; i++) out.push(condition(rng, rng.pick(indices)));
  // Several conditions on one index: runc makes each its own rule (OR).
  if (rng.chance(0.15) && out.length > 0) out.push(condition(rng, out[0]!.index));
  return out;
}

export interface GenProfile {
  readonly text: string;
  /** The host it is meant for (Docker's name) and what varies, for the failure message. */
  readonly host: string;
  readonly summary: string;
}

function numberText(v: bigint): string {
  return wrap(v).toString();
}

function ruleJson(r: Rule, indent: string): string {
  const parts = [`"names": [${r.names.map((n) => JSON.stringify(n)).join(', ')}]`, `"action": ${JSON.stringify(r.action)}`];
  if (r.errnoRet !== undefined) parts.push(`"errnoRet": ${r.errnoRet}`);
  if (r.args) {
    const a = r.args.map((c) => `{ "index": ${c.index}, "value": ${numberText(c.value)}, ${c.valueTwo !== undefined ? `"valueTwo": ${numberText(c.valueTwo)}, ` : ''}"op": ${JSON.stringify(c.op)} }`);
    parts.push(`"args": [${a.join(', ')}]`);
  }
  return `${indent}{ ${parts.join(', ')} }`;
}

/** One random profile for `host` (a Docker arch name from HOSTS). */
export function genProfile(rng: Rng, host: string): GenProfile {
  const hostArch = HOSTS.find((h) => h.docker === host)!;
  const def = action(rng, false);
  const rules: Rule[] = [];
  const count = rng.chance(0.15) ? 33 + rng.int(12) : 1 + rng.int(14); // > 32 entries: runc turns on optimize 2
  for (let i = 0; i < count; i++) {
    const names = Array.from({ length: rng.pick([1, 1, 1, 2, 3, 5]) }, () => pickName(rng));
    const kind = rng.int(10);
    const act = kind === 0 ? { ...def } : action(rng, true); // sometimes exactly the default: runc drops it
    const rule: Rule = { names: [...new Set(names)].filter((n) => !(act.action === 'SCMP_ACT_NOTIFY' && n === 'write')), ...act };
    const a = args(rng);
    if (a) rule.args = a;
    if (rule.names.length === 0) continue;
    rules.push(rule);
    // Another rule on the same syscall: a conflict (same conditions, other action), a prefix or
    // extension of this one, or an unconditional one.
    if (rng.chance(0.3)) {
      const other: Rule = { names: [rng.pick(rule.names)], ...action(rng, true) };
      const shape = rng.int(4);
      if (shape === 0 && rule.args) other.args = rule.args.map((c) => ({ ...c }));
      else if (shape === 1 && rule.args && rule.args.length > 1) other.args = rule.args.slice(0, 1).map((c) => ({ ...c }));
      else if (shape === 2) other.args = [...(rule.args ?? []).map((c) => ({ ...c })), condition(rng, 5)];
      if (!(other.action === 'SCMP_ACT_NOTIFY' && other.names[0] === 'write')) rules.push(other);
    }
  }
  let arches = '';
  const archKind = rng.int(4);
  if (archKind === 0 || archKind === 1) {
    arches = `"archMap": [\n${ARCH_MAP.map((e) => `    { "architecture": ${JSON.stringify(e.architecture)}, "subArchitectures": ${JSON.stringify(e.subArchitectures)} }`).join(',\n')}\n  ],\n  `;
  } else if (archKind === 2) {
    const list = rng.sample(sameEndianArches(host), 1 + rng.int(3));
    arches = `"architectures": ${JSON.stringify(list)},\n  `;
  }
  const defText = `"defaultAction": ${JSON.stringify(def.action)}${def.errnoRet !== undefined ? `, "defaultErrnoRet": ${def.errnoRet}` : ''}`;
  const notify = rules.some((r) => r.action === 'SCMP_ACT_NOTIFY') ? '\n  "listenerPath": "/run/seccomp-agent.socket",' : '';
  const text = `{\n  ${defText},${notify}\n  ${arches}"syscalls": [\n${rules.map((r) => ruleJson(r, '    ')).join(',\n')}\n  ]\n}\n`;
  const summary = `host ${host} (${hostArch.arch}), default ${def.action}${def.errnoRet !== undefined ? `(${def.errnoRet})` : ''}, ${rules.length} rules, arches ${['archMap', 'archMap', 'architectures', 'native only'][archKind]}`;
  return { text, host, summary };
}

export const GEN_FACTS = { COMMON, PARTIAL, SOCKET, IPC, NEWER, BOGUS, U64 };
