// Golden listings: each case's profile compiled for several ABI sets, disassembled with
// annotations; line 1 is the instruction count, so size changes show in review.
// Accept intended changes with `npx vitest run test/golden -u`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileProfileText } from '../../src/cli/source.js';
import { disassemble } from '../../src/bpf/disassemble.js';
import { seccompAnnotator } from '../../src/seccomp/annotate.js';
import { archByName } from '../../src/arch/index.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';

const CASES: Array<{ name: string; sets: string[][] }> = [
  { name: 'small-allowlist', sets: [['x86_64'], ['aarch64'], ['ppc64le'], ['s390x'], ['x86'], ['riscv64'], ['mips64']] },
  { name: 'socket-family', sets: [['x86_64', 'x86'], ['x86'], ['s390x', 's390']] },
  { name: 'x32-guard', sets: [['x86_64'], ['x86_64', 'x32'], ['x32']] },
  { name: 'docker-default', sets: [['x86_64', 'x86', 'x32'], ['aarch64', 'arm']] },
];

describe.each(CASES)('golden $name', ({ name, sets }) => {
  const text = name === 'docker-default' ? DOCKER_DEFAULT_PROFILE : readFileSync(new URL(`./${name}/profile.json`, import.meta.url), 'utf8');
  it.each(sets.map((s) => [s.join('+'), s] as const))('%s', async (label, set) => {
    const arches = set.map((a) => archByName(a)!);
    const src = compileProfileText(text, name, { host: arches[0]!, arches, kernel: [6, 18], lens: 'runc', diagnostics: [] });
    expect(src.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const program = src.program!;
    const listing = disassemble(program, { annotate: seccompAnnotator(program, { endian: arches[0]!.endian }), title: `(${arches[0]!.endian}-endian, ${label})` });
    await expect(listing).toMatchFileSnapshot(`./${name}/${label}.txt`);
  });
});
