// SPDX-License-Identifier: Apache-2.0
// The examples of docs/rules/<id>.md as lint subjects. A doc page holds fenced blocks whose info
// string says what the example is and what the rule must make of it:
//   ```json lint-fail [host=ARCH] [caps=A,B] [kernel=X.Y] [lens=runc|libseccomp]   a profile
//   ```bpf  lint-pass arch=ARCH                                                   an asm listing
// `lint-fail`: the rule reports at least one finding; `lint-pass`: none. Profiles are compiled for
// host x86_64 (Docker's default capabilities, kernel 6.18, runc) unless the info string says more.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archByName } from '../../src/arch/index.js';
import { assemble } from '../../src/bpf/assemble.js';
import { validate } from '../../src/bpf/validate.js';
import { parseAction } from '../../src/seccomp/action.js';
import { filterAbis } from '../../src/seccomp/summary.js';
import { compileProfileText } from '../../src/cli/source.js';
import type { LintSubject } from '../../src/analysis/lint/context.js';

export const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs/rules');

export interface Example {
  readonly expect: 'fail' | 'pass';
  readonly lang: 'json' | 'bpf';
  readonly options: Readonly<Record<string, string>>;
  readonly text: string;
  /** 1-based line of the opening fence in the doc. */
  readonly line: number;
}

export function docText(id: string): string {
  return readFileSync(join(DOCS, `${id}.md`), 'utf8');
}

export function examples(doc: string): Example[] {
  const out: Example[] = [];
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(json|bpf)\s+lint-(fail|pass)((?:\s+\w+=\S+)*)\s*$/.exec(lines[i]!);
    if (!m) continue;
    const options: Record<string, string> = {};
    for (const kv of m[3]!.trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = kv.split('=');
      options[k!] = v!;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    out.push({ expect: m[2] as 'fail' | 'pass', lang: m[1] as 'json' | 'bpf', options, text: body.join('\n'), line: start + 1 });
  }
  return out;
}

/** The example as the lint engine's subject, or a message saying why it is not one. */
export function subjectOf(e: Example, name: string): LintSubject | string {
  if (e.lang === 'bpf') {
    const arch = archByName(e.options['arch'] ?? 'x86_64');
    if (!arch) return `unknown arch ${e.options['arch']}`;
    const asm = assemble(e.text, { parseReturn: parseAction, file: name });
    if (!asm.value) return asm.diagnostics.map((d) => d.message).join('; ');
    const checked = validate(asm.value);
    if (!checked.value) return checked.diagnostics.map((d) => d.message).join('; ');
    const abis = filterAbis(checked.value, arch.endian);
    return { kind: 'filter', program: checked.value, endian: arch.endian, abis: abis.length ? abis : [arch], host: arch, file: name };
  }
  const host = archByName(e.options['host'] ?? 'x86_64');
  if (!host) return `unknown host ${e.options['host']}`;
  const kernel = (e.options['kernel'] ?? '6.18').split('.').map(Number) as [number, number];
  const caps = e.options['caps']?.split(',');
  const lens = (e.options['lens'] ?? 'runc') as 'runc' | 'libseccomp';
  const src = compileProfileText(e.text, name, { host, kernel, lens, diagnostics: [], ...(caps ? { caps } : {}) });
  if (!src.program) return src.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ');
  return { kind: 'profile', program: src.program, endian: src.endian, abis: src.arches!, host, file: name, profile: src.profile!, resolution: src.resolution! };
}
