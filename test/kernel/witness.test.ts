// SPDX-License-Identifier: Apache-2.0
// The witness probe (./witness.ts, ./native/witness-probe.c) on the live kernel, as a table:
// filters compiled by syscage itself, then loaded in the probe's children, reproduce the kernel
// facts of ../shared/reference/kernel-experiments.md §1, §2 and §4 — under Docker's default
// profile (moby/profiles v0.2.3, amd64, runc lens) socket(AF_VSOCK) gets EPERM while the same
// family with upper bits set, and i386 socketcall(SYS_SOCKET) via int $0x80, create an AF_VSOCK
// socket, and io_uring_setup gets EPERM; under "deny socket(AF_INET), socket(AF_INET6), allow
// the rest" IORING_OP_SOCKET still creates an AF_INET socket. A hand-assembled filter shows the
// probe tells TRAP, KILL_THREAD, KILL_PROCESS, an errno at an io_uring step and a refused
// filter apart. Everything runs in one probe process (one fork per call).
//
// AF_VSOCK: the rows that expect an AF_VSOCK socket first ask the kernel, under `ret ALLOW`,
// whether it has the family. Where it does not, the same rows expect the kernel's own
// EAFNOSUPPORT, which still proves the call got past the filter (the filter's answer is EPERM).

import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { assemble } from '../../src/bpf/assemble.js';
import { encode } from '../../src/bpf/encode.js';
import { compileProfileText } from '../../src/cli/source.js';
import type { ParsedTarget } from '../../src/cli/target.js';
import { parseAction } from '../../src/seccomp/action.js';
import {
  AF_INET, AF_INET6, AF_UNIX, AF_VSOCK, EAFNOSUPPORT, EPERM, NR, RET_ALLOW, SOCK_STREAM, SYS_SOCKET,
  describeWitness, requireWitnessProbe, runWitnessJobs, type WitnessCall, type WitnessResult,
} from './witness.js';

const SHARED_PROFILE = new URL('../../../shared/data/profiles/moby/default.json', import.meta.url);
const FIXTURE_PROFILE = new URL('../fixtures/profiles/moby/default.json', import.meta.url);
const X86_64 = archByName('x86_64')!;
const TARGET: ParsedTarget = { host: X86_64, kernel: [6, 18], lens: 'runc', diagnostics: [] };
const AUDIT_ARCH_I386 = 0x4000_0003;
const EACCES = 13;

function compiled(text: string, name: string): Uint8Array {
  const s = compileProfileText(text, name, TARGET);
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  if (!s.program || errors.length > 0) throw new Error(`${name} does not compile: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  return encode(s.program, 'little');
}

function assembled(listing: string): Uint8Array {
  const r = assemble(listing, { parseReturn: parseAction });
  if (!r.value) throw new Error(`bad listing: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return encode(r.value, 'little');
}

/** Docker's newest default profile (byte-identical copies; the fixture serves a clone without ../shared). */
const dockerProfile = (): string => readFileSync(existsSync(SHARED_PROFILE) ? SHARED_PROFILE : FIXTURE_PROFILE, 'utf8');

/** kernel-experiments.md §4: default ALLOW; socket ERRNO(EPERM) when a0 == 2 and when a0 == 10; io_uring allowed. */
const DENY_INET_PROFILE = JSON.stringify({
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [
    { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: 0, value: AF_INET, op: 'SCMP_CMP_EQ' }] },
    { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: 0, value: AF_INET6, op: 'SCMP_CMP_EQ' }] },
  ],
});

/** Each outcome kind the probe reports, on harmless calls (getpid, getppid, gettid, io_uring_enter, any i386 call). */
const ACTIONS_LISTING = `
  ld [4]                           ; arch
  jeq #0xc000003e, native, i386
i386: ret TRAP(9)
native: ld [0]                     ; nr
  jeq #39, getpid, n1
n1: jeq #110, getppid, n2
n2: jeq #186, gettid, n3
n3: jeq #426, enter, allow
getpid: ret TRAP(7)
getppid: ret KILL_THREAD
gettid: ret KILL_PROCESS
enter: ret ERRNO(13)
allow: ret ALLOW
`;

const sys = (nr: number, ...args: bigint[]): WitnessCall => ({ kind: 'syscall', nr, args });
const socket = (family: bigint, type = SOCK_STREAM): WitnessCall => sys(NR.x86_64.socket, family, BigInt(type), 0n);

/** What a row expects; `vsock` means an AF_VSOCK socket, or EAFNOSUPPORT where the kernel has no AF_VSOCK. */
type Expect =
  | { readonly errno: number; readonly step?: string }
  | { readonly domain: number; readonly type?: number }
  | 'vsock'
  | { readonly killed: 'thread' | 'process' }
  | { readonly trap: number; readonly nr: number; readonly arch?: number }
  | { readonly loadFailed: number }
  | 'positive';

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

const TABLES: readonly Table[] = [
  {
    filter: 'ret ALLOW',
    bytes: () => RET_ALLOW,
    rows: [
      { name: 'socket(AF_VSOCK): does this kernel have AF_VSOCK?', call: socket(BigInt(AF_VSOCK)), expect: 'vsock' },
      { name: 'socket(AF_UNIX) via syscall', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'i386 socket(AF_UNIX) #359 via int $0x80', call: { kind: 'int80', nr: NR.i386.socket, args: [AF_UNIX, SOCK_STREAM, 0] }, expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_UNIX) via int $0x80', call: { kind: 'int80-socketcall', call: SYS_SOCKET, args: [AF_UNIX, SOCK_STREAM, 0] }, expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'IORING_OP_SOCKET(AF_UNIX)', call: { kind: 'iouring-socket', domain: AF_UNIX, type: SOCK_STREAM, protocol: 0 }, expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'getpid returns a pid, not a descriptor', call: sys(NR.x86_64.getpid), expect: 'positive' },
    ],
  },
  {
    // kernel-experiments.md §1, §2, §4 (Docker >= 25 has no io_uring_* rule: default EPERM).
    filter: "Docker's default profile (moby/profiles v0.2.3) for amd64, runc lens",
    bytes: () => compiled(dockerProfile(), 'moby default.json'),
    rows: [
      { name: 'socket(AF_VSOCK) is denied', call: socket(BigInt(AF_VSOCK)), expect: { errno: EPERM } },
      { name: 'socket(0x1_0000_0028): the upper-32-bit bypass creates AF_VSOCK', call: socket(0x1_0000_0028n), expect: 'vsock' },
      { name: 'socket(AF_UNIX) is allowed', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'i386 socket(AF_VSOCK) #359 via int $0x80 is denied', call: { kind: 'int80', nr: NR.i386.socket, args: [AF_VSOCK, SOCK_STREAM, 0] }, expect: { errno: EPERM } },
      { name: 'i386 socketcall(SYS_SOCKET, AF_VSOCK) via int $0x80: the socketcall bypass', call: { kind: 'int80-socketcall', call: SYS_SOCKET, args: [AF_VSOCK, SOCK_STREAM, 0] }, expect: 'vsock' },
      { name: 'io_uring_setup is denied', call: { kind: 'iouring-socket', domain: AF_UNIX, type: SOCK_STREAM, protocol: 0 }, expect: { errno: EPERM, step: 'io_uring_setup' } },
    ],
  },
  {
    // kernel-experiments.md §4 (and §1's deny-eq form); no `architectures`, so runc loads x86_64 only.
    filter: 'default ALLOW, socket ERRNO(EPERM) if a0 == AF_INET or a0 == AF_INET6 (io_uring allowed)',
    bytes: () => compiled(DENY_INET_PROFILE, 'deny-inet'),
    rows: [
      { name: 'socket(AF_INET) is denied', call: socket(BigInt(AF_INET)), expect: { errno: EPERM } },
      { name: 'socket(AF_INET6) is denied', call: socket(BigInt(AF_INET6)), expect: { errno: EPERM } },
      { name: 'socket(AF_UNIX) is allowed', call: socket(BigInt(AF_UNIX)), expect: { domain: AF_UNIX, type: SOCK_STREAM } },
      { name: 'IORING_OP_SOCKET(AF_INET): the io_uring bypass', call: { kind: 'iouring-socket', domain: AF_INET, type: SOCK_STREAM, protocol: 0 }, expect: { domain: AF_INET, type: SOCK_STREAM } },
      { name: 'socket(0x1_0000_0002): the upper-32-bit bypass of a deny rule', call: socket(0x1_0000_0002n), expect: { domain: AF_INET, type: SOCK_STREAM } },
      { name: 'an i386 call (int $0x80 getpid) hits the bad-arch action', call: { kind: 'int80', nr: NR.i386.getpid, args: [] }, expect: { killed: 'thread' } },
    ],
  },
  {
    filter: 'hand-assembled: TRAP(7) getpid, KILL_THREAD getppid, KILL_PROCESS gettid, ERRNO(13) io_uring_enter, TRAP(9) i386',
    bytes: () => assembled(ACTIONS_LISTING),
    rows: [
      { name: 'getpid traps', call: sys(NR.x86_64.getpid), expect: { trap: 7, nr: NR.x86_64.getpid } },
      { name: 'getppid kills the thread', call: sys(110), expect: { killed: 'thread' } },
      { name: 'gettid kills the process', call: sys(186), expect: { killed: 'process' } },
      { name: 'io_uring_enter gets EACCES after io_uring_setup and mmap passed', call: { kind: 'iouring-socket', domain: AF_UNIX, type: SOCK_STREAM, protocol: 0 }, expect: { errno: EACCES, step: 'io_uring_enter' } },
      { name: 'i386 getpid traps with AUDIT_ARCH_I386', call: { kind: 'int80', nr: NR.i386.getpid, args: [] }, expect: { trap: 9, nr: NR.i386.getpid, arch: AUDIT_ARCH_I386 } },
      { name: 'i386 socketcall traps (the args block is never read)', call: { kind: 'int80-socketcall', call: SYS_SOCKET, args: [AF_UNIX, SOCK_STREAM, 0] }, expect: { trap: 9, nr: NR.i386.socketcall, arch: AUDIT_ARCH_I386 } },
    ],
  },
  {
    filter: 'an empty program (seccomp(2) refuses it)',
    bytes: () => new Uint8Array(0),
    rows: [{ name: 'nothing is called', call: sys(NR.x86_64.getpid), expect: { loadFailed: 22 } }],
  },
];

/** Why `r` does not match `e`, or undefined. `vsockFamily` is what AF_VSOCK gives unfiltered. */
function mismatch(r: WitnessResult, e: Expect, vsockFamily: boolean): string | undefined {
  const got = describeWitness(r);
  if (e === 'vsock') return mismatch(r, vsockFamily ? { domain: AF_VSOCK } : { errno: EAFNOSUPPORT }, vsockFamily);
  if (e === 'positive') return r.kind === 'ret' && r.value > 0n && r.fd === undefined ? undefined : `expected a positive non-descriptor value, got ${got}`;
  if ('errno' in e) {
    if (r.kind !== 'ret' || r.errno !== e.errno) return `expected errno ${e.errno}, got ${got}`;
    if (e.step !== undefined && r.step !== e.step) return `expected the errno at ${e.step}, got ${got} at ${r.step}`;
    return undefined;
  }
  if ('domain' in e) {
    if (r.kind !== 'ret' || r.domain !== e.domain || (e.type !== undefined && r.sockType !== e.type)) return `expected a socket of family ${e.domain}, got ${got}`;
    return undefined;
  }
  if ('killed' in e) return r.kind === 'killed' && r.scope === e.killed ? undefined : `expected KILL_${e.killed.toUpperCase()}, got ${got}`;
  if ('trap' in e) {
    const ok = r.kind === 'trap' && r.data === e.trap && r.nr === e.nr && (e.arch === undefined || r.arch === e.arch);
    return ok ? undefined : `expected TRAP(${e.trap}) at nr ${e.nr}, got ${got}`;
  }
  return r.kind === 'load-failed' && r.errno === e.loadFailed ? undefined : `expected the filter refused with errno ${e.loadFailed}, got ${got}`;
}

describe('witness probe on the live kernel', () => {
  if (!requireWitnessProbe({ it, skip: (name) => it.skip(name, () => undefined) })) return;

  let results: WitnessResult[][] = [];
  let vsockFamily = false;
  beforeAll(async () => {
    results = await runWitnessJobs(TABLES.map((t) => ({ filter: t.bytes(), calls: t.rows.map((r) => r.call) })));
    const unfiltered = results[0]![0]!;
    vsockFamily = unfiltered.kind === 'ret' && unfiltered.domain === AF_VSOCK;
    console.log(`witness: AF_VSOCK ${vsockFamily ? 'is' : 'is NOT'} available on this kernel (unfiltered socket(AF_VSOCK) -> ${describeWitness(unfiltered)})${vsockFamily ? '' : '; the AF_VSOCK rows expect EAFNOSUPPORT (the filter was passed)'}`);
  }, 30_000);

  it('AF_VSOCK under `ret ALLOW` is an AF_VSOCK socket or the kernel\'s EAFNOSUPPORT', () => {
    const r = results[0]![0]!;
    expect(vsockFamily || (r.kind === 'ret' && r.errno === EAFNOSUPPORT), describeWitness(r)).toBe(true);
  });

  TABLES.forEach((t, ti) => {
    describe(t.filter, () => {
      t.rows.forEach((row, ri) => {
        it(row.name, () => {
          const r = results[ti]![ri]!;
          expect(mismatch(r, row.expect, vsockFamily), `${row.name}: ${describeWitness(r)}`).toBeUndefined();
        });
      });
    });
  });
});
