// SPDX-License-Identifier: Apache-2.0
// A resolved profile → systemd unit settings (systemd.exec(5), "System Call Filtering"):
// SystemCallFilter=, SystemCallErrorNumber=, SystemCallLog= and SystemCallArchitectures=, with
// a warning (stable code) for every part of the profile the unit syntax cannot say.
//
// What the unit can say, and how the profile is mapped onto it:
//   - a deny default (ERRNO or KILL) is an allow-list: `SystemCallFilter=` names the allowed (and
//     logged) calls, every other call gets `SystemCallErrorNumber=` (or, without it, SIGSYS kills
//     the process). systemd adds its @default group to every allow-list; the members the
//     profile does not allow are taken out again with `SystemCallFilter=~…` (a deny entry after
//     an allow-list removes names from it). Denied calls all share the one errno: a rule with
//     another errno, or KILL under an ERRNO default, cannot be said (SC7011).
//   - an ALLOW default is a deny-list `SystemCallFilter=~…`: KILL rules as bare names (SIGSYS),
//     ERRNO rules with their errno, either as the shared `SystemCallErrorNumber=` or, when they
//     differ or KILL rules are there too, as `name:ERRNO` entries.
//   - LOG rules are allowed and listed in `SystemCallLog=`; a LOG default logs everything the
//     ALLOW rules do not name (`SystemCallLog=~…`).
//   - TRAP, TRACE and NOTIFY have no form (SC7012, SC7013); nor have argument conditions (SC7010:
//     the rule is applied to every call of the syscall), filter flags (SC7015), runc's ENOSYS
//     stub for numbers past the profile's highest (SC7016), or a thread-only kill (SC7014).
// Names are matched by name on every listed ABI, as systemd resolves them through libseccomp;
// names systemd 252 does not know are said (SC7017), since systemd skips them.

import type { Arch } from '../arch/arch.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import { errnoName } from '../kernel/errno.js';
import type { ResolvedProfile } from '../resolve/types.js';
import { decodeAction, formatAction, type ActionKind } from '../seccomp/action.js';
import { SYSTEMD_DEFAULT_GROUP, SYSTEMD_KNOWN } from './systemd-groups.gen.js';

/** systemd's ABI names (src/shared/seccomp-util.c seccomp_arch_to_string), by SCMP_ARCH_* name. */
const SYSTEMD_ARCH: Readonly<Record<string, string>> = {
  SCMP_ARCH_X86: 'x86', SCMP_ARCH_X86_64: 'x86-64', SCMP_ARCH_X32: 'x32', SCMP_ARCH_ARM: 'arm', SCMP_ARCH_AARCH64: 'arm64',
  SCMP_ARCH_LOONGARCH64: 'loongarch64', SCMP_ARCH_MIPS: 'mips', SCMP_ARCH_MIPSEL: 'mips-le', SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPSEL64: 'mips64-le', SCMP_ARCH_MIPS64N32: 'mips64-n32', SCMP_ARCH_MIPSEL64N32: 'mips64-le-n32',
  SCMP_ARCH_PARISC: 'parisc', SCMP_ARCH_PARISC64: 'parisc64', SCMP_ARCH_PPC: 'ppc', SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64-le', SCMP_ARCH_RISCV64: 'riscv64', SCMP_ARCH_S390: 's390', SCMP_ARCH_S390X: 's390x',
};
const KNOWN: ReadonlySet<string> = new Set(SYSTEMD_KNOWN);

export interface SystemdOptions {
  /** Does the runtime add runc's ENOSYS stub (the resolution has one)? */
  readonly enosysStub?: boolean;
}

export interface SystemdUnit {
  /** The settings, one per line, in the order they are written. */
  readonly lines: readonly string[];
  /** `[Service]` and the lines, ready for a drop-in file. */
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** What one syscall gets: its unconditional rule's action, or else its first conditional one's. */
interface NameOutcome {
  action: number;
  conditional: boolean;
}

const isDeny = (k: ActionKind) => k === 'ERRNO' || k === 'KILL_PROCESS' || k === 'KILL_THREAD';
const isKill = (k: ActionKind) => k === 'KILL_PROCESS' || k === 'KILL_THREAD';
const list = (names: readonly string[]) => (names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', '));

export function systemdUnit(resolved: ResolvedProfile, host: Arch, options: SystemdOptions = {}): SystemdUnit {
  const diagnostics: Diagnostic[] = [];
  const errno = (n: number) => errnoName(host, n) ?? String(n);
  const outcomeText = (ret: number) => {
    const a = decodeAction(ret);
    return a.kind === 'ERRNO' ? errno(a.data) : isKill(a.kind) ? 'a kill (SIGSYS)' : formatAction(ret);
  };

  // Per syscall name, in profile order; runc drops rules whose action is the default.
  const outcomes = new Map<string, NameOutcome>();
  for (const r of resolved.rules) {
    if (r.action === resolved.defaultAction) continue;
    const conditional = r.conditions.length > 0;
    for (const name of r.names) {
      // libseccomp: an unconditional rule overrides the conditional ones of its syscall
      const seen = outcomes.get(name);
      if (!seen || (seen.conditional && !conditional)) outcomes.set(name, { action: r.action, conditional });
    }
  }
  const byGroup = (pick: (k: ActionKind, o: NameOutcome) => boolean) => [...outcomes].filter(([, o]) => pick(decodeAction(o.action).kind, o)).map(([n]) => n);

  const def = decodeAction(resolved.defaultAction);
  const lines: string[] = [];
  const archNames: string[] = [];
  for (const a of resolved.arches) {
    const s = SYSTEMD_ARCH[a.scmpName];
    if (s) archNames.push(s);
    else diagnostics.push(diag('systemdNoArch', { arch: a.name }));
  }

  const conditional = [...outcomes].filter(([, o]) => o.conditional);
  const unsupported = (k: ActionKind) => k === 'TRAP' || k === 'TRACE' || k === 'USER_NOTIF';
  let written: string[] = [];

  if (def.kind === 'ALLOW' || def.kind === 'LOG') {
    // deny-list
    const deny = byGroup((k) => isDeny(k));
    const kills = byGroup((k) => isKill(k));
    const errnos = new Set(deny.filter((n) => !kills.includes(n)).map((n) => decodeAction(outcomes.get(n)!.action).data));
    const shared = kills.length === 0 && errnos.size === 1 ? [...errnos][0]! : undefined;
    const entries = deny.map((n) => {
      const a = decodeAction(outcomes.get(n)!.action);
      return a.kind === 'ERRNO' && shared === undefined ? `${n}:${errno(a.data)}` : n;
    });
    if (entries.length > 0) lines.push(`SystemCallFilter=~${entries.join(' ')}`);
    if (shared !== undefined) lines.push(`SystemCallErrorNumber=${errno(shared)}`);
    const logged = byGroup((k) => k === 'LOG');
    if (def.kind === 'LOG') {
      const allowed = byGroup((k) => k === 'ALLOW');
      if (allowed.length > 0) lines.push(`SystemCallLog=~${allowed.join(' ')}`);
      else diagnostics.push(diag('systemdDefault', { action: 'LOG', effect: 'with no ALLOW rule to except, the unit cannot log every call; calls are allowed without logging' }));
    } else if (logged.length > 0) lines.push(`SystemCallLog=${logged.join(' ')}`);
    const other = byGroup((k) => unsupported(k));
    for (const kind of ['TRAP', 'TRACE', 'USER_NOTIF'] as const) {
      const names = other.filter((n) => decodeAction(outcomes.get(n)!.action).kind === kind);
      if (names.length > 0) diagnostics.push(diag('systemdAction', { action: kind, names: list(names), effect: `are allowed under systemd` }));
    }
    const threads = byGroup((k) => k === 'KILL_THREAD');
    if (threads.length > 0) diagnostics.push(diag('systemdKillProcess', { names: list(threads) }));
    written = [...deny, ...logged];
    for (const [n, o] of conditional) diagnostics.push(diag('systemdArgs', { names: n, effect: `gets ${outcomeText(o.action)} for every call, whatever its arguments` }));
  } else {
    // allow-list: TRAP, TRACE and NOTIFY defaults have no form; the unit kills instead
    if (unsupported(def.kind)) diagnostics.push(diag('systemdDefault', { action: formatAction(resolved.defaultAction), effect: 'the unit kills the process (SIGSYS) instead' }));
    if (def.kind === 'KILL_THREAD') diagnostics.push(diag('systemdKillProcess', { names: 'the default action' }));
    const allowed = byGroup((k) => k === 'ALLOW' || k === 'LOG');
    const allowedSet = new Set(allowed);
    const removed = SYSTEMD_DEFAULT_GROUP.filter((n) => !allowedSet.has(n));
    if (allowed.length > 0) lines.push(`SystemCallFilter=${allowed.join(' ')}`);
    else lines.push('SystemCallFilter=@default');
    if (removed.length > 0) lines.push(`SystemCallFilter=~${removed.join(' ')}`);
    if (def.kind === 'ERRNO') lines.push(`SystemCallErrorNumber=${errno(def.data)}`);
    const logged = byGroup((k) => k === 'LOG');
    if (logged.length > 0) lines.push(`SystemCallLog=${logged.join(' ')}`);
    // denied calls whose own outcome differs from the shared one
    const got = def.kind === 'ERRNO' ? errno(def.data) : 'a kill (SIGSYS)';
    const differ = new Map<string, string[]>();
    for (const [n, o] of outcomes) {
      const k = decodeAction(o.action).kind;
      if (!isDeny(k) || o.conditional) continue;
      const want = outcomeText(o.action);
      if (want === got) continue;
      differ.set(want, [...(differ.get(want) ?? []), n]);
    }
    for (const [want, names] of differ) diagnostics.push(diag('systemdErrno', { names: list(names), got, want }));
    for (const kind of ['TRAP', 'TRACE', 'USER_NOTIF'] as const) {
      const names = byGroup((k) => k === kind);
      if (names.length > 0) diagnostics.push(diag('systemdAction', { action: kind, names: list(names), effect: `get ${got} under systemd` }));
    }
    written = allowed;
    for (const [n, o] of conditional) {
      const a = decodeAction(o.action).kind;
      const effect = a === 'ALLOW' || a === 'LOG' ? 'is allowed for every call, whatever its arguments' : `gets ${got} for every call, whatever its arguments`;
      diagnostics.push(diag('systemdArgs', { names: n, effect }));
    }
  }
  if (archNames.length > 0) lines.push(`SystemCallArchitectures=${archNames.join(' ')}`);

  for (const flag of resolved.flags ?? []) if (flag !== 'SECCOMP_FILTER_FLAG_TSYNC') diagnostics.push(diag('systemdFlag', { flag }));
  if (options.enosysStub) diagnostics.push(diag('systemdNoStub', { action: def.kind === 'ERRNO' ? errno(def.data) : formatAction(resolved.defaultAction) }));
  const unknown = written.filter((n) => !KNOWN.has(n));
  if (unknown.length > 0) diagnostics.push(diag('systemdUnknownName', { names: list(unknown) }));
  return { lines, text: ['[Service]', ...lines, ''].join('\n'), diagnostics };
}
