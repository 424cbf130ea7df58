// The inputs of the decompile round trip: every JSON profile of test/fixtures/profiles, for a
// host, compiled (a) by syscage (runc lens: what runc + libseccomp ≥ 2.6.1 load, ENOSYS stub
// included) and (b) by libseccomp.so.2 through koffi, from exactly the seccomp_rule_add calls the
// runc lens makes (resolution.filter), optimize 2 above 32 profile entries, exported, decoded
// with trap 1 repaired and validated: as test/differential/profiles-libseccomp.test.ts builds its
// oracle. A (profile, host) whose resolution or compile fails has no input, and says why.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Arch } from '../../src/arch/arch.js';
import { archByName } from '../../src/arch/index.js';
import { hostAbis } from '../../src/arch/hosts.js';
import { decode } from '../../src/bpf/encode.js';
import type { Program } from '../../src/bpf/instruction.js';
import { validate } from '../../src/bpf/validate.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { exportFilter } from '../../src/linux/libseccomp.js';
import { exportRequest } from '../../src/linux/libseccomp-recompiler.js';
import { parseProfile } from '../../src/profile/parse.js';
import { profileLocation } from '../../src/profile/position.js';
import { applyLibseccomp } from '../../src/resolve/libseccomp/index.js';
import { resolveProfile } from '../../src/resolve/resolve.js';
import { filterActions, repairSwappedRets } from '../differential/libseccomp-repair.js';

const FIXTURES = new URL('../fixtures/profiles/', import.meta.url);

export const HOSTS = ['x86_64', 'aarch64'] as const;

export function fixtureProfiles(dir: URL = FIXTURES, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const url = new URL(name, dir);
    if (statSync(url).isDirectory()) out.push(...fixtureProfiles(new URL(`${name}/`, dir), `${prefix}${name}/`));
    else if (name.endsWith('.json')) out.push(`${prefix}${name}`);
  }
  return out;
}

export interface Compiled {
  readonly file: string;
  readonly host: Arch;
  /** The host's ABIs as the profile resolves them (native first). */
  readonly arches: readonly Arch[];
  readonly bySyscage?: Program;
  readonly byLibseccomp?: Program;
  /** Why there is no input (the profile is not one for this host, or does not compile). */
  readonly skipped?: string;
}

export function compileFixture(file: string, hostName: string, withLibseccomp: boolean): Compiled {
  const host = archByName(hostName)!;
  const text = readFileSync(new URL(file, FIXTURES), 'utf8');
  const parsed = parseProfile(text, file);
  const none = { file, host, arches: hostAbis(host) };
  if (!parsed.value || hasErrors(parsed.diagnostics)) return { ...none, skipped: `not a Docker/OCI profile (${parsed.diagnostics.find((d) => d.severity === 'error')?.code})` };
  const profile = parsed.value;
  const res = resolveProfile(profile, { host }, 'runc', (p) => profileLocation(profile, p));
  if (!res.policy || !res.filter || !res.resolved || hasErrors(res.diagnostics)) {
    return { ...none, skipped: `runc would not load it: ${res.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).join(', ')}` };
  }
  const arches = res.policy.abis.map((a) => a.arch);
  const ours = compilePolicy(res.policy).program;
  if (!ours) return { ...none, arches, skipped: 'syscage does not compile it' };
  if (!withLibseccomp) return { file, host, arches, bySyscage: ours };
  const req = exportRequest({ filter: res.filter, profileRules: res.resolved.rules.length });
  // as the differential suite does: calls the 2.5 model says libseccomp never returns from are not made
  const fault = applyLibseccomp(res.filter, { version: '2.5', optimize: req.attrs?.optimize ?? 1 }).fault;
  if (fault) return { file, host, arches, bySyscage: ours, skipped: `libseccomp would not return: ${fault.message}` };
  const out = exportFilter(req);
  if (!out.ok) return { file, host, arches, bySyscage: ours, skipped: `libseccomp export failed: ${out.message}` };
  const raw = decode(out.bytes, arches[0]!.endian).value!;
  const { program } = repairSwappedRets(raw, filterActions(res.filter.defaultAction, res.filter.rules.map((r) => r.action), res.filter.attrs.badArchAction));
  const lib = validate(program).value;
  return { file, host, arches, bySyscage: ours, ...(lib ? { byLibseccomp: lib } : { skipped: 'libseccomp\'s program does not validate' }) };
}
