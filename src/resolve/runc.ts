// SPDX-License-Identifier: Apache-2.0
// The runc lens: what runc (libcontainer/seccomp/seccomp_linux.go, patchbpf/enosys_linux.go)
// makes of a resolved profile — the libseccomp calls it issues and the ENOSYS stub it prepends.
// Docker, containerd and Kubernetes run containers through it. What runc changes, silently,
// becomes a diagnostic here:
//   - a rule whose action equals the default is skipped (ERRNO compares the errno too);
//   - a name libseccomp does not know (numbers written as names included) is skipped;
//   - several conditions on one argument index make runc add each condition as its own rule (OR);
//   - NOTIFY as the default action, or on `write`, is refused; so is an architecture or a filter
//     flag runc does not know (libcontainer/seccomp/config.go `archs`, seccomp_linux.go setFlag);
//   - unless the default action is ALLOW, LOG or TRACE, the stub answers numbers above the
//     largest syscall the profile names with ERRNO(ENOSYS), per ABI (its `defaultErrnoRet ==
//     ENOSYS` exemption compares an errno with an action value, so it never applies).

import type { Arch } from '../arch/arch.js';
import { knownSyscallNames, syscallNumber } from '../arch/index.js';
import { decodeAction, encodeAction, formatAction } from '../seccomp/action.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diag } from '../diagnostics/messages.js';
import type { EnosysStub } from '../policy/policy.js';
import type { ApiFilter, ApiRule, ProfileRule, ResolvedProfile } from './types.js';
import { errnoNumber } from '../kernel/errno.js';

export interface LensResult {
  readonly filter: ApiFilter;
  readonly enosysStub?: EnosysStub;
  /**
   * The SECCOMP_FILTER_FLAG_* names seccomp(2) gets when the filter is installed: the profile's
   * (TSYNC is recognised and ignored by runc, which always syncs threads through libseccomp-golang),
   * or SPEC_ALLOW when the profile has no `flags` at all (runc's specconv default, where the
   * kernel supports it).
   */
  readonly installFlags: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The architectures runc converts (libcontainer/seccomp/config.go `archs`); any other one fails SetupSeccomp. */
const RUNC_ARCHES: ReadonlySet<string> = new Set([
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X',
  'SCMP_ARCH_LOONGARCH64',
]);
/** The filter flags runc's setFlag accepts; any other is "not known to runc". */
const RUNC_FLAGS: ReadonlySet<string> = new Set(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW']);

const at = (pointer: string) => ({ kind: 'text', pointer, line: 0, column: 0 }) as const;

/** libseccomp's seccomp_rule_add() arguments for one profile condition (MASKED_EQ: a = mask, b = datum). */
export function apiArgs(rule: ProfileRule): ApiRule['args'] {
  return rule.conditions.map((c) => ({ arg: c.index, op: c.op, a: c.value, b: c.valueTwo }));
}

function isPermissive(action: number): boolean {
  const kind = decodeAction(action).kind;
  return kind === 'ALLOW' || kind === 'LOG' || kind === 'TRACE';
}

/** The largest syscall number the profile names on each ABI, as runc's findLastSyscalls computes it. */
function stubFor(profile: ResolvedProfile, enosys: number): EnosysStub | undefined {
  if (isPermissive(profile.defaultAction)) return undefined;
  const entries: Array<{ arch: Arch; max: number }> = [];
  for (const arch of profile.arches) {
    let max = 0;
    for (const r of profile.rules) for (const n of r.names) max = Math.max(max, syscallNumber(arch, n) ?? 0);
    if (max !== 0 && !entries.some((e) => e.arch === arch)) entries.push({ arch, max });
  }
  return entries.length ? { action: enosys, entries } : undefined;
}

export interface RuncLensOptions {
  /**
   * Not runc: read a name made only of digits as a raw native syscall number (libseccomp's own
   * numbering) instead of skipping it. libseccomp's conformance profiles write numbers this way.
   */
  readonly numericNames?: boolean;
}

export function runcLens(profile: ResolvedProfile, locate: (pointer: string) => Diagnostic['location'] = at, options: RuncLensOptions = {}): LensResult {
  const diagnostics: Diagnostic[] = [];
  const rules: ApiRule[] = [];
  const known = knownSyscallNames();
  const defaultAction = profile.defaultAction;
  if (decodeAction(defaultAction).kind === 'USER_NOTIF') diagnostics.push(diag('runcNotifyDefault', {}, locate('/defaultAction')));
  for (const arch of profile.arches) if (!RUNC_ARCHES.has(arch.scmpName)) diagnostics.push(diag('runcUnknownArch', { arch: arch.scmpName }, locate('/architectures')));
  (profile.flags ?? []).forEach((flag, i) => {
    if (!RUNC_FLAGS.has(flag)) diagnostics.push(diag('runcUnknownFlag', { flag }, locate(`/flags/${i}`)));
  });
  for (const r of profile.rules) {
    if (r.action === defaultAction) {
      diagnostics.push(diag('runcDropsDefaultRule', { action: formatAction(r.action), names: r.names.join(', ') }, locate(r.pointer)));
      continue;
    }
    const repeated = r.conditions.some((c, i) => r.conditions.findIndex((d) => d.index === c.index) !== i);
    if (repeated) diagnostics.push(diag('runcSplitsSameArg', { names: r.names.join(', ') }, locate(r.pointer)));
    r.names.forEach((name, i) => {
      const where = r.namePointers?.[i] ?? r.pointer;
      const numeric = options.numericNames === true && /^\d+$/.test(name);
      if (!numeric && !known.has(name)) {
        diagnostics.push(diag('runcSkipsUnknownName', { name }, locate(where)));
        return;
      }
      if (decodeAction(r.action).kind === 'USER_NOTIF' && name === 'write') diagnostics.push(diag('runcNotifyWrite', {}, locate(where)));
      const origin = { pointer: r.pointer };
      const args = apiArgs(r);
      const syscall = numeric ? Number(name) : name;
      if (repeated) for (const a of args) rules.push({ action: r.action, syscall, args: [a], origin: { ...origin, note: 'runc adds each condition of this rule as its own rule' } });
      else rules.push({ action: r.action, syscall, args, origin });
    });
  }
  const native = profile.arches[0];
  const enosys = encodeAction('ERRNO', (native && errnoNumber(native, 'ENOSYS')) ?? 38);
  const stub = stubFor(profile, enosys);
  const installFlags = profile.flags === undefined ? ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'] : profile.flags.filter((f) => RUNC_FLAGS.has(f) && f !== 'SECCOMP_FILTER_FLAG_TSYNC');
  return {
    filter: { defaultAction, arches: profile.arches, rules, attrs: {} },
    ...(stub ? { enosysStub: stub } : {}),
    installFlags,
    diagnostics,
  };
}

/** The raw libseccomp lens: every rule handed to seccomp_rule_add() as written (numbers as numbers). */
export function libseccompLens(profile: ResolvedProfile): LensResult {
  const rules: ApiRule[] = [];
  for (const r of profile.rules) {
    for (const name of r.names) {
      const syscall = /^\d+$/.test(name) ? Number(name) : name;
      rules.push({ action: r.action, syscall, args: apiArgs(r), origin: { pointer: r.pointer } });
    }
  }
  return { filter: { defaultAction: profile.defaultAction, arches: profile.arches, rules, attrs: {} }, installFlags: profile.flags ?? [], diagnostics: [] };
}

