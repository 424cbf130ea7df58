// SPDX-License-Identifier: Apache-2.0
// Docker/moby resolution: a Profile × a target → the ResolvedProfile the runtime is handed.
// Reproduces moby/profiles seccomp/seccomp_linux.go setupSeccomp (dockerd does this when the
// container is created, then passes an OCI LinuxSeccomp to runc) and the parts of runc that
// settle values before libseccomp is called:
//   - archMap: the entry whose architecture is the host's gives architecture + subArchitectures;
//     without one Docker lists no architectures and runc's filter covers the native ABI only;
//     on hosts where moby's two arch maps disagree (loong64, mipsle) or are silent (mips), Docker
//     never applies archMap at all. `architectures` is taken as written. runc then calls
//     seccomp_init with the native ABI and seccomp_arch_add for the rest (an ABI already present
//     is skipped), so the native ABI comes first.
//   - includes / excludes: excludes first (the host arch is listed, any listed cap is in the
//     bounding set, or the kernel ≥ minKernel drops the rule), then includes (the host arch must
//     be listed, every cap present, the kernel ≥ minKernel). Arches are Docker's names (amd64,
//     arm64, …; ../profile/names.ts), caps default to Docker's default set, kernels compare
//     major.minor only (moby kernelGreaterEqualThan).
//   - legacy `name`: already folded into `names` by the parser.
//   - errno data: runc getAction (libcontainer/seccomp/seccomp_linux.go) uses errnoRet for ERRNO
//     and TRACE, and EPERM (1) for both when it is missing (its actErrno / actTrace); other
//     actions carry no data. Podman's errno names (containers/common getErrno: the name wins over
//     errnoRet) resolve for the host ABI (libseccomp-behaviour.md trap 10.12).
//   - SCMP_ACT_KILL is KILL_THREAD.
//   - runc refuses NOTIFY rules without listenerPath (libcontainer/process_linux.go).
// A profile in OCI config.json form is what runc reads directly: no archMap, includes or errno
// names (the parser left them out), only `architectures`.
// With target.arches the ABI list is exactly that, in that order (`--arch`).

import type { Arch } from '../arch/arch.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { diag, type MessageId } from '../diagnostics/messages.js';
import { errnoFamily, errnoName, errnoNumber } from '../kernel/errno.js';
import { CAPABILITIES, DOCKER_DEFAULT_CAPS, hostNames } from '../profile/names.js';
import { profileLocation } from '../profile/position.js';
import type { Profile, ProfileSyscall, RuleFilter } from '../profile/types.js';
import { decodeAction, encodeAction, type ActionKind } from '../seccomp/action.js';
import { X86_64 } from '../arch/index.js';
import type { ProfileRule, ResolvedProfile } from './types.js';

export interface DockerTarget {
  readonly host: Arch;
  /** The container's capabilities (bounding set): `CAP_SYS_ADMIN`, `SYS_ADMIN` or `ALL`. Default: Docker's default set. */
  readonly caps?: readonly string[];
  /** The host kernel, major.minor. Default: newer than every minKernel in the profile. */
  readonly kernel?: readonly [number, number];
  /** The exact ABI list, in order, instead of host + profile (`--arch`). */
  readonly arches?: readonly Arch[];
}

/** runc's errno when errnoRet is missing (actErrno / actTrace = EPERM). */
const RUNC_DEFAULT_ERRNO = 1;

export { DOCKER_DEFAULT_CAPS };
export const ALL_CAPS: readonly string[] = CAPABILITIES;

/** `sys_admin` → `CAP_SYS_ADMIN`; `ALL` → every capability (docker run --cap-add ALL). */
export function normalizeCaps(caps: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const c of caps) {
    const u = c.toUpperCase();
    if (u === 'ALL' || u === 'CAP_ALL') CAPABILITIES.forEach((x) => out.add(x));
    else out.add(u.startsWith('CAP_') ? u : 'CAP_' + u);
  }
  return out;
}

function kernelAtLeast(kernel: readonly [number, number] | undefined, min: readonly [number, number]): boolean {
  if (kernel === undefined) return true;
  return kernel[0] > min[0] || (kernel[0] === min[0] && kernel[1] >= min[1]);
}

/** Why Docker drops `rule` for this target, or undefined when it keeps it. */
function skipReason(rule: ProfileSyscall, arch: string | undefined, caps: ReadonlySet<string>, kernel: readonly [number, number] | undefined): string | undefined {
  const ex: RuleFilter | undefined = rule.excludes;
  const v = (k: readonly [number, number]) => `${k[0]}.${k[1]}`;
  if (ex) {
    if (arch !== undefined && ex.arches.includes(arch)) return `excludes.arches lists ${arch}`;
    const cap = ex.caps.find((c) => caps.has(c));
    if (cap) return `excludes.caps lists ${cap}, which the container has`;
    if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel)) return `excluded on kernels ≥ ${v(ex.minKernel)}`;
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches.length > 0 && (arch === undefined || !inc.arches.includes(arch))) {
      return `only for ${inc.arches.join(', ')}; this host is ${arch ?? 'none of Docker\'s names'}`;
    }
    const cap = inc.caps.find((c) => !caps.has(c));
    if (cap) return `needs ${cap}, which the container does not have`;
    if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return `needs a kernel ≥ ${v(inc.minKernel)}`;
  }
  return undefined;
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly profile: Profile, readonly target: DockerTarget) {}

  report(id: MessageId, args: Record<string, string | number>, pointer: string): void {
    this.diagnostics.push(diag(id, args, profileLocation(this.profile, pointer)));
  }

  /** The SECCOMP_RET_* value of an action with its errno data, as runc encodes it. */
  action(kind: ActionKind, errnoRet: number | undefined, errno: string | undefined, pointer: string, retField: string, nameField: string): number {
    if (kind !== 'ERRNO' && kind !== 'TRACE') return encodeAction(kind);
    const host = this.target.host;
    let data = errnoRet ?? RUNC_DEFAULT_ERRNO;
    if (errno !== undefined) {
      const n = /^[0-9]+$/.test(errno) ? Number(errno) : errnoNumber(host, errno);
      if (n === undefined) {
        this.report('errnoNotOnArch', { name: errno, arch: host.name }, `${pointer}/${nameField}`);
      } else {
        if (errnoRet !== undefined && errnoRet !== n) this.report('errnoDisagree', { name: errno, n, arch: host.name, m: errnoRet }, `${pointer}/${nameField}`);
        if (errnoRet === undefined) this.report('errnoNameOnly', { name: errno, fallback: `EPERM (${RUNC_DEFAULT_ERRNO})` }, `${pointer}/${nameField}`);
        data = n;
      }
    } else if (errnoRet !== undefined && errnoFamily(host) !== errnoFamily(X86_64)) {
      const generic = errnoName(X86_64, errnoRet);
      const local = errnoName(host, errnoRet);
      if (generic !== undefined && generic !== local) {
        this.report('errnoMeaning', { n: errnoRet, generic, local: local ?? 'no errno', arch: host.name }, `${pointer}/${retField}`);
      }
    }
    return encodeAction(kind, data);
  }

  arches(): Arch[] {
    const { profile, target } = this;
    const host = target.host;
    const listed: Array<{ arch: Arch; pointer: string }> = [];
    if (target.arches) {
      if (profile.architectures.length > 0) this.report('archListGiven', { arches: target.arches.map((a) => a.name).join(', '), field: '`architectures`' }, `${profile.pointerBase}/architectures`);
      if (profile.archMap.length > 0) this.report('archListGiven', { arches: target.arches.map((a) => a.name).join(', '), field: '`archMap`' }, `${profile.pointerBase}/archMap`);
      listed.push(...target.arches.map((arch) => ({ arch, pointer: '' })));
    } else {
      listed.push({ arch: host, pointer: '' });
      if (profile.archMap.length > 0) {
        const broken = hostNames(host).archMapBroken;
        const entry = broken ? undefined : profile.archMap.find((e) => e.architecture?.arch === host);
        if (broken) this.report('archMapNotApplied', { host: host.name, reason: broken }, `${profile.pointerBase}/archMap`);
        else if (!entry) this.report('archMapNoHost', { host: host.name }, `${profile.pointerBase}/archMap`);
        else listed.push(entry.architecture!, ...entry.subArchitectures);
      } else if (profile.architectures.length > 0) {
        if (!profile.architectures.some((a) => a.arch === host)) this.report('nativeAdded', { host: host.name }, `${profile.pointerBase}/architectures`);
        listed.push(...profile.architectures);
      }
    }
    const out: Array<{ arch: Arch; pointer: string }> = [];
    for (const a of listed) if (!out.some((o) => o.arch === a.arch)) out.push(a);
    const first = out[0]!;
    for (const a of out.slice(1)) {
      if (a.arch.endian !== first.arch.endian) {
        this.report('resolveMixedEndian', { a: first.arch.name, ea: first.arch.endian, b: a.arch.name, eb: a.arch.endian }, a.pointer);
      }
    }
    return out.map((o) => o.arch);
  }

  rules(): ProfileRule[] {
    const { profile, target } = this;
    const caps = normalizeCaps(target.caps ?? DOCKER_DEFAULT_CAPS);
    const dockerArch = hostNames(target.host).docker;
    const rules: ProfileRule[] = [];
    let maxMinKernel: readonly [number, number] | undefined;
    for (const rule of profile.syscalls) {
      for (const k of [rule.includes?.minKernel, rule.excludes?.minKernel]) {
        if (k && (!maxMinKernel || !kernelAtLeast(maxMinKernel, k))) maxMinKernel = k;
      }
      const reason = skipReason(rule, dockerArch, caps, target.kernel);
      if (reason !== undefined) {
        const names = rule.names.length > 3 ? `${rule.names.slice(0, 3).join(', ')}, …` : rule.names.join(', ');
        this.report('ruleSkipped', { names, reason }, rule.pointer);
        continue;
      }
      rules.push({
        names: rule.names,
        namePointers: rule.namePointers,
        action: this.action(rule.action, rule.errnoRet, rule.errno, rule.pointer, 'errnoRet', 'errno'),
        conditions: rule.args.map((a) => ({ index: a.index, op: a.op, value: a.value, valueTwo: a.valueTwo, pointer: a.pointer })),
        pointer: rule.pointer,
      });
    }
    if (maxMinKernel && target.kernel === undefined) {
      this.report('kernelAssumed', { max: `${maxMinKernel[0]}.${maxMinKernel[1]}` }, profile.pointerBase);
    }
    return rules;
  }
}

/**
 * Resolves a profile for a target as Docker (dockerd + runc) does. No value and no error means
 * the profile installs no filter (no defaultAction and no syscalls: seccomp disabled).
 */
export function resolveDocker(profile: Profile, target: DockerTarget): { value?: ResolvedProfile; diagnostics: Diagnostic[] } {
  const r = new Resolver(profile, target);
  if (profile.defaultAction === undefined) {
    r.report('noFilter', {}, profile.pointerBase);
    return { diagnostics: r.diagnostics };
  }
  const base = profile.pointerBase;
  const defaultAction = r.action(profile.defaultAction, profile.defaultErrnoRet, profile.defaultErrno, base, 'defaultErrnoRet', 'defaultErrno');
  const arches = r.arches();
  const rules = r.rules();
  // runc (libcontainer/process_linux.go): a filter with NOTIFY rules and no listenerPath fails.
  const notify = rules.find((x) => decodeAction(x.action).kind === 'USER_NOTIF');
  if (notify && !profile.listenerPath) r.report('notifyNoListener', {}, notify.pointer);
  if (hasErrors(r.diagnostics)) return { diagnostics: r.diagnostics };
  const value: ResolvedProfile = {
    defaultAction,
    arches,
    rules,
    ...(profile.flags !== undefined ? { flags: profile.flags } : {}),
    ...(profile.listenerPath !== undefined ? { listenerPath: profile.listenerPath } : {}),
    ...(profile.listenerMetadata !== undefined ? { listenerMetadata: profile.listenerMetadata } : {}),
  };
  return { value, diagnostics: r.diagnostics };
}
