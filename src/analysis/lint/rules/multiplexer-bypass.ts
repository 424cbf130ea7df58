// SPDX-License-Identifier: Apache-2.0
// multiplexer-bypass: on the ABIs with socketcall(2)/ipc(2) (Arch.multiplexers: x86, m68k, mips
// o32, ppc, ppc64(le), s390(x), sh) a socket or SysV IPC call can also be made through the
// multiplexer, and the filter judges that call by the multiplexer's arguments. libseccomp adds a
// companion for every socket- or ipc-family rule (src/syscalls.c abi_rule_add: a0 becomes the call
// number, the rule's own a0 test is dropped, a1..a5 are copied unchanged), even when the profile
// never names socketcall, so `socket` allowed for some families becomes socketcall(SYS_SOCKET)
// allowed for every family: socketcall reads the family from memory (../../../kernel/multiplexed.ts).
// The x86 path is open to 64-bit code through `int $0x80` (kernel-experiments.md §2).
//
// Worked from the program: per multiplexer ABI and multiplexed call with an argument-dependent
// direct verdict, direct calls built from the constants both paths test are compared with the
// multiplexed call the kernel runs the same way (arguments placed where the kernel reads them).
// A direct call refused while its multiplexed twin is allowed is a bypass (error); the other way
// round the companion over-blocks (warning; not when the multiplexer's verdict ignores its
// arguments: refusing socketcall outright is the fix, not a mistake). ipc() also ignores the version bits (call >> 16)
// except on s390(x): a verdict that differs between ipc(N) and ipc(N | version << 16) is a
// bypass too.

import type { Arch } from '../../../arch/arch.js';
import { archByName, syscallNumber } from '../../../arch/index.js';
import { lo32 } from '../../../bits.js';
import { errnoNumber } from '../../../kernel/errno.js';
import { ipcVersionRunningSameCall, multiplexedArguments, SOCKETCALL_ARGS } from '../../../kernel/multiplexed.js';
import { callConstant, IPC_CALLS, SOCKET_CALLS } from '../../../resolve/libseccomp/arch-rules.js';
import { encodeAction } from '../../../seccomp/action.js';
import { formatAction, permits, type LintContext } from '../context.js';
import type { CallPath, LintRule, Report } from '../types.js';
import { rulesNaming } from './profile-rules.js';
import {
  argumentCandidates, argumentVectors, dependsOnArguments, readsOf, runnableAbis, returnPc, testsArgument, verdictOfCall, witnessOf, wordText,
} from './witness-search.js';

/** A user address to hold the arguments socketcall/ipc read from memory (any mapped page will do). */
const USER_POINTER = 0x10000n;

type Via = 'socketcall' | 'ipc';
const FAMILIES: ReadonlyArray<readonly [Via, Readonly<Record<string, number>>]> = [['socketcall', SOCKET_CALLS], ['ipc', IPC_CALLS]];
/** ipc's `ptr` argument, where the kernel finds what it reads from memory. */
const IPC_PTR = 4;

/** The ABI whose direct call the multiplexed one is compared with: the same ABI, else the host's. */
function directAbi(ctx: LintContext, arch: Arch, name: string): Arch | undefined {
  if (syscallNumber(arch, name) !== undefined) return arch;
  const host = ctx.host && ctx.abis.includes(ctx.host) ? [ctx.host] : [];
  return [...host, ...runnableAbis(ctx)].find((a) => syscallNumber(a, name) !== undefined);
}

function pathOf(ctx: LintContext, arch: Arch): CallPath {
  return arch === archByName('x86') && ctx.host === archByName('x86_64') ? 'int80' : 'syscall';
}

/** The multiplexed call the kernel runs as `name(direct)`. */
function multiplexed(arch: Arch, via: Via, name: string, call: number, direct: readonly bigint[]): bigint[] {
  const args = [BigInt(call), 0n, 0n, 0n, 0n, 0n];
  const map = multiplexedArguments(arch, via, name, direct.length);
  map.forEach((k, j) => { if (k >= 0) args[k] = arch.bits === 32 ? BigInt(lo32(direct[j] ?? 0n)) : direct[j] ?? 0n; });
  if (via === 'socketcall') args[SOCKETCALL_ARGS] = USER_POINTER;
  else if (!map.includes(IPC_PTR)) args[IPC_PTR] = USER_POINTER;
  return args;
}

/** What to add: an explicit rule for the multiplexer whose action differs from the default, so runc keeps it. */
function fixFor(ctx: LintContext, arch: Arch, via: Via): string {
  const enosys = errnoNumber(arch, 'ENOSYS') ?? 38;
  const errno = ctx.defaultAction === encodeAction('ERRNO', enosys) ? { n: errnoNumber(arch, 'EPERM') ?? 1, name: 'EPERM' } : { n: enosys, name: 'ENOSYS' };
  if (ctx.kind === 'filter') return `make ${via} (${arch.multiplexers![via]}) on ${arch.name} return ERRNO(${errno.name}) before any test of its arguments`;
  const allowed = rulesNaming(ctx, via).filter((r) => r.rule.conditions.length === 0 && permits(r.rule.action)).map((r) => r.pointer);
  const remove = allowed.length ? `remove \`${via}\` from the allowed names (${allowed.join(', ')}) and ` : '';
  const compat = ctx.host && arch !== ctx.host ? `; or leave SCMP_ARCH_${arch.scmpName.replace(/^SCMP_ARCH_/, '')} out (${arch.name} programs, int $0x80 included, are then killed)` : '';
  return `${remove}add {"names": ["${via}"], "action": "SCMP_ACT_ERRNO", "errnoRet": ${errno.n}} (ERRNO(${errno.name}), an action other than the default, so runc keeps it; an unconditional rule overrides every companion)${compat}`;
}

/** Where a profile says what the multiplexer path ignores: the first conditional rule naming the call. */
function pointerFor(ctx: LintContext, name: string, via: Via): string | undefined {
  return rulesNaming(ctx, name).find((r) => r.rule.conditions.length > 0)?.rule.pointer ?? rulesNaming(ctx, via)[0]?.pointer;
}

function compare(ctx: LintContext, arch: Arch, via: Via, name: string, call: number, report: (r: Report) => void): void {
  const direct = directAbi(ctx, arch, name);
  const view = direct && ctx.syscall(direct, name);
  const muxNr = arch.multiplexers![via];
  if (!direct || !view || !dependsOnArguments(view) || ctx.nameOf(arch, muxNr) !== via) return;
  const count = ctx.signature(direct, name)?.length ?? 6;
  const rD = readsOf(ctx, direct, view.nr);
  const rM = readsOf(ctx, arch, muxNr);
  const map = multiplexedArguments(arch, via, name, count);
  const candidates = Array.from({ length: count }, (_, j) => {
    const own = testsArgument(rD, direct, j) ? argumentCandidates(rD, direct, j) : [];
    const there = map[j]! >= 0 && testsArgument(rM, arch, map[j]!) ? argumentCandidates(rM, arch, map[j]!) : [];
    const all = [...new Set([...own, ...there])];
    return all.length ? all : undefined;
  });
  // A multiplexer refused outright (socketcall → ERRNO(ENOSYS)) is a choice, not an over-block.
  const judgesCalls = dependsOnArguments(ctx.syscall(arch, via)!);
  let bypass: { d: bigint[]; m: bigint[] } | undefined;
  let over: { d: bigint[]; m: bigint[] } | undefined;
  for (const d of argumentVectors([], candidates)) {
    const m = multiplexed(arch, via, name, call, d.slice(0, count));
    const vd = verdictOfCall(ctx, { arch: direct, name, args: d })!;
    const vm = verdictOfCall(ctx, { arch, name: via, args: m })!;
    if (permits(vm) && !permits(vd)) { bypass = { d, m }; break; }
    if (!over && judgesCalls && permits(vd) && !permits(vm)) over = { d, m };
  }
  const found = bypass ?? over;
  if (!found) return;
  const path = pathOf(ctx, arch);
  const because = via === 'socketcall'
    ? `socketcall reads ${name}'s arguments from memory at a1, where the filter cannot look`
    : `the kernel runs ${name} for both, but ${via} carries ${name}'s arguments elsewhere (or in memory at ptr)`;
  const witness = witnessOf(ctx, { arch, name: via, args: found.m, path }, { arch: direct, name, args: found.d }, because);
  if (!witness) return;
  const pointer = ctx.kind === 'profile' ? pointerFor(ctx, name, via) : undefined;
  const pc = ctx.kind === 'filter' ? returnPc(ctx, arch, muxNr, found.m) : undefined;
  report({
    message: bypass ? 'bypass' : 'overblock',
    args: {
      name, via, arch: arch.name, call: callConstant(name),
      muxVerdict: formatAction(witness.verdict), directVerdict: formatAction(witness.versus!.verdict),
      reach: path === 'int80' ? ' — and the x86 path is open to 64-bit code through int $0x80' : '',
    },
    witness,
    fix: fixFor(ctx, arch, via),
    ...(bypass ? {} : { severity: 'warning' as const }),
    ...(pointer !== undefined ? { pointer } : {}),
    ...(pc !== undefined ? { pc } : {}),
  });
}

/** ipc(N | version << 16) runs call N: a verdict that differs from ipc(N)'s is dodged. One finding per ABI, the first call as witness. */
function versions(ctx: LintContext, arch: Arch, report: (r: Report) => void): void {
  const nr = arch.multiplexers!.ipc;
  const view = ctx.nameOf(arch, nr) === 'ipc' ? ctx.syscall(arch, 'ipc') : undefined;
  if (!view || !dependsOnArguments(view)) return;
  const r = readsOf(ctx, arch, nr);
  const candidates = Array.from({ length: 6 }, (_, j) => (j > 0 && testsArgument(r, arch, j) ? argumentCandidates(r, arch, j) : undefined));
  const dodged: Array<{ name: string; call: number; version: number; plain: bigint[]; tagged: bigint[] }> = [];
  for (const [name, call] of Object.entries(IPC_CALLS)) {
    const version = ipcVersionRunningSameCall(arch, name);
    if (version === undefined) continue;
    for (const base of argumentVectors([], candidates, 512)) {
      const plain = [BigInt(call), ...base.slice(1)];
      const tagged = [BigInt(call | (version << 16)), ...base.slice(1)];
      if (permits(verdictOfCall(ctx, { arch, name: 'ipc', args: tagged })!) && !permits(verdictOfCall(ctx, { arch, name: 'ipc', args: plain })!)) {
        dodged.push({ name, call, version, plain, tagged });
        break;
      }
    }
  }
  const first = dodged[0];
  if (!first) return;
  const path = pathOf(ctx, arch);
  const witness = witnessOf(ctx, { arch, name: 'ipc', args: first.tagged, path }, { arch, name: 'ipc', args: first.plain },
    `the kernel runs ${first.name} for both: it reads call & 0xffff (${wordText(first.call)}) and ignores version ${first.version}`);
  if (!witness) return;
  const pointer = ctx.kind === 'profile' ? rulesNaming(ctx, first.name)[0]?.pointer ?? rulesNaming(ctx, 'ipc')[0]?.pointer : undefined;
  const pc = ctx.kind === 'filter' ? returnPc(ctx, arch, nr, first.tagged) : undefined;
  const masked = dodged.map((d) => `{"index": 0, "op": "SCMP_CMP_MASKED_EQ", "value": 65535, "valueTwo": ${d.call}}`).join(', ');
  report({
    message: 'version',
    args: {
      calls: dodged.map((d) => d.name).join(', '), arch: arch.name, example: `ipc(${callConstant(first.name)} | ${first.version} << 16)`,
      looser: formatAction(witness.verdict), stricter: formatAction(witness.versus!.verdict),
    },
    witness,
    fix: ctx.kind === 'filter'
      ? 'compare ipc\'s call number as (a0 & 0xffff) == N, not a0 == N'
      : `add the same rules for \`ipc\` with the call number tested without the version bits (${masked}), or ${fixFor(ctx, arch, 'ipc')}`,
    ...(pointer !== undefined ? { pointer } : {}),
    ...(pc !== undefined ? { pc } : {}),
  });
}

export const multiplexerBypass: LintRule = {
  id: 'multiplexer-bypass',
  code: 'SC4002',
  severity: 'error',
  description: 'argument conditions on a socket or SysV IPC call that the socketcall/ipc path does not enforce',
  messages: {
    bypass: 'the argument conditions on `{name}` are not enforced through {via}() on {arch}: {via}({call}, …) gets {muxVerdict} while {name}() itself gets {directVerdict} for some arguments{reach}',
    overblock: '{via}({call}, …) on {arch} gets {muxVerdict} where {name}() itself gets {directVerdict}: the rule libseccomp adds on {via} for the conditions on `{name}` cannot see its arguments, so it refuses calls the direct syscall allows',
    version: 'the rules for {calls} on {arch} are dodged through ipc() with version bits: {example} gets {looser} where the plain call number gets {stricter}, and the kernel ignores the version (call >> 16)',
  },
  subjects: ['profile', 'filter'],
  check(ctx, report) {
    for (const arch of runnableAbis(ctx)) {
      if (!arch.multiplexers) continue;
      for (const [via, calls] of FAMILIES) for (const [name, call] of Object.entries(calls)) compare(ctx, arch, via, name, call, report);
      versions(ctx, arch, report);
    }
  },
};
