// SPDX-License-Identifier: Apache-2.0
// The real profiles the coverage rule tests judge (test/fixtures/profiles, copies of
// ../shared/data/profiles): Docker's newest default, the Docker 23/24-era default (io_uring
// allowed), Podman's default. Compiled once per host and lens, as the doc pages compile theirs.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LintSubject } from '../../src/analysis/lint/context.js';
import { profileSubject } from './subjects.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/profiles');

export const REAL_PROFILES = {
  docker: 'moby/default.json',
  docker24: 'moby/default-docker24-era.json',
  podman: 'containers-common/seccomp.json',
} as const;

const cache = new Map<string, LintSubject>();

export function realProfile(which: keyof typeof REAL_PROFILES, host = 'x86_64'): LintSubject {
  const key = `${which}/${host}`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = profileSubject(readFileSync(join(FIXTURES, REAL_PROFILES[which]), 'utf8'), { host })));
  return s;
}
