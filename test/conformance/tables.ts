// SPDX-License-Identifier: Apache-2.0
// libseccomp's bpf-sim tables (tests/NN-*.tests, "test type: bpf-sim"), read and expanded the
// way libseccomp's tests/regression script and tools/scmp_bpf_sim read them (main at 90d3f7dd):
//
//   Testname  Arch  Syscall  Arg0 .. Arg5  Result
//
// - Arch is a comma list, expanded against the native arch (here always x86_64, as the
//   conformance profiles assume): `all`/`all_le`/`all_be`/`all_32`/`all_64` add the native arch if
//   it is in that class, `+all_le`… add the whole class, `+ARCH` adds ARCH, `-ARCH` removes it
//   (a whole-word match), a bare `ARCH` adds it only if it is the native arch.
// - Syscall is a decimal number (maybe negative, read by strtol into an int), a range `lo-hi`,
//   or a name resolved per arch with `scmp_sys_resolver -a ARCH -t`: on the socketcall/ipc ABIs
//   a socket- or ipc-family name becomes the multiplexer's number (abi_syscall_rewrite); a name
//   absent on the ABI passes through as its negative __PNR_* number.
// - ArgN is a value (strtoull base 0: decimal, 0x hex, leading-0 octal), a range `lo-hi`
//   (inclusive; every combination of every range is run), or `N` (not given: 0).
// - Result is what scmp_bpf_sim prints for the 32-bit return value (end_action()).
// seccomp_data.arch is the AUDIT_ARCH of the simulated ABI (x32: AUDIT_ARCH_X86_64).

import { archByName, syscallNumber, type Arch } from '../../src/arch/index.js';
import { decodeAction } from '../../src/seccomp/action.js';
import type { SeccompData } from '../../src/seccomp/data.js';

export const NATIVE = 'x86_64';

/** tests/regression's GLBL_ARCH_* lists at libseccomp main (2.6.1). */
export const ARCH_CLASSES: Readonly<Record<'le' | 'be' | '32' | '64', readonly string[]>> = {
  le: ['x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'mipsel', 'mipsel64', 'mipsel64n32', 'ppc64le', 'riscv64', 'sh'],
  be: ['m68k', 'mips', 'mips64', 'mips64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 's390', 's390x', 'sheb'],
  '32': ['x86', 'x32', 'arm', 'm68k', 'mips', 'mipsel', 'mips64n32', 'mipsel64n32', 'parisc', 'ppc', 's390', 'sheb', 'sh'],
  '64': ['x86_64', 'aarch64', 'loongarch64', 'mips64', 'parisc64', 'ppc64', 'riscv64', 's390x'],
};

export interface TableRow {
  readonly file: string;
  /** 1-based line in the .tests file. */
  readonly line: number;
  readonly test: string;
  readonly arch: string;
  readonly syscall: string;
  readonly args: readonly string[];
  readonly result: string;
}

/** The rows of a .tests file's `test type: bpf-sim` blocks. Throws on a malformed row (the tables are fixtures). */
export function parseTables(text: string, file: string): TableRow[] {
  const rows: TableRow[] = [];
  let inSim = false;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const type = /^test type:\s*(\S+)\s*$/.exec(line);
    if (type) {
      inSim = type[1] === 'bpf-sim';
      return;
    }
    if (!inSim || line === '' || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length !== 10) throw new Error(`${file}:${i + 1}: a bpf-sim row has 10 fields, this one ${f.length}: ${line}`);
    rows.push({ file, line: i + 1, test: f[0]!, arch: f[1]!, syscall: f[2]!, args: f.slice(3, 9), result: f[9]! });
  });
  return rows;
}

/** The simulated arches of a row's Arch field (tests/regression run_test_bpf_sim). */
export function expandArches(spec: string, native = NATIVE): string[] {
  const add: string[] = [];
  const avoid: string[] = [];
  for (const item of spec.split(',')) {
    const cls = /^(\+?)all_(le|be|32|64)$/.exec(item);
    if (item === 'all') add.push(native);
    else if (cls) {
      const members = ARCH_CLASSES[cls[2] as keyof typeof ARCH_CLASSES];
      if (cls[1] === '+') add.push(...members);
      else if (members.includes(native)) add.push(native);
    } else if (item.startsWith('+')) add.push(item.slice(1));
    else if (item.startsWith('-')) avoid.push(item.slice(1));
    else if (item === native) add.push(item);
  }
  // `echo "$simarch_avoid" | grep -q -v -w "$arch_i"`: dropped when avoid names it as a word.
  return add.filter((a) => !avoid.includes(a));
}

/** strtoull(text, NULL, 0) for the values the tables use; a leading '-' wraps (two's complement). */
export function strtoull(text: string): bigint {
  const m = /^(-?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(text);
  if (!m) throw new Error(`not a C integer: '${text}'`);
  const body = m[2]!;
  const v = /^0x/i.test(body) ? BigInt(body) : body.length > 1 && body.startsWith('0') ? BigInt('0o' + body.slice(1)) : BigInt(body);
  return BigInt.asUintN(64, m[1] ? -v : v);
}

/** tests/regression get_range: `lo-hi` when the text looks like a range of numbers, else one value. */
function range(text: string): [string, string] {
  const m = /^([0-9a-fA-Fx]+)-([0-9a-fA-Fx]+)$/.exec(text);
  return m ? [m[1]!, m[2]!] : [text, text];
}

/** scmp_bpf_sim's end_action(): the text it prints for a filter's return value. */
export function simResult(value: number): string {
  const a = decodeAction(value);
  if (!a.known) return `EDOM(0x${(value >>> 0).toString(16)})`;
  switch (a.kind) {
    case 'KILL_PROCESS': return 'KILL_PROCESS';
    case 'KILL_THREAD': return 'KILL';
    case 'TRAP': return 'TRAP';
    case 'ERRNO': return `ERRNO(${a.data})`;
    case 'TRACE': return `TRACE(${a.data})`;
    case 'LOG': return 'LOG';
    case 'ALLOW': return 'ALLOW';
    case 'USER_NOTIF': return 'EDOM(NOTIFY)'; // scmp_bpf_sim exits with EDOM
  }
}

/** The Result strings scmp_bpf_sim can print. */
export function isSimResult(text: string): boolean {
  return /^(ALLOW|KILL|KILL_PROCESS|TRAP|LOG|ERRNO\(\d+\)|TRACE\(\d+\))$/.test(text);
}

const SOCKET_FAMILY = new Set([
  'socket', 'bind', 'connect', 'listen', 'accept', 'getsockname', 'getpeername', 'socketpair', 'send', 'recv', 'sendto',
  'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg', 'accept4', 'recvmmsg', 'sendmmsg',
]);
const IPC_FAMILY = new Set(['semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'msgctl', 'shmat', 'shmdt', 'shmget', 'shmctl']);

/**
 * Stand-in for libseccomp's __PNR_* numbers (≤ -10000; -10000 - k here), which a name absent on an
 * ABI resolves to. The exact value does not matter to any filter in these tables: nothing
 * dispatches on numbers that high, so the verdict is the ABI's default (or, for x86_64 alone,
 * the bad-arch action of its x32 guard) whatever the pseudo number.
 */
const pseudo = new Map<string, number>();
function pseudoNumber(name: string): number {
  if (!pseudo.has(name)) pseudo.set(name, (-10000 - pseudo.size - 1) >>> 0);
  return pseudo.get(name)!;
}

export interface Resolved {
  readonly nr: number;
  /** How the number was obtained: 'number', 'name', 'multiplexer' (socketcall/ipc via -t), 'absent' (pseudo). */
  readonly how: 'number' | 'name' | 'multiplexer' | 'absent';
}

/** `scmp_sys_resolver -a ARCH -t NAME` on one ABI, from syscage's tables (checked against libseccomp's in test/differential/resolver.test.ts). */
export function resolveTableSyscall(arch: Arch, text: string): Resolved {
  if (/^-?[0-9]+$/.test(text)) return { nr: Number(BigInt.asUintN(32, BigInt(text))), how: 'number' };
  if (arch.multiplexers && SOCKET_FAMILY.has(text)) return { nr: arch.multiplexers.socketcall, how: 'multiplexer' };
  if (arch.multiplexers && IPC_FAMILY.has(text)) return { nr: arch.multiplexers.ipc, how: 'multiplexer' };
  const nr = syscallNumber(arch, text);
  return nr === undefined ? { nr: pseudoNumber(text), how: 'absent' } : { nr, how: 'name' };
}

export interface Check {
  readonly row: TableRow;
  readonly arch: Arch;
  readonly data: SeccompData;
  readonly expected: string;
  readonly resolved: Resolved['how'];
}

export interface Expansion {
  readonly checks: Check[];
  /** Rows with no arch left after expansion (the regression script's SKIPPED). */
  readonly skipped: TableRow[];
}

/** Every check a row stands for, as tests/regression generates them (arch × syscall range × arg ranges). */
export function expandRow(row: TableRow, native = NATIVE): Expansion {
  if (!isSimResult(row.result)) throw new Error(`${row.file}:${row.line}: unknown result '${row.result}'`);
  const arches = expandArches(row.arch, native);
  if (arches.length === 0) return { checks: [], skipped: [row] };
  const argRanges = row.args.map((a) => (a === 'N' ? [0n, 0n] : range(a).map(strtoull)) as [bigint, bigint]);
  const checks: Check[] = [];
  for (const name of arches) {
    const arch = archByName(name);
    if (!arch) throw new Error(`${row.file}:${row.line}: unknown arch '${name}'`);
    const [lo, hi] = range(row.syscall).map((s) => resolveTableSyscall(arch, s));
    // miniseq counts from lo to hi in 64 bits; scmp_bpf_sim stores strtol() of each into nr (an int).
    const span = BigInt.asUintN(64, BigInt(hi!.nr | 0) - BigInt(lo!.nr | 0));
    if (span > 100000n) throw new Error(`${row.file}:${row.line}: syscall range of ${span} numbers`);
    for (let k = 0; k <= Number(span); k++) {
      const nr = ((lo!.nr | 0) + k) >>> 0;
      for (const args of product(argRanges)) {
        checks.push({ row, arch, data: { nr, arch: arch.auditArch, instructionPointer: 0n, args }, expected: row.result, resolved: lo!.how });
      }
    }
  }
  return { checks, skipped: [] };
}

function* product(ranges: readonly (readonly [bigint, bigint])[], i = 0, acc: bigint[] = []): Generator<bigint[]> {
  if (i === ranges.length) {
    yield [...acc];
    return;
  }
  const [lo, hi] = ranges[i]!;
  if (hi - lo > 100000n) throw new Error(`argument range of ${hi - lo} values`);
  for (let v = lo; v <= hi; v++) {
    acc.push(v);
    yield* product(ranges, i + 1, acc);
    acc.pop();
  }
}
