// SPDX-License-Identifier: Apache-2.0
// deny-all-log: complain mode, for recording what a workload calls — the default action is
// SCMP_ACT_LOG (the kernel lets the call run and logs it, kernel/seccomp.c), on every ABI of
// Docker's archMap (a compat call is logged, not killed by the bad-arch action). Not one rule,
// except for the syscalls the dangerous-allow lint rule calls a sandbox escape by itself (its
// error-severity entries: kexec, module loading, open_by_handle_at, iopl/ioperm), which get
// ERRNO(EPERM) — what the kernel answers a container without CAP_SYS_BOOT, CAP_SYS_MODULE,
// CAP_DAC_READ_SEARCH and CAP_SYS_RAWIO (Docker's default set) anyway. SECCOMP_FILTER_FLAG_LOG
// makes the kernel log those refusals too, so the recording misses nothing.
// The names come from the rule's own verdict on the log-everything profile, for amd64 and arm64,
// so that its table stays the one place that says what is dangerous.

import { archByName } from '../../arch/index.js';
import { compilePolicy } from '../../compile/compile.js';
import { profileLocation } from '../../profile/position.js';
import { parseProfile } from '../../profile/parse.js';
import { getField, jsonObject, type JsonObject } from '../../profile/json-value.js';
import { resolveProfile } from '../../resolve/resolve.js';
import { Draft } from '../harden/draft.js';
import { lint } from '../lint/engine.js';
import { dockerDraft, finish, type PresetResult } from './base.js';

const HOSTS = [archByName('x86_64')!, archByName('aarch64')!];

function seccomp(refused: readonly string[]): JsonObject {
  return jsonObject([
    ['defaultAction', 'SCMP_ACT_LOG'],
    ['archMap', getField(dockerDraft().seccomp(), 'archMap')],
    ['syscalls', refused.length === 0 ? [] : [jsonObject([
      ['names', [...refused]],
      ['action', 'SCMP_ACT_ERRNO'],
      ['errnoRet', 1n],
      ['comment', 'deny-all-log: the calls that escape a sandbox by themselves; the kernel refuses them without the capabilities anyway'],
    ])]],
    ['flags', ['SECCOMP_FILTER_FLAG_LOG']],
  ]);
}

/** The syscalls dangerous-allow reports as errors when everything is logged and allowed. */
function escapes(): string[] {
  const text = Draft.fromJson(seccomp([])).text();
  const profile = parseProfile(text).value!;
  const names = new Set<string>();
  for (const host of HOSTS) {
    const resolution = resolveProfile(profile, { host }, 'runc', (p) => profileLocation(profile, p));
    const program = resolution.policy && compilePolicy(resolution.policy).program;
    if (!program) continue;
    const abis = resolution.policy!.abis.map((a) => a.arch);
    const found = lint({ kind: 'profile', program, endian: host.endian, abis, host, profile, resolution }, { only: ['dangerous-allow'] }).findings;
    for (const f of found) if (f.severity === 'error' && f.witness) names.add(f.witness.syscall);
  }
  return [...names].sort();
}

export function denyAllLog(): PresetResult {
  return finish(Draft.fromJson(seccomp(escapes())), false);
}
