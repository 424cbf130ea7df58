// SPDX-License-Identifier: Apache-2.0
// The profiles harden's proofs run on: every JSON profile of test/fixtures/profiles and, when the
// shared folder is present, of ../shared/data/profiles (copies counted once, by content), and the
// hosts they are hardened for. Also the compile-and-lint helpers the proofs share.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archByName, type Arch } from '../../src/arch/index.js';
import { lint } from '../../src/analysis/lint/engine.js';
import type { Finding } from '../../src/analysis/lint/types.js';
import { compileProfileText, type Source } from '../../src/cli/source.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/data/profiles/', import.meta.url));

export const HARDEN_HOSTS: ReadonlyArray<{ readonly docker: string; readonly arch: Arch }> = [
  { docker: 'amd64', arch: archByName('x86_64')! },
  { docker: 'arm64', arch: archByName('aarch64')! },
];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.json') ? [p] : [];
  });
}

/** Every real profile, once: [label, text]. */
export function realProfiles(): Array<readonly [string, string]> {
  const seen = new Set<string>();
  const out: Array<readonly [string, string]> = [];
  for (const [root, tag] of [[FIXTURES, 'fixtures'], [SHARED, 'shared']] as const) {
    for (const file of walk(root)) {
      const text = readFileSync(file, 'utf8');
      const md5 = createHash('md5').update(text).digest('hex');
      if (seen.has(md5)) continue;
      seen.add(md5);
      out.push([`${tag}/${file.slice(root.length)}`, text]);
    }
  }
  return out;
}

/** The profile compiled as runc would load it for `host`. */
export function compileFor(text: string, host: Arch, name = 'profile'): Source {
  return compileProfileText(text, name, { host, lens: 'runc', diagnostics: [] });
}

/** Every lint finding on a compiled profile. */
export function lintSource(src: Source, host: Arch): readonly Finding[] {
  if (!src.program || !src.profile || !src.resolution) return [];
  return lint({ kind: 'profile', program: src.program, endian: src.endian, abis: src.arches ?? [], host, profile: src.profile, resolution: src.resolution }).findings;
}

/** The lint rules whose findings harden exists to remove. */
export { HARDEN_ANSWERS as HARDEN_RULES } from '../../src/analysis/harden/index.js';
