// SPDX-License-Identifier: Apache-2.0
// harden and the presets on the live kernel, with the witness probe (./witness.ts): each filter is
// compiled by syscage for amd64 (runc lens) and loaded in the probe's children only.
//   - Docker's newest default (moby/profiles v0.2.3) as written: socket(0x1_0000_0028) and i386
//     socketcall(SYS_SOCKET, AF_VSOCK) via int $0x80 create AF_VSOCK sockets
//     (kernel-experiments.md §1, §2); hardened: EPERM and ENOSYS, while AF_UNIX and AF_INET
//     sockets still work, directly and through i386's direct socket(2).
//   - every preset: what it promises (unix-only-network: AF_UNIX only, every path; wx-memory:
//     EACCES for writable+executable memory through a plain syscall and through int $0x80 mmap2;
//     deny-all-log: everything runs; default-deny: what was listed runs, the rest gets EPERM).
//   - a default-ALLOW profile that refuses socket(AF_INET/AF_INET6) with io_uring open
//     (kernel-experiments §4): IORING_OP_SOCKET and socket(0x1_0000_0002) create AF_INET sockets;
//     hardened: io_uring_setup and the upper-half call get EPERM, AF_UNIX still works.
// Where the kernel has no AF_VSOCK, an AF_VSOCK row that expects a socket expects the kernel's
// EAFNOSUPPORT instead — the call got past the filter, whose own answer is EPERM or ENOSYS.

import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { archByName, syscallNumber } from '../../src/arch/index.js';
import { encode } from '../../src/bpf/encode.js';
import { hardenProfile } from '../../src/analysis/harden/index.js';
import { buildPreset } from '../../src/analysis/presets/index.js';
import { compileProfileText } from '../../src/cli/source.js';
import type { ParsedTarget } from '../../src/cli/target.js';
import {
  AF_INET, AF_UNIX, AF_VSOCK, EAFNOSUPPORT, ENOSYS, EPERM, NR, RET_ALLOW, SOCK_STREAM, SYS_SOCKET,
  describeWitness, requireWitnessProbe, runWitnessJobs, type WitnessCall, type WitnessResult,
} from './witness.js';

const SHARED_PROFILE = new URL('../../../shared/data/profiles/moby/default.json', import.meta.url);
const FIXTURE_PROFILE = new URL('../fixtures/profiles/moby/default.json', import.meta.url);
const X86_64 = archByName('x86_64')!;
const X86 = archByName('x86')!;
const TARGET: ParsedTarget = { host: X86_64, kernel: [6, 18], lens: 'runc', diagnostics: [] };
const EACCES = 13;
const PROT_RW = 3n;
const PROT_RWX = 7n;
const MAP_PRIVATE_ANONYMOUS = 0x22n;
const NO_FD = 0xffff_ffff_ffff_ffffn;

const dockerProfile = (): string => readFileSync(existsSync(SHARED_PROFILE) ? SHARED_PROFILE : FIXTURE_PROFILE, 'utf8');

function compiled(text: string, name: string): Uint8Array {
  const s = compileProfileText(text, name, TARGET);
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  if (!s.program || errors.length > 0) throw new Error(`${name} does not compile: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return encode(s.program, 'little');
}

function hardened(text: string): string {
  const h = hardenProfile(text, { host: X86_64, kernel: [6, 18] });
  if (h.text === undefined) throw new Error(`harden failed: ${h.diagnostics.map((d) => d.message).join('; ')}`);
  return h.text;
}

function preset(name: string, syscalls?: string[]): string {
  const p = buildPreset(name, syscalls ? { syscalls } : {});
  if (!p.text) throw new Error(`preset ${name}: ${p.diagnostics.map((d) => d.message).join('; ')}`);
  return p.text;
}

const nr = (name: string) => syscallNumber(X86_64, name)!;
const sys = (name: string, ...args: bigint[]): WitnessCall => ({ kind: 'syscall', nr: nr(name), args });
const socket = (family: bigint, type = SOCK_STREAM): WitnessCall => ({ kind: 'syscall', nr: NR.x86_64.socket, args: [family, BigInt(type), 0n] });
const socketcall = (family: number): WitnessCall => ({ kind: 'int80-socketcall', call: SYS_SOCKET, args: [family, SOCK_STREAM, 0] });
const i386Socket = (family: number): WitnessCall => ({ kind: 'int80', nr: NR.i386.socket, args: [family, SOCK_STREAM, 0] });
const ring = (family: number): WitnessCall => ({ kind: 'iouring-socket', domain: family, type: SOCK_STREAM, protocol: 0 });

/** `vsock`: an AF_VSOCK socket, or EAFNOSUPPORT where the kernel has none (the filter was passed). */
type Expect = { readonly errno: number; readonly step?: string } | { readonly domain: number } | 'vsock' | 'positive' | { readonly value: bigint };

interface Row {
  readonly name: string;
  readonly call: WitnessCall;
  readonly expect: Expect;
}

interface Table {
  readonly filter: string;
  readonly bytes: () => Uint8Array;
  readonly rows: readonly Row[];
}

/** Default ALLOW, socket(AF_INET) and socket(AF_INET6) refused, io_uring open (kernel-experiments §4). */
const NO_INET = JSON.stringify({
  defaultAction: 'SCMP_ACT_ALLOW',
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  syscalls: [
    { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
    { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 10, op: 'SCMP_CMP_EQ' }] },
  ],
}, null, 2);

const TABLES: readonly Table[] = [
  {
    filter: 'ret ALLOW (does this kernel have AF_VSOCK?)',
    bytes: () => RET_ALLOW,
    rows: [{ name: 'socket(AF_VSOCK)', call: socket(BigInt(AF_VSOCK)), expect: 'vsock' }],
  },
  {
    filter: "Docker's default profile as written (amd64, runc lens)",
    bytes: () => compiled(dockerProfile(), 'moby default.json'),
    rows: [
      { name: 'socket(0x1_0000_0028): the upper-32-bit bypass creates AF_VSOCK', call: socket(0x1_0000_0028n), expect: 'vsock' },
      { name: 'i386 socketcall(SYS_SOCKET, [40, 1, 0]) via int $0x80: the socketcall bypass', call: socketcall(AF_VSOCK), expect: 'vsock' },
      { name: 'socket(AF_VSOCK) is denied', call: socket(BigInt(AF_VSOCK)), expect: { errno: EPERM } },
    ],
  },
  {
    filter: "Docker's default profile hardened for amd64",
    bytes: () => compiled(hardened(dockerProfile()), 'moby default.json (hardened)'),
    rows: [
      { name: 'socket(0x1_0000_0028) gets EPERM', call: socket(0x1_0000_0028n), expect: { errno: EPERM } },
      { name: 'i386 socketcall(SYS_SOCKET, [40, 1, 0]) via int $0x80 gets ENOSYS', call: socketcall(AF_VSOCK), expect: { errno: ENOSYS } },
      { name: 'socket(AF_VSOCK) is still denied', call: socket(BigInt(AF_VSOCK)), expect: { errno: EPERM } },
      { name: 'socket(AF_UNIX) still works', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX } },
      { name: 'socket(AF_INET) still works', call: socket(BigInt(AF_INET)), expect: { domain: AF_INET } },
      { name: 'i386 socket(AF_UNIX) #359 via int $0x80 still works (glibc\'s direct call)', call: i386Socket(AF_UNIX), expect: { domain: AF_UNIX } },
      { name: 'i386 socket(AF_VSOCK) #359 via int $0x80 is denied', call: i386Socket(AF_VSOCK), expect: { errno: EPERM } },
      { name: 'io_uring_setup is denied (as in Docker\'s default)', call: ring(AF_VSOCK), expect: { errno: EPERM, step: 'io_uring_setup' } },
    ],
  },
  {
    filter: 'preset unix-only-network',
    bytes: () => compiled(preset('unix-only-network'), 'unix-only-network'),
    rows: [
      { name: 'socket(AF_INET) gets EPERM', call: socket(BigInt(AF_INET)), expect: { errno: EPERM } },
      { name: 'socket(AF_UNIX) works', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX } },
      { name: 'socket(0x1_0000_0002) gets EPERM (the low word is AF_INET)', call: socket(0x1_0000_0002n), expect: { errno: EPERM } },
      { name: 'socket(0x1_0000_0001) is AF_UNIX to the kernel, and works', call: socket(0x1_0000_0001n), expect: { domain: AF_UNIX } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_UNIX) via int $0x80 gets ENOSYS', call: socketcall(AF_UNIX), expect: { errno: ENOSYS } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_INET) via int $0x80 gets ENOSYS', call: socketcall(AF_INET), expect: { errno: ENOSYS } },
      { name: 'i386 socket(AF_INET) #359 via int $0x80 gets EPERM', call: i386Socket(AF_INET), expect: { errno: EPERM } },
      { name: 'io_uring_setup gets EPERM', call: ring(AF_INET), expect: { errno: EPERM, step: 'io_uring_setup' } },
    ],
  },
  {
    filter: 'preset no-af-alg-vsock',
    bytes: () => compiled(preset('no-af-alg-vsock'), 'no-af-alg-vsock'),
    rows: [
      { name: 'socket(AF_VSOCK) gets EPERM', call: socket(BigInt(AF_VSOCK)), expect: { errno: EPERM } },
      { name: 'socket(0x1_0000_0028) gets EPERM', call: socket(0x1_0000_0028n), expect: { errno: EPERM } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_VSOCK) via int $0x80 gets ENOSYS', call: socketcall(AF_VSOCK), expect: { errno: ENOSYS } },
      { name: 'socket(AF_INET) works', call: socket(BigInt(AF_INET)), expect: { domain: AF_INET } },
      { name: 'socket(0x1_0000_0002) is AF_INET to the kernel, and works', call: socket(0x1_0000_0002n), expect: { domain: AF_INET } },
    ],
  },
  {
    filter: 'preset wx-memory',
    bytes: () => compiled(preset('wx-memory'), 'wx-memory'),
    rows: [
      { name: 'mmap(PROT_READ|PROT_WRITE|PROT_EXEC) gets EACCES', call: sys('mmap', 0n, 4096n, PROT_RWX, MAP_PRIVATE_ANONYMOUS, NO_FD, 0n), expect: { errno: EACCES } },
      { name: 'mmap(PROT_READ|PROT_WRITE) maps', call: sys('mmap', 0n, 4096n, PROT_RW, MAP_PRIVATE_ANONYMOUS, NO_FD, 0n), expect: 'positive' },
      { name: 'mprotect(0, 0, PROT_READ|PROT_WRITE|PROT_EXEC) gets EACCES', call: sys('mprotect', 0n, 0n, PROT_RWX), expect: { errno: EACCES } },
      { name: 'mprotect(0, 0, PROT_READ) passes (0)', call: sys('mprotect', 0n, 0n, 1n), expect: { value: 0n } },
      {
        name: 'i386 mmap2(PROT_READ|PROT_WRITE|PROT_EXEC) via int $0x80 gets EACCES',
        call: { kind: 'int80', nr: syscallNumber(X86, 'mmap2')!, args: [0, 4096, Number(PROT_RWX), Number(MAP_PRIVATE_ANONYMOUS), 0xffffffff, 0] },
        expect: { errno: EACCES },
      },
    ],
  },
  {
    filter: 'preset deny-all-log',
    bytes: () => compiled(preset('deny-all-log'), 'deny-all-log'),
    rows: [
      { name: 'getpid works', call: sys('getpid'), expect: 'positive' },
      { name: 'socket(AF_UNIX) works', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_UNIX) via int $0x80 works (logged, not killed)', call: socketcall(AF_UNIX), expect: { domain: AF_UNIX } },
    ],
  },
  {
    filter: 'preset default-deny --syscalls getpid',
    bytes: () => compiled(preset('default-deny', ['getpid']), 'default-deny'),
    rows: [
      { name: 'getpid works', call: sys('getpid'), expect: 'positive' },
      { name: 'socket(AF_UNIX) gets EPERM', call: socket(BigInt(AF_UNIX)), expect: { errno: EPERM } },
      { name: 'io_uring_setup gets EPERM', call: ring(AF_UNIX), expect: { errno: EPERM, step: 'io_uring_setup' } },
    ],
  },
  {
    filter: 'no AF_INET (default ALLOW, socket EPERM for 2 and 10) as written',
    bytes: () => compiled(NO_INET, 'no-inet.json'),
    rows: [
      { name: 'socket(AF_INET) is denied', call: socket(BigInt(AF_INET)), expect: { errno: EPERM } },
      { name: 'IORING_OP_SOCKET(AF_INET): the io_uring bypass creates the socket the rule refuses', call: ring(AF_INET), expect: { domain: AF_INET } },
      { name: 'socket(0x1_0000_0002): the upper half dodges the deny rule', call: socket(0x1_0000_0002n), expect: { domain: AF_INET } },
    ],
  },
  {
    filter: 'no AF_INET hardened for amd64',
    bytes: () => compiled(hardened(NO_INET), 'no-inet.json (hardened)'),
    rows: [
      { name: 'io_uring_setup gets EPERM', call: ring(AF_INET), expect: { errno: EPERM, step: 'io_uring_setup' } },
      { name: 'socket(0x1_0000_0002) gets EPERM', call: socket(0x1_0000_0002n), expect: { errno: EPERM } },
      { name: 'socket(AF_UNIX) still works', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX } },
    ],
  },
];

function mismatch(r: WitnessResult, e: Expect, vsockFamily: boolean): string | undefined {
  const got = describeWitness(r);
  if (e === 'vsock') return mismatch(r, vsockFamily ? { domain: AF_VSOCK } : { errno: EAFNOSUPPORT }, vsockFamily);
  if (e === 'positive') return r.kind === 'ret' && r.value > 0n && r.errno === undefined ? undefined : `expected a positive value, got ${got}`;
  if (r.kind !== 'ret') return `expected a return, got ${got}`;
  if ('value' in e) return r.value === e.value ? undefined : `expected ${e.value}, got ${got}`;
  if ('errno' in e) {
    if (r.errno !== e.errno) return `expected errno ${e.errno}, got ${got}`;
    return e.step === undefined || r.step === e.step ? undefined : `expected the errno at ${e.step}, got ${got} at ${r.step}`;
  }
  return r.domain === e.domain ? undefined : `expected a socket of family ${e.domain}, got ${got}`;
}

describe('harden and presets on the live kernel', () => {
  if (!requireWitnessProbe({ it, skip: (name) => it.skip(name, () => undefined) })) return;

  let results: WitnessResult[][] = [];
  let vsockFamily = false;
  beforeAll(async () => {
    results = await runWitnessJobs(TABLES.map((t) => ({ filter: t.bytes(), calls: t.rows.map((r) => r.call) })));
    const unfiltered = results[0]![0]!;
    vsockFamily = unfiltered.kind === 'ret' && unfiltered.domain === AF_VSOCK;
    console.log(`harden witnesses: AF_VSOCK ${vsockFamily ? 'is' : 'is NOT'} available (unfiltered socket(AF_VSOCK) -> ${describeWitness(unfiltered)})`);
  }, 60_000);

  TABLES.forEach((t, ti) => {
    if (ti === 0) return;
    describe(t.filter, () => {
      it.each(t.rows.map((r, ri) => [r.name, ri] as const))('%s', (_name, ri) => {
        const r = results[ti]![ri]!;
        expect(mismatch(r, t.rows[ri]!.expect, vsockFamily), describeWitness(r)).toBeUndefined();
      });
    });
  });
});
