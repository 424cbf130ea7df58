// SPDX-License-Identifier: Apache-2.0
// crun's annotation and bwrap's file hold exactly the compiled program: the annotation's base64
// decodes (with Node's own base64 decoder, and with ours) to bytes that decode and validate to the
// program compileProfile gives for the same target; bwrap's bytes likewise, in the host's order.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archByName } from '../../src/arch/index.js';
import { decode } from '../../src/bpf/encode.js';
import { validate } from '../../src/bpf/validate.js';
import { compileProfile } from '../../src/compile/profile.js';
import { fromBase64, toBase64 } from '../../src/export/base64.js';
import { CRUN_ANNOTATION } from '../../src/export/crun.js';
import { exportProfile } from '../../src/export/export.js';
import { DOCKER_DEFAULT_PROFILE } from '../../src/profile/defaults.gen.js';

const fixtures = new URL('../fixtures/profiles/', import.meta.url);
const CASES = [
  ['docker-default', DOCKER_DEFAULT_PROFILE],
  ['moby/fixture-conditional_include.json', readFileSync(new URL('moby/fixture-conditional_include.json', fixtures), 'utf8')],
  ['runc/seccomp_syscall_test1.json', readFileSync(new URL('runc/seccomp_syscall_test1.json', fixtures), 'utf8')],
] as const;
const HOSTS = ['x86_64', 'aarch64', 's390x'] as const; // s390x: a big-endian program

describe.each(HOSTS)('raw programs for a %s host', (hostName) => {
  const host = archByName(hostName)!;
  it.each(CASES)('%s: crun annotation = base64 of the compiled program', (_name, text) => {
    const compiled = compileProfile(text, { host, kernel: [6, 8] });
    const out = exportProfile(text, 'crun', { host, kernel: [6, 8] });
    const line = out.output as string;
    expect(line.startsWith(`${CRUN_ANNOTATION}=`)).toBe(true);
    const b64 = line.slice(CRUN_ANNOTATION.length + 1).trimEnd();
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    expect(bytes.length).toBe(compiled.program!.length * 8);
    expect(fromBase64(b64)).toEqual(bytes);
    const decoded = decode(bytes, host.endian);
    const valid = validate(decoded.value!);
    expect(valid.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(valid.value).toEqual(compiled.program);
  });

  it.each(CASES)('%s: bwrap file = the compiled program, raw', (_name, text) => {
    const compiled = compileProfile(text, { host, kernel: [6, 8] });
    const out = exportProfile(text, 'bwrap', { host, kernel: [6, 8] }, { output: '/tmp/my profile.bpf' });
    expect(out.output).toBeInstanceOf(Uint8Array);
    expect(validate(decode(out.output as Uint8Array, host.endian).value!).value).toEqual(compiled.program);
    expect(out.notes).toBe("bwrap --seccomp 9 9<'/tmp/my profile.bpf' …\n");
  });
});

describe('base64', () => {
  it('matches RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, coded] of vectors) {
      const bytes = new Uint8Array([...plain].map((c) => c.charCodeAt(0)));
      expect(toBase64(bytes)).toBe(coded);
      expect(fromBase64(coded)).toEqual(bytes);
    }
    expect(fromBase64('Zm9v!')).toBeUndefined();
  });
});

describe('raw-load warnings', () => {
  const host = archByName('x86_64')!;
  it('bwrap: NOTIFY rules get no listener, flags are not applied', () => {
    const text = readFileSync(new URL('kinvolk-seccompagent/notify-dangerous.json', fixtures), 'utf8');
    expect(exportProfile(text, 'bwrap', { host }).diagnostics.map((d) => d.code)).toContain('SC7019');
    const flagged = '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}';
    expect(exportProfile(flagged, 'bwrap', { host }).diagnostics.map((d) => d.code)).toContain('SC7020');
  });
});
