// SPDX-License-Identifier: Apache-2.0
// The proof that harden never widens: every real profile (./corpus.ts) and seeded random ones
// (../differential/profiles-gen.ts), for hosts amd64 and arm64, are hardened and
//   (a) the hardened profile parses, resolves and compiles without an error (runc would start it);
//   (b) it is at least as strict as the input at every point of the decision space of both
//       (../differential/profiles-space.ts: every syscall number of every ABI, the boundary
//       values of every constant with high words 0, 1 and 0xffffffff, per ABI), both compiled
//       programs run by the interpreter and compared by the kernel's precedence
//       (compareStrictness: KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW);
//   (c) it has no error-severity finding from the lint rules harden answers (HARDEN_ANSWERS)
//       unless harden warned that it left something (SC6050, SC6053…), and no error finding of
//       another rule that the input did not have.
// Seed: SYSCAGE_SEED, else random; printed. SYSCAGE_HARDEN_RANDOM sets the random profiles per host;
// SYSCAGE_DUMP_DIR receives the text of every random profile that fails.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch/index.js';
import { compareStrictness } from '../../src/analysis/lint/context.js';
import { hardenProfile } from '../../src/analysis/harden/index.js';
import { formatAction } from '../../src/seccomp/action.js';
import { simulate } from '../../src/seccomp/simulate.js';
import type { SeccompData } from '../../src/seccomp/data.js';
import { Rng } from '../differential/libseccomp-gen.js';
import { genProfile } from '../differential/profiles-gen.js';
import { decisionSpace } from '../differential/profiles-space.js';
import { compileFor, HARDEN_HOSTS, HARDEN_RULES, lintSource, realProfiles } from './corpus.js';

const seed = process.env['SYSCAGE_SEED'] !== undefined ? Number(process.env['SYSCAGE_SEED']) >>> 0 : (Math.random() * 0x1_0000_0000) >>> 0;
console.log(`[harden strictness] seed=${seed} (rerun: SYSCAGE_SEED=${seed} npx vitest run test/harden/strictness)`);
const RANDOM_PER_HOST = Number(process.env['SYSCAGE_HARDEN_RANDOM'] ?? 16);

const totals = { profiles: 0, changed: 0, skipped: 0, points: 0, stricter: 0, lintChecked: 0 };

function show(q: SeccompData): string {
  return `arch=0x${q.arch.toString(16)} nr=${q.nr} args=[${q.args.map((a) => '0x' + a.toString(16)).join(', ')}]`;
}

/** All three checks for one (profile, host); returns the failures. */
function prove(label: string, text: string, host: Arch, rng: Rng): string[] {
  const failures: string[] = [];
  const before = compileFor(text, host, label);
  if (!before.program || !before.policy || !before.resolution?.filter) {
    totals.skipped++; // the input does not load for this host: nothing to harden
    return failures;
  }
  const h = hardenProfile(text, { host });
  if (h.text === undefined) return [`${label}: harden returned no profile: ${h.diagnostics.map((d) => d.message).join('; ')}`];
  totals.profiles++;
  if (h.changes.length > 0) totals.changed++;
  // (a)
  const after = compileFor(h.text, host, `${label} (hardened)`);
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  if (!after.program || !after.policy || !after.resolution?.filter || errors.length > 0) {
    return [`${label}: the hardened profile does not load: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`];
  }
  // (b)
  const queries = [...decisionSpace(before.policy, before.resolution.filter, rng).queries, ...decisionSpace(after.policy, after.resolution.filter, rng).queries];
  for (const q of queries) {
    const x = simulate(before.program, before.endian, q).value;
    const y = simulate(after.program, after.endian, q).value;
    totals.points++;
    if (compareStrictness(y, x) < 0) totals.stricter++;
    if (compareStrictness(y, x) > 0 && failures.length < 3) failures.push(`${label}: ${show(q)} was ${formatAction(x)}, hardened ${formatAction(y)}`);
  }
  // (c)
  const leftSomething = h.diagnostics.some((d) => d.severity === 'warning');
  const had = new Set(lintSource(before, host).filter((f) => f.severity === 'error').map((f) => f.rule));
  for (const f of lintSource(after, host)) {
    if (f.severity !== 'error') continue;
    if (HARDEN_RULES.has(f.rule)) {
      if (!leftSomething) failures.push(`${label}: hardened profile still has ${f.rule}: ${f.message}`);
    } else if (!had.has(f.rule)) failures.push(`${label}: hardened profile has a new error ${f.rule}: ${f.message}`);
  }
  totals.lintChecked++;
  return failures;
}

afterAll(() => {
  console.log(`[harden strictness] ${totals.profiles} profile×host cases (${totals.changed} changed, ${totals.skipped} inputs that do not load skipped), ${totals.points} points compared, ${totals.stricter} stricter, 0 weaker allowed`);
});

describe('harden is never less strict, and always loads', () => {
  const real = realProfiles();
  for (const { docker, arch } of HARDEN_HOSTS) {
    it(`every real profile for ${docker} (${real.length} profiles)`, () => {
      const rng = new Rng(seed ^ arch.auditArch);
      const failures = real.flatMap(([label, text]) => prove(label, text, arch, rng));
      expect(failures, failures.join('\n')).toEqual([]);
    });
    it(`${RANDOM_PER_HOST} seeded random profiles for ${docker}`, () => {
      const rng = new Rng((seed + arch.auditArch) >>> 0);
      const failures: string[] = [];
      for (let i = 0; i < RANDOM_PER_HOST && failures.length === 0; i++) {
        const p = genProfile(rng, docker);
        const found = prove(`random #${i} (${p.summary})`, p.text, arch, rng);
        failures.push(...found.map((f) => `${f}\n${p.text}`));
        const dump = process.env['SYSCAGE_DUMP_DIR'];
        if (found.length > 0 && dump) {
          mkdirSync(dump, { recursive: true });
          writeFileSync(join(dump, `harden-${seed}-${docker}-${i}.json`), p.text);
        }
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  }
});
