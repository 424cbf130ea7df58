// SPDX-License-Identifier: Apache-2.0
// Every witness of every lint rule, on every real profile (test/fixtures/profiles, and the shared
// data folder when present) for the hosts people run containers on, says what the interpreter says:
// the call's verdict on the program the runtime loads, its syscall number on its ABI.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LintContext } from '../../src/analysis/lint/context.js';
import { lint } from '../../src/analysis/lint/engine.js';
import { archByName, syscallNumber } from '../../src/arch/index.js';
import { subjectOf } from './examples.js';

const ROOTS = ['test/fixtures/profiles', '../shared/data/profiles'].filter((d) => existsSync(d));
const HOSTS = ['x86_64', 'aarch64', 's390x'];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

const files = ROOTS.flatMap(jsonFiles);
let checked = 0;

describe('lint witnesses on real profiles', () => {
  it('finds the profiles', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const host of HOSTS) {
      const subject = subjectOf({ expect: 'fail', lang: 'json', options: { host }, text, line: 1 }, file);
      if (typeof subject === 'string') continue; // not a profile runc would load (seccompiler format, refused rules…)
      const ctx = new LintContext(subject);
      for (const f of lint(ctx).findings) {
        const w = f.witness;
        if (!w) continue;
        const arch = archByName(w.arch)!;
        expect(arch, `${host} ${f.rule}: ABI ${w.arch}`).toBeDefined();
        expect(syscallNumber(arch, w.syscall), `${host} ${f.rule}: ${w.text}`).toBe(w.nr);
        expect(ctx.verdict(arch, w.nr, w.args), `${host} ${f.rule}: ${w.text}`).toBe(w.verdict);
        expect(w.args).toHaveLength(6);
        checked++;
      }
    }
  });

  it('checked witnesses of the bypass rules (Docker\'s socket family, its socketcall path…)', () => {
    expect(checked).toBeGreaterThan(100);
  });
});
